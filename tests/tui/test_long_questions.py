"""Long questions at 80×24: they open at the top and scroll from the keyboard; reasons
keep their hanging indent; the footer fits; toasts never cover the question or the grade
keys. Also undo (names the card; asks before dropping an ungraded answer) and a
select-all question with nothing ticked (asks again)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from quizapp.quiz import build_block
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.help import help_text
from quizapp.tui.screens.quiz import QuizScreen
from quizapp.tui.screens.study import ConfirmUndoScreen, StudyScreen
from quizapp.tui.widgets.choices import ChoiceList
from quizapp.tui.widgets.feedback import Hanging
from quizapp.tui.widgets.footer import QuizFooter
from tests.long_deck import DECK

from .conftest import settle, text_of, until

Build = Callable[..., QuizApp]
SMALL = (80, 24)


@pytest.fixture
def long_build(build: Build, tmp_path: Path) -> Build:
    d = tmp_path / "long-decks"
    d.mkdir()
    (d / "long.yaml").write_text(DECK)
    return lambda **kw: build(deck_dirs=[d], learner_name="learner", **kw)


async def study(pilot: Any) -> StudyScreen:
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    await pilot.pause()
    return screen


async def scrolls_from_the_keyboard(pilot: Any, card: VerticalScroll) -> None:
    """The card starts at the top; PageDown/End/Home/PageUp and j/k move it."""
    assert card.max_scroll_y > 0  # (the question is longer than the screen)
    assert card.scroll_y == 0
    await pilot.press("pagedown")
    await pilot.pause()
    assert card.scroll_y > 0
    await pilot.press("end")
    await pilot.pause()
    assert card.scroll_y == card.max_scroll_y
    await pilot.press("home")
    await pilot.pause()
    assert card.scroll_y == 0
    await pilot.press("pagedown", "pageup")
    await pilot.pause()
    assert card.scroll_y == 0
    await pilot.press("j", "j")
    await pilot.pause()
    assert card.scroll_y == 2
    await pilot.press("k")
    await pilot.pause()
    assert card.scroll_y == 1


async def test_study_opens_a_long_question_at_the_top_and_scrolls(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        assert s.item is not None and s.item.card_id == "case-1"
        assert isinstance(s.focused, ChoiceList)  # the options have the keys…
        await scrolls_from_the_keyboard(pilot, s.query_one("#card", VerticalScroll))
        assert not s.answering  # …and j (not an option letter here) chose nothing
        await pilot.press("a")  # letters still answer
        await pilot.pause()
        assert s.answering


async def test_quiz_opens_a_long_question_at_the_top_and_scrolls(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        block = build_block(app.db, app.learner, n=2, pool="all", mode="timed",
                            seconds_per_question=60, clock=app.clock, rng_seed=1,
                            shuffle=False)  # fmt: skip
        await app.push_screen(QuizScreen(block))
        await pilot.pause()
        await pilot.pause()
        s = app.screen
        assert isinstance(s, QuizScreen) and s.block.question().item.card_id == "case-1"
        await scrolls_from_the_keyboard(pilot, s.query_one("#card", VerticalScroll))
        assert not s.block.question().answered


async def test_wrapped_reasons_keep_their_hanging_indent(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        await pilot.press("b")
        await pilot.pause()
        await pilot.pause()
        card = s.query_one("#card", VerticalScroll)  # the verdict in sight, not below
        assert card.scroll_y > 0 and card.region.contains_region(s.query_one("#verdict").region)
        fb = s.query_one("#feedback", Static)
        visual = fb.content
        assert isinstance(visual, Hanging)
        lines = visual.layout(fb.content_region.width).plain.split("\n")
        reason = [line for line in lines if "why" in line]
        assert len(reason) >= 6  # two reasons, each wrapped over several lines
        assert all(line.startswith("     why") for line in reason), reason
        assert all(len(line) <= fb.content_region.width for line in lines)


async def test_the_first_reveal_scrolls_the_verdict_into_view(long_build: Build) -> None:
    """The right answer to the first, long question: the verdict comes into sight (the
    scroll used to give up before the card had been laid out, leaving it below)."""
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        card = s.query_one("#card", VerticalScroll)
        await pilot.press("a")
        verdict = s.query_one("#verdict")

        def in_view() -> bool:
            return card.region.contains_region(verdict.region) and verdict.region.height > 0

        await until(pilot, in_view, tries=20)
        assert s.answering and card.scroll_y > 0


async def test_footer_fits_80_columns_most_used_keys_first(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.pause()
        footer = s.query_one(QuizFooter)
        keys = [k for k in footer.query(FooterKey) if k.display]
        shown = {k.key for k in keys}
        assert {"enter", "1", "2", "3", "4", "question_mark", "ctrl+p"} <= shown
        assert "b" not in shown  # bury did not fit: it is under ? and the palette
        assert "Bury" in help_text().plain
        regions = sorted((k.region for k in keys), key=lambda r: r.x)
        assert all(r.right <= 80 and r.width > 0 for r in regions)
        assert all(a.right <= b.x for a, b in pairwise(regions))
        await pilot.resize_terminal(120, 40)  # wider: the rest fit again
        await pilot.pause()
        await pilot.pause()
        assert {"b", "f", "s"} <= {k.key for k in footer.query(FooterKey) if k.display}


async def test_a_toast_never_covers_the_question_or_the_grade_keys(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        s = await study(pilot)
        await pilot.press("a")  # the answer side: the grade bar is up
        await until(pilot, lambda: s.query_one("#card", VerticalScroll).scroll_y > 0)
        await pilot.press("home")  # the question back at the top (it scrolled to the verdict)
        await pilot.pause()
        for _ in range(3):  # several: only the newest stays
            s.notify(
                "A long message that would wrap onto several lines of the screen "
                "if it were let, and more words again",
                title="Title",
            )
        await until(pilot, lambda: bool(s.query(Toast)) and s.query_one(Toast).region.height > 0)
        toasts = list(s.query(Toast))
        assert len(toasts) == 1
        toast = toasts[0].region
        assert toast.height > 0
        assert not toast.overlaps(s.query_one("#card").content_region)  # the question
        for selector in ("#meta", "#prompt", "#grades", "QuizFooter"):
            assert not toast.overlaps(s.query_one(selector).region), selector


async def test_undo_names_the_card_and_asks_before_dropping_an_answer(
    long_build: Build,
) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        await pilot.press("a", "3")  # case-1 graded; now the select-all question
        await pilot.pause()
        assert s.item is not None and s.item.card_id == "multi-1"
        await pilot.press("a", "b", "enter")  # answered, not graded yet
        await pilot.pause()
        assert s.answering
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmUndoScreen)
        assert "Drop your answer to this card and undo the previous one? [y/N]" in text_of(
            app.screen.query_one("#undo-text")
        )
        await pilot.press("n")  # keep it
        await pilot.pause()
        assert app.screen is s and s.answering and s.item.card_id == "multi-1"
        assert app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is s and not s.answering and s.item.card_id == "case-1"
        assert app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        notes = [n.message for n in app._notifications]
        assert notes == [
            "Undone: Long deck · long/case-1 (A 58-year-old man returns to clinic two…)"
        ]


async def test_undo_before_answering_does_not_ask(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        await pilot.press("a", "3", "u")
        await pilot.pause()
        assert app.screen is s and s.item is not None and s.item.card_id == "case-1"


async def test_select_all_with_nothing_ticked_asks_again(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        s = await study(pilot)
        await pilot.press("a", "3")
        await pilot.pause()
        assert s.item is not None and s.item.card.multiple
        await pilot.press("enter")  # nothing ticked: not an answer
        await pilot.pause()
        assert not s.answering
        assert s.query_one("#choices", ChoiceList).picked == set()  # nothing ticked for you
        assert text_of(s.query_one("#hint")) == ChoiceList.TICK_FIRST
        await pilot.press("space", "enter")  # tick the highlighted option, then Enter
        await pilot.pause()
        assert s.answering and s.chosen == [0]


async def test_quiz_select_all_with_nothing_ticked_asks_again(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        block = build_block(
            app.db,
            app.learner,
            n=2,
            pool="all",
            mode="tutor",
            clock=app.clock,
            rng_seed=1,
            shuffle=False,
        )
        await app.push_screen(QuizScreen(block))
        await pilot.pause()
        s = app.screen
        assert isinstance(s, QuizScreen)
        s._go(2)
        await pilot.pause()
        assert s.block.question().item.card_id == "multi-1"
        await pilot.press("enter")
        await pilot.pause()
        assert not s.block.question().answered
        assert text_of(s.query_one("#hint")) == ChoiceList.TICK_FIRST
        await pilot.press("a", "enter")
        await until(pilot, lambda: s.block.question().answered)


async def _quiet(pilot: Any) -> None:
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_snapshot_long_question_at_80x24(snap_compare: Any, long_build: Build) -> None:
    """The vignette from its first line, the footer's keys within 80 columns."""

    async def run_before(pilot: Any) -> None:
        await study(pilot)
        await _quiet(pilot)

    assert snap_compare(long_build(), terminal_size=SMALL, run_before=run_before)


def test_snapshot_long_answer_at_80x24(snap_compare: Any, long_build: Build) -> None:
    """The answer side scrolled to its end: reasons with their hanging indent, the grade
    keys, the footer at 80 columns."""

    async def run_before(pilot: Any) -> None:
        await study(pilot)
        await pilot.press("b", "end")
        await _quiet(pilot)

    assert snap_compare(long_build(), terminal_size=SMALL, run_before=run_before)


async def test_a_toast_never_covers_the_quiz_question(long_build: Build) -> None:
    app = long_build()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        block = build_block(app.db, app.learner, n=2, pool="all", mode="tutor",
                            clock=app.clock, rng_seed=1, shuffle=False)  # fmt: skip
        await app.push_screen(QuizScreen(block))
        await pilot.pause()
        s = app.screen
        s.notify("Undone: a deck with a rather long title · long/case-1 (A 58-year-old "
                 "man returns to clinic two…)", title="Title")  # fmt: skip
        await until(pilot, lambda: bool(s.query(Toast)) and s.query_one(Toast).region.height > 0)
        toast = s.query_one(Toast).region
        assert not toast.overlaps(s.query_one("#card").content_region)
        for selector in ("#nav", "#meta", "#prompt", "QuizFooter"):
            assert not toast.overlaps(s.query_one(selector).region), selector
