"""The FSRS adapter with fixed UTC times and fuzz off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from quizapp.model import MemoryState, Rating
from quizapp.scheduling.scheduler import FsrsScheduler, format_interval

T = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def sched() -> FsrsScheduler:
    return FsrsScheduler(0.9, fuzz=False)


def test_new_card_steps(sched: FsrsScheduler) -> None:
    new = MemoryState()
    again = sched.review(1, new, Rating.AGAIN, T)
    good = sched.review(1, new, Rating.GOOD, T)
    easy = sched.review(1, new, Rating.EASY, T)
    assert again.state == 1 and again.due == T + timedelta(minutes=1)
    assert good.state == 1 and good.due == T + timedelta(minutes=10)
    assert easy.state == 2 and easy.due is not None and easy.due - T >= timedelta(days=1)
    assert good.reps == 1 and good.lapses == 0


def test_graduation_and_lapse(sched: FsrsScheduler) -> None:
    s = sched.review(1, MemoryState(), Rating.GOOD, T)
    s = sched.review(1, s, Rating.GOOD, T + timedelta(minutes=10))
    assert s.state == 2  # graduated to review
    assert s.interval_days >= 1
    later = s.due
    assert later is not None
    lapsed = sched.review(1, s, Rating.AGAIN, later)
    assert lapsed.state == 3 and lapsed.lapses == 1
    assert lapsed.due == later + timedelta(minutes=10)


def test_higher_retention_gives_shorter_intervals() -> None:
    lo, hi = FsrsScheduler(0.8, fuzz=False), FsrsScheduler(0.97, fuzz=False)
    s_lo = lo.review(1, MemoryState(), Rating.EASY, T)
    s_hi = hi.review(1, MemoryState(), Rating.EASY, T)
    assert s_lo.due is not None and s_hi.due is not None and s_lo.due > s_hi.due


def test_clock_backwards_never_negative(sched: FsrsScheduler) -> None:
    s = sched.review(1, MemoryState(), Rating.EASY, T)
    back = sched.review(1, s, Rating.GOOD, T - timedelta(days=3))
    assert back.last_review is not None and back.last_review >= T
    assert back.due is not None and back.due >= back.last_review
    assert back.interval_days >= 0


def test_retrievability(sched: FsrsScheduler) -> None:
    s = sched.review(1, MemoryState(), Rating.EASY, T)
    assert sched.retrievability(MemoryState(), T) is None
    r0 = sched.retrievability(s, T)
    r_due = sched.retrievability(s, s.due)  # type: ignore[arg-type]
    assert r0 == pytest.approx(1.0)
    assert r_due == pytest.approx(0.9, abs=0.01)  # desired retention at the due date


def test_cap_limits_due(sched: FsrsScheduler) -> None:
    cap = T + timedelta(days=2)
    s = sched.review(1, MemoryState(), Rating.EASY, T, cap=cap)
    assert s.due == cap


def test_naive_datetime_refused(sched: FsrsScheduler) -> None:
    with pytest.raises(ValueError, match="naive"):
        sched.review(1, MemoryState(), Rating.GOOD, datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=4), "4d"),
        (timedelta(days=63), "2.1mo"),
        (timedelta(days=547), "1.5y"),
    ],
)
def test_format_interval(delta: timedelta, text: str) -> None:
    assert format_interval(delta) == text
