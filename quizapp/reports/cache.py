"""What the learners of one report share, read once: per database, the active cards per
deck and tag set and the ids of the inactive cards; per day rollover, the grid of study
days; and, on request, a second read-only connection per database and a helper thread,
so one learner's passes over the log run at once (SQLite works outside the GIL).

For one report over databases that do not change meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, tzinfo
from typing import TypeVar, cast

from quizapp.reports.days import DayGrid
from quizapp.store.db import Database
from quizapp.store.queries import reports_cards as q
from quizapp.store.queries.reports_cards import ComboKey
from quizapp.store.queries.reports_open import reopen_readonly
from quizapp.store.scope import Scope

T = TypeVar("T")


class ReportCache:
    """Figures shared by the learners of one report, each built once, then reused."""

    def __init__(self, *, twins: bool = False) -> None:
        self._memo: dict[tuple[int, object], tuple[Database, object]] = {}
        self._grids: dict[tuple[datetime, int, tzinfo | None], DayGrid] = {}
        self._twins: dict[int, tuple[Database, Database | None]] | None = {} if twins else None
        self._pool: ThreadPoolExecutor | None = None

    def twin(self, db: Database) -> Database | None:
        """With `twins=True`: a second, read-only connection to `db`'s file, so one
        learner's passes over the log can run at once; None without, or for a database
        that is not a file."""
        if self._twins is None:
            return None
        hit = self._twins.get(id(db))
        if hit is None or hit[0] is not db:
            hit = (db, reopen_readonly(db))
            self._twins[id(db)] = hit
        return hit[1]

    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1)
        return self._pool

    def close(self) -> None:
        """Close the second connections and the helper thread."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for _, twin in (self._twins or {}).values():
            if twin is not None:
                twin.conn.close()
        if self._twins is not None:
            self._twins.clear()

    def _get(self, db: Database, key: object, make: Callable[[], T]) -> T:
        hit = self._memo.get((id(db), key))
        if hit is None or hit[0] is not db:
            hit = (db, make())
            self._memo[(id(db), key)] = hit
        return cast(T, hit[1])

    def deck_cards(self, db: Database, scope: Scope) -> dict[ComboKey, tuple[str, int]]:
        """(deck id, tags) -> (deck title, active cards) over the cards in `scope`."""
        return self._get(db, ("deck_cards", scope), lambda: q.deck_cards(db, scope))

    def active_card_count(self, db: Database, scope: Scope) -> int:
        """Active cards in `scope` (of active decks)."""
        return self._get(db, ("active", scope), lambda: q.active_card_count(db, scope))

    def inactive_cards(self, db: Database) -> list[int]:
        """Ids of cards that left their file or whose deck is inactive (or gone)."""
        return self._get(db, "inactive", lambda: q.inactive_cards(db))

    def day_grid(self, now: datetime, rollover_hour: int, tz: tzinfo | None) -> DayGrid:
        key = (now, rollover_hour, tz)
        grid = self._grids.get(key)
        if grid is None:
            grid = self._grids[key] = DayGrid(now, rollover_hour, tz)
        return grid
