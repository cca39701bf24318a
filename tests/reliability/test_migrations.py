"""Every schema version's fixture database upgrades with its data intact, behind a backup;
`quizapp backup` copies a database while another process writes to it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.store.migrations import KNOWN_MIGRATIONS, SCHEMA_VERSION
from tests.reliability.helpers import (
    SAVED,
    clean,
    env,
    fingerprint,
    no_limits,
    quizapp,
    write_basic_deck,
)

VERSIONS = Path(__file__).resolve().parents[1] / "fixtures" / "db_versions"
COUNTED = ["learners", "decks", "cards", "card_state", "reviews"]


def test_a_fixture_for_every_schema_version() -> None:
    assert sorted(p.name for p in VERSIONS.glob("v*.db")) == [
        f"v{v}.db" for v in range(1, SCHEMA_VERSION + 1)
    ]


def _counts(db: Path, tables: list[str]) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_upgrade_keeps_data_and_makes_a_backup(version: int, tmp_path: Path) -> None:
    src = VERSIONS / f"v{version}.db"
    db = tmp_path / "p.db"
    shutil.copy(src, db)
    before = _counts(db, COUNTED)
    original = fingerprint(src)

    out = quizapp("--db", db, "learners", "list")
    assert out.returncode == 0, clean(out)
    assert "ann: 9 reviews" in out.stdout and "Bob: " in out.stdout

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    assert names == KNOWN_MIGRATIONS
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert _counts(db, COUNTED) == before
    conn = sqlite3.connect(db)
    assert conn.execute(
        "SELECT state, stability, difficulty, reps, lapses, flagged FROM card_state "
        "WHERE learner_id = 1 AND card_pk = 3"
    ).fetchone() == (3, 1.1, 8.1, 5, 1, 1)
    assert conn.execute(
        "SELECT rating, response, correct, elapsed_days FROM reviews ORDER BY id LIMIT 1 OFFSET 5"
    ).fetchone() == (2, "r5", 1, 1.0)
    assert conn.execute("SELECT desired_retention FROM learners WHERE name = 'Bob'").fetchone() == (
        0.85,
    )
    cols = {r[1] for r in conn.execute("PRAGMA table_info(reviews)")}
    if "prev_state" in cols:  # 0003 backfilled the columns from state_before
        assert conn.execute(
            "SELECT prev_state, prev_interval_ms FROM reviews ORDER BY id LIMIT 1 OFFSET 5"
        ).fetchone() == (2, 10 * 86_400_000)
        assert conn.execute(
            "SELECT count(*) FROM reviews WHERE state_before IS NULL AND prev_state IS NOT NULL"
            " AND learner_id = 1"
        ).fetchone() == (0,)
    conn.close()

    backups = sorted(p.name for p in tmp_path.glob("p.db.bak-*"))
    if version < SCHEMA_VERSION:
        assert backups == ["p.db.bak-1"]
        assert fingerprint(tmp_path / "p.db.bak-1") == original  # the pre-migration data
    else:
        assert backups == []  # nothing to migrate, nothing copied

    # and the upgraded file is studied as usual
    decks = tmp_path / "decks"
    write_basic_deck(decks, 5)
    out = quizapp(
        "--db",
        db,
        "--decks",
        decks,
        "study",
        "--plain",
        "--learner",
        "ann",
        "--deck",
        "rel",
        stdin="\n3\n\n4\n",
    )
    assert out.returncode == 0 and len(SAVED.findall(out.stdout)) == 2, clean(out)


def test_backups_rotate(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    for n in range(1, 5):  # four upgrades of an old file: three backups kept, newest first
        shutil.copy(VERSIONS / "v1.db", db)
        conn = sqlite3.connect(db)
        conn.execute("UPDATE learners SET new_per_day = ? WHERE id = 1", [n])
        conn.commit()
        conn.close()
        assert quizapp("--db", db, "learners", "list").returncode == 0
    kept = {
        p.name: sqlite3.connect(p)
        .execute("SELECT new_per_day FROM learners WHERE id = 1")
        .fetchone()[0]
        for p in tmp_path.glob("p.db.bak-*")
    }
    assert kept == {"p.db.bak-1": 4, "p.db.bak-2": 3, "p.db.bak-3": 2}


def test_backup_while_another_process_writes(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    write_basic_deck(decks, 400)
    db = tmp_path / "p.db"
    assert quizapp("--db", db, "--decks", decks, "decks", "list").returncode == 0
    no_limits(db, "w")
    writer = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--decks", str(decks)]  # noqa: RUF005
        + ["study", "--plain", "--learner", "w", "--deck", "rel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert writer.stdin is not None
    writer.stdin.write("\n3\n" * 150)
    writer.stdin.flush()
    copies = []
    for i in range(3):
        dest = tmp_path / f"copy{i}.db"
        out = quizapp("--db", db, "backup", dest)
        assert out.returncode == 0 and "Backed up" in out.stdout, clean(out)
        copies.append(dest)
    stdout, stderr = writer.communicate("", timeout=120)
    assert writer.returncode == 0 and stderr == "", stderr
    assert len(SAVED.findall(stdout)) == 150
    counts = []
    for dest in copies:
        conn = sqlite3.connect(dest)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
        conn.close()
    assert counts == sorted(counts) and counts[-1] <= 150  # consistent snapshots, in order
    final = quizapp("--db", db, "backup", tmp_path / "final.db")
    assert final.returncode == 0
    assert _counts(tmp_path / "final.db", ["reviews"]) == {"reviews": 150}
