"""One deck file → the rows `store.sync` writes: read, hash, load, encode.

`prepare_file` is the unit of work of a sync. It only returns plain, picklable values
(tuples of str/int, `Problem`s), so a big first sync can run it in worker processes
while the parent writes the results of the files before (see `store.sync`).

A card is stored as JSON (`data`), byte for byte `json.dumps(card_data(card),
ensure_ascii=False, sort_keys=True)`, with `content_hash` the sha1 of the same without
"line" (a card moving in its file is not an edit). The JSON is written out here field by
field (each string through the json module's own C string encoder) instead of building
two dicts per card and sorting their keys, and straight from the fields the loader's
fast path validated (`SYNC_KIT`: no `Card` objects); tests/test_sync_rows.py checks it
against `json.dumps`, against the rows of the loaded `Card`s and against the original
specification (`cloze.deletions`, `cloze.plain_text`).

Each row also gets its fact key (`decks.facts.fact_keys` over the deck's cards, with the
text of the deck's source files when they can be read, so quotes are placed in their
sentences); draft cards (`draft: true`) get no rows: they are not studied.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any, NamedTuple

from quizapp.decks.cloze_parts import ords_and_plain
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.facts import Fields, fact_keys
from quizapp.decks.fastpath import CardKit
from quizapp.decks.loader import MAX_DECK_BYTES, load_deck_built
from quizapp.decks.occlusion import groups, shape_text
from quizapp.decks.rules import escapes_folder, is_absolute_ref
from quizapp.model import Card, CardImage, CardType, Deck

#: (deck_id, card_id, ord, type, content_hash, tags, search, data, position, fact) per
#: study item.
ItemRow = tuple[str, str, int, str, str, str, str, str, int, str]
#: Source files read for fact keys: at most this many bytes each (larger: not read).
MAX_SOURCE_BYTES = 20 * 1024 * 1024
#: (id, title, description, tags JSON, sources JSON, card count: drafts included) of the deck.
DeckRow = tuple[str, str, str, str, str, int]


class Prepared(NamedTuple):
    """What `prepare_file` found. `kind`: "ok" (deck and rows), "same" (the bytes hash to
    the stored hash: nothing to parse), "bad" (problems), "unreadable" (problems)."""

    kind: str
    digest: str = ""
    deck: DeckRow | None = None
    rows: list[ItemRow] | None = None
    problems: list[Problem] | None = None


def _choice_data(text: str, correct: bool, why: str, fixed: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"text": text, "correct": correct, "why": why}
    if fixed:
        data["fixed"] = True
    return data


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
        data["choices"] = [_choice_data(c.text, c.correct, c.why, c.fixed) for c in card.choices]
    if card.cloze_accept:
        data["cloze_accept"] = [[n, list(answers)] for n, answers in card.cloze_accept]
    if card.fact:
        data["fact"] = card.fact
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
    data.update(_media_data(card))
    return data


def _image_data(image: CardImage) -> dict[str, str]:
    return {"file": image.file, "alt": image.alt}


def _media_data(card: Card) -> dict[str, Any]:
    """The image and occlusion members of a card's JSON (none for a card without them)."""
    data: dict[str, Any] = {}
    if card.image:
        data["image"] = _image_data(card.image)
    if card.answer_image:
        data["answer_image"] = _image_data(card.answer_image)
    if card.shapes:
        data["shapes"] = [
            {"group": s.group, "label": s.label, "shape": shape_text(s.kind, s.coords)}
            for s in card.shapes
        ]
    if card.mode:
        data["mode"] = card.mode
    return data


def _media_entry(card: Card) -> CardEntry:
    """The entry of a card with images (the fast path declines them: few, so json.dumps)."""
    data = card_data(card)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    del data["line"]
    digest = hashlib.sha1(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    ords: Sequence[int] = _NO_CLOZE
    plain = ords_and_plain(card.text)[1] if card.text else ""
    if card.type is CardType.CLOZE:
        ords = ords_and_plain(card.text)[0]
    elif card.type is CardType.OCCLUSION:
        ords = groups(card.shapes) or _NO_CLOZE
    images = [i.alt for i in (card.image, card.answer_image) if i]
    labels = [s.label for s in card.shapes]
    parts = [card.id, card.prompt, card.answer, *card.accept, plain, *images, *labels]
    parts += [*[c.text for c in card.choices], card.explanation]
    search = " ".join([p for p in parts if p]).casefold()
    tags = f" {' '.join(card.tags)} "
    src = card.source
    fact = (
        (card.id, card.fact, src.source_id, src.quote)
        if src is not None
        else (card.id, card.fact, "", "")
    )
    return card.id, card.type.value, ords, payload, digest, tags, search, fact, card.draft


# ---------------------------------------------------------------------------- entries
# The loader's fast path hands each validated card's fields to `SYNC_KIT` (no `Card`,
# `Choice` or `SourceRef` objects); a card of the precise path goes through `from_card`
# into the same function, so every row comes from one encoder.

#: (card_id, type, ords, payload, content_hash, tags, search, what fact grouping needs,
#: draft) of one card.
CardEntry = tuple[str, str, Sequence[int], str, str, str, str, Fields, bool]
_NO_CLOZE = (0,)
_TYPE_NAMES = {t: t.value for t in CardType}  # `.value` is a Python-level property


def _choice_entry(text: str, correct: bool, why: str, fixed: bool = False) -> tuple[str, str]:
    """(the choice as JSON, its text for search)."""
    s = encode_basestring
    flag = "true" if correct else "false"
    pinned = '"fixed": true, ' if fixed else ""
    return f'{{"correct": {flag}, {pinned}"text": {s(text)}, "why": {s(why)}}}', text


#: The card's "source" member, as JSON with the separator after it, and its id and quote
#: (for fact keys): a plain tuple, built once per card.
_Ref = tuple[str, str, str]


def _ref_entry(source_id: str, quote: str, ref: str) -> _Ref:
    s = encode_basestring
    member = f'"source": {{"id": {s(source_id)}, "quote": {s(quote)}, "ref": {s(ref)}}}, '
    return member, source_id, quote


def _card_entry(
    deck_id: str,
    card_id: str,
    ctype: CardType,
    prompt: str,
    answer: str,
    accept: Sequence[str],
    choices: Sequence[tuple[str, str]],
    text: str,
    explanation: str,
    tags: tuple[str, ...],
    source: _Ref | None,
    line: int,
    fact: str = "",
    cloze_accept: Sequence[tuple[int, Sequence[str]]] = (),
    draft: bool = False,
) -> CardEntry:
    """The card's stored forms, from `Card`'s fields (choices by `_choice_entry`, source by
    `_ref_entry`).

    payload: `json.dumps(card_data(card), ensure_ascii=False, sort_keys=True)`, and
    the content hash: the sha1 of the same without "line". Keys in sorted order: accept,
    answer, choices, cloze_accept, explanation, fact | line | prompt, source, tags, text,
    type; "explanation", "tags" and "type" are always present, so "line" splits the
    object in two.
    """
    s = encode_basestring
    head: list[str] = []
    if accept:
        head.append(f'"accept": [{", ".join(map(s, accept))}], ')
    if answer:
        head.append(f'"answer": {s(answer)}, ')
    if choices:
        head.append(f'"choices": [{", ".join([c[0] for c in choices])}], ')
    if cloze_accept:
        pairs = (f"[{int(n)}, [{', '.join(map(s, answers))}]]" for n, answers in cloze_accept)
        head.append(f'"cloze_accept": [{", ".join(pairs)}], ')
    first = f'{{{"".join(head)}"explanation": {s(explanation)}'
    if fact:
        first += f', "fact": {s(fact)}'
    tail = f'"prompt": {s(prompt)}, ' if prompt else ""
    if source:
        tail += source[0]
    tags_member, tag_text = _tag_forms(tags)
    tail += tags_member
    if text:
        tail += f', "text": {s(text)}'
    type_name = _TYPE_NAMES[ctype]
    tail += f', "type": "{type_name}"}}'
    payload = f'{first}, "line": {int(line)}, {tail}'
    digest = hashlib.sha1(f"{first}, {tail}".encode()).hexdigest()
    ords: Sequence[int]
    if ctype is CardType.CLOZE:
        ords, plain = ords_and_plain(text)
    else:
        ords, plain = _NO_CLOZE, (ords_and_plain(text)[1] if text else "")
    parts = [card_id, prompt, answer, *accept, plain, *[c[1] for c in choices], explanation]
    search = " ".join([p for p in parts if p]).casefold()
    # what fact grouping needs (facts.Fields: a plain tuple, no FactEntry per card)
    grouping = (card_id, fact, source[1], source[2]) if source else (card_id, fact, "", "")
    return card_id, type_name, ords, payload, digest, tag_text, search, grouping, draft


#: tags → (their JSON member, their " tag1 tag2 " text): the cards of a deck share a few
#: tag sets, so each is encoded once (bounded: cleared when full).
_TAG_FORMS: dict[tuple[str, ...], tuple[str, str]] = {}
_TAG_FORMS_MAX = 4096


def _tag_forms(tags: tuple[str, ...]) -> tuple[str, str]:
    forms = _TAG_FORMS.get(tags)
    if forms is None:
        if len(_TAG_FORMS) >= _TAG_FORMS_MAX:
            _TAG_FORMS.clear()
        member = f'"tags": [{", ".join(map(encode_basestring, tags))}]'
        forms = _TAG_FORMS[tags] = (member, f" {' '.join(tags)} ")
    return forms


def from_card(card: Card) -> CardEntry:
    """The entry of a `Card` (as the fast path builds it from the same fields)."""
    if card.image or card.answer_image or card.shapes:
        return _media_entry(card)
    src = card.source
    return _card_entry(
        card.deck_id,
        card.id,
        card.type,
        card.prompt,
        card.answer,
        card.accept,
        [_choice_entry(c.text, c.correct, c.why, c.fixed) for c in card.choices],
        card.text,
        card.explanation,
        card.tags,
        _ref_entry(src.source_id, src.quote, src.ref) if src else None,
        card.line,
        card.fact,
        card.cloze_accept,
        card.draft,
    )


SYNC_KIT = CardKit(_card_entry, _choice_entry, _ref_entry, from_card)


def card_json(card: Card) -> tuple[str, str]:
    """(payload, content hash) of the card as stored (see `_card_entry`)."""
    entry = from_card(card)
    return entry[3], entry[4]


def entry_rows(
    deck_id: str, entries: Sequence[CardEntry], sources: Mapping[str, str] | None = None
) -> list[ItemRow]:
    """The study items of a deck's cards: one per card, one per deletion of a cloze card,
    none for a draft; each with its fact key (`sources`: source id → document text)."""
    studied = [e for e in entries if not e[8]]
    facts = fact_keys([e[7] for e in studied], sources)
    rows: list[ItemRow] = []
    append = rows.append
    position = -1
    for entry, fact in zip(studied, facts, strict=True):
        card_id, ctype, ords, payload, digest, tags, search = entry[:7]
        position += 1
        for ord_ in ords:
            append((deck_id, card_id, ord_, ctype, digest, tags, search, payload, position, fact))
    return rows


def item_rows(deck: Deck, sources: Mapping[str, str] | None = None) -> list[ItemRow]:
    """`entry_rows` of a loaded deck's `Card`s."""
    with _gc_paused():
        return entry_rows(deck.id, [from_card(card) for card in deck.cards], sources)


def source_texts(deck: Deck) -> dict[str, str]:
    """Source id → the text of its `file`, for the deck's sources whose file can be read:
    a regular file inside the deck's folder (symlinks resolved), at most MAX_SOURCE_BYTES.
    Others are left out (their quotes are then grouped by their text alone)."""
    if deck.path is None:
        return {}
    out: dict[str, str] = {}
    folder = deck.path.parent
    for sid, src in deck.sources.items():
        if not src.file or is_absolute_ref(src.file) or escapes_folder(src.file):
            continue
        try:
            target = (folder / src.file).resolve()
            if not target.is_relative_to(folder.resolve()) or not target.is_file():
                continue
            if target.stat().st_size > MAX_SOURCE_BYTES:
                continue
            out[sid] = target.read_bytes().decode("utf-8-sig", errors="replace")
        except (OSError, RuntimeError):
            continue
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Thousands of tuples and no cycle: pausing the cyclic GC saves its needless passes.
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


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


def deck_row(deck: Deck, card_count: int) -> DeckRow:
    """The deck's row; `card_count`: the cards of its file, drafts included (the studied
    ones are its items' positions: `store.queries.decks.deck_counts` tells drafts apart)."""
    return (
        deck.id,
        deck.title,
        deck.description,
        json.dumps(list(deck.tags)),
        sources_json(deck),
        card_count,
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
    with _gc_paused():
        try:
            deck, entries = load_deck_built(raw, Path(path), SYNC_KIT)
        except DeckError as e:
            return Prepared("bad", digest, problems=e.problems)
        rows = entry_rows(deck.id, entries, source_texts(deck))
        return Prepared("ok", digest, deck_row(deck, len(entries)), rows)
