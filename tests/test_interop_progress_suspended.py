"""An Anki card suspended before it was ever studied imports as a suspended new card."""

from __future__ import annotations

from quizapp.interop.convert import CardSchedule
from quizapp.interop.progress_import import import_progress
from quizapp.store.learners import ensure_learner
from quizapp.store.progress import state_row
from quizapp.store.sync import sync_paths


def test_never_studied_suspended_card(db, write_deck) -> None:  # type: ignore[no-untyped-def]
    sync_paths(db, [write_deck().parent])
    learner = ensure_learner(db, "ann")
    pk = db.conn.execute("SELECT id FROM cards WHERE card_id = 'basic-1'").fetchone()[0]
    schedule = [CardSchedule("small", "basic-1", 0, 0, -1, 0, 0, 0, 0, 0)]
    out = import_progress(db, learner, [], schedule)
    row = state_row(db, learner.id, pk)
    assert out.suspended == 1
    assert row is not None and row["suspended"] == 1 and row["state"] is None
