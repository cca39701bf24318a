"""The rows an imported review history (Anki) writes: reviews and card state rows.

The replay itself (the scheduler, in time order) is :mod:`quizapp.interop.progress_import`;
the caller wraps these in one transaction.
"""

from __future__ import annotations

from typing import Any

from quizapp.store.handle import Database
from quizapp.store.progress import STATE_COLUMNS


def active_item_keys(db: Database) -> dict[tuple[str, str, int], int]:
    """(deck_id, card_id, ord) → card_pk of every active study item."""
    return {
        (r[0], r[1], r[2]): r[3]
        for r in db.conn.execute("SELECT deck_id, card_id, ord, id FROM cards WHERE active = 1")
    }


def review_times(db: Database, learner_id: int, card_pk: int) -> set[int]:
    """When (ms) the learner's reviews of the item happened."""
    return {
        r[0]
        for r in db.conn.execute(
            "SELECT reviewed_at FROM reviews WHERE learner_id = ? AND card_pk = ?",
            [learner_id, card_pk],
        )
    }


def add_imported_review(
    db: Database,
    learner_id: int,
    card_pk: int,
    *,
    reviewed_at: int,
    rating: int,
    duration_ms: int,
    state_before: str | None,
    state: int | None,
    stability: float | None,
    difficulty: float | None,
    due: int | None,
    elapsed_days: float | None,
    retrievability: float | None,
    prev_state: int | None,
    prev_interval_ms: int | None,
) -> None:
    """Append one imported review (response 'anki', not graded) to the log."""
    db.conn.execute(
        """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating,
               duration_ms, response, correct, state_before, state, stability,
               difficulty, due, elapsed_days, retrievability, prev_state,
               prev_interval_ms)
           VALUES (?, ?, ?, ?, ?, 'anki', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            learner_id,
            card_pk,
            reviewed_at,
            rating,
            duration_ms,
            state_before,
            state,
            stability,
            difficulty,
            due,
            elapsed_days,
            retrievability,
            prev_state,
            prev_interval_ms,
        ],
    )


def save_state_row(db: Database, learner_id: int, card_pk: int, row: dict[str, Any]) -> None:
    """Write the item's whole state row (``STATE_COLUMNS``)."""
    cols = ", ".join(STATE_COLUMNS)
    marks = ", ".join("?" for _ in STATE_COLUMNS)
    db.conn.execute(
        f"INSERT OR REPLACE INTO card_state (learner_id, card_pk, {cols}) VALUES (?, ?, {marks})",
        [learner_id, card_pk, *(row[c] for c in STATE_COLUMNS)],
    )
