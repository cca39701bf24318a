"""What the learner sees after answering: verdict, answer, reasons, explanation, source."""

from __future__ import annotations

from textual.content import Content

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.store.items import StudyItem
from quizapp.study.grading import GradeResult, letters
from quizapp.study.presentation import Order
from quizapp.tui.safe import lit, part

OK = "bold $text-success"
BAD = "bold $text-error"


def verdict(result: GradeResult) -> tuple[Content, str]:
    """The verdict line and its CSS class: colour *and* symbol and word."""
    if result.correct is True:
        text = "✓ Correct"
        if result.feedback:
            text += f" ({result.feedback})"
        return lit(text), "-correct"
    if result.correct is False:
        text = "✗ Wrong"
        if result.feedback:
            text += f" ({result.feedback})"
        return lit(text), "-wrong"
    return lit("Answer shown — grade yourself"), "-self"


def feedback(
    item: StudyItem,
    result: GradeResult,
    chosen: list[int] | None = None,
    order: Order | None = None,
) -> Content:
    """The answer side. An mcq lists its options as they were shown (`order`, lettered A,
    B… as shown); `chosen` are the options picked, as shown."""
    card = item.card
    parts: list[str | tuple[str, str] | Content] = []
    label = "Answer: " if result.correct is None else "Correct answer: "
    if card.type == CardType.CLOZE:
        parts += [(label, "bold"), part(result.expected, "bold"), "\n"]
        parts.append(("Full text: ", "bold"))
        for fragment, target in cloze.spans(card.text, item.ord):
            parts.append(part(fragment, "bold underline $text-accent" if target else ""))
        parts.append("\n")
        if result.response:
            parts += [("You typed: ", "bold"), part(result.response), "\n"]
    elif card.type == CardType.MCQ:
        marks = letters(len(card.choices))
        chosen_set = set(chosen or [])
        shown = order if order is not None else Order.identity(len(card.choices))
        for d, i in enumerate(shown.shown):
            choice = card.choices[i]
            sym, style = ("✓ right", OK) if choice.correct else ("✗ wrong", BAD)
            you = "  ◀ your answer" if d in chosen_set else ""
            parts += [
                (f"{marks[d]}) ", "bold"), (sym, style), "  ", part(choice.text, "bold"),
                (you, "italic"), "\n",
            ]
            if choice.why:
                parts += ["     ", part(choice.why, "dim" if not choice.correct else ""), "\n"]
    else:
        parts += [(label, "bold"), part(result.expected), "\n"]
        if card.type == CardType.TYPED and result.response:
            parts += [("You typed: ", "bold"), part(result.response), "\n"]
    if card.explanation:
        parts += ["\n", ("Why: ", "bold"), part(card.explanation), "\n"]
    if card.source and card.source.quote:
        parts += ["\n", ("Source: ", "bold"), part(f"“{card.source.quote}”", "italic")]
        if card.source.ref:
            parts += [" ", part(card.source.ref, "bold")]
        if item.source and item.source.title:
            parts += [("\n  — ", "dim"), part(item.source.title, "dim")]
    return Content.assemble(*parts)
