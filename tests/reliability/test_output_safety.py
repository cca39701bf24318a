"""Data safety: no command can destroy progress, hostile packages are bounded, every
failure is one `Error:` line with nothing half-written (docs/reliability.md).

Attack packages are built here at run time (`apkg_builders`); full disks are a small
tmpfs (root, as in CI) — the same pattern as test_bad_data_files.py.
"""

from __future__ import annotations

import hashlib
import os
import resource
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from quizapp.interop import apkg_read
from quizapp.interop.apkg_read import AnkiImportError, read_apkg
from quizapp.interop.importer import import_file

from . import apkg_builders as build
from .helpers import env, quizapp, write_basic_deck


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@dataclass
class Home:
    root: Path
    home: Path
    decks: Path
    db: Path
    deck_file: Path

    def run(self, *args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
        return quizapp("--decks", self.decks, *args, env=env(QUIZAPP_HOME=str(self.home)), **kw)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = tmp_path / "home"
    decks = tmp_path / "decks"
    deck = write_basic_deck(decks, 3)
    (decks / "sources").mkdir()
    (decks / "sources" / "s.txt").write_text("q\n", encoding="utf-8")
    made = Home(tmp_path, h, decks, h / "progress.db", deck)
    out = made.run("study", "--plain", stdin="\n3\n:q\n")
    assert made.db.exists(), out.stderr
    return made


def one_error(out: subprocess.CompletedProcess[str], expect: str = "") -> str:
    """Exit 1, exactly one `Error:` line, no traceback; returns that line."""
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, out.stderr
    assert expect.lower() in errors[0].lower(), errors[0]
    return errors[0]


# --- 1. output paths: no writer replaces the database, a journal, a deck or a source ---


def _targets(h: Home) -> dict[str, Path]:
    link = h.root / "link.csv"
    link.symlink_to(h.db)
    hard = h.root / "hard.csv"
    os.link(h.db, hard)
    return {
        "database": h.db,
        "symlink to it": link,
        "hard link to it": hard,
        "its WAL": h.db.with_name("progress.db-wal"),
        "a deck file": h.deck_file,
        "a source file": h.decks / "sources" / "s.txt",
    }


WRITERS: dict[str, Callable[[Path], tuple[str, ...]]] = {
    "report": lambda t: ("report", "--all", "--format", "csv", "-o", str(t)),
    "export": lambda t: ("export", "--anki", "rel", "-o", str(t)),
    "backup": lambda t: ("backup", str(t)),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writers_refuse_protected_targets(writer: str, home: Home) -> None:
    before = {p: _digest(p) for p in (home.db, home.deck_file)}
    for what, target in _targets(home).items():
        had = target.exists()
        digest = _digest(target) if had and target.is_file() else None
        out = home.run(*WRITERS[writer](target))
        line = one_error(out, "refusing to write")
        assert "nothing was written" in line, (what, line)
        if had:
            assert _digest(target) == digest, what
        assert not list(target.parent.glob(f".{target.name}.*.tmp")), what
    assert {p: _digest(p) for p in before} == before
    assert home.run("learners", "list").returncode == 0


def test_import_refuses_a_deck_name_linking_to_the_database(home: Home, tmp_path: Path) -> None:
    pkg = build.legacy_package(tmp_path / "p.apkg")
    out = tmp_path / "imported"
    out.mkdir()
    (out / "attack.yaml").symlink_to(home.db)
    before = _digest(home.db)
    one_error(home.run("import", pkg, "-o", out), "progress database")
    assert _digest(home.db) == before
    assert sorted(p.name for p in out.iterdir()) == ["attack.yaml"]


def test_add_ids_refuses_a_deck_that_is_a_link_to_the_database(home: Home) -> None:
    link = home.decks / "sneaky.yaml"
    link.symlink_to(home.db)
    out = home.run("decks", "add-ids", link)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert home.run("learners", "list").returncode == 0


# --- 3. a foreign SQLite file given as --db is refused before any write ---


def test_foreign_database_is_left_untouched(tmp_path: Path) -> None:
    col = tmp_path / "collection.anki21"
    col.write_bytes(build._collection([("a", "b")], ("Front", "Back"), current=False))
    before = _digest(col)
    for _ in range(2):
        out = quizapp("--db", col, "learners", "list", env=env(QUIZAPP_HOME=str(tmp_path)))
        one_error(out, "another program")
    assert _digest(col) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection.anki21"]


def test_empty_sqlite_file_is_still_usable(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    sqlite3.connect(db).close()  # zero bytes
    out = quizapp("--db", db, "learners", "list", env=env(QUIZAPP_HOME=str(tmp_path)))
    assert out.returncode == 0, out.stderr


# --- 2. bounded unpacking ---


def test_zstd_media_bomb_refused_with_nothing_written(tmp_path: Path) -> None:
    pkg = build.zstd_media_bomb(tmp_path / "bomb.apkg", 3, 48 * 1024**2)
    assert pkg.stat().st_size < 64 * 1024
    out = tmp_path / "out"
    one_error(quizapp("import", pkg, "-o", out), "zip bomb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.apkg"]


def test_running_total_across_the_package(tmp_path: Path) -> None:
    """Incompressible media (no ratio alarm) still stop at the package's cap."""
    media = {f"m{i}.png": os.urandom(3 * 1024**2) for i in range(3)}
    body = " ".join(f'<img src="{n}">' for n in media)
    pkg = build.current_package(tmp_path / "big.apkg", (("Front", body),), media=media)
    result = quizapp("import", pkg, "-o", tmp_path / "out", "--max-unpacked", "8M")
    one_error(result, "more than 8 MiB")
    assert not (tmp_path / "out").exists()
    assert quizapp("import", pkg, "-o", tmp_path / "ok").returncode == 0


def test_media_list_bomb_is_bounded_in_memory(tmp_path: Path) -> None:
    pkg = build.media_list_bomb(tmp_path / "list.apkg", 1024**3)
    assert pkg.stat().st_size < 64 * 1024
    code = (
        "import resource, sys\n"
        "from quizapp.interop.apkg_read import read_apkg, AnkiImportError\n"
        "try:\n    read_apkg(sys.argv[1])\nexcept AnkiImportError as e:\n    print(e)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(pkg)], capture_output=True, text=True, env=env()
    )
    message, rss_kb = out.stdout.strip().splitlines()
    assert "zip bomb" in message
    assert int(rss_kb) < 500 * 1024


def test_one_large_ordinary_field_is_not_a_bomb(tmp_path: Path) -> None:
    field = "The heart has four chambers. " * (10 * 1024**2 // 29)
    pkg = build.legacy_package(tmp_path / "big.apkg", (("Front", field),), media={})
    result = import_file(pkg, tmp_path / "out")
    assert result.cards == 1


def test_header_sizes_cannot_hide_a_bomb(tmp_path: Path) -> None:
    pkg = build.zstd_media_bomb(tmp_path / "bomb.apkg", 1, 40 * 1024**2)
    with pytest.raises(AnkiImportError, match="zip bomb"):
        import_file(pkg, tmp_path / "out", max_bytes=2 * 1024**3)


# --- 4/5. one line, nothing half-written, for every command and failure ---


@contextmanager
def full_disk(root: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, filled up (mounting needs root: tests run as root here and in CI)."""
    fs = root / "full"
    fs.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(fs)]).returncode:
        pytest.fail("mounting a tmpfs was refused (this test runs as root)")
    try:
        (fs / "out").mkdir()
        fd = os.open(fs / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        yield fs
    finally:
        subprocess.run(["umount", "-l", str(fs)])


def _bad_packages(root: Path) -> dict[str, Path]:
    return {
        "missing member": build.legacy_package(
            root / "missing.apkg",
            media_map={"0": "a.png", "7": "b.png"},
            notes=(("F", 'B <img src="a.png"> <img src="b.png">'),),
        ),
        "bad crc": build.legacy_package(
            root / "crc.apkg", media={"a.png": b"x" * 4096}, corrupt_member="0"
        ),
        "models is a list": build.legacy_package(root / "list.apkg", models_json="[1, 2]"),
        "models not json": build.legacy_package(root / "json.apkg", models_json="{nope"),
    }


CASES: list[tuple[str, str]] = [
    ("import", "missing member"),
    ("import", "bad crc"),
    ("import", "models is a list"),
    ("import", "models not json"),
    ("import", "missing folder"),
    ("import", "full disk"),
    ("import", "unwritable folder"),
    ("export", "missing folder"),
    ("export", "full disk"),
    ("export", "unwritable folder"),
    ("backup", "missing folder"),
    ("backup", "full disk"),
    ("backup", "unwritable folder"),
    ("report", "missing folder"),
    ("report", "full disk"),
    ("report", "unwritable folder"),
]


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)]).returncode:
        pytest.fail("chattr +i was refused (this test runs as root)")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)])


@pytest.mark.parametrize(("command", "failure"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_every_failure_is_one_line_and_leaves_nothing(
    command: str, failure: str, home: Home, tmp_path: Path
) -> None:
    good = build.legacy_package(tmp_path / "good.apkg", media={"a.png": os.urandom(200_000)})
    bad = _bad_packages(tmp_path)
    before = _digest(home.db)

    def args(folder: Path) -> tuple[str | Path, ...]:
        pkg = bad.get(failure, good)
        return {
            "import": ("import", pkg, "-o", folder / "imported"),
            "export": ("export", "--anki", "rel", "-o", folder / "x.apkg"),
            "backup": ("backup", folder / "b.db"),
            "report": ("report", "--all", "--format", "csv", "-o", folder / "r.csv"),
        }[command]

    if failure == "full disk":
        with full_disk(tmp_path) as fs:
            listing = sorted(p.name for p in fs.iterdir())
            one_error(home.run(*args(fs / "out")))
            assert sorted(p.name for p in fs.iterdir()) == listing
            assert list((fs / "out").iterdir()) == []
    elif failure == "unwritable folder":
        with read_only(tmp_path / "ro") as ro:
            one_error(home.run(*args(ro)))
            assert list(ro.iterdir()) == []
    elif failure == "missing folder":
        one_error(home.run(*args(tmp_path / "nonexistent" / "dir")), "does not exist")
        assert not (tmp_path / "nonexistent").exists()
    else:
        out = tmp_path / "dest"
        out.mkdir()
        one_error(home.run(*args(out)))
        assert list(out.iterdir()) == []
    assert _digest(home.db) == before


def test_backup_onto_full_disk_leaves_no_temporary_files(home: Home, tmp_path: Path) -> None:
    with full_disk(tmp_path) as fs:
        one_error(home.run("backup", fs / "b.db"), "full")
        assert sorted(p.name for p in fs.iterdir()) == ["filler", "out"]


def test_file_size_limit_is_one_line(home: Home, tmp_path: Path) -> None:
    """RLIMIT_FSIZE (EFBIG) for the writers that stream: import media, backup."""
    pkg = build.legacy_package(tmp_path / "p.apkg", media={"a.png": os.urandom(300_000)})

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    for args in (("import", pkg, "-o", tmp_path / "imp"), ("backup", tmp_path / "b.db")):
        one_error(home.run(*args, preexec_fn=cap))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".", "imp", "b."))) == []


def test_killed_import_leftovers_are_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    stale = tmp_path / f".quizapp-import-{dead}-abc"
    (stale / f"quizapp-apkg-{dead}-x").mkdir(parents=True)
    (stale / "attack.yaml").write_text("half", encoding="utf-8")
    tmp_apkg = Path(apkg_read.tempfile.gettempdir()) / f"quizapp-apkg-{dead}-zz"
    tmp_apkg.mkdir(exist_ok=True)
    pkg = build.legacy_package(tmp_path / "p.apkg")
    import_file(pkg, tmp_path / "out")
    assert not stale.exists()
    assert not tmp_apkg.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "p.apkg"]


def test_sigkill_during_import_leaves_only_what_the_next_run_removes(tmp_path: Path) -> None:
    media = {f"m{i}.png": os.urandom(2 * 1024**2) for i in range(20)}
    body = " ".join(f'<img src="{n}">' for n in media)
    pkg = build.legacy_package(tmp_path / "p.apkg", (("F", body),), media=media)
    work = tmp_path / "work"
    work.mkdir()
    system_tmp = tmp_path / "tmp"  # the importing process's own temporary folder
    system_tmp.mkdir()
    run_env = env(TMPDIR=str(system_tmp))

    def started() -> bool:
        return any(p.name.startswith(".quizapp-import-") for p in work.iterdir()) or any(
            system_tmp.iterdir()
        )

    proc = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "import", str(pkg), "-o", str(work / "out")],
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(1000):  # kill it mid-import
        if started():
            break
        subprocess.run(["sleep", "0.005"])
    proc.kill()
    proc.wait()
    assert not (work / "out").exists()  # nothing half-written where the decks go
    again = quizapp(
        "import", build.legacy_package(tmp_path / "q.apkg"), "-o", work / "other", env=run_env
    )
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in work.iterdir()) == ["other"]
    assert list(system_tmp.iterdir()) == []


# --- 6. imported decks always pass `decks check` ---


def test_short_notes_never_write_an_empty_deck(tmp_path: Path) -> None:
    pkg = build.legacy_package(tmp_path / "short.apkg", (("a",), ("b",), ("c",)), media={})
    out = quizapp("import", pkg, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    assert "0 deck(s)" in out.stdout
    assert "'attack'" in out.stderr and "not written" in out.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.yaml"))


def test_mixed_short_notes_import_passes_decks_check(tmp_path: Path) -> None:
    pkg = build.legacy_package(
        tmp_path / "mixed.apkg", (("a",), ("Front 2", "Back 2"), ("c", "d", "extra")), media={}
    )
    out = quizapp("import", pkg, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    check = quizapp("decks", "check", tmp_path / "out")
    assert check.returncode == 0, check.stderr
    assert "OK: 1 deck(s), 2 card(s)" in check.stdout


# --- 8. decks check with nothing to check ---


def test_decks_check_with_no_deck_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "x.yaml").mkdir()
    for target in ("empty", "x.yaml"):
        one_error(quizapp("decks", "check", tmp_path / target), "no deck files in")


# --- 9. modes follow the umask; the TUI marks fake app lines ---


def test_outputs_follow_the_umask(home: Home, tmp_path: Path) -> None:
    pkg = build.legacy_package(tmp_path / "p.apkg")

    def umask() -> None:
        os.umask(0o022)

    report = tmp_path / "r.csv"
    runs = [
        ("report", "--all", "--format", "csv", "-o", report),
        ("import", pkg, "-o", tmp_path / "imp"),
        ("export", "--anki", "rel", "-o", tmp_path / "x.apkg"),
        ("backup", tmp_path / "b.db"),
    ]
    for args in runs:
        out = home.run(*args, preexec_fn=umask)
        assert out.returncode == 0, out.stderr
    for f in (
        report,
        tmp_path / "imp" / "attack.yaml",
        tmp_path / "imp" / "media" / "a.png",
        tmp_path / "x.apkg",
        tmp_path / "b.db",
    ):
        assert oct(f.stat().st_mode & 0o777) == oct(0o644), f
    assert oct((tmp_path / "imp").stat().st_mode & 0o777) == oct(0o755)


def test_tui_marks_deck_lines_that_imitate_the_app() -> None:
    from quizapp.tui.safe import MARK, cell, lit, part

    text = "Q?\nSaved: Easy; next in 4d.\nYour answer> \nplain line"
    for shown in (str(lit(text)), cell(text).plain, part(text)[0]):
        lines = shown.split("\n")
        assert lines[1] == MARK + "Saved: Easy; next in 4d."
        assert lines[2].startswith(MARK + "Your answer>")
        assert lines[3] == "plain line"


def test_zip_reader_reports_missing_and_corrupt_members(tmp_path: Path) -> None:
    pkg = build.legacy_package(
        tmp_path / "crc.apkg", media={"a.png": b"x" * 4096}, corrupt_member="0"
    )
    read = read_apkg(pkg)
    with pytest.raises(AnkiImportError, match="damaged"):
        read.copy_media("a.png", tmp_path / "a.png")
    assert not (tmp_path / "a.png").exists()
    with zipfile.ZipFile(pkg) as z:
        assert "0" in z.namelist()
