"""Study-day rollover in local time, across DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from quizapp.clock import day_start, next_day_start, study_day

PARIS = ZoneInfo("Europe/Paris")


def at(s: str) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "start", "end", "day"),
    [
        # 10:00 UTC = 11:00 CET: the day began at 04:00 CET = 03:00 UTC
        ("2026-01-15T10:00", "2026-01-15T03:00", "2026-01-16T03:00", "2026-01-15"),
        # 01:30 UTC = 02:30 CET: still the previous study day
        ("2026-01-15T01:30", "2026-01-14T03:00", "2026-01-15T03:00", "2026-01-14"),
        # spring forward (29 March 2026): the day is 23 hours long
        ("2026-03-29T10:00", "2026-03-29T02:00", "2026-03-30T02:00", "2026-03-29"),
        ("2026-03-29T01:30", "2026-03-28T03:00", "2026-03-29T02:00", "2026-03-28"),
        # fall back (25 October 2026): 02:30 UTC = 03:30 CET, before 04:00
        ("2026-10-25T02:30", "2026-10-24T02:00", "2026-10-25T03:00", "2026-10-24"),
    ],
)
def test_rollover_in_paris(now: str, start: str, end: str, day: str) -> None:
    n = at(now)
    assert day_start(n, 4, PARIS) == at(start)
    assert next_day_start(n, 4, PARIS) == at(end)
    assert study_day(n, 4, PARIS) == day


def test_rollover_hour_zero_is_midnight() -> None:
    n = at("2026-01-15T23:59")
    assert day_start(n, 0, UTC) == at("2026-01-15T00:00")
    assert next_day_start(n, 0, UTC) == at("2026-01-16T00:00")
