"""What the learner sees after answering: verdict, answer, reasons, explanation, source."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.store.items import StudyItem
from quizapp.study.grading import GradeResult, letters
from quizapp.study.presentation import Order
from quizapp.tui.safe import lit, part

OK = "bold $text-success"
BAD = "bold $text-error"

Piece = str | tuple[str, str] | Content


class _Hang:
    """Where a line's hanging indent starts (see `hanging`)."""


HANG = _Hang()
MIN_BODY = 12  # narrower than this, a line wraps from its first column instead


class Hanging(Visual):
    """Lines that wrap under their own text: each line is a lead (``A) ✓ right  `` or the
    indent of a reason) and a body; a body too long for the width continues on lines
    indented to the body's first column, and so does a body with its own line breaks."""

    def __init__(self, lines: list[tuple[Content, Content]]) -> None:
        self.lines = lines
        self._laid: tuple[int, Content] | None = None

    @property
    def plain(self) -> str:
        return "\n".join(lead.plain + body.plain for lead, body in self.lines)

    def layout(self, width: int) -> Content:
        """The lines wrapped to `width` cells, hanging indents kept."""
        if self._laid is not None and self._laid[0] == width:
            return self._laid[1]
        out: list[Content] = []
        for lead, body in self.lines:
            hang = lead.cell_length
            if not body.plain:
                out.append(lead)
            elif hang and width - hang >= MIN_BODY:
                pad = " " * hang
                first, *rest = body.wrap(width - hang)
                out.append(lead + first)
                out += [Content(pad) + line for line in rest]
            else:
                out += (lead + body).wrap(max(1, width))
        laid = Content("\n").join(out)
        self._laid = (width, laid)
        return laid

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.layout(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((cell_len(line) for line in self.plain.split("\n")), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.layout(width).plain.split("\n")) if self.lines else 0


def hanging(*parts: Piece | _Hang) -> Hanging:
    """`Content.assemble(*parts)` as `Hanging` lines: our own line breaks (in plain `str`
    parts) end a line; a `HANG` in a line marks where its body starts (lines without one
    wrap from their first column)."""
    lines: list[tuple[Content, Content]] = []
    lead: list[Piece] = []
    body: list[Piece] = []
    hung = False

    def close() -> None:
        if hung:
            lines.append((Content.assemble(*lead), Content.assemble(*body)))
        else:
            lines.append((Content(), Content.assemble(*lead)))

    for piece in parts:
        if isinstance(piece, _Hang):
            hung = True
        elif isinstance(piece, str) and "\n" in piece:
            for i, chunk in enumerate(piece.split("\n")):
                if i:
                    close()
                    lead, body, hung = [], [], False
                if chunk:
                    (body if hung else lead).append(chunk)
        else:
            (body if hung else lead).append(piece)
    if lead or body:
        close()
    return Hanging(lines)


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
) -> Hanging:
    """The answer side. An mcq lists its options as they were shown (`order`, lettered A,
    B… as shown); `chosen` are the options picked, as shown."""
    card = item.card
    parts: list[Piece | _Hang] = []
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
                (f"{marks[d]}) ", "bold"),
                (sym, style),
                "  ",
                HANG,
                part(choice.text, "bold"),
                (you, "italic"),
                "\n",
            ]
            if choice.why:
                parts += [
                    "     ",
                    HANG,
                    part(choice.why, "dim" if not choice.correct else ""),
                    "\n",
                ]
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
    return hanging(*parts)
