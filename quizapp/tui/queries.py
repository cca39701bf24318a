"""Small read-only queries the TUI needs that the core does not offer (yet).

Plain SQL over the store's tables; each is one indexed query, cheap enough for the
event loop. Candidates to move into `quizapp.store.queries.decks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlite_utils import Database

from quizapp.clock import day_start, dt_to_ms
from quizapp.store.learners import Learner


@dataclass(frozen=True, slots=True)
class Today:
    reviews: int  # answers given this study day
    new: int  # of which first answers of new items
    streak: int  # consecutive study days with at least one answer (ending today or yesterday)


def today_totals(db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None) -> Today:
    start = day_start(now, learner.rollover_hour, tz)
    start_ms = dt_to_ms(start) or 0
    reviews, new = db.conn.execute(
        """SELECT count(*), coalesce(sum(prev_state IS NULL), 0)
           FROM reviews WHERE learner_id = ? AND reviewed_at >= ?""",
        [learner.id, start_ms],
    ).fetchone()
    return Today(int(reviews), int(new), streak(db, learner, now, tz))


def streak(db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None) -> int:
    """Consecutive study days with reviews, counting back from today (or yesterday).

    One indexed probe per day walked back, stopping at the first day without reviews:
    a long history costs nothing (a DISTINCT over a million reviews took half a second).
    DST shifts by an hour are absorbed: a study day starts at the rollover hour.
    """
    start_ms = dt_to_ms(day_start(now, learner.rollover_hour, tz)) or 0
    day_ms = 86_400_000

    def studied(day: int) -> bool:
        lo = start_ms + day * day_ms
        return (
            db.conn.execute(
                "SELECT 1 FROM reviews WHERE learner_id = ? AND reviewed_at >= ?"
                " AND reviewed_at < ? LIMIT 1",
                [learner.id, lo, lo + day_ms],
            ).fetchone()
            is not None
        )

    day = 0 if studied(0) else -1
    count = 0
    while studied(day) and count < 36_600:
        count += 1
        day -= 1
    return count


def decks_with_tag(db: Database, tag: str) -> set[str]:
    rows = db.conn.execute(
        "SELECT DISTINCT deck_id FROM cards WHERE active = 1 AND tags LIKE ?",
        [f"% {tag} %"],
    ).fetchall()
    return {r[0] for r in rows}


def item_flags(db: Database, learner_id: int, card_pk: int) -> tuple[bool, bool]:
    """(suspended, flagged) of an item for a learner."""
    row = db.conn.execute(
        "SELECT suspended, flagged FROM card_state WHERE learner_id = ? AND card_pk = ?",
        [learner_id, card_pk],
    ).fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def db_file(db: Database) -> str:
    """The main database file ('' for an in-memory database)."""
    for _seq, name, path in db.conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(path or "")
    return ""
