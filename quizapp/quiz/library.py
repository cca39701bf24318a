"""A learner's quiz blocks: build a new one from a pool, load a saved one, list them."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.clock import Clock, system_clock
from quizapp.model import CardType
from quizapp.quiz import pools
from quizapp.quiz.blocks import DEFAULT_SECONDS_PER_QUESTION, MODES, Mode, QuizBlock, clock_ms
from quizapp.quiz.pools import POOLS, Pool
from quizapp.quiz.questions import Question, QuizError
from quizapp.store.db import Database
from quizapp.store.items import load_items
from quizapp.store.learners import Learner
from quizapp.store.queries import quiz as queries
from quizapp.store.scope import Scope
from quizapp.study.presentation import draw_order, order_from_json


def pool_counts(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Iterable[str] | None = None,
    tags: Iterable[str] = (),
) -> dict[str, int]:
    """How many questions each pool can give in this scope (one per card: cloze cards
    count once however many deletions they have)."""
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    return pools.pool_counts(db, scope, learner.id)


# ---------------------------------------------------------------------------
# Building


def build_block(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Iterable[str] | None = None,
    tags: Iterable[str] = (),
    n: int = 20,
    pool: Pool = "unused",
    mode: Mode = "tutor",
    seconds_per_question: int = DEFAULT_SECONDS_PER_QUESTION,
    clock: Clock = system_clock,
    rng_seed: int | None = None,
    shuffle: bool = True,
) -> QuizBlock:
    """Draw up to `n` questions from `pool` and save the new block (status active).

    `deck_ids` None means every active deck. With `shuffle` False the questions keep
    deck order (the cloze deletion asked is still drawn at random). Either way each mcq
    question's options get an order of their own, drawn now and saved with the question
    (from `rng_seed` when given, so a seeded block is reproducible). One card per fact
    while the pool has enough facts; else the block is filled anyway and `fact_note`
    says so. Raises QuizError when the pool is empty, naming the pools that do have
    questions.
    """
    if pool not in POOLS:
        raise QuizError(f"unknown pool {pool!r}; use one of {', '.join(POOLS)}")
    if mode not in MODES:
        raise QuizError(f"unknown mode {mode!r}; use tutor or timed")
    if n < 1:
        raise QuizError("a block needs at least 1 question")
    if seconds_per_question < 1:
        raise QuizError("seconds per question must be at least 1")
    deck_tuple = tuple(deck_ids) if deck_ids is not None else None
    tag_tuple = tuple(tags)
    scope = Scope(deck_tuple, tag_tuple)
    drawn = pools.draw(db, learner.id, scope, pool, n, rng_seed=rng_seed, shuffle=shuffle)
    picked = drawn.picked
    now_ms = clock_ms(clock)
    limit = len(picked) * seconds_per_question * 1000 if mode == "timed" else None
    saved_scope = {
        "decks": list(deck_tuple) if deck_tuple is not None else None,
        "tags": list(tag_tuple),
        "pool": pool,
        "requested": n,
        "seconds_per_question": seconds_per_question,
        "seed": rng_seed,
        "shuffle": shuffle,
    }
    if drawn.shares_facts:
        saved_scope["shared_facts"] = drawn.facts
    carried = queries.quiz_flags(db, learner.id)
    salt = rng_seed if rng_seed is not None else random.SystemRandom().getrandbits(64)
    items = {it.card_pk: it for it in load_items(db, [c.card_pk for c in picked])}
    shown: list[str | None] = []  # each question's option order (mcq only)
    for position, c in enumerate(picked, start=1):
        item = items.get(c.card_pk)
        if item is None or item.card.type != CardType.MCQ:
            shown.append(None)
            continue
        order = draw_order(item.card, "quiz", learner.id, now_ms, salt, position)
        shown.append(order.to_json())
    block_id = queries.add_block(
        db,
        learner.id,
        created_at=now_ms,
        mode=mode,
        time_limit_ms=limit,
        scope=saved_scope,
        questions=[
            (c.card_pk, c.card_pk in carried, s) for c, s in zip(picked, shown, strict=True)
        ],
    )
    return load_block(db, block_id, clock=clock)


def fact_note(block: QuizBlock) -> str:
    """ "only 12 distinct facts in this pool: some questions share a fact" when the block
    was drawn from a pool with fewer distinct facts than its questions, else ""."""
    facts = block.scope.get("shared_facts")
    return pools.fact_note(int(facts)) if isinstance(facts, int) else ""


# ---------------------------------------------------------------------------
# Loading


def load_block(db: Database, block_id: int, *, clock: Clock = system_clock) -> QuizBlock:
    """A saved block. An active block starts counting time from now; a paused one waits
    for `resume()`."""
    row = queries.block_row(db, block_id)
    if row is None:
        raise QuizError(f"no quiz block {block_id}")
    rows = queries.question_rows(db, block_id)
    items = {it.card_pk: it for it in load_items(db, [r[1] for r in rows])}
    questions: list[Question] = []
    for position, pk, response, correct, flagged, time_ms, answered_at, shown in rows:
        item = items.get(pk)
        if item is None:  # the card's row vanished: cannot happen with foreign keys on
            raise QuizError(f"quiz block {block_id}: question {position} has no card")
        questions.append(
            Question(
                position=position,
                item=item,
                response=response,
                correct=None if correct is None else bool(correct),
                flagged=bool(flagged),
                time_ms=int(time_ms),
                answered_at=answered_at,
                order=order_from_json(shown, len(item.card.choices)),
            )
        )
    block = QuizBlock(
        db=db,
        id=int(row[0]),
        learner_id=int(row[1]),
        created_at=int(row[2]),
        mode=row[3],
        time_limit_ms=row[4],
        elapsed_ms=int(row[5]),
        status=row[6],
        scope=row[7],
        current=int(row[8]) if 1 <= int(row[8]) <= len(questions) else 1,
        submitted_at=row[9],
        clock=clock,
        _questions=questions,
    )
    if block.status == "active":
        block._since = clock_ms(clock)
    return block


def load_active_block(
    db: Database, learner: Learner, *, clock: Clock = system_clock
) -> QuizBlock | None:
    """The learner's most recent unfinished (active or paused) block, or None."""
    block_id = queries.unfinished_block(db, learner.id)
    return load_block(db, block_id, clock=clock) if block_id is not None else None


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """One line of a learner's block history."""

    id: int
    created_at: int
    mode: str
    status: str
    questions: int
    answered: int
    correct: int
    time_limit_ms: int | None
    elapsed_ms: int
    submitted_at: int | None


def list_blocks(db: Database, learner_id: int) -> list[BlockInfo]:
    """Every block of the learner, newest first."""
    return [BlockInfo(*r) for r in queries.block_summaries(db, learner_id)]
