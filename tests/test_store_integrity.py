"""The start-up integrity check run ahead on a thread (quizapp.store.integrity)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from quizapp.store import StoreError, integrity, open_database


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads that ran the integrity check, in order."""
    seen: list[str] = []
    real = integrity.quick_check

    def counted(conn: sqlite3.Connection, path: Path) -> str:
        seen.append(threading.current_thread().name)
        return real(conn, path)

    monkeypatch.setattr(integrity, "quick_check", counted)
    return seen


def _db_with_rows(path: Path, rows: int = 2000) -> Path:
    db = open_database(path)
    db.conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.conn.executemany("INSERT INTO notes (body) VALUES (?)", [("x" * 200,)] * rows)
    db.conn.close()  # last connection: checkpointed, no -wal left
    return path


def test_without_a_check_ahead_open_checks_itself(tmp_path: Path, calls: list[str]) -> None:
    path = _db_with_rows(tmp_path / "p.db")
    assert integrity.verdict(path) is None
    open_database(path).conn.close()
    assert calls == [threading.current_thread().name]


def test_open_takes_the_verdict_of_the_check_run_ahead(tmp_path: Path, calls: list[str]) -> None:
    path = _db_with_rows(tmp_path / "p.db")
    integrity.check_ahead(path)
    db = open_database(path)
    assert calls == ["quizapp-check"]  # checked once, on the thread
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (2000,)
    db.conn.close()


def test_a_file_changed_since_the_check_began_is_checked_again(
    tmp_path: Path, calls: list[str]
) -> None:
    path = _db_with_rows(tmp_path / "p.db")
    integrity.check_ahead(path)
    other = sqlite3.connect(path)  # another process commits meanwhile: the WAL grows
    other.execute("INSERT INTO notes (body) VALUES ('late')")
    other.commit()
    db = open_database(path)
    other.close()
    assert calls == ["quizapp-check", threading.current_thread().name]
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (2001,)
    db.conn.close()


def test_a_damaged_file_checked_ahead_is_refused_untouched(tmp_path: Path) -> None:
    path = _db_with_rows(tmp_path / "p.db")
    data = bytearray(path.read_bytes())
    data[8192:] = b"\xa5" * (len(data) - 8192)  # every page after the second: garbage
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    integrity.check_ahead(path)
    with pytest.raises(StoreError, match=r"damaged|not a readable|malformed"):
        open_database(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak-*"))  # refused before any backup or migration


def test_nothing_to_check_for_a_new_file(tmp_path: Path, calls: list[str]) -> None:
    integrity.check_ahead(tmp_path / "new.db")
    assert integrity.verdict(tmp_path / "new.db") is None
    open_database(tmp_path / "new.db").conn.close()
    assert calls == []  # a new database is created, not checked
