"""Question pools: which questions of a scope a new block may ask, and which it does.

A pool is judged per study item from the learner's quiz history: *unused* (never answered
in a quiz), *incorrect* (the latest quiz answer was wrong), *flagged* (flagged in its
latest quiz row or on its study state) or *all*. A block asks each card at most once:
a cloze card counts once however many deletions it has, and the deletion asked is drawn
at random. It also asks one card per fact (`cards.fact`, see quizapp.decks.facts) while
the pool has enough distinct facts; when it has fewer facts than questions asked for,
the block is still filled, some questions sharing a fact, and `Drawn.facts` says so.
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
    fact: str = ""  # the fact key (`#` + card id when the row has none)


@dataclass(frozen=True, slots=True)
class Drawn:
    """The questions drawn, and how many distinct facts the pool had."""

    picked: list[Candidate]
    facts: int

    @property
    def shares_facts(self) -> bool:
        """True when some questions of the block test the same fact (too few facts)."""
        return len({(c.deck_id, c.fact) for c in self.picked}) < len(self.picked)


def fact_note(facts: int) -> str:
    """The message for a block whose pool had fewer distinct facts than questions."""
    return (
        f"only {facts} distinct fact{'s' if facts != 1 else ''} in this pool: "
        "some questions share a fact"
    )


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
) -> Drawn:
    """Up to ``n`` questions of ``pool``, one per card and, while the pool has enough
    distinct facts, one per fact: shuffled, or in deck order when not ``shuffle``.
    QuizError when the pool is empty, naming the pools that are not."""
    cands = candidates(db, scope)
    hist = history(db, learner_id)
    chosen = [c for c in cands if hist.in_pool(pool, c.card_pk)]
    if not chosen:
        raise QuizError(_empty_pool_message(pool, cands, hist))
    rng = random.Random(rng_seed)
    order = list(chosen)
    rng.shuffle(order)  # also picks which cloze deletion of a card is asked
    seen: set[tuple[str, str]] = set()
    per_card: list[Candidate] = []
    for c in order:
        if (c.deck_id, c.card_id) not in seen:
            seen.add((c.deck_id, c.card_id))
            per_card.append(c)
    if not shuffle:
        rank = {c.card_pk: i for i, c in enumerate(chosen)}
        per_card.sort(key=lambda c: rank[c.card_pk])
    # One card per fact first (in the order above), then, if the block is not full, the
    # other cards of those facts.
    facts: set[tuple[str, str]] = set()
    first: list[Candidate] = []
    rest: list[Candidate] = []
    for c in per_card:
        key = (c.deck_id, c.fact)
        (rest if key in facts else first).append(c)
        facts.add(key)
    picked = first[:n]
    if len(picked) < n and rest:
        keep = set(map(id, picked)) | set(map(id, rest[: n - len(picked)]))
        picked = [c for c in per_card if id(c) in keep]
    return Drawn(picked, len(facts))


def _empty_pool_message(pool: str, cands: list[Candidate], hist: History) -> str:
    if not cands:
        return (
            "no quiz questions in these decks/tags: quizzes ask mcq, typed and cloze "
            "cards (basic cards are left out)"
        )
    n = counts(cands, hist)
    others = ", ".join(f"{p} ({n[p]})" for p in POOLS if p != pool and n[p])
    return f"the {POOL_LABELS[pool]} pool has no questions here; pools with questions: {others}"
