"""A learner's progress as numbers: the one module every report and the stats screen use.

`compute(db, learner, now=...)` returns a `LearnerMetrics` — plain frozen dataclasses,
no I/O beyond reading the store, no Textual. Everything that can be summed across
databases is kept as numerators and denominators (`Ratio`, `Mean`), so cohort reports
can merge a learner found in several files exactly (see `quizapp.reports.cohort`).

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
* `since` restricts every review-based figure (activity, study time, retention,
  calibration, per-group review numbers); counts, forecast, recall and the streak
  describe the present and ignore it.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from sqlite_utils import Database

from quizapp.clock import day_start, next_day_start, study_day
from quizapp.scheduling import MATURE_DAYS, FsrsScheduler, dt_to_ms, ms_to_dt, utc
from quizapp.store.learners import Learner

DAY_MS = 86_400_000
MATURE_MS = MATURE_DAYS * DAY_MS
HOUR_MS = 3_600_000
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


@dataclass(frozen=True, slots=True)
class LearnerMetrics:
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

    def reviews_from(self, *, indexed: bool = False) -> tuple[str, list[object]]:
        """FROM/WHERE fragment over `reviews r` (joined to `cards c` only when filtering).

        `indexed` reads the learner's rows in time order (nearly the file's order);
        without it, GROUP BY card_pk would walk the card index and fetch rows at random.
        """
        table = "reviews r INDEXED BY reviews_learner_time" if indexed else "reviews r"
        if not self.filtered:
            return f"{table} WHERE r.learner_id = ?", []
        where, params = self.sql("c")
        frm = f"{table} JOIN cards c ON c.id = r.card_pk"
        return f"{frm} WHERE r.learner_id = ? AND {where}", params


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
) -> LearnerMetrics:
    """Every metric of `learner` in `db` at `now` (see the module docstring)."""
    now = utc(now)
    now_ms = dt_to_ms(now) or 0
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    scope = _Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    scheduler = FsrsScheduler(learner.desired_retention, learner.fsrs_params, fuzz=False)
    recall_fn = recall_function(scheduler)
    hour = learner.rollover_hour

    cards = _card_rows(db, learner, scope)
    counts = _counts(c for c in cards.values() if c.active)
    recall = Mean()
    recall_of: dict[int, float] = {}
    for pk, c in cards.items():
        if c.state is not None and c.stability and c.last_review is not None:
            r = recall_fn(c.stability, now_ms - c.last_review)
            recall_of[pk] = r
            if c.active and c.state in (2, 3) and not c.suspended:
                recall = recall + Mean(1, r)

    per_card = _per_card_reviews(db, learner, scope, since_ms, now_ms)
    decks, tag_groups = _breakdowns(cards, per_card)
    figures = _review_figures(db, learner, scope, since_ms, now_ms, tz)
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
        counts=counts,
        retention=figures.retention,
        reviews=sum(a.reviews for a in activity),
        minutes=sum(a.minutes for a in activity),
        activity=activity,
        streak=streak_from_days(days_all, study_day(now, hour, tz)),
        forecast=_forecast(db, learner, scope, now, tz),
        recall=recall,
        calibration=figures.calibration,
        hardest=_hardest(db, cards, recall_of, learner.desired_retention, source),
        decks=decks,
        tags=tag_groups,
        quiz=quiz_accuracy_by_tag(db, learner, deck_ids=deck_ids, tags=tuple(tags), since=since),
    )


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
    frm, params = scope.reviews_from()
    grid = DayGrid(utc(now), learner.rollover_hour, tz)
    rows = db.conn.execute(
        f"SELECT DISTINCT {grid.sql('r.reviewed_at')} FROM {frm} AND r.reviewed_at <= ?",
        [learner.id, *params, dt_to_ms(utc(now))],
    ).fetchall()
    return sorted(set(grid.days([b for (b,) in rows])))


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
        from quizapp.cloze import ClozeError, render_question

        text = str(data.get("text", ""))
        try:
            shown = render_question(text, ord_)
        except ClozeError:
            shown = text
        prompt = str(data.get("prompt", "") or "")
        return f"{prompt} {shown}".strip() if prompt else shown
    return str(data.get("prompt", ""))


# --- card state ----------------------------------------------------------------------


@dataclass(slots=True)
class _Card:
    deck_id: str
    title: str
    tags: tuple[str, ...]
    active: bool
    state: int | None
    interval_ms: int
    stability: float | None
    last_review: int | None
    lapses: int
    reps: int
    suspended: bool
    leech: bool


def _card_rows(db: Database, learner: Learner, scope: _Scope) -> dict[int, _Card]:
    where, params = scope.sql("c")
    rows = db.conn.execute(
        f"""
        SELECT c.id, c.deck_id, coalesce(d.title, c.deck_id), c.tags,
               c.active = 1 AND coalesce(d.active, 0) = 1,
               s.state, coalesce(s.due - s.last_review, 0), s.stability, s.last_review,
               coalesce(s.lapses, 0), coalesce(s.reps, 0), coalesce(s.suspended, 0),
               coalesce(s.leech, 0)
        FROM cards c
        LEFT JOIN decks d ON d.id = c.deck_id
        LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
        WHERE {where}
        """,
        [learner.id, *params],
    ).fetchall()
    out: dict[int, _Card] = {}
    for r in rows:
        # A card never answered has no state, or only flags (suspended before study).
        out[r[0]] = _Card(
            deck_id=r[1],
            title=r[2],
            tags=tuple(r[3].split()),
            active=bool(r[4]),
            state=r[5],
            interval_ms=int(r[6]),
            stability=r[7],
            last_review=r[8],
            lapses=int(r[9]),
            reps=int(r[10]),
            suspended=bool(r[11]),
            leech=bool(r[12]),
        )
    return out


def _class_of(c: _Card) -> int:
    """0 new, 1 learning, 2 young, 3 mature, 4 suspended (the CardCounts order)."""
    if c.suspended:
        return 4
    if c.state is None:
        return 0
    if c.state in (1, 3):
        return 1
    return 3 if c.interval_ms >= MATURE_MS else 2


def _counts(cards: Iterable[_Card]) -> CardCounts:
    acc = [0] * 8
    for c in cards:
        acc[_class_of(c)] += 1
        acc[5] += c.leech
        acc[6] += c.state is not None
        acc[7] += 1
    return CardCounts(*acc)


def _hardest(
    db: Database,
    cards: dict[int, _Card],
    recall_of: dict[int, float],
    desired: float,
    source: str,
) -> tuple[HardCard, ...]:
    """Seen, unsuspended cards that lapsed or fell below the desired retention: most
    lapses first, then lowest predicted recall."""
    candidates = [
        pk
        for pk, c in cards.items()
        if c.active
        and not c.suspended
        and c.state is not None
        and (c.lapses > 0 or (pk in recall_of and recall_of[pk] < desired))
    ]
    candidates.sort(key=lambda pk: (-cards[pk].lapses, recall_of.get(pk, 2.0), pk))
    top = candidates[:HARDEST_LIMIT]
    if not top:
        return ()
    marks = ", ".join("?" for _ in top)
    info = {
        r[0]: r[1:]
        for r in db.conn.execute(
            f"SELECT id, card_id, ord, type, data FROM cards WHERE id IN ({marks})", top
        )
    }
    out = []
    for pk in top:
        card_id, ord_, ctype, data = info[pk]
        c = cards[pk]
        out.append(
            HardCard(
                deck_id=c.deck_id,
                card_id=card_id,
                ord=ord_,
                card_pk=pk,
                prompt=prompt_text(ctype, json.loads(data), ord_),
                lapses=c.lapses,
                reps=c.reps,
                recall=recall_of.get(pk),
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
    """Maps epoch-ms instants to the learner's local study days, fast.

    SQL groups times into hours counted from an anchor: a study-day start 100 years
    before `now`. Time zone offsets and DST shifts are whole hours or quarter hours, and
    the day rolls over on a whole local hour, so an hour counted from a local day start
    never straddles two study days (zones with 30-minute DST shifts excepted). Python
    then maps each hour to its day with a bisect over the day starts — at most 24 rows
    per study day leave SQLite, however many reviews there are.
    """

    def __init__(self, now: datetime, rollover_hour: int, tz: tzinfo | None) -> None:
        self.hour = rollover_hour
        self.tz = tz
        self.anchor = (dt_to_ms(day_start(now, rollover_hour, tz)) or 0) - 876_000 * HOUR_MS
        self._starts: list[int] = []
        self._labels: list[str] = []

    def sql(self, column: str) -> str:
        return f"(({column}) - {self.anchor}) / {HOUR_MS}"

    def _cover(self, lo: int, hi: int) -> None:
        if self._starts and self._starts[0] <= lo and self._starts[-1] > hi:
            return
        first = min(lo, self._starts[0]) if self._starts else lo
        last = max(hi, self._starts[-1]) if self._starts else hi
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

    def days(self, buckets: Sequence[int]) -> list[str]:
        """The study day of each hour bucket from `sql()`."""
        if not buckets:
            return []
        times = [self.anchor + b * HOUR_MS for b in buckets]
        self._cover(min(times), max(times))
        starts, labels = self._starts, self._labels
        return [labels[bisect.bisect_right(starts, t) - 1] for t in times]


@dataclass(frozen=True, slots=True)
class _ReviewFigures:
    activity: tuple[DayActivity, ...]
    retention: tuple[RetentionWindow, ...]
    calibration: tuple[CalibrationBin, ...]


def _review_figures(
    db: Database,
    learner: Learner,
    scope: _Scope,
    since_ms: int | None,
    now_ms: int,
    tz: tzinfo | None,
) -> _ReviewFigures:
    """Activity, true retention and calibration from ONE grouped pass over the log.

    Rows are grouped by (hour, calibration bin, young/mature class) — at most a few
    hundred per study day — and folded into days, windows and bins here.
    """
    frm, params = scope.reviews_from()
    when, when_params = _time_clause(since_ms, now_ms)
    now = ms_to_dt(now_ms) or datetime.min
    grid = DayGrid(now, learner.rollover_hour, tz)
    n_bins = CALIBRATION_BINS
    rows = db.conn.execute(
        f"""
        SELECT {grid.sql("r.reviewed_at")} AS hour,
               CASE WHEN r.retrievability IS NOT NULL AND r.prev_state IS NOT NULL
                    THEN min(CAST(r.retrievability * {n_bins} AS INTEGER), {n_bins - 1})
                    ELSE -1 END AS bin,
               CASE WHEN r.prev_state IS NOT NULL AND {_STATE_IS_REVIEW}
                    THEN {_INTERVAL_BEFORE} >= {MATURE_MS} END AS cls,
               count(*), sum(r.duration_ms), sum(r.rating > 1), sum(r.retrievability)
        FROM {frm} AND {when}
        GROUP BY hour, bin, cls
        """,
        [learner.id, *params, *when_params],
    ).fetchall()
    labels = grid.days([r[0] for r in rows])
    days: dict[str, list[int]] = {}
    bins = [[0, 0.0, 0] for _ in range(n_bins)]
    for day, (_, b, cls, n, ms, passed, rsum) in zip(labels, rows, strict=True):
        acc = days.setdefault(day, [0, 0, 0, 0, 0, 0])  # n, ms, young p/t, mature p/t
        acc[0] += n
        acc[1] += ms or 0
        if cls is not None:
            k = 4 if cls else 2
            acc[k] += passed or 0
            acc[k + 1] += n
        if b is not None and b >= 0:
            acc_bin = bins[b]
            acc_bin[0] += n
            acc_bin[1] += rsum or 0.0
            acc_bin[2] += passed or 0
    activity = tuple(
        DayActivity(d, v[0], v[1] / 60_000, Ratio(v[2], v[3]), Ratio(v[4], v[5]))
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
    return _ReviewFigures(activity, tuple(windows), calibration)


def _per_card_reviews(
    db: Database, learner: Learner, scope: _Scope, since_ms: int | None, now_ms: int
) -> dict[int, tuple[int, int, int, int]]:
    """card_pk -> (reviews, duration ms, passed, total) of true-retention reviews."""
    frm, params = scope.reviews_from(indexed=True)
    when, when_params = _time_clause(since_ms, now_ms)
    rows = db.conn.execute(
        f"""
        SELECT r.card_pk, count(*), sum(r.duration_ms),
               sum(r.prev_state IS NOT NULL AND r.rating > 1 AND {_STATE_IS_REVIEW}),
               sum(r.prev_state IS NOT NULL AND {_STATE_IS_REVIEW})
        FROM {frm} AND {when}
        GROUP BY r.card_pk
        """,
        [learner.id, *params, *when_params],
    ).fetchall()
    return {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows}


def _breakdowns(
    cards: dict[int, _Card], per_card: dict[int, tuple[int, int, int, int]]
) -> tuple[tuple[GroupMetrics, ...], tuple[GroupMetrics, ...]]:
    """Per-deck and per-tag figures. Cards are first folded by (deck, tag set) — few
    combinations however many cards — then each combination is spread over its deck
    and each of its tags."""
    Combo = tuple[str, str, tuple[str, ...]]
    counts: dict[Combo, list[int]] = {}
    reviews: dict[Combo, list[int]] = {}
    for pk, c in cards.items():
        key = (c.deck_id, c.title, c.tags)
        if c.active:
            acc = counts.setdefault(key, [0] * 8)
            acc[_class_of(c)] += 1
            acc[5] += c.leech
            acc[6] += c.state is not None
            acc[7] += 1
        stats = per_card.get(pk)
        if stats:
            racc = reviews.setdefault(key, [0, 0, 0, 0])
            racc[0] += stats[0]
            racc[1] += stats[1]
            racc[2] += stats[2]
            racc[3] += stats[3]
    decks: dict[str, GroupMetrics] = {}
    tags: dict[str, GroupMetrics] = {}
    for key in counts.keys() | reviews.keys():
        deck_id, title, card_tags = key
        n, ms, passed, total = reviews.get(key, (0, 0, 0, 0))
        part = GroupMetrics(
            key=deck_id,
            title=title,
            counts=CardCounts(*counts.get(key, (0,) * 8)),
            retention=Ratio(passed, total),
            reviews=n,
            minutes=ms / 60_000,
        )
        decks[deck_id] = decks[deck_id] + part if deck_id in decks else part
        for tag in card_tags:
            tpart = GroupMetrics(tag, tag, part.counts, part.retention, n, part.minutes)
            tags[tag] = tags[tag] + tpart if tag in tags else tpart
    return (
        tuple(decks[k] for k in sorted(decks)),
        tuple(tags[k] for k in sorted(tags)),
    )


# --- forecast ------------------------------------------------------------------------


def _forecast(
    db: Database, learner: Learner, scope: _Scope, now: datetime, tz: tzinfo | None
) -> tuple[ForecastDay, ...]:
    """Cards falling due per study day for the next 30 days; day 0 (today) also holds
    everything overdue. Suspended cards are left out."""
    hour = learner.rollover_hour
    starts = [day_start(now, hour, tz)]
    for _ in range(FORECAST_DAYS):
        starts.append(next_day_start(starts[-1] + timedelta(hours=1), hour, tz))
    bounds = [dt_to_ms(s) or 0 for s in starts]
    labels = [study_day(s + timedelta(hours=1), hour, tz) for s in starts[:FORECAST_DAYS]]
    where, params = scope.sql("c")
    rows = db.conn.execute(
        f"""
        SELECT s.due, count(*)
        FROM card_state s JOIN cards c ON c.id = s.card_pk
        JOIN decks d ON d.id = c.deck_id AND d.active = 1
        WHERE s.learner_id = ? AND s.state IS NOT NULL AND s.suspended = 0 AND c.active = 1
              AND s.due < ? AND {where}
        GROUP BY 1
        """,
        [learner.id, bounds[-1], *params],
    ).fetchall()
    due = [0] * FORECAST_DAYS
    for due_ms, n in rows:
        i = bisect.bisect_right(bounds, due_ms) - 1
        due[min(max(i, 0), FORECAST_DAYS - 1)] += n
    return tuple(ForecastDay(d, n) for d, n in zip(labels, due, strict=True))


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
    "Mean",
    "Ratio",
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
]
