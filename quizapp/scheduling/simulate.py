"""Retention advisor core: what a desired retention costs and buys, by simulation.

For each candidate desired retention, fsrs-rs's workload simulator (``simulate`` in
``fsrs-rs-python``) plays a learner through ``learn_span_days`` days: ``new_per_day``
new cards a day from a deck of ``deck_size`` until it is exhausted, at most
``review_limit`` reviews a day (new cards do not count against it, Anki's default),
each card scheduled by FSRS with the given parameters and its recall drawn at random
from the model's own predicted retrievability.

Simulated costs and behaviour are the library's defaults (``default_simulator_config()``
of fsrs-rs-python 0.9, fsrs-rs 6.6), which come from Anki users' review logs:

* seconds per answer, by card state and button (Again / Hard / Good / Easy):
  learning 19.58 / 18.79 / 13.78 / 10.71, review 19.38 / 17.59 / 12.38 / 8.94,
  relearning 16.44 / 15.25 / 12.32 / 8.03;
* first ratings of a new card: Again 24 %, Hard 9.4 %, Good 49.5 %, Easy 17.1 %;
  ratings of a recalled review card: Hard 22.4 %, Good 63.1 %, Easy 14.5 %;
* two learning steps and one relearning step (with Anki-derived transition
  probabilities), maximum interval 36,500 days.

The library's default 30-minute daily time cap is lifted unless ``max_minutes_per_day``
is given, so the table shows the workload a retention really asks for.

"Memorized" is the library's ``memorized_cnt_per_day`` on the last day: the sum over
learned cards of their probability of recall that day — the expected number of cards
the learner would recall. "Knowledge per minute" is that divided by the total minutes
spent, the quantity Anki's "compute optimal retention" maximises (fsrs-rs's default
CMRR target is its inverse, cost per memorized card). A whole table at
``deck_size=1000`` over a year takes well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import fsrs_rs_python as fsrs_rs

DEFAULT_RETENTIONS: tuple[float, ...] = (0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.97, 0.99)

_NO_CAP_SECONDS = 1e9


@dataclass(frozen=True, slots=True)
class AdvisorRow:
    """Simulated outcome of one desired retention (means are over all simulated days)."""

    desired_retention: float
    reviews_per_day: float  # reviews of learned cards (relearning steps are in the time)
    new_per_day: float  # new cards introduced
    minutes_per_day: float  # all studying: learning steps, reviews, relearning
    memorized: float  # expected number of cards recalled on the last day
    knowledge_per_minute: float  # memorized / total minutes

    @property
    def total_minutes(self) -> float:
        return self.memorized / self.knowledge_per_minute if self.knowledge_per_minute else 0.0


def _config(
    *,
    deck_size: int,
    learn_span_days: int,
    new_per_day: int,
    review_limit: int,
    max_minutes_per_day: float | None,
) -> fsrs_rs.SimulatorConfig:
    config = fsrs_rs.default_simulator_config()
    config.deck_size = deck_size
    config.learn_span = learn_span_days
    config.learn_limit = new_per_day
    config.review_limit = review_limit
    config.max_cost_perday = (
        _NO_CAP_SECONDS if max_minutes_per_day is None else max_minutes_per_day * 60.0
    )
    return config


def advise(
    parameters: Sequence[float],
    *,
    deck_size: int,
    learn_span_days: int = 365,
    new_per_day: int,
    review_limit: int,
    retentions: Sequence[float] = DEFAULT_RETENTIONS,
    seed: int = 42,
    max_minutes_per_day: float | None = None,
) -> list[AdvisorRow]:
    """Simulate each desired retention and return one row per retention, in the given order.

    ``parameters`` are FSRS parameters (21 for FSRS-6; 17 or 19 are filled in by the
    library). The same ``seed`` is used for every retention, so rows differ by the
    retention only, and a call is reproducible.
    """
    if deck_size < 1:
        raise ValueError(f"deck_size must be >= 1, got {deck_size}")
    if learn_span_days < 1:
        raise ValueError(f"learn_span_days must be >= 1, got {learn_span_days}")
    if new_per_day < 0 or review_limit < 0:
        raise ValueError("new_per_day and review_limit must be >= 0")
    if not retentions:
        raise ValueError("no retentions to simulate")
    for retention in retentions:
        if not 0.0 < retention < 1.0:
            raise ValueError(f"desired retention must be between 0 and 1, got {retention}")
    if max_minutes_per_day is not None and max_minutes_per_day <= 0:
        raise ValueError(f"max_minutes_per_day must be > 0, got {max_minutes_per_day}")
    weights = fsrs_rs.check_and_fill_parameters(list(parameters))
    config = _config(
        deck_size=deck_size,
        learn_span_days=learn_span_days,
        new_per_day=new_per_day,
        review_limit=review_limit,
        max_minutes_per_day=max_minutes_per_day,
    )

    rows: list[AdvisorRow] = []
    for retention in retentions:
        result = fsrs_rs.simulate(weights, retention, config, seed)
        days = len(result.review_cnt_per_day)
        total_minutes = sum(result.cost_per_day) / 60.0
        memorized = float(result.memorized_cnt_per_day[-1])
        rows.append(
            AdvisorRow(
                desired_retention=retention,
                reviews_per_day=sum(result.review_cnt_per_day) / days,
                new_per_day=sum(result.learn_cnt_per_day) / days,
                minutes_per_day=total_minutes / days,
                memorized=memorized,
                knowledge_per_minute=memorized / total_minutes if total_minutes else 0.0,
            )
        )
    return rows


def best(rows: Sequence[AdvisorRow]) -> AdvisorRow:
    """The row with the most knowledge per minute (ties: the lower retention, less work)."""
    if not rows:
        raise ValueError("no rows to choose from")
    return max(rows, key=lambda row: (row.knowledge_per_minute, -row.desired_retention))


# --------------------------------------------------------------------------- exam projection
#
# The exam-day projection of `quizapp plan` (quizapp.personal.exam.plan_report): many runs
# of the learner's own future, each card answered whenever it falls due until the exam,
# each answer's success drawn from the card's predicted recall calibrated by the learner's
# observed pass rates. fsrs-rs's simulator cannot start from the learner's current card
# states, so this is a small day-level simulator of FSRS-6 over py-fsrs's own formulas
# (the private helpers of `fsrs.Scheduler`: the same stability, difficulty and interval
# arithmetic a study session uses), in pure Python.


class DayFsrs:
    """FSRS-6 at day resolution: py-fsrs's formulas (``fsrs.Scheduler``'s helpers) on
    plain floats, for simulating many futures quickly."""

    def __init__(
        self, parameters: Sequence[float], desired_retention: float, maximum_interval: int
    ) -> None:
        from fsrs import Scheduler

        sched = Scheduler(parameters=tuple(parameters), desired_retention=desired_retention)
        self.w = w = list(sched.parameters)
        self.decay = -w[20]
        self.factor = 0.9 ** (1.0 / self.decay) - 1.0
        self.ivl_k = (desired_retention ** (1.0 / self.decay) - 1.0) / self.factor
        self.d_easy = w[4] - math.exp(w[5] * 3) + 1
        self.forget_short = math.exp(w[17] * w[18])
        self.short_inc = math.exp(w[17] * w[18])  # Good: e^(w17·(3 − 3 + w18))
        self.exp_w8 = math.exp(w[8])
        self.maximum_interval = maximum_interval
        self._exp = math.exp

    @staticmethod
    def clamp_d(d: float) -> float:
        return min(max(d, 1.0), 10.0)

    def next_d(self, d: float, rating: int) -> float:
        w = self.w
        delta = -(w[6] * (rating - 3))
        return self.clamp_d(w[7] * self.d_easy + (1 - w[7]) * (d + (10.0 - d) * delta / 9.0))

    def short(self, s: float) -> float:
        """Stability after a same-day Good."""
        return max(s * max(self.short_inc * s ** -self.w[19], 1.0), 0.001)

    def recall_s(self, d: float, s: float, r: float) -> float:
        w = self.w
        grow = self.exp_w8 * (11 - d) * s ** -w[9] * (self._exp((1 - r) * w[10]) - 1)
        return max(s * (1 + grow), 0.001)

    def forget_s(self, d: float, s: float, r: float) -> float:
        w = self.w
        long = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * self._exp((1 - r) * w[14])
        return max(min(long, s / self.forget_short), 0.001)

    def interval(self, s: float) -> int:
        return min(max(round(s * self.ivl_k), 1), self.maximum_interval)

    def retr(self, days: int, s: float) -> float:
        return float((1 + self.factor * max(days, 0) / s) ** self.decay)


PRIOR_WEIGHT = 20.0  # pseudo-answers of the prior behind an observed pass rate
NEW_PASS_PRIOR = 0.76  # first answers of new cards not Again (fsrs-rs's default 1 − 24 %)
_MAX_REVIEWS_PER_CARD = 500


@dataclass(frozen=True, slots=True)
class SimCard:
    """One card at the start of the projection (days counted from the start of today).

    A studied card has ``stability``/``difficulty``, its last review's day ``last_day``
    (0 or negative) and the day it falls due ``due_day`` (0 when due today or overdue);
    ``learning`` cards are in their same-day steps. A new card has no stability and is
    introduced on ``new_day`` (None: not before the exam)."""

    stability: float | None = None
    difficulty: float | None = None
    last_day: int = 0
    due_day: int = 0
    learning: bool = False
    new_day: int | None = None


@dataclass(frozen=True, slots=True)
class PassRates:
    """The learner's observed answers: reviews of review-state cards (passed = not Again)
    with the recall FSRS predicted for them, and first answers of new cards."""

    reviews: int = 0
    reviews_passed: int = 0
    predicted_sum: float = 0.0  # sum of the predicted recall of those reviews
    new: int = 0
    new_passed: int = 0
    default_recall: float = 0.9  # predicted recall when there are no reviews (retention)

    @property
    def predicted(self) -> float:
        return self.predicted_sum / self.reviews if self.reviews else self.default_recall


@dataclass(frozen=True, slots=True)
class Projection:
    """Per run: the mean recall on exam day of each group, and the answers given."""

    recall: list[list[float]]  # runs × groups
    answers: list[int]  # per run: answers until the exam (learning steps included)
    runs: int
    calibration: float  # observed ÷ predicted pass rate of reviews (shrunk to the prior)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _calibrated(r: float, odds: float) -> float:
    """Predicted recall ``r`` with its odds multiplied by ``odds`` (a shift on the
    log-odds scale: never 0 or 1 for 0 < r < 1)."""
    r = min(r, 1 - 1e-9)
    return r * odds / (1 - r + r * odds)


def project_recall(
    parameters: Sequence[float],
    desired_retention: float,
    cards: Sequence[SimCard],
    groups: Sequence[Sequence[int]],
    n_groups: int,
    *,
    exam_day: int,
    cap_day: int | None,
    rates: PassRates,
    runs: int = 200,
    seed: int = 20260302,
    maximum_interval: int = 36500,
    max_answers: int | None = 60_000,
    min_runs: int = 20,
) -> Projection:
    """Simulate ``runs`` futures of ``cards`` until the start of ``exam_day``.

    Each run first draws the learner's review pass rate from its posterior (Beta: the
    observed passes and fails plus ``PRIOR_WEIGHT`` answers at the predicted rate) and
    moves every predicted recall by ``logit(drawn) − logit(predicted)`` on the log-odds
    scale — the learner's own calibration, which never reaches 0 or 1;
    new cards' first answers pass with a rate drawn likewise (prior 0.76). A passed review
    is Good, a failed one Again followed by its relearning step (Good, the same day); a
    new card passes its learning steps the same day. Due dates are capped at ``cap_day``
    (the day before the exam) for answers before it. Recall on exam day is the card's
    calibrated predicted recall then (0 for a card never studied); ``groups[i]`` lists the
    groups (tags) card ``i`` counts in, and each run gives each group's mean.

    Work is bounded: after 10 runs, fewer runs are made (at least ``min_runs``) when
    ``runs`` of them would simulate more than ``max_answers`` answers (a large plan or a
    far exam); the seed fixes the figures all the same.
    """
    import random

    f = DayFsrs(parameters, desired_retention, maximum_interval)
    short, next_d, recall_s, forget_s = f.short, f.next_d, f.recall_s, f.forget_s
    interval, retr, w = f.interval, f.retr, f.w
    clamp_d = f.clamp_d

    d_good, d_again = clamp_d(w[4] - math.exp(w[5] * 2) + 1), clamp_d(w[4])
    predicted = min(max(rates.predicted, 0.01), 0.999)
    a_rev = rates.reviews_passed + PRIOR_WEIGHT * predicted
    b_rev = (rates.reviews - rates.reviews_passed) + PRIOR_WEIGHT * (1 - predicted)
    a_new = rates.new_passed + PRIOR_WEIGHT * NEW_PASS_PRIOR
    b_new = (rates.new - rates.new_passed) + PRIOR_WEIGHT * (1 - NEW_PASS_PRIOR)
    calibration = (a_rev / (a_rev + b_rev)) / predicted
    rng = random.Random(seed)
    sizes = [0] * n_groups
    for gs in groups:
        for g in gs:
            sizes[g] += 1
    out: list[list[float]] = []
    answers: list[int] = []
    run = 0
    while run < runs:
        run += 1
        if run == 11 and max_answers is not None:
            per_run = max(1.0, sum(answers) / len(answers))
            runs = max(min(runs, min_runs), min(runs, int(max_answers / per_run)))
        odds = math.exp(_logit(rng.betavariate(a_rev, b_rev)) - _logit(predicted))
        p_new = rng.betavariate(a_new, b_new)
        sums = [0.0] * n_groups
        given = 0
        for card, gs in zip(cards, groups, strict=True):
            s, d = card.stability, card.difficulty
            last, due = card.last_day, card.due_day
            if s is None or d is None:
                if card.new_day is None or card.new_day >= exam_day:
                    continue  # never studied before the exam: recall 0
                day = card.new_day
                if rng.random() < p_new:
                    s, d = max(w[2], 0.001), d_good
                    given += 2
                else:
                    s, d = short(max(w[0], 0.001)), next_d(d_again, 3)
                    given += 3
                s, d = short(s), next_d(d, 3)
                last, due = day, day + interval(s)
                if cap_day is not None and day < cap_day < due:
                    due = cap_day
            elif card.learning:
                day = max(due, 0)
                if day < exam_day:
                    s, d = short(s), next_d(d, 3)
                    last, due = day, day + interval(s)
                    given += 1
                    if cap_day is not None and day < cap_day < due:
                        due = cap_day
            n = 0
            while due < exam_day and n < _MAX_REVIEWS_PER_CARD:
                day = max(due, 0)
                r = retr(day - last, s)
                if rng.random() < _calibrated(r, odds):
                    s, d = recall_s(d, s, r), next_d(d, 3)
                    given += 1
                else:
                    s, d = forget_s(d, s, r), next_d(d, 1)
                    s, d = short(s), next_d(d, 3)  # the relearning step, passed that day
                    given += 2
                last, due = day, day + interval(s)
                if cap_day is not None and day < cap_day < due:
                    due = cap_day
                n += 1
            at_exam = _calibrated(retr(exam_day - last, s), odds)
            for g in gs:
                sums[g] += at_exam
        out.append([sums[g] / sizes[g] if sizes[g] else 0.0 for g in range(n_groups)])
        answers.append(given)
    return Projection(recall=out, answers=answers, runs=runs, calibration=calibration)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``, linear between order statistics."""
    xs = sorted(values)
    if not xs:
        return 0.0
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
