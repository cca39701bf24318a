"""Documents into facts: one fact per sentence that states something, with its context.

Sentences come from syntok (rule-based segmentation that knows abbreviations, no model
download).
A reference marker (`[47]`, `[5, 6]`, superscript digits) that follows a sentence belongs
to it: it is taken off the quote and kept as the fact's `ref`, as `decks check` expects.
Headings are the context of the facts under them (and their tags). A list is one fact
per item; a list introduced by a sentence ending in ":" ("… include the following:")
keeps that sentence as the items' `intro`. Page furniture — author and date lines, "Print",
"Share", feedback questions, copyright lines — is not a fact, nor is any question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizapp.draft.extract import Block, Document

__all__ = ["Fact", "facts_of", "split_sentences"]

MIN_WORDS = 5  # a sentence with fewer words is a label, not a fact
ITEM_MIN_WORDS = 1


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement of the document: `text` is verbatim in the saved source text."""

    index: int  # order in the document
    text: str  # the sentence (or list item), without trailing reference markers
    ref: str = ""  # the marker(s) that follow it, as written ("[47]", "[5, 6]")
    headings: tuple[str, ...] = ()  # enclosing headings, outermost first (not the title)
    kind: str = "sentence"  # "sentence" | "item"
    intro: str = ""  # items: the sentence that introduced the list
    list_id: int = -1
    siblings: tuple[str, ...] = field(default=(), compare=False)  # items: the whole list


_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_MARKER = r"(?:\[\d+(?:\s*[,–-]\s*\d+)*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)"
_LEADING_MARKERS = re.compile(rf"^\s*((?:{_MARKER}\s*)+)")
_TRAILING_MARKERS = re.compile(rf"(?<=[.!?\"')\]])\s*((?:{_MARKER}\s*)+)$")
_TRAILING_SUPER = re.compile(r"(?<=[.!?a-z)])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)\s*$")

_SUPER_BREAK = re.compile(r"(?<=[.!?])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,⁻–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)\s+(?=[A-Z])")
_FURNITURE = re.compile(
    r"""^(?:
        (?:updated|published|reviewed|author|authors|chief\s+editor|editor|by|written\s+by|
           posted|last\s+(?:updated|reviewed)|date|source|doi|copyright|©)\b.{0,200}$
      | (?:print|share|email|tweet|save|download(?:\s+pdf)?|more\.*|read\s+more|see\s+more|
           show\s+more|back\s+to\s+top|next|previous|top|menu|close|subscribe|sign\s+in|log\s*in|
           advertisement|related\s+articles?|references|feedback|cite\s+this)\W*$
      | .*\b(?:all\s+rights\s+reserved|cookie|privacy\s+policy|terms\s+of\s+use)\b.*$
      | .*\b(?:did\s+this\s+answer\s+your\s+question|was\s+this\s+(?:page|article)\s+helpful|
           rate\s+this)\b.*$
    )""",
    re.I | re.X,
)
_HAS_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


def _segments(paragraph: str) -> list[str]:
    """The sentences of one paragraph, verbatim (syntok: rule-based, no model download,
    about four times faster than pysbd on long documents)."""
    import syntok.segmenter as segmenter  # type: ignore[import-untyped]

    out: list[str] = []
    for para in segmenter.analyze(paragraph):
        for sentence in para:
            if not sentence:
                continue
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            out.append(paragraph[start:end])
    return out


def split_sentences(paragraph: str) -> list[tuple[str, str]]:
    """(sentence, ref markers after it) for each sentence of one paragraph, verbatim."""
    raw: list[str] = []
    for seg in _segments(paragraph):  # a superscript marker after a full stop ends a sentence
        pos = 0
        for m in _SUPER_BREAK.finditer(seg):
            raw.append(seg[pos : m.end(1)].strip())
            pos = m.end()
        raw.append(seg[pos:].strip())
    out: list[tuple[str, str]] = []
    for piece in raw:
        if not piece:
            continue
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:  # a segmenter may put "[5]" at the start of the next sentence
            prev, ref = out[-1]
            out[-1] = (prev, _join_refs(ref, lead.group(1)))
            piece = piece[lead.end() :].strip()
            if not piece:
                continue
        tail = _TRAILING_MARKERS.search(piece) or _TRAILING_SUPER.search(piece)
        ref = ""
        if tail:
            ref = tail.group(1).strip()
            piece = piece[: tail.start(1)].rstrip()
        if out and _fragment(out[-1][0], piece):  # split inside a sentence: rejoin
            prev, pref = out[-1]
            out[-1] = (f"{prev} {piece}", ref or pref)
            continue
        out.append((piece, ref))
    return out


def _fragment(prev: str, piece: str) -> bool:
    return (
        bool(prev)
        and not prev.rstrip("\"')]").endswith((".", "!", "?", ":"))
        and (piece[:1].islower())
    )


def _join_refs(a: str, b: str) -> str:
    b = " ".join(b.split())
    return f"{a} {b}" if a else b


def is_furniture(text: str) -> bool:
    return bool(_FURNITURE.match(text.strip()))


def _states_something(sentence: str, min_words: int) -> bool:
    words = sentence.split()
    return (
        len(words) >= min_words
        and not sentence.rstrip().endswith("?")
        and bool(_HAS_LOWER_WORD.search(sentence))
        and not is_furniture(sentence)
    )


def facts_of(doc: Document) -> list[Fact]:
    """Every fact-bearing sentence and list item of `doc`, in order."""
    facts: list[Fact] = []
    headings: list[tuple[int, str]] = []
    last_sentence = ""
    lists: dict[int, list[Block]] = {}
    for b in doc.blocks:
        if b.kind == "item":
            lists.setdefault(b.list_id, []).append(b)
    intro_of: dict[int, str] = {}
    seen: set[str] = set()
    for b in doc.blocks:
        if b.kind == "heading":
            if b.level > 1 and not is_furniture(b.text):
                headings = [h for h in headings if h[0] < b.level] + [(b.level, b.text)]
            last_sentence = ""
            continue
        context = tuple(h for _, h in headings)
        if b.kind == "item":
            if b.list_id not in intro_of:
                intro_of[b.list_id] = last_sentence if last_sentence.endswith(":") else ""
            if is_furniture(b.text) or len(b.text.split()) < ITEM_MIN_WORDS:
                continue
            text, ref = b.text, ""
            tail = _TRAILING_MARKERS.search(text) or _TRAILING_SUPER.search(text)
            if tail:
                text, ref = text[: tail.start(1)].rstrip(), tail.group(1).strip()
            text = text.rstrip(";,")
            if text.endswith(" and") or text.endswith(" or"):
                text = text.rsplit(" ", 1)[0].rstrip(";,")
            siblings = tuple(x.text for x in lists.get(b.list_id, ()))
            facts.append(
                Fact(
                    len(facts), text, ref, context, "item", intro_of[b.list_id], b.list_id, siblings
                )
            )
            continue
        if is_furniture(b.text):
            last_sentence = ""
            continue
        for sentence, ref in split_sentences(b.text):
            last_sentence = sentence
            if sentence.endswith(":"):
                continue  # a list's intro: context of the items, not a fact by itself
            key = " ".join(sentence.split())
            if key in seen:
                continue  # the same sentence again is the same fact (quoted where first found)
            seen.add(key)
            if _states_something(sentence, MIN_WORDS):
                facts.append(Fact(len(facts), sentence, ref, context))
    return facts
