"""The optimizer's queries: imported review logs, the learner's own log, optimizer runs,
and the card states a reschedule replaces."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from quizapp.store.db import transaction
from quizapp.store.handle import Database

#: (card key, reviewed_at ms, rating, duration_ms) of one review.
LogRow = tuple[Any, int, int, int | None]


def add_external_reviews(
    db: Database, learner_id: int, source: str, rows: Iterable[tuple[str, int | None, int, int]]
) -> int:
    """Add (card_key, reviewed_at ms, rating, duration_ms) rows to the learner's external
    reviews, skipping those already there (same learner, card and time); how many were
    added. One transaction."""
    with transaction(db.conn):
        before = db.conn.total_changes
        db.conn.executemany(
            """INSERT OR IGNORE INTO external_reviews
                   (learner_id, source, card_key, reviewed_at, rating, duration_ms)
               VALUES (?, ?, ?, ?, ?, ?)""",
            ((learner_id, source, *row) for row in rows),
        )
        return db.conn.total_changes - before


def external_log(db: Database, learner_id: int) -> list[LogRow]:
    """The learner's imported reviews, in import order."""
    return db.conn.execute(
        """SELECT card_key, reviewed_at, rating, duration_ms FROM external_reviews
           WHERE learner_id = ? ORDER BY id""",
        [learner_id],
    ).fetchall()


def own_log(db: Database, learner_id: int) -> list[LogRow]:
    """The learner's own graded answers (card_pk as the key), by card and time."""
    return db.conn.execute(
        """SELECT card_pk, reviewed_at, rating, duration_ms FROM reviews
           WHERE learner_id = ? AND rating BETWEEN 1 AND 4
           ORDER BY card_pk, reviewed_at, id""",
        [learner_id],
    ).fetchall()


def studied_log(db: Database, learner_id: int) -> list[tuple[int, int, int]]:
    """(card_pk, reviewed_at ms, rating) of the graded answers of cards that have a state
    row, by card and time: the histories a reschedule replays."""
    return db.conn.execute(
        """SELECT r.card_pk, r.reviewed_at, r.rating FROM reviews r
           JOIN card_state s ON s.learner_id = r.learner_id AND s.card_pk = r.card_pk
           WHERE r.learner_id = ? AND r.rating BETWEEN 1 AND 4
           ORDER BY r.card_pk, r.reviewed_at, r.id""",
        [learner_id],
    ).fetchall()


def studied_count(db: Database, learner_id: int) -> int:
    """Cards with a state row and at least one answer of the learner."""
    return int(
        db.conn.execute(
            """SELECT count(DISTINCT s.card_pk) FROM card_state s
               JOIN reviews r ON r.learner_id = s.learner_id AND r.card_pk = s.card_pk
               WHERE s.learner_id = ?""",
            [learner_id],
        ).fetchone()[0]
    )


def add_run(
    db: Database,
    learner_id: int,
    *,
    fitted_at: int | None,
    n_reviews: int,
    fitted: bool,
    parameters: list[float],
    default_log_loss: float | None,
    fitted_log_loss: float | None,
    default_rmse_bins: float | None,
    fitted_rmse_bins: float | None,
    details: dict[str, Any],
) -> int:
    """Record an optimizer run; its id."""
    with transaction(db.conn):
        cur = db.conn.execute(
            """INSERT INTO optimizations (learner_id, fitted_at, n_reviews, fitted, parameters,
                   default_log_loss, fitted_log_loss, default_rmse_bins, fitted_rmse_bins,
                   details)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                learner_id,
                fitted_at,
                n_reviews,
                int(fitted),
                json.dumps(parameters),
                default_log_loss,
                fitted_log_loss,
                default_rmse_bins,
                fitted_rmse_bins,
                json.dumps(details, sort_keys=True),
            ],
        )
        return int(cur.lastrowid or 0)


def set_run_details(db: Database, run_id: int, details: dict[str, Any]) -> None:
    """Replace the ``details`` of an optimizer run."""
    with transaction(db.conn):
        db.conn.execute(
            "UPDATE optimizations SET details = ? WHERE id = ?",
            [json.dumps(details, sort_keys=True), run_id],
        )


def last_run(db: Database, learner_id: int) -> dict[str, Any] | None:
    """The learner's latest optimizer run as a dict (``parameters`` and ``details``
    decoded), or None."""
    cur = db.conn.execute(
        "SELECT * FROM optimizations WHERE learner_id = ? ORDER BY fitted_at DESC, id DESC",
        [learner_id],
    )
    row = cur.fetchone()
    if row is None:
        return None
    out = dict(zip([c[0] for c in cur.description], row, strict=True))
    out["parameters"] = json.loads(out["parameters"])
    out["details"] = json.loads(out["details"] or "{}")
    return out


#: (state, step, stability, difficulty, due ms, last_review ms, reps, lapses, learner_id,
#: card_pk): one card's new memory state.
StateUpdate = tuple[Any, ...]


def replace_memory_states(db: Database, updates: Iterable[StateUpdate]) -> None:
    """Replace the memory columns of card state rows (marks and the log untouched); one
    transaction."""
    with transaction(db.conn):
        db.conn.executemany(
            """UPDATE card_state SET state = ?, step = ?, stability = ?, difficulty = ?,
                   due = ?, last_review = ?, reps = ?, lapses = ?
               WHERE learner_id = ? AND card_pk = ?""",
            updates,
        )
