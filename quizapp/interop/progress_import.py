"""Carry an Anki review history into a learner's quizapp progress.

Each imported item's reviews are replayed through the learner's FSRS scheduler (fuzz off)
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
from quizapp.interop.convert import CardSchedule, ReviewEntry
from quizapp.model import MemoryState, Rating
from quizapp.scheduling.scheduler import FsrsScheduler
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
    with transaction(db.conn):
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
