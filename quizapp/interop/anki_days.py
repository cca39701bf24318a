"""Anki's scheduling numbers ↔ dates and memory states (pure helpers, no file access).

* Day numbers. A review card's ``due`` (and a day-learning card's) counts days since the
  collection was created: day *n* is the calendar date of ``col.crt`` (in the creation
  time zone, ``creationOffset`` minutes west of UTC) plus *n*, each day starting at the
  rollover hour (``rslib/src/scheduler/timing.rs``). Learning cards due within a day
  hold epoch seconds instead (any ``due`` above 10⁹).
* FSRS memory state. Current Anki keeps it in the card's ``data`` JSON: ``s`` stability
  (days), ``d`` difficulty (1–10, the scale py-fsrs uses too), ``dr`` desired retention,
  ``decay`` (FSRS-6 w20), ``lrt`` last review (epoch seconds)
  (``rslib/src/storage/card/data.rs``). SM-2 collections have none of these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from quizapp.interop.apkg_read import AnkiTiming

EPOCH_DUE = 1_000_000_000  # a due above this is epoch seconds (Anki's is_unix_epoch_timestamp)


@dataclass(frozen=True, slots=True)
class AnkiMemory:
    stability: float
    difficulty: float
    last_review_s: int | None = None


def creation_date(timing: AnkiTiming) -> date:
    """The date Anki's day 0 is: the creation date in the creation time zone (the
    system's when the collection has none, as Anki does then)."""
    if timing.creation_offset is not None:
        tz = timezone(timedelta(minutes=-timing.creation_offset))
        return datetime.fromtimestamp(timing.crt, tz).date()
    return datetime.fromtimestamp(timing.crt, UTC).astimezone().date()


def day_date(timing: AnkiTiming, day: int) -> date:
    """The calendar date of Anki day number `day`."""
    if timing.rollover is None:  # v1 scheduler: days of 86,400 s from crt
        return datetime.fromtimestamp(timing.crt + day * 86400, UTC).astimezone().date()
    return creation_date(timing) + timedelta(days=day)


def day_number(timing: AnkiTiming, when: date) -> int:
    """Anki's day number of `when` (never below 0)."""
    return max(0, (when - creation_date(timing)).days)


def day_start(when: date, rollover_hour: int, tz: tzinfo | None) -> datetime:
    """The UTC instant study day `when` begins (its rollover hour, local time)."""
    wall = datetime.combine(when, time(hour=rollover_hour))
    local = wall.replace(tzinfo=tz) if tz is not None else wall.astimezone()
    return local.astimezone(UTC)


def memory_of(data: str) -> AnkiMemory | None:
    """The FSRS memory state in a card's ``data`` JSON, if it has one."""
    if not data:
        return None
    try:
        obj = json.loads(data)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    s, d, lrt = _number(obj.get("s")), _number(obj.get("d")), _number(obj.get("lrt"))
    if s is None or d is None or s <= 0:
        return None
    return AnkiMemory(
        stability=s,
        difficulty=min(10.0, max(1.0, d)),
        last_review_s=int(lrt) if lrt is not None else None,
    )


def card_data(
    stability: float,
    difficulty: float,
    *,
    desired_retention: float | None,
    decay: float | None,
    last_review_s: int | None,
) -> str:
    """A card's ``data`` JSON, rounded as Anki rounds it when it writes one."""
    obj: dict[str, float | int] = {"s": round(stability, 4), "d": round(difficulty, 3)}
    if desired_retention is not None:
        obj["dr"] = round(desired_retention, 2)
    if decay is not None:
        obj["decay"] = round(decay, 3)
    if last_review_s is not None:
        obj["lrt"] = last_review_s
    return json.dumps(obj, separators=(",", ":"))


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
