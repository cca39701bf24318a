"""The clock moving backwards or jumping forwards, and study days across DST.

A property test drives a StudySession with a fake clock through random answers and clock
moves (minutes to a year, either way) and checks the stored state after every step.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.store.learners import ensure_learner
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import T0, FakeClock

_names = itertools.count()

STEP = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from(list(Rating))),
    st.tuples(
        st.just("clock"),
        st.sampled_from([-365 * 24 * 60, -3 * 24 * 60, -600, -61, -1, 1, 10, 600, 2 * 24 * 60])
        | st.integers(-60 * 24 * 400, 60 * 24 * 400),
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=30))
def test_clock_jumps_never_corrupt_state(
    steps: list[tuple[str, object]], db: Database, write_deck: Callable[..., Path]
) -> None:
    sync_paths(db, [write_deck().parent])
    learner = ensure_learner(db, f"clock{next(_names)}")
    clock = FakeClock(T0)
    s = session_for(db, learner, ["small"], clock=clock, tz=UTC, fuzz=False)
    reps: dict[int, int] = {}
    for kind, value in steps:
        if kind == "clock":
            clock.advance(minutes=int(value))  # type: ignore[arg-type]
            continue
        item = s.next_item()
        if item is None:
            clock.advance(days=1)
            continue
        assert all(d >= timedelta(0) for d in s.preview(item).values())
        s.answer(item, Rating(value))  # type: ignore[arg-type]
        rows = db.conn.execute(
            "SELECT card_pk, state, due, last_review, reps, stability, difficulty "
            "FROM card_state WHERE learner_id = ? AND state IS NOT NULL",
            [learner.id],
        ).fetchall()
        for pk, state, due, last, n, stability, difficulty in rows:
            assert state in (1, 2, 3)
            assert due >= last, (due, last)
            assert n >= reps.get(pk, 0)
            reps[pk] = n
            assert stability > 0 and 1 <= difficulty <= 10
        bad = db.conn.execute(
            "SELECT id, elapsed_days, due, reviewed_at FROM reviews WHERE learner_id = ? AND "
            "(elapsed_days < 0 OR state NOT IN (1, 2, 3) OR due IS NULL)",
            [learner.id],
        ).fetchall()
        assert bad == []
    n_reviews = db.conn.execute(
        "SELECT count(*) FROM reviews WHERE learner_id = ?", [learner.id]
    ).fetchone()[0]
    assert n_reviews == sum(reps.values())


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("local", "day"),
    [
        # 25 October 2026, clocks go back 03:00 CEST -> 02:00 CET; the day starts at 04:00
        ("2026-10-25T03:30:00+01:00", "2026-10-24"),  # 03:30 after fall-back: still the 24th
        ("2026-10-25T02:30:00+02:00", "2026-10-24"),  # the first 02:30 (CEST)
        ("2026-10-25T02:30:00+01:00", "2026-10-24"),  # the second 02:30 (CET)
        ("2026-10-25T04:30:00+01:00", "2026-10-25"),
        # 29 March 2026, 02:00 CET -> 03:00 CEST
        ("2026-03-29T03:30:00+02:00", "2026-03-28"),
        ("2026-03-29T04:00:00+02:00", "2026-03-29"),
    ],
)
def test_session_across_dst_counts_in_the_right_study_day(
    local: str, day: str, db: Database, write_deck: Callable[..., Path]
) -> None:
    """An answer late the evening before counts in the study day of `local` iff `local` is
    before the 04:00 rollover; the study day is 23, 24 or 25 hours long across DST."""
    sync_paths(db, [write_deck().parent])
    learner = ensure_learner(db, "dst")
    at_local = datetime.fromisoformat(local)
    at = at_local.astimezone(UTC)
    evening_day = at_local.date() - timedelta(days=1)
    evening = datetime(evening_day.year, evening_day.month, evening_day.day, 23, tzinfo=PARIS)
    clock = FakeClock(evening.astimezone(UTC))
    s = session_for(db, learner, ["small"], clock=clock, tz=PARIS, fuzz=False)
    item = s.next_item()
    assert item is not None
    s.answer(item, Rating.EASY)  # a new card, introduced at 23:00 the evening before
    clock.now = at
    same_day = at_local.hour < 4
    assert s.done_today() == ((1, 0) if same_day else (0, 0))
    start, end = s._day_bounds(clock.now)
    local_start = datetime.fromtimestamp(start / 1000, PARIS)
    assert local_start.date().isoformat() == day and local_start.hour == 4
    local_end = datetime.fromtimestamp(end / 1000, PARIS)
    assert local_end.hour == 4 and (local_end.date() - local_start.date()).days == 1
    assert end - start in (23 * 3_600_000, 24 * 3_600_000, 25 * 3_600_000)
