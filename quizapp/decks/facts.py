"""Fact groups: which cards of a deck test the same fact.

A fact is one statement of a source, usually one sentence. Cards that test it are spaced
apart (never served one after the other; by default one of them per study day) and a quiz
block asks one of them. A card names its fact with `fact: KEY`; a card without one belongs
to the fact of the cards whose quotes

* lie in the same sentence of the source document (when the source's text is known), or
* are the same text, or one contains the other (after normalising quotes and case).

Explicit keys win: a card with `fact:` is grouped only with the cards that give the same
key, and with key-less cards related to it by their quotes (a key-less card related to
several keys joins the first in file order). Key-less groups get the key ``~`` + the id of
their first card, so keys stay stable while the deck file keeps its order. A card with
neither key nor quote is a fact of its own.

Pure functions; linear in the deck's text (quotes are matched through an index of word
trigrams, not compared pairwise), since sync derives the keys for every changed deck file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from quizapp.decks.quotes import normalise

__all__ = ["FactEntry", "fact_keys"]

_ELLIPSIS = re.compile(r"\s*(?:\[\.\.\.\]|\.\.\.|…)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_EDGE = "\"' .;:,"


class FactEntry(NamedTuple):
    """What fact grouping needs of one card (a tuple: sync builds one per card)."""

    card_id: str
    fact: str = ""  # the card's explicit `fact:` key
    source_id: str = ""
    quote: str = ""


def _norm(text: str) -> str:
    """`normalise(text).casefold().strip(_EDGE)`, quicker for plain ASCII text (which the
    translation table leaves alone but for a backtick)."""
    if not text.isascii() or "`" in text:
        return normalise(text).casefold().strip(_EDGE)
    return " ".join(text.split()).casefold().strip(_EDGE)


class _Groups:
    """Union-find over card positions."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the earlier card leads


def _sentence_keys(
    entries: Sequence[FactEntry], sources: Mapping[str, str]
) -> dict[int, set[tuple[str, int]]]:
    """Card position → the (source id, sentence number) spans its quote lies in."""
    out: dict[int, set[tuple[str, int]]] = {}
    prepared: dict[str, tuple[str, list[int]]] = {}
    for i, e in enumerate(entries):
        text = sources.get(e.source_id)
        if not e.quote or text is None:
            continue
        if e.source_id not in prepared:
            prepared[e.source_id] = _sentences(text)
        norm, starts = prepared[e.source_id]
        spans: set[tuple[str, int]] = set()
        pos = 0
        for piece in _ELLIPSIS.split(_norm(e.quote)):
            piece = piece.strip(_EDGE)
            if not piece:
                continue
            at = norm.find(piece, pos)
            if at < 0:
                break
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_right(starts, at + len(piece) - 1) - 1
            spans.update((e.source_id, k) for k in range(first, last + 1))
            pos = at + len(piece)
        if spans:
            out[i] = spans
    return out


def _sentences(text: str) -> tuple[str, list[int]]:
    """(the text normalised and casefolded, where each of its sentences starts).

    Sentence ends are found before casefolding (a sentence starts with a capital); when
    casefolding changes the length (ß → ss), positions are mapped character by character."""
    base = normalise(text)
    folded = base.casefold()
    ends = [m.end() for m in _SENTENCE_END.finditer(base)]
    if len(folded) != len(base):
        at, pos = [], 0
        for ch in base:
            at.append(pos)
            pos += len(ch.casefold())
        ends = [at[i] for i in ends]
    return folded, [0, *ends]


def _containment_pairs(quotes: dict[int, str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of card positions whose quotes are equal or where j's contains i's
    (a pair may repeat).

    Quote i can only lie in quote j where i's first word trigram is one of j's: the first
    trigrams are indexed, and each quote's trigrams are looked up (no pairwise comparison)."""
    words = {i: q.split() for i, q in quotes.items()}
    starts: dict[tuple[str, str, str], list[int]] = {}
    short: list[int] = []  # fewer words than a trigram: looked for in every quote (rare)
    for i, ws in words.items():
        if len(ws) >= 3:
            starts.setdefault((ws[0], ws[1], ws[2]), []).append(i)
        else:
            short.append(i)
    padded = {i: f" {q} " for i, q in quotes.items()}
    pairs: list[tuple[int, int]] = []
    get = starts.get
    for j, ws in words.items():
        outer = padded[j]
        for tri in zip(ws, ws[1:], ws[2:], strict=False):
            hit = get(tri)
            if hit is not None:
                pairs.extend((i, j) for i in hit if i != j and padded[i] in outer)
        if short:
            pairs.extend((i, j) for i in short if i != j and padded[i] in outer)
    return pairs


def fact_keys(entries: Sequence[FactEntry], sources: Mapping[str, str] | None = None) -> list[str]:
    """The fact key of each entry, in order (see the module docstring for the rules).

    `sources` maps a source id to its document text, when known: quotes are then placed in
    the document's sentences."""
    n = len(entries)
    implicit = _Groups(n)
    related: dict[int, list[int]] = {}  # key-less position → explicit positions it relates to

    def relate(a: int, b: int) -> None:
        ea, eb = entries[a].fact, entries[b].fact
        if not ea and not eb:
            implicit.union(a, b)
        elif not ea:
            related.setdefault(a, []).append(b)
        elif not eb:
            related.setdefault(b, []).append(a)

    by_span: dict[tuple[str, int], int] = {}
    for i, spans in sorted(_sentence_keys(entries, sources or {}).items()):
        for span in spans:
            if span in by_span:
                relate(by_span[span], i)
            else:
                by_span[span] = i
    quotes = {i: q for i, e in enumerate(entries) if (q := _norm(e.quote))}
    for a, b in _containment_pairs(quotes):
        relate(a, b)

    # A key-less group takes the explicit key of the first card any member relates to.
    group_key: dict[int, tuple[int, str]] = {}
    for i, targets in related.items():
        root = implicit.find(i)
        first = min(targets)
        if root not in group_key or first < group_key[root][0]:
            group_key[root] = (first, entries[first].fact)
    keys: list[str] = []
    for i, e in enumerate(entries):
        if e.fact:
            keys.append(e.fact)
            continue
        root = implicit.find(i)
        if root in group_key:
            keys.append(group_key[root][1])
        else:
            keys.append("~" + entries[root].card_id)
    return keys
