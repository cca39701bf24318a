"""`quizapp study --plain` end to end through stdin, checking the database afterwards."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


def run_plain(db: Path, decks: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "quizapp",
            "--db",
            str(db),
            "--decks",
            str(decks),
            "study",
            "--plain",
            "--learner",
            "ann",
            "--deck",
            "small",
            *args,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def deck_dir(write_deck: Callable[..., Path]) -> Path:
    return write_deck().parent


def test_full_session_through_stdin(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    # basic: Enter reveals, grade 3; typed: "35 percent" right, Enter accepts Good;
    # mcq: "b" wrong, Enter accepts Again; cloze 1: "positive" right, grade 4.
    stdin = "\n3\n35 percent\n\nb\n\npositive\n4\n"
    out = run_plain(db, deck_dir, stdin)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Back one" in text
    assert "✓ Correct — 35%" in text
    assert "✗ Wrong — the answer is" in text and "38%" in text
    assert "That is the share within 5 years." in text  # reason of the chosen option
    assert 'Source: "As many as 35% recur." [47] — A test source' in text
    assert text.count("Saved:") == 4
    assert "Session over: 4 answered, 67% correct" in text
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT c.card_id, r.rating, r.correct, r.response FROM reviews r "
        "JOIN cards c ON c.id = r.card_pk ORDER BY r.id"
    ).fetchall()
    assert rows == [
        ("basic-1", 3, None, ""),
        ("typed-1", 3, 1, "35 percent"),
        ("mcq-1", 1, 0, "B"),
        ("cloze-1", 4, 1, "positive"),
    ]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_eof_mid_card_loses_nothing_and_resumes(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    out = run_plain(db, deck_dir, "\n2\n35")  # EOF while typing the second answer
    assert out.returncode == 0 and "Session over: 1 answered" in out.stdout
    assert "Traceback" not in out.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT rating FROM reviews").fetchall() == [(2,)]
    conn.close()
    out = run_plain(db, deck_dir, ":q\n")
    assert "typed-1" in out.stdout  # resumes with the next card


def test_undo_and_commands(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    out = run_plain(db, deck_dir, "\n3\n:u\n\n4\n:f\n:s\n:q\n")
    assert out.returncode == 0, out.stderr
    assert "Undone: Small test deck · small/basic-1 (Front one)" in out.stdout  # names the card
    assert "Flagged." in out.stdout and "Suspended." in out.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT rating FROM reviews").fetchall() == [(4,)]
    flags = conn.execute(
        "SELECT c.card_id, s.flagged, s.suspended FROM card_state s"
        " JOIN cards c ON c.id = s.card_pk WHERE s.flagged OR s.suspended"
    ).fetchall()
    assert flags == [("typed-1", 1, 1)]


def test_invalid_input_is_asked_again(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    out = run_plain(db, deck_dir, "\n7\n3\n:q\n")
    assert "Please type 1, 2, 3 or 4" in out.stdout
    assert sqlite3.connect(db).execute("SELECT rating FROM reviews").fetchall() == [(3,)]


def test_hostile_text_is_inert(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    from tests.conftest import SMALL_DECK

    hostile = SMALL_DECK.replace("Front one", "Front \\e]0;pwned\\a [b]x[/b] \\e[2J")
    hostile = hostile.replace("prompt: Front \\e", 'prompt: "Front \\e').replace(
        "\\e[2J\n", '\\e[2J"\n', 1
    )
    deck = write_deck(hostile)
    out = run_plain(tmp_path / "p.db", deck.parent, ":q\n")
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    assert "\\x1b]0;pwned\\x07 [b]x[/b] \\x1b[2J" in out.stdout


def test_unknown_deck_is_a_clear_error(tmp_path: Path, deck_dir: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizapp",
            "--db",
            str(tmp_path / "p.db"),
            "--decks",
            str(deck_dir),
            "study",
            "--plain",
            "--deck",
            "nope",
        ],
        capture_output=True,
        text=True,
        input="",
        timeout=60,
    )
    assert out.returncode == 1
    assert "no deck with id nope" in out.stderr and "Traceback" not in out.stderr
