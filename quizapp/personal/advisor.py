"""Retention advisor: what each desired retention costs (time) and buys (knowledge).

:func:`advice` is pure (parameters and numbers in, an :class:`Advice` out) so the TUI can
call it in a worker; :func:`advice_for_learner` reads the learner's parameters, limits
and collection size from the store. The simulation itself is
:func:`quizapp.scheduling.simulate.advise` (fsrs-rs's workload simulator, seeded, deterministic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.scheduling.memory import parameters
from quizapp.scheduling.simulate import DEFAULT_RETENTIONS, AdvisorRow, advise, best
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries.study import scope_size

if TYPE_CHECKING:
    from quizapp.store.scope import Scope

BAR_WIDTH = 40


@dataclass(frozen=True)
class Advice:
    rows: list[AdvisorRow]
    best: AdvisorRow
    deck_size: int
    days: int
    new_per_day: int
    review_limit: int
    personalised: bool  # the learner's fitted parameters (False: FSRS-6 defaults)

    @property
    def suggestion(self) -> str:
        """The suggested retention as text ("0.70 or lower" when the lowest tried wins)."""
        lowest = min(r.desired_retention for r in self.rows)
        text = f"{self.best.desired_retention:.2f}"
        return f"{text} or lower" if self.best.desired_retention == lowest else text


def advice(
    params: Sequence[float],
    *,
    deck_size: int,
    new_per_day: int,
    review_limit: int,
    days: int = 365,
    retentions: Sequence[float] = DEFAULT_RETENTIONS,
    personalised: bool = False,
    seed: int = 42,
) -> Advice:
    """Simulate ``days`` of study for each desired retention and pick the best."""
    rows = advise(
        params,
        deck_size=max(deck_size, 1),
        learn_span_days=days,
        new_per_day=new_per_day,
        review_limit=review_limit,
        retentions=retentions,
        seed=seed,
    )
    return Advice(
        rows=rows,
        best=best(rows),
        deck_size=max(deck_size, 1),
        days=days,
        new_per_day=new_per_day,
        review_limit=review_limit,
        personalised=personalised,
    )


def collection_size(db: Database, scope: Scope | None = None) -> int:
    """Active study items in ``scope`` (all active decks by default)."""
    from quizapp.store.scope import Scope

    return scope_size(db, scope or Scope())


def advice_for_learner(
    db: Database, learner: Learner, scope: Scope | None = None, *, days: int = 365
) -> Advice:
    """:func:`advice` with the learner's parameters, limits and collection size."""
    return advice(
        parameters(learner),
        deck_size=collection_size(db, scope),
        new_per_day=learner.new_per_day,
        review_limit=learner.reviews_per_day,
        days=days,
        personalised=bool(learner.fsrs_params),
    )


def format_table(adv: Advice, current: float | None = None) -> str:
    """The table: one row per retention; the suggestion marked ``◀ best``."""
    lines = [
        f"{'retention':>9}  {'reviews/day':>11}  {'minutes/day':>11}  "
        f"{'remembered':>10}  {'per minute':>10}"
    ]
    for r in adv.rows:
        mark = ""
        if r is adv.best:
            mark = "  ◀ best"
        if current is not None and abs(r.desired_retention - current) < 1e-9:
            mark += "  (yours)"
        lines.append(
            f"{r.desired_retention:>9.2f}  {r.reviews_per_day:>11.1f}  {r.minutes_per_day:>11.1f}"
            f"  {r.memorized:>10.0f}  {r.knowledge_per_minute:>10.3f}{mark}"
        )
    return "\n".join(lines)


def bar_chart(adv: Advice, width: int = BAR_WIDTH) -> str:
    """ASCII bars of minutes/day per retention."""
    top = max((r.minutes_per_day for r in adv.rows), default=0.0) or 1.0
    lines = []
    for r in adv.rows:
        n = round(r.minutes_per_day / top * width)
        lines.append(f"{r.desired_retention:>5.2f} |{'#' * n:<{width}}| {r.minutes_per_day:.1f}")
    return "\n".join(lines)
