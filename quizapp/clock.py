"""Time: an injectable UTC clock and the learner's local study day.

Everything is stored in UTC. The study day rolls over at the learner's rollover hour
(default 04:00) in local time, so a session past midnight still counts as "today".
DST is handled by converting through the local time zone at each instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def _local(now: datetime, tz: tzinfo | None) -> datetime:
    return now.astimezone(tz) if tz is not None else now.astimezone()


def day_start(now: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> datetime:
    """The UTC instant the current study day began."""
    local = _local(now, tz)
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start = (start - timedelta(days=1)).replace(hour=rollover_hour)
    return _normalise(start, tz).astimezone(UTC)


def next_day_start(now: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> datetime:
    """The UTC instant the next study day begins."""
    local_start = day_start(now, rollover_hour, tz).astimezone(tz) if tz else None
    base = local_start if local_start is not None else _local(day_start(now, rollover_hour), None)
    nxt = (base + timedelta(days=1)).replace(hour=rollover_hour)
    return _normalise(nxt, tz).astimezone(UTC)


def _normalise(dt: datetime, tz: tzinfo | None) -> datetime:
    """Re-resolve a wall time in the zone (fixes the offset after crossing DST)."""
    if tz is None:
        return dt.replace(tzinfo=None).astimezone()
    return dt.replace(tzinfo=None).replace(tzinfo=tz)


def study_day(now: datetime, rollover_hour: int = 4, tz: tzinfo | None = None) -> str:
    """The ISO date of the study day containing `now` (local, after rollover)."""
    return _local(day_start(now, rollover_hour, tz), tz).date().isoformat()


def ms_to_dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


def dt_to_ms(dt: datetime | None) -> int | None:
    return None if dt is None else round(dt.timestamp() * 1000)


def utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: quizapp works with timezone-aware UTC times")
    return dt.astimezone(UTC)
