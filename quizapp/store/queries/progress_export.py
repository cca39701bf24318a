"""What an Anki export with progress reads: a learner's state rows and reviews of a deck.

The conversion to Anki's cards and revlog is :mod:`quizapp.interop.progress_export`.
"""

from __future__ import annotations

from typing import Any

from quizapp.store.handle import Database


def studied_items(db: Database, learner_id: int, deck_id: str) -> list[dict[str, Any]]:
    """The deck's active items the learner has studied or suspended, with their state rows."""
    cur = db.conn.execute(
        """SELECT c.card_id, c.ord, s.state, s.step, s.stability, s.difficulty, s.due,
                  s.last_review, s.reps, s.lapses, s.suspended
           FROM card_state s JOIN cards c ON c.id = s.card_pk
           WHERE s.learner_id = ? AND c.deck_id = ? AND c.active = 1
             AND (s.state IS NOT NULL OR s.suspended = 1)
           ORDER BY c.id""",
        [learner_id, deck_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def deck_reviews(db: Database, learner_id: int, deck_id: str) -> list[dict[str, Any]]:
    """The learner's reviews of the deck's active items, oldest first."""
    cur = db.conn.execute(
        """SELECT c.card_id, c.ord, r.reviewed_at, r.rating, r.duration_ms, r.state, r.due,
                  r.prev_state, r.prev_interval_ms
           FROM reviews r JOIN cards c ON c.id = r.card_pk
           WHERE r.learner_id = ? AND c.deck_id = ? AND c.active = 1
           ORDER BY r.reviewed_at, r.id""",
        [learner_id, deck_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]
