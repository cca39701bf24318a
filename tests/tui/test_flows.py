"""Pilot tests of the main flows: first run, studying, undo, suspend, browse, settings."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Input

from quizapp.store.learners import default_learner_name, get_learner, list_learners
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.browse import BrowseScreen, CardDetailScreen
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.summary import SummaryScreen

from .conftest import SIZE, settle, text_of

Build = Callable[..., QuizApp]


def reviews(app: QuizApp) -> list[tuple[str, int, int | None, str]]:
    return [
        tuple(r)
        for r in app.db.conn.execute(
            """SELECT c.card_id || CASE WHEN c.ord THEN '#' || c.ord ELSE '' END,
                      r.rating, r.correct, r.response
               FROM reviews r JOIN cards c ON c.id = r.card_pk ORDER BY r.id"""
        )
    ]


def screen_text(app: QuizApp, selector: str) -> str:
    return text_of(app.screen.query_one(selector))


async def test_first_run_creates_learner_and_shows_decks(build: Build) -> None:
    app = build()
    assert [lr.name for lr in list_learners(app.db)] == [default_learner_name()]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1] == "TUI test deck"
        assert row[2:6] == ["0", "0", "5", "5"]  # due, learning, new, total (cloze: 2 items)
        assert "test" in row[6]
        assert "0 answered" in screen_text(app, "#today")
        assert "Streak" in screen_text(app, "#today")


async def _start(pilot) -> StudyScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    return screen


async def test_study_every_type_right(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        assert s.item is not None and s.item.card_id == "basic-1"
        assert "Front one" in screen_text(app, "#prompt")
        await pilot.press("space")
        assert "Back one" in screen_text(app, "#feedback")
        assert "Because one." in screen_text(app, "#feedback")
        await pilot.press("3")
        await pilot.pause()

        assert s.item.card_id == "typed-1"
        await pilot.press(*"35", "enter")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✓ Correct")
        fb = screen_text(app, "#feedback")
        assert "35%" in fb and "As many as 35% recur." in fb and "[47]" in fb
        assert "A test source" in fb
        await pilot.press("enter")  # accept the suggested Good
        await pilot.pause()

        assert s.item.card_id == "mcq-1"
        await pilot.press("a")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✓ Correct")
        fb = screen_text(app, "#feedback")
        assert "✓ right" in fb and "Stated in the study." in fb
        assert "✗ wrong" in fb and "That is the share within 5 years." in fb
        await pilot.press("enter")
        await pilot.pause()

        assert s.item.card_id == "cloze-1" and s.item.ord == 1
        assert "[...]" in screen_text(app, "#prompt")
        assert "positive" not in screen_text(app, "#prompt")
        await pilot.press(*"positive", "enter")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✓ Correct")
        await pilot.press("4")
        await pilot.pause()
    assert reviews(app) == [
        ("basic-1", 3, None, ""),
        ("typed-1", 3, 1, "35"),
        ("mcq-1", 3, 1, "A"),
        ("cloze-1#1", 4, 1, "positive"),
    ]


async def test_study_every_type_wrong(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        await pilot.press("enter")  # basic: Enter also reveals
        await pilot.press("1")
        await pilot.pause()
        assert s.item is not None and s.item.card_id == "typed-1"
        await pilot.press(*"12", "enter")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✗ Wrong")
        assert "Correct answer: 35%" in screen_text(app, "#feedback")
        grade = screen_text(app, "#grade-1")
        assert "Again" in grade and "▸" in grade  # the suggestion is preselected
        await pilot.press("enter")
        await pilot.pause()
        assert s.item.card_id == "mcq-1"
        await pilot.press("b")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✗ Wrong")
        assert "◀ your answer" in screen_text(app, "#feedback")
        await pilot.press("enter")
        await pilot.pause()
        assert s.item.card_id == "cloze-1"
        await pilot.press(*"negative", "enter")
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("✗ Wrong")
        assert "positive" in screen_text(app, "#feedback")
        await pilot.press("enter")
        await pilot.pause()
    assert reviews(app) == [
        ("basic-1", 1, None, ""),
        ("typed-1", 1, 0, "12"),
        ("mcq-1", 1, 0, "B"),
        ("cloze-1#1", 1, 0, "negative"),
    ]


async def test_cloze_reveal_is_self_graded_and_summary(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        await pilot.press("b")  # bury basic-1 (b works while no input has focus)
        await pilot.pause()
        for _ in range(2):  # typed and mcq hold the keys: bury them from the palette
            titles = {c.title: c for c in app.get_system_commands(app.screen)}
            titles["Bury"].callback()
            await pilot.pause()
        assert s.item is not None and s.item.card.type == "cloze"
        await pilot.press("enter")  # empty answer reveals
        await pilot.pause()
        assert screen_text(app, "#verdict").startswith("Answer shown")
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = screen_text(app, "#summary")
        assert "Cards answered" in summary and "1" in summary
        assert "Due by tomorrow" in summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert reviews(app) == [("cloze-1#1", 3, None, "")]


async def test_undo_removes_the_review(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        await pilot.press("space", "3")
        await pilot.pause()
        assert s.item is not None and s.item.card_id == "typed-1"
        await pilot.press(*"35", "enter")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert len(reviews(app)) == 2
        assert s.item.card_id == "mcq-1"
        await pilot.press("u")
        await pilot.pause()
        assert s.item.card_id == "typed-1"
        assert not s.answering
        assert reviews(app) == [("basic-1", 3, None, "")]
        state = app.db.conn.execute(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_pk "
            "WHERE c.card_id = 'typed-1'"
        ).fetchone()[0]
        assert state == 0  # back to new, exactly as before


async def test_suspend_and_flag(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        await pilot.press("f")
        await pilot.press("s")
        await pilot.pause()
        assert s.item is not None and s.item.card_id == "typed-1"
    row = app.db.conn.execute(
        "SELECT suspended, flagged FROM card_state s JOIN cards c ON c.id = s.card_pk "
        "WHERE c.card_id = 'basic-1'"
    ).fetchone()
    assert tuple(row) == (1, 1)


async def test_browse_search_and_detail(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await _start(pilot)
        await pilot.press("space", "3")  # basic-1 reviewed once
        await pilot.pause()
        assert s.item is not None
        await pilot.press("escape", "enter")  # summary, then home
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 5
        await pilot.press(*"front one")
        await pilot.pause()
        assert table.row_count == 1
        assert "basic-1" in [str(c) for c in table.get_row_at(0)]
        await pilot.press("enter")  # to the table
        await pilot.press("enter")  # open the card
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        assert "Front one" in screen_text(app, "#detail-card")
        state = screen_text(app, "#detail-state")
        assert "Stability" in state and "Recall now" in state and "Difficulty" in state
        history = app.screen.query_one("#history", DataTable)
        assert history.row_count == 1
        assert "3 Good" in [str(c) for c in history.get_row_at(0)]
        await pilot.press("s")
        await pilot.pause()
        assert "suspended" in screen_text(app, "#detail-state")
        await pilot.press("s", "f")
        await pilot.pause()
        assert "suspended" not in screen_text(app, "#detail-state")
        assert "flagged" in screen_text(app, "#detail-state")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        # State filter: flagged.
        app.screen.query_one("#search", Input).value = ""
        from textual.widgets import Select

        app.screen.query_one("#f-state", Select).value = "flagged"
        await pilot.pause()
        assert table.row_count == 1


async def test_settings_persist(build: Build) -> None:
    app = build(learner_name="ada")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        field = app.screen.query_one("#set-new_per_day", Input)
        field.value = "7"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved" in screen_text(app, "#settings-msg")
        bad = app.screen.query_one("#set-desired_retention", Input)
        bad.value = "0.5"
        bad.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "desired_retention must be between 0.7 and 0.99" in screen_text(app, "#settings-msg")
        rollover = app.screen.query_one("#set-rollover_hour", Input)
        rollover.value = "6"
        await pilot.press("escape")  # leaving saves pending fields
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    lr = get_learner(app.db, "ada")
    assert lr is not None
    assert (lr.new_per_day, lr.rollover_hour, lr.desired_retention) == (7, 6, 0.9)


async def test_learner_add_rename_switch(build: Build) -> None:
    app = build(learner_name="ada")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("a", *"bob", "enter")
        await pilot.pause()
        assert get_learner(app.db, "bob") is not None
        await pilot.press("r")
        app.screen.query_one("#learner-name", Input).value = "bobby"
        await pilot.press("enter")
        await pilot.pause()
        assert get_learner(app.db, "bobby") is not None
        await pilot.press("enter")  # switch to the highlighted learner
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.learner.name == "bobby"
        assert "bobby" in app.screen.sub_title
    # The last learner used opens next time.
    again = build()
    assert again.learner.name == "bobby"


async def test_help_lists_every_key(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app, "#help")
        for word in (
            "Study",
            "Browse",
            "Undo",
            "Suspend",
            "Flag",
            "Bury",
            "Again",
            "Easy",
            "Add learner",
            "Card detail",
            "Suspend/unsuspend",
            "ctrl+q",
        ):
            assert word in text, word
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_lists_screen_actions(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for t in ("Study", "Browse", "Learner", "Settings", "Keys", "Quit"):
            assert t in titles, (t, titles)
        await pilot.press("enter")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Bury" in titles and "Suspend" in titles


async def test_ctrl_q_quits_from_study(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_settings_switch_turns_fact_burying_off(build: Build) -> None:
    from textual.widgets import Switch

    app = build(learner_name="ada")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        switch = app.screen.query_one("#set-bury_related", Switch)
        assert switch.value is True
        switch.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved bury related = False" in screen_text(app, "#settings-msg")
    lr = get_learner(app.db, "ada")
    assert lr is not None and lr.settings["bury_related"] is False
