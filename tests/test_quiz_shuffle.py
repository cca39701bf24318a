"""Quiz blocks shuffle each mcq question's options when the block is built, save the order
with the question, and show, grade and review by it everywhere (plain quiz, results,
pause and resume); `--in-order` keeps only the question order."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.plain.quiz import PlainQuiz
from quizapp.quiz import build_block, load_active_block, load_block, results
from quizapp.store.learners import Learner, ensure_learner
from quizapp.study import grading
from quizapp.study.presentation import Order
from tests.conftest import FakeClock
from tests.shuffle_support import NONE_OF_THE_ABOVE, at_chance, pin_none_of_the_above, sync_mcq_deck


def _learner(db: Database, tmp_path: Path, n: int = 40, **kw: object) -> Learner:
    sync_mcq_deck(db, tmp_path / "decks", n, **kw)  # type: ignore[arg-type]
    return ensure_learner(db, "ann")


def test_answering_a_to_every_question_scores_at_chance(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    """Ten timed blocks of 40 four-option questions through the plain quiz, answering "a"
    every time: the score is near 25 %, not 100 %."""
    ann = _learner(db, tmp_path)
    right = total = 0
    for seed in range(10):
        block = build_block(db, ann, pool="all", n=40, mode="timed", clock=clock,
                            rng_seed=seed)  # fmt: skip
        out = io.StringIO()
        res = PlainQuiz(block, io.StringIO("a\n" * 40 + "y\n"), out).run()
        assert res is not None and res.answered == 40
        right += res.correct
        total += res.total
    assert total == 400
    assert at_chance(right, total), f"{right}/{total} right by answering 'a' (chance: 100)"


def test_in_order_keeps_question_order_and_still_shuffles_options(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    ann = _learner(db, tmp_path, 12)
    block = build_block(db, ann, pool="all", n=12, clock=clock, shuffle=False)
    qs = block.all_questions()
    assert [q.item.card_id for q in qs] == [f"q{i}" for i in range(12)]
    orders = [q.order.shown for q in qs]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert sum(o != (0, 1, 2, 3) for o in orders) >= 6  # 1 in 24 is the card order
    # the right option shows up under several letters
    letters = {next(letter for letter, text in q.choices if text.startswith("right")) for q in qs}
    assert len(letters) >= 2


def test_order_saved_graded_and_reviewed_as_shown_through_pause_and_resume(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    ann = _learner(db, tmp_path, 6)
    block = build_block(db, ann, pool="all", n=6, mode="timed", clock=clock, rng_seed=3,
                        shuffle=False)  # fmt: skip
    shown = {q.position: q.choices for q in block.all_questions()}
    rows = db.execute(
        "SELECT position, presentation FROM quiz_answers WHERE block_id = ? ORDER BY position",
        [block.id],
    ).fetchall()
    assert [Order(tuple(json.loads(p))) for _, p in rows] == [
        q.order for q in block.all_questions()
    ]
    # answer every question with the option shown as B
    for q in block.all_questions():
        block.answer(q.position, "b")
    block.pause()
    again = load_active_block(db, ann, clock=clock)  # quit and resume
    assert again is not None and again.id == block.id
    assert {q.position: q.choices for q in again.all_questions()} == shown
    for q in again.all_questions():
        assert q.chosen_shown() == [1]  # still the option shown as B
        card_index = q.order.shown[1]
        assert q.response == grading.letters(4)[card_index]  # saved by the card's letter
        assert q.correct == (card_index == 0)
    again.resume()
    again.submit()
    res = results(db, block.id)
    for e in res.entries:
        q = again.question(e.position)
        assert [(o.letter, o.text) for o in e.options] == q.choices  # listed as shown
        assert e.chosen == f"B) {q.choices[1][1]}"
        right_letter = next(letter for letter, text in q.choices if text.startswith("right"))
        assert e.expected.startswith(f"{right_letter}) right")
        assert [o.chosen for o in e.options] == [False, True, False, False]
    assert res.correct == sum(q.correct for q in again.all_questions())


def test_tutor_feedback_names_the_letters_shown(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    ann = _learner(db, tmp_path, 4)
    block = build_block(db, ann, pool="all", n=4, clock=clock, rng_seed=1, shuffle=False)
    q = block.question(1)
    right_letter = next(letter for letter, text in q.choices if text.startswith("right"))
    result = block.answer(1, right_letter.lower())
    assert result.correct is True and result.response == "A"  # the card's A
    assert result.expected == f"{right_letter}. right 0"
    r = block.result(1)
    assert r is not None and r.expected == result.expected


def test_none_of_the_above_keeps_its_place_in_a_block(
    db: Database, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_none_of_the_above(monkeypatch)
    ann = _learner(db, tmp_path, 20, none_last=True)
    block = build_block(db, ann, pool="all", n=20, clock=clock, rng_seed=2)
    for q in block.all_questions():
        assert q.choices[3] == ("D", NONE_OF_THE_ABOVE)
    assert len({q.order.shown for q in block.all_questions()}) > 1


def test_a_block_saved_before_orders_shows_the_card_order(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    ann = _learner(db, tmp_path, 3)
    block = build_block(db, ann, pool="all", n=3, clock=clock, shuffle=False)
    db.execute("UPDATE quiz_answers SET presentation = NULL")
    db.conn.commit()
    old = load_block(db, block.id, clock=clock)
    q = old.question(1)
    assert q.choices[0] == ("A", "right 0")
    assert old.answer(1, "a").correct is True
