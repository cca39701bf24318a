"""Opening the progress database safely.

* A path that exists but is not an SQLite file, a corrupt file, or a file written by a
  newer quizapp is refused with a clear `StoreError`; nothing is created over it.
* WAL journal, a busy timeout (a second process waits instead of failing), foreign keys.
* Before migrating an existing database, a rotating backup is written beside it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

from quizapp.outputs import OutputError, Protected, atomic_path, protect_database
from quizapp.store import integrity
from quizapp.store.handle import Database
from quizapp.store.migrations import (
    KNOWN_MIGRATIONS,
    SCHEMA_VERSION,
    applied_names,
    apply_pending,
)

__all__ = ["Database", "StoreError", "backup", "connect", "open_database", "transaction"]

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
BACKUPS_KEPT = 3
#: WAL pages at which a connection checkpoints by itself, inside a COMMIT (SQLite's
#: default is 1,000). A study session has the WAL checkpointed in the background every
#: CHECKPOINT_EVERY answers (~7 pages each), so this only acts when that falls behind.
AUTOCHECKPOINT_PAGES = 8000
CHECKPOINT_EVERY = 100


class StoreError(Exception):
    """A database problem explained for the user (never a traceback)."""


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a quizapp database; pass --db FILE")
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise StoreError(f"cannot read {path}: {e.strerror}") from e
    if header != SQLITE_HEADER:
        raise StoreError(
            f"{path} is not an SQLite database (it was left untouched); "
            "pass --db with another file name"
        )


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """An sqlite3 connection with quizapp's pragmas; autocommit off is handled by callers."""
    if readonly:
        conn = sqlite3.connect(
            # Percent-encoded: a `#` or `?` in the name would otherwise end the path
            # early and SQLite would open (even create) a different file read-write.
            f"file:{quote(str(Path(path).resolve()))}?mode=ro",
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
    return conn


def as_database(conn: sqlite3.Connection) -> Database:
    """The store's handle on one of our connections (`quizapp.store.handle`)."""
    return Database(conn)


def open_database(path: Path, *, create: bool = True) -> Database:
    """Open (and create or migrate) the database at `path`, or raise StoreError."""
    path = Path(path)
    _check_file(path)
    existed = path.exists() and path.stat().st_size > 0
    if not existed and not create:
        raise StoreError(f"no database at {path}")
    if not existed:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder for {path}: {e.strerror}") from e
    try:
        conn = connect(path)
        db = as_database(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if existed:
            quick = integrity.verdict(path)  # a check started ahead (check_ahead), if any
            if quick is None:
                quick = integrity.quick_check(conn, path)
            if quick != "ok":
                conn.close()
                raise StoreError(
                    f"{path} is damaged ({quick}); restore a backup "
                    f"(quizapp keeps some beside it as {path.name}.bak-*) — nothing was changed"
                )
        if existed and not _is_quizapp_schema(conn, version):
            conn.close()
            raise StoreError(
                f"{path} is an SQLite database of another program, not a quizapp progress "
                "database; it was left untouched — pass --db with another file name"
            )
        applied = applied_names(conn)
        if version > SCHEMA_VERSION or applied - KNOWN_MIGRATIONS:
            conn.close()
            raise StoreError(
                f"{path} was written by a newer quizapp (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade quizapp — the file was left untouched"
            )
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if KNOWN_MIGRATIONS - applied:
            if existed and _has_tables(db):
                backup(conn, _next_backup_path(path))
            apply_pending(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as e:
        msg = str(e)
        if "unable to open" in msg and not _writable(path):
            if existed:
                raise StoreError(
                    f"{path} is read-only (or its folder is): quizapp needs to write progress "
                    "there (and a journal beside it) — nothing was changed"
                ) from e
            raise StoreError(f"cannot create {path}: its folder is read-only") from e
        if "readonly" in msg or "read-only" in msg:
            raise StoreError(f"{path} is read-only; quizapp needs to write progress there") from e
        if "disk is full" in msg or "database or disk is full" in msg:
            raise StoreError(f"the disk holding {path} is full; free some space") from e
        if "file is not a database" in msg or "malformed" in msg:
            raise StoreError(
                f"{path} is not a readable quizapp database ({msg}); it was left untouched"
            ) from e
        raise StoreError(f"cannot open {path}: {msg}") from e
    except OSError as e:
        raise StoreError(f"cannot open {path}: {e.strerror or e}") from e
    return db


def _writable(path: Path) -> bool:
    """Can this process write the file and create its WAL journal beside it?"""
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def _is_quizapp_schema(conn: sqlite3.Connection, version: int) -> bool:
    """Is this database quizapp's (or empty)? Checked before anything is written to it:
    a foreign SQLite file (an Anki collection, a browser's history) must not get a
    migration table, a WAL journal or a backup beside it."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    if not names:
        return version == 0
    if "_sqlite_migrations" not in names:
        return False
    row = conn.execute(
        "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'quizapp' LIMIT 1"
    ).fetchone()
    return row is not None


def _has_tables(db: Database) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type='table' LIMIT 1").fetchone())


def _next_backup_path(path: Path) -> Path:
    """Rotate `<db>.bak-1..N`, newest first, and return the slot for a new backup."""
    for i in range(BACKUPS_KEPT, 1, -1):
        older = path.with_name(f"{path.name}.bak-{i - 1}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.bak-{i}"))
    return path.with_name(f"{path.name}.bak-1")


def backup(conn: sqlite3.Connection, dest: Path, *, protected: Protected | None = None) -> Path:
    """Copy the live database to `dest` with SQLite's online backup API (safe while in use).

    Written to a temporary file beside `dest` and renamed over it when complete
    (`quizapp.outputs`): `dest` may not be the database itself, its journals or any
    other `protected` path, and a failure (missing folder, full disk) is one StoreError
    that leaves nothing behind."""
    dest = Path(dest)
    source = wal_path(conn)
    guard: dict[Path, str] = dict(protected or {})
    if source:
        guard.update(protect_database(Path(source)))
    try:
        with atomic_path(dest, protected=guard) as tmp:
            target = sqlite3.connect(str(tmp))
            try:
                conn.backup(target)
            finally:
                target.close()
    except OutputError as e:
        raise StoreError(str(e)) from None
    except sqlite3.Error as e:
        msg = str(e)
        if "full" in msg:
            msg += "; nothing was written"
        raise StoreError(f"cannot write the backup {dest}: {msg}") from None
    return dest


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: one write transaction, rolled back on error.

    IMMEDIATE takes the write lock up front so two writers queue on the busy timeout
    instead of one failing with "database is locked" half-way through.

    Re-entrant: inside an open transaction it just runs the block, so a caller can make
    a read-compute-write sequence (e.g. an answer) one atomic unit around helpers that
    open their own transaction.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as e:
        # A failed COMMIT (disk full, I/O error) can leave the transaction open: end it,
        # so the connection does not carry a half-done write into the next one.
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if isinstance(e, sqlite3.OperationalError):
            explained = _write_error(conn, e)
            if explained is not None:
                raise explained from e
        raise


def _write_error(conn: sqlite3.Connection, e: sqlite3.OperationalError) -> StoreError | None:
    """A write that failed for a reason the user can act on, explained (else None)."""
    msg = str(e)
    where = "the progress database"
    with suppress(sqlite3.Error):
        row = conn.execute("PRAGMA database_list").fetchone()
        where = row[2] if row and row[2] else where
    if "disk is full" in msg:
        return StoreError(
            f"the disk holding {where} is full: the last change was not saved (everything "
            "saved before it is kept); free some space and start again"
        )
    if "readonly" in msg or "read-only" in msg:
        return StoreError(
            f"{where} has become read-only: the last change was not saved (everything saved "
            "before it is kept)"
        )
    if "database is locked" in msg:
        return StoreError(
            f"{where} stayed locked by another program for {BUSY_TIMEOUT_MS // 1000} s: the "
            "last change was not saved (everything saved before it is kept); try again"
        )
    if "disk I/O error" in msg:
        return StoreError(
            f"cannot write to {where} (disk I/O error): the last change was not saved "
            "(everything saved before it is kept); check the disk and free space"
        )
    return None


# -- checkpoints off the answer path ---------------------------------------------------
#
# In WAL mode a commit appends to the -wal file (no fsync with synchronous=NORMAL: an
# answer survives a crash of the process as soon as COMMIT returns), and a checkpoint
# copies the WAL back into the database with two fsyncs. SQLite runs that checkpoint
# inside whichever COMMIT crosses the threshold, so one answer in ~150 waited for the
# fsyncs (up to ~200 ms on a busy disk). A study session instead asks for a checkpoint
# every CHECKPOINT_EVERY answers; it runs on a worker thread with its own connection
# (PASSIVE: it never blocks or waits for the session, which keeps committing meanwhile).


class _Checkpointer:
    """Checkpoints the WAL of databases asked for, one at a time, on a daemon thread that
    exits as soon as nothing is pending (a process with no other thread may fork: see
    quizapp.store.sync_pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._queue: deque[str] = deque()
        self._running = False
        self.done = 0  # checkpoints run (for tests)

    def request(self, path: str) -> None:
        with self._lock:
            if path in self._pending:
                return
            self._pending.add(path)
            self._queue.append(path)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="quizapp-checkpoint", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                path = self._queue.popleft()
            try:
                # mode=rw: never create a database that has gone away meanwhile
                conn = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=0)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                finally:
                    conn.close()
            except sqlite3.Error:
                pass  # the next request (or the connection's own checkpoint) will do it
            finally:
                with self._lock:
                    self._pending.discard(path)
                    self.done += 1

    @property
    def running(self) -> bool:
        return self._running


checkpointer = _Checkpointer()


def wal_path(conn: sqlite3.Connection) -> str | None:
    """The file of the connection's main database (None: in memory or temporary)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else None
