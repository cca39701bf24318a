"""The TUI shows each mcq presentation's own option order, grades keys and clicks by it,
explains the options in it, and shows it again after an undo (study) or on the quiz screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quizapp.quiz import build_block
from quizapp.study.grading import letters
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.quiz import QuizScreen
from quizapp.tui.screens.study import StudyScreen
from tests.shuffle_support import write_mcq_deck

from .conftest import SIZE, settle, text_of

Build = Callable[..., QuizApp]


def option_prompts(screen: StudyScreen | QuizScreen) -> list[str]:
    choices = screen.query_one("#choices")
    return [str(getattr(o.prompt, "plain", o.prompt)) for o in choices.options]  # type: ignore[attr-defined]


def shown_texts(screen: StudyScreen) -> list[str]:
    assert screen.item is not None
    card = screen.item.card
    return [card.choices[i].text for i in screen.order.shown]


async def _study(pilot) -> StudyScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    return screen


async def test_study_shows_grades_and_explains_the_shown_order(
    build: Build, tmp_path: Path
) -> None:
    folder = tmp_path / "mcq-decks"
    write_mcq_deck(folder, 8)
    app = build(deck_dirs=[folder])
    async with app.run_test(size=SIZE) as pilot:
        s = await _study(pilot)
        seen_right_at: set[int] = set()
        for _ in range(8):
            assert s.item is not None
            order = s.session.presentation(s.item)
            assert s.order == order
            texts = shown_texts(s)
            assert option_prompts(s) == [f"{m}) {t}" for m, t in zip("ABCD", texts, strict=True)]
            right = order.to_display([0])[0]  # where the right option is shown
            seen_right_at.add(right)
            await pilot.press(letters(4)[right].lower())
            await pilot.pause()
            assert text_of(s.query_one("#verdict")).startswith("✓ Correct")
            fb = text_of(s.query_one("#feedback"))
            # every option, in the shown order, lettered as shown, with its reason
            at = [fb.index(f"{m}) ") for m in "ABCD"]
            assert at == sorted(at)
            for m, t in zip("ABCD", texts, strict=True):
                line = fb[fb.index(f"{m}) ") :].split("\n")[0]
                assert t in line and ("✓ right" in line) == t.startswith("right")
            assert f"{letters(4)[right]}) ✓ right  {texts[right]}  ◀ your answer" in fb
            await pilot.press("3")
            await pilot.pause()
        assert len(seen_right_at) >= 2  # the right option is not always in one place
        rows = app.db.conn.execute("SELECT response, correct, presentation FROM reviews")
        assert {(r[0], r[1]) for r in rows} == {("A", 1)}  # the card's A, right every time


async def test_study_undo_shows_the_same_order_and_a_click_answers_as_shown(
    build: Build, tmp_path: Path
) -> None:
    folder = tmp_path / "mcq-decks"
    write_mcq_deck(folder, 4)
    app = build(deck_dirs=[folder])
    async with app.run_test(size=SIZE) as pilot:
        s = await _study(pilot)
        first = s.item
        before = option_prompts(s)
        wrong = next(d for d, i in enumerate(s.order.shown) if i != 0)
        await pilot.click("#choices", offset=(6, 1 + wrong))  # a click on the shown option
        await pilot.pause()
        assert s.answering and text_of(s.query_one("#verdict")).startswith("✗ Wrong")
        fb = text_of(s.query_one("#feedback"))
        assert f"{letters(4)[wrong]}) ✗ wrong  {shown_texts(s)[wrong]}  ◀ your answer" in fb
        await pilot.press("enter")  # Again
        await pilot.pause()
        assert s.item is not None and s.item.card_pk != first.card_pk  # type: ignore[union-attr]
        await pilot.press("u")
        await pilot.pause()
        assert s.item is not None and s.item.card_pk == first.card_pk  # type: ignore[union-attr]
        assert option_prompts(s) == before  # the same presentation again
        card_letter = letters(4)[s.order.shown[wrong]]
        assert app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        await pilot.press(letters(4)[wrong].lower(), "enter")
        await pilot.pause()
        saved = app.db.conn.execute("SELECT response, correct, presentation FROM reviews")
        # saved by the card's letter, beside the order it was shown in
        assert saved.fetchall() == [(card_letter, 0, _order_json(before, first))]


def _order_json(prompts: list[str], item: object) -> str:
    """The stored presentation for options shown as `prompts` (card indexes, as shown)."""
    card = item.card  # type: ignore[attr-defined]
    texts = [c.text for c in card.choices]
    return "[" + ",".join(str(texts.index(p[3:])) for p in prompts) + "]"


async def test_quiz_screen_shows_and_grades_the_saved_order(build: Build, tmp_path: Path) -> None:
    folder = tmp_path / "mcq-decks"
    write_mcq_deck(folder, 6)
    app = build(deck_dirs=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block = build_block(app.db, app.learner, n=6, pool="all", mode="tutor",
                            clock=app.clock, rng_seed=4, shuffle=False)  # fmt: skip
        await app.push_screen(QuizScreen(block))
        await pilot.pause()
        s = app.screen
        assert isinstance(s, QuizScreen)
        for q in block.all_questions():
            assert block.current == q.position
            assert option_prompts(s) == [f"{m}) {t}" for m, t in q.choices]
            right = next(m for m, t in q.choices if t.startswith("right"))
            await pilot.press(right.lower())
            await pilot.pause()
            assert text_of(s.query_one("#verdict")) == "✓ Correct"
            fb = text_of(s.query_one("#feedback"))
            assert f"{right}) ✓ right  {dict(q.choices)[right]}  ◀ your answer" in fb
            assert f"Correct answer: {right}) right" in fb
            await pilot.press("enter")
            await pilot.pause()
        stored = app.db.conn.execute(
            "SELECT response, correct FROM quiz_answers WHERE block_id = ?", [block.id]
        ).fetchall()
        assert stored == [("A", 1)] * 6  # the card's A, whatever letter showed it
        assert len({q.choices[0] for q in block.all_questions()}) > 1
