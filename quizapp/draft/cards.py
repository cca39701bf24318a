"""Card forms built from one fact: typed (figures), cloze (key terms), mcq (same-kind
alternatives from the document), and the "which of the following" card of a list.

Every builder returns a card mapping in deck-file key order, or None when the fact does
not offer what the form needs. Prompts show the source's own sentence with a blank, so
hedges ("as many as", "may", "in one study", "actuarial") stay verbatim around it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quizapp.draft.facts import Fact
from quizapp.draft.terms import Figure, Term, digit_form

__all__ = ["Alternative", "Candidate", "cloze_card", "list_card", "mcq_card", "typed_card"]

BLANK = "_____"
WHY_MAX = 180


@dataclass(frozen=True, slots=True)
class Alternative:
    """A same-kind item the document gives elsewhere (a distractor), and where."""

    text: str
    kind: str
    values: tuple[float, ...]
    fact: Fact


@dataclass(slots=True)
class Candidate:
    """One drafted card: its mapping, the fact it comes from, the span(s) it tests."""

    card: dict[str, Any]
    fact: Fact
    form: str  # "typed" | "cloze" | "mcq" | "list"
    tested: tuple[tuple[int, int], ...] = ()
    facts: tuple[Fact, ...] = field(default=())  # list cards: the items they draw on
    question_text: str | None = None  # normalised prompt + text (near-duplicate checks)

    @property
    def sentence(self) -> str | None:
        return self.fact.text if self.form != "list" else None


def _source(fact: Fact, source_id: str, quote: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": source_id, "quote": quote if quote is not None else fact.text}
    if fact.ref and quote is None:
        out["ref"] = fact.ref
    return out


def _blanked(sentence: str, start: int, end: int) -> str:
    return f"{sentence[:start]}{BLANK}{sentence[end:]}"


def _context(fact: Fact) -> str:
    parts = [h for h in fact.headings[-1:]]
    if fact.intro:
        parts.append(fact.intro)
    return " — ".join(parts)


def _with_context(fact: Fact, question: str) -> str:
    ctx = _context(fact)
    return f"{ctx}\n{question}" if ctx else question


def _quote_for_why(text: str) -> str:
    if len(text) <= WHY_MAX:
        return text
    cut = text[:WHY_MAX].rsplit(" ", 1)[0]
    return cut + " …"


def _base(fact: Fact, source_id: str, ctype: str) -> dict[str, Any]:
    return {"type": ctype}


def _finish(card: dict[str, Any], fact: Fact, source_id: str, tags: Sequence[str]) -> None:
    card["explanation"] = fact.text if not fact.intro else f"{fact.intro} {fact.text}"
    if tags:
        card["tags"] = list(tags)
    card["source"] = _source(fact, source_id)


def typed_card(fact: Fact, fig: Figure, source_id: str, tags: Sequence[str]) -> dict[str, Any]:
    """The sentence with one figure blanked; the figure typed, digits accepted for words."""
    card = _base(fact, source_id, "typed")
    what = {
        "percent": "percentage",
        "duration": "time span",
        "dose": "amount",
        "count": "number",
        "ratio": "proportion",
        "p-value": "p-value",
    }[fig.kind]
    card["prompt"] = _with_context(
        fact, f"Which {what} completes the statement?\n“{_blanked(fact.text, fig.start, fig.end)}”"
    )
    card["answer"] = fig.text
    alt = digit_form(fig)
    if alt and alt.casefold() != fig.text.casefold():
        card["accept"] = [alt]
    _finish(card, fact, source_id, tags)
    return card


def cloze_card(
    fact: Fact, chosen: Sequence[Term], source_id: str, tags: Sequence[str]
) -> dict[str, Any] | None:
    """The sentence with its key terms as deletions (each its own study item)."""
    text = fact.text
    if "{{" in text or "}}" in text or "::" in text:
        return None
    out, pos = "", 0
    for t in sorted(chosen, key=lambda t: t.start):
        if "}" in t.text or "{" in t.text:
            return None
        out += text[pos : t.start] + "{{" + t.text + "}}"
        pos = t.end
    out += text[pos:]
    card = _base(fact, source_id, "cloze")
    ctx = _context(fact)
    if ctx:
        card["prompt"] = ctx
    card["text"] = out
    _finish(card, fact, source_id, tags)
    return card


def _seeded_position(key: str, n: int) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % n


def _content_words(text: str) -> set[str]:
    return {w.lower().rstrip("s") for w in re.findall(r"[\w-]+", text) if len(w) > 3}


def _specific(term: str) -> bool:
    """A term specific enough for a multiple-choice question: two words or more, or one
    word rare in general English (an eponym, "lymphadenectomy")."""
    from quizapp.draft.terms import rarity

    words = term.split()
    return len(words) >= 2 or (len(words) == 1 and rarity(words[0]) >= 3.0)


def mcq_card(
    fact: Fact,
    start: int,
    end: int,
    kind_label: str,
    alternatives: Sequence[Alternative],
    source_id: str,
    tags: Sequence[str],
    figure: bool = False,
) -> dict[str, Any] | None:
    """The sentence with one span blanked; the options are the span and same-kind items the
    document gives elsewhere, each `why` saying where the document puts it."""
    answer = fact.text[start:end]
    if not figure and not _specific(answer):
        return None  # "dissection", "diagnosis": too general to have clear wrong options
    picked: list[Alternative] = []
    seen = {answer.casefold()}
    sentence_words = _content_words(fact.text)
    for alt in alternatives:
        key = alt.text.casefold()
        if key in seen or key in fact.text.casefold() or answer.casefold() in key:
            continue
        if not figure and _content_words(alt.text) & sentence_words:
            continue  # shares a word with the sentence: could be a synonym, or a give-away
        if not figure and (not _specific(alt.text) or any(key in s or s in key for s in seen)):
            continue  # a bare everyday word, or a part of an option already taken
        seen.add(key)
        picked.append(alt)
        if len(picked) == 3:
            break
    if len(picked) < 2:
        return None
    correct = {"text": answer, "correct": True, "why": f"The source says: “{fact.text}”"}
    wrong = [
        {
            "text": alt.text,
            "why": (
                f"The source gives {alt.text} for something else: "
                if figure
                else f"The source names {alt.text} in another statement: "
            )
            + f"“{_quote_for_why(alt.fact.text)}”",
        }
        for alt in picked
    ]
    pos = _seeded_position(fact.text + answer, len(wrong) + 1)
    choices = [*wrong[:pos], correct, *wrong[pos:]]
    card = _base(fact, source_id, "mcq")
    card["prompt"] = _with_context(
        fact, f"Which {kind_label} completes the statement?\n“{_blanked(fact.text, start, end)}”"
    )
    card["choices"] = choices
    _finish(card, fact, source_id, tags)
    return card


def list_card(
    items: Sequence[Fact], others: Sequence[Fact], source_id: str, tags: Sequence[str]
) -> dict[str, Any] | None:
    """ "Which of the following …" over a list's items, with items of the document's other
    lists as the wrong options; the quote is the intro and the items, in order."""
    first = items[0]
    correct = [f for f in items if len(f.text) <= 120][:5]
    names = {f.text.casefold() for f in items}
    wrong: list[Fact] = []
    for o in others:
        if o.text.casefold() in names or len(o.text) > 120 or o.list_id == first.list_id:
            continue
        names.add(o.text.casefold())
        wrong.append(o)
        if len(wrong) == 3:
            break
    if len(correct) < 2 or not wrong:
        return None
    intro = first.intro
    where = (
        f"after “{intro}”"
        if intro
        else (f"under “{first.headings[-1]}”" if first.headings else "in one list")
    )
    choices: list[dict[str, Any]] = [
        {"text": f.text, "correct": True, "why": f"The source lists it {where}"} for f in correct
    ]
    for w in wrong:
        place = (
            f"after “{w.intro}”"
            if w.intro
            else (f"under “{w.headings[-1]}”" if w.headings else "in another list")
        )
        choices.append({"text": w.text, "why": f"The source lists it elsewhere, {place}"})
    pos = _seeded_position(first.text, len(choices))
    choices = choices[pos:] + choices[:pos]
    card: dict[str, Any] = {"type": "mcq"}
    lead = intro.rstrip(":").strip() if intro else ""
    card["prompt"] = (
        f"{lead} — which of the following does the source list? (choose all that apply)"
        if lead
        else f"Which of the following does the source list {where}? (choose all that apply)"
    )
    card["choices"] = choices
    pieces = ([intro] if intro else []) + [f.text for f in correct]
    card["explanation"] = (f"{intro} " if intro else "") + "; ".join(f.text for f in correct) + "."
    if tags:
        card["tags"] = list(tags)
    card["source"] = {"id": source_id, "quote": " … ".join(pieces)}
    return card
