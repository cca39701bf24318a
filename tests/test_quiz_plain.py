"""The plain quiz: end to end through stdin (subprocess), and in-process with a fake clock."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.plain.quiz import PlainQuiz, clock_text
from quizapp.quiz import build_block, load_block
from quizapp.store import open_database
from tests.conftest import FakeClock
from tests.test_quiz_support import QUIZ_DECK, quiz_setup

WriteDeck = Callable[..., Path]


def run_quiz(db: Path, decks: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "quizapp", "--db", str(db), "--decks", str(decks), "quiz",
         "--learner", "ann", "--deck", "qd", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )  # fmt: skip


@pytest.fixture
def deck_dir(write_deck: WriteDeck) -> Path:
    return write_deck(QUIZ_DECK, name="quiz.yaml").parent


def answers(db: Path) -> list[tuple[str, str | None, int | None, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT c.card_id, a.response, a.correct, a.flagged FROM quiz_answers a "
            "JOIN cards c ON c.id = a.card_pk ORDER BY a.block_id, a.position"
        ).fetchall()
    finally:
        conn.close()


def shown_letters(db: Path, position: int) -> dict[str, str]:
    """Option text → the letter question `position` of the latest block shows it by (the
    options of every mcq question are shuffled when the block is built)."""
    database = open_database(db)
    try:
        block_id = database.conn.execute("SELECT max(id) FROM quiz_blocks").fetchone()[0]
        q = load_block(database, block_id).question(position)
        return {text: letter for letter, text in q.choices}
    finally:
        database.conn.close()


def test_tutor_block_through_stdin(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    args = ("--plain", "--tutor", "--in-order", "--questions", "9")
    out = run_quiz(db, deck_dir, ":q\n", *args)  # build the block, see its option orders
    assert out.returncode == 0, out.stderr
    assert "Only 5 question(s) in the unused pool here." in out.stdout
    mcq1, mcq2 = shown_letters(db, 2), shown_letters(db, 4)
    # typed-1 right, mcq-1 wrong, cloze-1 skipped (Enter), mcq-2 right, typed-2 right;
    # after the last question it goes back to the unanswered one; :s lists it; y submits.
    both = f"{mcq2['alpha']},{mcq2['beta']}".lower()
    stdin = f"35 percent\n\n{mcq1['80%'].lower()}\n\n\n{both}\n\nlung\n\n:s\ny\n"
    out = run_quiz(db, deck_dir, stdin, "--resume")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "✓ Correct — 35%" in text
    wrong, right = mcq1["80%"], mcq1["38%"]
    assert f"✗ Wrong — you answered {wrong}) 80%; the answer is {right}) 38%" in text
    assert f"{wrong}) ✗ wrong (your choice): 80% — That is the share within 5 years." in text
    # the options are listed as shown: A first
    assert text.index(f"  {min(wrong, right)}) ") < text.index(f"  {max(wrong, right)}) ")
    assert 'Source: "As many as 35% recur." [47] — A test source' in text
    assert "back to unanswered question 3" in text
    assert "1 unanswered (counted wrong): 3" in text
    lines = text.rstrip("\n").splitlines()
    score = lines.index("Score: 3/5 (60%)")
    assert lines[score + 1 :] == [
        "  epi: 1/2 (50%)",
        "  nodes: 1/2 (50%)",
        "  prog: 1/2 (50%)",
        "  test: 3/5 (60%)",
    ]
    # saved naming the card's own options (B is 80% on the card), whatever was shown
    assert [(a[0], a[1], a[2]) for a in answers(db)] == [
        ("typed-1", "35 percent", 1),
        ("mcq-1", "B", 0),
        ("cloze-1", None, None),
        ("mcq-2", "A,B", 1),
        ("typed-2", "lung", 1),
    ]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT mode, status FROM quiz_blocks").fetchall() == [
        ("tutor", "submitted")
    ]
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0  # no rescheduling
    conn.close()

    # a second block from the unused pool asks only the unanswered question; the comparison
    # with the first block shows on the tag lines
    out = run_quiz(db, deck_dir, ":s\ny\n", "--plain")
    assert out.returncode == 0, out.stderr
    assert "Question 1/1 · cloze" in out.stdout
    assert "Score: 0/1 (0%)" in out.stdout
    assert "  nodes: 0/1 (0%); earlier 50% (1/2 in 1 block), -50 points" in out.stdout


def test_timed_block_quit_and_resume(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    args = ("--plain", "--timed", "--in-order", "--questions", "3", "--seconds", "60")
    out = run_quiz(db, deck_dir, "35\n:f\n:q\n", *args)
    assert out.returncode == 0, out.stderr
    assert "Question 1/3 · typed · time left 3:00" in out.stdout
    assert "Saved." in out.stdout and "Question 2 flagged." in out.stdout
    assert "✓ Correct" not in out.stdout  # timed: no feedback during the block
    assert re.search(r"Block 1 saved \(1/3 answered, [23]:\d\d left\)", out.stdout)
    assert "Resume with: quizapp quiz --plain --resume" in out.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, current FROM quiz_blocks").fetchone() == ("paused", 2)
    conn.close()
    assert answers(db)[:2] == [("typed-1", "35", 1, 0), ("mcq-1", None, None, 1)]

    mcq1 = shown_letters(db, 2)
    wrong, right = mcq1["80%"].lower(), mcq1["38%"].lower()
    out = run_quiz(db, deck_dir, f"{wrong}\n:p\n{right}\n:l\n:s\ny\n", "--resume")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # without --plain, piped input runs line by line (the TUI needs a terminal)
    assert "quiz screen" not in text
    assert "Quiz block 1: 3 questions, timed mode, 1 answered" in text
    # back on question 2: the answer is shown by the letter it was given (not graded)
    assert f"Your answer: {mcq1['80%']}) 80%" in text
    assert "•F" in text and "• answered" in text  # navigator: answered + flagged, hidden
    assert "Review:" in text and "✗ Not answered — the answer is" in text
    assert text.rstrip().splitlines()[-5] == "Score: 2/3 (67%)"
    assert answers(db) == [
        ("typed-1", "35", 1, 0),
        ("mcq-1", "A", 1, 1),
        ("cloze-1", None, None, 0),
    ]


def test_clear_errors(tmp_path: Path, deck_dir: Path) -> None:
    db = tmp_path / "p.db"
    out = run_quiz(db, deck_dir, "", "--plain", "--pool", "incorrect")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "pools with questions: unused (5), all (5)" in out.stderr
    out = run_quiz(db, deck_dir, "", "--plain", "--resume")
    assert out.returncode == 1 and "no unfinished quiz block" in out.stderr


def test_timed_block_runs_out_with_a_fake_clock(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    ann = quiz_setup(db, write_deck)
    block = build_block(db, ann, pool="all", n=3, mode="timed", seconds_per_question=30,
                        clock=clock, shuffle=False)  # fmt: skip

    class SlowInput(io.StringIO):
        """Each line takes the learner 40 seconds."""

        def readline(self, size: int = -1) -> str:  # type: ignore[override]
            clock.advance(seconds=40)
            return super().readline(size)

    out = io.StringIO()
    right = {text: letter for letter, text in block.question(2).choices}["38%"]
    r = PlainQuiz(block, SlowInput(f"35\n{right}\n;x\n"), out).run()
    text = out.getvalue()
    assert "time left 1:30" in text and "time left 0:50" in text and "time left 0:10" in text
    assert "Time is up: the block has been submitted; that answer came too late." in text
    assert r is not None and r.score_line == "Score: 2/3 (67%)"
    assert text.rstrip().splitlines()[-5:] == [
        "Score: 2/3 (67%)",
        "  epi: 2/2 (100%)",
        "  nodes: 0/1 (0%)",
        "  prog: 1/1 (100%)",
        "  test: 2/3 (67%)",
    ]
    row = db.conn.execute("SELECT status, elapsed_ms FROM quiz_blocks").fetchone()
    assert row == ("submitted", 90_000)
    assert [q.time_ms for q in block.all_questions()] == [40_000, 40_000, 10_000]


def test_clock_text() -> None:
    assert clock_text(0) == "0:00"
    assert clock_text(1) == "0:01"
    assert clock_text(90_000) == "1:30"
    assert clock_text(3_723_000) == "1:02:03"
