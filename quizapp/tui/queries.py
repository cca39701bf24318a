"""Small read-only queries the TUI needs that the core does not offer (yet).

Plain SQL over the store's tables; each is one indexed query, cheap enough for the
event loop. Candidates to move into `quizapp.store.queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlite_utils import Database

from quizapp.clock import day_start
from quizapp.scheduling import dt_to_ms
from quizapp.store.learners import Learner


@dataclass(frozen=True, slots=True)
class Today:
    reviews: int  # answers given this study day
    new: int  # of which first answers of new items
    streak: int  # consecutive study days with at least one answer (ending today or yesterday)


def today_totals(
    db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None
) -> Today:
    start = day_start(now, learner.rollover_hour, tz)
    start_ms = dt_to_ms(start) or 0
    reviews, new = db.conn.execute(
        """SELECT count(*), coalesce(sum(state_before IS NULL
                  OR json_extract(state_before, '$.state') IS NULL), 0)
           FROM reviews WHERE learner_id = ? AND reviewed_at >= ?""",
        [learner.id, start_ms],
    ).fetchone()
    return Today(int(reviews), int(new), streak(db, learner, now, tz))


def streak(db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None) -> int:
    """Consecutive study days with reviews, counting back from today (or yesterday)."""
    start = day_start(now, learner.rollover_hour, tz)
    start_ms = dt_to_ms(start) or 0
    day_ms = 86_400_000
    # Study-day index of every review relative to today's start (0 today, -1 yesterday…).
    # DST shifts by an hour are absorbed: a study day starts at the rollover hour.
    rows = db.conn.execute(
        """SELECT DISTINCT CAST(floor((reviewed_at - ?) * 1.0 / ?) AS INTEGER) AS d
           FROM reviews WHERE learner_id = ? AND reviewed_at >= ?
           ORDER BY d DESC""",
        [start_ms, day_ms, learner.id, start_ms - 3660 * day_ms],
    ).fetchall()
    days = [r[0] for r in rows]
    if not days:
        return 0
    expected = 0 if days[0] == 0 else -1
    count = 0
    for d in days:
        if d > 0:
            continue
        if d != expected:
            break
        count += 1
        expected -= 1
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


def as_delta(ms: int) -> timedelta:
    return timedelta(milliseconds=ms)
