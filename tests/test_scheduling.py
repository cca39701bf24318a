"""The FSRS adapter with fixed UTC times and fuzz off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- fuzz: the interval shown on a grade key is the one that grade saves -----------------

_states = st.builds(
    MemoryState,
    state=st.sampled_from([1, 2, 3]),
    step=st.just(0),
    stability=st.floats(min_value=0.5, max_value=3000),
    difficulty=st.floats(min_value=1, max_value=10),
    due=st.just(T),
    last_review=st.integers(min_value=0, max_value=400).map(lambda d: T - timedelta(days=d)),
    reps=st.integers(min_value=1, max_value=60),
    lapses=st.integers(min_value=0, max_value=8),
)


@settings(max_examples=300, deadline=None)
@given(
    pk=st.integers(min_value=1, max_value=10**7),
    mem=st.one_of(st.just(MemoryState()), _states),
    rating=st.sampled_from(list(Rating)),
    later=st.integers(min_value=0, max_value=120),
)
def test_preview_equals_saved(pk: int, mem: MemoryState, rating: Rating, later: int) -> None:
    """Fuzz on: every grade's previewed state is exactly the saved one, even when the
    answer is saved seconds after the preview was drawn, and drawn again."""
    sched = FsrsScheduler(0.9, fuzz=True)
    shown = sched.preview(pk, mem, T)[rating]
    saved = FsrsScheduler(0.9, fuzz=True).review(pk, mem, rating, T)
    assert shown == saved
    if shown.due is not None and mem.last_review is not None:
        again = sched.review(pk, mem, rating, T + timedelta(seconds=later))
        assert again.due is not None
        assert (again.due - T).days == (shown.due - T).days


def test_fuzz_spreads_cards_learnt_together() -> None:
    """Fuzz still does its job: the same interval drawn for many cards spreads over the
    Anki fuzz range instead of landing on one day, and stays inside it."""
    sched = FsrsScheduler(0.9, fuzz=True)
    plain = FsrsScheduler(0.9, fuzz=False)
    mem = MemoryState(
        state=2,
        step=None,
        stability=40.0,
        difficulty=5.0,
        due=T,
        last_review=T - timedelta(days=40),
        reps=5,
    )

    def days_until(state: MemoryState) -> int:
        assert state.due is not None
        return (state.due - T).days

    base = days_until(plain.review(1, mem, Rating.GOOD, T))
    days = [days_until(sched.review(pk, mem, Rating.GOOD, T)) for pk in range(1, 400)]
    assert len(set(days)) >= 5
    assert all(abs(d - base) <= 0.05 * base + 3 for d in days)
