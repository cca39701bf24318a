"""Backlog: overdue reviews in order of how likely they are to be forgotten.

After days away, the reviews due are served lowest predicted recall first, with FSRS-6's
forgetting curve evaluated in SQL::

    R = (1 + FACTOR * t / S) ^ DECAY,   DECAY = -w[20],   FACTOR = 0.9 ^ (1 / DECAY) - 1

``t`` is the time since the last review in days and ``S`` the stability. Ties (equal R)
go by due date. The daily review limit (the learner's reviews/day) keeps each day's load
sane, so a backlog takes :func:`backlog_days` days at most.

SQLite's ``pow`` is one of its optional math functions (present in Python 3.11's
bundled SQLite builds); :func:`ensure_pow` registers a deterministic Python one on a
connection that lacks it.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sqlite_utils import Database

from quizapp.clock import dt_to_ms, next_day_start
from quizapp.scheduling.memory import decay_factor, parameters
from quizapp.store.learners import Learner

if TYPE_CHECKING:
    from quizapp.store.scope import Scope


def _pow(base: float | None, exponent: float | None) -> float | None:
    if base is None or exponent is None:
        return None
    try:
        return math.pow(base, exponent)
    except (ValueError, OverflowError):
        return None


def ensure_pow(conn: sqlite3.Connection) -> None:
    """Make ``pow(x, y)`` available on ``conn`` (SQLite's own when compiled in)."""
    try:
        conn.execute("SELECT pow(2, 3)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("pow", 2, _pow, deterministic=True)


def retrievability_sql(
    conn: sqlite3.Connection, params: Sequence[float], now_ms: int, alias: str = "s"
) -> tuple[str, list[object]]:
    """SQL for the predicted recall of ``card_state`` rows at ``now_ms``, and its arguments."""
    ensure_pow(conn)
    decay, factor = decay_factor(params)
    sql = (
        f"pow(1.0 + ? * max(? - coalesce({alias}.last_review, ?), 0) / 86400000.0"
        f" / max(coalesce({alias}.stability, 0.0), 0.001), ?)"
    )
    return sql, [factor, now_ms, now_ms, decay]


def review_order_sql(
    conn: sqlite3.Connection, params: Sequence[float], now_ms: int, alias: str = "s"
) -> tuple[str, list[object]]:
    """An ORDER BY clause body: lowest retrievability first, then earliest due."""
    sql, args = retrievability_sql(conn, params, now_ms, alias)
    return f"{sql} ASC, {alias}.due ASC, {alias}.card_pk ASC", args


@dataclass(frozen=True, slots=True)
class Backlog:
    due: int  # reviews due by the end of today (state review, not suspended)
    overdue: int  # … of which were due before today began
    per_day: int  # the learner's daily review limit
    days: int | None  # days to clear `due` at that limit; None if the limit is 0


def backlog(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Backlog:
    """Reviews waiting in ``scope`` and how many days the daily limit needs for them."""
    from quizapp.clock import day_start, system_clock
    from quizapp.store.scope import Scope

    now = now or system_clock()
    scope = scope or Scope()
    where, args = scope.sql()
    day_end = dt_to_ms(next_day_start(now, learner.rollover_hour, tz)) or 0
    today = dt_to_ms(day_start(now, learner.rollover_hour, tz)) or 0
    due, overdue = db.conn.execute(
        f"""SELECT count(*), coalesce(sum(s.due < ?), 0)
            FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state = 2 AND s.due < ? AND s.suspended = 0
              AND {where}""",
        [today, learner.id, day_end, *args],
    ).fetchone()
    per_day = learner.reviews_per_day
    days = math.ceil(due / per_day) if per_day > 0 else (0 if not due else None)
    return Backlog(due=int(due), overdue=int(overdue), per_day=per_day, days=days)


def backlog_days(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> int | None:
    """Days the reviews due now take at the learner's daily limit (ceil; 0 when none).

    ``None`` when reviews are waiting but the daily limit is 0. For the home screen:
    "backlog: N days" is worth showing when this is 2 or more.
    """
    return backlog(db, learner, scope, now, tz).days


def lowest_recall_first(
    db: Database, learner: Learner, scope: Scope | None, now: datetime, limit: int = 20
) -> list[tuple[int, float]]:
    """``(card_pk, retrievability)`` of the reviews due, in the order they are served."""
    from quizapp.store.scope import Scope

    where, args = (scope or Scope()).sql()
    now_ms = dt_to_ms(now) or 0
    r_sql, r_args = retrievability_sql(db.conn, parameters(learner), now_ms)
    order, order_args = review_order_sql(db.conn, parameters(learner), now_ms)
    rows = db.conn.execute(
        f"""SELECT s.card_pk, {r_sql} FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state = 2 AND s.due <= ? AND s.suspended = 0
              AND {where}
            ORDER BY {order} LIMIT ?""",
        [*r_args, learner.id, now_ms, *args, *order_args, limit],
    ).fetchall()
    return [(int(pk), float(r)) for pk, r in rows]
