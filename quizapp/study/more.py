"""Study more (Anki's custom study): review ahead, and cram without rescheduling.

* :class:`AheadSession` serves the reviews due in the next ``days`` study days (today's
  included), lowest predicted recall first, not held to the reviews/day limit, and no
  new cards. Answers are scheduled normally: FSRS sees the early review's elapsed time,
  so a card reviewed ahead gains less stability than one reviewed on its day.
* :class:`CramSession` serves the chosen cards (decks, tags, facts; studied or new, not
  suspended; up to ``limit``, in deck order) and records nothing in the schedule: no
  card_state row changes and nothing is added to the review log, so FSRS's state, the
  optimizer's training data, true retention and today's limits are exactly as before.
  An "Again" puts the card back at the end of the cram queue. The session's summary
  counts the answers; undo works as in a normal session.

Extra new cards today are not a session of their own: they raise today's limits
(:func:`quizapp.personal.limits.grant_extra_new`) and the normal session continues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import EllipsisType
from typing import ClassVar

from quizapp.clock import dt_to_ms
from quizapp.model import Rating
from quizapp.personal.limits import LimitNote
from quizapp.store.items import StudyItem, load_item
from quizapp.store.queries import study as queries
from quizapp.study.session import (
    LEARN_AHEAD,
    AnswerOutcome,
    Counts,
    StudySession,
    _UndoEntry,
)

DAY_MS = 86_400_000
AHEAD_MAX_DAYS = 365
CRAM_LIMIT = 100  # cards a cram session serves at most (Anki's filtered-deck default)


@dataclass(slots=True)
class AheadSession(StudySession):
    """Reviews due within the next ``days`` study days, scheduled normally."""

    MODE: ClassVar[str] = "ahead"
    days: int = 1

    def _until(self, day_end: int) -> int:
        return day_end + self.days * DAY_MS

    def counts(self) -> Counts:
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        _, day_end = self._day_bounds(now)
        learning = queries.learning_count(self.db, self.learner.id, self.scope, day_end, now_ms)
        reviews, _ = self._reviews_due(now_ms, self._until(day_end))
        return Counts(new=0, learning=learning, review=reviews)

    def _next_pk(self) -> int | None:
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        _, day_end = self._day_bounds(now)
        pk = self._learning(now_ms, now_ms)
        if pk is not None:
            return pk
        _, review = self._reviews_due(now_ms, self._until(day_end))
        if review is not None:
            return review
        ahead = dt_to_ms(now + LEARN_AHEAD) or 0
        return self._learning(min(ahead, day_end), now_ms)

    def limit_note(self) -> LimitNote | None:
        return None


@dataclass(slots=True)
class CramSession(StudySession):
    """The chosen cards, answered without changing their schedule (see the module)."""

    MODE: ClassVar[str] = "cram"
    facts: tuple[str, ...] = ()
    limit: int = CRAM_LIMIT
    _cram: list[int] | None = None
    _served: dict[int, int] = field(default_factory=dict)  # pk → queue position it left

    def _queue(self) -> list[int]:
        if self._cram is None:
            self._cram = queries.cram_queue(
                self.db, self.learner.id, self.scope, self.facts, self.limit
            )
        return self._cram

    def counts(self) -> Counts:
        return Counts(review=len(self._queue()))

    def _next_pk(self) -> int | None:
        q = self._queue()
        return q[0] if q else None

    def preview(self, item: StudyItem, *_args: object, **_kw: object) -> dict[Rating, timedelta]:
        """Every grade leaves the card where it is: the time to its real due date."""
        now = self.now()
        due = self.memory(item).due
        left = due - now if due is not None and due > now else timedelta(0)
        return dict.fromkeys(Rating, left)

    def answer(
        self,
        item: StudyItem,
        rating: Rating,
        *,
        response: str = "",
        correct: bool | None = None,
        duration_ms: int = 0,
        **_kw: object,
    ) -> AnswerOutcome:
        """Count the answer; write nothing (the card's schedule and the log are kept)."""
        mem = self.memory(item)
        q = self._queue()
        pk = item.card_pk
        if pk in q:
            q.remove(pk)
        if rating == Rating.AGAIN:
            q.append(pk)  # once more, at the end
        self._undo.append(
            _UndoEntry("cram", pk, correct=correct, duration_ms=duration_ms, rating=int(rating))
        )
        s = self.summary
        s.answered += 1
        s.seconds += max(0, duration_ms) / 1000
        if rating == Rating.AGAIN:
            s.again += 1
        if correct is not None:
            s.graded += 1
            s.correct += int(correct)
        return AnswerOutcome(review_id=0, before=mem, after=mem)

    def suspend(self, item: StudyItem, on: bool = True) -> None:
        StudySession.suspend(self, item, on)
        self._forget(item.card_pk)

    def bury(self, item: StudyItem) -> None:
        StudySession.bury(self, item)
        self._forget(item.card_pk)

    def _forget(self, pk: int) -> None:
        q = self._queue()
        while pk in q:
            q.remove(pk)

    def undo(self) -> StudyItem | None:
        if not self._undo or self._undo[-1].kind != "cram":
            return StudySession.undo(self)
        entry = self._undo.pop()
        q = self._queue()
        if entry.rating == Rating.AGAIN and q and q[-1] == entry.card_pk:
            q.pop()
        if entry.card_pk not in q:
            q.insert(0, entry.card_pk)
        s = self.summary
        s.answered -= 1
        s.seconds -= max(0, entry.duration_ms) / 1000
        if entry.rating == Rating.AGAIN:
            s.again -= 1
        if entry.correct is not None:
            s.graded -= 1
            s.correct -= int(entry.correct)
        return load_item(self.db, entry.card_pk)

    def limit_note(self) -> LimitNote | None:
        return None

    def learning_later_today(self) -> None:
        return None


def review_ahead(base: StudySession, days: int) -> AheadSession:
    """A review-ahead session over ``base``'s scope, continuing its summary."""
    if not 1 <= days <= AHEAD_MAX_DAYS:
        raise ValueError(f"review ahead takes 1 to {AHEAD_MAX_DAYS} days (got {days})")
    return AheadSession(
        db=base.db,
        learner=base.learner,
        scope=base.scope,
        clock=base.clock,
        tz=base.tz,
        fuzz=base.fuzz,
        summary=base.summary,
        days=days,
    )


def cram(
    base: StudySession,
    *,
    deck_ids: tuple[str, ...] | EllipsisType | None = ...,
    tags: tuple[str, ...] | None = None,
    facts: tuple[str, ...] = (),
    limit: int = CRAM_LIMIT,
) -> CramSession:
    """A cram session: ``base``'s decks unless ``deck_ids`` are given (None: every deck),
    ``base``'s tags unless ``tags`` are, narrowed to ``facts`` when given."""
    from quizapp.store.scope import Scope

    decks = base.scope.deck_ids if isinstance(deck_ids, EllipsisType) else deck_ids
    scope = Scope(decks, tags if tags is not None else base.scope.tags)
    return CramSession(
        db=base.db,
        learner=base.learner,
        scope=scope,
        clock=base.clock,
        tz=base.tz,
        fuzz=base.fuzz,
        summary=base.summary,
        facts=facts,
        limit=limit,
    )
