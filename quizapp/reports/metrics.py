"""A learner's progress as numbers: the one module every report and the stats screen use.

`compute(db, learner, now=...)` returns a `LearnerMetrics` — plain frozen dataclasses,
no I/O beyond reading the store, no Textual. Everything that can be summed across
databases is kept as numerators and denominators (`Ratio`, `Mean`), so cohort reports
can merge a learner found in several files exactly (see `quizapp.reports.cohort`).
`summarize(...)` returns the one-row figures of a `LearnerSummary` (the CSV summary),
equal to `compute`'s, from one streamed pass over the log instead of grouped ones.
Every figure is aggregated in SQL; only per-day, per-group and per-card-state rows
reach Python. A `ReportCache` shared by the learners of one report reads what they
have in common once.

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
"""

from __future__ import annotations

import bisect
import itertools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from sqlite_utils import Database

from quizapp.clock import day_start, dt_to_ms, ms_to_dt, next_day_start, study_day, utc
from quizapp.scheduling.scheduler import MATURE_DAYS, FsrsScheduler
from quizapp.store.learners import Learner

DAY_MS = 86_400_000
MATURE_MS = MATURE_DAYS * DAY_MS
RETENTION_WINDOWS = (7, 30, 365)
FORECAST_DAYS = 30
CALIBRATION_BINS = 10
HARDEST_LIMIT = 10

# --- value types --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ratio:
    """`passed` out of `total` (rate None when there is nothing to divide)."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.passed + other.passed, self.total + other.total)


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean kept as its sum and count, so it can be merged."""

    n: int = 0
    total: float = 0.0

    @property
    def value(self) -> float | None:
        return self.total / self.n if self.n else None

    def __add__(self, other: Mean) -> Mean:
        return Mean(self.n + other.n, self.total + other.total)


@dataclass(frozen=True, slots=True)
class CardCounts:
    new: int = 0
    learning: int = 0  # learning + relearning
    young: int = 0
    mature: int = 0
    suspended: int = 0
    leeches: int = 0  # overlaps the others
    seen: int = 0  # answered at least once (suspended included)
    total: int = 0  # new + learning + young + mature + suspended

    @property
    def mastery(self) -> float | None:
        """Share of mature cards among all cards."""
        return self.mature / self.total if self.total else None

    def __add__(self, other: CardCounts) -> CardCounts:
        return CardCounts(
            *(getattr(self, f) + getattr(other, f) for f in CardCounts.__dataclass_fields__)
        )


@dataclass(frozen=True, slots=True)
class RetentionWindow:
    """True retention over the last `days` days."""

    days: int
    all: Ratio = Ratio()
    young: Ratio = Ratio()
    mature: Ratio = Ratio()

    def __add__(self, other: RetentionWindow) -> RetentionWindow:
        return RetentionWindow(
            self.days, self.all + other.all, self.young + other.young, self.mature + other.mature
        )


@dataclass(frozen=True, slots=True)
class DayActivity:
    """One study day: reviews, minutes studied, true retention of young and mature cards."""

    day: str  # ISO date of the local study day
    reviews: int
    minutes: float
    young: Ratio = Ratio()
    mature: Ratio = Ratio()

    @property
    def retention(self) -> Ratio:
        return self.young + self.mature

    def __add__(self, other: DayActivity) -> DayActivity:
        return DayActivity(
            self.day,
            self.reviews + other.reviews,
            self.minutes + other.minutes,
            self.young + other.young,
            self.mature + other.mature,
        )


@dataclass(frozen=True, slots=True)
class Streak:
    current: int = 0  # consecutive study days ending today (or yesterday)
    longest: int = 0
    study_days: int = 0  # days with at least one review, all time
    last_day: str | None = None


@dataclass(frozen=True, slots=True)
class ForecastDay:
    day: str
    due: int  # day 0 includes everything overdue

    def __add__(self, other: ForecastDay) -> ForecastDay:
        return ForecastDay(self.day, self.due + other.due)


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """Reviews whose predicted recall fell in [lo, hi): how many were actually recalled."""

    lo: float
    hi: float
    n: int = 0
    predicted_sum: float = 0.0
    passed: int = 0

    @property
    def mean_predicted(self) -> float | None:
        return self.predicted_sum / self.n if self.n else None

    @property
    def actual(self) -> float | None:
        return self.passed / self.n if self.n else None

    def __add__(self, other: CalibrationBin) -> CalibrationBin:
        return CalibrationBin(
            self.lo,
            self.hi,
            self.n + other.n,
            self.predicted_sum + other.predicted_sum,
            self.passed + other.passed,
        )


@dataclass(frozen=True, slots=True)
class HardCard:
    deck_id: str
    card_id: str
    ord: int
    card_pk: int
    prompt: str
    lapses: int
    reps: int
    recall: float | None  # predicted recall now
    source: str = ""  # database label, set by cohort reports

    @property
    def key(self) -> str:
        base = f"{self.deck_id}/{self.card_id}"
        return f"{base}#c{self.ord}" if self.ord else base


@dataclass(frozen=True, slots=True)
class GroupMetrics:
    """Breakdown for one deck or one tag."""

    key: str  # deck id or tag
    title: str  # deck title (the tag again for tags)
    counts: CardCounts = CardCounts()
    retention: Ratio = Ratio()  # true retention over the report period
    reviews: int = 0
    minutes: float = 0.0

    @property
    def mastery(self) -> float | None:
        return self.counts.mastery

    def __add__(self, other: GroupMetrics) -> GroupMetrics:
        return GroupMetrics(
            self.key,
            self.title or other.title,
            self.counts + other.counts,
            self.retention + other.retention,
            self.reviews + other.reviews,
            self.minutes + other.minutes,
        )


@dataclass(frozen=True, slots=True)
class TagAccuracy:
    """Quiz-mode accuracy on one tag (empty until quiz mode exists)."""

    tag: str
    accuracy: Ratio = Ratio()


@dataclass(frozen=True, slots=True)
class Filters:
    deck_ids: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()
    since: str | None = None  # ISO 8601 UTC instant


class _Headline:
    """The headline figures both a learner's full metrics and one-row summary answer."""

    __slots__ = ()
    recall: Mean
    counts: CardCounts
    retention: tuple[RetentionWindow, ...]

    @property
    def predicted_recall(self) -> float | None:
        return self.recall.value

    @property
    def mastery(self) -> float | None:
        return self.counts.mastery

    def retention_window(self, days: int) -> RetentionWindow:
        for w in self.retention:
            if w.days == days:
                return w
        return RetentionWindow(days)


@dataclass(frozen=True, slots=True)
class LearnerMetrics(_Headline):
    learner: str
    now: str  # ISO 8601 UTC instant the report describes
    today: str  # the learner's current study day
    rollover_hour: int
    desired_retention: float
    filters: Filters
    sources: tuple[str, ...]  # database labels the numbers come from
    counts: CardCounts
    retention: tuple[RetentionWindow, ...]
    reviews: int  # in the report period
    minutes: float
    activity: tuple[DayActivity, ...]  # study days with reviews, oldest first
    streak: Streak
    forecast: tuple[ForecastDay, ...]
    recall: Mean  # predicted recall now over review/relearning cards
    calibration: tuple[CalibrationBin, ...]
    hardest: tuple[HardCard, ...]
    decks: tuple[GroupMetrics, ...]
    tags: tuple[GroupMetrics, ...]
    quiz: tuple[TagAccuracy, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


# --- scope ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scope:
    """SQL for the cards a report covers (deck and tag filters)."""

    deck_ids: tuple[str, ...] | None
    tags: tuple[str, ...]

    @property
    def filtered(self) -> bool:
        return self.deck_ids is not None or bool(self.tags)

    def sql(self, alias: str = "c") -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.deck_ids is not None:
            marks = ", ".join("?" for _ in self.deck_ids)
            clauses.append(f"{alias}.deck_id IN ({marks})" if self.deck_ids else "0")
            params.extend(self.deck_ids)
        if self.tags:
            ors = " OR ".join(f"instr({alias}.tags, ?) > 0" for _ in self.tags)
            clauses.append(f"({ors})")
            params.extend(f" {t} " for t in self.tags)
        return (" AND ".join(clauses) or "1"), params

    def cards_in(self, column: str) -> tuple[str, list[object]]:
        """`column IN (cards in scope)`, or "1" when the scope is every card."""
        if not self.filtered:
            return "1", []
        where, params = self.sql("c")
        return f"{column} IN (SELECT c.id FROM cards c WHERE {where})", params

    def reviews_from(self, index: str | None = None) -> tuple[str, list[object]]:
        """FROM/WHERE fragment over `reviews r`, read through `index` when given (see
        `_review_index`). Filters keep the reviews of cards in scope with a semi-join on
        the card ids, so no review row is joined to its card."""
        table = f"reviews r INDEXED BY {index}" if index else "reviews r"
        cards, params = self.cards_in("r.card_pk")
        return f"{table} WHERE r.learner_id = ? AND {cards}", params


# The state and interval before a review are plain columns (migration 0003).
_STATE_IS_REVIEW = "(r.prev_state = 2)"
_INTERVAL_BEFORE = "r.prev_interval_ms"


# --- public API ----------------------------------------------------------------------


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
    to every call so those are read once."""
    now = utc(now)
    now_ms = dt_to_ms(now) or 0
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    scope = _Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    scheduler = FsrsScheduler.for_learner(learner)
    hour = learner.rollover_hour
    shared = shared if shared is not None else ReportCache()

    index = _review_index(db, learner)
    grid = shared.day_grid(now, hour, tz)
    twin = shared.twin(db)
    pending: Future[_ReviewFigures] | None = None
    if twin is not None:  # the day-grouped pass on a second connection, meanwhile
        pending = shared.pool().submit(
            _review_figures, twin, learner, scope, since_ms, now_ms, tz, index, grid
        )
    try:
        cards = _learner_cards(
            db,
            learner,
            scope,
            shared.deck_cards(db, scope),
            recall_function(scheduler),
            now_ms,
        )
        decks, tag_groups = _breakdowns(
            cards.combos, _combo_reviews(db, learner, scope, since_ms, now_ms, index)
        )
    except BaseException:
        if pending is not None:
            pending.exception()  # let the other pass finish before the error goes up
        raise
    if pending is not None:
        figures = pending.result()
    else:
        figures = _review_figures(db, learner, scope, since_ms, now_ms, tz, index, grid)
    activity = figures.activity
    if since is None:
        days_all = [a.day for a in activity]
    else:
        days_all = study_days(db, learner, now=now, tz=tz, deck_ids=deck_ids, tags=tuple(tags))
    return LearnerMetrics(
        learner=learner.name,
        now=iso_utc(now),
        today=study_day(now, hour, tz),
        rollover_hour=hour,
        desired_retention=learner.desired_retention,
        filters=Filters(
            tuple(deck_ids) if deck_ids is not None else None,
            tuple(tags),
            iso_utc(since) if since is not None else None,
        ),
        sources=(source,) if source else (),
        counts=cards.counts,
        retention=figures.retention,
        reviews=sum(a.reviews for a in activity),
        minutes=figures.ms / 60_000,
        activity=activity,
        streak=streak_from_days(days_all, study_day(now, hour, tz)),
        forecast=_forecast(db, learner, scope, now, tz, shared),
        recall=cards.recall,
        calibration=figures.calibration,
        hardest=_hardest(db, cards.hard, source),
        decks=decks,
        tags=tag_groups,
        quiz=quiz_accuracy_by_tag(db, learner, deck_ids=deck_ids, tags=tuple(tags), since=since),
    )


@dataclass(frozen=True, slots=True)
class LearnerSummary(_Headline):
    """The one-row-per-learner figures (`quizapp report --format csv`): the same numbers
    as `LearnerMetrics` has for them, from fewer passes over the review log — no per-day
    activity, calibration, hardest cards or deck and tag breakdowns."""

    learner: str
    now: str
    today: str
    sources: tuple[str, ...]
    counts: CardCounts
    retention: tuple[RetentionWindow, ...]
    reviews: int
    minutes: float
    streak: Streak
    forecast: tuple[ForecastDay, ...]
    recall: Mean
    study_days: tuple[str, ...]  # every study day (ISO), for merging cohort files


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
    now = utc(now)
    now_ms = dt_to_ms(now) or 0
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    scope = _Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    scheduler = FsrsScheduler.for_learner(learner)
    hour = learner.rollover_hour
    shared = shared if shared is not None else ReportCache()
    counts, recall = _card_summary(db, learner, scope, shared, recall_function(scheduler), now_ms)
    grid = shared.day_grid(now, hour, tz)
    first = db.conn.execute(
        "SELECT min(reviewed_at) FROM reviews WHERE learner_id = ?", [learner.id]
    ).fetchone()[0]
    reviews, ms = 0, 0
    windows = [RetentionWindow(n) for n in RETENTION_WINDOWS]
    days: list[str] = []
    if first is not None and first <= now_ms:
        reviews, ms, windows = _totals_and_windows(
            db, learner, scope, grid, first, since_ms, now_ms, _review_index(db, learner)
        )
        if scope.filtered:
            days = study_days(db, learner, now=now, tz=tz, deck_ids=deck_ids, tags=tuple(tags))
        else:
            days = _probe_study_days(db, learner, grid, first, now_ms)
    return LearnerSummary(
        learner=learner.name,
        now=iso_utc(now),
        today=study_day(now, hour, tz),
        sources=(source,) if source else (),
        counts=counts,
        retention=tuple(windows),
        reviews=int(reviews),
        minutes=int(ms) / 60_000,
        streak=streak_from_days(days, study_day(now, hour, tz)),
        forecast=_forecast(db, learner, scope, now, tz, shared),
        recall=recall,
        study_days=tuple(days),
    )


def _card_summary(
    db: Database,
    learner: Learner,
    scope: _Scope,
    shared: ReportCache,
    recall_fn: Callable[[float, int], float],
    now_ms: int,
) -> tuple[CardCounts, Mean]:
    """Card counts and predicted recall as `_learner_cards` gives them, without the
    per-deck split: the learner's state rows counted per class in SQL, recall summed
    over the review cards in card order. Inactive cards are left out by id."""
    total = shared.active_card_count(db, scope)
    inactive = shared.inactive_cards(db)
    cards, params = scope.cards_in("s.card_pk")
    active = f"s.card_pk NOT IN ({', '.join(str(int(pk)) for pk in inactive)})" if inactive else "1"
    acc = [0] * 8
    for cls, n, leeches, seen in db.conn.execute(
        f"""
        SELECT CASE WHEN s.suspended THEN 4 WHEN s.state IS NULL THEN 0
                    WHEN s.state IN (1, 3) THEN 1
                    WHEN coalesce(s.due - s.last_review, 0) >= {MATURE_MS} THEN 3 ELSE 2 END,
               count(*), sum(s.leech != 0), sum(s.state IS NOT NULL)
        FROM card_state s WHERE s.learner_id = ? AND {active} AND {cards}
        GROUP BY 1
        """,
        [learner.id, *params],
    ):
        acc[cls] += n
        acc[5] += leeches
        acc[6] += seen
    acc[0] = total - sum(acc[1:5])
    acc[7] = total
    n_recall, sum_recall = 0, 0.0
    for stability, last_review in db.conn.execute(
        f"""
        SELECT s.stability, s.last_review FROM card_state s
        WHERE s.learner_id = ? AND s.state IN (2, 3) AND s.suspended = 0 AND s.stability
              AND s.last_review IS NOT NULL AND {active} AND {cards}
        ORDER BY s.card_pk
        """,
        [learner.id, *params],
    ):
        n_recall += 1
        sum_recall += recall_fn(stability, now_ms - last_review)
    return CardCounts(*acc), Mean(n_recall, sum_recall)


def _totals_and_windows(
    db: Database,
    learner: Learner,
    scope: _Scope,
    grid: DayGrid,
    first: int,
    since_ms: int | None,
    now_ms: int,
    index: str,
) -> tuple[int, int, list[RetentionWindow]]:
    """Reviews, study time (ms) and true retention over the last 7, 30 and 365 study
    days (today included), young and mature: ONE streamed pass, no grouping — each
    window's passes and totals are filtered counts."""
    grid.day_sql("r.reviewed_at", first, now_ms)
    starts = grid._starts
    today = bisect.bisect_right(starts, now_ms) - 1  # the day holding `now`
    counts = []
    for n_days in RETENTION_WINDOWS:
        i = today - n_days + 1  # the window's first day; it holds the whole log if <= 0
        after = f"r.reviewed_at >= {starts[i]} AND " if i > 0 else ""
        for cls in (f"< {MATURE_MS}", f">= {MATURE_MS}"):  # young, mature
            where = f"{after}{_STATE_IS_REVIEW} AND {_INTERVAL_BEFORE} {cls}"
            counts.append(f"count(*) FILTER (WHERE {where} AND r.rating > 1)")
            counts.append(f"count(*) FILTER (WHERE {where})")
    frm, params = scope.reviews_from(index)
    when, when_params = _time_clause(since_ms, now_ms)
    row = db.conn.execute(
        f"""
        SELECT count(*), coalesce(sum(r.duration_ms), 0), {", ".join(counts)}
        FROM {frm} AND {when}
        """,
        [learner.id, *params, *when_params],
    ).fetchone()
    windows = []
    for k, n_days in enumerate(RETENTION_WINDOWS):
        yp, yt, mp, mt = row[2 + 4 * k : 6 + 4 * k]
        young, mature = Ratio(int(yp), int(yt)), Ratio(int(mp), int(mt))
        windows.append(RetentionWindow(n_days, young + mature, young, mature))
    return int(row[0]), int(row[1]), windows


def _probe_study_days(
    db: Database, learner: Learner, grid: DayGrid, first: int, now_ms: int
) -> list[str]:
    """The study days with a review up to `now` (whatever `since` says): one probe of
    the (learner, time) index per day, from the first review on."""
    _, labels = grid.day_sql("r.reviewed_at", first, now_ms)
    starts = grid._starts
    sql = (
        "SELECT 1 FROM reviews INDEXED BY reviews_learner_time "
        "WHERE learner_id = ? AND reviewed_at >= ? AND reviewed_at < ? LIMIT 1"
    )
    execute = db.conn.execute
    lo = max(bisect.bisect_right(starts, first) - 1, 0)
    return [
        labels[i]
        for i in range(lo, len(labels))
        if execute(sql, [learner.id, starts[i], min(starts[i + 1], now_ms + 1)]).fetchone()
    ]


def recall_function(scheduler: FsrsScheduler) -> Callable[[float, int], float]:
    """A fast `(stability, elapsed_ms) -> recall` equal to `scheduler.retrievability`.

    Calling py-fsrs once per card costs tens of microseconds; this is the same FSRS-6
    forgetting curve (whole elapsed days, as py-fsrs counts them) with the scheduler's
    own decay, so tens of thousands of cards take milliseconds.
    """
    inner = scheduler._scheduler
    decay = float(getattr(inner, "_DECAY", -inner.parameters[20]))
    factor = float(getattr(inner, "_FACTOR", 0.9 ** (1 / decay) - 1))

    def recall(stability: float, elapsed_ms: int) -> float:
        days = max(0, elapsed_ms) // DAY_MS
        return float((1 + factor * days / stability) ** decay)

    return recall


def study_days(
    db: Database,
    learner: Learner,
    *,
    now: datetime,
    tz: tzinfo | None = None,
    deck_ids: Sequence[str] | None = None,
    tags: tuple[str, ...] = (),
) -> list[str]:
    """Every study day (ISO date) with at least one review up to `now`, all time."""
    scope = _Scope(tuple(deck_ids) if deck_ids is not None else None, tags)
    now_ms = dt_to_ms(utc(now)) or 0
    first = db.conn.execute(
        "SELECT min(reviewed_at) FROM reviews WHERE learner_id = ?", [learner.id]
    ).fetchone()[0]
    if first is None or first > now_ms:
        return []
    frm, params = scope.reviews_from()
    day, labels = DayGrid(utc(now), learner.rollover_hour, tz).day_sql(
        "r.reviewed_at", first, now_ms
    )
    rows = db.conn.execute(
        f"SELECT DISTINCT {day} FROM {frm} AND r.reviewed_at <= ?",
        [learner.id, *params, now_ms],
    ).fetchall()
    return sorted({labels[d] for (d,) in rows})


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


def quiz_accuracy_by_tag(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: tuple[str, ...] = (),
    since: datetime | None = None,
) -> tuple[TagAccuracy, ...]:
    """HOOK for quiz mode: accuracy per tag from the `quiz_answers` table.

    Quiz mode does not exist yet, so this returns `()` when the table is missing. When it
    lands with at least `learner_id`, `card_pk` and `correct` columns (and optionally
    `answered_at`, epoch ms), the answers are grouped by the tags of their cards.
    """
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "quiz_answers" not in tables:
        return ()
    cols = {r[1] for r in db.conn.execute("PRAGMA table_info(quiz_answers)")}
    if not {"learner_id", "card_pk", "correct"} <= cols:
        return ()
    scope = _Scope(tuple(deck_ids) if deck_ids is not None else None, tags)
    where, params = scope.sql("c")
    sql = (
        "SELECT c.tags, sum(q.correct = 1), count(q.correct) FROM quiz_answers q "
        f"JOIN cards c ON c.id = q.card_pk WHERE q.learner_id = ? AND {where}"
    )
    args: list[object] = [learner.id, *params]
    if since is not None and "answered_at" in cols:
        sql += " AND q.answered_at >= ?"
        args.append(dt_to_ms(utc(since)))
    totals: dict[str, Ratio] = defaultdict(Ratio)
    for card_tags, passed, total in db.conn.execute(sql + " GROUP BY c.tags", args):
        for tag in card_tags.split():
            totals[tag] = totals[tag] + Ratio(int(passed or 0), int(total or 0))
    return tuple(TagAccuracy(t, totals[t]) for t in sorted(totals))


def iso_utc(dt: datetime) -> str:
    """ISO 8601 UTC with a Z and milliseconds: 2026-03-02T09:00:00.000Z."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc(dt).microsecond // 1000:03d}Z"


def prompt_text(card_type: str, data: dict[str, object], ord_: int) -> str:
    """The question as the learner saw it (cloze: the deletion blanked)."""
    if card_type == "cloze":
        from quizapp.decks.cloze import ClozeError, render_question

        text = str(data.get("text", ""))
        try:
            shown = render_question(text, ord_)
        except ClozeError:
            shown = text
        prompt = str(data.get("prompt", "") or "")
        return f"{prompt} {shown}".strip() if prompt else shown
    return str(data.get("prompt", ""))


# --- card state ----------------------------------------------------------------------

# Cards are grouped by deck and tag set ("combos": a few hundred however many cards).
# A combo is keyed by the deck id and the tags column as stored.
_ComboKey = tuple[str, str]


class ReportCache:
    """What the learners of one report share: per database, active cards per deck and
    tag set and the ids of cards left out of the forecast; per day rollover, the grid
    of study days. Each is built once, then reused — for one report over databases
    that do not change meanwhile."""

    def __init__(self, *, twins: bool = False) -> None:
        self._memo: dict[tuple[int, object], tuple[Database, object]] = {}
        self._grids: dict[tuple[datetime, int, tzinfo | None], DayGrid] = {}
        self._twins: dict[int, tuple[Database, Database | None]] | None = {} if twins else None
        self._pool: ThreadPoolExecutor | None = None

    def twin(self, db: Database) -> Database | None:
        """With `twins=True`: a second, read-only connection to `db`'s file, so one
        learner's passes over the log can run at once (SQLite works outside the GIL);
        None without, or for a database that is not a file."""
        if self._twins is None:
            return None
        hit = self._twins.get(id(db))
        if hit is None or hit[0] is not db:
            hit = (db, _reopen(db))
            self._twins[id(db)] = hit
        return hit[1]

    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1)
        return self._pool

    def close(self) -> None:
        """Close the second connections and the helper thread."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for _, twin in (self._twins or {}).values():
            if twin is not None:
                twin.conn.close()
        if self._twins is not None:
            self._twins.clear()

    def _get(self, db: Database, key: object, make: Callable[[], object]) -> object:
        hit = self._memo.get((id(db), key))
        if hit is None or hit[0] is not db:
            hit = (db, make())
            self._memo[(id(db), key)] = hit
        return hit[1]

    def deck_cards(self, db: Database, scope: _Scope) -> dict[_ComboKey, tuple[str, int]]:
        """(deck id, tags) -> (deck title, active cards) over the cards in `scope`."""
        return self._get(db, ("deck_cards", scope), lambda: _deck_cards(db, scope))  # type: ignore[return-value]

    def active_card_count(self, db: Database, scope: _Scope) -> int:
        """Active cards in `scope` (of active decks)."""
        return self._get(db, ("active", scope), lambda: _active_card_count(db, scope))  # type: ignore[return-value]

    def inactive_cards(self, db: Database) -> list[int]:
        """Ids of cards that left their file or whose deck is inactive (or gone)."""
        return self._get(db, "inactive", lambda: _inactive_cards(db))  # type: ignore[return-value]

    def day_grid(self, now: datetime, rollover_hour: int, tz: tzinfo | None) -> DayGrid:
        key = (now, rollover_hour, tz)
        grid = self._grids.get(key)
        if grid is None:
            grid = self._grids[key] = DayGrid(now, rollover_hour, tz)
        return grid


def _deck_cards(db: Database, scope: _Scope) -> dict[_ComboKey, tuple[str, int]]:
    where, params = scope.sql("c")
    rows = db.conn.execute(
        f"""
        SELECT c.deck_id, c.tags, coalesce(d.title, c.deck_id), count(*)
        FROM cards c LEFT JOIN decks d ON d.id = c.deck_id
        WHERE c.active = 1 AND coalesce(d.active, 0) = 1 AND {where}
        GROUP BY c.deck_id, c.tags
        """,
        params,
    )
    return {(r[0], r[1]): (r[2], int(r[3])) for r in rows}


def open_readonly(path: Path) -> Database:
    """A read-only connection to an existing database file (any characters in its name)."""
    from quizapp.store.db import as_database, connect

    conn = connect(path, readonly=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return as_database(conn)


def _reopen(db: Database) -> Database | None:
    rows = db.conn.execute("PRAGMA database_list").fetchall()
    path = next((r[2] for r in rows if r[1] == "main"), "")
    if not path or not Path(path).is_file():
        return None
    try:
        return open_readonly(Path(path))
    except sqlite3.Error:
        return None


def _active_card_count(db: Database, scope: _Scope) -> int:
    where, params = scope.sql("c")
    return int(
        db.conn.execute(
            f"SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id AND d.active = 1 "
            f"WHERE c.active = 1 AND {where}",
            params,
        ).fetchone()[0]
    )


def _inactive_cards(db: Database) -> list[int]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT c.id FROM cards c "
            "WHERE c.active = 0 OR c.deck_id NOT IN (SELECT id FROM decks WHERE active = 1)"
        )
    ]


@dataclass(frozen=True, slots=True)
class _LearnerCards:
    counts: CardCounts
    # (deck id, tags) -> (deck title, CardCounts fields) of the active cards in scope
    combos: dict[_ComboKey, tuple[str, list[int]]]
    recall: Mean
    # hardest-card candidates, best first: (sort key..., pk, deck id, lapses, reps, recall)
    hard: list[tuple[int, float, int, str, int, int, float | None]]


def _learner_cards(
    db: Database,
    learner: Learner,
    scope: _Scope,
    deck_cards: dict[_ComboKey, tuple[str, int]],
    recall_fn: Callable[[float, int], float],
    now_ms: int,
) -> _LearnerCards:
    """Counts per combo, predicted recall and the hardest-card candidates.

    Every active card in scope starts as new in its combo (`deck_cards`, shared by all
    learners); only the learner's own state rows are read, and each moves its card to
    its class: 0 new, 1 learning (or relearning), 2 young, 3 mature, 4 suspended (the
    CardCounts order), with leeches (5), seen (6) and total (7) alongside. A card never
    answered has no state row, or one with only flags (suspended before study).
    """
    combos = {k: (title, [n, 0, 0, 0, 0, 0, 0, n]) for k, (title, n) in deck_cards.items()}
    where, params = scope.sql("c")
    rows = db.conn.execute(
        f"""
        SELECT s.card_pk, c.deck_id, c.tags, coalesce(d.title, c.deck_id),
               c.active = 1 AND coalesce(d.active, 0) = 1,
               s.state, coalesce(s.due - s.last_review, 0), s.stability, s.last_review,
               s.lapses, s.reps, s.suspended, s.leech
        FROM card_state s JOIN cards c ON c.id = s.card_pk
        LEFT JOIN decks d ON d.id = c.deck_id
        WHERE s.learner_id = ? AND {where}
        ORDER BY s.card_pk
        """,
        [learner.id, *params],
    )
    desired = learner.desired_retention
    n_recall, sum_recall = 0, 0.0
    hard: list[tuple[int, float, int, str, int, int, float | None]] = []
    for (
        pk,
        deck_id,
        tags,
        title,
        active,
        state,
        interval,
        stability,
        last_review,
        lapses,
        reps,
        suspended,
        leech,
    ) in rows:
        if not active:
            continue
        entry = combos.get((deck_id, tags))
        if entry is None:  # a card added since `deck_cards` was read
            entry = combos[(deck_id, tags)] = (title, [1, 0, 0, 0, 0, 0, 0, 1])
        acc = entry[1]
        if suspended:
            k = 4
        elif state is None:
            k = 0
        elif state in (1, 3):
            k = 1
        else:
            k = 3 if interval >= MATURE_MS else 2
        acc[0] -= 1
        acc[k] += 1
        if leech:
            acc[5] += 1
        if state is None:
            continue
        acc[6] += 1
        if suspended:
            continue
        recall = None
        if stability and last_review is not None:
            recall = recall_fn(stability, now_ms - last_review)
            if state in (2, 3):
                n_recall += 1
                sum_recall += recall
        if lapses > 0 or (recall is not None and recall < desired):
            hard.append(
                (-lapses, 2.0 if recall is None else recall, pk, deck_id, lapses, reps, recall)
            )
    totals = [0] * 8
    for _, acc in combos.values():
        for i, v in enumerate(acc):
            totals[i] += v
    hard.sort(key=lambda h: h[:3])
    return _LearnerCards(CardCounts(*totals), combos, Mean(n_recall, sum_recall), hard)


def _hardest(
    db: Database,
    candidates: list[tuple[int, float, int, str, int, int, float | None]],
    source: str,
) -> tuple[HardCard, ...]:
    """Seen, unsuspended cards that lapsed or fell below the desired retention: most
    lapses first, then lowest predicted recall."""
    top = candidates[:HARDEST_LIMIT]
    if not top:
        return ()
    pks = [h[2] for h in top]
    marks = ", ".join("?" for _ in pks)
    info = {
        r[0]: r[1:]
        for r in db.conn.execute(
            f"SELECT id, card_id, ord, type, data FROM cards WHERE id IN ({marks})", pks
        )
    }
    out = []
    for _, _, pk, deck_id, lapses, reps, recall in top:
        card_id, ord_, ctype, data = info[pk]
        out.append(
            HardCard(
                deck_id=deck_id,
                card_id=card_id,
                ord=ord_,
                card_pk=pk,
                prompt=prompt_text(ctype, json.loads(data), ord_),
                lapses=lapses,
                reps=reps,
                recall=recall,
                source=source,
            )
        )
    return tuple(out)


# --- reviews -------------------------------------------------------------------------


def _time_clause(since_ms: int | None, now_ms: int) -> tuple[str, list[object]]:
    if since_ms is None:
        return "r.reviewed_at <= ?", [now_ms]
    return "r.reviewed_at >= ? AND r.reviewed_at <= ?", [since_ms, now_ms]


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

    def _cover(self, lo: int, hi: int) -> None:
        if self._starts and self._starts[0] <= lo and self._starts[-1] > hi:
            return
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

    def day_sql(self, column: str, lo: int, hi: int) -> tuple[str, list[str]]:
        """SQL for the study day of `column` (an index into the returned labels), exact
        for every instant in [lo, hi]."""
        self._cover(lo, hi)
        starts = self._starts
        n = len(starts) - 1  # days covered
        runs: list[tuple[int, str]] = []  # (start ms, SQL for the days of the run)
        i = 0
        while i < n:
            if starts[i + 1] - starts[i] != DAY_MS:  # a DST day: a run of its own
                runs.append((starts[i], str(i)))
                i += 1
                continue
            j = i
            while j < n and starts[j + 1] - starts[j] == DAY_MS:
                j += 1
            runs.append((starts[i], f"{i} + (({column}) - {starts[i]}) / {DAY_MS}"))
            i = j
        return _pick(column, runs, 0, len(runs)), self._labels


def _pick(column: str, runs: Sequence[tuple[int, str]], lo: int, hi: int) -> str:
    """A binary search in SQL: the expression of the last run starting at or before
    `column` (the first run for anything earlier)."""
    if hi - lo <= 1:
        return runs[lo][1] if runs else "0"
    mid = (lo + hi) // 2
    return (
        f"CASE WHEN {column} < {runs[mid][0]} THEN {_pick(column, runs, lo, mid)} "
        f"ELSE {_pick(column, runs, mid, hi)} END"
    )


@dataclass(frozen=True, slots=True)
class _ReviewFigures:
    activity: tuple[DayActivity, ...]
    retention: tuple[RetentionWindow, ...]
    calibration: tuple[CalibrationBin, ...]
    ms: int  # study time over the period


def _review_figures(
    db: Database,
    learner: Learner,
    scope: _Scope,
    since_ms: int | None,
    now_ms: int,
    tz: tzinfo | None,
    index: str | None = None,
    grid: DayGrid | None = None,
) -> _ReviewFigures:
    """Activity, true retention and calibration from ONE grouped pass over the log.

    Rows are grouped by (study day, calibration bin, young/mature class), encoded as
    one integer key — a few dozen groups per study day — and folded into days, windows
    and bins here.
    """
    now = ms_to_dt(now_ms) or datetime.min
    n_bins = CALIBRATION_BINS
    first = db.conn.execute(
        "SELECT min(reviewed_at) FROM reviews WHERE learner_id = ?", [learner.id]
    ).fetchone()[0]
    rows: list[tuple[int, int, int, int, float | None]] = []
    labels: list[str] = []
    if first is not None and first <= now_ms:
        frm, params = scope.reviews_from(index)
        when, when_params = _time_clause(since_ms, now_ms)
        grid = grid or DayGrid(now, learner.rollover_hour, tz)
        day, labels = grid.day_sql("r.reviewed_at", first, now_ms)
        # key = day * 64 + (bin + 1) * 4 + class: bin -1 = not calibrated (no prediction,
        # or a first review), class 0 = not a true-retention review, 1 young, 2 mature
        rows = db.conn.execute(
            f"""
            SELECT ({day}) * 64
                   + (CASE WHEN r.retrievability IS NOT NULL AND r.prev_state IS NOT NULL
                           THEN max(min(CAST(r.retrievability * {n_bins} AS INTEGER),
                                        {n_bins - 1}), -1)
                           ELSE -1 END + 1) * 4
                   + CASE WHEN {_STATE_IS_REVIEW} AND {_INTERVAL_BEFORE} IS NOT NULL
                          THEN 1 + ({_INTERVAL_BEFORE} >= {MATURE_MS}) ELSE 0 END AS k,
                   count(*), sum(r.duration_ms), sum(r.rating > 1), sum(r.retrievability)
            FROM {frm} AND {when}
            GROUP BY k
            """,
            [learner.id, *params, *when_params],
        ).fetchall()
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
    return _ReviewFigures(activity, tuple(windows), calibration, sum(v[1] for v in days.values()))


def _review_index(db: Database, learner: Learner) -> str:
    """The reviews index to read the learner's log through: the one whose order follows
    the order the rows are stored in.

    Reviews studied here are appended as they happen, so time order is storage order;
    an imported history is stored card by card. Reading 10^6 rows against storage
    order costs a page fetch per row (seconds); with it, consecutive rows share pages.
    A sample from the start of the per-card index tells which: stored card by card,
    a card's reviews sit next to each other.
    """
    ids = [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM reviews INDEXED BY reviews_card WHERE learner_id = ? LIMIT 256",
            [learner.id],
        )
    ]
    near = sum(1 for a, b in itertools.pairwise(ids) if 0 < b - a <= 8)
    return "reviews_card" if len(ids) > 1 and 2 * near > len(ids) - 1 else "reviews_learner_time"


def _combo_reviews(
    db: Database,
    learner: Learner,
    scope: _Scope,
    since_ms: int | None,
    now_ms: int,
    index: str | None = None,
) -> dict[_ComboKey, tuple[str, int, int, int, int]]:
    """(deck id, tags) -> (deck title, reviews, duration ms, passed, total true-retention
    reviews): reviews summed per card, then the cards per deck and tag set, in SQL."""
    table = f"reviews r INDEXED BY {index}" if index else "reviews r"
    when, when_params = _time_clause(since_ms, now_ms)
    where, params = scope.sql("c")
    rows = db.conn.execute(
        f"""
        SELECT c.deck_id, c.tags, coalesce(d.title, c.deck_id),
               sum(p.n), sum(p.ms), sum(p.passed), sum(p.total)
        FROM (SELECT r.card_pk AS pk, count(*) AS n, sum(r.duration_ms) AS ms,
                     sum(r.prev_state IS NOT NULL AND r.rating > 1 AND {_STATE_IS_REVIEW})
                         AS passed,
                     sum(r.prev_state IS NOT NULL AND {_STATE_IS_REVIEW}) AS total
              FROM {table} WHERE r.learner_id = ? AND {when}
              GROUP BY r.card_pk) p
        JOIN cards c ON c.id = p.pk
        LEFT JOIN decks d ON d.id = c.deck_id
        WHERE {where}
        GROUP BY c.deck_id, c.tags
        """,
        [learner.id, *when_params, *params],
    ).fetchall()
    return {
        (r[0], r[1]): (r[2], int(r[3]), int(r[4] or 0), int(r[5] or 0), int(r[6] or 0))
        for r in rows
    }


def _breakdowns(
    counts: dict[_ComboKey, tuple[str, list[int]]],
    reviews: dict[_ComboKey, tuple[str, int, int, int, int]],
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


# --- forecast ------------------------------------------------------------------------


def _forecast(
    db: Database,
    learner: Learner,
    scope: _Scope,
    now: datetime,
    tz: tzinfo | None,
    shared: ReportCache | None = None,
) -> tuple[ForecastDay, ...]:
    """Cards falling due per study day for the next 30 days; day 0 (today) also holds
    everything overdue. Suspended cards, and cards that left their file or whose deck
    is inactive, are left out.

    One pass over the learner's state rows: SQL puts each due time in its day (a
    binary search over the day starts written into the query) and counts per day;
    the inactive cards (usually none) are excluded by id instead of joining every
    state row to its card and deck.
    """
    hour = learner.rollover_hour
    starts = [day_start(now, hour, tz)]
    for _ in range(FORECAST_DAYS):
        starts.append(next_day_start(starts[-1] + timedelta(hours=1), hour, tz))
    bounds = [dt_to_ms(s) or 0 for s in starts]
    labels = [study_day(s + timedelta(hours=1), hour, tz) for s in starts[:FORECAST_DAYS]]
    inactive = (shared if shared is not None else ReportCache()).inactive_cards(db)
    cards, params = scope.cards_in("s.card_pk")
    sql = f"""
        SELECT {_day_of("s.due", bounds, 0, FORECAST_DAYS)} AS day, count(*)
        FROM card_state s
        WHERE s.learner_id = ? AND s.state IS NOT NULL AND s.suspended = 0
              AND s.due < ? AND {cards}
        """
    args: list[object] = [learner.id, bounds[-1], *params]
    if inactive:  # integer ids from the database, written as literals
        sql += f" AND s.card_pk NOT IN ({', '.join(str(int(pk)) for pk in inactive)})"
    due = [0] * FORECAST_DAYS
    for i, n in db.conn.execute(sql + " GROUP BY day", args):
        due[i] += n
    return tuple(ForecastDay(d, n) for d, n in zip(labels, due, strict=True))


def _day_of(column: str, bounds: Sequence[int], lo: int, hi: int) -> str:
    """SQL for the day `i` in [lo, hi) with bounds[i] <= column < bounds[i + 1]
    (clamped to the ends): a nested CASE, a binary search over integer literals."""
    if hi - lo <= 1:
        return str(lo)
    mid = (lo + hi) // 2
    return (
        f"CASE WHEN {column} < {int(bounds[mid])} THEN {_day_of(column, bounds, lo, mid)} "
        f"ELSE {_day_of(column, bounds, mid, hi)} END"
    )


__all__ = [
    "CALIBRATION_BINS",
    "FORECAST_DAYS",
    "RETENTION_WINDOWS",
    "CalibrationBin",
    "CardCounts",
    "DayActivity",
    "Filters",
    "ForecastDay",
    "GroupMetrics",
    "HardCard",
    "LearnerMetrics",
    "LearnerSummary",
    "Mean",
    "Ratio",
    "ReportCache",
    "RetentionWindow",
    "Streak",
    "TagAccuracy",
    "compute",
    "iso_utc",
    "prompt_text",
    "quiz_accuracy_by_tag",
    "recall_function",
    "streak_from_days",
    "study_days",
    "summarize",
]
