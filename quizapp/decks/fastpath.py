"""The fast path: yaml-rs parses, the format table validates, rows are built from the fields.

PyYAML builds Python objects at about 1–2 MB/s; the Rust parser of `yaml-rs` is an order
of magnitude faster. A deck that is valid in the ordinary way is loaded by `fast_load`:
parse with yaml-rs, then accept only what the precise path (`nodes` + `validate`) would
accept with the same result. Anything unusual or wrong — a parse error, a text field that
YAML 1.2 turned into a number/bool/null, tags, anchors, aliases, merge keys, characters
PyYAML refuses, any validation problem, card lines that cannot be located with certainty —
declines (None), and the precise path loads the file instead, so messages keep
file:line:col and text stays exactly as written. A card that alone declines (`answer: 35`)
goes through the precise path by itself. yaml-rs refuses duplicate keys itself
(DuplicateKeyPolicy.Error).

The checks are the rules of `quizapp.decks.rules` (the same table the precise validator
reads), written as bare type and set tests without messages: a problem only needs to be
noticed here, the precise path words it.
"""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from quizapp.decks import cloze
from quizapp.decks.cloze_parts import ords_and_plain
from quizapp.decks.errors import ProblemLog
from quizapp.decks.fastscan import FORMAT_LINE, card_lines, chars_ok, ending_ok, risky
from quizapp.decks.nodes import Map, Seq, build
from quizapp.decks.rules import (
    ANKI_REF,
    CARD_FIELDS,
    CARDS,
    CHOICE,
    DECK,
    SOURCE,
    SOURCE_REF,
    Kind,
    escapes_folder,
    is_absolute_ref,
)
from quizapp.decks.validate import Validator
from quizapp.model import AnkiRef, Card, CardType, Choice, Deck, Source, SourceRef

_TEXT = str

#: The text fields of a card (besides id and type) the fast path reads; the rest of a
#: card's keys are lists (accept, tags, choices) or the source (tests/test_decks_rules.py).
CARD_TEXT_FIELDS = ("prompt", "answer", "text", "explanation", "mode")
#: Image keys (and so every occlusion card) decline: such a card takes the precise path.
_MEDIA_KEYS = frozenset(("image", "answer_image", "shapes"))


def yaml_rs_module() -> object | None:
    """The yaml-rs module, or None to use the PyYAML path.

    yaml-rs 0.1.6 segfaults when it is first imported in a thread that then exits and is
    used from another thread (as successive TUI sync workers would). So it is only ever
    imported on the main thread; a worker uses it only when the main thread already has.
    """
    module = sys.modules.get("yaml_rs")
    if module is not None:
        return module
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency; PyYAML still works
        return None
    return yaml_rs


class _Reject(Exception):
    """The fast path declines; the precise path decides."""


class CardKit(NamedTuple):
    """What the fast path builds from a card it validated, instead of `Card`s (sync builds
    its rows straight from the fields). Each is called with the arguments of the model
    class it replaces: `card` like `Card(...)` (all fifteen fields, positionally, with
    `choices` and `source` as built by `choice` and `ref`), `choice` like `Choice(text,
    correct, why, fixed)`, `ref` like `SourceRef(id, quote, ref)`; `from_card` turns a
    `Card` of the precise path into the same thing."""

    card: Callable[..., Any]
    choice: Callable[[str, bool, str, bool], Any]
    ref: Callable[[str, str, str], Any]
    from_card: Callable[[Card], Any]


# ---------------------------------------------------------------------------- the table, flat

_DECK_ID = DECK.fields["id"]
_DECK_ID_MATCH = re.compile(_DECK_ID.pattern).match
_SOURCES = DECK.fields["sources"]
_SOURCE_ID_MATCH = re.compile(_SOURCES.pattern).match
_CARD_ID = CARD_FIELDS["id"]
_CARD_ID_MATCH = re.compile(_CARD_ID.pattern).match
_CARD_ID_MAX = _CARD_ID.max_length
_FACT = CARD_FIELDS["fact"]
_FACT_MATCH = re.compile(_FACT.pattern).match
_DELETION_KEY_MATCH = re.compile(CARDS[CardType.CLOZE].fields["accept"].pattern).match
assert CARDS[CardType.CLOZE].fields["accept"].kind is Kind.TEXT_LIST_MAP
_MIN_CHOICES = CARD_FIELDS["choices"].min_items
_MAX_CHOICES = CARD_FIELDS["choices"].max_items
_CHOICE_ALLOWED, _CHOICE_NEEDED = CHOICE.allowed, CHOICE.needed
_REF_ALLOWED, _REF_NEEDED = SOURCE_REF.allowed, SOURCE_REF.needed
_ANKI_ALLOWED, _ANKI_NEEDED = ANKI_REF.allowed, ANKI_REF.needed
_TYPES = {t.value: t for t in CardType}
_CARD_ALLOWED = {t: r.allowed for t, r in CARDS.items()}
_CARD_NEEDED = {t: r.needed for t, r in CARDS.items()}
#: per card type: the text fields that may not be blank (all required, so present)
_NONEMPTY = {
    t: tuple(k for k in CARD_TEXT_FIELDS if k in r.fields and r.fields[k].nonempty)
    for t, r in CARDS.items()
}


def _t(value: object, *, required: bool = False) -> str:
    if type(value) is not _TEXT:
        raise _Reject
    if required and not value.strip():
        raise _Reject
    return value


def _opt(d: dict[str, object], key: str, *, required: bool = False) -> str:
    if key not in d:
        return ""
    return _t(d[key], required=required)


def _str_list(value: object) -> list[str]:
    if value is None:
        return []
    if type(value) is not list:
        raise _Reject
    for v in value:
        if type(v) is not _TEXT:
            raise _Reject
    return value


def _tag_tuple(value: object) -> tuple[str, ...]:
    stripped = [x.strip() for x in _str_list(value)]
    return tuple(dict.fromkeys([t for t in stripped if t]))


def _keys_ok(d: dict[str, object], allowed: frozenset[str], required: frozenset[str]) -> None:
    keys = d.keys()
    if not (keys <= allowed and required <= keys):
        raise _Reject


# ---------------------------------------------------------------------------- records


def _fast_sources(value: object) -> dict[str, Source]:
    if value is None:
        return {}
    if type(value) is not dict:
        raise _Reject
    out: dict[str, Source] = {}
    for sid, src in value.items():
        if type(sid) is not _TEXT or not _SOURCE_ID_MATCH(sid) or len(sid) > _SOURCES.max_length:
            raise _Reject
        if type(src) is not dict:
            raise _Reject
        _keys_ok(src, SOURCE.allowed, SOURCE.needed)
        fields = {k: _opt(src, k, required=rule.nonempty) for k, rule in SOURCE.fields.items()}
        file_ref = fields["file"]
        if file_ref and (is_absolute_ref(file_ref) or escapes_folder(file_ref)):
            raise _Reject
        out[sid] = Source(id=sid, **fields)
    return out


def _fast_choices(value: object, make_choice: Callable[..., Any] = Choice) -> tuple[Any, ...]:
    if type(value) is not list or not _MIN_CHOICES <= len(value) <= _MAX_CHOICES:
        raise _Reject
    out: list[Any] = []
    seen: set[str] = set()
    any_correct = False
    for ch in value:
        if type(ch) is not dict:
            raise _Reject
        keys = ch.keys()
        if not (keys <= _CHOICE_ALLOWED and keys >= _CHOICE_NEEDED):
            raise _Reject
        text = ch["text"]
        why = ch["why"]
        correct = ch.get("correct", False)
        fixed = ch.get("fixed", False)
        if (
            type(text) is not str
            or type(why) is not str
            or type(correct) is not bool
            or type(fixed) is not bool
        ):
            raise _Reject
        key = text.strip()
        # text and why may not be blank (CHOICE); option texts are unique in a card
        if not key or not why.strip() or key in seen:
            raise _Reject
        seen.add(key)
        any_correct = any_correct or correct
        out.append(make_choice(text, correct, why, fixed))
    if not any_correct:
        raise _Reject
    return tuple(out)


def _fast_anki(value: object) -> AnkiRef:
    """A card's `anki:` mapping (rules.ANKI_REF), or _Reject."""
    if type(value) is not dict:
        raise _Reject
    _keys_ok(value, _ANKI_ALLOWED, _ANKI_NEEDED)
    guid = _t(value["guid"], required=True)
    notetype = _opt(value, "notetype")
    ord_ = value.get("ord", 0)
    ntid = value.get("notetype_id", 0)
    if type(ord_) is not int or type(ntid) is not int or ord_ < 0 or ntid < 0:
        raise _Reject
    return AnkiRef(guid, ord_, notetype, ntid)


def _fast_card(
    c: object,
    deck_id: str,
    deck_tags: tuple[str, ...],
    sources: dict[str, Source],
    line: int,
    kit: CardKit | None = None,
) -> Any:
    """One card, or _Reject (the rules `Validator.card` words as problems), built by `kit`
    (a `Card` by default)."""
    if type(c) is not dict:
        raise _Reject
    ctype = _TYPES.get(c.get("type"))  # type: ignore[arg-type]
    if ctype is None:
        raise _Reject
    keys = c.keys()
    if not (
        keys <= _CARD_ALLOWED[ctype]
        and _CARD_NEEDED[ctype] <= keys
        and _MEDIA_KEYS.isdisjoint(keys)
    ):
        raise _Reject
    card_id = c["id"]
    if type(card_id) is not str or len(card_id) > _CARD_ID_MAX or not _CARD_ID_MATCH(card_id):
        raise _Reject
    explanation = c["explanation"]
    prompt = c.get("prompt", "")
    answer = c.get("answer", "")
    text = c.get("text", "")
    if (
        type(explanation) is not str
        or type(prompt) is not str
        or type(answer) is not str
        or type(text) is not str
    ):
        raise _Reject
    for name in _NONEMPTY[ctype]:
        if not c[name].strip():
            raise _Reject
    fact = c.get("fact", "")
    if fact and (type(fact) is not str or len(fact) > _FACT.max_length or not _FACT_MATCH(fact)):
        raise _Reject
    draft = c.get("draft", False)
    if type(draft) is not bool or ("fact" in keys and not fact):
        raise _Reject
    choices: tuple[Any, ...] = ()
    cloze_accept: tuple[tuple[int, tuple[str, ...]], ...] = ()
    if ctype is CardType.CLOZE:
        try:
            ords = ords_and_plain(text)[0]
        except cloze.ClozeError:
            raise _Reject from None
        if not ords:
            raise _Reject
        if "accept" in keys:
            cloze_accept = _fast_cloze_accept(c["accept"], ords)
    elif ctype is CardType.MCQ:
        choices = _fast_choices(c["choices"], kit.choice if kit else Choice)
    ref = c["source"]
    if type(ref) is not dict:
        raise _Reject
    rkeys = ref.keys()
    if not (rkeys <= _REF_ALLOWED and rkeys >= _REF_NEEDED):
        raise _Reject
    sid = ref["id"]
    quote = ref["quote"]
    refmark = ref.get("ref", "")
    if (
        type(sid) is not str
        or type(quote) is not str
        or type(refmark) is not str
        or sid not in sources
        or not quote.strip()
    ):
        raise _Reject
    card_tags = _tag_tuple(c["tags"]) if "tags" in keys else ()
    anki = _fast_anki(c["anki"]) if "anki" in keys else None
    make_card, make_ref = (kit.card, kit.ref) if kit else (Card, SourceRef)
    if anki is not None and kit is None:  # the kit's rows do not carry it (study needs none)
        make_card = partial(Card, anki=anki)
    return make_card(
        deck_id,
        card_id,
        ctype,
        prompt,
        answer,
        tuple(_str_list(c["accept"])) if "accept" in keys and ctype is CardType.TYPED else (),
        choices,
        text,
        explanation,
        tuple(dict.fromkeys((*deck_tags, *card_tags))) if card_tags else deck_tags,
        make_ref(sid, quote, refmark),
        line,
        fact,
        cloze_accept,
        draft,
    )


def _fast_cloze_accept(value: object, ords: list[int]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """A cloze card's `accept` mapping, keyed by deletion numbers of its text, by number.

    A key must be written as digits (`1:` or `"1":`): yaml-rs reads `+1`, `0x1` and `0o1`
    as the number 1 too, which the precise path refuses, so an int key whose digits do not
    appear as a key in the card is left to the precise path (`_int_key_written`)."""
    if value is None:
        return ()
    if type(value) is not dict:
        raise _Reject
    out: dict[int, tuple[str, ...]] = {}
    for key, answers in value.items():
        if type(key) is int:
            if key < 1 or not _int_key_written(key):
                raise _Reject
            number = key
        elif type(key) is str and _DELETION_KEY_MATCH(key):
            number = int(key)
        else:
            raise _Reject
        if number in out or number not in ords:  # `1:` and `"1":` twice: a duplicate key
            raise _Reject
        out[number] = tuple(_str_list(answers))
    return tuple(sorted(out.items()))


_WRITTEN = threading.local()


def _int_key_written(key: int) -> bool:
    """Whether the deck being built writes the int key `key` only as plain digits: no key
    in it is written `+N`, `0N`, `0xN` or `0oN` (which yaml-rs reads as numbers)."""
    odd = getattr(_WRITTEN, "odd", None)
    if odd is None:
        text = getattr(_WRITTEN, "text", "")
        odd = _WRITTEN.odd = _ODD_INT_KEY.search(text) is not None
    return not odd


_ODD_INT_KEY = re.compile(r"(?:^|[\s{,])[+0][0-9a-fA-FxXoO_]*[ \t]*:(?:\s|$)", re.M)


def _precise_card(
    item: str,
    index: int,
    deck_id: str,
    deck_tags: tuple[str, ...],
    sources: dict[str, Source],
    path: Path,
) -> Card | None:
    """One card's item text (`- id: …` lines) through the precise path; None on problems."""
    log = ProblemLog(str(path), path)
    root = build("cards:\n" + item, log)
    if log.problems or not isinstance(root, Map) or list(root.items) != ["cards"]:
        return None
    seq = root.items["cards"][1]
    if not isinstance(seq, Seq) or len(seq.items) != 1:
        return None
    card = Validator(log).card(seq.items[0], index, deck_id, deck_tags, sources, {})
    return None if log.problems else card


# ---------------------------------------------------------------------------- the deck


def fast_load(data: bytes, text: str, path: Path, kit: CardKit | None = None) -> Deck | None:
    """The deck, when yaml-rs can load it with exactly the precise path's result; else None."""
    yaml_rs = yaml_rs_module()
    # Tabs: libyaml refuses some that yaml-rs takes (indentation), so leave them to PyYAML.
    if yaml_rs is None or "\t" in text or not chars_ok(data):
        return None
    if risky(text) or not ending_ok(text):
        return None
    # Building ~a million small objects: the cyclic GC would run hundreds of times for
    # nothing (none of them can form a cycle), so it is paused for the parse and build.
    paused = gc.isenabled()
    gc.disable()
    _WRITTEN.text, _WRITTEN.odd = text, None
    try:
        return _fast_build(text, path, yaml_rs, kit)
    finally:
        _WRITTEN.text, _WRITTEN.odd = "", None
        if paused:
            gc.enable()


def _fast_build(text: str, path: Path, yaml_rs: object, kit: CardKit | None = None) -> Deck | None:
    """The deck (its cards built by `kit`: `Card`s by default), or None to decline."""
    try:
        root = yaml_rs.loads(text, parse_datetime=False)  # type: ignore[attr-defined]
    except Exception:
        return None
    try:
        if type(root) is not dict:
            raise _Reject
        _keys_ok(root, DECK.allowed, DECK.needed)
        if "format" in root:
            fmt = root["format"]
            const = DECK.fields["format"].const
            if type(fmt) is not int or fmt != const or not FORMAT_LINE.search(text):
                raise _Reject
        deck_id = root["id"]
        if (
            type(deck_id) is not _TEXT
            or not _DECK_ID_MATCH(deck_id)
            or len(deck_id) > _DECK_ID.max_length
        ):
            raise _Reject
        title = _t(root["title"], required=DECK.fields["title"].nonempty)
        description = _opt(root, "description")
        deck_tags = _tag_tuple(root.get("tags"))
        sources = _fast_sources(root.get("sources"))
        raw_cards = root["cards"]
        if type(raw_cards) is not list or len(raw_cards) < DECK.fields["cards"].min_items:
            raise _Reject
        for c in raw_cards:
            if type(c) is not dict:
                raise _Reject
        spans = card_lines(text, raw_cards)
        if spans is None:
            raise _Reject
        cards: list[Any] = []
        ids: set[str] = set()
        for index, (c, (line, start, end)) in enumerate(zip(raw_cards, spans, strict=True), 1):
            try:
                cards.append(_fast_card(c, deck_id, deck_tags, sources, line, kit))
                ids.add(c["id"])  # text: _fast_card checked it
            except (_Reject, KeyError, TypeError, AttributeError):
                # e.g. `answer: 35` (an int to YAML 1.2): this card alone takes the precise path
                card = _precise_card(text[start:end], index, deck_id, deck_tags, sources, path)
                if card is None:
                    raise _Reject from None
                card = replace(card, line=line)
                cards.append(kit.from_card(card) if kit else card)
                ids.add(card.id)
        if len(ids) != len(cards):  # card ids are unique in a deck
            raise _Reject
    except (_Reject, KeyError, TypeError, AttributeError):
        return None
    return Deck(
        id=deck_id,
        title=title,
        description=description,
        tags=deck_tags,
        sources=sources,
        cards=cards,
        path=path,
    )
