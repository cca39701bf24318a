"""The backlog's queries: reviews waiting in a scope, and the ones most likely forgotten."""

from __future__ import annotations

from quizapp.store.handle import Database
from quizapp.store.queries.recall import Curve, retrievability_sql, review_order_sql
from quizapp.store.scope import Scope


def due_reviews(
    db: Database, learner_id: int, scope: Scope, today_ms: int, day_end: int
) -> tuple[int, int]:
    """(reviews of ``scope`` due before ``day_end``, of which due before ``today_ms``);
    suspended ones left out."""
    where, args = scope.sql()
    due, overdue = db.conn.execute(
        f"""SELECT count(*), coalesce(sum(s.due < ?), 0)
            FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state = 2 AND s.due < ? AND s.suspended = 0
              AND {where}""",
        [today_ms, learner_id, day_end, *args],
    ).fetchone()
    return int(due), int(overdue)


def lowest_recall(
    db: Database, learner_id: int, scope: Scope, now_ms: int, curve: Curve, limit: int
) -> list[tuple[int, float]]:
    """``(card_pk, retrievability)`` of the reviews due by ``now_ms``, lowest recall first."""
    where, args = scope.sql()
    r_sql, r_args = retrievability_sql(db.conn, curve, now_ms)
    order, order_args = review_order_sql(db.conn, curve, now_ms)
    rows = db.conn.execute(
        f"""SELECT s.card_pk, {r_sql} FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state = 2 AND s.due <= ? AND s.suspended = 0
              AND {where}
            ORDER BY {order} LIMIT ?""",
        [*r_args, learner_id, now_ms, *args, *order_args, limit],
    ).fetchall()
    return [(int(pk), float(r)) for pk, r in rows]
