"""What the home screen shows, read in one go (on a worker thread, with its own connection).

The deck list itself (`deck_list`) is one small query the home screen runs on the UI
thread, so the decks are on screen at once; the counts, today's totals, the streak and
the backlog (`load_home`), then the tags (`load_tags`, a pass over every card: ~0.2 s at
50,000 cards, so kept until the decks change) cost more on a large collection and arrive
later. No Textual here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlite_utils import Database

from quizapp.store.learners import Learner
from quizapp.store.queries.decks import DeckCount, all_tags, deck_counts
from quizapp.tui.queries import Today, decks_with_tag, today_totals


@dataclass(frozen=True, slots=True)
class DeckTitle:
    """A deck row before its counts are known."""

    deck_id: str
    title: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HomeData:
    rows: list[DeckCount]  # the decks shown (tag filter applied), with their counts
    deck_ids: tuple[str, ...]  # every deck counted (before the tag filter): whose tags
    today: Today
    backlog: tuple[int, int] | None  # (days, reviews/day) when the reviews need 2+ days


def deck_list(db: Database, deck_ids: list[str] | None) -> list[DeckTitle]:
    """The decks `deck_counts` would return, in its order, without counting anything."""
    where, params = "active = 1", []
    if deck_ids is not None:
        where = f"id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else "0"
        params = list(deck_ids)
    rows = db.conn.execute(
        f"SELECT id, title, tags FROM decks WHERE {where} ORDER BY title", params
    ).fetchall()
    return [DeckTitle(r[0], r[1], tuple(json.loads(r[2] or "[]"))) for r in rows]


def load_home(
    db: Database,
    learner: Learner,
    deck_ids: list[str] | None,
    tag: str | None,
    now: datetime,
    tz: tzinfo | None,
) -> HomeData:
    """The home screen's figures for `learner` at `now`: deck counts (only decks with
    `tag` when given), today's totals and streak, the backlog."""
    from quizapp.personal.backlog import backlog
    from quizapp.store.scope import Scope

    counted = deck_counts(db, learner, deck_ids, now=now, tz=tz)
    rows = counted
    if tag:
        tagged = decks_with_tag(db, tag)
        rows = [r for r in counted if r.deck_id in tagged]
    today = today_totals(db, learner, now, tz)
    b = backlog(db, learner, Scope(tuple(deck_ids) if deck_ids is not None else None), now, tz)
    days = None if b.days is None or b.days < 2 else (b.days, b.per_day)
    return HomeData(rows, tuple(r.deck_id for r in counted), today, days)


def load_tags(db: Database, deck_ids: tuple[str, ...]) -> list[tuple[str, int]]:
    """Every tag of these decks' cards with its card count (the tag filter's choices)."""
    return all_tags(db, list(deck_ids))
