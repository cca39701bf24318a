"""Exam plans as stored (``exam_plans``), and the counts and rows a plan's pace and
report read. A plan's scope is a :class:`~quizapp.store.scope.Scope`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from quizapp.store.db import transaction
from quizapp.store.handle import Database
from quizapp.store.scope import Scope

#: (id, learner_id, exam date ISO, deck ids, tags, created_at ms)
PlanRow = tuple[int, int, str, tuple[str, ...], tuple[str, ...], int]


def plan_rows(db: Database, learner_id: int) -> list[PlanRow]:
    """The learner's plans, soonest exam first (the JSON lists decoded)."""
    rows = db.conn.execute(
        """SELECT id, learner_id, exam_date, deck_ids, tags, created_at FROM exam_plans
           WHERE learner_id = ? ORDER BY exam_date, id""",
        [learner_id],
    ).fetchall()
    return [
        (
            int(pid),
            int(learner),
            str(exam_date),
            tuple(json.loads(str(deck_ids) or "[]")),
            tuple(json.loads(str(tags) or "[]")),
            int(created_at),
        )
        for pid, learner, exam_date, deck_ids, tags, created_at in rows
    ]


def save_plan(
    db: Database,
    learner_id: int,
    exam_date: str,
    deck_ids: list[str],
    tags: list[str],
    created_at: int,
) -> int:
    """Add a plan, or move the date of the plan with exactly this scope; its id."""
    with transaction(db.conn):
        same = db.conn.execute(
            "SELECT id FROM exam_plans WHERE learner_id = ? AND deck_ids = ? AND tags = ?",
            [learner_id, json.dumps(deck_ids), json.dumps(tags)],
        ).fetchone()
        if same:
            db.conn.execute(
                "UPDATE exam_plans SET exam_date = ?, created_at = ? WHERE id = ?",
                [exam_date, created_at, same[0]],
            )
            return int(same[0])
        cur = db.conn.execute(
            """INSERT INTO exam_plans (learner_id, exam_date, deck_ids, tags, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            [learner_id, exam_date, json.dumps(deck_ids), json.dumps(tags), created_at],
        )
        return int(cur.lastrowid or 0)


def delete_plans(db: Database, learner_id: int, plan_id: int | None = None) -> int:
    """Remove one plan (by id) or all of the learner's; how many were removed."""
    with transaction(db.conn):
        if plan_id is None:
            cur = db.conn.execute("DELETE FROM exam_plans WHERE learner_id = ?", [learner_id])
        else:
            cur = db.conn.execute(
                "DELETE FROM exam_plans WHERE learner_id = ? AND id = ?", [learner_id, plan_id]
            )
        return cur.rowcount


def card_deck_and_tags(db: Database) -> Callable[[int], tuple[str, list[str]] | None]:
    """``lookup(card_pk)`` → (deck_id, tags) of the card, one query per call."""

    def lookup(card_pk: int) -> tuple[str, list[str]] | None:
        row = db.conn.execute("SELECT deck_id, tags FROM cards WHERE id = ?", [card_pk]).fetchone()
        return (row[0], str(row[1]).split()) if row else None

    return lookup


def new_left(db: Database, learner_id: int, scope: Scope, today_start_ms: int | None) -> int:
    """New cards of ``scope`` not yet introduced at the start of today: the unsuspended
    new ones now plus those introduced since ``today_start_ms``."""
    where, params = scope.sql()
    new_now = db.conn.execute(
        f"""SELECT count(*) FROM cards c
            LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
            WHERE s.state IS NULL AND coalesce(s.suspended, 0) = 0 AND {where}""",
        [learner_id, *params],
    ).fetchone()[0]
    introduced_today = db.conn.execute(
        f"""SELECT count(DISTINCT r.card_pk) FROM reviews r JOIN cards c ON c.id = r.card_pk
            WHERE r.learner_id = ? AND r.reviewed_at >= ?
              AND (r.state_before IS NULL OR json_extract(r.state_before, '$.state') IS NULL)
              AND {where}""",
        [learner_id, today_start_ms, *params],
    ).fetchone()[0]
    return int(new_now) + int(introduced_today)


#: The memory columns of :func:`plan_cards`' rows, after (card_pk, tags).
CARD_STATE_COLUMNS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
)


def plan_cards(db: Database, learner_id: int, scope: Scope) -> list[Sequence[object]]:
    """Every unsuspended card of ``scope`` in deck order: (card_pk, tags, *CARD_STATE_COLUMNS)
    (the state columns NULL for a card never studied)."""
    where, params = scope.sql()
    return db.conn.execute(
        f"""SELECT c.id, c.tags, s.state, s.step, s.stability, s.difficulty, s.due,
                   s.last_review, s.reps, s.lapses
            FROM cards c LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
            WHERE coalesce(s.suspended, 0) = 0 AND {where}
            ORDER BY c.deck_id, c.position, c.ord""",
        [learner_id, *params],
    ).fetchall()


def pass_rates(db: Database, learner_id: int) -> tuple[int, int, float, int, int]:
    """The learner's observed answers: (reviews of review-state cards with a predicted
    recall, of which not Again, sum of their predicted recall, first answers of new cards,
    of which not Again)."""
    row = db.conn.execute(
        """SELECT sum(prev_state = 2 AND retrievability IS NOT NULL),
                  sum(prev_state = 2 AND retrievability IS NOT NULL AND rating > 1),
                  sum(CASE WHEN prev_state = 2 THEN retrievability END),
                  sum(prev_state IS NULL),
                  sum(prev_state IS NULL AND rating > 1)
           FROM reviews WHERE learner_id = ?""",
        [learner_id],
    ).fetchone()
    return (
        int(row[0] or 0),
        int(row[1] or 0),
        float(row[2] or 0.0),
        int(row[3] or 0),
        int(row[4] or 0),
    )
