"""Pilot tests of quiz mode: building a block, tutor and timed blocks, the timer running
out with a fake clock, navigation and flags, pause, resuming after quitting, results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input

from quizapp.quiz import build_block, load_active_block, load_block
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner
from quizapp.store.sync import sync_paths
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.quiz import ConfirmSubmitScreen, GotoScreen, QuizScreen
from quizapp.tui.screens.quiz_build import BuildBlockScreen
from quizapp.tui.screens.quiz_results import QuizResultsScreen
from quizapp.tui.widgets.navigator import NavSquare

from .conftest import SIZE, Clock, settle, text_of

Build = Callable[..., QuizApp]


def text(app: QuizApp, selector: str) -> str:
    return text_of(app.screen.query_one(selector))


def quiz_rows(app: QuizApp) -> list[tuple[int, str | None, int | None, int]]:
    return [
        tuple(r)
        for r in app.db.conn.execute(
            "SELECT position, response, correct, flagged FROM quiz_answers ORDER BY position"
        )
    ]


async def open_block(pilot: Any, *, mode: str = "timed", seconds: int = 10) -> QuizScreen:
    """A 3-question block in deck order (typed, mcq, cloze) on the quiz screen."""
    app: QuizApp = pilot.app
    await settle(pilot)
    block = build_block(
        app.db,
        app.learner,
        n=3,
        pool="all",
        mode=mode,  # type: ignore[arg-type]
        seconds_per_question=seconds,
        clock=app.clock,
        rng_seed=7,
        shuffle=False,
    )
    await app.push_screen(QuizScreen(block))
    await pilot.pause()
    assert isinstance(app.screen, QuizScreen)
    return app.screen


async def answer_typed(pilot: Any, value: str) -> None:
    await pilot.press(*value, "enter")
    await pilot.pause()


async def test_build_screen_offers_pools_and_starts_a_tutor_block(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildBlockScreen)
        pools = [str(p[0]) for p in screen.query_one("#qb-pool")._options]  # type: ignore[attr-defined]
        assert any("unused (never answered in a quiz): 3" in p for p in pools)
        assert any("all: 3" in p for p in pools)  # basic cards are left out
        assert not screen.query_one("#build-active").display
        await pilot.press("ctrl+s")  # defaults: 20 questions, unused pool, tutor
        await pilot.pause()
        quiz = app.screen
        assert isinstance(quiz, QuizScreen)
        assert quiz.block.mode == "tutor" and len(quiz.block) == 3
        assert text(app, "#quiz-timer") == "time 0:00"  # tutor: time spent, no limit


async def test_app_can_open_on_the_build_screen(build: Build) -> None:
    app = build(start="quiz")  # what `quizapp quiz` (without --plain) can ask for
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BuildBlockScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"


async def test_tutor_block_feedback_after_each_answer(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await open_block(pilot, mode="tutor")
        assert s.block.question().type.value == "typed"
        assert "How many percent recur?" in text(app, "#prompt")
        await answer_typed(pilot, "35")
        assert text(app, "#verdict") == "✓ Correct"
        fb = text(app, "#feedback")
        assert "Correct answer: 35%" in fb and "It says 35%." in fb
        assert "“As many as 35% recur.” [47]" in fb and "A test source" in fb
        await pilot.press("enter")  # next question
        await pilot.pause()
        assert s.block.current == 2 and s.block.question().type.value == "mcq"
        await pilot.press("b")  # the wrong option
        await pilot.pause()
        assert text(app, "#verdict") == "✗ Wrong"
        fb = text(app, "#feedback")
        assert "B) ✗ wrong  80%  ◀ your answer" in fb
        assert "That is the share within 5 years." in fb and "Stated in the study." in fb
        assert "Correct answer: A) 38%" in fb
        squares = [text_of(sq) for sq in s.query(NavSquare)]
        assert squares[:2] == [" 1✓ ", " 2✗ "]  # tutor: right/wrong by symbol
        # Nothing was rescheduled: quiz answers are not reviews.
        assert app.db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert quiz_rows(app)[:2] == [(1, "35", 1, 0), (2, "B", 0, 0)]


async def test_timed_block_runs_out_with_a_fake_clock(build: Build) -> None:
    clock = Clock()
    app = build(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        s = await open_block(pilot, mode="timed", seconds=10)  # 30 s for 3 questions
        assert text(app, "#quiz-timer") == "time left 0:30"
        await answer_typed(pilot, "35")
        assert s.block.current == 2  # timed: on to the next question, no feedback
        assert not app.screen.query_one("#verdict").display
        assert text_of(s.query_one("#nav-1")) == " 1• "  # grade hidden
        clock.now += timedelta(seconds=25)
        s.tick()
        assert text(app, "#quiz-timer") == "time left 0:05"
        assert "-low" in app.screen.query_one("#quiz-timer").classes
        clock.now += timedelta(seconds=6)
        s.tick()
        await pilot.pause()
        assert isinstance(app.screen, QuizResultsScreen)
        block = load_block(app.db, s.block.id)
        assert block.submitted and block.elapsed_ms == 30_000
        assert text(app, "#res-score").startswith("Score: 1/3 (33%)")
        with_answer = [r[1] for r in quiz_rows(app)]
        assert with_answer == ["35", None, None]


async def test_navigation_flags_and_goto(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        s = await open_block(pilot)
        assert isinstance(app.focused, Input)  # the typed question
        await pilot.press("ctrl+f")  # flags even while typing
        await pilot.pause()
        assert s.block.question(1).flagged
        await pilot.press("escape")  # leaves the answer field, not the block
        assert isinstance(app.screen, QuizScreen) and not isinstance(app.focused, Input)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert s.block.current == 2  # the mcq: option letters are focused
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert s.block.question(2).flagged
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert s.block.current == 1 and isinstance(app.focused, Input)
        await pilot.press("escape", "3")  # out of the field; a digit opens "go to question"
        await pilot.pause()
        assert isinstance(app.screen, GotoScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert s.block.current == 3
        await pilot.click("#nav-2")
        await pilot.pause()
        assert s.block.current == 2
        await pilot.press("exclamation_mark")  # unflag
        await pilot.pause()
        squares = [text_of(sq) for sq in s.query(NavSquare)]
        assert squares == [" 1·⚑", " 2· ", " 3· "]
        assert "1 flagged" in text(app, "#quiz-status")
        assert [r[3] for r in quiz_rows(app)] == [1, 0, 0]
        # Submitting asks first and lists the unanswered questions.
        await pilot.press("a")  # answers the mcq (and moves on)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSubmitScreen)
        msg = text(app, "#submit-text")
        assert "2 of 3 unanswered" in msg and ": 1, 3" in msg
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and not s.block.submitted
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, QuizResultsScreen)


async def test_pause_stops_the_clock_and_hides_the_question(build: Build) -> None:
    clock = Clock()
    app = build(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        s = await open_block(pilot, seconds=60)
        await pilot.press("escape")  # out of the answer field
        clock.now += timedelta(seconds=10)
        await pilot.press("p")
        await pilot.pause()
        assert s.block.paused and not app.screen.query_one("#card").display
        assert "Paused" in text(app, "#quiz-paused")
        clock.now += timedelta(minutes=30)
        s.tick()
        assert s.block.remaining_ms() == 170_000
        await pilot.press("p")
        await pilot.pause()
        assert not s.block.paused and app.screen.query_one("#card").display
        assert s.block.remaining_ms() == 170_000


async def test_quitting_mid_block_resumes_with_its_remaining_time(
    tmp_path: Path, deck_dir: Path, build: Build
) -> None:
    clock = Clock()
    app = build(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        s = await open_block(pilot, seconds=20)  # 60 s
        await answer_typed(pilot, "35")
        clock.now += timedelta(seconds=12)
        block_id = s.block.id
    # The app has quit (ctrl+q or a closed terminal): the time spent was saved.
    clock.now += timedelta(hours=3)  # time away does not count
    db = open_database(tmp_path / "p.db")
    app2 = build(db=db, clock=clock)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert "1/3 answered, 0:48 left" in text(app2, "#build-active-text")
        await pilot.press("ctrl+r")
        await pilot.pause()
        screen = app2.screen
        assert isinstance(screen, QuizScreen) and screen.block.id == block_id
        assert screen.block.current == 2 and screen.block.remaining_ms() == 48_000
        assert text(app2, "#quiz-timer") == "time left 0:48"
        await pilot.press("escape")  # save and leave: paused, offered again
        await pilot.pause()
    active = load_active_block(db, ensure_learner(db, app2.learner.name), clock=clock)
    assert active is not None and active.paused and active.remaining_ms() == 48_000


async def test_results_numbers_on_a_hand_made_block(build: Build, deck_dir: Path) -> None:
    clock = Clock()
    app = build(clock=clock, learner_name="learner")
    db, lr = app.db, app.learner
    sync_paths(db, [deck_dir])
    # An earlier block: the mcq wrong.
    earlier = build_block(db, lr, n=3, pool="all", clock=clock, shuffle=False, rng_seed=7)
    letters = {text: letter for letter, text in earlier.question(2).choices}
    earlier.answer(2, letters["80%"])  # options as this block shows them
    earlier.submit()
    clock.now += timedelta(days=1)
    block = build_block(
        db, lr, n=3, pool="all", mode="timed", clock=clock, shuffle=False, rng_seed=7
    )
    clock.now += timedelta(seconds=40)
    block.answer(1, "35")  # right, 40 s
    block.goto(2)
    clock.now += timedelta(seconds=20)
    shown = {text: letter for letter, text in block.question(2).choices}
    block.answer(2, [ord(shown["38%"]) - ord("A")])  # right, 20 s
    block.goto(3)
    block.flag(3)
    clock.now += timedelta(seconds=5)  # time goes to the current question
    block.submit()  # question 3 unanswered: wrong
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(QuizResultsScreen(block.id))
        await pilot.pause()
        score = text(app, "#res-score")
        assert score.startswith("Score: 2/3 (67%)\nAnswered 2 of 3")
        assert "time 1:05 (0:21 per question on average)" in score
        assert "1 flagged" in score
        tags = app.screen.query_one("#res-tags", DataTable)
        assert [str(c) for c in tags.get_row_at(0)] == [
            "test",
            "2/3 (67%)",
            "0% (0/3 in 1 block)",
            "+67 points",
        ]
        qs = app.screen.query_one("#res-questions", DataTable)
        rows = [[str(c) for c in qs.get_row_at(i)] for i in range(qs.row_count)]
        assert [(r[0], r[1], r[4], r[5]) for r in rows] == [
            ("1", "✓ Correct", "0:40", ""),
            ("2", "✓ Correct", "0:20", ""),
            ("3", "– Unanswered", "0:05", "⚑"),
        ]
        review = text(app, "#review-3")
        assert "Question 3  – Unanswered (counts as wrong)" in review
        assert "Your answer:    — (no answer)" in review
        assert (
            "Full text:      Dissect positive nodes when there is no metastatic disease." in review
        )
        mcq = text(app, "#review-2")
        assert f"{shown['38%']}) ✓ right  38%  ◀ your answer" in mcq
        assert "Stated in the study." in mcq
        assert "Source: “Survival was 38%.” [5]" in mcq
