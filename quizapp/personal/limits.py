"""New-card limits: each deck's, the learner's total, an exam plan's pace, extra today.

* **Per deck.** Every deck has a new-cards-per-day limit: the learner's own for that deck
  (settings JSON ``deck_limits: {deck_id: {"new": N}}``, see
  :func:`quizapp.store.learners.set_deck_new_limit`), else the learner's ``new_per_day``.
  It counts the deck's new cards introduced today, in any session.
* **Total.** A session over several decks also stops at the learner's ``new_per_day``
  counted over those decks (Anki's limit of the parent deck one studies). A session over
  one deck has only that deck's limit (Anki's: the limits of the deck one clicks), so a
  deck of one's own still gets its new cards after a day of another deck's.
* **Exam pace.** An active plan overlapping a deck (or the session) raises its limit to
  the plan's pace (:meth:`quizapp.personal.exam.ExamCaps.pace`), never lowers it.
* **Extra today** ("study more"): ``settings["extra_new"] = {"day": "YYYY-MM-DD", "n": N}``
  raises today's limits by N — each deck's by N and a several-deck session's total to
  ``min(total, sum of its decks' limits) + N`` — so N more new cards come, wherever the
  limit was reached. It lapses at the next study day.

:func:`new_limits` gives a session's :class:`NewLimits`; :meth:`NewLimits.left` what is
left of them given the day's first answers per deck; :func:`limited_counts` applies them
to the deck rows home and ``decks list`` show, so a row's New is what a session of that
deck gives today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from quizapp.clock import day_start, dt_to_ms, study_day
from quizapp.personal.exam import ExamCaps
from quizapp.store.db import Database, StoreError
from quizapp.store.learners import (
    SETTING_LIMITS,
    Learner,
    deck_new_limits,
    update_settings,
)
from quizapp.store.queries.decks import DeckCount
from quizapp.store.queries.study import new_done_by_deck
from quizapp.store.scope import Scope

EXTRA_KEY = "extra_new"


@dataclass(frozen=True, slots=True)
class NewLimits:
    """Today's new-card limits of a session (exam pace and extra cards included)."""

    decks: dict[str, int]  # each deck of the session → its limit today
    total: int | None  # the session's total over its decks (several decks), else None
    extra: int = 0  # extra new cards granted today (already in the figures above)

    def left(self, done: Mapping[str, int]) -> tuple[int, dict[str, int]]:
        """(new cards the session may still introduce today, what each deck may), given
        ``done``: the new cards introduced today per deck."""
        per = {d: max(0, lim - done.get(d, 0)) for d, lim in self.decks.items()}
        cap = sum(per.values())
        if self.total is not None:
            used = sum(done.get(d, 0) for d in self.decks)
            cap = min(cap, max(0, self.total - used))
        return cap, per

    def biting(self, done: Mapping[str, int], waiting: Mapping[str, int]) -> tuple[int, str | None]:
        """(the limit that is used up, its deck when a session over several decks
        stopped at one deck's own limit — else None), given the new cards ``waiting`` per deck."""
        _, per = self.left(done)
        if self.total is not None:
            used = sum(done.get(d, 0) for d in self.decks)
            if used >= self.total:
                return self.total, None
        if len(self.decks) == 1:  # a one-deck session: its deck's limit is the session's
            return next(iter(self.decks.values())), None
        full = [d for d in self.decks if per[d] == 0 and waiting.get(d, 0) > 0]
        if len(full) == 1:
            return self.decks[full[0]], full[0]
        return sum(self.decks[d] for d in full), None


@dataclass(frozen=True, slots=True)
class LimitNote:
    """New cards wait in the scope but today's limit is used up."""

    limit: int
    deck: str | None  # the deck whose own limit it is (None: the session's)
    waiting: int  # new cards waiting in the scope
    extra: int = 0  # extra new cards already granted today

    def text(self) -> str:
        """``new-card limit reached: 20 today (4 new waiting)``."""
        which = f"new-card limit of {self.deck}" if self.deck else "new-card limit"
        extra = f", {self.extra} extra included" if self.extra else ""
        return f"{which} reached: {self.limit} today{extra} ({self.waiting} new waiting)"


def extra_new_today(learner: Learner, today: str) -> int:
    """Extra new cards granted for the study day ``today`` (ISO date)."""
    raw = learner.settings.get(EXTRA_KEY)
    if isinstance(raw, dict) and raw.get("day") == today:
        n = raw.get("n")
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            return n
    return 0


def grant_extra_new(
    db: Database, learner: Learner, n: int, now: datetime, tz: tzinfo | None = None
) -> Learner:
    """Raise today's new-card limits by ``n`` more (added to what was granted today)."""
    hi = int(SETTING_LIMITS["new_per_day"][1])
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= hi:
        raise StoreError(f"extra new cards must be a whole number from 1 to {hi} (got {n})")
    today = study_day(now, learner.rollover_hour, tz)
    total = min(hi, extra_new_today(learner, today) + n)
    return update_settings(db, learner.id, **{EXTRA_KEY: {"day": today, "n": total}})


def new_limits(
    db: Database,
    learner: Learner,
    scope: Scope,
    deck_ids: Sequence[str],
    caps: ExamCaps,
    now: datetime,
    tz: tzinfo | None = None,
) -> NewLimits:
    """Today's new-card limits of a session over ``deck_ids`` (the decks of ``scope``)."""
    own = deck_new_limits(learner)
    extra = extra_new_today(learner, study_day(now, learner.rollover_hour, tz))
    base: dict[str, int] = {}
    for d in deck_ids:
        n = own.get(d, learner.new_per_day)
        if caps.plans:
            n = max(n, caps.pace(db, Scope((d,), scope.tags), now))
        base[d] = n
    total: int | None = None
    if len(base) > 1:
        t = (
            max(learner.new_per_day, caps.pace(db, scope, now))
            if caps.plans
            else (learner.new_per_day)
        )
        total = min(t, sum(base.values())) + extra
    return NewLimits({d: n + extra for d, n in base.items()}, total, extra)


def new_done_today(
    db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None
) -> dict[str, int]:
    """deck id → new cards introduced this study day."""
    start = dt_to_ms(day_start(now, learner.rollover_hour, tz)) or 0
    return new_done_by_deck(db, learner.id, start)


def limited_counts(
    db: Database,
    learner: Learner,
    rows: Sequence[DeckCount],
    now: datetime,
    tz: tzinfo | None = None,
) -> list[DeckCount]:
    """The deck rows with New as a session of that deck gives it today (limits applied);
    ``new_all`` keeps the new cards waiting regardless of the limit."""
    if not rows:
        return []
    caps = ExamCaps.load(db, learner, tz)
    done = new_done_today(db, learner, now, tz)
    out = []
    for r in rows:
        limits = new_limits(db, learner, Scope((r.deck_id,)), [r.deck_id], caps, now, tz)
        left, _ = limits.left(done)
        out.append(replace(r, new=min(r.new, left), new_all=r.new))
    return out
