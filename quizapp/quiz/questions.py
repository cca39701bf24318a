"""A quiz question as a UI shows it, and how a quiz answer is graded.

Quiz answers are graded with the one dispatcher, :func:`quizapp.study.grading.grade`;
a quiz never reveals, so an empty typed answer is no answer (:class:`QuizError`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.store.items import StudyItem
from quizapp.study import grading
from quizapp.study.grading import GradeResult
from quizapp.study.presentation import Order

#: The study item types a quiz asks (basic cards are never asked).
QUIZ_TYPES: tuple[CardType, ...] = (CardType.MCQ, CardType.TYPED, CardType.CLOZE)


class QuizError(Exception):
    """Something the learner can act on (empty pool, bad answer, block already submitted)."""


class TimeUp(QuizError):
    """The block's time ran out; it has been submitted."""


class NavEntry(NamedTuple):
    """One square of the question navigator."""

    position: int
    answered: bool
    flagged: bool
    correct: bool | None  # None while feedback is hidden (timed, not submitted) or unanswered


@dataclass(slots=True)
class Question:
    """A question of a block as a UI shows it."""

    position: int
    item: StudyItem
    response: str | None = None  # as stored: mcq "A,C", typed text; None = unanswered
    correct: bool | None = None  # stored grade (always kept; show only if feedback_visible)
    flagged: bool = False
    time_ms: int = 0
    answered_at: int | None = None
    order: Order = field(default_factory=lambda: Order(()))  # an mcq's options as shown

    @property
    def shown(self) -> Order:
        """The option order (the card's own when none fits, e.g. not an mcq)."""
        n = len(self.item.card.choices)
        return self.order if len(self.order.shown) == n else Order.identity(n)

    @property
    def type(self) -> CardType:
        return self.item.card.type

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def context(self) -> str:
        """For a cloze, its optional context line; empty otherwise."""
        return self.item.card.prompt if self.type == CardType.CLOZE else ""

    @property
    def text(self) -> str:
        """The question: the prompt, or the cloze sentence with this deletion blanked."""
        card = self.item.card
        if self.type == CardType.CLOZE:
            return cloze.render_question(card.text, self.item.ord)
        return card.prompt

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(letter, text) of each mcq option as shown (lettered A, B… in the order of
        this question); empty for other types."""
        card = self.item.card
        if self.type != CardType.MCQ:
            return []
        letters = grading.letters(len(card.choices))
        texts = (card.choices[i].text for i in self.shown.shown)
        return list(zip(letters, texts, strict=True))

    @property
    def multiple(self) -> bool:
        return self.item.card.multiple

    def chosen_indexes(self) -> list[int]:
        """The mcq options chosen (the card's 0-based indexes), from the stored response
        (which names the card's own options, whatever order they were shown in)."""
        if self.type != CardType.MCQ or not self.response:
            return []
        return grading.parse_choice_input(self.response, len(self.item.card.choices)) or []

    def chosen_shown(self) -> list[int]:
        """The mcq options chosen, as shown (0 = the option shown as A)."""
        return self.shown.to_display(self.chosen_indexes())

    def regrade(self) -> GradeResult | None:
        """The grade of the stored answer (letters as shown), or None if unanswered."""
        if self.response is None:
            return None
        if self.type == CardType.MCQ:
            picked = self.chosen_shown()
            if not picked:  # a stored response that no longer names an option
                return grading.grade_mcq(self.item.card, [], self.shown)
            return grade(self.item, picked, self.shown)
        return grade(self.item, self.response)


def grade(
    item: StudyItem, response: str | Sequence[int], order: Order | None = None
) -> GradeResult:
    """Grade a quiz answer with `quizapp.study.grading.grade` (an mcq's letters or
    indexes as shown in `order`); QuizError when it is not an answer (a quiz never
    reveals: a blank typed answer is no answer yet)."""
    card = item.card
    if card.type not in QUIZ_TYPES:
        raise QuizError(f"{card.type.value} cards are not asked in quizzes")
    if card.type != CardType.MCQ:
        if not isinstance(response, str):
            raise QuizError(f"a {card.type.value} question takes a typed answer")
        if not response.strip():
            raise QuizError("no answer given (type an answer, or move on with :n)")
    try:
        return grading.grade(item, response, order)
    except grading.NotAnAnswer as e:
        raise QuizError(str(e)) from None
