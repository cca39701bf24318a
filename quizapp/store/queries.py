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
    """Due / learning / new counts per deck in one grouped query."""
    now = now or system_clock()
    day_end = dt_to_ms(next_day_start(now, learner.rollover_hour, tz)) or 0
    now_ms = dt_to_ms(now) or 0
    where = "d.active = 1"
    params: list[object] = [learner.id, day_end, now_ms, day_end, now_ms, now_ms]
    if deck_ids is not None:
        where = f"d.id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else "0"
        params.extend(deck_ids)
    rows = db.conn.execute(
        f"""
        SELECT d.id, d.title, d.tags,
          coalesce(sum(s.state = 2 AND s.due < ? AND s.suspended = 0
                       AND s.buried_until <= ?), 0),
          coalesce(sum(s.state IN (1, 3) AND s.due < ? AND s.suspended = 0
                       AND s.buried_until <= ?), 0),
          coalesce(sum(s.state IS NULL AND coalesce(s.suspended, 0) = 0
                       AND coalesce(s.buried_until, 0) <= ? AND c.id IS NOT NULL), 0),
          count(c.id),
          coalesce(sum(s.suspended), 0)
        FROM decks d
        LEFT JOIN cards c ON c.deck_id = d.id AND c.active = 1
        LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?1
        WHERE {where}
        GROUP BY d.id ORDER BY d.title
        """.replace("?1", "?"),
        _reorder(params),
    ).fetchall()
    return [
        DeckCount(
            r[0],
            r[1],
            tuple(json.loads(r[2] or "[]")),
            int(r[3]),
            int(r[4]),
            int(r[5]),
            int(r[6]),
            int(r[7]),
        )
        for r in rows
    ]


def _reorder(params: list[object]) -> list[object]:
    # SELECT placeholders come first (day_end, now, day_end, now, now), then the join's learner.
    learner_id, *rest = params
    select, filters = rest[:5], rest[5:]
    return [*select, learner_id, *filters]


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
