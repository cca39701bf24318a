"""A learner's review history as figures: activity per study day, true retention by
window, calibration, study time, and the per-deck and per-tag breakdowns.

History covers every card in the scope, active or not: a review stays in the record
after its card leaves its file (`Scope.sql(include_inactive=True)`). The grouped rows
come from `quizapp.store.queries.reports_reviews`; the folding into figures is here.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from quizapp.clock import ms_to_dt, study_day
from quizapp.reports.days import DayGrid
from quizapp.reports.figures import (
    CALIBRATION_BINS,
    MATURE_MS,
    RETENTION_WINDOWS,
    CalibrationBin,
    CardCounts,
    DayActivity,
    GroupMetrics,
    Ratio,
    RetentionWindow,
)
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import reports_reviews as q
from quizapp.store.queries.reports_cards import ComboKey
from quizapp.store.scope import Scope


@dataclass(frozen=True, slots=True)
class ReviewFigures:
    activity: tuple[DayActivity, ...]
    retention: tuple[RetentionWindow, ...]
    calibration: tuple[CalibrationBin, ...]
    ms: int  # study time over the period


def review_figures(
    db: Database,
    learner: Learner,
    scope: Scope,
    since_ms: int | None,
    now_ms: int,
    tz: tzinfo | None,
    index: str | None = None,
    grid: DayGrid | None = None,
) -> ReviewFigures:
    """Activity, true retention and calibration from ONE grouped pass over the log.

    Rows are grouped by (study day, calibration bin, young/mature class), encoded as
    one integer key — a few dozen groups per study day — and folded into days, windows
    and bins here.
    """
    now = ms_to_dt(now_ms) or datetime.min
    n_bins = CALIBRATION_BINS
    first = q.first_review_at(db, learner.id)
    rows: list[q.GroupRow] = []
    labels: list[str] = []
    if first is not None and first <= now_ms:
        grid = grid or DayGrid(now, learner.rollover_hour, tz)
        day, labels = grid.day_sql("r.reviewed_at", first, now_ms)
        rows = q.review_groups(
            db, learner.id, scope, day, since_ms, now_ms, index, n_bins=n_bins, mature_ms=MATURE_MS
        )
    days: dict[int, list[int]] = {}
    bins = [[0, 0.0, 0] for _ in range(n_bins)]
    for key, n, ms, passed, rsum in rows:
        acc = days.get(key >> 6)
        if acc is None:
            acc = days[key >> 6] = [0, 0, 0, 0, 0, 0]  # n, ms, young p/t, mature p/t
        acc[0] += n
        acc[1] += ms or 0
        cls = key & 3
        if cls:
            k = 2 * cls
            acc[k] += passed or 0
            acc[k + 1] += n
        b = ((key >> 2) & 15) - 1
        if b >= 0:
            acc_bin = bins[b]
            acc_bin[0] += n
            acc_bin[1] += rsum or 0.0
            acc_bin[2] += passed or 0
    activity = tuple(
        DayActivity(labels[d], v[0], v[1] / 60_000, Ratio(v[2], v[3]), Ratio(v[4], v[5]))
        for d, v in sorted(days.items())
    )
    today = date.fromisoformat(study_day(now, learner.rollover_hour, tz)).toordinal()
    windows = []
    for n_days in RETENTION_WINDOWS:
        young = mature = Ratio()
        for a in activity:
            if date.fromisoformat(a.day).toordinal() > today - n_days:
                young = young + a.young
                mature = mature + a.mature
        windows.append(RetentionWindow(n_days, young + mature, young, mature))
    calibration = tuple(
        CalibrationBin(i / n_bins, (i + 1) / n_bins, int(v[0]), float(v[1]), int(v[2]))
        for i, v in enumerate(bins)
    )
    return ReviewFigures(activity, tuple(windows), calibration, sum(v[1] for v in days.values()))


def totals_and_windows(
    db: Database,
    learner: Learner,
    scope: Scope,
    grid: DayGrid,
    first: int,
    since_ms: int | None,
    now_ms: int,
    index: str,
) -> tuple[int, int, list[RetentionWindow]]:
    """Reviews, study time (ms) and true retention over the last 7, 30 and 365 study
    days (today included), young and mature: ONE streamed pass, no grouping — each
    window's passes and totals are filtered counts."""
    starts, _ = grid.cover(first, now_ms)
    today = bisect.bisect_right(starts, now_ms) - 1  # the day holding `now`
    # each window's first day; it holds the whole log if <= 0
    window_starts = [
        starts[i] if i > 0 else None for i in (today - n + 1 for n in RETENTION_WINDOWS)
    ]
    row = q.totals_and_windows(
        db, learner.id, scope, window_starts, since_ms, now_ms, index, mature_ms=MATURE_MS
    )
    windows = []
    for k, n_days in enumerate(RETENTION_WINDOWS):
        yp, yt, mp, mt = row[2 + 4 * k : 6 + 4 * k]
        young, mature = Ratio(yp, yt), Ratio(mp, mt)
        windows.append(RetentionWindow(n_days, young + mature, young, mature))
    return row[0], row[1], windows


def combo_reviews(
    db: Database,
    learner: Learner,
    scope: Scope,
    since_ms: int | None,
    now_ms: int,
    index: str | None = None,
) -> dict[ComboKey, tuple[str, int, int, int, int]]:
    """(deck id, tags) -> (deck title, reviews, duration ms, passed, total true-retention
    reviews): reviews summed per card, then the cards per deck and tag set, in SQL."""
    rows = q.combo_reviews(db, learner.id, scope, since_ms, now_ms, index)
    return {
        (r[0], r[1]): (r[2], int(r[3]), int(r[4] or 0), int(r[5] or 0), int(r[6] or 0))
        for r in rows
    }


def breakdowns(
    counts: dict[ComboKey, tuple[str, list[int]]],
    reviews: dict[ComboKey, tuple[str, int, int, int, int]],
) -> tuple[tuple[GroupMetrics, ...], tuple[GroupMetrics, ...]]:
    """Per-deck and per-tag figures: each (deck, tag set) combination — active cards
    counted, reviews of any card in scope — is added to its deck and to each of its
    tags. Everything is summed as integers (study time in milliseconds, divided once),
    so no figure depends on the order of the combinations."""
    # group key -> (title, [CardCounts fields (8), reviews, ms, passed, total])
    decks: dict[str, tuple[str, list[int]]] = {}
    tags: dict[str, tuple[str, list[int]]] = {}

    def add(deck_id: str, title: str, card_tags: str, values: Sequence[int], at: int) -> None:
        targets = [(decks, deck_id, title), *((tags, t, t) for t in card_tags.split())]
        for group, key, name in targets:
            entry = group.get(key)
            if entry is None:
                entry = group[key] = (name, [0] * 12)
            acc = entry[1]
            for i, v in enumerate(values, start=at):
                acc[i] += v

    for (deck_id, card_tags), (title, acc) in counts.items():
        add(deck_id, title, card_tags, acc, 0)
    for (deck_id, card_tags), (title, *stats) in reviews.items():
        add(deck_id, title, card_tags, stats, 8)

    def group_metrics(key: str, title: str, v: list[int]) -> GroupMetrics:
        return GroupMetrics(
            key=key,
            title=title,
            counts=CardCounts(*v[:8]),
            retention=Ratio(v[10], v[11]),
            reviews=v[8],
            minutes=v[9] / 60_000,
        )

    return (
        tuple(group_metrics(k, *decks[k]) for k in sorted(decks)),
        tuple(group_metrics(k, *tags[k]) for k in sorted(tags)),
    )
