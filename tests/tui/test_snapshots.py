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
