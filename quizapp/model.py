"""Plain data of quizapp: decks, cards, study items, ratings. No I/O, no Textual.

A *card* is what a deck author writes (one YAML entry). A *study item* is what a
learner is scheduled on: one per card, except cloze cards, which give one item per
deletion (`ord` 1, 2, …), and occlusion cards, one per shape group (`ord` = group).
Items are keyed by (deck id, card id, ord); progress is stored against that key, so
editing a card's text keeps its progress.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class CardType(enum.StrEnum):
    BASIC = "basic"  # self-graded: front, then the back is revealed
    TYPED = "typed"  # the learner types an answer; numbers compare as numbers
    MCQ = "mcq"  # one or several correct options, each option with a reason
    CLOZE = "cloze"  # a sentence with {{deletions}}; each deletion is its own study item
    OCCLUSION = "occlusion"  # an image with masked shapes; each shape group is a study item


class Rating(enum.IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


RATING_LABELS: dict[Rating, str] = {
    Rating.AGAIN: "Again",
    Rating.HARD: "Hard",
    Rating.GOOD: "Good",
    Rating.EASY: "Easy",
}


@dataclass(frozen=True, slots=True)
class Source:
    """A document that cards quote."""

    id: str
    title: str
    author: str = ""
    publisher: str = ""
    date: str = ""  # as written in the deck (ISO date preferred)
    url: str = ""
    file: str = ""  # path relative to the deck file; lets `decks check` verify quotes


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a card's fact comes from: a source id, the verbatim quote, the reference number."""

    source_id: str
    quote: str
    ref: str = ""  # the document's own reference marker, e.g. "[47]"


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False
    why: str = ""
    fixed: bool = False  # keeps its place when options are shuffled ("None of the above")


@dataclass(frozen=True, slots=True)
class ClozeDeletion:
    ord: int  # 1-based; the study item's ord
    answer: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class AnkiRef:
    """Which Anki card a quizapp card is (deck key `anki:`): kept by import, reused by export
    so Anki updates the same note instead of adding one."""

    guid: str  # the Anki note's GUID
    ord: int = 0  # the card's template ordinal (cloze: 0; the deletions are the items)
    notetype: str = ""  # the note type's name, as in Anki
    notetype_id: int = 0  # the note type's id in the collection it came from (0: unknown)


@dataclass(frozen=True, slots=True)
class CardImage:
    """An image of a card: a file inside the deck's folder and the text that stands for it."""

    file: str  # relative to the deck file (checked like a source's `file`)
    alt: str  # what the image shows, for plain mode and screen readers


@dataclass(frozen=True, slots=True)
class Shape:
    """One occlusion mask. Coordinates are fractions of the image's width/height (0–1):
    rect and ellipse (its bounding box) as (left, top, width, height); polygon as
    (x1, y1, x2, y2, …)."""

    group: int  # shapes of one group are one study item (ord), like cloze numbers
    label: str  # revealed on answer; the typed answer is matched against it
    kind: str  # "rect", "ellipse" or "polygon"
    coords: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Card:
    deck_id: str
    id: str
    type: CardType
    prompt: str = ""  # basic/typed/mcq question; cloze: optional context line
    answer: str = ""  # basic back / typed canonical answer
    accept: tuple[str, ...] = ()  # typed: other accepted answers
    choices: tuple[Choice, ...] = ()  # mcq
    text: str = ""  # cloze: the sentence with {{…}} deletions
    explanation: str = ""
    tags: tuple[str, ...] = ()
    source: SourceRef | None = None
    line: int = 0  # 1-based line of the card in its deck file (0: unknown)
    fact: str = ""  # the fact it tests: cards of one fact are spaced apart (see decks.facts)
    # cloze: other accepted answers per deletion number, e.g. ((1, ("resectable",)),)
    cloze_accept: tuple[tuple[int, tuple[str, ...]], ...] = ()
    draft: bool = False  # `draft: true`: listed and checked, not studied
    anki: AnkiRef | None = None  # the Anki note and card it was imported from / exported as
    image: CardImage | None = None  # shown with the prompt (occlusion: the masked image)
    answer_image: CardImage | None = None  # shown with the answer
    shapes: tuple[Shape, ...] = ()  # occlusion
    mode: str = ""  # occlusion: "hide-all" (default: hide all, guess one) or "hide-one"

    @property
    def multiple(self) -> bool:
        """True for an mcq with more than one correct option."""
        return sum(1 for c in self.choices if c.correct) > 1


@dataclass(slots=True)
class Deck:
    id: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    sources: dict[str, Source] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class MemoryState:
    """A learner's scheduling state of one study item (None fields: never reviewed)."""

    state: int | None = None  # fsrs.State value; None = new
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        return self.state is None

    @property
    def interval_days(self) -> float:
        if self.due is None or self.last_review is None:
            return 0.0
        return max(0.0, (self.due - self.last_review).total_seconds() / 86400)
