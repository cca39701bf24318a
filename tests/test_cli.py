"""The CLI shape: version, learners, decks list/check/add-ids, backup, clean errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp import __version__
from quizapp.cli.main import cli


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., object]:
    db = tmp_path / "p.db"

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)

    return invoke


def test_version() -> None:
    out = CliRunner().invoke(cli, ["--version"])
    assert out.exit_code == 0 and __version__ in out.output


def test_learners_lifecycle(run: Callable[..., object], tmp_path: Path) -> None:
    assert "Added learner Ann." in run("learners", "add", "Ann").output
    dup = run("learners", "add", "ann")
    assert dup.exit_code == 1 and "already exists" in dup.output
    assert "Renamed Ann to Anna." in run("learners", "rename", "Ann", "Anna").output
    listing = run("learners", "list").output
    assert "Anna: 0 reviews; retention 0.90, 20 new/day, 200 reviews/day" in listing
    kept = run("learners", "remove", "Anna", input="n\n")
    assert "Nothing removed." in kept.output
    gone = run("learners", "remove", "Anna", input="y\n")
    assert "Removed Anna (0 review(s))." in gone.output
    assert sqlite3.connect(tmp_path / "p.db").execute(
        "SELECT count(*) FROM learners"
    ).fetchone() == (0,)
    missing = run("learners", "remove", "Nobody", "--yes")
    assert missing.exit_code == 1 and "no learner named 'Nobody'" in missing.output
    assert "Traceback" not in missing.output


def test_decks_list_counts_and_backlog(
    run: Callable[..., object], write_deck: Callable[..., Path], tmp_path: Path
) -> None:
    deck = write_deck()
    out = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "p.db"),
            "--decks",
            str(deck.parent),
            "decks",
            "list",
            "--learner",
            "ann",
        ],
    )
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.strip().startswith("small"))
    assert line.split()[1:5] == ["0", "0", "5", "5"]  # due, learning, new, items
    # make every item an overdue review with a tiny daily limit: a backlog of several days
    conn = sqlite3.connect(tmp_path / "p.db")
    lid = conn.execute("SELECT id FROM learners WHERE name = 'ann'").fetchone()[0]
    conn.execute("UPDATE learners SET reviews_per_day = 1 WHERE id = ?", [lid])
    conn.execute(
        "INSERT INTO card_state (learner_id, card_pk, state, stability, difficulty, due,"
        " last_review, reps) SELECT ?, id, 2, 3.0, 5.0, 1000, 0, 3 FROM cards"
        " WHERE deck_id = 'small'",
        [lid],
    )
    conn.commit()
    out = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "p.db"),
            "--decks",
            str(deck.parent),
            "decks",
            "list",
            "--learner",
            "ann",
        ],
    )
    assert "Backlog: about 5 days at 1 reviews/day" in out.output


def test_decks_check_exit_codes(write_deck: Callable[..., Path], tmp_path: Path) -> None:
    good = write_deck()
    ok = CliRunner().invoke(cli, ["decks", "check", str(good)])
    assert ok.exit_code == 0 and "OK: 1 deck(s), 4 card(s)" in ok.output
    bad = good.parent / "bad.yaml"
    bad.write_text(
        good.read_text()
        .replace("id: small", "id: other")
        .replace('Sentence one."}', 'Not in the source."}', 1)
    )
    out = CliRunner().invoke(cli, ["decks", "check", str(bad)])
    assert out.exit_code == 1
    assert "bad.yaml:" in out.output and "basic-1" in out.output and "Traceback" not in out.output


def test_add_ids(tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(
        "# my deck\nid: d\ntitle: T\ncards:\n  - type: basic  # first\n"
        "    prompt: What is up?\n    answer: Sky\n    explanation: E\n"
        "    source: {id: s, quote: q}\nsources:\n  s: {title: S}\n"
    )
    out = CliRunner().invoke(cli, ["decks", "add-ids", str(f)])
    assert out.exit_code == 0 and "Added 1 id(s)" in out.output
    text = f.read_text()
    assert "# my deck" in text and "# first" in text and "id: what-is-up" in text


def test_backup_command(run: Callable[..., object], tmp_path: Path) -> None:
    run("learners", "add", "Ann")
    dest = tmp_path / "copy.db"
    out = run("backup", str(dest))
    assert out.exit_code == 0 and dest.exists()
    assert sqlite3.connect(dest).execute("SELECT name FROM learners").fetchall() == [("Ann",)]


def test_bad_database_is_a_clean_error(tmp_path: Path) -> None:
    notdb = tmp_path / "notes.txt"
    notdb.write_text("hello")
    out = CliRunner().invoke(cli, ["--db", str(notdb), "learners", "list"])
    assert out.exit_code == 1 and "not an SQLite database" in out.output
    assert notdb.read_text() == "hello"


def test_every_command_module_is_mapped() -> None:
    """Commands load lazily by name: every command defined in quizapp/cli/ must be in
    COMMAND_MODULES (or it would never be found), and map to the module that defines it."""
    import importlib
    import pkgutil

    import quizapp.cli as package
    from quizapp.cli.main import COMMAND_MODULES

    for info in pkgutil.iter_modules(package.__path__):
        if info.name == "main":
            continue
        before = set(cli.commands)
        importlib.import_module(f"quizapp.cli.{info.name}")
        for name in set(cli.commands) - before:
            assert COMMAND_MODULES.get(name) == info.name, name
    assert set(cli.commands) == set(COMMAND_MODULES)


def test_running_one_command_imports_only_its_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from quizapp.cli.main import cli\n"
        "CliRunner().invoke(cli, ['backup', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('quizapp.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['quizapp.cli.backup', 'quizapp.cli.main']"


def test_a_command_without_decks_does_not_load_the_deck_package(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from quizapp.cli.main import cli\n"
        f"out = CliRunner().invoke(cli, ['--db', {str(tmp_path / 'p.db')!r}, 'learners', 'list'])\n"
        "assert out.exit_code == 0, out.output\n"
        "print('quizapp.decks' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
