"""A thin adapter over py-fsrs (FSRS-6).

Scheduling state is kept in the store as plain numbers (`MemoryState`); this module
turns it into `fsrs.Card`s and back. All datetimes are timezone-aware UTC. A clock that
moves backwards is treated as "no time passed" (never a negative interval).

Fuzz (Anki's: a review interval of 3+ days moves by a few percent, so cards learnt together
do not stay together) is drawn here, not by py-fsrs, from a generator seeded by the card and
its state before the review. The interval shown on a grade key (`preview`) is therefore the
one that grade saves (`review`), however often either is computed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from math import floor
from typing import TYPE_CHECKING

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler, State
from fsrs.scheduler import FUZZ_RANGES

from quizapp.clock import utc
from quizapp.model import MemoryState, Rating

if TYPE_CHECKING:
    from quizapp.store.learners import Learner

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MATURE_DAYS = 21


class FsrsScheduler:
    """Per-learner scheduler: desired retention, optional fitted parameters, fuzz."""

    def __init__(
        self,
        desired_retention: float = 0.9,
        parameters: Sequence[float] | None = None,
        *,
        fuzz: bool = True,
        maximum_interval: int = 36500,
    ) -> None:
        kwargs: dict[str, object] = {
            "desired_retention": desired_retention,
            "learning_steps": LEARNING_STEPS,
            "relearning_steps": RELEARNING_STEPS,
            "maximum_interval": maximum_interval,
            "enable_fuzzing": False,  # drawn by `_fuzzed` instead, seeded per card state
        }
        if parameters:
            kwargs["parameters"] = tuple(parameters)
        self._scheduler = Scheduler(**kwargs)  # type: ignore[arg-type]
        self.desired_retention = desired_retention
        self.fuzz = fuzz
        self.maximum_interval = maximum_interval

    @classmethod
    def for_learner(
        cls,
        learner: Learner,
        *,
        fuzz: bool = False,
        parameters: Sequence[float] | None = None,
    ) -> FsrsScheduler:
        """The learner's scheduler: their desired retention and fitted parameters
        (`parameters` overrides the fitted ones, e.g. while replaying with new ones).
        Without fuzz unless asked: only a live study session draws fuzzed intervals."""
        params = parameters if parameters is not None else learner.fsrs_params
        return cls(learner.desired_retention, params, fuzz=fuzz)

    def _to_fsrs(self, card_pk: int, mem: MemoryState, now: datetime) -> FsrsCard:
        if mem.state is None:  # new
            return FsrsCard(card_id=card_pk, due=now)
        return FsrsCard(
            card_id=card_pk,
            state=State(mem.state),
            step=mem.step,
            stability=mem.stability,
            difficulty=mem.difficulty,
            due=mem.due or now,
            last_review=mem.last_review,
        )

    def review(
        self,
        card_pk: int,
        mem: MemoryState,
        rating: Rating,
        now: datetime,
        *,
        cap: datetime | None = None,
    ) -> MemoryState:
        """The state after answering with `rating` at `now` (due capped at `cap` if given)."""
        now = utc(now)
        if mem.last_review and now < mem.last_review:
            now = mem.last_review  # clock went backwards: treat as no time elapsed
        card, _log = self._scheduler.review_card(
            self._to_fsrs(card_pk, mem, now), FsrsRating(int(rating)), review_datetime=now
        )
        due = card.due
        if self.fuzz and card.state == State.Review:
            days = self._fuzzed((due - now).days, _fuzz_seed(card_pk, mem))
            due = now + timedelta(days=days)
        if cap is not None and due > cap and cap > now:
            due = cap
        lapses = mem.lapses + (
            1 if rating == Rating.AGAIN and mem.state == State.Review.value else 0
        )
        return MemoryState(
            state=card.state.value,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=card.last_review or now,
            reps=mem.reps + 1,
            lapses=lapses,
        )

    def preview(
        self, card_pk: int, mem: MemoryState, now: datetime, *, cap: datetime | None = None
    ) -> dict[Rating, MemoryState]:
        """What each grade would give, for showing intervals on the grade keys."""
        return {r: self.review(card_pk, mem, r, now, cap=cap) for r in Rating}

    def _fuzzed(self, days: int, seed: int) -> int:
        """Anki's fuzz of a review interval of `days` (unchanged below 3 days): a draw in
        [days - delta, days + delta], delta growing 15 % of the days from 2.5 to 7, 10 % from 7
        to 20 and 5 % beyond (py-fsrs's FUZZ_RANGES), from a generator seeded with `seed`."""
        if days < 2.5:
            return days
        delta = 1.0
        for r in FUZZ_RANGES:
            delta += r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0)
        low = max(2, round(days - delta))
        high = min(round(days + delta), self.maximum_interval)
        low = min(low, high)
        draw = random.Random(seed).random()
        return min(floor(draw * (high - low + 1)) + low, high, self.maximum_interval)

    def retrievability(self, mem: MemoryState, now: datetime) -> float | None:
        """Predicted probability of recall at `now` (None for a new card)."""
        if mem.is_new or mem.stability is None or mem.last_review is None:
            return None
        now = max(utc(now), mem.last_review)
        card = self._to_fsrs(0, mem, now)
        return float(self._scheduler.get_card_retrievability(card, current_datetime=now))


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval: '<1m', '10m', '3h', '4d', '2.1mo', '1.5y'."""
    seconds = max(0.0, delta.total_seconds())
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def _fuzz_seed(card_pk: int, mem: MemoryState) -> int:
    """The same number for the same card in the same state: its previewed and saved
    intervals get the same fuzz; the next review of it (one more rep) draws anew."""
    last = round(mem.last_review.timestamp()) if mem.last_review else 0
    return (card_pk * 1_000_003 + mem.reps) * 1_000_000_007 + last
