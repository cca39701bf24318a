"""Quiz blocks: building per pool, answers, flags, navigation, time, pause/resume, submit."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.model import CardType
from quizapp.quiz import (
    QuizError,
    TimeUp,
    build_block,
    list_blocks,
    load_active_block,
    load_block,
    pool_counts,
    results,
)
from quizapp.store import open_database
from quizapp.store.learners import update_settings
from quizapp.store.progress import set_flag
from tests.conftest import FakeClock
from tests.test_quiz_support import BASIC_ONLY, quiz_setup, right, wrong

WriteDeck = Callable[..., Path]


def card_ids(block) -> list[str]:  # type: ignore[no-untyped-def]
    return [q.item.card_id for q in block.all_questions()]


def test_all_pool_asks_quiz_types_only_one_cloze_per_card(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", clock=clock, rng_seed=1)
    assert sorted(card_ids(block)) == ["cloze-1", "mcq-1", "mcq-2", "typed-1", "typed-2"]
    assert {q.type for q in block.all_questions()} == {
        CardType.MCQ,
        CardType.TYPED,
        CardType.CLOZE,
    }
    rows = db.conn.execute(
        "SELECT position, response, correct, flagged, time_ms FROM quiz_answers "
        "WHERE block_id = ? ORDER BY position",
        [block.id],
    ).fetchall()
    assert rows == [(i, None, None, 0, 0) for i in range(1, 6)]
    b = db.conn.execute(
        "SELECT mode, time_limit_ms, status, current FROM quiz_blocks WHERE id = ?", [block.id]
    ).fetchone()
    assert b == ("tutor", None, "active", 1)


def test_n_seed_and_deck_order(db: Database, write_deck: WriteDeck, clock: FakeClock) -> None:
    ann = quiz_setup(db, write_deck)
    a = build_block(db, ann, pool="all", n=3, clock=clock, rng_seed=7)
    b = build_block(db, ann, pool="all", n=3, clock=clock, rng_seed=7)
    assert len(a) == 3 and card_ids(a) == card_ids(b)
    ordered = build_block(db, ann, pool="all", n=3, clock=clock, shuffle=False)
    assert card_ids(ordered) == ["typed-1", "mcq-1", "cloze-1"]
    timed = build_block(db, ann, pool="all", n=2, mode="timed", clock=clock, rng_seed=1)
    assert timed.time_limit_ms == 2 * 90_000 and timed.remaining_ms() == 180_000


def test_pools(db: Database, write_deck: WriteDeck, clock: FakeClock) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", clock=clock, shuffle=False)
    pos = {q.item.card_id: q.position for q in block.all_questions()}
    q = block.question
    block.answer(pos["typed-1"], right(q(pos["typed-1"])))
    block.answer(pos["mcq-1"], wrong(q(pos["mcq-1"])))
    block.answer(pos["cloze-1"], right(q(pos["cloze-1"])))
    block.flag(pos["cloze-1"], True)
    block.submit()
    asked_cloze = q(pos["cloze-1"]).item.ord

    def build(pool: str, **kw: object):  # type: ignore[no-untyped-def]
        return build_block(db, ann, pool=pool, clock=clock, rng_seed=3, **kw)  # type: ignore[arg-type]

    unused = build("unused")
    # typed-1, mcq-1 and the asked cloze deletion are used; the other deletion is not
    assert sorted(card_ids(unused)) == ["cloze-1", "mcq-2", "typed-2"]
    assert next(x.item.ord for x in unused.all_questions() if x.type == CardType.CLOZE) == (
        3 - asked_cloze
    )
    assert card_ids(build("incorrect")) == ["mcq-1"]
    flagged = build("flagged")
    assert card_ids(flagged) == ["cloze-1"] and flagged.question(1).flagged  # flag carried
    # a card flagged while studying is in the flagged pool too
    typed2 = next(x for x in unused.all_questions() if x.item.card_id == "typed-2")
    set_flag(db, ann.id, typed2.item.card_pk, "flagged", 1)
    assert sorted(card_ids(build("flagged"))) == ["cloze-1", "typed-2"]
    counts = pool_counts(db, ann)
    assert counts == {"unused": 3, "incorrect": 1, "flagged": 2, "all": 5}
    # unflagging in a later block takes the question out of the flagged pool
    latest = build("flagged", deck_ids=["qd"], tags=["nodes"])
    latest.flag(1, False)
    assert pool_counts(db, ann, tags=["nodes"])["flagged"] == 0


def test_empty_pool_names_the_pools_that_have_questions(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    with pytest.raises(QuizError) as e:
        build_block(db, ann, pool="incorrect", tags=["nodes"], clock=clock)
    msg = str(e.value)
    assert "incorrect" in msg and "unused (2)" in msg and "all (2)" in msg
    assert "flagged (" not in msg
    with pytest.raises(QuizError, match="basic cards are left out"):
        build_block(db, ann, deck_ids=["nope"], clock=clock)


def test_basic_only_deck_is_a_clear_error(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck, BASIC_ONLY)
    with pytest.raises(QuizError, match="mcq, typed and cloze"):
        build_block(db, ann, deck_ids=["bo"], pool="all", clock=clock)


def test_answer_flag_navigate_are_saved(
    tmp_path: Path, db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", clock=clock, shuffle=False)
    assert block.question().item.card_id == "typed-1"
    res = block.answer(1, "thirty-five percent")
    assert res.correct is True
    with pytest.raises(QuizError, match="already answered"):
        block.answer(1, "36")  # tutor: final once shown
    with pytest.raises(QuizError, match="letter from A to B"):
        block.answer(2, "35")
    with pytest.raises(QuizError, match="no answer"):
        block.answer(3, "  ")
    with pytest.raises(QuizError, match="no question 9"):
        block.goto(9)
    wrong_letter = {text: letter for letter, text in block.question(2).choices}["80%"]
    assert block.answer(2, wrong_letter.lower()).correct is False  # as shown
    block.flag(3, True)
    block.goto(4)
    assert block.unanswered() == [3, 4, 5]
    nav = block.questions()
    assert nav[0] == (1, True, False, True)
    assert nav[1] == (2, True, False, False)  # tutor: grades visible at once
    assert nav[2] == (3, False, True, None)
    # everything is on disk: a second connection sees the same block
    again = load_block(open_database(tmp_path / "progress.db"), block.id, clock=clock)
    assert again.current == 4 and again.questions() == nav
    assert again.question(2).response == "B" and again.question(2).chosen_indexes() == [1]
    assert again.result(1) is not None and again.result(1).correct is True  # type: ignore[union-attr]
    assert again.result(3) is None


def test_time_per_question(db: Database, write_deck: WriteDeck, clock: FakeClock) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", n=3, clock=clock, shuffle=False)
    clock.advance(seconds=10)
    block.goto(2)
    clock.advance(seconds=5)
    block.answer(2, [0])
    clock.advance(seconds=7)
    block.goto(1)
    clock.advance(seconds=3)
    block.checkpoint()
    times = db.conn.execute(
        "SELECT time_ms FROM quiz_answers WHERE block_id = ? ORDER BY position", [block.id]
    ).fetchall()
    assert times == [(13_000,), (12_000,), (0,)]
    assert db.conn.execute(
        "SELECT elapsed_ms, current FROM quiz_blocks WHERE id = ?", [block.id]
    ).fetchone() == (25_000, 1)


def test_timed_block_expires_and_is_submitted(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(
        db, ann, pool="all", n=3, mode="timed", seconds_per_question=60, clock=clock, shuffle=False
    )
    assert block.time_limit_ms == 180_000
    clock.advance(seconds=30)
    res = block.answer(1, "35")
    assert res.correct is True  # stored and returned; the UI hides it
    assert block.questions()[0] == (1, True, False, None)  # hidden until submit
    block.answer(2, wrong(block.question(2)))
    block.answer(2, right(block.question(2)))  # timed: may change until submit
    assert block.remaining_ms() == 150_000
    assert not block.expired()
    clock.advance(seconds=149)
    assert block.remaining_ms() == 1_000 and not block.expired()
    clock.advance(seconds=60)
    assert block.remaining_ms() == 0
    assert block.expired() is True
    assert block.submitted and block.expired()
    row = db.conn.execute(
        "SELECT status, elapsed_ms, submitted_at IS NOT NULL FROM quiz_blocks WHERE id = ?",
        [block.id],
    ).fetchone()
    assert row == ("submitted", 180_000, 1)
    assert [n.correct for n in block.questions()] == [True, True, None]
    r = results(db, block.id)
    assert (r.correct, r.total, r.answered, r.percent) == (2, 3, 2, 67)
    assert r.score_line == "Score: 2/3 (67%)"
    with pytest.raises(QuizError, match="submitted"):
        block.answer(3, "x")


def test_answer_after_time_ran_out_submits(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", n=2, mode="timed", seconds_per_question=10,
                        clock=clock, shuffle=False)  # fmt: skip
    clock.advance(seconds=21)
    with pytest.raises(TimeUp):
        block.answer(1, "35")
    assert block.submitted and block.question(1).response is None
    assert results(db, block.id).score_line == "Score: 0/2 (0%)"


def test_pause_resume_and_reopen_keep_remaining_time(
    tmp_path: Path, db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", n=4, mode="timed", seconds_per_question=60,
                        clock=clock, shuffle=False)  # fmt: skip
    limit = 240_000
    clock.advance(seconds=20)
    block.pause()
    assert block.paused
    clock.advance(seconds=100)  # paused: not counted
    assert block.remaining_ms() == limit - 20_000
    with pytest.raises(QuizError, match="paused"):
        block.answer(1, "35")
    block.resume()
    clock.advance(seconds=10)
    assert block.remaining_ms() == limit - 30_000
    block.answer(1, "35")
    block.goto(3)
    clock.advance(seconds=4)  # lost on a crash: not saved yet
    db.conn.close()  # quit without pausing

    clock.advance(hours=2)  # closed: not counted
    db2 = open_database(tmp_path / "progress.db")
    again = load_active_block(db2, ann, clock=clock)
    assert again is not None and again.id == block.id
    assert again.status == "active" and again.current == 3
    assert again.remaining_ms() == limit - 30_000
    clock.advance(seconds=15)
    assert again.remaining_ms() == limit - 45_000
    again.pause()
    db2.conn.close()

    db3 = open_database(tmp_path / "progress.db")
    third = load_active_block(db3, ann, clock=clock)
    assert third is not None and third.paused
    clock.advance(minutes=5)
    assert third.remaining_ms() == limit - 45_000
    third.resume()
    clock.advance(seconds=5)
    assert third.remaining_ms() == limit - 50_000
    assert third.question(1).response == "35" and third.unanswered() == [2, 3, 4]
    third.submit()
    assert load_active_block(db3, ann, clock=clock) is None
    info = list_blocks(db3, ann.id)
    assert [(i.id, i.status, i.questions, i.answered, i.correct) for i in info] == [
        (block.id, "submitted", 4, 1, 1)
    ]
    db3.conn.close()


def test_quiz_answers_do_not_reschedule_by_default(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", clock=clock, shuffle=False)
    for q in block.all_questions()[:3]:
        block.answer(q.position, right(q))
    block.submit()
    assert db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM card_state").fetchone()[0] == 0


def test_setting_makes_quiz_answers_count_as_reviews(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    update_settings(db, ann.id, quiz_counts_as_review=True)
    block = build_block(db, ann, pool="all", clock=clock, shuffle=False)
    block.answer(1, right(block.question(1)))  # typed-1 right
    clock.advance(seconds=8)
    block.answer(2, wrong(block.question(2)))  # mcq-1 wrong
    assert db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0  # not before
    block.submit()
    rows = db.conn.execute(
        "SELECT c.card_id, r.rating, r.correct, r.response, r.duration_ms FROM reviews r "
        "JOIN cards c ON c.id = r.card_pk ORDER BY r.id"
    ).fetchall()
    assert rows == [("typed-1", 3, 1, "35%", 8_000), ("mcq-1", 1, 0, "B", 0)]
    states = db.conn.execute(
        "SELECT count(*) FROM card_state WHERE learner_id = ? AND state IS NOT NULL", [ann.id]
    ).fetchone()[0]
    assert states == 2


def test_quiz_core_does_not_import_textual() -> None:
    code = (
        "import sys, quizapp.quiz, quizapp.plain.quiz, quizapp.cli.quiz\n"
        "print(any(k == 'textual' or k.startswith('textual.') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
