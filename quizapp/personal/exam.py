"""Exam-date mode: every card in a plan's scope comes back before the exam.

A plan is an exam date (local, ISO) for some decks and/or tags (none = all). Until the
exam:

* **Interval caps.** A card of the scope answered before the cap is due at the cap at
  the latest, the *cap* being the start of the study day before the exam (the learner's
  rollover hour, local time). So every card is seen on the day before the exam or
  earlier; answering it on that last day is not capped (its next due falls after the
  exam, as normal). The memory state (stability, difficulty) is never changed — only
  the due date — so after the exam, scheduling simply continues from the true state.
* **New-card pace.** The daily new-card limit of a session whose scope overlaps an
  active plan is ``max(learner's new/day, ceil(new cards left in the plan at the start
  of today / study days left before the exam))``: a plan can raise the limit so the
  deck is finished the day before the exam at the latest, never lower it. The new
  cards themselves still come in deck order.

After the exam day starts, a plan has no effect (it stays listed until cleared).
:class:`ExamCaps` loads a learner's plans once (a study session keeps one) so the
per-answer check is a dictionary-free loop over a handful of plans.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from quizapp.clock import day_start, dt_to_ms, study_day, system_clock
from quizapp.scheduling.memory import learner_tz
from quizapp.scheduling.memory import parameters as memory_parameters
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.scheduling.simulate import PassRates, SimCard, percentile, project_recall
from quizapp.store.db import Database, StoreError
from quizapp.store.learners import Learner, get_learner_by_id
from quizapp.store.progress import memory_from_row
from quizapp.store.queries import exam_plans as queries

if TYPE_CHECKING:
    from quizapp.store.scope import Scope


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True, slots=True)
class ExamPlan:
    id: int
    learner_id: int
    exam_date: date
    deck_ids: tuple[str, ...] = ()  # empty: every deck
    tags: tuple[str, ...] = ()  # empty: every tag
    created_at: int = 0

    def covers(self, deck_id: str, tags: Iterable[str]) -> bool:
        """Whether a card of ``deck_id`` with ``tags`` is in this plan's scope."""
        if self.deck_ids and deck_id not in self.deck_ids:
            return False
        return not self.tags or any(t in self.tags for t in tags)

    def scope(self) -> Scope:
        from quizapp.store.scope import Scope

        return Scope(self.deck_ids or None, self.tags)

    def describe(self) -> str:
        decks = ", ".join(self.deck_ids) if self.deck_ids else "all decks"
        tags = f"; tags {', '.join(self.tags)}" if self.tags else ""
        return f"{decks}{tags}"


def _local_instant(day: date, hour: int, tz: tzinfo | None) -> datetime:
    naive = datetime.combine(day, time(hour))
    local = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return local.astimezone(UTC)


def exam_start(plan: ExamPlan, learner: Learner, tz: tzinfo | None = None) -> datetime:
    """The UTC instant the exam's study day begins (rollover hour, local)."""
    return _local_instant(plan.exam_date, learner.rollover_hour, tz)


def cap_instant(plan: ExamPlan, learner: Learner, tz: tzinfo | None = None) -> datetime:
    """Latest due date of the plan's cards: the start of the study day before the exam."""
    return _local_instant(plan.exam_date - timedelta(days=1), learner.rollover_hour, tz)


def _from_row(row: queries.PlanRow) -> ExamPlan:
    pid, learner_id, exam_date, deck_ids, tags, created_at = row
    return ExamPlan(
        id=pid,
        learner_id=learner_id,
        exam_date=date.fromisoformat(exam_date),
        deck_ids=deck_ids,
        tags=tags,
        created_at=created_at,
    )


def list_plans(db: Database, learner_id: int) -> list[ExamPlan]:
    return [_from_row(r) for r in queries.plan_rows(db, learner_id)]


def set_plan(
    db: Database,
    learner_id: int,
    exam_date: date | str,
    *,
    deck_ids: Iterable[str] = (),
    tags: Iterable[str] = (),
    now: datetime | None = None,
) -> ExamPlan:
    """Add a plan, or move the date of the plan with exactly this scope. An exam date that
    is not after today (the learner's study day) is refused; nothing is changed then."""
    if isinstance(exam_date, str):
        try:
            exam_date = date.fromisoformat(exam_date.strip())
        except ValueError:
            raise StoreError(f"exam date {exam_date!r} is not a date like 2027-01-15") from None
    learner = get_learner_by_id(db, learner_id)
    today = date.fromisoformat(
        study_day(now or system_clock(), learner.rollover_hour, learner_tz(learner))
    )
    if exam_date <= today:
        when = "today" if exam_date == today else "in the past"
        raise StoreError(
            f"exam date {exam_date.isoformat()} is {when}: give a date after "
            f"{today.isoformat()} (the plan is unchanged)"
        )
    decks = sorted({d.strip() for d in deck_ids if d.strip()})
    tag_list = sorted({t.strip() for t in tags if t.strip()})
    created = dt_to_ms(now or system_clock()) or 0
    plan_id = queries.save_plan(db, learner_id, exam_date.isoformat(), decks, tag_list, created)
    return next(p for p in list_plans(db, learner_id) if p.id == plan_id)


def clear_plans(db: Database, learner_id: int, plan_id: int | None = None) -> int:
    """Remove one plan (by id) or all of the learner's; returns how many were removed."""
    return queries.delete_plans(db, learner_id, plan_id)


# --------------------------------------------------------------------------- caps


def _scopes_overlap(plan: ExamPlan, scope: Scope) -> bool:
    if (
        scope.deck_ids is not None
        and plan.deck_ids
        and not set(scope.deck_ids) & set(plan.deck_ids)
    ):
        return False
    if scope.tags and plan.tags:
        return bool(set(scope.tags) & set(plan.tags))
    return True


@dataclass
class ExamCaps:
    """A learner's plans, loaded once, answering "cap for this card now?" cheaply."""

    learner: Learner
    tz: tzinfo | None = None
    plans: list[ExamPlan] = field(default_factory=list)
    _caps: list[tuple[ExamPlan, datetime]] = field(default_factory=list)
    _pace: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Database, learner: Learner, tz: tzinfo | None = None) -> ExamCaps:
        tz = tz if tz is not None else learner_tz(learner)
        plans = list_plans(db, learner.id)
        caps = [(p, cap_instant(p, learner, tz)) for p in plans]
        return cls(learner=learner, tz=tz, plans=plans, _caps=caps)

    def cap(self, deck_id: str, tags: Iterable[str], now: datetime) -> datetime | None:
        """The earliest cap of the active plans covering the card, or None."""
        best: datetime | None = None
        tag_tuple = tuple(tags)
        for plan, cap in self._caps:
            if now < cap and plan.covers(deck_id, tag_tuple) and (best is None or cap < best):
                best = cap
        return best

    def new_limit(self, db: Database, scope: Scope, now: datetime) -> int:
        """The session's daily new-card limit: the learner's, raised to the plans' pace."""
        return max(self.learner.new_per_day, self.pace(db, scope, now))

    def pace(self, db: Database, scope: Scope, now: datetime) -> int:
        """The highest new cards/day an active plan overlapping ``scope`` needs today (0:
        none). Computed once per study day and plan."""
        if not self._caps:
            return 0
        best = 0
        today = study_day(now, self.learner.rollover_hour, self.tz)
        for plan, cap in self._caps:
            if now >= cap or not _scopes_overlap(plan, scope):
                continue
            key = (today, str(plan.id))
            if key not in self._pace:
                self._pace[key] = new_pace(db, self.learner, plan, now, self.tz).per_day
            best = max(best, self._pace[key])
        return best


def plan_cap_function(
    db: Database, learner: Learner, tz: tzinfo | None = None
) -> Callable[[int, datetime], datetime | None]:
    """``cap_for(card_pk, when)`` for batch jobs (rescheduling): one query per card."""
    caps = ExamCaps.load(db, learner, tz)
    if not caps.plans:
        return lambda _pk, _when: None

    lookup = queries.card_deck_and_tags(db)

    def cap_for(card_pk: int, when: datetime) -> datetime | None:
        card = lookup(card_pk)
        return caps.cap(card[0], card[1], when) if card else None

    return cap_for


# --------------------------------------------------------------------------- pace


@dataclass(frozen=True, slots=True)
class Pace:
    new_left: int  # new cards of the scope not yet introduced, at the start of today
    days_left: int  # study days from today to the day before the exam, inclusive
    per_day: int  # ceil(new_left / days_left); 0 once the exam is here

    @property
    def needed(self) -> bool:
        return self.new_left > 0


def _today_start(learner: Learner, now: datetime, tz: tzinfo | None) -> tuple[date, datetime]:
    return (
        date.fromisoformat(study_day(now, learner.rollover_hour, tz)),
        day_start(now, learner.rollover_hour, tz),
    )


def new_pace(
    db: Database, learner: Learner, plan: ExamPlan, now: datetime, tz: tzinfo | None = None
) -> Pace:
    """How many new cards a day finish the plan's scope by the day before the exam."""
    today, start = _today_start(learner, now, tz)
    new_left = queries.new_left(db, learner.id, plan.scope(), dt_to_ms(start))
    days_left = max(0, (plan.exam_date - today).days)
    per_day = math.ceil(new_left / days_left) if days_left else 0
    return Pace(new_left=new_left, days_left=days_left, per_day=per_day)


# --------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class TagRecall:
    tag: str
    cards: int
    studied: int
    recall_now: float  # mean predicted recall at the exam with no more study (new = 0)
    recall_on_plan: float  # … on plan: the median of the simulated futures
    plan_low: float = 0.0  # … their 10th percentile
    plan_high: float = 0.0  # … their 90th percentile


@dataclass(frozen=True)
class PlanReport:
    plan: ExamPlan
    exam_start: datetime
    cap: datetime
    active: bool
    cards: int
    studied: int
    pace: Pace
    learner_new_per_day: int
    new_per_day: int  # the pace the plan uses: max(learner limit, needed)
    planned_reviews: int  # simulated answers from now until the exam (incl. learning steps)
    reviews_per_day: float
    overall: TagRecall
    by_tag: list[TagRecall]
    runs: int = 0  # simulated futures behind the "on plan" range
    calibration: float = 1.0  # the learner's review pass rate ÷ FSRS's prediction
    observed_reviews: int = 0  # reviews behind that calibration


PROJECTION_RUNS = 200  # simulated futures (fewer for large plans, at least MIN_RUNS)
PROJECTION_BUDGET = 20_000  # cards × runs
MIN_RUNS = 40
PROJECTION_SEED = 20260302


def plan_report(
    db: Database,
    learner: Learner,
    plan: ExamPlan,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    seed: int = PROJECTION_SEED,
) -> PlanReport:
    """Predicted recall on exam day per tag, the new-card pace and the reviews per day.

    *Recall now*: FSRS retrievability at the start of the exam day if the learner stops
    studying today (never-studied cards count 0). *On plan*: many simulated futures
    (:func:`quizapp.scheduling.simulate.project_recall`, a fixed seed) with the learner's
    fitted parameters: every card answered whenever it falls due, due dates capped by the
    plan, new cards introduced at the plan's pace from today, each answer passing with
    the card's predicted recall scaled by the learner's own observed pass rate; the
    median and the 10th–90th percentile of the mean recall on exam day. The mean answers
    of those futures (learning steps included) divided by the study days left are the
    reviews per day the plan needs. Suspended cards are left out.
    """
    now = (now or system_clock()).astimezone(UTC)
    tz = tz if tz is not None else learner_tz(learner)
    exam = exam_start(plan, learner, tz)
    cap = cap_instant(plan, learner, tz)
    pace = new_pace(db, learner, plan, now, tz)
    per_day = max(learner.new_per_day, pace.per_day)
    scheduler = FsrsScheduler.for_learner(learner)
    rows = queries.plan_cards(db, learner.id, plan.scope())
    today, today_start = _today_start(learner, now, tz)
    exam_day = (plan.exam_date - today).days
    day_ms = 86_400_000
    start_ms = dt_to_ms(today_start) or 0
    tag_index: dict[str, int] = {}
    cards: list[SimCard] = []
    groups: list[list[int]] = []
    counts: list[list[float]] = []  # per group: cards, studied, sum of recall now
    new_index = 0
    total_now = 0.0
    columns = queries.CARD_STATE_COLUMNS
    for pk, tags, *state in rows:
        del pk
        mem = memory_from_row(dict(zip(columns, state, strict=True)) if state[0] else None)
        studied = not mem.is_new
        r_now = (scheduler.retrievability(mem, exam) or 0.0) if studied else 0.0
        total_now += r_now
        if studied and mem.stability is not None and mem.difficulty is not None:
            last_ms = dt_to_ms(mem.last_review) if mem.last_review else start_ms
            due_ms = dt_to_ms(mem.due) if mem.due else start_ms
            cards.append(
                SimCard(
                    stability=mem.stability,
                    difficulty=mem.difficulty,
                    last_day=min(0, ((last_ms or start_ms) - start_ms) // day_ms),
                    due_day=max(0, ((due_ms or start_ms) - start_ms) // day_ms),
                    learning=mem.state in (1, 3),
                )
            )
        else:
            cards.append(SimCard(new_day=new_index // per_day if per_day else None))
            new_index += 1
        names = str(tags).split() or ["(untagged)"]
        gs = [tag_index.setdefault(t, len(tag_index)) for t in names]
        groups.append(gs)
        for g in gs:
            while len(counts) <= g:
                counts.append([0.0, 0.0, 0.0])
            counts[g][0] += 1
            counts[g][1] += studied
            counts[g][2] += r_now
    overall = len(tag_index)
    total = [float(len(cards)), float(sum(c.stability is not None for c in cards)), total_now]
    for gs in groups:
        gs.append(overall)
    while len(counts) < overall:
        counts.append([0.0, 0.0, 0.0])
    counts.append(total)
    o, p, c, nn, nnp = queries.pass_rates(db, learner.id)
    rates = PassRates(o, p, c, nn, nnp, default_recall=learner.desired_retention)
    active_plan = now < exam
    runs = max(MIN_RUNS, min(PROJECTION_RUNS, PROJECTION_BUDGET // max(1, len(cards))))
    projection = None
    if active_plan and cards:
        projection = project_recall(
            memory_parameters(learner),
            learner.desired_retention,
            cards,
            groups,
            overall + 1,
            exam_day=exam_day,
            cap_day=exam_day - 1 if now < cap else None,
            rates=rates,
            runs=runs,
            seed=seed,
        )

    def recall(tag: str, g: int) -> TagRecall:
        n_cards, n_studied, r_sum = counts[g]
        r_now = r_sum / (n_cards or 1.0)
        if projection is None:
            return TagRecall(tag, int(n_cards), int(n_studied), r_now, r_now, r_now, r_now)
        values = [run[g] for run in projection.recall]
        return TagRecall(
            tag,
            int(n_cards),
            int(n_studied),
            r_now,
            percentile(values, 0.5),
            percentile(values, 0.1),
            percentile(values, 0.9),
        )

    planned = (
        round(sum(projection.answers) / len(projection.answers)) if projection is not None else 0
    )
    return PlanReport(
        plan=plan,
        exam_start=exam,
        cap=cap,
        active=now < cap,
        cards=len(cards),
        studied=int(total[1]),
        pace=pace,
        learner_new_per_day=learner.new_per_day,
        new_per_day=per_day,
        planned_reviews=planned,
        reviews_per_day=planned / max(pace.days_left, 1) if pace.days_left else 0.0,
        overall=recall("(all)", overall),
        by_tag=[recall(t, g) for t, g in sorted(tag_index.items())],
        runs=projection.runs if projection is not None else 0,
        calibration=projection.calibration if projection is not None else 1.0,
        observed_reviews=o,
    )


def pct(x: float) -> str:
    """A recall as a percentage with one decimal, rounded down (99.96 % is not 100.0 %)."""
    return f"{math.floor(x * 1000) / 10:.1f}%"


def format_report(report: PlanReport) -> str:
    """Plain-text rendering of a :class:`PlanReport` (the CLI's `plan show`)."""
    p = report.plan
    lines = [f"Plan {p.id}: exam {p.exam_date.isoformat()} — {p.describe()}"]
    if not report.active:
        lines.append(
            "  the exam is here or past: caps no longer apply (normal scheduling)."
            if report.pace.days_left == 0
            else "  last study day before the exam: no more caps."
        )
    lines.append(
        f"  {report.cards} cards, {report.studied} studied, {report.cards - report.studied} new; "
        f"{report.pace.days_left} study day(s) left"
    )
    if report.pace.days_left:
        pace_note = (
            f"{report.pace.per_day} new/day needed; your limit is {report.learner_new_per_day}"
        )
        if report.pace.per_day > report.learner_new_per_day:
            pace_note += f", raised to {report.new_per_day} by the plan"
        lines.append(f"  new cards: {pace_note}")
        lines.append(
            f"  reviews needed: about {report.reviews_per_day:.1f}/day "
            f"({report.planned_reviews} answers incl. learning steps and relearning)"
        )
    width = max([len(t.tag) for t in report.by_tag] + [len("(all)"), len("tag")])
    lines.append("")
    lines.append("  predicted recall on exam day")
    lines.append(
        f"  {'tag'.ljust(width)}  {'cards':>5} {'studied':>7}  {'no more study':>13}  "
        f"{'on plan (10th–90th percentile)':<30}"
    )
    for t in [*report.by_tag, report.overall]:
        on_plan = (
            f"{pct(t.recall_on_plan)} ({pct(t.plan_low)}–{pct(t.plan_high)})"
            if report.runs
            else pct(t.recall_on_plan)
        )
        lines.append(
            f"  {t.tag.ljust(width)}  {t.cards:>5} {t.studied:>7}  "
            f"{pct(t.recall_now):>13}  {on_plan}"
        )
    lines.append("  (new cards count 0 in 'no more study')")
    if report.runs:
        basis = (
            f"your pass rate on {report.observed_reviews} reviews is "
            f"{report.calibration:.2f}× what FSRS predicted"
            if report.observed_reviews
            else "no reviews of yours yet: FSRS's prediction as is, uncertain"
        )
        lines.append(
            f"  ('on plan': {report.runs} simulated futures with your parameters, each answer "
            f"passing as often as you do — {basis})"
        )
    return "\n".join(lines)
