"""`Database`: the store's handle on one SQLite connection.

What quizapp uses of a database handle is small: the connection itself (`db.conn`, how
nearly every query runs), `execute`, `executescript` and `query` (rows as dicts). This
class is exactly that, with the same names and behaviour as sqlite-utils' `Database`
(which tests may still pass in), so opening the store does not import sqlite-utils:
that costs ~0.1 s of every start (with its dependencies), and sqlite-utils is needed
only to apply migrations (`quizapp.store.migrations.apply_pending`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

Params = Iterable[Any] | Mapping[str, Any] | None


class Database:
    """One SQLite connection with quizapp's pragmas (see `quizapp.store.db.connect`)."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # As sqlite-utils does for every connection it wraps (the store's triggers were
        # written and tested with it on).
        conn.execute("PRAGMA recursive_triggers = ON")

    def execute(self, sql: str, parameters: Params = None) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)  # type: ignore[arg-type]

    def executescript(self, sql: str) -> sqlite3.Cursor:
        return self.conn.executescript(sql)

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """The rows of `sql`, each a dict of column name → value."""
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))
