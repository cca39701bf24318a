"""One deck file → the rows `store.sync` writes: read, hash, load, encode.

`prepare_file` is the unit of work of a sync. It only returns plain, picklable values
(tuples of str/int, `Problem`s), so a big first sync can run it in worker processes
while the parent writes the results of the files before (see `store.sync`).

A card is stored as JSON (`data`), byte for byte `json.dumps(card_data(card),
ensure_ascii=False, sort_keys=True)`, with `content_hash` the sha1 of the same without
"line" (a card moving in its file is not an edit). The JSON is written out here field by
field (each string through the json module's own C string encoder) instead of building
two dicts per card and sorting their keys; tests/test_sync_rows.py checks it against
`json.dumps` on hostile text.
"""

from __future__ import annotations

import gc
import hashlib
import json
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, NamedTuple

from quizapp.decks.cloze_parts import ords_and_plain
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.loader import MAX_DECK_BYTES, load_deck_text
from quizapp.model import Card, CardType, Choice, Deck

#: (deck_id, card_id, ord, type, content_hash, tags, search, data, position) per study item.
ItemRow = tuple[str, str, int, str, str, str, str, str, int]
#: (id, title, description, tags JSON, sources JSON, card count) of the deck.
DeckRow = tuple[str, str, str, str, str, int]


class Prepared(NamedTuple):
    """What `prepare_file` found. `kind`: "ok" (deck and rows), "same" (the bytes hash to
    the stored hash: nothing to parse), "bad" (problems), "unreadable" (problems)."""

    kind: str
    digest: str = ""
    deck: DeckRow | None = None
    rows: list[ItemRow] | None = None
    problems: list[Problem] | None = None


def card_data(card: Card) -> dict[str, Any]:
    """The card as stored (JSON) — enough to study it without reading YAML."""
    data: dict[str, Any] = {"type": str(card.type), "explanation": card.explanation}
    if card.prompt:
        data["prompt"] = card.prompt
    if card.answer:
        data["answer"] = card.answer
    if card.accept:
        data["accept"] = list(card.accept)
    if card.choices:
        data["choices"] = [
            {"text": c.text, "correct": c.correct, "why": c.why} for c in card.choices
        ]
    if card.text:
        data["text"] = card.text
    data["tags"] = list(card.tags)
    if card.source:
        data["source"] = {
            "id": card.source.source_id,
            "quote": card.source.quote,
            "ref": card.source.ref,
        }
    data["line"] = card.line
    return data


def _choice_json(c: Choice) -> str:
    s = encode_basestring
    correct = "true" if c.correct else "false"
    return f'{{"correct": {correct}, "text": {s(c.text)}, "why": {s(c.why)}}}'


def card_json(card: Card) -> tuple[str, str]:
    """(payload, content hash): `json.dumps(card_data(card), ensure_ascii=False,
    sort_keys=True)` and the sha1 of the same without "line".

    Keys in sorted order: accept, answer, choices, explanation | line | prompt, source,
    tags, text, type. "explanation", "tags" and "type" are always present, so "line"
    splits the object into two non-empty halves.
    """
    s = encode_basestring
    head: list[str] = []
    if card.accept:
        head.append(f'"accept": [{", ".join(map(s, card.accept))}], ')
    if card.answer:
        head.append(f'"answer": {s(card.answer)}, ')
    if card.choices:
        head.append(f'"choices": [{", ".join([_choice_json(c) for c in card.choices])}], ')
    first = f'{{{"".join(head)}"explanation": {s(card.explanation)}'
    tail = f'"prompt": {s(card.prompt)}, ' if card.prompt else ""
    src = card.source
    if src:
        tail += (
            f'"source": {{"id": {s(src.source_id)}, "quote": {s(src.quote)}, '
            f'"ref": {s(src.ref)}}}, '
        )
    tail += f'"tags": [{", ".join(map(s, card.tags))}]'
    if card.text:
        tail += f', "text": {s(card.text)}'
    tail += f', "type": "{card.type.value}"}}'
    payload = f'{first}, "line": {int(card.line)}, {tail}'
    digest = hashlib.sha1(f"{first}, {tail}".encode()).hexdigest()
    return payload, digest


def search_text(card: Card, plain: str) -> str:
    """The lower-cased text browse searches (`plain`: the cloze text without markers)."""
    parts = [card.id, card.prompt, card.answer, *card.accept, plain]
    parts += [c.text for c in card.choices]
    parts.append(card.explanation)
    return " ".join(p for p in parts if p).casefold()


def item_rows(deck: Deck) -> list[ItemRow]:
    """The deck's study items as rows: one per card, one per deletion of a cloze card."""
    # Thousands of tuples and no cycle: pausing the cyclic GC saves its needless passes.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _item_rows(deck)
    finally:
        if paused:
            gc.enable()


def _item_rows(deck: Deck) -> list[ItemRow]:
    rows: list[ItemRow] = []
    append = rows.append
    deck_id = deck.id
    cloze_type = CardType.CLOZE
    for position, card in enumerate(deck.cards):
        payload, digest = card_json(card)
        ctype = card.type.value
        tags = " " + " ".join(card.tags) + " "
        if card.type is cloze_type:
            ords, plain = ords_and_plain(card.text)
            search = search_text(card, plain)
            for ord_ in ords:
                append((deck_id, card.id, ord_, ctype, digest, tags, search, payload, position))
        else:
            search = search_text(card, ords_and_plain(card.text)[1] if card.text else "")
            append((deck_id, card.id, 0, ctype, digest, tags, search, payload, position))
    return rows


def sources_json(deck: Deck) -> str:
    return json.dumps(
        {
            sid: {
                "title": s.title,
                "author": s.author,
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
            }
            for sid, s in deck.sources.items()
        },
        ensure_ascii=False,
    )


def deck_row(deck: Deck) -> DeckRow:
    return (
        deck.id,
        deck.title,
        deck.description,
        json.dumps(list(deck.tags)),
        sources_json(deck),
        len(deck.cards),
    )


def read_deck_bytes(path: str) -> bytes:
    """The file's bytes; one byte over the size limit at most (the loader reports it)."""
    with open(path, "rb") as f:
        return f.read(MAX_DECK_BYTES + 1)


def prepare_file(path: str, known_hash: str | None = None) -> Prepared:
    """Read the deck file at `path` (as discovered: problems name it so), hash it and, unless
    the hash is `known_hash`, load it and build its rows. Never raises for bad content."""
    try:
        raw = read_deck_bytes(path)
    except OSError as e:
        return Prepared(
            "unreadable", problems=[Problem(path, 0, 0, f"cannot read: {e.strerror or e}")]
        )
    digest = hashlib.sha256(raw).hexdigest()
    if digest == known_hash:
        return Prepared("same", digest)
    try:
        deck = load_deck_text(raw, Path(path))
    except DeckError as e:
        return Prepared("bad", digest, problems=e.problems)
    return Prepared("ok", digest, deck_row(deck), item_rows(deck))
