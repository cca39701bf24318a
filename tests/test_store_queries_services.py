"""Store queries the services moved out of their own modules, where no service test
already pins them: the forgetting curve in SQL, flags, counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.clock import dt_to_ms
from quizapp.model import Rating
from quizapp.scheduling.memory import decay_factor, retrievability
from quizapp.store.learners import ensure_learner, review_count, review_counts
from quizapp.store.progress import set_flag
from quizapp.store.queries import fitting, recall
from quizapp.store.queries import study as study_q
from quizapp.store.scope import Scope
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock


@pytest.mark.parametrize("w20", [0.5, 0.1542])
def test_retrievability_sql_is_the_forgetting_curve(w20: float) -> None:
    params = [0.0] * 20 + [w20]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE s (last_review INTEGER, stability REAL)")
    now = 100 * 86_400_000
    conn.execute("INSERT INTO s VALUES (?, ?)", [now - 7 * 86_400_000, 3.5])
    sql, args = recall.retrievability_sql(conn, decay_factor(params), now)
    (value,) = conn.execute(f"SELECT {sql} FROM s", args).fetchone()
    assert value == pytest.approx(retrievability(params, 7.0, 3.5))


def test_pow_fallback_is_total() -> None:
    assert recall._pow(2.0, 3.0) == 8.0
    assert recall._pow(None, 1.0) is None
    assert recall._pow(-1.0, 0.5) is None  # math domain error: NULL, not an exception
    conn = sqlite3.connect(":memory:")
    recall.ensure_pow(conn)
    recall.ensure_pow(conn)  # twice is harmless
    assert conn.execute("SELECT pow(2, 10)").fetchone()[0] == 1024


@pytest.fixture
def synced(db, write_deck: Callable[..., Path]):  # type: ignore[no-untyped-def]
    sync_paths(db, [write_deck()])
    return db


def test_flags_scope_size_and_counts(synced, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    db = synced
    ann = ensure_learner(db, "ann")
    bob = ensure_learner(db, "bob")
    # basic, typed, mcq and two cloze deletions
    assert study_q.scope_size(db, Scope()) == 5
    assert study_q.scope_size(db, Scope(("nope",))) == 0
    session = session_for(db, ann, clock=clock, fuzz=False)
    item = session.next_item()
    assert item is not None
    assert not study_q.is_flagged(db, ann.id, item.card_pk)
    set_flag(db, ann.id, item.card_pk, "flagged", 1)
    assert study_q.is_flagged(db, ann.id, item.card_pk)
    assert not study_q.is_flagged(db, bob.id, item.card_pk)
    session.answer(item, Rating.GOOD)
    assert review_count(db, ann.id) == 1
    assert review_count(db, bob.id) == 0
    assert review_counts(db) == {ann.id: 1}
    assert fitting.studied_count(db, ann.id) == 1
    assert study_q.due_before(db, ann.id, Scope(), dt_to_ms(clock.now) or 0) == 0
    far = dt_to_ms(clock.advance(days=400)) or 0
    assert study_q.due_before(db, ann.id, Scope(), far) == 1


def test_siblings_are_the_other_cloze_deletions(synced) -> None:  # type: ignore[no-untyped-def]
    db = synced
    rows = db.conn.execute(
        "SELECT id, deck_id, card_id FROM cards WHERE card_id = 'cloze-1' ORDER BY ord"
    ).fetchall()
    assert len(rows) == 2
    (first, deck, card), (second, _, _) = rows
    assert study_q.siblings(db, deck, card, first) == [second]
    assert len(study_q.siblings(db, deck, "typed-1", -1)) == 1  # a card of one item
