"""Question pools: which questions of a scope a new block may ask, and which it does.

A pool is judged per study item from the learner's quiz history: *unused* (never answered
in a quiz), *incorrect* (the latest quiz answer was wrong), *flagged* (flagged in its
latest quiz row or on its study state) or *all*. A block asks each card at most once:
a cloze card counts once however many deletions it has, and the deletion asked is drawn
at random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from quizapp.quiz.questions import QUIZ_TYPES, QuizError
from quizapp.store.db import Database
from quizapp.store.queries import quiz as queries
from quizapp.store.scope import Scope

Pool = Literal["unused", "incorrect", "flagged", "all"]

POOLS: tuple[Pool, ...] = ("unused", "incorrect", "flagged", "all")

POOL_LABELS: dict[str, str] = {
    "unused": "unused (never answered in a quiz)",
    "incorrect": "incorrect (last quiz answer wrong)",
    "flagged": "flagged",
    "all": "all",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    card_pk: int
    deck_id: str
    card_id: str
    ord: int


@dataclass(frozen=True, slots=True)
class History:
    """What the learner's quiz history says of each item (card_pk sets)."""

    answered: set[int]  # answered in a quiz
    wrong: set[int]  # … whose latest quiz answer was wrong
    flagged: set[int]  # flagged now

    def in_pool(self, pool: str, pk: int) -> bool:
        if pool == "unused":
            return pk not in self.answered
        if pool == "incorrect":
            return pk in self.wrong
        if pool == "flagged":
            return pk in self.flagged
        return True


def candidates(db: Database, scope: Scope) -> list[Candidate]:
    """The quiz questions of ``scope`` (mcq, typed and cloze items), in deck order."""
    return [Candidate(*r) for r in queries.candidates(db, scope, (str(t) for t in QUIZ_TYPES))]


def history(db: Database, learner_id: int) -> History:
    answered: set[int] = set()
    wrong: set[int] = set()
    for pk, correct in queries.latest_answers(db, learner_id):
        answered.add(pk)
        if not correct:
            wrong.add(pk)
    return History(answered, wrong, queries.flagged(db, learner_id))


def counts(cands: list[Candidate], hist: History) -> dict[str, int]:
    """Questions each pool can give (one per card)."""
    return {
        pool: len({(c.deck_id, c.card_id) for c in cands if hist.in_pool(pool, c.card_pk)})
        for pool in POOLS
    }


def pool_counts(db: Database, scope: Scope, learner_id: int) -> dict[str, int]:
    """How many questions each pool can give in ``scope``."""
    return counts(candidates(db, scope), history(db, learner_id))


def draw(
    db: Database,
    learner_id: int,
    scope: Scope,
    pool: str,
    n: int,
    *,
    rng_seed: int | None,
    shuffle: bool,
) -> list[Candidate]:
    """Up to ``n`` questions of ``pool``, one per card: shuffled, or in deck order when
    not ``shuffle``. QuizError when the pool is empty, naming the pools that are not."""
    cands = candidates(db, scope)
    hist = history(db, learner_id)
    chosen = [c for c in cands if hist.in_pool(pool, c.card_pk)]
    if not chosen:
        raise QuizError(_empty_pool_message(pool, cands, hist))
    rng = random.Random(rng_seed)
    order = list(chosen)
    rng.shuffle(order)  # also picks which cloze deletion of a card is asked
    seen: set[tuple[str, str]] = set()
    picked: list[Candidate] = []
    for c in order:
        if (c.deck_id, c.card_id) not in seen:
            seen.add((c.deck_id, c.card_id))
            picked.append(c)
    if not shuffle:
        rank = {c.card_pk: i for i, c in enumerate(chosen)}
        picked.sort(key=lambda c: rank[c.card_pk])
    return picked[:n]


def _empty_pool_message(pool: str, cands: list[Candidate], hist: History) -> str:
    if not cands:
        return (
            "no quiz questions in these decks/tags: quizzes ask mcq, typed and cloze "
            "cards (basic cards are left out)"
        )
    n = counts(cands, hist)
    others = ", ".join(f"{p} ({n[p]})" for p in POOLS if p != pool and n[p])
    return f"the {POOL_LABELS[pool]} pool has no questions here; pools with questions: {others}"
