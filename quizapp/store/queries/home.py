"""Read-only queries of the home screen: the deck list before its counts, today's
totals, the decks of a tag (the deck counts themselves are `decks.deck_counts`; the streak
is the reports' `quizapp.reports.days.current_streak`, so home and reports agree).

Each is one small indexed query, cheap enough for the UI thread; the home screen still
reads all but `deck_list` on a worker (see docs/tui.md, "start-up order").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from quizapp.clock import day_start, dt_to_ms
from quizapp.store.db import Database, as_database, connect
from quizapp.store.learners import Learner
from quizapp.store.scope import like_word


@dataclass(frozen=True, slots=True)
class DeckTitle:
    """A deck row before its counts are known."""

    deck_id: str
    title: str
    tags: tuple[str, ...]


def deck_list(db: Database, deck_ids: list[str] | None) -> list[DeckTitle]:
    """The decks `deck_counts` would return, in its order, without counting anything
    (so the home screen can list them at once)."""
    where, params = "active = 1", []
    if deck_ids is not None:
        where = f"id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else "0"
        params = list(deck_ids)
    rows = db.conn.execute(
        f"SELECT id, title, tags FROM decks WHERE {where} ORDER BY title", params
    ).fetchall()
    return [DeckTitle(r[0], r[1], tuple(json.loads(r[2] or "[]"))) for r in rows]


def today_counts(
    db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None
) -> tuple[int, int]:
    """(answers given this study day — from the learner's rollover hour —, how many of
    them were first answers of new items)."""
    start_ms = dt_to_ms(day_start(now, learner.rollover_hour, tz)) or 0
    reviews, new = db.conn.execute(
        """SELECT count(*), coalesce(sum(prev_state IS NULL), 0)
           FROM reviews WHERE learner_id = ? AND reviewed_at >= ?""",
        [learner.id, start_ms],
    ).fetchone()
    return int(reviews), int(new)


def decks_with_tag(db: Database, tag: str) -> set[str]:
    """The decks with at least one active card tagged `tag` (the home tag filter)."""
    rows = db.conn.execute(
        "SELECT DISTINCT deck_id FROM cards WHERE active = 1 AND tags LIKE ? ESCAPE '\\'",
        [like_word(tag)],
    ).fetchall()
    return {r[0] for r in rows}


def answers_total(db: Database, learner_id: int) -> int:
    """Every answer the learner ever gave (the report export's progress total)."""
    return int(
        db.conn.execute(
            "SELECT count(*) FROM reviews WHERE learner_id = ?", [learner_id]
        ).fetchone()[0]
    )


def second_connection(path: Path) -> Database:
    """Another connection to an already opened and migrated database, for a front end's
    thread worker: the settings `open_database` gives, without repeating its checks (the
    integrity check alone costs ~0.15 s on a large collection).

    Belongs beside `open_database` in quizapp.store.db; here until that module takes it.
    """
    conn = connect(path)
    conn.execute("PRAGMA synchronous = NORMAL")
    return as_database(conn)
