"""Pilot tests of new-card limits and study more: the limit named on home, at "All done"
and in the summary; the Study more screen's three choices."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Input

from quizapp.store.learners import update_settings
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.study_more import StudyMoreScreen
from quizapp.tui.screens.summary import SummaryScreen

from .conftest import SIZE, settle, text_of, until

Build = Callable[..., QuizApp]


def one_new_a_day(app: QuizApp) -> None:
    app.learner = update_settings(app.db, app.learner.id, new_per_day=1)


def card_states(app: QuizApp) -> list[tuple[object, ...]]:
    return [tuple(r) for r in app.db.conn.execute("SELECT * FROM card_state ORDER BY card_pk")]


async def study_the_one_new_card(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StudyScreen)
    await pilot.press("space")  # basic-1: show the answer
    await pilot.press("4")  # Easy: graduates at once
    await pilot.pause()


async def test_the_limit_is_named_in_the_summary_home_and_all_done(build: Build) -> None:
    app = build()
    one_new_a_day(app)
    async with app.run_test(size=SIZE) as pilot:
        await study_the_one_new_card(pilot)
        assert isinstance(app.screen, SummaryScreen)  # nothing more today
        summary = text_of(app.screen.query_one("#summary"))
        assert "new-card limit reached: 1 today (4 new waiting)" in summary
        assert "m studies more" in summary
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        row = [str(c) for c in app.screen.query_one(DataTable).get_row_at(0)]
        assert row[4] == "0*"  # New: what a session gives today, marked
        assert "new-card limit reached today" in text_of(app.screen.query_one("#scope"))
        await pilot.press("enter")  # All done, and why
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(
            "New-card limit reached: 1 today" in m and "m studies more" in m for m in messages
        ), messages


async def test_more_new_cards_from_the_study_more_screen(build: Build) -> None:
    app = build()
    one_new_a_day(app)
    async with app.run_test(size=SIZE) as pilot:
        await study_the_one_new_card(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, StudyMoreScreen)
        assert "new-card limit reached: 1 today" in text_of(app.screen.query_one("#more-note"))
        field = app.screen.query_one("#more-new", Input)
        field.value = "2"
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, StudyScreen))
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.session.counts().new == 2  # the limit raised by two, for today
        assert app.learner.settings["extra_new"] == {"day": "2026-03-02", "n": 2}


async def test_cram_from_home_leaves_the_schedule_alone(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await study_the_one_new_card(pilot)
        await pilot.press("escape")  # end the session
        await pilot.press("enter")  # home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        before = card_states(app)
        reviews = app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+s")  # cram every card of the deck
        await until(pilot, lambda: isinstance(app.screen, StudyScreen))
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.session.MODE == "cram"
        assert screen.session.counts().review == 5
        await pilot.press("space")
        await pilot.press("1")  # Again: counted, not saved
        await pilot.pause()
        assert card_states(app) == before
        assert app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == reviews
        await pilot.press("escape")
        await pilot.pause()
        assert "answers not saved to the schedule" in text_of(app.screen.query_one("#summary"))


async def test_review_ahead_from_home(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await study_the_one_new_card(pilot)
        await pilot.press("escape")  # end the session
        await pilot.press("enter")  # home
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#more-ahead", Input).value = "30"
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, StudyScreen))
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.session.MODE == "ahead"
        assert screen.item is not None and screen.item.card_id == "basic-1"
