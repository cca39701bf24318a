"""Study days: which local day a review belongs to, the days a learner studied, streaks.

A study day is the learner's local day, rolling over at `learner.rollover_hour`
(`quizapp.clock`); the store keeps UTC epoch milliseconds. `DayGrid` maps instants to
study days exactly (DST included) with an expression SQLite evaluates itself, so
reviews are grouped by day without one row per review leaving the database.

The streak a learner sees is `streak_from_days(...)` over their study days (reports),
or `current_streak(db, learner, now)` — one index probe per day walked back — when only
today's running streak is wanted (the TUI's home screen).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo

from quizapp.clock import day_start, dt_to_ms, ms_to_dt, next_day_start, study_day, utc
from quizapp.reports.figures import DAY_MS, Streak
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import reports_reviews as q
from quizapp.store.scope import Scope

#: How far back `current_streak` walks at most (a century of study days).
STREAK_LIMIT = 36_600


class DayGrid:
    """Maps epoch-ms instants to the learner's local study days, fast and exactly.

    The grid holds the start of every study day over a range (DST-safe, from
    `quizapp.clock`). Day starts are 24 hours apart except on the days a zone changes
    its offset, so within each run of 24-hour days the day is plain arithmetic on the
    instant, and a nested CASE picks the run: SQL groups reviews by study day itself,
    and one row per day (and group) leaves SQLite. Under UTC, or any zone without
    DST in the range, the expression is a single division.
    """

    def __init__(self, now: datetime, rollover_hour: int, tz: tzinfo | None) -> None:
        self.hour = rollover_hour
        self.tz = tz
        self._starts: list[int] = []
        self._labels: list[str] = []

    def cover(self, lo: int, hi: int) -> tuple[list[int], list[str]]:
        """(day starts, labels) covering every instant in [lo, hi]: day `i` is
        [starts[i], starts[i + 1]) and is called labels[i] (ISO date)."""
        if self._starts and self._starts[0] <= lo and self._starts[-1] > hi:
            return self._starts, self._labels
        # the grid covers [starts[0], starts[-1]); grow it to cover [lo, hi] too
        first = min(lo, self._starts[0]) if self._starts else lo
        last = max(hi, self._starts[-1] - 1) if self._starts else hi
        start = day_start(ms_to_dt(first) or datetime.min, self.hour, self.tz)
        starts, labels = [], []
        while True:
            ms = dt_to_ms(start) or 0
            starts.append(ms)
            if ms > last:
                break
            labels.append(study_day(start + timedelta(minutes=30), self.hour, self.tz))
            start = next_day_start(start + timedelta(minutes=30), self.hour, self.tz)
        self._starts, self._labels = starts, labels
        return starts, labels

    def day_sql(self, column: str, lo: int, hi: int) -> tuple[str, list[str]]:
        """SQL for the study day of `column` (an index into the returned labels), exact
        for every instant in [lo, hi]."""
        starts, labels = self.cover(lo, hi)
        n = len(starts) - 1  # days covered
        runs: list[tuple[int, int, bool]] = []  # (start ms, first day, 24-hour days)
        i = 0
        while i < n:
            if starts[i + 1] - starts[i] != DAY_MS:  # a DST day: a run of its own
                runs.append((starts[i], i, False))
                i += 1
                continue
            j = i
            while j < n and starts[j + 1] - starts[j] == DAY_MS:
                j += 1
            runs.append((starts[i], i, True))
            i = j
        return q.day_expression(column, runs, DAY_MS), labels


def study_days(
    db: Database,
    learner: Learner,
    *,
    now: datetime,
    tz: tzinfo | None = None,
    deck_ids: Sequence[str] | None = None,
    tags: tuple[str, ...] = (),
) -> list[str]:
    """Every study day (ISO date) with at least one review up to `now`, all time, of the
    cards in the deck and tag filter (inactive cards included: history)."""
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    now_ms = dt_to_ms(utc(now)) or 0
    first = q.first_review_at(db, learner.id)
    if first is None or first > now_ms:
        return []
    day, labels = DayGrid(utc(now), learner.rollover_hour, tz).day_sql(
        "r.reviewed_at", first, now_ms
    )
    return sorted({labels[d] for d in q.distinct_days(db, learner.id, scope, day, now_ms)})


def probe_study_days(
    db: Database, learner: Learner, grid: DayGrid, first: int, now_ms: int
) -> list[str]:
    """The study days with a review (any card) up to `now`, from the first review on:
    one probe of the (learner, time) index per day — no pass over the log."""
    starts, labels = grid.cover(first, now_ms)
    lo = max(bisect.bisect_right(starts, first) - 1, 0)
    days = range(lo, len(labels))
    found = q.probe_days(
        db, learner.id, [(starts[i], min(starts[i + 1], now_ms + 1)) for i in days]
    )
    return [labels[i] for i, hit in zip(days, found, strict=True) if hit]


def streak_from_days(days: Iterable[str], today: str) -> Streak:
    """Current and longest run of consecutive study days.

    The current streak is still alive when today has no review yet but yesterday had.
    """
    ordinals = sorted({date.fromisoformat(d).toordinal() for d in days})
    if not ordinals:
        return Streak()
    longest = run = 1
    for a, b in itertools.pairwise(ordinals):
        run = run + 1 if b == a + 1 else 1
        longest = max(longest, run)
    t = date.fromisoformat(today).toordinal()
    present = set(ordinals)
    start = t if t in present else t - 1
    current = 0
    while start - current in present:
        current += 1
    return Streak(
        current=current,
        longest=longest,
        study_days=len(ordinals),
        last_day=date.fromordinal(ordinals[-1]).isoformat(),
    )


def current_streak(db: Database, learner: Learner, now: datetime, tz: tzinfo | None = None) -> int:
    """Consecutive study days with a review (any card) up to `now`, ending today — or
    yesterday, when today has none yet: `streak_from_days(...).current` without reading
    every study day.

    One indexed probe per day walked back, stopping at the first day without reviews,
    so a long history costs nothing. Days are exact study days (a DST day is 23 or 25
    hours long), as in reports.
    """
    hour = learner.rollover_hour
    now = utc(now)
    start, end = day_start(now, hour, tz), now + timedelta(milliseconds=1)  # reviews up to now

    def studied(lo: datetime, hi: datetime) -> bool:
        return q.studied_between(db, learner.id, dt_to_ms(lo) or 0, dt_to_ms(hi) or 0)

    if not studied(start, end):  # today may still come: count from yesterday
        start, end = day_start(start - timedelta(minutes=30), hour, tz), start
    count = 0
    while count < STREAK_LIMIT and studied(start, end):
        count += 1
        start, end = day_start(start - timedelta(minutes=30), hour, tz), start
    return count
