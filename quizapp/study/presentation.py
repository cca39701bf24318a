"""What the learner saw: the order in which a multiple-choice card's options were shown.

Options are shuffled for every presentation, so a score cannot be earned by position (every
correct option of a hand-written deck tends to come first). The order is a permutation of
the card's option indexes, drawn from a generator seeded by the presentation's identity
(learner, study item, how many times it was answered before): the same presentation always
shows the same order — after an undo, after quitting and coming back, in a results review —
and the next presentation draws a new one. A choice marked `fixed` ("None of the above")
keeps its place.

The order is stored with each answer (`reviews.presentation`, `quiz_answers.presentation`)
as the card indexes in display order, so reviews and reports show what was asked.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.model import Card, CardType

__all__ = ["Order", "draw_order", "identity", "order_from_json"]


@dataclass(frozen=True, slots=True)
class Order:
    """Display position → the card's option index (``shown[0]`` is the option shown as A)."""

    shown: tuple[int, ...]

    @classmethod
    def identity(cls, n: int) -> Order:
        return cls(tuple(range(n)))

    def to_card(self, displayed: Sequence[int]) -> list[int]:
        """Displayed option indexes (0 = the first option shown) → the card's indexes."""
        return sorted(self.shown[i] for i in displayed)

    def to_display(self, card_indexes: Sequence[int]) -> list[int]:
        """The card's option indexes → where they were shown."""
        where = {c: d for d, c in enumerate(self.shown)}
        return sorted(where[i] for i in card_indexes)

    def to_json(self) -> str:
        return json.dumps(list(self.shown), separators=(",", ":"))


def identity(card: Card) -> Order:
    return Order.identity(len(card.choices))


def draw_order(card: Card, *seed_parts: int | str) -> Order:
    """The shown order of `card`'s options for the presentation named by `seed_parts`
    (deterministic; identity for a card that is not an mcq). Choices marked `fixed`
    stay where the author put them; the others are shuffled among the free places."""
    n = len(card.choices)
    if card.type != CardType.MCQ or n < 2:
        return Order.identity(n)
    rng = random.Random(":".join(str(p) for p in seed_parts))
    free = [i for i, c in enumerate(card.choices) if not c.fixed]
    moved = free[:]
    rng.shuffle(moved)
    shown = list(range(n))
    for place, index in zip(free, moved, strict=True):
        shown[place] = index
    return Order(tuple(shown))


def order_from_json(text: str | None, n: int) -> Order:
    """A stored order back (identity when none was stored or it does not fit `n`)."""
    if text:
        try:
            shown = tuple(int(i) for i in json.loads(text))
        except (ValueError, TypeError):
            shown = ()
        if sorted(shown) == list(range(n)):
            return Order(shown)
    return Order.identity(n)
