"""Read-only connections for reports: a second connection to a database file lets one
learner's passes over the log, or two learners, run at once (SQLite works outside the
GIL). Opening goes through `quizapp.store.db.connect(readonly=True)`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quizapp.store.db import Database, as_database, connect, wal_path

#: What opening or reading a database raises (sqlite3's base error), for callers that
#: fall back to another way when a second connection cannot be had.
DatabaseError = sqlite3.Error


def open_readonly(path: Path) -> Database:
    """A read-only connection to an existing database file (any characters in its name)."""
    conn = connect(path, readonly=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return as_database(conn)


def reopen_readonly(db: Database) -> Database | None:
    """A second, read-only connection to `db`'s file; None for a database that is not a
    file, or that cannot be opened again."""
    path = wal_path(db.conn)
    if not path or not Path(path).is_file():
        return None
    try:
        return open_readonly(Path(path))
    except sqlite3.Error:
        return None
