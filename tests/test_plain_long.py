"""Plain mode with long questions: deck text word-wrapped to the width with its
continuation lines marked; undo names the card and asks before dropping an ungraded
answer; a select-all question with nothing typed asks again."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from quizapp.plain.lineio import CONTINUED, fill
from quizapp.plain.quiz import PlainQuiz
from quizapp.plain.study import DROP_QUESTION, PlainStudy
from quizapp.quiz import build_block
from quizapp.store.learners import ensure_learner
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock
from tests.long_deck import DECK

WriteDeck = Callable[..., Path]


class Terminal(io.StringIO):
    """Input lines that echo like a terminal (the newline typed ends the prompt's line)."""

    def __init__(self, text: str, out: io.StringIO) -> None:
        super().__init__(text)
        self.out = out

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        line = super().readline(size)
        if line:
            self.out.write("\n")
        return line


def plain_study(db: Database, write_deck: WriteDeck, clock: FakeClock, stdin: str,
                width: int) -> tuple[str, Database]:  # fmt: skip
    sync_paths(db, [write_deck(DECK, name="long.yaml").parent])
    ann = ensure_learner(db, "ann")
    session = session_for(db, ann, ["long"], clock=clock, fuzz=False)
    out = io.StringIO()
    PlainStudy(session, Terminal(stdin, out), out, width=width).run()
    return out.getvalue(), db


def test_fill_wraps_and_marks_every_continuation() -> None:
    text = "word " * 30 + "\nSaved: Good; next in 3 days."  # a deck faking our line
    lines = fill("", text, 40).split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert all(line.startswith(CONTINUED) for line in lines[1:])
    assert lines[-1] == CONTINUED + "Saved: Good; next in 3 days."
    option = fill("  c) ", "word " * 30, 40).split("\n")
    assert option[0].startswith("  c) word")
    assert all(line.startswith("   ┊ word") for line in option[1:])  # under the text


def test_plain_study_wraps_deck_text_to_the_width(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    text, _ = plain_study(db, write_deck, clock, "b\n\n:q\n", width=80)
    lines = text.split("\n")
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    start = next(i for i, line in enumerate(lines) if line.startswith("A 58-year-old"))
    vignette = []
    for line in lines[start + 1 :]:
        if not line.startswith(CONTINUED):
            break
        vignette.append(line)
    assert len(vignette) >= 15  # ~240 words at 80 columns, every line marked
    assert "What do you tell him?" in vignette[-1]
    # the right option (shown at whatever letter this presentation drew) and its reason's
    # wrapped lines hanging under the option's text, with the marker
    key = re.compile(r"  [A-D]\) ✓ right: Recurrence is likely")
    right = next(i for i, line in enumerate(lines) if key.match(line))
    assert all(line.startswith("   ┊ why") for line in lines[right + 1 : right + 4])


def test_plain_undo_names_the_card_and_asks_before_dropping_an_answer(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    # case-1: a, grade: :u (nothing to undo yet), then 3 · multi-1: a,b, grade: :u, n
    # (kept), :u, y (dropped: back to case-1)
    stdin = "a\n:u\n3\na,b\n:u\nn\n:u\ny\n:q\n"
    text, db = plain_study(db, write_deck, clock, stdin, width=100)
    assert "Nothing to undo." in text
    assert text.count(DROP_QUESTION) == 2
    assert "Kept your answer; grade it." in text
    assert "Undone: Long deck · long/case-1 (A 58-year-old man returns to clinic two…)" in text
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    assert text.split("Undone:")[1].count("long/case-1") >= 2  # shown again


def test_plain_select_all_with_nothing_typed_asks_again(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    text, db = plain_study(db, write_deck, clock, "a\n3\n\na,b\n3\n:q\n", width=100)
    after = text.split("Which of these apply?")[1]
    assert "Please answer with letters, e.g. a,c from A to C." in after
    rows = db.execute("SELECT response FROM reviews ORDER BY id").fetchall()
    assert len(rows) == 2 and len(rows[1][0].split(",")) == 2  # the empty Enter saved nothing


def test_plain_quiz_wraps_deck_text_to_the_width(
    db: Database, write_deck: WriteDeck, clock: FakeClock
) -> None:
    sync_paths(db, [write_deck(DECK, name="long.yaml").parent])
    ann = ensure_learner(db, "ann")
    block = build_block(db, ann, pool="all", n=2, mode="tutor", clock=clock, shuffle=False)
    out = io.StringIO()
    PlainQuiz(block, Terminal("b\n\n:q\n", out), out, width=80).run()
    lines = out.getvalue().split("\n")
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert sum(line.startswith(CONTINUED) for line in lines) >= 15  # the vignette
    assert sum(line.startswith("   ┊ why") for line in lines) >= 4  # hanging reasons
