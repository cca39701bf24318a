"""The figures of a report as values: plain frozen dataclasses, no I/O.

Everything that can be summed across databases is kept as numerators and denominators
(`Ratio`, `Mean`, counts), with `+` defined, so cohort reports can merge a learner found
in several files exactly (see `quizapp.reports.cohort`). `LearnerMetrics` is a learner's
full report (`quizapp.reports.metrics.compute`), `LearnerSummary` its one-row summary
(`summarize`); both answer the headline figures the same way (`_Headline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quizapp.scheduling.scheduler import MATURE_DAYS

DAY_MS = 86_400_000
#: A review card is mature once its interval reaches MATURE_DAYS.
MATURE_MS = MATURE_DAYS * DAY_MS
RETENTION_WINDOWS = (7, 30, 365)
FORECAST_DAYS = 30
CALIBRATION_BINS = 10
HARDEST_LIMIT = 10


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


__all__ = [
    "CALIBRATION_BINS",
    "DAY_MS",
    "FORECAST_DAYS",
    "HARDEST_LIMIT",
    "MATURE_MS",
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
    "RetentionWindow",
    "Streak",
    "TagAccuracy",
]
