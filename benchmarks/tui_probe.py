"""Subprocess probe for the TUI figures (run by benchmarks.run, not by hand).

    python -m benchmarks.tui_probe DB DECKS LEARNER ANSWERS [QUIZ_MOVES]

What it measures, printed as JSON lines on stdout:

* `{"event": "card"}` — printed as soon as the first card is on screen: the app is built
  with `make_app` (start-up deck sync in its worker, as bare `quizapp` does) and driven
  headless by `App.run_test` (120×40); when the home screen shows its decks
  (`HomeScreen.shows_decks`: the deck table has its rows), Enter is pressed (study the
  highlighted deck, as a learner would) and we wait until the study screen has mounted,
  shown an item and the app is idle (`pilot.pause()`: every pending message, including
  the repaint, processed). The parent's clock runs from just before it starts this
  process to reading this line.
* `{"event": "reveals", "ms": [...]}` — keypress → answer side on screen, per card: the
  key a learner would press (Space for a basic card, `a` for an mcq, Enter in the
  empty answer field of a typed or cloze card).
* `{"event": "answers", "ms": [...]}` — keypress → next card on screen, per answer:
  from pressing `3` (Good) on the answer side until the study screen shows another item.
* `{"event": "quiz_moves", "ms": [...]}` — on a 20-question timed quiz block over the
  same collection: `]` (next question) to its end, then `[` (previous) back.
* `{"event": "rss", "mb": …}` — peak resident set size of this process
  (`resource.getrusage`), after the answers.

How a keypress is timed: from just before the key is sent to the *last frame the app
paints before it is idle again* (`App.post_display_hook`, called after every frame,
headless too) — the card as the learner finally sees it, settled (a second layout pass
for the scroll bars is included). "Idle" is Textual's own test for it, `pilot.pause()`
(no CPU used for 20 ms); that wait is not part of the figure: Pilot's key press and
pause each sleep in 20 ms steps, which timed the test harness as much as the app. The
screens redraw their clock once a second; a key is not pressed in the quarter second
before that redraw is due, so its frame is not counted as the answer's.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

TICK_S = 1.0  # the study and quiz screens redraw their clock every second
TICK_MARGIN_S = 0.25  # no key pressed this close before the next redraw


def emit(**data: object) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


_APP: list[Any] = []


def _screen() -> str:
    return type(_APP[0].screen).__name__ if _APP else "?"


async def until(check: Callable[[], object], what: str, limit: float = 90.0) -> None:
    """Poll `check()` on the event loop; give up (exit 3) after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            sys.stderr.write(f"tui_probe: timed out waiting for {what} (screen: {_screen()})\n")
            sys.stderr.flush()
            os._exit(3)
        await asyncio.sleep(0.001)


class KeyTimer:
    """Times keypresses to the last frame painted before the app is idle."""

    def __init__(self, app: Any, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot
        self.frames: list[float] = []
        self.cpu_at: list[float] = []  # process CPU time at each frame
        self.cpu: dict[str, list[float]] = {}  # per kind of key: CPU ms, key → last frame
        self.tick_at: float | None = None  # when a clock redraw was last seen
        app.post_display_hook = self._frame

    def _frame(self) -> None:
        self.frames.append(time.perf_counter())
        self.cpu_at.append(time.process_time())

    async def find_tick(self) -> None:
        """Learn the phase of the screen's once-a-second redraw: the first frame the
        app paints while nothing else is going on."""
        await self.pilot.pause()
        seen = len(self.frames)
        await until(lambda: len(self.frames) > seen, "the clock redraw", limit=5)
        self.tick_at = self.frames[-1]
        await self.pilot.pause()

    async def _clear_of_tick(self) -> None:
        if self.tick_at is None:
            return
        now = time.perf_counter()
        next_tick = self.tick_at + TICK_S * (int((now - self.tick_at) / TICK_S) + 1)
        if next_tick - now < TICK_MARGIN_S:
            await asyncio.sleep(next_tick - now + 0.05)
            await self.pilot.pause()

    async def press(
        self,
        key: str,
        done: Callable[[], bool],
        what: str,
        before: Callable[[], Awaitable[None]] | None = None,
    ) -> float:
        """Press `key`, wait until `done()` and the app is idle; the ms from the key to
        the last frame painted (and, in `cpu[what]`, the process's CPU ms meanwhile).
        `before` runs first (not timed)."""
        await self._clear_of_tick()
        if before is not None:
            await before()
            await self._clear_of_tick()
        c0 = time.process_time()
        t0 = time.perf_counter()
        await self.pilot.press(key)
        await until(done, what)
        await self.pilot.pause()
        after = [f for f in self.frames if f > t0]
        self.cpu.setdefault(what, []).append((self.cpu_at[-1] - c0) * 1000 if after else 0.0)
        if not after:
            sys.stderr.write(f"tui_probe: no frame painted after {key!r} ({what})\n")
            os._exit(3)
        if os.environ.get("PROBE_DEBUG"):
            sys.stderr.write(f"{key}: {[round((f - t0) * 1000, 1) for f in after]}\n")
        return (after[-1] - t0) * 1000


def reveal_key(item: Any) -> str:
    from quizapp.model import CardType

    if item.card.type == CardType.MCQ:
        return "a"
    if item.card.type == CardType.BASIC:
        return "space"
    return "enter"  # typed, cloze, occlusion: Enter in the empty answer field


async def probe(db_path: Path, decks: Path, learner: str, answers: int, moves: int) -> None:
    # As bare `quizapp` does (cli._open_tui): the integrity check starts on a thread
    # before Textual and the store are imported, and open_database takes its verdict.
    from quizapp.store.integrity import check_ahead

    check_ahead(db_path)
    from quizapp.decks.discovery import bundled_decks_dir
    from quizapp.store import open_database
    from quizapp.tui.app import make_app
    from quizapp.tui.screens.home import HomeScreen
    from quizapp.tui.screens.study import StudyScreen

    db = open_database(db_path)
    app = make_app(db=db, deck_dirs=[bundled_decks_dir(), decks], learner_name=learner)
    _APP.append(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            lambda: isinstance(app.screen, HomeScreen) and app.screen.shows_decks,
            "the home screen",
        )
        await pilot.press("enter")
        await until(
            lambda: isinstance(app.screen, StudyScreen) and app.screen.item is not None,
            "the first card",
        )
        await pilot.pause()
        emit(event="card")
        timer = KeyTimer(app, pilot)
        await timer.find_tick()
        reveals: list[float] = []
        times: list[float] = []
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        for _ in range(answers):
            item = screen.item
            if item is None:
                break
            reveals.append(
                await timer.press(
                    reveal_key(item),
                    lambda: screen.answering or app.screen is not screen,
                    "the answer side",
                )
            )
            if app.screen is not screen or not screen.answering:
                break
            times.append(
                await timer.press(
                    "3",
                    lambda item=item: screen.item is not item or app.screen is not screen,
                    "next card",
                )
            )
            if app.screen is not screen:
                break
        emit(event="reveals", ms=reveals, cpu_ms=timer.cpu.get("the answer side", []))
        emit(event="answers", ms=times, cpu_ms=timer.cpu.get("next card", []))
        emit(event="rss", mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if moves:
            ms = await quiz_moves(app, pilot, timer, moves)
            emit(event="quiz_moves", ms=ms, cpu_ms=timer.cpu.get("question", []))
    os._exit(0)  # measured; do not wait for the app's workers to wind down


async def quiz_moves(app: Any, pilot: Any, timer: KeyTimer, moves: int) -> list[float]:
    """`]` through a timed block of 20 questions (built, not timed), then `[` back: each
    move shows another question. In the answer field `]` is text: Esc leaves it first
    (not timed), as a learner does."""
    from textual.widgets import Input

    from quizapp.quiz.library import build_block
    from quizapp.tui.screens.quiz import QuizScreen

    block = build_block(
        app.db, app.learner, n=20, pool="all", mode="timed", clock=app.clock, rng_seed=7
    )
    await app.push_screen(QuizScreen(block))
    await until(lambda: isinstance(app.screen, QuizScreen), "the quiz screen")
    screen = app.screen

    async def leave_field() -> None:
        await pilot.pause()
        if isinstance(app.focused, Input):
            await pilot.press("escape")
            await pilot.pause()

    await timer.find_tick()
    out: list[float] = []
    forward = True
    for _ in range(moves):
        at = block.current
        if forward and at == len(block):
            forward = False
        elif not forward and at == 1:
            forward = True
        key = "right_square_bracket" if forward else "left_square_bracket"
        out.append(
            await timer.press(
                key,
                lambda at=at: block.current != at or app.screen is not screen,
                "question",
                before=leave_field,
            )
        )
        if app.screen is not screen:
            break
    return out


def main() -> None:
    db, decks, learner, answers = sys.argv[1:5]
    moves = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    asyncio.run(probe(Path(db), Path(decks), learner, int(answers), moves))


if __name__ == "__main__":
    main()
