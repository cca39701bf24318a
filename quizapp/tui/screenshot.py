"""Export SVG screenshots of the app for the docs (bundled deck, fixed clock, temp store).

python -m quizapp.tui.screenshot docs/screenshots
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp.decks.discovery import bundled_decks_dir
from quizapp.store import open_database
from quizapp.tui.app import QuizApp, make_app

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.pilot import Pilot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SIZE = (100, 34)


async def _shoot(out: Path) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "shot.db")
        app = make_app(
            db=db,
            deck_dirs=[bundled_decks_dir()],
            clock=lambda: T0,
            learner_name="student",
            fuzz=False,
        )
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()

            def save(name: str) -> None:
                app.clear_notifications()
                path = out / name
                path.write_text(app.export_screenshot(title="quizapp"))
                written.append(path)

            save("home.svg")
            await pilot.press("enter")  # study the bundled deck
            await pilot.pause()
            await pilot.press(*"35", "enter")  # the first card is typed
            await pilot.pause()
            await pilot.press("enter")  # accept Good
            await pilot.pause()
            save("study-question.svg")
            await pilot.press("b")  # a wrong option: shows every reason
            await pilot.pause()
            await pilot.pause()
            save("study.svg")
            await _quiz_and_stats(app, pilot, save)
        db.conn.close()
    return written


async def _quiz_and_stats(app: QuizApp, pilot: Pilot[None], save: Callable[[str], None]) -> None:
    """A timed block in deck order (deterministic), its results, then the stats screen."""
    from quizapp.quiz import build_block
    from quizapp.tui.screens.quiz import QuizScreen
    from quizapp.tui.screens.quiz_results import QuizResultsScreen

    await pilot.press("escape", "enter")  # end the session, back home
    await pilot.pause()
    block = build_block(
        app.db,
        app.learner,
        n=20,
        pool="all",
        mode="timed",
        clock=app.clock,
        rng_seed=1,
        shuffle=False,
    )
    await app.push_screen(QuizScreen(block))
    await pilot.pause()
    await pilot.press(*"35", "enter")  # answer the first (typed) question; on to the next
    await pilot.pause()
    await pilot.press("ctrl+f")  # flag the second
    await pilot.pause()
    save("quiz.svg")
    block.submit()
    await app.switch_screen(QuizResultsScreen(block.id))
    await pilot.pause()
    save("quiz-results.svg")
    await app.pop_screen()
    await pilot.pause()
    await pilot.press("t")
    await app.workers.wait_for_complete()
    await pilot.pause()
    save("stats.svg")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(_shoot(out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
