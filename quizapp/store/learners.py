"""Learners and their settings."""

from __future__ import annotations

import getpass
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from quizapp.store.db import StoreError, transaction
from quizapp.store.handle import Database

NAME_MAX = 64
_NAME_OK = re.compile(r"^[^\x00-\x1f\x7f]{1,64}$")


@dataclass(slots=True)
class Learner:
    id: int
    name: str
    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    rollover_hour: int = 4
    theme: str = ""
    fsrs_params: list[float] | None = None
    settings: dict[str, Any] = field(default_factory=dict)


SETTING_LIMITS: dict[str, tuple[float, float]] = {
    "desired_retention": (0.70, 0.99),
    "new_per_day": (0, 9999),
    "reviews_per_day": (0, 99999),
    "rollover_hour": (0, 23),
}


#: On/off settings kept in the settings JSON, with their defaults. `bury_related`: answering
#: a card buries the other cards of its fact until the next study day (one card of a fact
#: per day, like Anki's bury-siblings); off, they may come back the same day (never next).
BOOL_SETTINGS: dict[str, bool] = {"bury_related": True}
_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")


def bool_setting(learner: Learner, key: str) -> bool:
    """The learner's on/off setting `key` (its default when unset)."""
    value = learner.settings.get(key)
    return BOOL_SETTINGS[key] if not isinstance(value, bool) else value


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise StoreError(f"{key} must be on or off (true/false), not {value!r}")


def default_learner_name() -> str:
    """The OS user name, the learner used when none is given."""
    try:
        name = getpass.getuser()
    except Exception:
        name = ""
    return clean_name(name) if name and _NAME_OK.match(name.strip()) else "learner"


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or not _NAME_OK.match(name):
        raise StoreError(
            f"learner name {name!r} is not valid: use 1–{NAME_MAX} printable characters"
        )
    return name


def _from_row(row: dict[str, Any]) -> Learner:
    return Learner(
        id=row["id"],
        name=row["name"],
        desired_retention=row["desired_retention"],
        new_per_day=row["new_per_day"],
        reviews_per_day=row["reviews_per_day"],
        rollover_hour=row["rollover_hour"],
        theme=row["theme"],
        fsrs_params=json.loads(row["fsrs_params"]) if row["fsrs_params"] else None,
        settings=json.loads(row["settings"] or "{}"),
    )


def list_learners(db: Database) -> list[Learner]:
    return [_from_row(r) for r in db.query("SELECT * FROM learners ORDER BY name")]


def get_learner(db: Database, name: str) -> Learner | None:
    rows = list(db.query("SELECT * FROM learners WHERE name = ?", [name.strip()]))
    return _from_row(rows[0]) if rows else None


def get_learner_by_id(db: Database, learner_id: int) -> Learner:
    rows = list(db.query("SELECT * FROM learners WHERE id = ?", [learner_id]))
    if not rows:
        raise StoreError(f"no learner with id {learner_id}")
    return _from_row(rows[0])


def add_learner(db: Database, name: str) -> Learner:
    name = clean_name(name)
    if get_learner(db, name):
        raise StoreError(f"a learner named {name!r} already exists")
    with transaction(db.conn):
        db.conn.execute(
            "INSERT INTO learners (name, created_at) VALUES (?, ?)",
            [name, int(time.time() * 1000)],
        )
    learner = get_learner(db, name)
    assert learner is not None
    return learner


def ensure_learner(db: Database, name: str | None = None) -> Learner:
    """The learner called `name` (default: the OS user), created on first use."""
    name = clean_name(name) if name else default_learner_name()
    found = get_learner(db, name)
    if found:
        return found
    try:
        return add_learner(db, name)
    except StoreError:  # created meanwhile by another process
        found = get_learner(db, name)
        if found:
            return found
        raise


def rename_learner(db: Database, old: str, new: str) -> Learner:
    learner = get_learner(db, old)
    if not learner:
        raise StoreError(f"no learner named {old!r}")
    new = clean_name(new)
    other = get_learner(db, new)
    if other and other.id != learner.id:
        raise StoreError(f"a learner named {new!r} already exists")
    with transaction(db.conn):
        db.conn.execute("UPDATE learners SET name = ? WHERE id = ?", [new, learner.id])
    return get_learner_by_id(db, learner.id)


def remove_learner(db: Database, name: str) -> int:
    """Delete a learner with all their progress; returns the number of reviews removed."""
    learner = get_learner(db, name)
    if not learner:
        raise StoreError(f"no learner named {name!r}")
    with transaction(db.conn):
        n = db.conn.execute(
            "SELECT count(*) FROM reviews WHERE learner_id = ?", [learner.id]
        ).fetchone()[0]
        for table in ("reviews", "card_state"):
            db.conn.execute(f"DELETE FROM {table} WHERE learner_id = ?", [learner.id])
        _delete_extra(db, learner.id)
        db.conn.execute("DELETE FROM learners WHERE id = ?", [learner.id])
    return int(n)


def review_counts(db: Database) -> dict[int, int]:
    """learner id → how many answers the learner has logged (learners with none absent)."""
    return dict(db.conn.execute("SELECT learner_id, count(*) FROM reviews GROUP BY learner_id"))


def review_count(db: Database, learner_id: int) -> int:
    """How many answers the learner has logged."""
    return int(
        db.conn.execute(
            "SELECT count(*) FROM reviews WHERE learner_id = ?", [learner_id]
        ).fetchone()[0]
    )


def _delete_extra(db: Database, learner_id: int) -> None:
    """Rows of later tables keyed on the learner (quiz blocks, …) go with the learner."""
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in sorted(tables - {"learners", "reviews", "card_state"}):
        cols = {c[1] for c in db.conn.execute(f"PRAGMA table_info([{table}])")}
        if "learner_id" in cols:
            db.conn.execute(f"DELETE FROM [{table}] WHERE learner_id = ?", [learner_id])


def _valid_deck_limits(value: Any) -> dict[str, dict[str, int]]:
    """``{deck_id: {"new": N}}`` with N a whole number in the new/day range."""
    lo, hi = SETTING_LIMITS["new_per_day"]
    if not isinstance(value, dict):
        raise StoreError('deck_limits must map deck ids to {"new": N}')
    out: dict[str, dict[str, int]] = {}
    for deck_id, limits in value.items():
        if not isinstance(deck_id, str) or not deck_id.strip():
            raise StoreError("deck_limits: a deck id must be a non-empty text")
        if not isinstance(limits, dict) or set(limits) - {"new"}:
            raise StoreError(f'deck_limits[{deck_id!r}] must be {{"new": N}}')
        if "new" not in limits:
            continue
        n = limits["new"]
        if isinstance(n, bool) or not isinstance(n, int | str):
            raise StoreError(f"new cards per day for {deck_id} must be a whole number")
        try:
            n = int(n)
        except ValueError as e:
            raise StoreError(f"new cards per day for {deck_id} must be a whole number") from e
        if not lo <= n <= hi:
            raise StoreError(
                f"new cards per day for {deck_id} must be between {lo:g} and {hi:g} (got {n})"
            )
        out[deck_id.strip()] = {"new": n}
    return out


def deck_new_limits(learner: Learner) -> dict[str, int]:
    """The learner's own new-cards-per-day of each deck that has one (settings JSON
    ``deck_limits``); other decks use ``learner.new_per_day``."""
    raw = learner.settings.get("deck_limits")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, int] = {}
    for deck_id, limits in raw.items():
        n = limits.get("new") if isinstance(limits, dict) else None
        if isinstance(n, int) and not isinstance(n, bool) and n >= 0:
            out[str(deck_id)] = n
    return out


def set_deck_new_limit(db: Database, learner_id: int, deck_id: str, new: int | None) -> Learner:
    """Give a deck its own new cards per day (None: back to the learner's new/day)."""
    learner = get_learner_by_id(db, learner_id)
    limits = {d: {"new": n} for d, n in deck_new_limits(learner).items()}
    if new is None:
        limits.pop(deck_id, None)
    else:
        limits[deck_id] = {"new": new}
    return update_settings(db, learner_id, deck_limits=limits)


def update_settings(db: Database, learner_id: int, **values: Any) -> Learner:
    """Validate and save settings at once. Unknown names go into the JSON `settings`."""
    learner = get_learner_by_id(db, learner_id)
    columns: dict[str, Any] = {}
    extra = dict(learner.settings)
    for key, value in values.items():
        if key in SETTING_LIMITS:
            lo, hi = SETTING_LIMITS[key]
            kind = float if key == "desired_retention" else int
            try:
                value = kind(value)
            except (TypeError, ValueError) as e:
                raise StoreError(f"{key} must be a number between {lo:g} and {hi:g}") from e
            if not lo <= value <= hi:
                raise StoreError(f"{key} must be between {lo:g} and {hi:g} (got {value})")
            columns[key] = value
        elif key in BOOL_SETTINGS:
            extra[key] = _as_bool(key, value)
        elif key == "theme":
            columns["theme"] = str(value)
        elif key == "fsrs_params":
            columns["fsrs_params"] = json.dumps(list(value)) if value else None
        elif key == "deck_limits":
            extra[key] = _valid_deck_limits(value)
        else:
            extra[key] = value
    columns["settings"] = json.dumps(extra, sort_keys=True)
    sets = ", ".join(f"{k} = ?" for k in columns)
    with transaction(db.conn):
        db.conn.execute(f"UPDATE learners SET {sets} WHERE id = ?", [*columns.values(), learner_id])
    return get_learner_by_id(db, learner_id)
