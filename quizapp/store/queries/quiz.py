"""Quiz blocks as stored: ``quiz_blocks`` (one row per block) and ``quiz_answers`` (one
row per question), the learner's quiz history the pools are drawn from, and the per-tag
counts results compare with.

Writes run in the caller's transaction (:func:`quizapp.store.db.transaction`) unless
they say otherwise: a block operation saves its time and its change as one unit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from quizapp.store.db import transaction
from quizapp.store.handle import Database
from quizapp.store.scope import Scope

# -- pools --------------------------------------------------------------------------


def candidates(
    db: Database, scope: Scope, types: Iterable[str]
) -> list[tuple[int, str, str, int, str]]:
    """(card_pk, deck_id, card_id, ord, fact key) of the study items of ``scope`` of
    ``types``, in deck order (fact key: `#` + card id for an item synced without one)."""
    kinds = list(types)
    where, params = scope.sql("c")
    marks = ", ".join("?" for _ in kinds)
    return db.conn.execute(
        f"""SELECT c.id, c.deck_id, c.card_id, c.ord,
                   CASE WHEN c.fact != '' THEN c.fact ELSE '#' || c.card_id END
            FROM cards c
            WHERE {where} AND c.type IN ({marks})
            ORDER BY c.deck_id, c.position, c.ord""",
        [*params, *kinds],
    ).fetchall()


def latest_answers(db: Database, learner_id: int) -> list[tuple[int, Any]]:
    """(card_pk, correct) of the learner's latest quiz answer to each question answered."""
    return db.conn.execute(
        """SELECT card_pk, correct FROM (
             SELECT card_pk, correct, row_number() OVER (
               PARTITION BY card_pk ORDER BY answered_at DESC, block_id DESC, position DESC
             ) AS rn
             FROM quiz_answers WHERE learner_id = ? AND response IS NOT NULL)
           WHERE rn = 1""",
        [learner_id],
    ).fetchall()


def flagged(db: Database, learner_id: int) -> set[int]:
    """Items flagged now: in their latest quiz row, or on their study state."""
    return {
        pk
        for (pk,) in db.conn.execute(
            """SELECT card_pk FROM (
                 SELECT card_pk, flagged, row_number() OVER (
                   PARTITION BY card_pk ORDER BY block_id DESC, position DESC) AS rn
                 FROM quiz_answers WHERE learner_id = ?)
               WHERE rn = 1 AND flagged = 1
               UNION
               SELECT card_pk FROM card_state WHERE learner_id = ? AND flagged = 1""",
            [learner_id, learner_id],
        )
    }


def quiz_flags(db: Database, learner_id: int) -> set[int]:
    """Questions whose latest quiz row is flagged (flags carry over to the next block)."""
    return {
        pk
        for (pk,) in db.conn.execute(
            """SELECT card_pk FROM (
                 SELECT card_pk, flagged, row_number() OVER (
                   PARTITION BY card_pk ORDER BY block_id DESC, position DESC) AS rn
                 FROM quiz_answers WHERE learner_id = ?)
               WHERE rn = 1 AND flagged = 1""",
            [learner_id],
        )
    }


# -- blocks -------------------------------------------------------------------------


def add_block(
    db: Database,
    learner_id: int,
    *,
    created_at: int,
    mode: str,
    time_limit_ms: int | None,
    scope: dict[str, Any],
    questions: Iterable[tuple[int, bool, str | None]],
) -> int:
    """Save a new active block (``scope``: what it was drawn from, kept as JSON) and its
    questions ((card_pk, flagged, presentation) in order, numbered from 1; presentation:
    an mcq's option order as JSON, None for card order); its id. One transaction."""
    with transaction(db.conn):
        cur = db.conn.execute(
            """INSERT INTO quiz_blocks (learner_id, created_at, mode, time_limit_ms,
                   elapsed_ms, status, scope, current)
               VALUES (?, ?, ?, ?, 0, 'active', ?, 1)""",
            [learner_id, created_at, mode, time_limit_ms, json.dumps(scope)],
        )
        block_id = int(cur.lastrowid or 0)
        db.conn.executemany(
            """INSERT INTO quiz_answers (block_id, position, card_pk, learner_id, flagged,
                   presentation)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                (block_id, i, pk, learner_id, int(on), shown)
                for i, (pk, on, shown) in enumerate(questions, start=1)
            ],
        )
    return block_id


def block_row(db: Database, block_id: int) -> tuple[Any, ...] | None:
    """(id, learner_id, created_at, mode, time_limit_ms, elapsed_ms, status, scope (dict),
    current, submitted_at) of a block, or None."""
    row = db.conn.execute(
        """SELECT id, learner_id, created_at, mode, time_limit_ms, elapsed_ms, status, scope,
                  current, submitted_at FROM quiz_blocks WHERE id = ?""",
        [block_id],
    ).fetchone()
    if row is None:
        return None
    return (*row[:7], json.loads(row[7] or "{}"), *row[8:])


def question_rows(db: Database, block_id: int) -> list[tuple[Any, ...]]:
    """(position, card_pk, response, correct, flagged, time_ms, answered_at, presentation)
    of each question of a block, in order."""
    return db.conn.execute(
        """SELECT position, card_pk, response, correct, flagged, time_ms, answered_at,
                  presentation FROM quiz_answers WHERE block_id = ? ORDER BY position""",
        [block_id],
    ).fetchall()


def unfinished_block(db: Database, learner_id: int) -> int | None:
    """The id of the learner's most recent active or paused block, or None."""
    row = db.conn.execute(
        """SELECT id FROM quiz_blocks WHERE learner_id = ? AND status IN ('active', 'paused')
           ORDER BY created_at DESC, id DESC LIMIT 1""",
        [learner_id],
    ).fetchone()
    return int(row[0]) if row else None


def block_summaries(db: Database, learner_id: int) -> list[tuple[Any, ...]]:
    """(id, created_at, mode, status, questions, answered, correct, time_limit_ms,
    elapsed_ms, submitted_at) of every block of the learner, newest first."""
    return db.conn.execute(
        """SELECT b.id, b.created_at, b.mode, b.status, count(a.position),
                  coalesce(sum(a.response IS NOT NULL), 0), coalesce(sum(a.correct = 1), 0),
                  b.time_limit_ms, b.elapsed_ms, b.submitted_at
           FROM quiz_blocks b LEFT JOIN quiz_answers a ON a.block_id = b.id
           WHERE b.learner_id = ? GROUP BY b.id ORDER BY b.created_at DESC, b.id DESC""",
        [learner_id],
    ).fetchall()


def save_block_time(
    db: Database,
    block_id: int,
    *,
    elapsed_ms: int,
    current: int,
    status: str,
    position: int,
    time_ms: int,
) -> None:
    """Save the block's elapsed time, current question and status, and the time spent on
    the question at ``position``."""
    db.conn.execute(
        "UPDATE quiz_blocks SET elapsed_ms = ?, current = ?, status = ? WHERE id = ?",
        [elapsed_ms, current, status, block_id],
    )
    db.conn.execute(
        "UPDATE quiz_answers SET time_ms = ? WHERE block_id = ? AND position = ?",
        [time_ms, block_id, position],
    )


def set_active(db: Database, block_id: int) -> None:
    db.conn.execute("UPDATE quiz_blocks SET status = 'active' WHERE id = ?", [block_id])


def set_current(db: Database, block_id: int, position: int) -> None:
    db.conn.execute("UPDATE quiz_blocks SET current = ? WHERE id = ?", [position, block_id])


def set_submitted(db: Database, block_id: int, at_ms: int) -> None:
    db.conn.execute("UPDATE quiz_blocks SET submitted_at = ? WHERE id = ?", [at_ms, block_id])


def save_answer(
    db: Database, block_id: int, position: int, response: str, correct: bool, at_ms: int
) -> None:
    db.conn.execute(
        """UPDATE quiz_answers SET response = ?, correct = ?, answered_at = ?
           WHERE block_id = ? AND position = ?""",
        [response, int(correct), at_ms, block_id, position],
    )


def set_flag(db: Database, block_id: int, position: int, on: bool) -> None:
    db.conn.execute(
        "UPDATE quiz_answers SET flagged = ? WHERE block_id = ? AND position = ?",
        [int(on), block_id, position],
    )


# -- results ------------------------------------------------------------------------


def submitted_answers(
    db: Database,
    learner_id: int,
    *,
    before: tuple[int, int] | None = None,
    since_ms: int | None = None,
) -> list[tuple[int, Any, str | None]]:
    """(block_id, correct (0 when unanswered), card tags) of every question of the
    learner's submitted blocks: created before the block ``before`` ((created_at, id))
    when given, submitted at or after ``since_ms`` when given."""
    extra, params = "", []
    if before is not None:
        extra += " AND (b.created_at < ? OR (b.created_at = ? AND b.id < ?))"
        params += [before[0], before[0], before[1]]
    if since_ms is not None:
        extra += " AND b.submitted_at >= ?"
        params.append(since_ms)
    return db.conn.execute(
        f"""SELECT a.block_id, coalesce(a.correct, 0), c.tags
            FROM quiz_answers a
            JOIN quiz_blocks b ON b.id = a.block_id
            JOIN cards c ON c.id = a.card_pk
            WHERE b.learner_id = ? AND b.status = 'submitted'{extra}""",
        [learner_id, *params],
    ).fetchall()
