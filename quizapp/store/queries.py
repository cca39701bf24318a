"""Read-only queries the home screen, `decks list` and reports share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlite_utils import Database

from quizapp.clock import next_day_start, system_clock
from quizapp.scheduling import dt_to_ms
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
    Instead: active items per deck (a count on the cards index), the learner's state rows
    per deck (schema 0005 keeps the deck on them; index counts and small index ranges),
    minus the state rows of cards that left their deck file (few). New = active items -
    started ones (state rows that are not new-and-available).
    """
    now = now or system_clock()
    day_end = dt_to_ms(next_day_start(now, learner.rollover_hour, tz)) or 0
    now_ms = dt_to_ms(now) or 0
    if deck_ids is None:
        where, args = "active = 1", []
    else:
        where = f"id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else "0"
        args = list(deck_ids)
    conn = db.conn
    decks = conn.execute(
        f"SELECT id, title, tags FROM decks WHERE {where} ORDER BY title, id", args
    ).fetchall()
    if not decks:
        return []
    in_decks = f"IN (SELECT id FROM decks WHERE {where})"
    totals = dict(
        conn.execute(
            f"""SELECT deck_id, count(*) FROM cards WHERE deck_id {in_decks} AND active = 1
                GROUP BY deck_id""",
            args,
        ).fetchall()
    )
    # The learner's state rows by deck, from the covering index card_state_deck: a bare
    # count per deck, then the few rows each figure needs by index range.
    by_deck = f"WHERE learner_id = ? AND deck_id {in_decks}"
    figures: list[dict[str, int]] = [
        dict(conn.execute(sql, params).fetchall())
        for sql, params in (
            (  # reviews due today
                f"""SELECT deck_id, count(*) FROM card_state {by_deck} AND state = 2
                    AND due < ? AND suspended = 0 AND buried_until <= ? GROUP BY deck_id""",
                [learner.id, *args, day_end, now_ms],
            ),
            (  # learning due today
                f"""SELECT deck_id, count(*) FROM card_state {by_deck} AND state IN (1, 3)
                    AND due < ? AND suspended = 0 AND buried_until <= ? GROUP BY deck_id""",
                [learner.id, *args, day_end, now_ms],
            ),
            (  # every state row
                f"SELECT deck_id, count(*) FROM card_state {by_deck} GROUP BY deck_id",
                [learner.id, *args],
            ),
            (  # rows that are still new and available (buried or unsuspended new items)
                f"""SELECT deck_id, count(*) FROM card_state {by_deck} AND state IS NULL
                    AND suspended = 0 AND buried_until <= ? GROUP BY deck_id""",
                [learner.id, *args, now_ms],
            ),
            (  # suspended (partial index card_state_suspended)
                f"""SELECT deck_id, sum(suspended) FROM card_state {by_deck}
                    AND suspended != 0 GROUP BY deck_id""",
                [learner.id, *args],
            ),
        )
    ]
    due, learning, rows, still_new, suspended = figures
    per_deck = {
        d: (
            due.get(d, 0),
            learning.get(d, 0),
            rows.get(d, 0) - still_new.get(d, 0),
            suspended.get(d, 0),
        )
        for d in rows
    }
    # Minus the state rows of cards that left their deck file (cards first: few rows).
    inactive = {
        r[0]: r[1:]
        for r in conn.execute(
            f"""SELECT c.deck_id, {_STATE_SUMS} FROM cards c
                CROSS JOIN card_state s ON s.learner_id = ? AND s.card_pk = c.id
                WHERE c.deck_id {in_decks} AND c.active = 0 GROUP BY c.deck_id""",
            [day_end, now_ms, day_end, now_ms, now_ms, learner.id, *args],
        )
    }
    zero = (0, 0, 0, 0)
    out = []
    for deck_id, title, tags in decks:
        total = int(totals.get(deck_id, 0))
        due, learning, started, suspended = (
            int(a or 0) - int(b or 0)
            for a, b in zip(per_deck.get(deck_id, zero), inactive.get(deck_id, zero), strict=True)
        )
        out.append(
            DeckCount(
                deck_id,
                title,
                tuple(json.loads(tags or "[]")),
                due,
                learning,
                total - started,
                total,
                suspended,
            )
        )
    return out


# The same four figures as sums over card_state rows `s`: reviews due today, learning
# due today, started (not new-and-available), suspended. Arguments: day_end, now,
# day_end, now, now.
_STATE_SUMS = """
    sum(s.state = 2 AND s.due < ? AND s.suspended = 0 AND s.buried_until <= ?),
    sum(s.state IN (1, 3) AND s.due < ? AND s.suspended = 0 AND s.buried_until <= ?),
    sum(NOT (s.state IS NULL AND s.suspended = 0 AND s.buried_until <= ?)),
    sum(s.suspended)"""


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
