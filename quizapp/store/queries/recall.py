"""Predicted recall in SQL: FSRS-6's forgetting curve over ``card_state`` rows.

    R = (1 + FACTOR * t / S) ^ DECAY

``t`` is the time since the last review in days and ``S`` the stability. The constants
``(DECAY, FACTOR)`` come from the learner's parameters
(:func:`quizapp.scheduling.memory.decay_factor`): the store only evaluates the curve.

SQLite's ``pow`` is one of its optional math functions (present in Python 3.11's
bundled SQLite builds); :func:`ensure_pow` registers a deterministic Python one on a
connection that lacks it.
"""

from __future__ import annotations

import math
import sqlite3

#: ``(DECAY, FACTOR)`` of the forgetting curve.
Curve = tuple[float, float]


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
    conn: sqlite3.Connection, curve: Curve, now_ms: int, alias: str = "s"
) -> tuple[str, list[object]]:
    """SQL for the predicted recall of ``card_state`` rows at ``now_ms``, and its arguments."""
    ensure_pow(conn)
    decay, factor = curve
    sql = (
        f"pow(1.0 + ? * max(? - coalesce({alias}.last_review, ?), 0) / 86400000.0"
        f" / max(coalesce({alias}.stability, 0.0), 0.001), ?)"
    )
    return sql, [factor, now_ms, now_ms, decay]


def review_order_sql(
    conn: sqlite3.Connection, curve: Curve, now_ms: int, alias: str = "s"
) -> tuple[str, list[object]]:
    """An ORDER BY clause body: lowest retrievability first, then earliest due."""
    sql, args = retrievability_sql(conn, curve, now_ms, alias)
    return f"{sql} ASC, {alias}.due ASC, {alias}.card_pk ASC", args
