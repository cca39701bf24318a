"""Cloze deletions: parse `{{…}}` markers, blank one deletion, reveal the answers.

Syntax (settled for the deck format):

* ``{{answer}}`` — each unnumbered deletion is its own study item, numbered in order;
* ``{{c2::answer}}`` and ``{{c2::answer::hint}}`` — Anki's numbering: deletions that
  share a number are blanked together in one study item.

A text uses one style or the other, not both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.model import ClozeDeletion

_MARK = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
_NUMBERED = re.compile(r"^c(\d+)::(.*?)(?:::(.*))?$", re.DOTALL)

BLANK = "[...]"


class ClozeError(ValueError):
    """A cloze text that cannot be parsed (the message says how to fix it)."""


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    ord: int
    answer: str
    hint: str


def _marks(text: str) -> list[_Mark]:
    found = list(_MARK.finditer(text))
    marks: list[_Mark] = []
    numbered = [bool(_NUMBERED.match(m.group(1))) for m in found]
    if any(numbered) and not all(numbered):
        raise ClozeError(
            "mixes numbered ({{c1::…}}) and unnumbered ({{…}}) deletions; use one style"
        )
    for i, m in enumerate(found, start=1):
        inner = m.group(1)
        nm = _NUMBERED.match(inner)
        if nm:
            ord_, answer, hint = int(nm.group(1)), nm.group(2), nm.group(3) or ""
            if ord_ < 1:
                raise ClozeError(f"deletion number c{ord_} must be 1 or more")
        else:
            ord_, answer, hint = i, inner, ""
        if not answer.strip():
            raise ClozeError(f"deletion {m.group(0)!r} is empty; put the hidden words inside")
        marks.append(_Mark(m.start(), m.end(), ord_, answer.strip(), hint.strip()))
    return marks


def deletions(text: str) -> list[ClozeDeletion]:
    """The study items of a cloze text, one per distinct deletion number, in order."""
    by_ord: dict[int, list[_Mark]] = {}
    for mark in _marks(text):
        by_ord.setdefault(mark.ord, []).append(mark)
    return [
        ClozeDeletion(
            ord=o,
            answer=" … ".join(m.answer for m in ms),
            hint=" / ".join(m.hint for m in ms if m.hint),
        )
        for o, ms in sorted(by_ord.items())
    ]


def answers_for(text: str, ord_: int) -> list[str]:
    """The hidden words of deletion `ord_`, one entry per blank, in reading order."""
    return [m.answer for m in _marks(text) if m.ord == ord_]


def render_question(text: str, ord_: int, blank: str = BLANK) -> str:
    """The text with deletion `ord_` blanked (hint shown) and every other deletion revealed."""
    return _render(text, ord_, reveal=False, blank=blank)


def render_answer(text: str, ord_: int) -> str:
    """The full sentence (every deletion revealed)."""
    return _render(text, ord_, reveal=True, blank=BLANK)


def plain_text(text: str) -> str:
    """The sentence with every marker removed."""
    return _render(text, -1, reveal=True, blank=BLANK)


def _render(text: str, ord_: int, *, reveal: bool, blank: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _marks(text):
        out.append(text[pos : m.start])
        if m.ord == ord_ and not reveal:
            out.append(f"[{m.hint}]" if m.hint else blank)
        else:
            out.append(m.answer)
        pos = m.end
    out.append(text[pos:])
    return "".join(out)


def spans(text: str, ord_: int) -> list[tuple[str, bool]]:
    """The text as (fragment, is_target_deletion) pieces, for renderers that highlight."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _marks(text):
        out.append((text[pos : m.start], False))
        out.append((m.answer, m.ord == ord_))
        pos = m.end
    out.append((text[pos:], False))
    return [(s, t) for s, t in out if s]
