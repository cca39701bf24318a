"""The start-up integrity check of a database file, and running it ahead of time.

`quick_check` is what `open_database` runs before it touches an existing file (a
damaged one is refused, unchanged). On a large collection it costs ~0.1 s of C time
in SQLite, which releases the GIL: `check_ahead(path)` starts it on a thread at the
very beginning of a command, so it runs while the command imports its modules
(sqlite-utils, Textual: ~0.2-0.3 s), and `open_database` then takes its verdict
instead of checking again. Only plain `sqlite3` is imported here, so starting the
check costs nothing before it.

The verdict is used only for the same file in the same state: its inode, size and
modification time, and those of its WAL, must be what they were when the check began;
otherwise `open_database` checks again itself. The check only reads; nothing is
written before `open_database` has the verdict.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

#: Above this size the start-up check skips the append-only review log (see quick_check).
FULL_CHECK_BYTES = 64 * 1024 * 1024
_LARGE_LOG_TABLES = ("reviews", "external_reviews")


def quick_check(conn: sqlite3.Connection, path: Path) -> str:
    """`PRAGMA quick_check`, bounded for large files.

    Checking every page costs about 2.5 s per GB, and start-up must stay well under a
    second with a million reviews. Up to FULL_CHECK_BYTES the whole file is checked;
    above it, every table except the review logs (schema, learners, decks, cards, card
    state: what studying reads) plus the file length against the page count (truncation).
    `quizapp backup` still copies (and SQLite reads) every page.
    """
    if path.stat().st_size <= FULL_CHECK_BYTES:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if pages * page_size > path.stat().st_size + wal_size:  # pages not in the file or WAL
        return "file is shorter than its page count (truncated)"
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if r[0] not in _LARGE_LOG_TABLES
    ]
    for table in tables:
        quick = str(conn.execute(f'PRAGMA quick_check("{table}")').fetchone()[0])
        if quick != "ok":
            return quick
    return "ok"


_Identity = tuple[int, int, int, int, int, int]


def _identity(path: Path) -> _Identity | None:
    """The file's and its WAL's identity (inode, size, mtime); None if it is not there."""
    try:
        st = path.stat()
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}-wal")
        # An empty WAL holds nothing (opening the file may create one): same as none.
        wal_id = (wal.st_ino, wal.st_size, wal.st_mtime_ns) if wal.st_size else (0, 0, 0)
    except OSError:
        wal_id = (0, 0, 0)
    return (st.st_ino, st.st_size, st.st_mtime_ns, *wal_id)


class _Ahead:
    """One check running (or done) on a thread."""

    def __init__(self, path: Path, identity: _Identity) -> None:
        self.path = path
        self.identity = identity
        self.result: str | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="quizapp-check", daemon=True)

    def _run(self) -> None:
        try:
            # Read-only: the last connection to close a WAL database checkpoints it,
            # which would write into the file before its verdict is known.
            uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=30)
            try:
                self.result = quick_check(conn, self.path)
            finally:
                conn.close()
        except Exception as e:  # open_database checks again and explains what it meets
            self.error = e


_pending: dict[str, _Ahead] = {}
_lock = threading.Lock()


def check_ahead(path: Path) -> None:
    """Start the integrity check of the existing database at `path` on a thread."""
    path = Path(path)
    identity = _identity(path)
    if identity is None or identity[1] == 0 or not path.is_file():
        return  # nothing to check: open_database creates it
    ahead = _Ahead(path, identity)
    with _lock:
        _pending[str(path.resolve())] = ahead
    ahead.thread.start()


def verdict(path: Path) -> str | None:
    """The result of a check started ahead for this file, waiting for it to finish;
    None (check it yourself) when there was none, it met an error, or the file changed
    since it began."""
    with _lock:
        ahead = _pending.pop(str(Path(path).resolve()), None)
    if ahead is None:
        return None
    ahead.thread.join()
    if ahead.error is not None or _identity(Path(path)) != ahead.identity:
        return None
    return ahead.result
