"""The grounding checks every drafted card passes, whatever drafter made it.

A card is grounded when: its quote is verbatim in the document (after the same
normalisation `decks check` uses); for a card drafted from one sentence, the quote *is*
that sentence and the `ref` is the marker that follows it; its answer lies inside the
quote (the typed answer, every correct option, every cloze deletion), and a cloze's text
is the quote with deletions marked; every mcq option is the document's own text; and no
number appears in the prompt, an option, an accepted answer or the explanation that the
document does not give (for typed answers: that the answer does not give).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from quizapp.decks import cloze as cloze_syntax
from quizapp.decks.quotes import markers_after, normalise, quote_in_normalised
from quizapp.draft.terms import numbers_in

__all__ = ["check", "inside"]


def _fold(text: str) -> str:
    return normalise(text).casefold()


def inside(part: str, whole: str) -> bool:
    """`part` occurs in `whole`, normalised and case-folded (an empty part never does)."""
    p = _fold(part)
    return bool(p) and p in _fold(whole)


def _numbers_ok(text: str, allowed: Collection[float]) -> bool:
    return all(n in allowed for n in numbers_in(text))


@lru_cache(maxsize=4)
def _prepared(document: str) -> tuple[str, str, frozenset[float]]:
    """The normalised document, case-folded too, and its numbers: once per document."""
    doc = normalise(document)
    return doc, doc.casefold(), frozenset(numbers_in(doc))


def check(card: Mapping[str, Any], sentence: str | None, document: str) -> list[str]:
    """What is wrong with `card` against the `sentence` it was drafted from (None for a
    card drawing on several) and the whole `document` text; [] when it is grounded."""
    problems: list[str] = []
    doc, folded, doc_numbers = _prepared(document)
    source = card.get("source") or {}
    quote = str(source.get("quote", ""))
    if not quote_in_normalised(quote, doc):
        return ["the quote is not in the document"]
    if sentence is not None and normalise(quote) != normalise(sentence):
        problems.append("the quote is not the sentence the card was drafted from")
    ref = str(source.get("ref", ""))
    if ref.startswith("[") or not ref:
        after = markers_after(quote, doc) or []
        if ref != " ".join(after):
            problems.append(f"ref {ref!r} is not the marker after the quote ({after})")
    ctype = card.get("type")
    prompt = str(card.get("prompt", ""))
    if not _numbers_ok(prompt, doc_numbers):  # the prompt may carry a heading as context
        problems.append("the prompt has a number the document does not give")
    if not _numbers_ok(str(card.get("explanation", "")), doc_numbers):
        problems.append("the explanation has a number the document does not give")
    if ctype in ("typed", "basic"):
        answer = str(card.get("answer", ""))
        if not inside(answer, quote):
            problems.append("the answer is not inside the quote")
        answer_numbers = numbers_in(answer)
        for alt in card.get("accept") or ():
            if not numbers_in(str(alt)) or not _numbers_ok(str(alt), answer_numbers):
                problems.append(f"accepted answer {alt!r} is not the answer's own number")
    elif ctype == "cloze":
        text = str(card.get("text", ""))
        try:
            deletions = cloze_syntax.deletions(text)
        except cloze_syntax.ClozeError as e:
            return [*problems, f"bad cloze text: {e}"]
        if not deletions:
            problems.append("the cloze text has no deletion")
        for d in deletions:
            if not inside(d.answer, quote):
                problems.append(f"deletion {d.answer!r} is not inside the quote")
        if normalise(cloze_syntax.plain_text(text)) != normalise(quote):
            problems.append("the cloze text is not the quote")
    elif ctype == "mcq":
        choices = list(card.get("choices") or ())
        if not any(c.get("correct") for c in choices):
            problems.append("no correct option")
        for c in choices:
            text = str(c.get("text", ""))
            if c.get("correct") and not inside(text, quote):
                problems.append(f"correct option {text!r} is not inside the quote")
            if not _fold(text) or _fold(text) not in folded:
                problems.append(f"option {text!r} is not the document's text")
            if not _numbers_ok(str(c.get("why", "")), doc_numbers):
                problems.append(f"the reason for {text!r} has a number the document lacks")
    else:
        problems.append(f"unknown card type {ctype!r}")
    return problems
