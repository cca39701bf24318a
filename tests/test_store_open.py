"""Opening databases: creation, migrations, refusal of bad files, backups."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.store import StoreError, backup, open_database
from quizapp.store.migrations import SCHEMA_VERSION


def test_new_database_has_schema_and_wal(tmp_path: Path) -> None:
    db = open_database(tmp_path / "sub" / "p.db")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"learners", "decks", "cards", "card_state", "reviews"} <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert int(db.execute("PRAGMA busy_timeout").fetchone()[0]) >= 5000


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    p = tmp_path / "p.db"
    open_database(p).conn.close()
    db = open_database(p)
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION
    assert not list(tmp_path.glob("p.db.bak-*"))  # nothing to migrate, no backup
    # The store's handle is not sqlite-utils' (whose import costs every start ~0.1 s);
    # like sqlite-utils, it turns recursive triggers on.
    assert type(db).__module__ == "quizapp.store.handle"
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1


def test_opening_an_up_to_date_store_does_not_import_sqlite_utils(tmp_path: Path) -> None:
    p = tmp_path / "p.db"
    open_database(p).conn.close()
    code = (
        "import sys; from pathlib import Path; from quizapp.store import open_database; "
        f"db = open_database(Path({str(p)!r})); "
        "rows = list(db.query('SELECT name FROM learners')); "
        "print('sqlite_utils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("my precious notes\n")
    with pytest.raises(StoreError, match="not an SQLite database"):
        open_database(p)
    assert p.read_text() == "my precious notes\n"


def test_corrupt_database_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "p.db"
    db = open_database(p)
    db.execute("INSERT INTO learners (name, created_at) VALUES ('a', 0)")
    db.conn.close()
    data = bytearray(p.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page, keep the header
    p.write_bytes(bytes(data))
    before = p.read_bytes()
    with pytest.raises(StoreError):
        open_database(p)
    assert p.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "p.db"
    open_database(p).conn.close()
    conn = sqlite3.connect(p)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer quizapp"):
        open_database(p)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        open_database(tmp_path)


def test_migration_of_old_database_makes_a_backup(tmp_path: Path) -> None:
    # An older quizapp database (schema 1). A foreign SQLite file is no longer migrated
    # at all (tests/reliability/test_output_safety.py): it is refused untouched.
    p = tmp_path / "p.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "db_versions" / "v1.db", p)
    open_database(p).conn.close()
    backups = list(tmp_path.glob("p.db.bak-*"))
    assert [b.name for b in backups] == ["p.db.bak-1"]
    assert sqlite3.connect(backups[0]).execute(
        "SELECT count(*) FROM _sqlite_migrations"
    ).fetchone() == (1,)


def test_online_backup(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    db.execute("INSERT INTO learners (name, created_at) VALUES ('ann', 0)")
    dest = backup(db.conn, tmp_path / "copy.db")
    copy = sqlite3.connect(dest)
    assert copy.execute("SELECT name FROM learners").fetchall() == [("ann",)]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_migration_0003_backfills_prev_columns(tmp_path: Path) -> None:
    import json

    from sqlite_utils import Database

    from quizapp.store.migrations import migrations

    p = tmp_path / "old.db"
    db = Database(p)
    migrations.apply(db, stop_before="0003_review_prev_columns")
    db.execute("INSERT INTO learners (id, name, created_at) VALUES (1, 'a', 0)")
    db.execute(
        "INSERT INTO cards (id, deck_id, card_id, type, content_hash, data)"
        " VALUES (1, 'd', 'c', 'basic', 'h', '{}')"
    )
    before = {"state": 2, "due": 5 * 86_400_000, "last_review": 86_400_000}
    db.execute(
        "INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state_before, state)"
        " VALUES (1, 1, 1, 3, ?, 2), (1, 1, 0, 3, NULL, 1)",
        [json.dumps(before)],
    )
    db.conn.commit()
    db.conn.close()
    upgraded = open_database(p)
    rows = upgraded.execute(
        "SELECT prev_state, prev_interval_ms FROM reviews ORDER BY reviewed_at"
    ).fetchall()
    assert rows == [(None, None), (2, 4 * 86_400_000)]
    assert (tmp_path / "old.db.bak-1").exists()


def test_transaction_is_reentrant_and_atomic(tmp_path: Path) -> None:
    from quizapp.store.db import transaction

    db = open_database(tmp_path / "p.db")
    conn = db.conn
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute("INSERT INTO learners (name, created_at) VALUES ('a', 0)")
        with transaction(conn):  # an inner helper's transaction joins the outer one
            conn.execute("INSERT INTO learners (name, created_at) VALUES ('b', 0)")
        raise RuntimeError("the outer unit fails after the inner block")
    assert conn.execute("SELECT count(*) FROM learners").fetchone()[0] == 0
    assert not conn.in_transaction
    with transaction(conn):
        with transaction(conn):
            conn.execute("INSERT INTO learners (name, created_at) VALUES ('c', 0)")
        assert conn.in_transaction  # the inner block did not commit on its own
    assert conn.execute("SELECT name FROM learners").fetchall() == [("c",)]


def test_open_does_not_look_for_sqlite_utils_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """quizapp registers no sqlite-utils plugin; looking for them scans every installed
    package's entry points, which cost every start-up ~50 ms."""
    import sqlite_utils.db

    def scan() -> None:
        raise AssertionError("sqlite-utils plugins looked up")

    monkeypatch.setattr(sqlite_utils.db, "ensure_plugins_loaded", scan)
    db = open_database(tmp_path / "q.db")
    db.conn.close()
    again = open_database(tmp_path / "q.db")
    assert again.execute("PRAGMA user_version").fetchone()[0] > 0
    again.conn.close()
