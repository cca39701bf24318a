"""Quiz blocks: question-bank sessions over the same decks, saved as they happen.

A *block* is a fixed list of questions (mcq, typed and cloze study items; basic cards
are never asked) drawn from a pool, answered in *tutor* mode (feedback after each
question, no time limit) or *timed* mode (a limit for the whole block, feedback only
after submitting). Positions are 1-based question numbers.

Every operation on a `QuizBlock` is one write transaction, committed before it
returns. Time is measured with the injected clock: the block's ``elapsed_ms`` and the
current question's ``time_ms`` are brought up to date (a *checkpoint*) on every
operation, so quitting mid-block loses at most the seconds since the last one; a UI
that idles on a question may call `checkpoint()` on a timer. Time while the block is
paused, or while no program has it open, does not count.

Quiz answers live in ``quiz_answers``, apart from the spaced-repetition ``reviews``:
they never reschedule cards unless the learner's setting ``quiz_counts_as_review`` is
on, in which case `submit()` records every answered question as a review (wrong →
Again, right → Good).

Flags belong to the question, not to one block: a question flagged in an earlier
block comes back flagged in the next block that asks it, until it is unflagged.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlite_utils import Database

from quizapp.clock import Clock, dt_to_ms, ms_to_dt, system_clock
from quizapp.decks import cloze
from quizapp.model import CardType, Rating
from quizapp.store.db import transaction
from quizapp.store.items import StudyItem, load_items
from quizapp.store.learners import Learner, get_learner_by_id
from quizapp.store.scope import Scope
from quizapp.study import grading
from quizapp.study.grading import GradeResult
from quizapp.study.session import session_for

Pool = Literal["unused", "incorrect", "flagged", "all"]
Mode = Literal["tutor", "timed"]

POOLS: tuple[Pool, ...] = ("unused", "incorrect", "flagged", "all")
MODES: tuple[Mode, ...] = ("tutor", "timed")
QUIZ_TYPES: tuple[CardType, ...] = (CardType.MCQ, CardType.TYPED, CardType.CLOZE)
SETTING_COUNTS_AS_REVIEW = "quiz_counts_as_review"
DEFAULT_SECONDS_PER_QUESTION = 90

POOL_LABELS: dict[str, str] = {
    "unused": "unused (never answered in a quiz)",
    "incorrect": "incorrect (last quiz answer wrong)",
    "flagged": "flagged",
    "all": "all",
}


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
        """(letter, text) of each mcq option; empty for other types."""
        card = self.item.card
        if self.type != CardType.MCQ:
            return []
        letters = grading.letters(len(card.choices))
        return list(zip(letters, (c.text for c in card.choices), strict=True))

    @property
    def multiple(self) -> bool:
        return self.item.card.multiple

    def chosen_indexes(self) -> list[int]:
        """The mcq options chosen (0-based), from the stored response."""
        if self.type != CardType.MCQ or not self.response:
            return []
        return grading.parse_choice_input(self.response, len(self.item.card.choices)) or []


def grade(item: StudyItem, response: str | Sequence[int]) -> GradeResult:
    """Grade a quiz answer with `quizapp.study.grading.grade`; QuizError when it is not
    an answer (a quiz never reveals: a blank typed answer is no answer yet)."""
    card = item.card
    if card.type not in QUIZ_TYPES:
        raise QuizError(f"{card.type.value} cards are not asked in quizzes")
    if card.type != CardType.MCQ:
        if not isinstance(response, str):
            raise QuizError(f"a {card.type.value} question takes a typed answer")
        if not response.strip():
            raise QuizError("no answer given (type an answer, or move on with :n)")
    try:
        return grading.grade(item, response)
    except grading.NotAnAnswer as e:
        raise QuizError(str(e)) from None


def _ms(clock: Clock, now: datetime | None = None) -> int:
    return dt_to_ms(now if now is not None else clock()) or 0


# ---------------------------------------------------------------------------
# Pools


@dataclass(frozen=True, slots=True)
class _Candidate:
    card_pk: int
    deck_id: str
    card_id: str
    ord: int


def _candidates(db: Database, scope: Scope) -> list[_Candidate]:
    where, params = scope.sql("c")
    marks = ", ".join("?" for _ in QUIZ_TYPES)
    rows = db.conn.execute(
        f"""SELECT c.id, c.deck_id, c.card_id, c.ord FROM cards c
            WHERE {where} AND c.type IN ({marks})
            ORDER BY c.deck_id, c.position, c.ord""",
        [*params, *(str(t) for t in QUIZ_TYPES)],
    ).fetchall()
    return [_Candidate(*r) for r in rows]


def _history(db: Database, learner_id: int) -> tuple[set[int], set[int], set[int]]:
    """(answered in a quiz, last quiz answer wrong, flagged now) card_pk sets."""
    answered: set[int] = set()
    wrong: set[int] = set()
    for pk, correct in db.conn.execute(
        """SELECT card_pk, correct FROM (
             SELECT card_pk, correct, row_number() OVER (
               PARTITION BY card_pk ORDER BY answered_at DESC, block_id DESC, position DESC
             ) AS rn
             FROM quiz_answers WHERE learner_id = ? AND response IS NOT NULL)
           WHERE rn = 1""",
        [learner_id],
    ):
        answered.add(pk)
        if not correct:
            wrong.add(pk)
    flagged = {
        pk
        for (pk,) in db.conn.execute(
            """SELECT card_pk FROM (
                 SELECT card_pk, flagged, row_number() OVER (
                   PARTITION BY card_pk ORDER BY block_id DESC, position DESC) AS rn
                 FROM quiz_answers WHERE learner_id = ?)
               WHERE rn = 1 AND flagged = 1
               UNION
               SELECT card_pk FROM card_state WHERE learner_id = ? AND flagged = 1""",
            [learner_id, learner_id],
        )
    }
    return answered, wrong, flagged


def _in_pool(pool: str, pk: int, hist: tuple[set[int], set[int], set[int]]) -> bool:
    answered, wrong, flagged = hist
    if pool == "unused":
        return pk not in answered
    if pool == "incorrect":
        return pk in wrong
    if pool == "flagged":
        return pk in flagged
    return True


def _quiz_flags(db: Database, learner_id: int) -> set[int]:
    """Questions whose latest quiz row is flagged (flags carry over to the next block)."""
    return {
        pk
        for (pk,) in db.conn.execute(
            """SELECT card_pk FROM (
                 SELECT card_pk, flagged, row_number() OVER (
                   PARTITION BY card_pk ORDER BY block_id DESC, position DESC) AS rn
                 FROM quiz_answers WHERE learner_id = ?)
               WHERE rn = 1 AND flagged = 1""",
            [learner_id],
        )
    }


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
    cands = _candidates(db, scope)
    hist = _history(db, learner.id)
    return {
        pool: len({(c.deck_id, c.card_id) for c in cands if _in_pool(pool, c.card_pk, hist)})
        for pool in POOLS
    }


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
    deck order (the cloze deletion asked is still drawn at random). Raises QuizError
    when the pool is empty, naming the pools that do have questions.
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
    cands = _candidates(db, scope)
    hist = _history(db, learner.id)
    chosen = [c for c in cands if _in_pool(pool, c.card_pk, hist)]
    if not chosen:
        raise QuizError(_empty_pool_message(pool, cands, hist))
    rng = random.Random(rng_seed)
    order = list(chosen)
    rng.shuffle(order)  # also picks which cloze deletion of a card is asked
    seen: set[tuple[str, str]] = set()
    picked: list[_Candidate] = []
    for c in order:
        if (c.deck_id, c.card_id) not in seen:
            seen.add((c.deck_id, c.card_id))
            picked.append(c)
    if not shuffle:
        rank = {c.card_pk: i for i, c in enumerate(chosen)}
        picked.sort(key=lambda c: rank[c.card_pk])
    picked = picked[:n]
    now_ms = _ms(clock)
    limit = len(picked) * seconds_per_question * 1000 if mode == "timed" else None
    scope_json = json.dumps(
        {
            "decks": list(deck_tuple) if deck_tuple is not None else None,
            "tags": list(tag_tuple),
            "pool": pool,
            "requested": n,
            "seconds_per_question": seconds_per_question,
            "seed": rng_seed,
            "shuffle": shuffle,
        }
    )
    carried = _quiz_flags(db, learner.id)
    with transaction(db.conn):
        cur = db.conn.execute(
            """INSERT INTO quiz_blocks (learner_id, created_at, mode, time_limit_ms,
                   elapsed_ms, status, scope, current)
               VALUES (?, ?, ?, ?, 0, 'active', ?, 1)""",
            [learner.id, now_ms, mode, limit, scope_json],
        )
        block_id = int(cur.lastrowid or 0)
        db.conn.executemany(
            """INSERT INTO quiz_answers (block_id, position, card_pk, learner_id, flagged)
               VALUES (?, ?, ?, ?, ?)""",
            [
                (block_id, i, c.card_pk, learner.id, int(c.card_pk in carried))
                for i, c in enumerate(picked, start=1)
            ],
        )
    return load_block(db, block_id, clock=clock)


def _empty_pool_message(
    pool: str, cands: list[_Candidate], hist: tuple[set[int], set[int], set[int]]
) -> str:
    if not cands:
        return (
            "no quiz questions in these decks/tags: quizzes ask mcq, typed and cloze "
            "cards (basic cards are left out)"
        )
    counts = {
        p: len({(c.deck_id, c.card_id) for c in cands if _in_pool(p, c.card_pk, hist)})
        for p in POOLS
    }
    others = ", ".join(f"{p} ({counts[p]})" for p in POOLS if p != pool and counts[p])
    return f"the {POOL_LABELS[pool]} pool has no questions here; pools with questions: {others}"


# ---------------------------------------------------------------------------
# Loading


def load_block(db: Database, block_id: int, *, clock: Clock = system_clock) -> QuizBlock:
    """A saved block. An active block starts counting time from now; a paused one waits
    for `resume()`."""
    row = db.conn.execute(
        """SELECT id, learner_id, created_at, mode, time_limit_ms, elapsed_ms, status, scope,
                  current, submitted_at FROM quiz_blocks WHERE id = ?""",
        [block_id],
    ).fetchone()
    if row is None:
        raise QuizError(f"no quiz block {block_id}")
    rows = db.conn.execute(
        """SELECT position, card_pk, response, correct, flagged, time_ms, answered_at
           FROM quiz_answers WHERE block_id = ? ORDER BY position""",
        [block_id],
    ).fetchall()
    items = {it.card_pk: it for it in load_items(db, [r[1] for r in rows])}
    questions: list[Question] = []
    for position, pk, response, correct, flagged, time_ms, answered_at in rows:
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
        scope=json.loads(row[7] or "{}"),
        current=int(row[8]) if 1 <= int(row[8]) <= len(questions) else 1,
        submitted_at=row[9],
        clock=clock,
        _questions=questions,
    )
    if block.status == "active":
        block._since = _ms(clock)
    return block


def load_active_block(
    db: Database, learner: Learner, *, clock: Clock = system_clock
) -> QuizBlock | None:
    """The learner's most recent unfinished (active or paused) block, or None."""
    row = db.conn.execute(
        """SELECT id FROM quiz_blocks WHERE learner_id = ? AND status IN ('active', 'paused')
           ORDER BY created_at DESC, id DESC LIMIT 1""",
        [learner.id],
    ).fetchone()
    return load_block(db, int(row[0]), clock=clock) if row else None


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
    rows = db.conn.execute(
        """SELECT b.id, b.created_at, b.mode, b.status, count(a.position),
                  coalesce(sum(a.response IS NOT NULL), 0), coalesce(sum(a.correct = 1), 0),
                  b.time_limit_ms, b.elapsed_ms, b.submitted_at
           FROM quiz_blocks b LEFT JOIN quiz_answers a ON a.block_id = b.id
           WHERE b.learner_id = ? GROUP BY b.id ORDER BY b.created_at DESC, b.id DESC""",
        [learner_id],
    ).fetchall()
    return [BlockInfo(*r) for r in rows]


# ---------------------------------------------------------------------------
# The block


@dataclass(slots=True)
class QuizBlock:
    """A saved block and everything a UI does with it. Build with `build_block` or load
    with `load_block` / `load_active_block`; do not construct directly."""

    db: Database
    id: int
    learner_id: int
    created_at: int
    mode: str  # 'tutor' | 'timed'
    time_limit_ms: int | None
    elapsed_ms: int
    status: str  # 'active' | 'paused' | 'submitted'
    scope: dict[str, Any]
    current: int
    submitted_at: int | None
    clock: Clock = system_clock
    _questions: list[Question] = field(default_factory=list)
    _since: int | None = None  # clock ms when time last started counting (None: stopped)

    # -- state -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._questions)

    @property
    def timed(self) -> bool:
        return self.time_limit_ms is not None

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def feedback_visible(self) -> bool:
        """Whether grades may be shown now: tutor mode, or after submitting."""
        return self.mode == "tutor" or self.submitted

    @property
    def pool(self) -> str:
        return str(self.scope.get("pool", ""))

    def question(self, position: int | None = None) -> Question:
        """The question at `position` (default: the current one)."""
        return self._questions[self._index(self.current if position is None else position)]

    def all_questions(self) -> list[Question]:
        return list(self._questions)

    def questions(self) -> list[NavEntry]:
        """The navigator: (position, answered, flagged, correct if visible) per question."""
        show = self.feedback_visible
        return [
            NavEntry(q.position, q.answered, q.flagged, q.correct if show and q.answered else None)
            for q in self._questions
        ]

    def unanswered(self) -> list[int]:
        return [q.position for q in self._questions if not q.answered]

    def answered_count(self) -> int:
        return sum(1 for q in self._questions if q.answered)

    def result(self, position: int | None = None) -> GradeResult | None:
        """The grade of a stored answer, or None if unanswered or feedback is hidden."""
        q = self.question(position)
        if q.response is None or not self.feedback_visible:
            return None
        return grade(q.item, q.response)

    def _index(self, position: int) -> int:
        if not 1 <= position <= len(self._questions):
            raise QuizError(f"no question {position}: this block has 1 to {len(self._questions)}")
        return position - 1

    # -- time ------------------------------------------------------------------------

    def _running_ms(self, now_ms: int) -> int:
        if self._since is None or self.status != "active":
            return 0
        delta = max(0, now_ms - self._since)
        if self.time_limit_ms is not None:
            delta = min(delta, max(0, self.time_limit_ms - self.elapsed_ms))
        return delta

    def elapsed(self, now: datetime | None = None) -> int:
        """Milliseconds spent in the block so far, including the running stretch."""
        return self.elapsed_ms + self._running_ms(_ms(self.clock, now))

    def remaining_ms(self, now: datetime | None = None) -> int | None:
        """Time left in a timed block (never below 0); None for an untimed block."""
        if self.time_limit_ms is None:
            return None
        return max(0, self.time_limit_ms - self.elapsed(now))

    def _advance(self, now_ms: int) -> int:
        """Fold the running stretch into elapsed_ms and the current question (in memory)."""
        delta = self._running_ms(now_ms)
        self.elapsed_ms += delta
        self._questions[self.current - 1].time_ms += delta
        if self._since is not None:
            self._since = now_ms
        return delta

    def _save_time(self) -> None:
        """Write elapsed, current, status and the current question's time (in a transaction)."""
        self.db.conn.execute(
            "UPDATE quiz_blocks SET elapsed_ms = ?, current = ?, status = ? WHERE id = ?",
            [self.elapsed_ms, self.current, self.status, self.id],
        )
        q = self._questions[self.current - 1]
        self.db.conn.execute(
            "UPDATE quiz_answers SET time_ms = ? WHERE block_id = ? AND position = ?",
            [q.time_ms, self.id, q.position],
        )

    def checkpoint(self, now: datetime | None = None) -> None:
        """Save the time spent so far (a UI may call this every few seconds)."""
        if self.submitted:
            return
        self._advance(_ms(self.clock, now))
        with transaction(self.db.conn):
            self._save_time()

    def expired(self, now: datetime | None = None) -> bool:
        """True when a timed block's time has run out; the block is then submitted."""
        if self.time_limit_ms is None:
            return False
        if self.submitted:
            return self.elapsed_ms >= self.time_limit_ms
        if self.remaining_ms(now) > 0:  # type: ignore[operator]
            return False
        self.submit(now)
        return True

    def _require_open(self, now: datetime | None) -> None:
        if self.submitted:
            raise QuizError("this block has been submitted")
        if self.expired(now):
            raise TimeUp("time is up: the block has been submitted")

    def pause(self) -> None:
        """Stop the clock (saved); `resume()` starts it again."""
        if self.submitted or self.paused:
            return
        self._advance(_ms(self.clock))
        self.status = "paused"
        self._since = None
        with transaction(self.db.conn):
            self._save_time()

    def resume(self) -> None:
        """Start counting time again (after `pause()`, or a paused block loaded)."""
        if self.submitted:
            raise QuizError("this block has been submitted")
        now_ms = _ms(self.clock)
        if self.status != "active":
            self.status = "active"
            with transaction(self.db.conn):
                self.db.conn.execute(
                    "UPDATE quiz_blocks SET status = 'active' WHERE id = ?", [self.id]
                )
        self._since = now_ms

    # -- actions ---------------------------------------------------------------------

    def goto(self, position: int) -> Question:
        """Make `position` the current question (time so far goes to the previous one)."""
        self._index(position)
        if self.submitted:
            self.current = position
            return self.question()
        self._advance(_ms(self.clock))
        with transaction(self.db.conn):
            self._save_time()  # the time of the question being left
            self.current = position
            self.db.conn.execute(
                "UPDATE quiz_blocks SET current = ? WHERE id = ?", [position, self.id]
            )
        return self.question()

    def answer(self, position: int, response: str | Sequence[int]) -> GradeResult:
        """Grade and save an answer. Timed: may be changed until submit (the caller hides
        the result). Tutor: final once given. Raises QuizError (TimeUp when time ran out)."""
        self._require_open(None)
        if self.paused:
            raise QuizError("the block is paused; resume it to answer")
        q = self.question(position)
        if self.mode == "tutor" and q.answered:
            raise QuizError(f"question {position} is already answered")
        result = grade(q.item, response)
        now_ms = _ms(self.clock)
        self._advance(now_ms)
        with transaction(self.db.conn):
            self._save_time()  # time so far goes to the question that was current
            self.db.conn.execute(
                """UPDATE quiz_answers SET response = ?, correct = ?, answered_at = ?
                   WHERE block_id = ? AND position = ?""",
                [result.response, int(bool(result.correct)), now_ms, self.id, position],
            )
            # answering a question makes it the current one
            self.db.conn.execute(
                "UPDATE quiz_blocks SET current = ? WHERE id = ?", [position, self.id]
            )
        self.current = position
        q.response = result.response
        q.correct = bool(result.correct)
        q.answered_at = now_ms
        return result

    def flag(self, position: int, on: bool = True) -> None:
        """Flag a question for review (also after submitting)."""
        q = self.question(position)
        q.flagged = bool(on)
        with transaction(self.db.conn):
            self.db.conn.execute(
                "UPDATE quiz_answers SET flagged = ? WHERE block_id = ? AND position = ?",
                [int(on), self.id, position],
            )

    def submit(self, now: datetime | None = None) -> None:
        """Close the block: unanswered questions count as wrong. When the learner's
        `quiz_counts_as_review` is on, answered questions are also recorded as reviews."""
        if self.submitted:
            return
        now_ms = _ms(self.clock, now)
        self._advance(now_ms)
        self.status = "submitted"
        self.submitted_at = now_ms
        self._since = None
        with transaction(self.db.conn):
            self._save_time()
            self.db.conn.execute(
                "UPDATE quiz_blocks SET submitted_at = ? WHERE id = ?", [now_ms, self.id]
            )
        learner = get_learner_by_id(self.db, self.learner_id)
        if learner.settings.get(SETTING_COUNTS_AS_REVIEW, False):
            self._record_reviews(learner, now)

    def _record_reviews(self, learner: Learner, now: datetime | None) -> None:
        at = now if now is not None else self.clock()
        session = session_for(self.db, learner, clock=lambda: at)
        for q in self._questions:
            if q.response is None:
                continue
            session.answer(
                q.item,
                Rating.GOOD if q.correct else Rating.AGAIN,
                response=q.response,
                correct=bool(q.correct),
                duration_ms=q.time_ms,
            )

    @property
    def submitted_datetime(self) -> datetime | None:
        return ms_to_dt(self.submitted_at)
