"""Subprocess probe for the TUI figures (run by benchmarks.run, not by hand).

    python -m benchmarks.tui_probe DB DECKS LEARNER ANSWERS

What it measures, printed as JSON lines on stdout:

* `{"event": "card"}` — printed as soon as the first card is on screen: the app is built
  with `make_app` (start-up deck sync in its worker, as bare `quizapp` does) and driven
  headless by `App.run_test` (120×40); when the home screen shows its decks
  (`HomeScreen.shows_decks`: the deck table has its rows), Enter is pressed (study the
  highlighted deck, as a learner would) and we wait until the study screen has mounted,
  shown an item and the app is idle (`pilot.pause()`: every pending message, including
  the repaint, processed). The parent's clock runs from just before it starts this
  process to reading this line.
* `{"event": "answers", "ms": [...]}` — keypress → next card rendered, per answer: the
  answer side is revealed first (not timed), then from pressing `3` (Good) until the
  study screen shows a different item and the app is idle again.
* `{"event": "rss", "mb": …}` — peak resident set size of this process
  (`resource.getrusage`), after the answers.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path


def emit(**data: object) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


_APP: list[object] = []


def _screen() -> str:
    return type(_APP[0].screen).__name__ if _APP else "?"  # type: ignore[attr-defined]


async def until(check: object, what: str, limit: float = 90.0) -> None:
    """Poll `check()` on the event loop; give up (exit 3) after `limit` seconds."""
    deadline = time.monotonic() + limit
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            sys.stderr.write(f"tui_probe: timed out waiting for {what} (screen: {_screen()})\n")
            sys.stderr.flush()
            os._exit(3)
        await asyncio.sleep(0.001)


async def probe(db_path: Path, decks: Path, learner: str, answers: int) -> None:
    # As bare `quizapp` does (cli._open_tui): the integrity check starts on a thread
    # before Textual and the store are imported, and open_database takes its verdict.
    from quizapp.store.integrity import check_ahead

    check_ahead(db_path)
    from quizapp.decks.discovery import bundled_decks_dir
    from quizapp.store import open_database
    from quizapp.study import grading
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
        times: list[float] = []
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        for _ in range(answers):
            item = screen.item
            if item is None:
                break
            screen.reveal(grading.self_graded(item.card.answer or "x"))
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("3")
            await until(
                lambda item=item: screen.item is not item or app.screen is not screen, "next card"
            )
            await pilot.pause()
            times.append((time.perf_counter() - t0) * 1000)
            if app.screen is not screen:
                break
        emit(event="answers", ms=times)
        emit(event="rss", mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    os._exit(0)  # measured; do not wait for the app's workers to wind down


def main() -> None:
    db, decks, learner, answers = sys.argv[1:5]
    asyncio.run(probe(Path(db), Path(decks), learner, int(answers)))


if __name__ == "__main__":
    main()
