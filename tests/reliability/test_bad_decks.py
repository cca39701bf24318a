"""Bad decks through the CLI: a clear error naming file and location, exit 1, no traceback,
and a `study --plain` run with the bad deck in --decks leaves the progress database as it was.

The 68 fixtures of tests/fixtures/bad_decks (whose exact line and message are checked in
tests/test_decks_loader.py) are reused; the cases that need a file system — huge files,
symlink loops and escapes, dangling links, BOM, CRLF, cross-file duplicates — are built here
in tmp_path. The commands run in-process through click's test runner (the same command
code; an uncaught exception is what would be a traceback) to keep the suite fast, and a few
also run as real processes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli.main import cli
from tests.conftest import SMALL_DECK, SMALL_SOURCE
from tests.reliability.helpers import clean, fingerprint, quizapp

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad_decks"
FIXTURES = sorted(p.name for p in BAD.glob("*.yaml"))
HEAD = "id: gen\ntitle: Generated\nsources: {s: {title: S}}\ncards:\n"
CARD = (
    "  - id: c1\n    type: basic\n    prompt: P\n    answer: A\n    explanation: E\n"
    "    source: {id: s, quote: q}\n"
)


# ------------------------------------------------------------------ generated cases
# Each builder gets an empty folder and returns the path to give `decks check` / --decks.


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        p = d / name
        p.write_bytes(data)
        return p

    return build


def _big_comment(d: Path) -> Path:
    """50 MB: a valid start, 50 MB of comments, then a bad indent on the last line."""
    p = d / "fifty_mb.yaml"
    line = "# " + "x" * 97 + "\n"
    with p.open("w", encoding="utf-8") as f:
        f.write(HEAD)
        f.write(line * (50 * 1024 * 1024 // len(line)))
        f.write("  - id: c1\n    type: basic\n   prompt: bad indent\n")
    return p


def _sparse(size: int) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        p = d / f"sparse_{size >> 20}mb.yaml"
        with p.open("wb") as f:
            f.truncate(size)  # holes: no disk used, but NUL bytes when read
        return p

    return build


def _symlink_loop(d: Path) -> Path:
    folder = d / "loop"
    folder.mkdir()
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    return folder


def _dangling(d: Path) -> Path:
    folder = d / "dangling"
    folder.mkdir()
    (folder / "gone.yaml").symlink_to(d / "nowhere.yaml")
    return folder


def _symlink_out(d: Path) -> Path:
    """A deck folder holding a link to a file outside it (here /etc/passwd)."""
    folder = d / "linked"
    folder.mkdir()
    (folder / "secrets.yaml").symlink_to("/etc/passwd")
    return folder


def _source_symlink_out(d: Path) -> Path:
    """A source `file:` inside the folder that is a symlink to /etc/passwd."""
    (d / "sources").mkdir()
    (d / "sources" / "doc.txt").symlink_to("/etc/passwd")
    p = d / "source_link.yaml"
    p.write_text(
        "id: gen\ntitle: G\nsources: {s: {title: S, file: sources/doc.txt}}\ncards:\n"
        + CARD.replace("quote: q", "quote: 'root:x:0:0'"),
        encoding="utf-8",
    )
    return p


def _source_dir(d: Path) -> Path:
    """A directory where the source file should be."""
    (d / "doc.txt").mkdir()
    p = d / "source_dir.yaml"
    p.write_text(HEAD.replace("{title: S}", "{title: S, file: doc.txt}") + CARD, "utf-8")
    return p


def _duplicate_across_files(d: Path) -> Path:
    """Two one-card files with the deck id of the studied deck (`small`)."""
    folder = d / "dup"
    folder.mkdir()
    (folder / "source.txt").write_text(SMALL_SOURCE)
    hijack = HEAD.replace("id: gen", "id: small") + CARD
    (folder / "copy.yaml").write_text(hijack)
    (folder / "copy2.yaml").write_text(hijack)
    return folder


def _nested(d: Path) -> Path:
    folder = d / "nested" / "deeper"
    folder.mkdir(parents=True)
    (folder / "deck.yml").write_text(HEAD + CARD.replace("type: basic", "type: basik"), "utf-8")
    return d / "nested"


GENERATED: dict[str, Callable[[Path], Path]] = {
    "fifty_mb_file": _big_comment,
    "sparse_70mb_over_limit": _sparse(70 * 1024 * 1024),
    "sparse_50mb_of_nul": _sparse(50 * 1024 * 1024),
    "symlink_loop": _symlink_loop,
    "dangling_symlink": _dangling,
    "symlink_out_of_folder": _symlink_out,
    "source_symlink_out": _source_symlink_out,
    "source_is_directory": _source_dir,
    "duplicate_deck_id_across_files": _duplicate_across_files,
    "nested_folder_bad_type": _nested,
    "bom_then_error": _file("bom_err.yaml", b"\xef\xbb\xbf" + (HEAD + CARD)[:-30].encode()),
    "only_bom": _file("only_bom.yaml", b"\xef\xbb\xbf"),
    "crlf_with_tab": _file("crlf.yaml", (HEAD + CARD).replace("\n", "\r\n").encode() + b"\t- x"),
    "latin1": _file("latin1.yaml", (HEAD + CARD).replace("P", "Pr\xe9cis").encode("latin-1")),
    "nul_in_middle": _file("nul.yaml", (HEAD + CARD).encode().replace(b"answer", b"ans\0wer")),
    "utf8_surrogate_bytes": _file("surrogate.yaml", HEAD.encode() + b"  - id: \xed\xa0\x80\n"),
    "control_chars_in_key": _file("ctrl.yaml", HEAD.encode() + b"  - \x1b[2J: 1\n"),
    "huge_alias_chain": _file(
        "aliases.yaml",
        (
            "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        ).encode(),
    ),
    "no_such_file": lambda d: d / "missing.yaml",
}

CASES = [f"fixture:{n}" for n in FIXTURES] + [f"gen:{n}" for n in GENERATED]


def build_case(case: str, d: Path) -> Path:
    kind, name = case.split(":", 1)
    if kind == "fixture":
        return BAD / name
    d.mkdir(parents=True, exist_ok=True)
    return GENERATED[name](d)


def test_corpus_size() -> None:
    assert len(CASES) >= 80  # the issue asks for at least 40


def _invoke(args: list[str], stdin: str = ""):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, args, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("uncaught exception (a traceback for the user)") from (
            result.exception
        )
    return result


@pytest.mark.parametrize("case", CASES)
def test_decks_check_names_file_and_location(case: str, tmp_path: Path) -> None:
    path = build_case(case, tmp_path / "case")
    result = _invoke(["decks", "check", str(path)])
    out = result.output
    assert result.exit_code == 1, out[-2000:]
    assert "Traceback" not in out
    # every problem line is `file:line:col: message`, and names a file under the path given
    lines = [ln for ln in result.stderr.splitlines() if not ln.endswith("deck(s) valid.")]
    assert lines, out
    for ln in lines:
        m = re.match(r"(.+?):(\d+):(\d+): \S", ln)
        assert m, ln
        assert m.group(1).startswith(str(path)), ln
    assert "root:x:0:0:" not in out  # nothing of a linked-to private file is echoed


# ------------------------------------------------------------------ the database is untouched


@pytest.fixture(scope="module")
def studied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database with progress on the `small` deck (learner k answered two cards)."""
    base = tmp_path_factory.mktemp("studied")
    decks = base / "decks"
    decks.mkdir()
    (decks / "source.txt").write_text(SMALL_SOURCE)
    (decks / "small.yaml").write_text(SMALL_DECK)
    db = base / "p.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUIZAPP_HOME", str(base / "home"))
        mp.delenv("QUIZAPP_DECKS", raising=False)
        r = _invoke(
            ["--db", str(db), "--decks", str(decks), "study", "--plain", "--learner", "k"],
            "\n3\n35\n\n",
        )
    assert r.exit_code == 0 and r.output.count("Saved:") == 2, r.output
    return db, decks


def _copy_setup(studied: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    db, decks = studied
    for suffix in ("", "-wal"):  # a WAL database is the file and its -wal together
        if Path(f"{db}{suffix}").exists():
            shutil.copy(f"{db}{suffix}", tmp_path / f"p.db{suffix}")
    shutil.copytree(decks, tmp_path / "decks")
    # The deck folder moved: one clean run records its new path before the baseline is taken.
    assert _study_quit(tmp_path / "p.db", tmp_path / "decks").exit_code == 0
    return tmp_path / "p.db", tmp_path / "decks"


def _study_quit(db: Path, *deck_paths: Path):  # type: ignore[no-untyped-def]
    args = ["--db", str(db)]
    for p in deck_paths:
        args += ["--decks", str(p)]
    return _invoke([*args, "study", "--plain", "--learner", "k"], ":q\n")


def _reviews(db: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


# Fixtures whose only problem is found by `decks check` (quotes against the source file):
# studying does not read source files, so these decks load and are synced like good ones.
# Source files are only read by `decks check` (to verify quotes), never by studying.
CHECK_ONLY = {
    "fixture:quote_not_in_source.yaml",
    "fixture:source_file_missing.yaml",
    "fixture:source_file_folder.yaml",
    "gen:source_symlink_out",
    "gen:source_is_directory",
}


@pytest.mark.parametrize("case", CASES)
def test_study_with_bad_deck_changes_nothing(
    case: str, tmp_path: Path, studied: tuple[Path, Path]
) -> None:
    db, decks = _copy_setup(studied, tmp_path)
    before = fingerprint(db)
    path = build_case(case, tmp_path / "case")
    result = _study_quit(db, decks, path)
    assert result.exit_code == 0, result.output[-2000:]
    assert "Traceback" not in result.output
    if case in CHECK_ONLY:
        return  # a source-file problem only `decks check` reports: the deck is valid to study
    assert "Small test deck" in result.output  # the good deck is still studied
    assert "problem(s) in deck files" in result.stderr or case == "gen:dangling_symlink"
    assert fingerprint(db) == before


@pytest.mark.parametrize("name", FIXTURES)
def test_good_deck_turned_bad_keeps_progress(
    name: str, tmp_path: Path, studied: tuple[Path, Path]
) -> None:
    """The studied deck's file is overwritten with a bad deck: nothing is lost or changed."""
    db, decks = _copy_setup(studied, tmp_path)
    before = fingerprint(db)
    shutil.copy(BAD / name, decks / "small.yaml")
    result = _study_quit(db, decks)
    assert result.exit_code == 0, result.output[-2000:]
    if f"fixture:{name}" in CHECK_ONLY:
        return  # valid for studying: synced like any edited deck
    assert fingerprint(db) == before
    assert _reviews(db) == 2
    assert "Small test deck" in result.output  # the previous version stays studyable


# ------------------------------------------------------------------ real processes


@pytest.mark.parametrize(
    "case", ["fixture:python_tag.yaml", "fixture:non_utf8.yaml", "gen:symlink_loop"]
)
def test_real_process_exit_status(case: str, tmp_path: Path) -> None:
    path = build_case(case, tmp_path / "case")
    out = quizapp("decks", "check", path)
    assert out.returncode == 1, clean(out)
    assert "Traceback" not in out.stderr + out.stdout
    assert str(path) in out.stderr


def test_fifo_deck_does_not_hang(tmp_path: Path) -> None:
    import os
    import subprocess

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    try:
        out = quizapp("decks", "check", fifo, timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("`decks check` on a FIFO hangs")
    assert out.returncode == 1 and str(fifo) in out.stderr
