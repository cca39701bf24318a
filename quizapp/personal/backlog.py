"""Backlog: overdue reviews in order of how likely they are to be forgotten.

After days away, the reviews due are served lowest predicted recall first, with FSRS-6's
forgetting curve evaluated in SQL::

    R = (1 + FACTOR * t / S) ^ DECAY,   DECAY = -w[20],   FACTOR = 0.9 ^ (1 / DECAY) - 1

``t`` is the time since the last review in days and ``S`` the stability. Ties (equal R)
go by due date. The daily review limit (the learner's reviews/day) keeps each day's load
sane, so a backlog takes :func:`backlog_days` days at most.

The curve's constants come from :mod:`quizapp.scheduling.memory`; the SQL that evaluates
it is the store's (:mod:`quizapp.store.queries.recall`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from quizapp.clock import dt_to_ms, next_day_start
from quizapp.scheduling.memory import decay_factor, parameters
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import backlog as queries

if TYPE_CHECKING:
    from quizapp.store.scope import Scope


@dataclass(frozen=True, slots=True)
class Backlog:
    due: int  # reviews due by the end of today (state review, not suspended)
    overdue: int  # … of which were due before today began
    per_day: int  # the learner's daily review limit
    days: int | None  # days to clear `due` at that limit; None if the limit is 0


def backlog(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Backlog:
    """Reviews waiting in ``scope`` and how many days the daily limit needs for them."""
    from quizapp.clock import day_start, system_clock
    from quizapp.store.scope import Scope

    now = now or system_clock()
    scope = scope or Scope()
    day_end = dt_to_ms(next_day_start(now, learner.rollover_hour, tz)) or 0
    today = dt_to_ms(day_start(now, learner.rollover_hour, tz)) or 0
    due, overdue = queries.due_reviews(db, learner.id, scope, today, day_end)
    per_day = learner.reviews_per_day
    days = math.ceil(due / per_day) if per_day > 0 else (0 if not due else None)
    return Backlog(due=due, overdue=overdue, per_day=per_day, days=days)


def backlog_days(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> int | None:
    """Days the reviews due now take at the learner's daily limit (ceil; 0 when none).

    ``None`` when reviews are waiting but the daily limit is 0. For the home screen:
    "backlog: N days" is worth showing when this is 2 or more.
    """
    return backlog(db, learner, scope, now, tz).days


def lowest_recall_first(
    db: Database, learner: Learner, scope: Scope | None, now: datetime, limit: int = 20
) -> list[tuple[int, float]]:
    """``(card_pk, retrievability)`` of the reviews due, in the order they are served."""
    from quizapp.store.scope import Scope

    now_ms = dt_to_ms(now) or 0
    curve = decay_factor(parameters(learner))
    return queries.lowest_recall(db, learner.id, scope or Scope(), now_ms, curve, limit)
