"""A hand-made review history with known answers, shared by the report tests.

No tests here: `build_history` writes cards, states and reviews straight into a fresh
store (so every number in the expected values below can be checked by hand).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from quizapp.clock import dt_to_ms
from quizapp.store import open_database
from quizapp.store.learners import Learner, add_learner
from quizapp.store.progress import STATE_COLUMNS, prev_columns

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC; study day 2026-03-02
DAY = timedelta(days=1)


def ms(dt: datetime) -> int:
    return dt_to_ms(dt) or 0


def add_deck(db: Database, deck_id: str, title: str) -> None:
    db.conn.execute("INSERT INTO decks (id, title) VALUES (?, ?)", [deck_id, title])


def add_card(
    db: Database,
    pk: int,
    deck_id: str,
    card_id: str,
    data: dict[str, Any],
    tags: tuple[str, ...] = (),
    ord_: int = 0,
) -> None:
    data = {"tags": list(tags), **data}
    db.conn.execute(
        "INSERT INTO cards (id, deck_id, card_id, ord, type, content_hash, tags, data, position)"
        " VALUES (?, ?, ?, ?, ?, 'h', ?, ?, ?)",
        [
            pk,
            deck_id,
            card_id,
            ord_,
            data["type"],
            " " + " ".join(tags) + " ",
            json.dumps(data),
            pk,
        ],
    )


def state_row(
    state: int | None,
    *,
    last: datetime | None = None,
    interval: timedelta | None = None,
    due: datetime | None = None,
    stability: float | None = None,
    lapses: int = 0,
    reps: int = 1,
    suspended: int = 0,
    leech: int = 0,
) -> dict[str, Any]:
    if due is None and last is not None and interval is not None:
        due = last + interval
    return {
        "state": state,
        "step": 0 if state in (1, 3) else None,
        "stability": stability,
        "difficulty": 5.0 if state else None,
        "due": ms(due) if due else None,
        "last_review": ms(last) if last else None,
        "reps": reps,
        "lapses": lapses,
        "suspended": suspended,
        "buried_until": 0,
        "flagged": 0,
        "leech": leech,
    }


def set_state(db: Database, learner_id: int, pk: int, row: dict[str, Any]) -> None:
    cols = ", ".join(STATE_COLUMNS)
    marks = ", ".join("?" for _ in STATE_COLUMNS)
    db.conn.execute(
        f"INSERT OR REPLACE INTO card_state (learner_id, card_pk, {cols}) VALUES (?, ?, {marks})",
        [learner_id, pk, *(row[c] for c in STATE_COLUMNS)],
    )


def add_review(
    db: Database,
    learner_id: int,
    pk: int,
    at: datetime,
    rating: int,
    duration_ms: int,
    *,
    before: tuple[int, float] | None = None,  # (state, interval days) before the answer
    retr: float | None = None,
    response: str = "",
    correct: bool | None = None,
    review_id: int | None = None,
) -> None:
    sb = None
    prev: tuple[int | None, int | None] = (None, None)
    if before is not None:
        state, days = before
        last = at - timedelta(days=days)
        row = state_row(state, last=last, interval=timedelta(days=days), stability=days)
        sb = json.dumps(row)
        prev = prev_columns(row)
    db.conn.execute(
        "INSERT INTO reviews (id, learner_id, card_pk, reviewed_at, rating, duration_ms, response,"
        " correct, state_before, state, retrievability, prev_state, prev_interval_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?)",
        [
            review_id,
            learner_id,
            pk,
            ms(at),
            rating,
            duration_ms,
            response,
            None if correct is None else int(correct),
            sb,
            retr,
            *prev,
        ],
    )


CARDS: list[tuple[int, str, str, dict[str, Any], tuple[str, ...], int]] = [
    (1, "d1", "a", {"type": "basic", "prompt": "Front A", "answer": "Back A"}, ("anatomy",), 0),
    (
        2,
        "d1",
        "b",
        {"type": "typed", "prompt": "How many percent?", "answer": "35%"},
        ("anatomy", "cardio"),
        0,
    ),
    (3, "d1", "c", {"type": "basic", "prompt": "Front C", "answer": "Back C"}, ("cardio",), 0),
    (
        4,
        "d1",
        "d",
        {
            "type": "mcq",
            "prompt": "Pick the survival rate",
            "choices": [
                {"text": "38%", "correct": True, "why": "Stated."},
                {"text": "80%", "why": "No."},
            ],
        },
        ("cardio",),
        0,
    ),
    (
        5,
        "d1",
        "e",
        {"type": "cloze", "text": "Dissect {{positive}} nodes when no {{mets}}."},
        ("path",),
        1,
    ),
    (
        6,
        "d1",
        "e",
        {"type": "cloze", "text": "Dissect {{positive}} nodes when no {{mets}}."},
        ("path",),
        2,
    ),
    (7, "d2", "f", {"type": "basic", "prompt": "Front F", "answer": "Back F"}, ("path",), 0),
    (8, "d2", "g", {"type": "basic", "prompt": "Front G", "answer": "Back G"}, (), 0),
]


def build_history(path: Path, name: str = "Ada") -> tuple[Database, Learner]:
    """The reference history (see tests/test_reports_metrics.py for the expected values)."""
    db = open_database(path)
    learner = add_learner(db, name)
    lid = learner.id
    c = db.conn
    c.execute("BEGIN")
    add_deck(db, "d1", "Deck One")
    add_deck(db, "d2", "Deck Two")
    for pk, deck, card_id, data, tags, ord_ in CARDS:
        add_card(db, pk, deck, card_id, data, tags, ord_)
    now = NOW
    set_state(
        db, lid, 1, state_row(2, last=now - 30 * DAY, interval=40 * DAY, stability=40.0, reps=3)
    )
    set_state(
        db,
        lid,
        2,
        state_row(
            2, last=now - 5 * DAY, interval=10 * DAY, stability=10.0, lapses=2, reps=4, leech=1
        ),
    )
    set_state(
        db,
        lid,
        3,
        state_row(1, last=now - timedelta(minutes=10), due=now + timedelta(hours=1), stability=0.5),
    )
    set_state(
        db,
        lid,
        4,
        state_row(3, last=now - DAY, due=now - timedelta(hours=1), stability=2.0, lapses=1, reps=2),
    )
    set_state(db, lid, 5, state_row(2, last=now - 2 * DAY, interval=5 * DAY, stability=5.0, reps=3))
    set_state(
        db,
        lid,
        7,
        state_row(
            2, last=now - 100 * DAY, interval=300 * DAY, stability=300.0, suspended=1, reps=2
        ),
    )
    r = add_review
    r(db, lid, 1, now - 40 * DAY, 3, 10_000, review_id=1)
    r(db, lid, 1, now - 30 * DAY, 3, 20_000, before=(2, 10), retr=0.95, review_id=2)
    r(
        db,
        lid,
        2,
        now - 20 * DAY,
        1,
        30_000,
        before=(2, 30),
        retr=0.85,
        review_id=3,
        response="40%",
        correct=False,
    )
    r(
        db,
        lid,
        2,
        now - 5 * DAY,
        3,
        5_000,
        before=(3, 0.01),
        retr=0.55,
        review_id=4,
        response="35 %",
        correct=True,
    )
    r(
        db,
        lid,
        5,
        now - 2 * DAY,
        4,
        6_000,
        before=(2, 25),
        retr=0.91,
        review_id=5,
        response="positive",
        correct=True,
    )
    r(
        db,
        lid,
        4,
        now - DAY,
        1,
        12_000,
        before=(2, 3),
        retr=0.72,
        review_id=6,
        response="80%",
        correct=False,
    )
    r(db, lid, 3, now - timedelta(minutes=10), 3, 4_000, review_id=7)
    r(
        db,
        lid,
        5,
        now - 2 * DAY + timedelta(hours=1),
        2,
        60_000,
        before=(2, 2),
        retr=0.99,
        review_id=8,
        response="positive",
        correct=True,
    )
    r(db, lid, 1, now - 400 * DAY, 1, 1_000, before=(2, 100), retr=0.5, review_id=9)
    r(db, lid, 1, now + timedelta(hours=1), 3, 1_000, before=(2, 40), retr=0.9, review_id=10)
    r(db, lid, 7, now - 100 * DAY, 3, 8_000, before=(2, 150), retr=0.93, review_id=11)
    c.execute("COMMIT")
    return db, learner
