"""Carry an Anki review history into a learner's quizapp progress.

An item whose Anki card carries an FSRS memory state (current Anki with FSRS on: the
card's ``data`` has stability and difficulty) takes Anki's state as its current
scheduling state: stability, difficulty, Anki's due date (the start of that study day
in the learner's time zone, or the exact time of a learning step), last review, reps
and lapses. Its revlog still comes in as history. Every other item (SM-2 collections)
gets the state its replay gives:

each imported item's reviews are replayed through the learner's FSRS scheduler (fuzz off)
in time order, so the resulting state is exactly what quizapp would have computed had
the reviews happened here; the review log rows carry the state before each answer, as
native ones do. Reviews already present (same learner, item and time) are skipped, so
importing an updated package twice does not duplicate history. Cards suspended in Anki
are suspended here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from quizapp.clock import dt_to_ms, ms_to_dt
from quizapp.interop.anki_days import day_start
from quizapp.interop.convert import CardSchedule, ReviewEntry
from quizapp.model import MemoryState, Rating
from quizapp.scheduling.memory import learner_tz
from quizapp.scheduling.scheduler import LEARNING_STEPS, RELEARNING_STEPS, FsrsScheduler
from quizapp.store.db import Database, transaction
from quizapp.store.learners import Learner
from quizapp.store.progress import STATE_COLUMNS, memory_from_row, prev_columns, state_row
from quizapp.store.queries import progress_import as queries


@dataclass(slots=True)
class ProgressImport:
    reviews_added: int = 0
    reviews_skipped: int = 0  # already present
    items_updated: int = 0
    items_missing: int = 0  # reviews of cards that were not imported (e.g. skipped notes)
    suspended: int = 0
    anki_state: int = 0  # items that took Anki's FSRS memory state
    replayed: int = 0  # items whose state is the replay of their history


def import_progress(
    db: Database,
    learner: Learner,
    revlog: Iterable[ReviewEntry],
    schedule: Iterable[CardSchedule] = (),
) -> ProgressImport:
    out = ProgressImport()
    keys = queries.active_item_keys(db)
    per_item: dict[int, list[ReviewEntry]] = defaultdict(list)
    for entry in revlog:
        pk = keys.get((entry.deck_id, entry.card_id, entry.ord))
        if pk is None:
            out.items_missing += 1
            continue
        if entry.ease not in (1, 2, 3, 4):
            continue
        per_item[pk].append(entry)
    sched = FsrsScheduler.for_learner(learner)
    replayed: set[int] = set()
    with transaction(db.conn):
        # what the learner had before this import: a later review here beats Anki's state
        studied_before = {
            pk: (state_row(db, learner.id, pk) or {}).get("last_review")
            for s in schedule
            if s.stability is not None
            and (pk := keys.get((s.deck_id, s.card_id, s.ord))) is not None
        }
        for pk, entries in per_item.items():
            entries.sort(key=lambda e: e.reviewed_at_ms)
            present = queries.review_times(db, learner.id, pk)
            fresh = [e for e in entries if e.reviewed_at_ms not in present]
            out.reviews_skipped += len(entries) - len(fresh)
            if not fresh:
                continue
            row = state_row(db, learner.id, pk)
            mem = memory_from_row(row)
            for e in fresh:
                when = ms_to_dt(e.reviewed_at_ms)
                assert when is not None
                before = _row_of(mem, row)
                retr = sched.retrievability(mem, when)
                after = sched.review(pk, mem, Rating(e.ease), when)
                elapsed = None
                if mem.last_review is not None:
                    elapsed = max(0.0, (when - mem.last_review).total_seconds() / 86400)
                prev_state, prev_interval_ms = prev_columns(before)
                queries.add_imported_review(
                    db,
                    learner.id,
                    pk,
                    reviewed_at=e.reviewed_at_ms,
                    rating=e.ease,
                    duration_ms=max(0, e.duration_ms),
                    state_before=json.dumps(before) if before else None,
                    state=after.state,
                    stability=after.stability,
                    difficulty=after.difficulty,
                    due=dt_to_ms(after.due),
                    elapsed_days=elapsed,
                    retrievability=retr,
                    prev_state=prev_state,
                    prev_interval_ms=prev_interval_ms,
                )
                mem = after
                row = _row_of(mem, row)
                out.reviews_added += 1
            _save(db, learner.id, pk, row)
            out.items_updated += 1
            replayed.add(pk)
        took: set[int] = set()
        for s in schedule:
            pk = keys.get((s.deck_id, s.card_id, s.ord))
            if pk is None:
                continue
            entries = per_item.get(pk, [])
            if _take_anki_state(db, learner, pk, s, entries, studied_before.get(pk)):
                took.add(pk)
        out.anki_state = len(took)
        out.replayed = len(replayed - took)
        for s in schedule:
            pk = keys.get((s.deck_id, s.card_id, s.ord))
            if pk is not None and s.queue == -1:
                # Suspended in Anki: kept suspended here, studied or not.
                current = state_row(db, learner.id, pk) or dict.fromkeys(STATE_COLUMNS, 0)
                if current.get("state") == 0:
                    current["state"] = None  # a never-studied row stays new
                current["suspended"] = 1
                _save(db, learner.id, pk, current)
                out.suspended += 1
    return out


def _take_anki_state(
    db: Database,
    learner: Learner,
    pk: int,
    s: CardSchedule,
    entries: list[ReviewEntry],
    studied_before: int | None,
) -> bool:
    """Write Anki's FSRS state as the item's state; False when the card has none, or the
    learner reviewed the item here after Anki's last review (theirs is newer)."""
    if s.stability is None or s.difficulty is None or s.type not in (1, 2, 3):
        return False
    last_ms = s.last_review_ms
    if last_ms is None and entries:
        last_ms = max(e.reviewed_at_ms for e in entries)
    due_ms: int | None = s.due_ms
    if due_ms is None and s.due_date is not None:
        due_ms = round(
            day_start(s.due_date, learner.rollover_hour, learner_tz(learner)).timestamp() * 1000
        )
        if last_ms is None:
            last_ms = due_ms - max(s.ivl_days, 1) * 86_400_000
    if due_ms is None:
        return False
    if studied_before is not None and last_ms is not None and studied_before >= last_ms + 1000:
        return False  # lrt is in whole seconds
    current = state_row(db, learner.id, pk)
    row: dict[str, object] = dict(current) if current else dict.fromkeys(STATE_COLUMNS, 0)
    steps = RELEARNING_STEPS if s.type == 3 else LEARNING_STEPS
    row.update(
        state=s.type,
        step=None if s.type == 2 else min(len(steps) - 1, max(0, len(steps) - s.left)),
        stability=s.stability,
        difficulty=s.difficulty,
        due=due_ms,
        last_review=last_ms,
        reps=s.reps,
        lapses=s.lapses,
    )
    _save(db, learner.id, pk, row)
    return True


def _row_of(mem: MemoryState, previous: dict | None) -> dict | None:
    if mem.is_new and previous is None:
        return None
    row = dict(previous) if previous else dict.fromkeys(STATE_COLUMNS, 0)
    row.update(
        state=mem.state,
        step=mem.step,
        stability=mem.stability,
        difficulty=mem.difficulty,
        due=dt_to_ms(mem.due),
        last_review=dt_to_ms(mem.last_review),
        reps=mem.reps,
        lapses=mem.lapses,
    )
    return row


def _save(db: Database, learner_id: int, pk: int, row: dict | None) -> None:
    if row is not None:
        queries.save_state_row(db, learner_id, pk, row)
