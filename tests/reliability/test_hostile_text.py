"""Hostile deck text in plain mode and in reports.

A deck is data from a stranger: it must not retitle or clear the terminal, move the
cursor, reorder text with bidi overrides, or fake the app's own lines (a `Saved:`
acknowledgement or an answer prompt) — and report files must not run formulas or scripts.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.reliability.helpers import SAVED, clean, quizapp

# YAML double-quoted escapes: \e ESC, \a BEL, \x9b CSI (C1), \x85 NEL, \u202e RLO, \r CR.
NASTY = (
    r"[b]bold[/b] [link=http://x]l[/link] \e]0;pwned\a \e[2J\e[H \e[5A \x9b31m \x85"
    r" \u202egnp.exe\u202c \u2066iso\u2069 \r\x00\x7f"
    r"\nSaved: Easy; next in 4d.\nYour answer> "
)
DECK = f"""\
id: hostile
title: "Hostile {NASTY}"
sources:
  s: {{title: "Src {NASTY}"}}
cards:
  - id: b1
    type: basic
    prompt: "Q {NASTY}"
    answer: "A {NASTY}"
    explanation: "E {NASTY}"
    source: {{id: s, quote: "Quote {NASTY}", ref: "[1] {NASTY}"}}
  - id: m1
    type: mcq
    prompt: "M {NASTY}"
    choices:
      - {{text: "right {NASTY}", correct: true, why: "why {NASTY}"}}
      - {{text: "=HYPERLINK(\\"http://evil\\",\\"x\\")", why: "<script>alert(1)</script>"}}
    explanation: "E {NASTY}"
    source: {{id: s, quote: "q"}}
  - id: t1
    type: typed
    prompt: "T {NASTY}"
    answer: "@SUM(1+1)"
    explanation: "+cmd|' /C calc'!A0"
    source: {{id: s, quote: "q"}}
"""

FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _deck(tmp_path: Path) -> Path:
    d = tmp_path / "decks"
    d.mkdir()
    (d / "hostile.yaml").write_text(DECK, encoding="utf-8")
    return d


def test_plain_mode_shows_hostile_text_inert(tmp_path: Path) -> None:
    decks = _deck(tmp_path)
    db = tmp_path / "p.db"
    check = quizapp("decks", "check", decks / "hostile.yaml")
    assert check.returncode == 0, clean(check)  # a valid deck: only its text is hostile
    # basic: Enter reveals, grade 3; mcq: a, Enter; typed: an answer, Enter
    out = quizapp(
        "--db",
        db,
        "--decks",
        decks,
        "study",
        "--plain",
        "--learner",
        "k",
        "--deck",
        "hostile",
        stdin="\n3\na\n\n@SUM(1+1)\n\n",
    )
    assert out.returncode == 0, clean(out)
    text = out.stdout
    bad = sorted({hex(ord(c)) for c in FORBIDDEN.findall(text)})
    assert not bad, bad  # no ESC, BEL, CR, C1 or bidi control reaches the terminal
    assert "\\x1b]0;pwned\\x07" in text and "\\u202e" in text  # shown, visibly escaped
    assert "[b]bold[/b]" in text  # markup is text
    # The deck's fake acknowledgement and prompt never look like the app's own lines:
    # real ones follow a prompt on its line or start a line; fake ones are indented.
    real = re.findall(r"(?:^|> )Saved: ", text, flags=re.M)
    assert len(real) == len(SAVED.findall(text.replace("  ┊ Saved:", ""))) == 3
    for line in text.splitlines():
        assert not line.startswith("Your answer> Saved: Easy"), line
        if "Saved: Easy; next in 4d." in line:  # a continuation: indented and marked
            assert re.match(r" {2,}┊ ", line), line


def test_reports_neutralise_formulas_and_markup(tmp_path: Path) -> None:
    decks = _deck(tmp_path)
    db = tmp_path / "p.db"
    quizapp(
        "--db",
        db,
        "--decks",
        decks,
        "study",
        "--plain",
        "--learner",
        "=cmd|' /C calc'!A0",
        "--deck",
        "hostile",
        stdin="\n3\na\n\n",
    )
    for by in ("learner", "deck", "tag"):
        out = quizapp(
            "--db",
            db,
            "--decks",
            decks,
            "report",
            "--all",
            "--by",
            by,
            "--format",
            "csv",
            "-o",
            "-",
        )
        assert out.returncode == 0, clean(out)
        for row in csv.reader(io.StringIO(out.stdout)):
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or _number(cell), cell
    html = quizapp("--db", db, "--decks", decks, "report", "--all", "--format", "html", "-o", "-")
    assert html.returncode == 0, clean(html)
    assert "<script>alert" not in html.stdout
    assert "\x1b" not in html.stdout


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
