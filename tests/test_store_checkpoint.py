"""WAL checkpoints run on a worker thread, not inside an answer's COMMIT."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from quizapp.model import Rating
from quizapp.store import open_database
from quizapp.store.db import AUTOCHECKPOINT_PAGES, checkpointer
from quizapp.store.learners import ensure_learner, update_settings
from quizapp.store.sync import sync_paths
from quizapp.study import session as study
from quizapp.study.session import session_for
from tests.conftest import FakeClock


def _wait_for(n: int) -> None:
    deadline = time.monotonic() + 10
    while checkpointer.done < n and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.done >= n


def test_connections_checkpoint_by_themselves_only_late(tmp_path: Path) -> None:
    db = open_database(tmp_path / "p.db")
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == AUTOCHECKPOINT_PAGES
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL, as documented
    db.conn.close()


def test_answers_are_checkpointed_in_the_background(
    tmp_path: Path,
    write_deck: Callable[..., Path],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(study, "CHECKPOINT_EVERY", 3)
    path = tmp_path / "p.db"
    db = open_database(path)
    assert not sync_paths(db, [write_deck().parent]).problems
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the main file holds the decks
    learner = update_settings(db, ensure_learner(db, "ann").id, new_per_day=50)
    session = session_for(db, learner, clock=clock, fuzz=False)
    before = checkpointer.done
    for _ in range(3):
        item = session.next_item()
        assert item is not None
        session.answer(item, Rating.GOOD)
    _wait_for(before + 1)
    # The main database file alone (no WAL beside it) already has the three answers.
    alone = tmp_path / "alone.db"
    shutil.copyfile(path, alone)
    conn = sqlite3.connect(alone)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    conn.close()
    db.conn.close()


def test_a_checkpoint_never_creates_a_database(tmp_path: Path) -> None:
    before = checkpointer.done
    gone = tmp_path / "gone.db"
    checkpointer.request(str(gone))
    _wait_for(before + 1)
    assert not gone.exists()


def test_the_checkpoint_thread_ends_when_idle(tmp_path: Path) -> None:
    """No thread is left behind: sync forks worker processes only when no other runs."""
    db = open_database(tmp_path / "p.db")
    db.conn.close()
    before = checkpointer.done
    for _ in range(3):
        checkpointer.request(str(tmp_path / "p.db"))
    _wait_for(before + 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        checkpointer.running or any(t.name == "quizapp-checkpoint" for t in threading.enumerate())
    ):
        time.sleep(0.01)
    assert not any(t.name == "quizapp-checkpoint" for t in threading.enumerate())
