"""Retention advisor: workload simulation per desired retention."""

from __future__ import annotations

import time

import pytest

from quizapp.scheduling.optimizer import DEFAULT_PARAMETERS
from quizapp.scheduling.simulate import DEFAULT_RETENTIONS, AdvisorRow, advise, best

SETUP = {"deck_size": 1000, "learn_span_days": 365, "new_per_day": 20, "review_limit": 9999}


@pytest.fixture(scope="module")
def table() -> list[AdvisorRow]:
    return advise(DEFAULT_PARAMETERS, **SETUP)


def test_one_row_per_retention_in_order(table: list[AdvisorRow]) -> None:
    assert [row.desired_retention for row in table] == list(DEFAULT_RETENTIONS)
    for row in table:
        assert row.reviews_per_day > 0
        assert row.minutes_per_day > 0
        assert 0 < row.memorized <= SETUP["deck_size"]
        assert row.knowledge_per_minute == pytest.approx(row.memorized / row.total_minutes)
        # 1000 cards at 20 a day are all introduced within the year
        assert row.new_per_day * SETUP["learn_span_days"] == pytest.approx(SETUP["deck_size"])


def test_higher_retention_means_more_reviews_and_more_remembered() -> None:
    rows = advise(DEFAULT_PARAMETERS, retentions=(0.70, 0.80, 0.90, 0.97), **SETUP)
    reviews = [row.reviews_per_day for row in rows]
    minutes = [row.minutes_per_day for row in rows]
    memorized = [row.memorized for row in rows]
    assert reviews == sorted(reviews) and len(set(reviews)) == 4
    assert minutes == sorted(minutes)
    assert memorized == sorted(memorized)
    assert reviews[-1] > 3 * reviews[0]  # 97 % costs far more than 70 %


def test_best_is_most_knowledge_per_minute(table: list[AdvisorRow]) -> None:
    chosen = best(table)
    assert chosen.knowledge_per_minute == max(row.knowledge_per_minute for row in table)
    assert 0.70 <= chosen.desired_retention < 0.97
    with pytest.raises(ValueError):
        best([])


def test_best_prefers_lower_retention_on_ties() -> None:
    a = AdvisorRow(0.9, 10, 1, 5, 100, 2.0)
    b = AdvisorRow(0.8, 8, 1, 4, 80, 2.0)
    assert best([a, b]) is b


def test_reproducible_and_fast(table: list[AdvisorRow]) -> None:
    started = time.perf_counter()
    again = advise(DEFAULT_PARAMETERS, **SETUP)
    assert time.perf_counter() - started < 5
    assert again == table


def test_review_limit_and_time_cap_bind() -> None:
    capped = advise(DEFAULT_PARAMETERS, retentions=(0.95,), **{**SETUP, "review_limit": 30})
    assert capped[0].reviews_per_day <= 30
    budget = advise(DEFAULT_PARAMETERS, retentions=(0.95,), max_minutes_per_day=10, **SETUP)
    free = advise(DEFAULT_PARAMETERS, retentions=(0.95,), **SETUP)
    assert budget[0].minutes_per_day < free[0].minutes_per_day


@pytest.mark.parametrize(
    "bad",
    [
        {"deck_size": 0},
        {"learn_span_days": 0},
        {"new_per_day": -1},
        {"retentions": ()},
        {"retentions": (1.0,)},
        {"max_minutes_per_day": 0},
    ],
)
def test_invalid_arguments(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        advise(DEFAULT_PARAMETERS, **{**SETUP, **bad})  # type: ignore[arg-type]
