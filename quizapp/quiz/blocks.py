"""A quiz block: a question-bank session over the same decks, saved as it happens.

A *block* is a fixed list of questions (mcq, typed and cloze study items; basic cards
are never asked) drawn from a pool (:mod:`quizapp.quiz.pools`), answered in *tutor* mode
(feedback after each question, no time limit) or *timed* mode (a limit for the whole
block, feedback only after submitting). Positions are 1-based question numbers. Blocks
are built, loaded and listed by :mod:`quizapp.quiz.library`.

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from quizapp.clock import Clock, dt_to_ms, ms_to_dt, system_clock
from quizapp.model import Rating
from quizapp.quiz.questions import NavEntry, Question, QuizError, TimeUp, grade
from quizapp.store.db import Database, transaction
from quizapp.store.learners import Learner, get_learner_by_id
from quizapp.store.queries import quiz as queries
from quizapp.study.grading import GradeResult
from quizapp.study.session import session_for

Mode = Literal["tutor", "timed"]

MODES: tuple[Mode, ...] = ("tutor", "timed")
SETTING_COUNTS_AS_REVIEW = "quiz_counts_as_review"
DEFAULT_SECONDS_PER_QUESTION = 90


def clock_ms(clock: Clock, now: datetime | None = None) -> int:
    """``now`` (else the clock's time) in ms."""
    return dt_to_ms(now if now is not None else clock()) or 0


@dataclass(slots=True)
class QuizBlock:
    """A saved block and everything a UI does with it. Build with `build_block` or load
    with `load_block` / `load_active_block` (:mod:`quizapp.quiz.library`); do not
    construct directly."""

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
        return q.regrade()

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
        return self.elapsed_ms + self._running_ms(clock_ms(self.clock, now))

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
        q = self._questions[self.current - 1]
        queries.save_block_time(
            self.db,
            self.id,
            elapsed_ms=self.elapsed_ms,
            current=self.current,
            status=self.status,
            position=q.position,
            time_ms=q.time_ms,
        )

    def checkpoint(self, now: datetime | None = None) -> None:
        """Save the time spent so far (a UI may call this every few seconds)."""
        if self.submitted:
            return
        self._advance(clock_ms(self.clock, now))
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
        self._advance(clock_ms(self.clock))
        self.status = "paused"
        self._since = None
        with transaction(self.db.conn):
            self._save_time()

    def resume(self) -> None:
        """Start counting time again (after `pause()`, or a paused block loaded)."""
        if self.submitted:
            raise QuizError("this block has been submitted")
        now_ms = clock_ms(self.clock)
        if self.status != "active":
            self.status = "active"
            with transaction(self.db.conn):
                queries.set_active(self.db, self.id)
        self._since = now_ms

    # -- actions ---------------------------------------------------------------------

    def goto(self, position: int) -> Question:
        """Make `position` the current question (time so far goes to the previous one)."""
        self._index(position)
        if self.submitted:
            self.current = position
            return self.question()
        self._advance(clock_ms(self.clock))
        with transaction(self.db.conn):
            self._save_time()  # the time of the question being left
            self.current = position
            queries.set_current(self.db, self.id, position)
        return self.question()

    def answer(self, position: int, response: str | Sequence[int]) -> GradeResult:
        """Grade and save an answer (an mcq's letters or indexes as shown: `Question.shown`;
        saved naming the card's own options). Timed: may be changed until submit (the
        caller hides the result). Tutor: final once given. Raises QuizError (TimeUp when
        time ran out)."""
        self._require_open(None)
        if self.paused:
            raise QuizError("the block is paused; resume it to answer")
        q = self.question(position)
        if self.mode == "tutor" and q.answered:
            raise QuizError(f"question {position} is already answered")
        result = grade(q.item, response, q.shown)
        now_ms = clock_ms(self.clock)
        self._advance(now_ms)
        with transaction(self.db.conn):
            self._save_time()  # time so far goes to the question that was current
            queries.save_answer(
                self.db, self.id, position, result.response, bool(result.correct), now_ms
            )
            # answering a question makes it the current one
            queries.set_current(self.db, self.id, position)
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
            queries.set_flag(self.db, self.id, position, on)

    def submit(self, now: datetime | None = None) -> None:
        """Close the block: unanswered questions count as wrong. When the learner's
        `quiz_counts_as_review` is on, answered questions are also recorded as reviews."""
        if self.submitted:
            return
        now_ms = clock_ms(self.clock, now)
        self._advance(now_ms)
        self.status = "submitted"
        self.submitted_at = now_ms
        self._since = None
        with transaction(self.db.conn):
            self._save_time()
            queries.set_submitted(self.db, self.id, now_ms)
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
                order=q.shown,
            )

    @property
    def submitted_datetime(self) -> datetime | None:
        return ms_to_dt(self.submitted_at)
