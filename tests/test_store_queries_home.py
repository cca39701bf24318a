"""The home screen's store queries (no Textual): deck list, today's totals, the streak,
the decks of a tag, a learner's answer count, a worker's second connection."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from quizapp.clock import dt_to_ms
from quizapp.reports.days import current_streak as streak
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner
from quizapp.store.queries.home import (
    DeckTitle,
    answers_total,
    deck_list,
    decks_with_tag,
    second_connection,
    today_counts,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _db(tmp_path: Path) -> Database:
    """Three decks (one inactive), a card in each; deck `b`'s card is tagged `t1`."""
    db = open_database(tmp_path / "q.db")
    for deck_id, title, tags, active in (
        ("b", "Beta", ["x"], 1),
        ("a", "Alpha", [], 1),
        ("z", "Zed", [], 0),
    ):
        db.conn.execute(
            "INSERT INTO decks (id, title, tags, sources, active) VALUES (?, ?, ?, '{}', ?)",
            [deck_id, title, json.dumps(tags), active],
        )
        db.conn.execute(
            "INSERT INTO cards (deck_id, card_id, ord, type, content_hash, tags, search, data,"
            " position) VALUES (?, 'c', 0, 'basic', 'h', ?, 'text', '{}', 0)",
            [deck_id, " t1 " if deck_id != "a" else " t2 "],
        )
    return db


def _review(db: Database, learner_id: int, at: datetime, *, first: bool = True) -> None:
    db.conn.execute(
        "INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state, prev_state)"
        " VALUES (?, 1, ?, 3, 2, ?)",
        [learner_id, dt_to_ms(at), None if first else 2],
    )


def test_streak_counts_consecutive_study_days(tmp_path: Path) -> None:
    db = _db(tmp_path)
    lr = ensure_learner(db, "ann")
    assert streak(db, lr, T0, UTC) == 0
    for days in (1, 2, 3, 5):  # yesterday, 2 and 3 days ago, then a gap
        _review(db, lr.id, T0 - timedelta(days=days))
    assert streak(db, lr, T0, UTC) == 3  # not studied today yet: the run up to yesterday
    _review(db, lr.id, T0 - timedelta(hours=1))
    assert streak(db, lr, T0, UTC) == 4
    # 03:00 belongs to the previous study day (rollover at 04:00).
    _review(db, lr.id, datetime(2026, 2, 26, 3, 0, tzinfo=UTC))  # = study day Feb 25
    assert today_counts(db, lr, T0, UTC) == (1, 1)
    assert streak(db, lr, T0, UTC) == 4  # the home screen's streak is the reports' one
    db.conn.close()


def test_today_totals_count_this_study_day_only(tmp_path: Path) -> None:
    db = _db(tmp_path)
    lr, other = ensure_learner(db, "ann"), ensure_learner(db, "bob")
    _review(db, lr.id, T0 - timedelta(hours=2))
    _review(db, lr.id, T0 - timedelta(hours=1), first=False)
    _review(db, lr.id, datetime(2026, 3, 2, 3, 59, tzinfo=UTC))  # before the 04:00 rollover
    _review(db, other.id, T0)
    assert today_counts(db, lr, T0, UTC) == (2, 1)
    assert streak(db, lr, T0, UTC) == 2
    assert answers_total(db, lr.id) == 3 and answers_total(db, other.id) == 1
    db.conn.close()


def test_deck_list_and_decks_with_tag(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert deck_list(db, None) == [DeckTitle("a", "Alpha", ()), DeckTitle("b", "Beta", ("x",))]
    assert [d.deck_id for d in deck_list(db, ["z", "b"])] == ["b", "z"]  # named: inactive too
    assert deck_list(db, []) == []
    assert decks_with_tag(db, "t1") == {"b", "z"}
    assert decks_with_tag(db, "t") == set()  # whole tags only
    db.conn.close()


def test_second_connection_sees_the_same_database(tmp_path: Path) -> None:
    db = _db(tmp_path)
    other = second_connection(tmp_path / "q.db")
    try:
        assert [d.deck_id for d in deck_list(other, None)] == ["a", "b"]
        assert other.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        other.conn.close()
        db.conn.close()
