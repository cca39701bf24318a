"""Snapshot tests (pytest-textual-snapshot) at a fixed size, clock and learner.

Regenerate after an intended change with `pytest tests/tui --snapshot-update` and look
at the SVGs in `__snapshots__/` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from quizapp.tui.app import QuizApp

from .conftest import SIZE, settle

Build = Callable[..., QuizApp]


def app_for(build: Build) -> QuizApp:
    return build(learner_name="learner")


async def _quiet(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def _to_mcq(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")  # study the highlighted deck
    await pilot.pause()
    await pilot.press("space", "3")  # basic
    await pilot.press(*"35", "enter")  # typed
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def test_home(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_study_mcq_question(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_mcq(pilot)
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_study_mcq_answer(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_mcq(pilot)
        await pilot.press("b")  # the wrong option
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_summary(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_mcq(pilot)
        await pilot.press("a", "enter", "escape")
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_browse(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"rate", "enter")  # search, then to the results (no blinking cursor)
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_study_at_80x24(snap_compare: Any, build: Build) -> None:
    """The smallest supported terminal: the answer side still shows the grade keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _to_mcq(pilot)
        await pilot.press("a")
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=(80, 24), run_before=run_before)


def _timed_block(app: QuizApp) -> int:
    """A 3-question timed block in deck order: question 1 answered, 2 flagged, 2 current."""
    from datetime import timedelta

    from quizapp.quiz import build_block

    clock = app.clock
    block = build_block(
        app.db,
        app.learner,
        n=3,
        pool="all",
        mode="timed",
        seconds_per_question=90,
        clock=clock,
        rng_seed=7,
        shuffle=False,
    )
    clock.now += timedelta(seconds=42)  # type: ignore[attr-defined]
    block.answer(1, "35")
    block.goto(2)
    block.flag(2)
    clock.now += timedelta(seconds=11)  # type: ignore[attr-defined]
    block.checkpoint()
    return block.id


def test_quiz_timed_question(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        from quizapp.quiz import load_block
        from quizapp.tui.screens.quiz import QuizScreen

        app = pilot.app
        await settle(pilot)
        block_id = _timed_block(app)
        await app.push_screen(QuizScreen(load_block(app.db, block_id, clock=app.clock)))
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_quiz_results(snap_compare: Any, build: Build) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        from quizapp.quiz import load_block
        from quizapp.tui.screens.quiz_results import QuizResultsScreen

        app = pilot.app
        await settle(pilot)
        block = load_block(app.db, _timed_block(app), clock=app.clock)
        block.answer(2, [1])
        block.submit()
        await app.push_screen(QuizResultsScreen(block.id))
        await _quiet(pilot)

    assert snap_compare(app_for(build), terminal_size=SIZE, run_before=run_before)


def test_stats(snap_compare: Any, build: Build, deck_dir: Any) -> None:
    from .test_stats import seed_history

    app = app_for(build)
    seed_history(app, deck_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("t")
        await pilot.app.workers.wait_for_complete()
        await _quiet(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
