"""Read-only queries the home screen, `decks list` and reports share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from quizapp.clock import dt_to_ms, next_day_start, system_clock
from quizapp.store.handle import Database
from quizapp.store.learners import Learner


@dataclass(frozen=True, slots=True)
class DeckCount:
    deck_id: str
    title: str
    tags: tuple[str, ...]
    due: int  # reviews due today
    learning: int  # learning/relearning due today
    new: int  # never studied (not suspended)
    total: int  # active study items
    suspended: int = 0
    # new items waiting regardless of today's limit, once `new` has the limit applied
    # (quizapp.personal.limits.limited_counts); None: `new` is that figure itself
    new_all: int | None = None
    # cards of the deck file marked `draft: true` (not studied: no items), filled in by
    # `with_drafts`
    drafts: int = 0

    @property
    def limit_reached(self) -> bool:
        """New cards wait but today's new-card limit of this deck is used up."""
        return self.new_all is not None and self.new == 0 and self.new_all > 0


def deck_counts(
    db: Database,
    learner: Learner,
    deck_ids: list[str] | None = None,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> list[DeckCount]:
    """Due / learning / new counts per deck.

    Joining every active card to the learner's state rows cost ~100 ms for 50,000 cards.
    Instead, per deck: its active items (a count on the cards index) and the learner's
    state rows (schema 0005 keeps the deck on them: a count on `card_state_deck`, and
    small index ranges for each figure), minus the state rows of cards that left their
    deck file (few). New = active items - started ones (state rows that are not
    new-and-available). Correlated counts per deck cost about half a GROUP BY.
    """
    now = now or system_clock()
    args: dict[str, object] = {
        "learner": learner.id,
        "day_end": dt_to_ms(next_day_start(now, learner.rollover_hour, tz)) or 0,
        "now": dt_to_ms(now) or 0,
    }
    if deck_ids is None:
        where = "active = 1"
    else:
        where = f"id IN ({', '.join(f':d{i}' for i in range(len(deck_ids)))})" if deck_ids else "0"
        args.update({f"d{i}": d for i, d in enumerate(deck_ids)})
    conn = db.conn
    mine = "FROM card_state s WHERE s.learner_id = :learner AND s.deck_id = d.id"
    available = "s.suspended = 0 AND s.buried_until <= :now"
    rows = conn.execute(
        f"""SELECT d.id, d.title, d.tags,
              (SELECT count(*) FROM cards c WHERE c.deck_id = d.id AND c.active = 1),
              (SELECT count(*) {mine}
                 AND s.state = 2 AND s.due < :day_end AND {available}),
              (SELECT count(*) {mine}
                 AND s.state IN (1, 3) AND s.due < :day_end AND {available}),
              (SELECT count(*) {mine}),
              (SELECT count(*) {mine} AND s.state IS NULL AND {available}),
              (SELECT coalesce(sum(s.suspended), 0) {mine} AND s.suspended != 0)
            FROM decks d WHERE {where} ORDER BY d.title, d.id""",
        args,
    ).fetchall()
    if not rows:
        return []
    # Minus the state rows of cards that left their deck file (cards first: few rows).
    inactive = {
        r[0]: r[1:]
        for r in conn.execute(
            f"""SELECT c.deck_id,
                  sum(s.state = 2 AND s.due < :day_end AND {available}),
                  sum(s.state IN (1, 3) AND s.due < :day_end AND {available}),
                  sum(NOT (s.state IS NULL AND {available})),
                  sum(s.suspended)
                FROM cards c
                CROSS JOIN card_state s ON s.learner_id = :learner AND s.card_pk = c.id
                WHERE c.deck_id IN (SELECT id FROM decks WHERE {where}) AND c.active = 0
                GROUP BY c.deck_id""",
            args,
        )
    }
    out = []
    for deck_id, title, tags, total, due, learning, state_rows, still_new, suspended in rows:
        gone = inactive.get(deck_id, (0, 0, 0, 0))
        started = state_rows - still_new - int(gone[2] or 0)
        out.append(
            DeckCount(
                deck_id,
                title,
                tuple(json.loads(tags or "[]")),
                due - int(gone[0] or 0),
                learning - int(gone[1] or 0),
                total - started,
                total,
                suspended - int(gone[3] or 0),
            )
        )
    return out


def draft_counts(db: Database, deck_ids: Sequence[str]) -> dict[str, int]:
    """Deck id → how many of its cards are drafts (decks without drafts left out).

    A deck's `card_count` is every card of its file; its studied cards are numbered 0…
    by `position` on their items, so drafts = card_count - (the highest active position
    + 1): one index seek per deck on `cards_deck_order`. (A deck last synced before
    card_count counted drafts shows none until its file changes.)"""
    if not deck_ids:
        return {}
    rows = db.conn.execute(
        f"""SELECT d.id, d.card_count - coalesce(
                  (SELECT max(c.position) FROM cards c WHERE c.deck_id = d.id AND c.active = 1)
                  + 1, 0)
            FROM decks d WHERE d.id IN ({", ".join("?" for _ in deck_ids)})""",
        list(deck_ids),
    )
    return {deck_id: drafts for deck_id, drafts in rows if drafts > 0}


def with_drafts(db: Database, rows: Sequence[DeckCount]) -> list[DeckCount]:
    """`rows` with their `drafts` filled in (`draft_counts`)."""
    drafts = draft_counts(db, [r.deck_id for r in rows])
    return [replace(r, drafts=drafts[r.deck_id]) if r.deck_id in drafts else r for r in rows]


def all_tags(db: Database, deck_ids: list[str] | None = None) -> list[tuple[str, int]]:
    """Every tag of active cards with its card count, most used first."""
    counts: dict[str, int] = {}
    sql = "SELECT tags FROM cards WHERE active = 1 AND ord <= 1"
    params: list[object] = []
    if deck_ids is not None:
        sql += f" AND deck_id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else " AND 0"
        params.extend(deck_ids)
    for (tags,) in db.conn.execute(sql, params):
        for t in tags.split():
            counts[t] = counts.get(t, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
