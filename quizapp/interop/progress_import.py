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

from sqlite_utils import Database

from quizapp.clock import dt_to_ms, ms_to_dt
from quizapp.interop.convert import CardSchedule, ReviewEntry
from quizapp.model import MemoryState, Rating
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.db import transaction
from quizapp.store.learners import Learner
from quizapp.store.progress import STATE_COLUMNS, memory_from_row, prev_columns, state_row


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
    keys = {
        (r[0], r[1], r[2]): r[3]
        for r in db.conn.execute("SELECT deck_id, card_id, ord, id FROM cards WHERE active = 1")
    }
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
            present = {
                r[0]
                for r in db.conn.execute(
                    "SELECT reviewed_at FROM reviews WHERE learner_id = ? AND card_pk = ?",
                    [learner.id, pk],
                )
            }
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
                db.conn.execute(
                    """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating,
                           duration_ms, response, correct, state_before, state, stability,
                           difficulty, due, elapsed_days, retrievability, prev_state,
                           prev_interval_ms)
                       VALUES (?, ?, ?, ?, ?, 'anki', NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        learner.id,
                        pk,
                        e.reviewed_at_ms,
                        e.ease,
                        max(0, e.duration_ms),
                        json.dumps(before) if before else None,
                        after.state,
                        after.stability,
                        after.difficulty,
                        dt_to_ms(after.due),
                        elapsed,
                        retr,
                        *prev_columns(before),
                    ],
                )
                mem = after
                row = _row_of(mem, row)
                out.reviews_added += 1
            _save(db, learner.id, pk, row)
            out.items_updated += 1
        for s in schedule:
            pk = keys.get((s.deck_id, s.card_id, s.ord))
            if pk is not None and s.queue == -1:
                current = state_row(db, learner.id, pk) or _row_of(MemoryState(), None)
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
    if row is None:
        return
    cols = ", ".join(STATE_COLUMNS)
    marks = ", ".join("?" for _ in STATE_COLUMNS)
    db.conn.execute(
        f"INSERT OR REPLACE INTO card_state (learner_id, card_pk, {cols}) VALUES (?, ?, {marks})",
        [learner_id, pk, *(row[c] for c in STATE_COLUMNS)],
    )
