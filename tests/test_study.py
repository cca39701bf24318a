"""The study engine: queue order, limits, rollover, burying, suspend/flag, exact undo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.store.learners import ensure_learner, update_settings
from quizapp.store.progress import state_row
from quizapp.store.sync import sync_paths
from quizapp.study.session import StudySession, session_for
from tests.conftest import FakeClock


@pytest.fixture
def session(db: Database, write_deck: Callable[..., Path], clock: FakeClock) -> StudySession:
    deck = write_deck()
    report = sync_paths(db, [deck.parent])
    assert report.deck_ids == ["small"] and not report.problems
    learner = ensure_learner(db, "ann")
    return session_for(db, learner, ["small"], clock=clock, fuzz=False)


def review_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM reviews").fetchone()[0]


def test_new_cards_in_deck_order_with_cloze_items(session: StudySession) -> None:
    c = session.counts()
    assert (c.new, c.learning, c.review) == (5, 0, 0)  # 3 cards + 2 cloze deletions
    first = session.next_item()
    assert first is not None and first.card_id == "basic-1"
    assert first.source is not None and first.source.title == "A test source"


def test_answer_saves_state_and_log(session: StudySession, db: Database) -> None:
    item = session.next_item()
    assert item is not None
    out = session.answer(item, Rating.GOOD, response="", correct=None, duration_ms=4200)
    row = db.execute(
        "SELECT rating, duration_ms, correct, state_before, state FROM reviews"
    ).fetchone()
    assert row == (3, 4200, None, None, 1)
    st = state_row(db, session.learner.id, item.card_pk)
    assert st is not None and st["state"] == 1 and st["reps"] == 1
    assert out.after.due == session.now() + timedelta(minutes=10)


def test_learning_card_comes_back_when_due(session: StudySession, clock: FakeClock) -> None:
    item = session.next_item()
    assert item is not None
    session.answer(item, Rating.AGAIN)
    nxt = session.next_item()
    assert nxt is not None and nxt.card_id != item.card_id  # not due yet: other cards first
    clock.advance(minutes=2)
    again = session.next_item()
    # due now, but never right after itself while another item is available
    assert again is not None and again.card_pk == nxt.card_pk
    session.answer(again, Rating.EASY)
    again = session.next_item()
    assert again is not None and again.card_pk == item.card_pk  # learning due now comes first


def test_cloze_sibling_buried_until_next_day(session: StudySession, clock: FakeClock) -> None:
    items = []
    while (item := session.next_item()) is not None and item.card_id != "cloze-1":
        session.answer(item, Rating.EASY)
    assert item is not None and item.card_id == "cloze-1"
    session.answer(item, Rating.EASY)
    rest = session.next_item()
    while rest is not None:
        items.append(rest.card_id)
        session.answer(rest, Rating.EASY)
        rest = session.next_item()
    assert "cloze-1" not in items  # the other deletion waits for tomorrow
    clock.advance(days=1)
    nxt = session.next_item()
    assert nxt is not None and nxt.card_id == "cloze-1" and nxt.ord == 2


def test_new_per_day_limit_and_rollover(
    session: StudySession, db: Database, clock: FakeClock
) -> None:
    session.learner = update_settings(db, session.learner.id, new_per_day=2)
    seen = []
    while (item := session.next_item()) is not None:
        seen.append(item.card_pk)
        session.answer(item, Rating.EASY)
    assert len(seen) == 2
    assert session.counts().new == 0
    clock.advance(hours=20)  # 05:00 UTC next day: past the 04:00 rollover
    assert session.counts().new == 2


def test_reviews_most_overdue_first_and_limit(
    session: StudySession, db: Database, clock: FakeClock
) -> None:
    order = []
    while (item := session.next_item()) is not None:
        order.append(item)
        session.answer(item, Rating.EASY)
    clock.advance(days=60)  # everything is overdue now
    c = session.counts()
    assert c.review == 4  # the 2nd cloze deletion was new-buried; 4 review-state items
    session.learner = update_settings(db, session.learner.id, reviews_per_day=2)
    assert session.counts().review == 2
    # the most overdue relative to its interval comes first
    rows = db.execute("SELECT card_pk, due, last_review FROM card_state WHERE state = 2").fetchall()
    now_ms = int(clock.now.timestamp() * 1000)
    best = max(rows, key=lambda r: (now_ms - r[1]) / (r[1] - r[2]))
    nxt = session.next_item()
    assert nxt is not None and nxt.card_pk == best[0]


def test_undo_restores_exact_state(session: StudySession, db: Database, clock: FakeClock) -> None:
    update_settings(db, session.learner.id, new_per_day=1)  # nothing else to serve between
    session.reload_learner()
    item = session.next_item()
    assert item is not None
    session.answer(item, Rating.GOOD)
    clock.advance(minutes=11)
    before = state_row(db, session.learner.id, item.card_pk)
    again = session.next_item()
    assert again is not None and again.card_pk == item.card_pk
    session.answer(again, Rating.AGAIN)
    assert review_count(db) == 2
    back = session.undo()
    assert back is not None and back.card_pk == item.card_pk
    assert state_row(db, session.learner.id, item.card_pk) == before
    assert review_count(db) == 1
    session.undo()
    assert state_row(db, session.learner.id, item.card_pk) is None
    assert review_count(db) == 0 and session.summary.answered == 0
    assert session.undo() is None


def test_undo_unburies_cloze_sibling(session: StudySession, db: Database) -> None:
    while (item := session.next_item()) is not None and item.card_id != "cloze-1":
        session.answer(item, Rating.EASY)
    assert item is not None
    sibling = db.execute("SELECT id FROM cards WHERE card_id = 'cloze-1' AND ord = 2").fetchone()[0]
    session.answer(item, Rating.GOOD)
    buried = state_row(db, session.learner.id, sibling)
    assert buried is not None and buried["buried_until"] > 0
    session.undo()
    assert state_row(db, session.learner.id, sibling) is None


def test_suspend_flag_bury_and_undo(session: StudySession, db: Database) -> None:
    item = session.next_item()
    assert item is not None
    session.suspend(item)
    nxt = session.next_item()
    assert nxt is not None and nxt.card_pk != item.card_pk
    assert session.counts().new == 4
    session.undo()
    assert session.counts().new == 5
    session.flag(item)
    row = state_row(db, session.learner.id, item.card_pk)
    assert row is not None and row["flagged"] == 1
    session.bury(item)
    nxt = session.next_item()
    assert nxt is not None and nxt.card_pk != item.card_pk


def test_tag_scope(db: Database, write_deck: Callable[..., Path], clock: FakeClock) -> None:
    deck = write_deck()
    text = deck.read_text().replace(
        "    explanation: It says 35%.", "    explanation: It says 35%.\n    tags: [numbers]"
    )
    deck.write_text(text)
    sync_paths(db, [deck.parent])
    s = session_for(db, ensure_learner(db, "bo"), None, ["numbers"], clock=clock, fuzz=False)
    item = s.next_item()
    assert item is not None and item.card_id == "typed-1"
    assert s.counts().new == 1


def test_clock_backwards_keeps_state_sane(
    session: StudySession, db: Database, clock: FakeClock
) -> None:
    item = session.next_item()
    assert item is not None
    session.answer(item, Rating.EASY)
    clock.advance(days=-3)
    for _ in range(3):
        nxt = session.next_item()
        if nxt is None:
            break
        session.answer(nxt, Rating.GOOD)
    for due, last in db.execute("SELECT due, last_review FROM card_state WHERE state IS NOT NULL"):
        assert due >= last
    for (elapsed,) in db.execute("SELECT elapsed_days FROM reviews WHERE elapsed_days IS NOT NULL"):
        assert elapsed >= 0
