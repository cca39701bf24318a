"""The TUI's own queries: streak, today's totals, browse search (also at 50,000 cards)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.clock import dt_to_ms
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner
from quizapp.tui.browse_query import BrowseFilter, browse
from quizapp.tui.queries import streak, today_totals

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _db_with_cards(tmp_path: Path, n: int):  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "q.db")
    db.conn.execute(
        "INSERT INTO decks (id, title, tags, sources) VALUES ('big', 'Big', '[]', '{}')"
    )
    rows = [
        ("big", f"card-{i}", 0, "basic", "h", f" t{i % 7} ", f"prompt number {i} answer",
         json.dumps({"type": "basic", "prompt": f"Prompt number {i}", "answer": "a"}), i)
        for i in range(n)
    ]
    db.conn.execute("BEGIN")
    db.conn.executemany(
        "INSERT INTO cards (deck_id, card_id, ord, type, content_hash, tags, search, data,"
        " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.conn.execute("COMMIT")
    return db


def _review(db, learner_id: int, at: datetime, card_pk: int = 1) -> None:  # type: ignore[no-untyped-def]
    db.conn.execute(
        "INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state) "
        "VALUES (?, ?, ?, 3, 2)",
        [learner_id, card_pk, dt_to_ms(at)],
    )


def test_streak_counts_consecutive_study_days(tmp_path: Path) -> None:
    db = _db_with_cards(tmp_path, 3)
    lr = ensure_learner(db, "ann")
    assert streak(db, lr, T0, UTC) == 0
    for days in (1, 2, 3, 5):  # yesterday, 2 and 3 days ago, then a gap
        _review(db, lr.id, T0 - timedelta(days=days))
    assert streak(db, lr, T0, UTC) == 3  # not studied today yet: the run up to yesterday
    _review(db, lr.id, T0 - timedelta(hours=1))
    assert streak(db, lr, T0, UTC) == 4
    # 03:00 belongs to the previous study day (rollover at 04:00).
    _review(db, lr.id, datetime(2026, 2, 26, 3, 0, tzinfo=UTC))  # = study day Feb 25
    totals = today_totals(db, lr, T0, UTC)
    assert (totals.reviews, totals.new, totals.streak) == (1, 1, 4)
    db.conn.close()


def test_browse_search_filters_and_speed(tmp_path: Path) -> None:
    db = _db_with_cards(tmp_path, 50_000)
    lr = ensure_learner(db, "ann")
    rows, more = browse(db, lr.id, BrowseFilter(text="number 4999"), now=T0)
    assert {r.card_id for r in rows} >= {"card-4999", "card-49990"}
    assert not more
    rows, more = browse(db, lr.id, BrowseFilter(tag="t3", state="new"), now=T0)
    assert len(rows) == 500 and more
    rows, _ = browse(db, lr.id, BrowseFilter(text="100%_"), now=T0)
    assert rows == []  # LIKE wildcards in the search are literal
    start = time.perf_counter()
    for text in ("prompt", "number 123", "answer 9"):
        browse(db, lr.id, BrowseFilter(text=text), now=T0)
    assert (time.perf_counter() - start) / 3 < 0.25  # fast enough to search as you type
    db.conn.close()
