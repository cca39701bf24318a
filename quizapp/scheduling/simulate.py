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
