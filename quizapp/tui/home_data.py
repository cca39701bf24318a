"""What the home screen's worker reads in one go (on a thread, with its own connection).

The deck list itself (`store.queries.home.deck_list`) is one small query the home
screen runs on the UI thread, so the decks are on screen at once; the counts, today's
totals, the streak and the backlog (`load_home`), then the tags (`load_tags`, a pass
over every card: ~0.2 s at 50,000 cards, so kept until the decks change) cost more on a
large collection and arrive later. The SQL is in `quizapp.store.queries`; this module
only gathers the figures for the worker. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries.decks import DeckCount, all_tags, deck_counts, with_drafts
from quizapp.store.queries.home import decks_with_tag, today_counts


@dataclass(frozen=True, slots=True)
class Today:
    reviews: int  # answers given this study day
    new: int  # of which first answers of new items
    streak: int  # consecutive study days with an answer, ending today or yesterday


@dataclass(frozen=True, slots=True)
class HomeData:
    rows: list[DeckCount]  # the decks shown (tag filter applied), with their counts
    deck_ids: tuple[str, ...]  # every deck counted (before the tag filter): whose tags
    today: Today
    backlog: tuple[int, int] | None  # (days, reviews/day) when the reviews need 2+ days


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
    # Loaded here, by the worker, not with the home screen (~30 ms of its start).
    from quizapp.personal.backlog import backlog
    from quizapp.personal.limits import limited_counts
    from quizapp.reports.days import current_streak
    from quizapp.store.scope import Scope

    counted = with_drafts(
        db,
        limited_counts(db, learner, deck_counts(db, learner, deck_ids, now=now, tz=tz), now, tz),
    )
    rows = counted
    if tag:
        tagged = decks_with_tag(db, tag)
        rows = [r for r in counted if r.deck_id in tagged]
    today = Today(*today_counts(db, learner, now, tz), current_streak(db, learner, now, tz))
    b = backlog(db, learner, Scope(tuple(deck_ids) if deck_ids is not None else None), now, tz)
    days = None if b.days is None or b.days < 2 else (b.days, b.per_day)
    return HomeData(rows, tuple(r.deck_id for r in counted), today, days)


def load_tags(db: Database, deck_ids: tuple[str, ...]) -> list[tuple[str, int]]:
    """Every tag of these decks' cards with its card count (the tag filter's choices)."""
    return all_tags(db, list(deck_ids))
