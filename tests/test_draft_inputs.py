"""`quizapp draft` on each input kind (files built here at run time) and on bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.decks.check import check_paths
from quizapp.decks.quotes import normalise
from quizapp.draft.extract import extract
from quizapp.draft.facts import facts_of

SENTENCES = [
    "Thiazide diuretics reduce the risk of stroke by as many as 30% in older adults.",
    "ACE inhibitors are preferred in patients with diabetic nephropathy.",
    "Blood pressure should be rechecked within 4 weeks after starting treatment.",
    "Calcium channel blockers may cause peripheral edema in some patients.",
]


def _txt(folder: Path) -> Path:
    p = folder / "hypertension.txt"
    p.write_text(
        "Hypertension treatment\n\nAuthor: A. Writer, MD\n\n"
        + f"{SENTENCES[0]} [12] {SENTENCES[1]}\n\n{SENTENCES[2]} {SENTENCES[3]} [3]\n",
        encoding="utf-8",
    )
    return p


def _md(folder: Path) -> Path:
    p = folder / "hypertension.md"
    p.write_text(
        "# Hypertension treatment\n\n## Drugs\n\n"
        + f"{SENTENCES[0]} [12] **{SENTENCES[1]}**\n\n"
        + "First-line drugs include the following:\n\n"
        + "- thiazide diuretics\n- calcium channel blockers\n- ACE inhibitors\n\n"
        + "## Follow-up\n\n"
        + f"{SENTENCES[2]} {SENTENCES[3]} [3]\n\n"
        + "Second-line drugs include the following:\n\n"
        + "- spironolactone\n- beta blockers\n",
        encoding="utf-8",
    )
    return p


def _html(folder: Path) -> Path:
    p = folder / "hypertension.html"
    p.write_text(
        "<html><head><title>Hypertension treatment</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        "<article><h1>Hypertension treatment</h1><h2>Drugs</h2>"
        f"<p>{SENTENCES[0]} [12] {SENTENCES[1]}</p>"
        f"<p>{SENTENCES[2]} {SENTENCES[3]} [3]</p>"
        "<p>Print</p><p>Did this answer your question?</p></article>"
        "<footer>Copyright 2026 Example Health. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    return p


def _pdf(folder: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Hypertension treatment")
    pdf.ln(4)
    pdf.multi_cell(0, 6, f"{SENTENCES[0]} [12] {SENTENCES[1]}")
    pdf.ln(4)
    pdf.multi_cell(0, 6, f"{SENTENCES[2]} {SENTENCES[3]} [3]")
    p = folder / "hypertension.pdf"
    pdf.output(str(p))
    return p


@pytest.mark.parametrize("make", [_txt, _md, _html, _pdf], ids=["txt", "md", "html", "pdf"])
def test_draft_each_kind_passes_decks_check(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = make(tmp_path)
    out = CliRunner().invoke(cli, ["draft", str(src), "--id", "htn"])
    assert out.exit_code == 0, out.output
    deck_file = tmp_path / "htn.yaml"
    text_file = tmp_path / "sources" / "htn.txt"
    assert deck_file.exists() and text_file.exists()
    saved = normalise(text_file.read_text(encoding="utf-8"))
    for s in SENTENCES:  # every sentence of the document reached the saved text
        assert s in saved
    if make is _html:  # main-text extraction: navigation and footer are not the article
        assert "Home | About" not in saved and "All rights reserved" not in saved
    decks, problems = check_paths([deck_file])
    assert problems == [] and len(decks) == 1
    deck = decks[0]
    quotes = {c.source.quote for c in deck.cards if c.source}
    assert SENTENCES[0] in quotes  # the 30% sentence is tested
    by_quote = {c.source.quote: c.source.ref for c in deck.cards if c.source}
    assert by_quote[SENTENCES[0]] == "[12]"  # its marker, taken off the quote
    assert by_quote.get(SENTENCES[1], "") == ""  # no marker follows this one
    typed = [c for c in deck.cards if c.type.value == "typed" and c.answer == "30%"]
    assert typed and "as many as _____" in typed[0].prompt  # the hedge stays in the prompt
    body = deck_file.read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^ +draft: true$", body)) == len(deck.cards)
    assert body.startswith("# Drafted by `quizapp draft`")


def test_markdown_lists_give_one_fact_per_item_with_intro(tmp_path: Path) -> None:
    facts = facts_of(extract(_md(tmp_path)))
    items = [f for f in facts if f.kind == "item"]
    assert [f.text for f in items[:3]] == [
        "thiazide diuretics",
        "calcium channel blockers",
        "ACE inhibitors",
    ]
    assert all(f.intro == "First-line drugs include the following:" for f in items[:3])
    assert items[0].headings == ("Drugs",)
    assert "First-line drugs include the following:" not in [f.text for f in facts]


def test_markdown_list_becomes_a_which_of_the_following_card(tmp_path: Path) -> None:
    src = _md(tmp_path)
    assert CliRunner().invoke(cli, ["draft", str(src), "--id", "htn"]).exit_code == 0
    decks, problems = check_paths([tmp_path / "htn.yaml"])
    assert problems == []
    multi = [c for c in decks[0].cards if c.type.value == "mcq" and c.multiple]
    assert multi, "a list introduced by 'the following:' gives a multi-answer mcq"
    card = next(c for c in multi if "First-line" in c.prompt)
    right = {ch.text for ch in card.choices if ch.correct}
    wrong = {ch.text for ch in card.choices if not ch.correct}
    assert right == {"thiazide diuretics", "calcium channel blockers", "ACE inhibitors"}
    assert wrong and wrong <= {"spironolactone", "beta blockers"}
    assert all(
        "Second-line drugs include the following:" in ch.why
        for ch in card.choices
        if not ch.correct
    )


def test_furniture_and_questions_are_not_facts(tmp_path: Path) -> None:
    facts = [f.text for f in facts_of(extract(_txt(tmp_path)))]
    assert facts == SENTENCES
    html_facts = [f.text for f in facts_of(extract(_html(tmp_path)))]
    assert html_facts == SENTENCES


def _fails(args: list[str]) -> str:
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 1, out.output
    lines = [ln for ln in out.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), out.output
    assert "Traceback" not in out.output
    return lines[0]


def test_bad_inputs_are_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    assert "empty" in _fails(["draft", str(tmp_path / "empty.txt")])
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 20)
    assert "binary" in _fails(["draft", str(tmp_path / "bin.txt")])
    (tmp_path / "doc.docx").write_bytes(b"PK")
    assert ".docx" in _fails(["draft", str(tmp_path / "doc.docx")])
    (tmp_path / "fake.pdf").write_text("not a pdf at all")
    assert "not a PDF" in _fails(["draft", str(tmp_path / "fake.pdf")])
    from fpdf import FPDF

    scan = FPDF()
    scan.add_page()
    scan.rect(10, 10, 50, 50, style="F")  # a page with no text layer, like a scan
    scan.output(str(tmp_path / "scan.pdf"))
    assert "no text layer" in _fails(["draft", str(tmp_path / "scan.pdf")])
    assert "no such file" in _fails(["draft", str(tmp_path / "missing.txt")])
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(51 * 1024 * 1024)
    assert "too large" in _fails(["draft", str(big)])
    assert "deck id" in _fails(["draft", str(_txt(tmp_path)), "--id", "Bad Id"])


def test_never_overwrites_a_deck_without_force(tmp_path: Path) -> None:
    src = _txt(tmp_path)
    deck = tmp_path / "mine.yaml"
    deck.write_text("# my hand-written deck\n")
    msg = _fails(["draft", str(src), "-o", str(deck), "--id", "htn"])
    assert "--force" in msg
    assert deck.read_text() == "# my hand-written deck\n"
    out = CliRunner().invoke(cli, ["draft", str(src), "-o", str(deck), "--id", "htn", "--force"])
    assert out.exit_code == 0, out.output
    assert "draft: true" in deck.read_text()
