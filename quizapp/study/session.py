"""A study session over the store: queue, limits, day rollover, undo.

Order of service (as Anki's v3 scheduler):
1. learning/relearning items due now;
2. reviews due today, lowest predicted recall (FSRS retrievability) first, so a backlog
   is worked from the cards most likely forgotten, up to the daily review limit;
3. new items interleaved evenly among the reviews, in deck order, each deck up to its own
   new-card limit and a session over several decks up to the learner's total (raised by
   an exam plan's pace or extra cards today, see quizapp.personal.limits);
4. when nothing else is left, learning items due within the learn-ahead window.
Cloze siblings of an answered item are buried until the next study day, and so are the
other items of its fact (`cards.fact`, see quizapp.decks.facts) unless the learner's
`bury_related` setting is off. Whatever the setting, the item served after an answer is
never of the answered item's fact while another item is available (`_apart`).

What the learner sees is what is saved: `presentation(item)` is the option order of an
mcq item for this presentation (drawn from the learner, the item and how often it was
answered before, so an undo or a quit-and-resume shows it again; the next presentation
draws anew), stored with the answer; `preview(item)` keeps the states it showed on the
grade keys, and `answer()` saves the chosen one when the item has not changed since.

The statements are the store's (:mod:`quizapp.store.queries.study`); this module keeps the
decisions: what is cached, when a cache is re-checked, the order of service.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, ClassVar

from quizapp.clock import Clock, day_start, dt_to_ms, ms_to_dt, next_day_start, system_clock
from quizapp.model import CardType, MemoryState, Rating
from quizapp.personal import leeches
from quizapp.personal.exam import ExamCaps
from quizapp.personal.limits import LimitNote, NewLimits, new_limits
from quizapp.scheduling.memory import decay_factor
from quizapp.scheduling.memory import parameters as learner_parameters
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store import progress
from quizapp.store.db import CHECKPOINT_EVERY, Database, checkpointer, transaction, wal_path
from quizapp.store.items import StudyItem, load_item
from quizapp.store.learners import Learner, bool_setting, get_learner_by_id
from quizapp.store.queries import study as queries
from quizapp.store.scope import Scope
from quizapp.study.presentation import Order, draw_order

LEARN_AHEAD = timedelta(minutes=20)
REQUEUE_MS = 10 * 60_000  # rebuild the review order at least this often (recall drifts)
HEAD_CHECK = 50  # queue entries re-checked against the store before each use
NEW_MARGIN = 50  # new items fetched beyond today's limit (several decks: per deck, at most)
NEW_MARGIN_DECK = 10  # … of each deck, for a session over several decks


@dataclass(slots=True)
class Counts:
    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(slots=True)
class Summary:
    answered: int = 0
    correct: int = 0
    graded: int = 0  # auto-graded answers (correct or not)
    seconds: float = 0.0
    again: int = 0
    due_tomorrow: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.graded if self.graded else None


@dataclass(slots=True)
class AnswerOutcome:
    review_id: int
    before: MemoryState
    after: MemoryState
    interval: timedelta = timedelta(0)  # from the answer to the next due: what was saved


@dataclass(slots=True)
class _Preview:
    """What `preview()` showed for an item: the states each grade gives, computed at `at`
    from the state row `before` (answer() saves one of them while that row is unchanged)."""

    card_pk: int
    before: dict[str, Any] | None
    at: datetime
    cap: datetime | None
    states: dict[Rating, MemoryState]


@dataclass(slots=True)
class _UndoEntry:
    kind: str  # "answer" | "flag"
    card_pk: int
    review_id: int = 0
    column: str = ""
    previous: int = 0
    correct: bool | None = None
    duration_ms: int = 0
    rating: int = 0


@dataclass(slots=True)
class _Queue:
    """A per-day queue of card pks; the first `verified` are known to still qualify."""

    pks: list[int]
    day_end: int  # the study day (its end) the queue was built for
    built_at: int
    verified: int  # leading entries checked against the store since the last change
    complete: bool = True  # the query returned every item there is (new queue)
    members: set[int] = field(default_factory=set)  # a superset of `pks`, for lookups

    def __post_init__(self) -> None:
        self.members = set(self.pks)

    def drop(self, gone: Iterable[int]) -> None:
        """Remove `gone` pks, keeping `verified` counting the same leading entries."""
        for pk in gone:
            self.members.discard(pk)
            try:
                i = self.pks.index(pk)
            except ValueError:
                continue
            del self.pks[i]
            if i < self.verified:
                self.verified -= 1


@dataclass(slots=True)
class _NewQueue(_Queue):
    """The new items of a session, in deck order, each deck's fetched up to its own limit
    left today (plus a margin); `per_deck` counts the entries of each deck."""

    deck_of: dict[int, str] = field(default_factory=dict)
    per_deck: dict[str, int] = field(default_factory=dict)
    open_decks: set[str] = field(default_factory=set)  # the fetch may have left some out

    def drop(self, gone: Iterable[int]) -> None:
        gone = [pk for pk in gone if pk in self.members]
        for pk in gone:
            d = self.deck_of.get(pk)
            if d is not None:
                self.per_deck[d] -= 1
        _Queue.drop(self, gone)

    def short(self, left: dict[str, int], total: int) -> bool:
        """Some deck has fewer entries than it may still give, and could have more —
        unless the entries the decks may give already cover the `total` left today
        (then the count is `total` and the first item is among them, in deck order)."""
        if sum(min(c, left.get(d, 0)) for d, c in self.per_deck.items()) >= total:
            return False
        return any(
            n > 0
            and self.per_deck.get(d, 0) < n
            and (d in self.open_decks or d not in self.per_deck)
            for d, n in left.items()
        )


@dataclass(slots=True)
class StudySession:
    MODE: ClassVar[str] = "study"  # "ahead" / "cram": quizapp.study.more

    db: Database
    learner: Learner
    scope: Scope = field(default_factory=Scope)
    clock: Clock = system_clock
    tz: tzinfo | None = None
    fuzz: bool = True
    summary: Summary = field(default_factory=Summary)
    _undo: list[_UndoEntry] = field(default_factory=list)
    _since_new: int = 0
    _scheduler: FsrsScheduler | None = None
    _exam: ExamCaps | None = None  # the learner's exam plans, loaded once
    _reviews: _Queue | None = None  # due reviews, lowest recall first
    _news: _Queue | None = None  # new items in deck order
    # (PRAGMA data_version, connection.total_changes) when the caches were last known to
    # match the store: while it is unchanged, no other connection committed and nothing
    # else was written through this one, so only this session's own answers (applied to
    # the caches as they are made) changed card states or the review log.
    _sig: tuple[int, int] | None = None
    _sig_now: int = 0  # the clock then (a clock moved back re-checks everything)
    _done: tuple[int, int, int] | None = None  # (day start, new done, reviews done)
    _file: tuple[str | None] | None = None  # the database file, for checkpoints
    _commits: int = 0  # answers since the last checkpoint request
    _bounds: tuple[int, int, tuple[int, tzinfo | None]] | None = None  # today, for what
    _rules: tuple[Learner, leeches.LeechRules] | None = None  # leech rules, whose
    _preview: _Preview | None = None  # the grade keys last shown (see preview())
    _limits: tuple[int, Learner, NewLimits] | None = None  # today's new-card limits, for
    _done_decks: tuple[int, dict[str, int]] | None = None  # (day start, new per deck today)
    _decks: list[str] | None = None  # the decks of the scope, in deck order
    _last: tuple[str, str] | None = None  # (deck id, fact key) of the item just answered

    # -- clock and limits ------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock()

    @property
    def scheduler(self) -> FsrsScheduler:
        if self._scheduler is None:
            self._scheduler = FsrsScheduler.for_learner(self.learner, fuzz=self.fuzz)
        return self._scheduler

    def reload_learner(self) -> None:
        self.learner = get_learner_by_id(self.db, self.learner.id)
        self._scheduler = None
        self._exam = None
        self._preview = None
        self._invalidate()

    def _exam_caps(self) -> ExamCaps:
        if self._exam is None:
            self._exam = ExamCaps.load(self.db, self.learner, self.tz)
        return self._exam

    def exam_cap(self, item: StudyItem, now: datetime) -> datetime | None:
        """Latest due date an exam plan allows for `item` now (None: no active plan)."""
        return self._exam_caps().cap(item.deck_id, item.card.tags, now)

    def new_limit(self) -> int:
        """Today's new-card limit of the session: its total over several decks, else its
        deck's (the learner's or the deck's own, raised to an active exam plan's pace and
        by extra cards granted today)."""
        now = self.now()
        limits = self.new_limits(now)
        if limits.total is not None:
            return limits.total
        return next(iter(limits.decks.values()), self.learner.new_per_day)

    def new_limits(self, now: datetime) -> NewLimits:
        """Today's new-card limits of each deck and of the session (see personal.limits)."""
        start, _ = self._day_bounds(now)
        cached = self._limits
        if cached is None or cached[0] != start or cached[1] is not self.learner:
            if self._decks is None:
                self._decks = queries.scope_decks(self.db, self.scope)
            limits = new_limits(
                self.db, self.learner, self.scope, self._decks, self._exam_caps(), now, self.tz
            )
            cached = self._limits = (start, self.learner, limits)
        return cached[2]

    def _new_done(self, start: int) -> dict[str, int]:
        done = self._done_decks
        if done is None or done[0] != start:
            by_deck = queries.new_done_by_deck(self.db, self.learner.id, start)
            done = self._done_decks = (start, by_deck)
        return done[1]

    def _new_left(self, now: datetime, start: int) -> tuple[int, dict[str, int]]:
        """(new items the session may still introduce today, what each deck may)."""
        return self.new_limits(now).left(self._new_done(start))

    def limit_note(self) -> LimitNote | None:
        """When new items wait in the scope but today's new-card limit is used up: which
        limit, so the front ends can say so (and offer to study more)."""
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        start, day_end = self._day_bounds(now)
        served, _ = self._new(now_ms, self._new_left(now, start), day_end)
        if served > 0:
            return None
        waiting = queries.new_waiting(self.db, self.learner.id, self.scope, now_ms)
        if not waiting:
            return None
        limits = self.new_limits(now)
        limit, deck = limits.biting(self._new_done(start), waiting)
        return LimitNote(limit, deck, sum(waiting.values()), limits.extra)

    def _day_bounds(self, now: datetime) -> tuple[int, int]:
        """(start, end) of the study day containing `now`, in ms (kept while `now` is in
        it: the time zone conversions cost more than the rest of finding the next item)."""
        h = self.learner.rollover_hour
        now_ms = dt_to_ms(now) or 0
        b = self._bounds
        if b is not None and b[2] == (h, self.tz) and b[0] <= now_ms < b[1]:
            return b[0], b[1]
        start = dt_to_ms(day_start(now, h, self.tz)) or 0
        end = dt_to_ms(next_day_start(now, h, self.tz)) or 0
        self._bounds = (start, end, (h, self.tz))
        return start, end

    def done_today(self) -> tuple[int, int]:
        """(new items introduced, reviews of review-state items) so far this study day."""
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        start, _ = self._day_bounds(now)
        return self._done_since(start)

    def _done_since(self, start: int) -> tuple[int, int]:
        done = self._done
        if done is None or done[0] != start:
            done = self._done = (start, *queries.done_since(self.db, self.learner.id, start))
        return done[1], done[2]

    # -- queue -----------------------------------------------------------------------

    def _learning(self, until_ms: int, now_ms: int) -> int | None:
        return queries.first_learning(self.db, self.learner.id, self.scope, until_ms, now_ms)

    # Reviews and new cards are served from queues built once per study day (or after an
    # undo/suspend/bury) and re-checked cheaply by primary key before use: scanning 50,000
    # cards or ordering thousands of due reviews by recall on every answer would cost tens
    # of milliseconds on a large collection. At least the first HEAD_CHECK entries of a
    # queue are always known to qualify; they are re-checked only after a change this
    # session did not make itself (see _check_store), and an answer re-checks the items
    # it changed (the card and its buried siblings).

    def _invalidate(self) -> None:
        self._reviews = None
        self._news = None
        self._done = None
        self._done_decks = None
        self._limits = None
        self._decks = None

    def _signature(self) -> tuple[int, int]:
        return queries.signature(self.db)

    def _check_store(self, now_ms: int) -> None:
        """Forget what the caches know if anything else may have changed the store."""
        sig = self._signature()
        if sig != self._sig or now_ms < self._sig_now:
            self._done = None
            self._done_decks = None
            for q in (self._reviews, self._news):
                if q is not None:
                    q.verified = 0
        self._sig = sig
        self._sig_now = now_ms

    def _review_ok(self, pks: list[int], day_end: int, now_ms: int) -> set[int]:
        return queries.still_due_reviews(self.db, self.learner.id, pks, day_end, now_ms)

    def _new_gone(self, pks: list[int], now_ms: int) -> set[int]:
        return queries.no_longer_new(self.db, self.learner.id, pks, now_ms)

    def _reviews_due(self, now_ms: int, day_end: int) -> tuple[int, int | None]:
        q = self._reviews
        if q is None or q.day_end != day_end or now_ms >= q.built_at + REQUEUE_MS:
            curve = decay_factor(learner_parameters(self.learner))
            pks = queries.review_queue(self.db, self.learner.id, self.scope, day_end, now_ms, curve)
            q = self._reviews = _Queue(pks, day_end, now_ms, verified=len(pks))
        while q.verified < min(len(q.pks), HEAD_CHECK):
            chunk = q.pks[q.verified : HEAD_CHECK]
            ok = self._review_ok(chunk, day_end, now_ms)
            q.pks[q.verified : HEAD_CHECK] = [pk for pk in chunk if pk in ok]
            q.verified += len(ok)
        return len(q.pks), q.pks[0] if q.pks else None

    def _new(
        self, now_ms: int, left: tuple[int, dict[str, int]], day_end: int
    ) -> tuple[int, int | None]:
        """(new items the session gives now, the first) under `left` (see `_new_left`)."""
        total, per = left
        if total <= 0:
            return 0, None
        q = self._news
        if q is None or q.day_end != day_end or not isinstance(q, _NewQueue) or q.short(per, total):
            q = self._news = self._new_queue(now_ms, per, day_end, total)
        head = min(total, HEAD_CHECK)
        while q.verified < min(len(q.pks), head):
            chunk = q.pks[q.verified : head]
            gone = self._new_gone(chunk, now_ms)
            kept = len(chunk) - len(gone)
            q.drop(gone)
            q.verified += kept
            if gone and q.short(per, total):
                self._news = None
                return self._new(now_ms, left, day_end)
        n = min(total, sum(min(c, per.get(d, 0)) for d, c in q.per_deck.items()))
        if not n:
            return 0, None
        first = next((pk for pk in q.pks if per.get(q.deck_of[pk], 0) > 0), None)
        return n, first

    def _new_queue(self, now_ms: int, per: dict[str, int], day_end: int, total: int) -> _NewQueue:
        """Each deck's next new items (deck order), as many as it may give today; decks
        after those that already cover the `total` left today (plus a margin) are not
        read (with 9,999 new cards a day over 30 decks, that was every new item)."""
        pks: list[int] = []
        deck_of: dict[int, str] = {}
        counts: dict[str, int] = {}
        open_decks: set[str] = set()
        margin = NEW_MARGIN if len(per) == 1 else NEW_MARGIN_DECK
        usable = 0  # entries the decks fetched so far may give today
        stopped = False
        for d, n in per.items():
            if n <= 0:
                continue
            want = n + margin
            got = queries.new_queue(
                self.db, self.learner.id, Scope((d,), self.scope.tags), now_ms, want
            )
            pks += got
            deck_of.update((pk, d) for pk in got)
            counts[d] = len(got)
            if len(got) >= want:
                open_decks.add(d)
            usable += min(len(got), n)
            if usable >= total + margin:
                stopped = True
                break
        return _NewQueue(
            pks,
            day_end,
            now_ms,
            verified=len(pks),
            complete=not open_decks and not stopped,
            deck_of=deck_of,
            per_deck=counts,
            open_decks=open_decks,
        )

    def _answered(self, now_ms: int, pk: int, siblings: list[int], prev: int | None) -> None:
        """Apply this session's own answer to the caches (instead of re-checking them).

        `pk` is the answered item, `siblings` the items it buried until the end of the
        day, `prev` the item's state before the answer (None: it was new). The item is
        no longer new (it has a state now) and buried siblings qualify for neither queue;
        only whether the item is still a review due today needs the store."""
        if self._done is not None and now_ms >= self._done[0]:
            _, new_done, rev_done = self._done
            self._done = (
                self._done[0],
                new_done + (prev is None),
                rev_done + (prev == 2),
            )
        q_new = self._news
        if prev is None and self._done_decks is not None and now_ms >= self._done_decks[0]:
            deck = q_new.deck_of.get(pk) if isinstance(q_new, _NewQueue) else None
            if deck is None:
                self._done_decks = None  # read again (the deck is not known here)
            else:
                counts = self._done_decks[1]
                counts[deck] = counts.get(deck, 0) + 1
        q = self._reviews
        if q is not None:
            gone = [p for p in siblings if p in q.members]
            if pk in q.members and pk not in self._review_ok([pk], q.day_end, now_ms):
                gone.append(pk)
            q.drop(gone)
        q = self._news
        if q is not None:
            q.drop([p for p in (pk, *siblings) if p in q.members])

    def counts(self) -> Counts:
        """What is left today in this scope (limits applied)."""
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        start, day_end = self._day_bounds(now)
        _, rev_done = self._done_since(start)
        learning = queries.learning_count(self.db, self.learner.id, self.scope, day_end, now_ms)
        rev_count, _ = self._reviews_due(now_ms, day_end)
        new_count, _ = self._new(now_ms, self._new_left(now, start), day_end)
        return Counts(
            new=new_count,
            learning=learning,
            review=min(rev_count, max(0, self.learner.reviews_per_day - rev_done)),
        )

    def next_item(self) -> StudyItem | None:
        """The next item to study now, or None when the session is over."""
        pk = self._next_pk()
        return load_item(self.db, pk) if pk is not None else None

    def _next_pk(self) -> int | None:
        """`_usual_pk`, unless it is of the fact just answered and another item is not."""
        pk = self._usual_pk()
        last = self._last
        if pk is None or last is None:
            return pk
        if queries.relation_keys(self.db, [pk]).get(pk) != last:
            return pk
        other = self._apart(last)
        return pk if other is None else other

    def _apart(self, last: tuple[str, str]) -> int | None:
        """The first item available now, in order of service, not of fact `last`: learning
        due now, then the heads of the review and new queues (within today's limits), then
        learning within the learn-ahead window."""
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        start, day_end = self._day_bounds(now)
        pk = queries.first_learning_apart(
            self.db, self.learner.id, self.scope, now_ms, now_ms, last
        )
        if pk is not None:
            return pk
        _, rev_done = self._done_since(start)
        heads: list[int] = []
        rev_left = max(0, self.learner.reviews_per_day - rev_done)
        left = self._new_left(now, start)
        self._reviews_due(now_ms, day_end)  # built, and their heads checked
        new_left, _ = self._new(now_ms, left, day_end)  # within each deck's limit
        rq = self._reviews
        if rq is not None and rev_left:
            heads += rq.pks[: min(rq.verified, rev_left, HEAD_CHECK)]
        nq = self._news
        if isinstance(nq, _NewQueue) and new_left:
            per = left[1]
            open_heads = [pk for pk in nq.pks[: nq.verified] if per.get(nq.deck_of[pk], 0) > 0]
            heads += open_heads[: min(new_left, HEAD_CHECK)]
        keys = queries.relation_keys(self.db, heads)
        for head in heads:
            if keys.get(head, last) != last:
                return head
        ahead = dt_to_ms(now + LEARN_AHEAD) or 0
        return queries.first_learning_apart(
            self.db, self.learner.id, self.scope, min(ahead, day_end), now_ms, last
        )

    def _usual_pk(self) -> int | None:
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        self._check_store(now_ms)
        start, day_end = self._day_bounds(now)
        pk = self._learning(now_ms, now_ms)
        if pk is not None:
            return pk
        _, rev_done = self._done_since(start)
        rev_count, rev_pk = self._reviews_due(now_ms, day_end)
        rev_left = min(rev_count, max(0, self.learner.reviews_per_day - rev_done))
        new_count, new_pk = self._new(now_ms, self._new_left(now, start), day_end)
        if rev_left and new_count:
            every = max(1, rev_left // new_count)
            if self._since_new >= every:
                self._since_new = 0
                return new_pk
            self._since_new += 1
            return rev_pk
        if rev_left:
            return rev_pk
        if new_count:
            return new_pk
        ahead = dt_to_ms(now + LEARN_AHEAD) or 0
        return self._learning(min(ahead, day_end), now_ms)

    def learning_later_today(self) -> datetime | None:
        """When the next learning item of today falls due (for "come back at …")."""
        now = self.now()
        now_ms = dt_to_ms(now) or 0
        _, day_end = self._day_bounds(now)
        due = queries.next_learning_due(self.db, self.learner.id, self.scope, day_end, now_ms)
        return ms_to_dt(due) if due is not None else None

    # -- answering -------------------------------------------------------------------

    def memory(self, item: StudyItem) -> MemoryState:
        return progress.get_memory(self.db, self.learner.id, item.card_pk)

    def presentation(self, item: StudyItem) -> Order:
        """The option order of this presentation of `item` (identity for a card that is
        not an mcq): drawn from (learner, item, answers so far), so it is shown again after
        an undo or a quit-and-resume, and drawn anew once the item was answered. The item
        is named by its stable key (deck, card, ord), not its row number, so the same
        presentation draws the same order in any database."""
        card = item.card
        if card.type != CardType.MCQ:
            return Order.identity(len(card.choices))
        reps = self.memory(item).reps
        key = (item.deck_id, item.card_id, item.ord)
        return draw_order(card, "study", self.learner.id, *key, reps)

    def preview(self, item: StudyItem) -> dict[Rating, timedelta]:
        """The interval each grade would give now (for labels on the grade keys). The
        states are kept: answering `item` with a grade saves exactly what was shown."""
        now = self.now()
        before = progress.state_row(self.db, self.learner.id, item.card_pk)
        mem = progress.memory_from_row(before)
        cap = self.exam_cap(item, now)
        states = self.scheduler.preview(item.card_pk, mem, now, cap=cap)
        self._preview = _Preview(item.card_pk, before, now, cap, states)
        return {r: (s.due - now) if s.due else timedelta(0) for r, s in states.items()}

    def _previewed(
        self, item: StudyItem, before: dict[str, Any] | None, rating: Rating, now: datetime
    ) -> MemoryState | None:
        """The state `preview()` showed for `rating`, moved to `now` (same interval), if it
        was shown for this item in the state it is still in; else None."""
        p = self._preview
        if p is None or p.card_pk != item.card_pk or p.before != before or now < p.at:
            return None
        shown = p.states[rating]
        if shown.due is None:
            return None
        due = now + (shown.due - p.at)
        if p.cap is not None and due > p.cap > now:
            due = p.cap
        return MemoryState(
            state=shown.state,
            step=shown.step,
            stability=shown.stability,
            difficulty=shown.difficulty,
            due=due,
            last_review=now,
            reps=shown.reps,
            lapses=shown.lapses,
        )

    def answer(
        self,
        item: StudyItem,
        rating: Rating,
        *,
        response: str = "",
        correct: bool | None = None,
        duration_ms: int = 0,
        order: Order | None = None,
    ) -> AnswerOutcome:
        """Grade `item`: schedule it, log the review and save — all in one transaction.

        `order` is how an mcq's options were shown (`presentation(item)`), stored with the
        review (the response names the card's own options). When `preview(item)` showed
        the grades of the item in the state it is still in, the state shown for `rating`
        is saved (the same interval from now); otherwise it is computed anew."""
        now = self.now()
        cap = self.exam_cap(item, now)  # reads plans once per session: outside the lock
        # Read, compute and write under one write lock: another process answering the
        # same card cannot slip in between the read and the write.
        now_ms = dt_to_ms(now) or 0
        _, day_end = self._day_bounds(now)
        outer = self.db.conn.in_transaction  # a caller's transaction may still roll back
        with transaction(self.db.conn):
            # Inside the write lock: what the store was before this answer.
            sig = self._signature()
            before_row = progress.state_row(self.db, self.learner.id, item.card_pk)
            before = progress.memory_from_row(before_row)
            after = self._previewed(item, before_row, Rating(rating), now)
            if after is None:
                after = self.scheduler.review(item.card_pk, before, Rating(rating), now, cap=cap)
            retr = self.scheduler.retrievability(before, now)
            siblings = self._siblings(item)
            review_id = progress.record_answer(
                self.db,
                self.learner.id,
                item.card_pk,
                before_row,
                after,
                progress.Answer(
                    rating=int(rating),
                    reviewed_at_ms=now_ms,
                    duration_ms=max(0, int(duration_ms)),
                    response=response,
                    correct=correct,
                    retrievability=retr,
                    presentation=(
                        order.to_json()
                        if order is not None and item.card.type == CardType.MCQ
                        else None
                    ),
                ),
                bury_siblings=siblings,
                bury_until_ms=day_end,
            )
            leeches.check_card(
                self.db,
                self.learner,
                item.card_pk,
                now=now,
                tz=self.tz,
                rules=self._leech_rules(),
                figures=leeches.CardFigures(
                    lapses=after.lapses,
                    stability=after.stability,
                    leech=bool(before_row and before_row["leech"]),
                    state=after.state,
                ),
            )
        self._preview = None
        if not outer:
            self._checkpoint_soon()
        self._last = (item.deck_id, item.card.fact or "#" + item.card_id)
        if sig == self._sig and not outer:  # only this answer changed the store since
            prev = before_row["state"] if before_row else None
            self._answered(now_ms, item.card_pk, siblings, prev)
            self._sig = (sig[0], self.db.conn.total_changes)
        self._undo.append(
            _UndoEntry(
                "answer",
                item.card_pk,
                review_id=review_id,
                correct=correct,
                duration_ms=duration_ms,
                rating=int(rating),
            )
        )
        s = self.summary
        s.answered += 1
        s.seconds += max(0, duration_ms) / 1000
        if rating == Rating.AGAIN:
            s.again += 1
        if correct is not None:
            s.graded += 1
            s.correct += int(correct)
        interval = (after.due - now) if after.due else timedelta(0)
        return AnswerOutcome(review_id=review_id, before=before, after=after, interval=interval)

    def _leech_rules(self) -> leeches.LeechRules:
        """The learner's leech rules (read from its settings once per Learner object)."""
        cached = self._rules
        if cached is None or cached[0] is not self.learner:
            cached = self._rules = (self.learner, leeches.LeechRules.for_learner(self.learner))
        return cached[1]

    def _checkpoint_soon(self) -> None:
        """Checkpoint the WAL on a worker thread rather than in a later answer's COMMIT
        (see quizapp.store.db.checkpointer)."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY:
            return
        self._commits = 0
        if self._file is None:
            self._file = (wal_path(self.db.conn),)
        if self._file[0]:
            checkpointer.request(self._file[0])

    def _siblings(self, item: StudyItem) -> list[int]:
        """The items an answer buries: the other active study items of the same card (cloze
        deletions) and, unless the learner's `bury_related` is off, of the same fact (not
        those in a learning step)."""
        fact = item.card.fact if bool_setting(self.learner, "bury_related") else ""
        return queries.related(
            self.db, self.learner.id, item.deck_id, item.card_id, fact, item.card_pk
        )

    def _set(self, item: StudyItem, column: str, value: int) -> None:
        self._invalidate()
        prev = progress.set_flag(self.db, self.learner.id, item.card_pk, column, value)
        self._undo.append(_UndoEntry("flag", item.card_pk, column=column, previous=prev))

    def suspend(self, item: StudyItem, on: bool = True) -> None:
        self._set(item, "suspended", int(on))

    def flag(self, item: StudyItem, on: bool = True) -> None:
        self._set(item, "flagged", int(on))

    def bury(self, item: StudyItem) -> None:
        _, day_end = self._day_bounds(self.now())
        self._set(item, "buried_until", day_end)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> StudyItem | None:
        """Undo the last answer (or suspend/flag/bury); returns the item to show again."""
        if not self._undo:
            return None
        entry = self._undo.pop()
        self._invalidate()
        self._last = None
        if entry.kind == "answer":
            progress.undo_review(self.db, self.learner.id, entry.review_id)
            s = self.summary
            s.answered -= 1
            s.seconds -= max(0, entry.duration_ms) / 1000
            if entry.rating == Rating.AGAIN:
                s.again -= 1
            if entry.correct is not None:
                s.graded -= 1
                s.correct -= int(entry.correct)
        else:
            progress.set_flag(self.db, self.learner.id, entry.card_pk, entry.column, entry.previous)
        return load_item(self.db, entry.card_pk)

    def finish(self) -> Summary:
        """Close the session: fill in what falls due tomorrow."""
        now = self.now()
        _, day_end = self._day_bounds(now)
        tomorrow_end = day_end + 86_400_000
        self.summary.due_tomorrow = queries.due_before(
            self.db, self.learner.id, self.scope, tomorrow_end
        )
        return self.summary


def session_for(
    db: Database,
    learner: Learner,
    deck_ids: Iterable[str] | None = None,
    tags: Iterable[str] = (),
    *,
    clock: Clock = system_clock,
    tz: tzinfo | None = None,
    fuzz: bool = True,
) -> StudySession:
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    return StudySession(db=db, learner=learner, scope=scope, clock=clock, tz=tz, fuzz=fuzz)


def elapsed_ms(start: float) -> int:
    """Milliseconds since a `time.monotonic()` reading."""
    return int((time.monotonic() - start) * 1000)
