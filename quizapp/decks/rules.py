"""The deck format as one table: records, their keys, which are required, value kinds, limits.

Both load paths read this table — the precise validator (`validate`, problems with
file:line:col) and the yaml-rs fast path (`fastpath`, accept or decline) — so they agree on
keys, kinds and limits by construction. `deck.schema.json` (for editors) says the same in
JSON Schema; tests/test_decks_rules.py compares the two, so neither can drift.

What a table cannot say stays code in both walkers, named here so a reader knows where to
look: card ids unique in a deck, option texts unique in a card, at least one correct
option, a cloze text with at least one well-formed deletion, a cloze `accept` number
naming one of its deletions, a card's source naming one of
the deck's `sources`, and `file` references staying inside the deck's folder
(`escapes_folder`).
"""

from __future__ import annotations

import enum
import ntpath
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from quizapp.model import CardType

FORMAT_VERSION = 1
ID_MAX_LENGTH = 64
DECK_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
CARD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SOURCE_ID_PATTERN = CARD_ID_PATTERN
FACT_PATTERN = CARD_ID_PATTERN  # a slug like ids (derived keys start with `~`: no clash)
#: A cloze `accept` key: a deletion number as digits (`1:` and `"1":` read the same).
DELETION_KEY_PATTERN = r"^[1-9][0-9]*$"
MIN_CHOICES, MAX_CHOICES = 2, 10
CARD_TYPES: tuple[str, ...] = tuple(t.value for t in CardType)


class Kind(enum.Enum):
    """What a key's value must be. Text is always read as written (`answer: No` is "No")."""

    TEXT = "text"
    TEXT_LIST = "list of text"  # `~` reads as an empty list
    INT = "whole number"
    BOOL = "true or false"  # unquoted true/false
    RECORD = "mapping"  # one nested record (`Field.record`)
    RECORD_LIST = "list of mappings"  # of `Field.record`
    RECORD_MAP = "mapping of id → mapping"  # keys follow `Field.pattern`; `~` reads as empty
    TEXT_LIST_MAP = "mapping of number → list of text"  # keys follow `Field.pattern`


@dataclass(frozen=True)
class Field:
    """One key of a record. `nonempty`: text that may not be blank (only ever on required
    keys, which lets the fast path read it unguarded). `hint`: how to add it when it is
    missing or empty."""

    kind: Kind
    nonempty: bool = False
    pattern: str = ""  # ids: the value (RECORD_MAP: each key) must match
    max_length: int = 0  # ids: at most this many characters (0: no limit)
    enum: tuple[str, ...] = ()
    const: int | None = None
    record: str = ""  # RECORD / RECORD_LIST / RECORD_MAP: the record of the value(s)
    min_items: int = 0
    max_items: int = 0  # 0: no limit
    hint: str = ""


@dataclass(frozen=True)
class Record:
    """A mapping of the format: its keys in the documented order, and the required ones."""

    name: str  # as in deck.schema.json's $defs ("deck" for the top level)
    fields: Mapping[str, Field]
    required: tuple[str, ...]
    keys: tuple[str, ...] = field(init=False)
    allowed: frozenset[str] = field(init=False)  # set forms, for the fast path's key checks
    needed: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(self.fields))
        object.__setattr__(self, "allowed", frozenset(self.fields))
        object.__setattr__(self, "needed", frozenset(self.required))


_TEXT = Field(Kind.TEXT)
_TAGS = Field(Kind.TEXT_LIST)

DECK = Record(
    "deck",
    {
        "format": Field(Kind.INT, const=FORMAT_VERSION),
        "id": Field(
            Kind.TEXT,
            pattern=DECK_ID_PATTERN,
            max_length=ID_MAX_LENGTH,
            hint="add `id: my-deck` (lowercase letters, digits, `.`, `_`, `-`)",
        ),
        "title": Field(Kind.TEXT, nonempty=True, hint="add `title:` with the deck's name"),
        "description": _TEXT,
        "tags": _TAGS,
        "sources": Field(
            Kind.RECORD_MAP, record="source", pattern=SOURCE_ID_PATTERN, max_length=ID_MAX_LENGTH
        ),
        "cards": Field(
            Kind.RECORD_LIST, record="card", min_items=1, hint="add `cards:` with a list of cards"
        ),
    },
    required=("id", "title", "cards"),
)

SOURCE = Record(
    "source",
    {
        "title": Field(Kind.TEXT, nonempty=True, hint="add `title:` with the document's title"),
        "author": _TEXT,
        "publisher": _TEXT,
        "date": _TEXT,
        "url": _TEXT,
        "file": _TEXT,  # relative to the deck, inside its folder: `escapes_folder`
    },
    required=("title",),
)

SOURCE_REF = Record(
    "sourceRef",
    {
        # a key of the deck's `sources` (so it follows their pattern): checked by lookup
        "id": Field(
            Kind.TEXT,
            nonempty=True,
            pattern=SOURCE_ID_PATTERN,
            hint="add `id:` naming one of the deck's `sources`",
        ),
        "quote": Field(
            Kind.TEXT, nonempty=True, hint="add `quote:` with the verbatim sentence from the source"
        ),
        "ref": _TEXT,
    },
    required=("id", "quote"),
)

CHOICE = Record(
    "choice",
    {
        "text": Field(
            Kind.TEXT, nonempty=True, hint="add `text:` with the option as shown to the learner"
        ),
        "correct": Field(Kind.BOOL),
        "why": Field(
            Kind.TEXT, nonempty=True, hint="add `why:` saying why this option is right or wrong"
        ),
        "fixed": Field(Kind.BOOL),  # keeps its place when options are shuffled
    },
    required=("text", "why"),
)

ANKI_REF = Record(
    "ankiRef",
    {
        "guid": Field(Kind.TEXT, nonempty=True, hint="add `guid:` with the Anki note's GUID"),
        "ord": Field(Kind.INT),
        "notetype": _TEXT,
        "notetype_id": Field(Kind.INT),
    },
    required=("guid",),
)

IMAGE = Record(
    "image",
    {
        # relative to the deck, inside its folder: `escapes_folder`; decoded in check mode
        "file": Field(Kind.TEXT, nonempty=True, hint="add `file:` with the image's path"),
        "alt": Field(
            Kind.TEXT, nonempty=True, hint="add `alt:` saying what the image shows, in words"
        ),
    },
    required=("file", "alt"),
)

SHAPE = Record(
    "shape",
    {
        "group": Field(Kind.INT, hint="add `group: 1` (shapes of one group are one item)"),
        "label": Field(Kind.TEXT, nonempty=True, hint="add `label:` with what the shape hides"),
        # "rect|ellipse L T W H" or "polygon x,y x,y x,y …", fractions of the image's size
        "shape": Field(
            Kind.TEXT,
            nonempty=True,
            hint="add `shape: rect 0.1 0.2 0.3 0.1` (left top width height)",
        ),
    },
    required=("group", "label", "shape"),
)
OCCLUSION_MODES: tuple[str, ...] = ("hide-all", "hide-one")

#: Every key a card may have, whatever its type (the schema's `card` properties).
CARD_FIELDS: Mapping[str, Field] = {
    "id": Field(
        Kind.TEXT,
        pattern=CARD_ID_PATTERN,
        max_length=ID_MAX_LENGTH,
        hint="add `id:` (letters, digits, `.`, `_`, `-`), or run `quizapp decks add-ids FILE`",
    ),
    "type": Field(
        Kind.TEXT, enum=CARD_TYPES, hint="add `type:` — one of basic, typed, mcq, cloze, occlusion"
    ),
    "prompt": Field(Kind.TEXT, nonempty=True, hint="add `prompt:` with the question"),
    "answer": Field(Kind.TEXT, nonempty=True, hint="add `answer:` with the expected answer"),
    "accept": _TAGS,
    "choices": Field(
        Kind.RECORD_LIST,
        record="choice",
        min_items=MIN_CHOICES,
        max_items=MAX_CHOICES,
        hint="add `choices:` with 2–10 options like `- {text: …, correct: true, why: …}`",
    ),
    "text": Field(
        Kind.TEXT,
        nonempty=True,
        hint="add `text:` with the sentence, hidden words wrapped in {{…}}",
    ),
    "explanation": Field(
        Kind.TEXT, nonempty=True, hint="add `explanation:` with a sentence saying why"
    ),
    "tags": _TAGS,
    "source": Field(
        Kind.RECORD,
        record="sourceRef",
        hint='add `source: {id: …, quote: "…"}` saying where the fact comes from',
    ),
    # written by `quizapp import`, read by `quizapp export --anki` (docs/anki.md)
    "anki": Field(Kind.RECORD, record="ankiRef"),
    "fact": Field(Kind.TEXT, pattern=FACT_PATTERN, max_length=ID_MAX_LENGTH),
    "draft": Field(Kind.BOOL),
    "image": Field(Kind.RECORD, record="image", hint="add `image: {file: …, alt: …}`"),
    "answer_image": Field(Kind.RECORD, record="image"),
    "shapes": Field(
        Kind.RECORD_LIST,
        record="shape",
        min_items=1,
        hint="add `shapes:` with `- {group: 1, label: …, shape: rect 0.1 0.2 0.3 0.1}`",
    ),
    "mode": Field(Kind.TEXT, enum=OCCLUSION_MODES),
}
CARD_COMMON_KEYS: tuple[str, ...] = (
    "id",
    "type",
    "explanation",
    "tags",
    "source",
    "anki",
    "fact",
    "draft",
    "image",
    "answer_image",
)
CARD_COMMON_REQUIRED: tuple[str, ...] = ("id", "type", "explanation", "source")


def _card(ctype: CardType, keys: tuple[str, ...], required: tuple[str, ...]) -> Record:
    fields = {k: CARD_FIELDS[k] for k in (*CARD_COMMON_KEYS, *keys)}
    if "prompt" not in required:  # cloze: an optional context line, which may be empty
        fields["prompt"] = Field(Kind.TEXT, hint=CARD_FIELDS["prompt"].hint)
    return Record(f"{ctype.value} card", fields, CARD_COMMON_REQUIRED + required)


#: cloze `accept`: other accepted answers per deletion number (`{1: ["…"], 2: ["…"]}`);
#: a number with no such deletion in `text` is refused (code in both walkers).
CLOZE_ACCEPT = Field(
    Kind.TEXT_LIST_MAP,
    pattern=DELETION_KEY_PATTERN,
    hint='write `accept: {1: ["…"], 2: ["…"]}` (deletion number → other answers)',
)


def _cloze() -> Record:
    record = _card(CardType.CLOZE, ("text", "prompt", "accept"), ("text",))
    fields = dict(record.fields)
    fields["accept"] = CLOZE_ACCEPT
    return Record(record.name, fields, record.required)


#: The card record of each type: its keys (common ones first) and required keys.
CARDS: Mapping[CardType, Record] = {
    CardType.BASIC: _card(CardType.BASIC, ("prompt", "answer"), ("prompt", "answer")),
    CardType.TYPED: _card(CardType.TYPED, ("prompt", "answer", "accept"), ("prompt", "answer")),
    CardType.MCQ: _card(CardType.MCQ, ("prompt", "choices"), ("prompt", "choices")),
    CardType.CLOZE: _cloze(),
    CardType.OCCLUSION: _card(CardType.OCCLUSION, ("shapes", "mode"), ("image", "shapes")),
}

RECORDS: Mapping[str, Record] = {
    r.name: r for r in (DECK, SOURCE, SOURCE_REF, CHOICE, ANKI_REF, IMAGE, SHAPE)
}  # the cards are per type: CARDS

# ---------------------------------------------------------------------------- derived names
# The tuples the loader has always exported (tests and tools read them).

TOP_KEYS = DECK.keys
TOP_REQUIRED = DECK.required
SOURCE_KEYS = SOURCE.keys
SOURCE_REQUIRED = SOURCE.required
SOURCE_REF_KEYS = SOURCE_REF.keys
SOURCE_REF_REQUIRED = SOURCE_REF.required
CHOICE_KEYS = CHOICE.keys
CHOICE_REQUIRED = CHOICE.required
CARD_KEYS_BY_TYPE: dict[CardType, tuple[str, ...]] = {t: r.keys for t, r in CARDS.items()}
CARD_REQUIRED_BY_TYPE: dict[CardType, tuple[str, ...]] = {
    t: r.required[len(CARD_COMMON_REQUIRED) :] for t, r in CARDS.items()
}
ALL_CARD_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(k for keys in CARD_KEYS_BY_TYPE.values() for k in keys)
)

DECK_ID_RE = re.compile(DECK_ID_PATTERN)
FACT_RE = re.compile(FACT_PATTERN)
DELETION_KEY_RE = re.compile(DELETION_KEY_PATTERN)
CARD_ID_RE = re.compile(CARD_ID_PATTERN)
SOURCE_ID_RE = re.compile(SOURCE_ID_PATTERN)


def is_absolute_ref(ref: str) -> bool:
    """A `file` reference written as an absolute (POSIX, Windows or `~`) path."""
    return posixpath.isabs(ref) or ntpath.isabs(ref) or ref.startswith("~")


def escapes_folder(ref: str) -> bool:
    """True when a relative path `ref` climbs out of its folder (lexically)."""
    depth = 0
    for part in re.split(r"[\\/]+", ref):
        if part in ("", "."):
            continue
        depth = depth - 1 if part == ".." else depth + 1
        if depth < 0:
            return True
    return False
