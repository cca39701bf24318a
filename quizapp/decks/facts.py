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

__all__ = ["FactEntry", "Fields", "fact_keys"]

_ELLIPSIS = re.compile(r"\s*(?:\[\.\.\.\]|\.\.\.|…)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_EDGE = "\"' .;:,"


class FactEntry(NamedTuple):
    """What fact grouping needs of one card. `fact_keys` reads it by position, so sync
    hands it plain tuples of the same four fields (no object per card)."""

    card_id: str
    fact: str = ""  # the card's explicit `fact:` key
    source_id: str = ""
    quote: str = ""


#: (card id, explicit fact key, source id, quote): a `FactEntry`'s fields, by position.
Fields = tuple[str, str, str, str]


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
    entries: Sequence[Fields], sources: Mapping[str, str]
) -> dict[int, set[tuple[str, int]]]:
    """Card position → the (source id, sentence number) spans its quote lies in."""
    out: dict[int, set[tuple[str, int]]] = {}
    prepared: dict[str, tuple[str, list[int]]] = {}
    for i, (_card_id, _fact, source_id, quote) in enumerate(entries):
        text = sources.get(source_id)
        if not quote or text is None:
            continue
        if source_id not in prepared:
            prepared[source_id] = _sentences(text)
        norm, starts = prepared[source_id]
        spans: set[tuple[str, int]] = set()
        pos = 0
        for piece in _ELLIPSIS.split(_norm(quote)):
            piece = piece.strip(_EDGE)
            if not piece:
                continue
            at = norm.find(piece, pos)
            if at < 0:
                break
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_right(starts, at + len(piece) - 1) - 1
            spans.update((source_id, k) for k in range(first, last + 1))
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
    trigrams are indexed, and each quote's trigrams are intersected with the index in one
    set operation (no pairwise comparison, no Python step per trigram)."""
    starts: dict[tuple[str, ...], list[int]] = {}
    short: list[int] = []  # fewer words than a trigram: looked for in every quote (rare)
    words: list[tuple[int, list[str]]] = []
    for i, q in quotes.items():
        ws = q.split()
        words.append((i, ws))
        if len(ws) >= 3:
            starts.setdefault(tuple(ws[:3]), []).append(i)
        else:
            short.append(i)
    index = starts.keys()
    pairs: list[tuple[int, int]] = []
    for j, ws in words:
        outer = ""
        for tri in index & zip(ws, ws[1:], ws[2:], strict=False):
            hit = starts[tri]
            if len(hit) == 1 and hit[0] == j:  # its own first trigram, no other quote's
                continue
            outer = outer or f" {quotes[j]} "
            pairs.extend((i, j) for i in hit if i != j and f" {quotes[i]} " in outer)
        if short:
            outer = outer or f" {quotes[j]} "
            pairs.extend((i, j) for i in short if i != j and f" {quotes[i]} " in outer)
    return pairs


def fact_keys(entries: Sequence[Fields], sources: Mapping[str, str] | None = None) -> list[str]:
    """The fact key of each entry (a `FactEntry` or a tuple of its four fields), in order
    (see the module docstring for the rules).

    `sources` maps a source id to its document text, when known: quotes are then placed in
    the document's sentences."""
    n = len(entries)
    implicit = _Groups(n)
    related: dict[int, list[int]] = {}  # key-less position → explicit positions it relates to

    def relate(a: int, b: int) -> None:
        ea, eb = entries[a][1], entries[b][1]
        if not ea and not eb:
            implicit.union(a, b)
        elif not ea:
            related.setdefault(a, []).append(b)
        elif not eb:
            related.setdefault(b, []).append(a)

    by_span: dict[tuple[str, int], int] = {}
    placed = _sentence_keys(entries, sources) if sources else {}
    for i, spans in sorted(placed.items()):
        for span in spans:
            if span in by_span:
                relate(by_span[span], i)
            else:
                by_span[span] = i
    quotes = {i: q for i, e in enumerate(entries) if e[3] and (q := _norm(e[3]))}
    for a, b in _containment_pairs(quotes):
        relate(a, b)

    # A key-less group takes the explicit key of the first card any member relates to.
    group_key: dict[int, tuple[int, str]] = {}
    for i, targets in related.items():
        root = implicit.find(i)
        first = min(targets)
        if root not in group_key or first < group_key[root][0]:
            group_key[root] = (first, entries[first][1])
    keys: list[str] = []
    append, parent, find = keys.append, implicit.parent, implicit.find
    for i, (card_id, fact, _source_id, _quote) in enumerate(entries):
        if fact:
            append(fact)
        elif parent[i] == i and i not in group_key:  # a fact of its own (most cards)
            append("~" + card_id)
        else:
            root = find(i)
            chosen = group_key.get(root)
            append(chosen[1] if chosen is not None else "~" + entries[root][0])
    return keys
