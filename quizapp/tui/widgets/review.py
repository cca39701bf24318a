"""One quiz question reviewed: the chosen answer beside the right one, every option with
its reason, the explanation and the source quote. Deck text is literal (tui/safe.py).

Used for tutor-mode feedback after an answer and for each question of the results.
"""

from __future__ import annotations

from textual.content import Content

from quizapp.model import CardType
from quizapp.quiz import ReviewEntry
from quizapp.tui.safe import part

OK = "bold $text-success"
BAD = "bold $text-error"

Piece = str | tuple[str, str] | Content


def seconds_text(ms: int) -> str:
    """m:ss for a duration in milliseconds."""
    secs = max(0, ms) // 1000
    return f"{secs // 60}:{secs % 60:02d}"


def entry_verdict(entry: ReviewEntry) -> tuple[str, str]:
    """(verdict words, style): symbol and word, never colour alone."""
    if not entry.answered:
        return "– Unanswered (counts as wrong)", BAD
    if entry.correct:
        return "✓ Correct", OK
    return "✗ Wrong", BAD


def review_content(entry: ReviewEntry, *, with_question: bool = False) -> Content:
    """The review of one question; `with_question` adds its number, verdict and prompt."""
    parts: list[Piece] = []
    if with_question:
        words, style = entry_verdict(entry)
        parts += [
            (f"Question {entry.position}  ", "bold"),
            (words, style),
            ("  ·  " + seconds_text(entry.time_ms), "dim"),
            ("  ·  ⚑ flagged" if entry.flagged else "", "bold $text-warning"),
            ("  ·  ", "dim"),
            part(entry.deck_title, "dim"),
            "\n",
        ]
        if entry.context:
            parts += [part(entry.context, "italic"), "\n"]
        parts += [part(entry.prompt, "bold"), "\n"]
    if entry.feedback:
        parts += [part(entry.feedback, "italic"), "\n"]
    answer = entry.chosen if entry.answered else "— (no answer)"
    parts += [
        ("Your answer:    ", "bold"),
        part(answer, OK if entry.correct else BAD),
        "\n",
        ("Correct answer: ", "bold"),
        part(entry.expected, OK),
        "\n",
    ]
    if entry.type == CardType.CLOZE:
        parts += [("Full text:      ", "bold"), part(entry.full_text), "\n"]
    for opt in entry.options:
        sym, style = ("✓ right", OK) if opt.correct else ("✗ wrong", BAD)
        you = "  ◀ your answer" if opt.chosen else ""
        parts += [
            (f"  {opt.letter}) ", "bold"),
            (sym, style),
            "  ",
            part(opt.text, "bold"),
            (you, "italic"),
            "\n",
        ]
        if opt.why:
            parts += ["       ", part(opt.why, "" if opt.correct else "dim"), "\n"]
    if entry.explanation:
        parts += [("Why: ", "bold"), part(entry.explanation), "\n"]
    if entry.source_quote:
        parts += [("Source: ", "bold"), part(f"“{entry.source_quote}”", "italic")]
        if entry.source_ref:
            parts += [" ", part(entry.source_ref, "bold")]
        if entry.source_title:
            parts += [("  — ", "dim"), part(entry.source_title, "dim")]
    return Content.assemble(*parts).rstrip()
