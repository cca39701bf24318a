"""A learner's progress: card state rows and the append-only review log.

Every answer is one write transaction that appends the review (with the state before,
so undo is exact) and updates the state row: once `record_answer` returns, the answer
is on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from quizapp.clock import dt_to_ms, ms_to_dt
from quizapp.model import MemoryState
from quizapp.store.db import StoreError, transaction
from quizapp.store.handle import Database

STATE_COLUMNS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "buried_until",
    "flagged",
    "leech",
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the learner did, as logged."""

    rating: int
    reviewed_at_ms: int
    duration_ms: int = 0
    response: str = ""
    correct: bool | None = None
    retrievability: float | None = None
    presentation: str | None = None  # mcq: the card's option indexes as shown (JSON)


def state_row(db: Database, learner_id: int, card_pk: int) -> dict[str, Any] | None:
    cur = db.conn.execute(
        f"SELECT {', '.join(STATE_COLUMNS)} FROM card_state WHERE learner_id = ? AND card_pk = ?",
        [learner_id, card_pk],
    )
    row = cur.fetchone()
    return dict(zip(STATE_COLUMNS, row, strict=True)) if row else None


def memory_from_row(row: dict[str, Any] | None) -> MemoryState:
    if not row or row["state"] is None:
        return MemoryState(reps=row["reps"] if row else 0, lapses=row["lapses"] if row else 0)
    return MemoryState(
        state=row["state"],
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=ms_to_dt(row["due"]),
        last_review=ms_to_dt(row["last_review"]),
        reps=row["reps"],
        lapses=row["lapses"],
    )


def get_memory(db: Database, learner_id: int, card_pk: int) -> MemoryState:
    return memory_from_row(state_row(db, learner_id, card_pk))


# deck_id is the card's deck (schema 0005), copied so per-deck counts need no join.
_WRITE_ROW = (
    f"INSERT OR REPLACE INTO card_state (learner_id, card_pk, deck_id, {', '.join(STATE_COLUMNS)})"
    " VALUES (?, ?, (SELECT deck_id FROM cards WHERE id = ?),"
    f" {', '.join('?' for _ in STATE_COLUMNS)})"
)


def _write_row(db: Database, learner_id: int, card_pk: int, row: dict[str, Any]) -> None:
    db.conn.execute(_WRITE_ROW, [learner_id, card_pk, card_pk, *(row[c] for c in STATE_COLUMNS)])


def _blank_row() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(STATE_COLUMNS)
    row.update(reps=0, lapses=0, suspended=0, buried_until=0, flagged=0, leech=0)
    return row


def record_answer(
    db: Database,
    learner_id: int,
    card_pk: int,
    before: dict[str, Any] | None,
    after: MemoryState,
    answer: Answer,
    *,
    bury_siblings: list[int] | None = None,
    bury_until_ms: int = 0,
) -> int:
    """Append the review and save the new state in one transaction; returns the review id."""
    new_row = dict(before) if before else _blank_row()
    new_row.update(
        state=after.state,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=dt_to_ms(after.due),
        last_review=dt_to_ms(after.last_review),
        reps=after.reps,
        lapses=after.lapses,
        buried_until=0,
    )
    elapsed = None
    if before and before["last_review"] is not None:
        elapsed = max(0.0, (answer.reviewed_at_ms - before["last_review"]) / 86_400_000)
    with transaction(db.conn):
        extra: list[dict[str, Any]] = []
        for sib in bury_siblings or []:
            sib_row = state_row(db, learner_id, sib)
            extra.append({"card_pk": sib, "row": sib_row})
            row = dict(sib_row) if sib_row else _blank_row()
            row["buried_until"] = max(int(row["buried_until"] or 0), bury_until_ms)
            _write_row(db, learner_id, sib, row)
        cur = db.conn.execute(
            """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, duration_ms,
                   response, correct, state_before, undo_extra, state, stability, difficulty,
                   due, elapsed_days, retrievability, prev_state, prev_interval_ms, presentation)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                learner_id,
                card_pk,
                answer.reviewed_at_ms,
                answer.rating,
                answer.duration_ms,
                answer.response,
                None if answer.correct is None else int(answer.correct),
                json.dumps(before) if before else None,
                json.dumps(extra) if extra else None,
                after.state,
                after.stability,
                after.difficulty,
                dt_to_ms(after.due),
                elapsed,
                answer.retrievability,
                *prev_columns(before),
                answer.presentation,
            ],
        )
        _write_row(db, learner_id, card_pk, new_row)
        review_id = cur.lastrowid
    assert review_id is not None
    return review_id


def prev_columns(before: dict[str, Any] | None) -> tuple[int | None, int | None]:
    """(prev_state, prev_interval_ms) of a review from the state row before it."""
    if not before or before.get("state") is None:
        return None, None
    due, last = before.get("due"), before.get("last_review")
    return before["state"], (due - last) if due is not None and last is not None else None


def undo_review(db: Database, learner_id: int, review_id: int) -> int:
    """Remove review `review_id` and restore the exact state before it; returns its card_pk.

    Only the learner's latest review of that card can be undone (otherwise later
    reviews would be built on a state that no longer exists).
    """
    with transaction(db.conn):
        row = db.conn.execute(
            "SELECT card_pk, state_before, undo_extra FROM reviews WHERE id = ? AND learner_id = ?",
            [review_id, learner_id],
        ).fetchone()
        if not row:
            raise StoreError("nothing to undo: that answer is no longer in the log")
        card_pk, before_json, extra_json = row
        later = db.conn.execute(
            "SELECT 1 FROM reviews WHERE learner_id = ? AND card_pk = ? AND id > ?",
            [learner_id, card_pk, review_id],
        ).fetchone()
        if later:
            raise StoreError("cannot undo: the card was answered again since")
        if before_json:
            _write_row(db, learner_id, card_pk, json.loads(before_json))
        else:
            db.conn.execute(
                "DELETE FROM card_state WHERE learner_id = ? AND card_pk = ?",
                [learner_id, card_pk],
            )
        for item in json.loads(extra_json) if extra_json else []:
            if item["row"]:
                _write_row(db, learner_id, item["card_pk"], item["row"])
            else:
                db.conn.execute(
                    "DELETE FROM card_state WHERE learner_id = ? AND card_pk = ?",
                    [learner_id, item["card_pk"]],
                )
        db.conn.execute("DELETE FROM reviews WHERE id = ?", [review_id])
    return int(card_pk)


def set_flag(db: Database, learner_id: int, card_pk: int, column: str, value: int) -> int:
    """Set `suspended`, `flagged`, `leech` or `buried_until`; returns the previous value."""
    if column not in ("suspended", "flagged", "leech", "buried_until"):
        raise ValueError(column)
    with transaction(db.conn):
        row = state_row(db, learner_id, card_pk) or _blank_row()
        previous = int(row[column] or 0)
        row[column] = value
        _write_row(db, learner_id, card_pk, row)
    return previous
