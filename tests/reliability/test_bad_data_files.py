"""Bad progress-database files, through the CLI as real processes.

Each case must end in one clear message (exit 1, no traceback), leave the file's bytes
as they were, and never create a new empty database in its place.

Read-only and full-disk cases need a file system that really refuses writes. The tests
run as root in CI, where permission bits stop nothing, so they use, when permitted:
a read-only bind mount (`mount --bind` + `remount,ro`), the immutable attribute
(`chattr +i`), a tiny tmpfs (`mount -t tmpfs -o size=…`) for a full disk, and otherwise
RLIMIT_FSIZE (writes past the limit fail with EFBIG — a simulation of a full disk that
needs no privilege). Those not possible on the machine are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.store.migrations import SCHEMA_VERSION
from tests.reliability.helpers import SAVED, clean, env, quizapp

FEED = "\n3\n" * 400  # answers for `study --plain` (the bundled deck is mostly mcq: "3" = c)


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a learner and a few reviews, closed cleanly (no -wal file)."""
    d = tmp_path_factory.mktemp("good")
    db = d / "p.db"
    out = quizapp(
        "--db",
        db,
        "study",
        "--plain",
        "--learner",
        "k",
        stdin="a\n\nb\n\n",
        env=env(QUIZAPP_HOME=str(d / "home")),
    )
    assert out.returncode == 0 and len(SAVED.findall(out.stdout)) == 2, clean(out)
    return db


def _siblings(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _assert_refused(db: Path, expect: str, *, read: bool = False) -> str:
    """`study --plain` (and `learners list` if `read`) refuse `db`, changing nothing."""
    before = db.read_bytes() if db.is_file() else None
    names = _siblings(db.parent)
    runs = [quizapp("--db", db, "study", "--plain", "--learner", "k", stdin=FEED)]
    if read:
        runs.append(quizapp("--db", db, "learners", "list"))
    for out in runs:
        assert out.returncode == 1, clean(out)
        assert "Traceback" not in out.stderr + out.stdout, clean(out)
        assert expect in out.stderr, clean(out)
        assert out.stderr.startswith("Error: ") and out.stderr.count("\n") <= 2, clean(out)
    if before is not None:
        assert db.read_bytes() == before
    assert _siblings(db.parent) == names  # no new database, journal or backup left behind
    return runs[0].stderr


def test_not_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("my precious notes\n" * 100)
    _assert_refused(db, "is not an SQLite database", read=True)


def test_directory(tmp_path: Path) -> None:
    _assert_refused(tmp_path, "is a directory")


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = quizapp("--db", tmp_path / "file" / "p.db", "learners", "list")
    assert out.returncode == 1 and "Traceback" not in out.stderr, clean(out)
    assert "cannot create the folder" in out.stderr
    assert (tmp_path / "file").read_text() == "x"


def _smash(db: Path, start: int, end: int) -> None:
    data = bytearray(db.read_bytes())
    data[start:end] = b"\xa5" * (end - start)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "how",
    ["schema_page", "data_pages", "truncated", "header_only", "zeroed_middle"],
)
def test_corrupt(how: str, tmp_path: Path, good_db: Path) -> None:
    db = tmp_path / "p.db"
    shutil.copy(good_db, db)
    size = db.stat().st_size
    page = 4096
    if how == "schema_page":
        _smash(db, 100, page)
    elif how == "data_pages":
        _smash(db, page, size)  # every page but the first: b-tree pages become garbage
    elif how == "truncated":
        with db.open("r+b") as f:
            f.truncate(size // 2)
    elif how == "header_only":
        db.write_bytes(db.read_bytes()[:100])
    elif how == "zeroed_middle":
        data = bytearray(db.read_bytes())
        data[size // 3 : size // 3 + 3 * page] = bytes(3 * page)
        db.write_bytes(bytes(data))
    err = _assert_refused(db, "p.db")
    assert any(w in err for w in ("damaged", "not a readable", "malformed")), err
    assert "restore a backup" in err or "left untouched" in err


def test_newer_schema_version(tmp_path: Path, good_db: Path) -> None:
    db = tmp_path / "p.db"
    shutil.copy(good_db, db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    _assert_refused(db, "written by a newer quizapp", read=True)


def test_unknown_migration(tmp_path: Path, good_db: Path) -> None:
    db = tmp_path / "p.db"
    shutil.copy(good_db, db)
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('quizapp', '0099_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    _assert_refused(db, "written by a newer quizapp")


# ------------------------------------------------------------------ read-only


def _run_root(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


@contextlib.contextmanager
def _readonly(folder: Path, how: str) -> Iterator[Path]:
    """`folder` seen through a read-only view; yields the folder to use."""
    if how == "bind_mount_ro":
        view = folder.parent / (folder.name + "-ro")
        view.mkdir()
        if not _run_root("mount", "--bind", str(folder), str(view)):
            pytest.fail("mount --bind was refused (this case runs as root only)")
        try:
            if not _run_root("mount", "-o", "remount,ro,bind", str(view)):
                pytest.fail("read-only remount was refused (this case runs as root only)")
            yield view
        finally:
            _run_root("umount", str(view))
    elif how == "chattr_immutable":
        files = [folder / n for n in os.listdir(folder)]
        if not shutil.which("chattr") or not _run_root("chattr", "+i", *map(str, files)):
            pytest.fail("chattr +i was refused (this case runs as root only)")
        _run_root("chattr", "+i", str(folder))
        try:
            yield folder
        finally:
            _run_root("chattr", "-i", str(folder), *map(str, files))
    elif how == "chmod_not_root":
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


# Root ignores permission bits, so as root the file system itself is made read-only (a
# read-only bind mount, the immutable attribute); as any other user, chmod does it.
READ_ONLY_WAYS = ["bind_mount_ro", "chattr_immutable"] if os.geteuid() == 0 else ["chmod_not_root"]


@pytest.mark.parametrize("how", READ_ONLY_WAYS)
def test_read_only(how: str, tmp_path: Path, good_db: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(good_db, folder / "p.db")
    digest = (folder / "p.db").read_bytes()
    with _readonly(folder, how) as view:
        _assert_refused(view / "p.db", "read-only")
        out = quizapp("--db", view / "new.db", "learners", "list")
        assert out.returncode == 1 and "read-only" in out.stderr, clean(out)
        assert not (view / "new.db").exists()
    assert (folder / "p.db").read_bytes() == digest


# ------------------------------------------------------------------ full disk


def _study_until_full(db: Path, **popen: object) -> tuple[subprocess.CompletedProcess[str], int]:
    before = _reviews(db)
    out = subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(db), "study", "--plain", "--learner", "k"],
        input=FEED,
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        **popen,  # type: ignore[arg-type]
    )
    return out, before


def _reviews(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def _check_full(out: subprocess.CompletedProcess[str], db: Path, before: int) -> None:
    assert out.returncode == 1, clean(out)
    assert "Traceback" not in out.stderr + out.stdout, clean(out)
    assert "was not saved" in out.stderr, clean(out)
    acked = len(SAVED.findall(out.stdout))
    assert acked > 0  # it filled up mid-session, not at start-up
    assert _reviews(db) == before + acked  # every acknowledged answer is kept, no more
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _full_disk_tmpfs(tmp_path: Path, good_db: Path) -> None:
    """A real full disk: a 1 MiB tmpfs (mounting needs root; the RLIMIT_FSIZE variant
    below covers other users)."""
    fs = tmp_path / "fs"
    fs.mkdir()
    if not _run_root("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(fs)):
        pytest.fail("mounting a tmpfs was refused")
    try:
        db = fs / "p.db"
        shutil.copy(good_db, db)
        free = shutil.disk_usage(fs).free
        (fs / "filler").write_bytes(bytes(max(0, free - 160 * 1024)))  # leave 160 KiB
        out, before = _study_until_full(db)
        _check_full(out, db, before)
        # and the next session, with space again, resumes
        (fs / "filler").unlink()
        again = quizapp("--db", db, "study", "--plain", "--learner", "k", stdin="a\n\n")
        assert again.returncode == 0 and len(SAVED.findall(again.stdout)) == 1, clean(again)
    finally:
        _run_root("umount", str(fs))


if os.geteuid() == 0:  # as any other user, the RLIMIT_FSIZE variant below stands in

    def test_full_disk_tmpfs(tmp_path: Path, good_db: Path) -> None:
        _full_disk_tmpfs(tmp_path, good_db)


def test_full_disk_file_size_limit(tmp_path: Path, good_db: Path) -> None:
    """No privilege needed: RLIMIT_FSIZE makes writes past a size fail (EFBIG)."""
    db = tmp_path / "p.db"
    shutil.copy(good_db, db)
    limit = db.stat().st_size + 40 * 1024  # the WAL may grow to 40 KiB

    def cap() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out, before = _study_until_full(db, preexec_fn=cap)
    _check_full(out, db, before)
