"""A learner's progress as numbers: the one computation every report and the stats screen
use.

`compute(db, learner, now=...)` returns a `LearnerMetrics` (`quizapp.reports.figures`);
`summarize(...)` is its summary mode: the one-row figures of a `LearnerSummary` (the CSV
summary), equal to `compute`'s, from one streamed pass over the log instead of grouped
ones. Both resolve the request the same way (`_Request`) and share the present-tense
figures (forecast) and the streak. Every figure is aggregated in SQL
(`quizapp.store.queries.reports_*`); only per-day, per-group and per-card-state rows
reach Python. A `ReportCache` shared by the learners of one report reads what they have
in common once.

Definitions (all times UTC in the store; days are the learner's local study days,
which roll over at `learner.rollover_hour`):

* card counts are over active cards of active decks: new (never answered), learning
  (learning or relearning), young (review, interval < 21 days), mature (review,
  interval ≥ 21 days) and suspended are disjoint and sum to `total`; leeches overlap;
  `seen` is every card that has been answered at least once.
* true retention is the pass rate (rating > 1) of reviews of cards that were in review
  state before the answer; young and mature apart by the interval the card had then
  (`due - last_review` of the state before). A window of N days is the last N study
  days, today included.
* study time is the sum of review durations: minutes = total milliseconds / 60,000.
* `since` restricts every review-based figure (activity, study time, retention,
  calibration, per-group review numbers); counts, forecast, recall and the streak
  describe the present and ignore it.
* the scope is `quizapp.store.scope.Scope`, the study session's: review-based figures
  cover every card in it, active or not (history); counts, forecast, recall and the
  hardest cards its active cards of active decks (see `quizapp.store.scope`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, tzinfo

from quizapp.clock import dt_to_ms, study_day, utc
from quizapp.reports import cards as C
from quizapp.reports import reviews as R
from quizapp.reports.cache import ReportCache
from quizapp.reports.days import probe_study_days, streak_from_days, study_days
from quizapp.reports.figures import (
    RETENTION_WINDOWS,
    Filters,
    ForecastDay,
    LearnerMetrics,
    LearnerSummary,
    Ratio,
    RetentionWindow,
    TagAccuracy,
)
from quizapp.reports.labels import iso_utc
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import reports_cards as qc
from quizapp.store.queries import reports_reviews as qr
from quizapp.store.scope import Scope


@dataclass(frozen=True, slots=True)
class _Request:
    """One learner's report in one database, resolved once for both modes."""

    db: Database
    learner: Learner
    scope: Scope
    since: datetime | None
    since_ms: int | None
    now: datetime
    now_ms: int
    tz: tzinfo | None
    today: str  # the learner's current study day
    source: str
    shared: ReportCache
    recall_fn: Callable[[float, int], float]

    @classmethod
    def make(
        cls,
        db: Database,
        learner: Learner,
        deck_ids: Sequence[str] | None,
        tags: Iterable[str],
        since: datetime | None,
        now: datetime,
        tz: tzinfo | None,
        source: str,
        shared: ReportCache | None,
    ) -> _Request:
        now = utc(now)
        return cls(
            db=db,
            learner=learner,
            scope=Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags)),
            since=since,
            since_ms=dt_to_ms(utc(since)) if since is not None else None,
            now=now,
            now_ms=dt_to_ms(now) or 0,
            tz=tz,
            today=study_day(now, learner.rollover_hour, tz),
            source=source,
            shared=shared if shared is not None else ReportCache(),
            recall_fn=C.recall_function(FsrsScheduler.for_learner(learner)),
        )

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if self.source else ()

    def study_days(self) -> list[str]:
        """Every study day in scope up to now, whatever `since` says (for the streak)."""
        scope = self.scope
        return study_days(
            self.db,
            self.learner,
            now=self.now,
            tz=self.tz,
            deck_ids=scope.deck_ids,
            tags=scope.tags,
        )

    def forecast(self) -> tuple[ForecastDay, ...]:
        return C.forecast(
            self.db,
            self.learner,
            self.scope,
            self.now,
            self.tz,
            self.shared.inactive_cards(self.db),
        )


def compute(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Iterable[str] = (),
    since: datetime | None = None,
    now: datetime,
    tz: tzinfo | None = None,
    source: str = "",
    shared: ReportCache | None = None,
) -> LearnerMetrics:
    """Every metric of `learner` in `db` at `now` (see the module docstring).

    `shared` carries what every learner of one database has in common (cards per deck
    and tag set, inactive cards); a report over many learners passes one `ReportCache`
    to every call so those are read once. With a cache made with `twins=True`, the
    day-grouped pass over the log runs on a second connection meanwhile."""
    r = _Request.make(db, learner, deck_ids, tags, since, now, tz, source, shared)
    shared, scope = r.shared, r.scope
    index = qr.review_index(db, learner.id)
    grid = shared.day_grid(r.now, learner.rollover_hour, tz)
    twin = shared.twin(db)
    pending: Future[R.ReviewFigures] | None = None
    if twin is not None:  # the day-grouped pass on a second connection, meanwhile
        pending = shared.pool().submit(
            R.review_figures, twin, learner, scope, r.since_ms, r.now_ms, tz, index, grid
        )
    try:
        cards = C.learner_cards(
            db, learner, scope, shared.deck_cards(db, scope), r.recall_fn, r.now_ms
        )
        decks, tag_groups = R.breakdowns(
            cards.combos, R.combo_reviews(db, learner, scope, r.since_ms, r.now_ms, index)
        )
    except BaseException:
        if pending is not None:
            pending.exception()  # let the other pass finish before the error goes up
        raise
    if pending is not None:
        figures = pending.result()
    else:
        figures = R.review_figures(db, learner, scope, r.since_ms, r.now_ms, tz, index, grid)
    activity = figures.activity
    days_all = [a.day for a in activity] if since is None else r.study_days()
    return LearnerMetrics(
        learner=learner.name,
        now=iso_utc(r.now),
        today=r.today,
        rollover_hour=learner.rollover_hour,
        desired_retention=learner.desired_retention,
        filters=Filters(scope.deck_ids, scope.tags, iso_utc(since) if since is not None else None),
        sources=r.sources,
        counts=cards.counts,
        retention=figures.retention,
        reviews=sum(a.reviews for a in activity),
        minutes=figures.ms / 60_000,
        activity=activity,
        streak=streak_from_days(days_all, r.today),
        forecast=r.forecast(),
        recall=cards.recall,
        calibration=figures.calibration,
        hardest=C.hardest(db, cards.hard, source),
        decks=decks,
        tags=tag_groups,
        quiz=quiz_accuracy_by_tag(
            db, learner, deck_ids=scope.deck_ids, tags=scope.tags, since=since
        ),
    )


def summarize(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Iterable[str] = (),
    since: datetime | None = None,
    now: datetime,
    tz: tzinfo | None = None,
    source: str = "",
    shared: ReportCache | None = None,
) -> LearnerSummary:
    """The figures of `LearnerSummary`, equal to those `compute` gives.

    One streamed pass over the learner's reviews gives the totals (reviews, study time)
    and true retention by window and class, with no grouping or sorting; the study days
    (streak) come from one index probe per day.
    """
    r = _Request.make(db, learner, deck_ids, tags, since, now, tz, source, shared)
    shared, scope = r.shared, r.scope
    counts, recall = C.card_summary(
        db,
        learner,
        scope,
        shared.active_card_count(db, scope),
        shared.inactive_cards(db),
        r.recall_fn,
        r.now_ms,
    )
    grid = shared.day_grid(r.now, learner.rollover_hour, tz)
    first = qr.first_review_at(db, learner.id)
    reviews, ms = 0, 0
    windows = [RetentionWindow(n) for n in RETENTION_WINDOWS]
    days: list[str] = []
    if first is not None and first <= r.now_ms:
        reviews, ms, windows = R.totals_and_windows(
            db, learner, scope, grid, first, r.since_ms, r.now_ms, qr.review_index(db, learner.id)
        )
        if scope.filtered:
            days = r.study_days()
        else:
            days = probe_study_days(db, learner, grid, first, r.now_ms)
    return LearnerSummary(
        learner=learner.name,
        now=iso_utc(r.now),
        today=r.today,
        sources=r.sources,
        counts=counts,
        retention=tuple(windows),
        reviews=int(reviews),
        minutes=int(ms) / 60_000,
        streak=streak_from_days(days, r.today),
        forecast=r.forecast(),
        recall=recall,
        study_days=tuple(days),
    )


def quiz_accuracy_by_tag(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: tuple[str, ...] = (),
    since: datetime | None = None,
) -> tuple[TagAccuracy, ...]:
    """HOOK for quiz mode: accuracy per tag from the `quiz_answers` table.

    Returns `()` while the table is missing. When it has at least `learner_id`,
    `card_pk` and `correct` columns (and optionally `answered_at`, epoch ms), the answers
    are grouped by the tags of their cards.
    """
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    rows = qc.quiz_answers_by_tags(db, learner.id, scope, since_ms)
    if rows is None:
        return ()
    totals: dict[str, Ratio] = {}
    for card_tags, passed, total in rows:
        for tag in card_tags.split():
            totals[tag] = totals.get(tag, Ratio()) + Ratio(int(passed or 0), int(total or 0))
    return tuple(TagAccuracy(t, totals[t]) for t in sorted(totals))


__all__ = [
    "LearnerMetrics",
    "LearnerSummary",
    "compute",
    "quiz_accuracy_by_tag",
    "summarize",
]
