"""Answer checking for every front end: `grade(item, response)` and the graders behind it.

Every grader returns a `GradeResult`: whether the answer was right (``None`` for a
self-graded card), the rating to suggest (wrong → Again, right or self-graded → Good),
a record of what the learner answered for the review log, the answer to show, and a
short note.

Multiple choice
---------------
Options are lettered A–J (`letters`). `parse_choice_input` reads what a learner types:
letters in any case, run together or separated (``"a"``, ``"B"``, ``"ac"``, ``"a,c"``,
``"a c"``, ``"a and c"``, ``"(b)"``), or 1-based numbers separated by anything that is
not a digit (``"1"``, ``"1 3"``, ``"10"``). The result is sorted, de-duplicated and
0-based; ``None`` for empty input, junk or an option that does not exist. A card is
answered right only when the chosen set equals the correct set exactly (so a
single-answer card answered with two letters is wrong). For multi-answer cards
`GradeResult.partial` is the fraction of options decided correctly (chosen when
correct, left alone when wrong).

Typed cloze
-----------
A study item may blank several deletions that share a number ({{c1::…}} twice). The
learner types the hidden words in reading order separated by ";", "," or "…"
("..."), or the whole run of words; each blank is matched with `match_text`. A comma
between digits is a decimal comma, not a separator: use ";" between numbers.

Typed answers are matched by `quizapp.study.matching` (numbers as numbers, typos, look-alike
medical words).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.decks.cloze import answers_for
from quizapp.decks.occlusion import group_label
from quizapp.model import Card, CardType, Rating
from quizapp.study.matching import match_text
from quizapp.study.presentation import Order

if TYPE_CHECKING:
    from quizapp.store.items import StudyItem

__all__ = [
    "GradeResult",
    "NotAnAnswer",
    "Response",
    "grade",
    "grade_cloze",
    "grade_mcq",
    "grade_occlusion",
    "grade_typed",
    "letters",
    "parse_choice_input",
    "self_graded",
]

MAX_CHOICES = 10


@dataclass(frozen=True, slots=True)
class GradeResult:
    correct: bool | None  # None: self-graded (basic card, revealed cloze)
    suggested: Rating  # AGAIN if wrong, GOOD if right or self-graded
    response: str  # for the review log: mcq "A,C"; typed text as typed; "" when revealed
    expected: str  # the correct answer shown to the learner
    feedback: str = ""  # short extra note
    partial: float | None = None  # mcq multi: fraction of options decided correctly


def _result(
    ok: bool, response: str, expected: str, feedback: str = "", partial: float | None = None
) -> GradeResult:
    return GradeResult(
        correct=ok,
        suggested=Rating.GOOD if ok else Rating.AGAIN,
        response=response,
        expected=expected,
        feedback=feedback,
        partial=partial,
    )


def self_graded(expected: str) -> GradeResult:
    """A card the learner grades themselves (basic card, cloze revealed without typing)."""
    return GradeResult(correct=None, suggested=Rating.GOOD, response="", expected=expected)


# ---------------------------------------------------------------------------
# Multiple choice


def letters(n: int) -> list[str]:
    """The option letters of an mcq with `n` choices: "A", "B", … (at most 10: "J")."""
    if not 0 <= n <= MAX_CHOICES:
        raise ValueError(f"an mcq has at most {MAX_CHOICES} choices, not {n}")
    return list(string.ascii_uppercase[:n])


def parse_choice_input(text: str, n_choices: int) -> list[int] | None:
    """Chosen options as sorted unique 0-based indexes, or None when `text` is not a choice.

    Letters ("a", "B", "ac", "a,c", "a and c") or 1-based numbers ("1", "1 3", "10").
    """
    picked: set[int] = set()
    for token in re.findall(r"[^\W_]+", text.casefold()):
        if re.fullmatch(r"[0-9]+", token):
            picked.add(int(token) - 1)
        elif token == "and":
            continue
        elif re.fullmatch(r"[a-z]+", token):
            picked.update(ord(ch) - ord("a") for ch in token)
        else:
            return None
    if not picked or not all(0 <= i < n_choices for i in picked):
        return None
    return sorted(picked)


def grade_mcq(card: Card, selected: Iterable[int], order: Order | None = None) -> GradeResult:
    """Right iff the chosen options (the card's indexes) are exactly the correct ones.

    `order` is how the options were shown: the expected answer names them by the letters
    the learner saw. The logged response names the card's own options (letters in the
    card's order), whatever order they were shown in; the order is stored beside it."""
    if card.type != CardType.MCQ or not card.choices:
        raise ValueError(f"card {card.id!r} is not a multiple-choice card")
    n = len(card.choices)
    shown = order or Order.identity(n)
    chosen = sorted(set(selected))
    if any(not 0 <= i < n for i in chosen):
        raise ValueError(f"option index out of range for {n} choices: {chosen}")
    marks = letters(n)
    right = [i for i, c in enumerate(card.choices) if c.correct]
    response = ",".join(marks[i] for i in chosen)
    expected = "; ".join(
        f"{marks[d]}. {card.choices[shown.shown[d]].text}" for d in shown.to_display(right)
    )
    ok = chosen == right
    if not chosen:
        return _result(False, response, expected, "no option chosen")
    if not card.multiple:
        return _result(
            ok, response, expected, "" if ok or len(chosen) == 1 else "choose one option"
        )
    hits = len(set(chosen) & set(right))
    extra = len(set(chosen) - set(right))
    decided = sum(1 for i, c in enumerate(card.choices) if (i in chosen) == c.correct)
    notes = []
    if not ok:
        notes.append(f"{hits} of {len(right)} correct options chosen")
        if extra:
            notes.append(f"{extra} wrong option{'s' if extra > 1 else ''} chosen")
    return _result(ok, response, expected, ", ".join(notes), partial=decided / n)


# ---------------------------------------------------------------------------
# Typed answers and typed cloze


def grade_typed(card: Card, text: str) -> GradeResult:
    """A typed answer checked against `card.answer` and every `card.accept`."""
    response = text.strip()
    expected = card.answer
    candidates = [a for a in (card.answer, *card.accept) if a.strip()]
    if not candidates:
        raise ValueError(f"card {card.id!r} has no answer to check against")
    outcomes = [match_text(text, c) for c in candidates]
    exact = [fb for ok, fb in outcomes if ok and not fb]
    if exact:
        return _result(True, response, expected)
    tolerated = [fb for ok, fb in outcomes if ok]
    if tolerated:
        return _result(True, response, expected, tolerated[0])
    return _result(False, response, expected, outcomes[0][1])


_CLOZE_SPLITS = (
    re.compile(r"\s*(?:;|…|\.\.\.|(?<!\d),|,(?!\d))\s*"),
    re.compile(r"\s*;\s*"),
    re.compile(r"\s*(?:…|\.\.\.)\s*"),
)


def grade_cloze(card: Card, ord: int, text: str) -> GradeResult:
    """A typed cloze answer for deletion `ord` (all blanks of that number, in order)."""
    answers = answers_for(card.text, ord)
    if not answers:
        raise ValueError(f"card {card.id!r} has no cloze deletion c{ord}")
    response = text.strip()
    expected = " … ".join(answers)
    if not response:
        return _result(False, response, expected, "no answer given")
    if len(answers) == 1:
        others = dict(card.cloze_accept).get(ord, ())
        outcomes = [match_text(text, a) for a in (answers[0], *others)]
        exact = [fb for ok, fb in outcomes if ok and not fb]
        tolerated = [fb for ok, fb in outcomes if ok]
        if exact or tolerated:
            return _result(True, response, expected, "" if exact else tolerated[0])
        return _result(False, response, expected, outcomes[0][1])
    best_right = -1
    for splitter in _CLOZE_SPLITS:
        parts = [p for p in splitter.split(response) if p.strip()]
        if len(parts) != len(answers):
            continue
        results = [match_text(p, a) for p, a in zip(parts, answers, strict=True)]
        right = sum(ok for ok, _ in results)
        if right == len(answers):
            notes = [f"blank {i}: {fb}" for i, (_, fb) in enumerate(results, 1) if fb]
            return _result(True, response, expected, "; ".join(notes))
        best_right = max(best_right, right)
    ok, note = match_text(response, " ".join(answers))
    if ok:
        return _result(True, response, expected, note)
    for other in dict(card.cloze_accept).get(ord, ()):
        ok, note = match_text(response, other)
        if ok:
            return _result(True, response, expected, note)
    if best_right >= 0:
        note = f"{best_right} of {len(answers)} blanks right"
    else:
        note = f"{len(answers)} blanks: type the answers in order, separated by ';'"
    return _result(False, response, expected, note)


# ---------------------------------------------------------------------------
# The one dispatcher

#: What a learner gave: the chosen option indexes of an mcq (0-based, in the card's
#: order) or its letters as typed; typed text; None for "show me the answer".
Response = str | Sequence[int] | None


class NotAnAnswer(ValueError):
    """The response cannot be graded (an mcq answered with no valid option); the message
    says what to type instead. Front ends ask again."""


def grade(item: StudyItem, response: Response, order: Order | None = None) -> GradeResult:
    """Grade one response to one study item — the single entry point of the TUI, plain
    study and quiz blocks.

    * mcq: option indexes or typed letters ("a", "a,c") as SHOWN (in `order`, the
      presentation's option order; the card's own order when None); anything else is
      `NotAnAnswer`;
    * typed: the text (None or blank is a wrong answer);
    * cloze: the text of the blanks, or None / blank to reveal (self-graded);
    * occlusion: the label of the item's shape group typed, or None / blank to reveal it
      (self-graded);
    * basic: always revealed and self-graded.
    """
    card = item.card
    if card.type == CardType.MCQ:
        n = len(card.choices)
        if response is None or isinstance(response, str):
            picked = parse_choice_input(response or "", n)
            if not picked:
                last = letters(n)[-1]
                raise NotAnAnswer(f"answer with a letter from A to {last} (several: a,c)")
        else:
            picked = sorted({int(i) for i in response})
            if not picked or any(not 0 <= i < n for i in picked):
                raise NotAnAnswer(f"choose at least one option from 1 to {n}")
        shown = order if order is not None and len(order.shown) == n else Order.identity(n)
        return grade_mcq(card, shown.to_card(picked), shown)
    if card.type == CardType.TYPED:
        return grade_typed(card, response if isinstance(response, str) else "")
    if card.type == CardType.CLOZE:
        if isinstance(response, str) and response.strip():
            return grade_cloze(card, item.ord, response)
        return self_graded(" … ".join(answers_for(card.text, item.ord)))
    if card.type == CardType.OCCLUSION:
        return grade_occlusion(card, item.ord, response if isinstance(response, str) else None)
    return self_graded(card.answer)


def grade_occlusion(card: Card, ord: int, text: str | None) -> GradeResult:
    """Occlusion group `ord`: None / blank reveals its label (self-graded); text is matched
    against the label with `match_text` (a group of several labels: any one of them, or
    all of them joined by ";")."""
    label = group_label(card.shapes, ord)
    if not label:
        raise ValueError(f"card {card.id!r} has no occlusion group {ord}")
    if text is None or not text.strip():
        return self_graded(label)
    singles = [s.label for s in card.shapes if s.group == ord and s.label.strip()]
    outcomes = [match_text(text, c) for c in dict.fromkeys([label, *singles])]
    for want_exact in (True, False):
        for ok, fb in outcomes:
            if ok and (not fb or not want_exact):
                return _result(True, text.strip(), label, fb)
    return _result(False, text.strip(), label, outcomes[0][1])
