"""The browse screen's store queries (no Textual): the search (also at 50,000 cards), a
card's history and flags, the deck titles."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizapp.clock import dt_to_ms
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner
from quizapp.store.progress import set_flag
from quizapp.store.queries.browse import (
    STATE_FILTERS,
    BrowseFilter,
    browse,
    deck_titles,
    history,
    item_flags,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _db_with_cards(tmp_path: Path, n: int):  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "q.db")
    db.conn.execute(
        "INSERT INTO decks (id, title, tags, sources) VALUES ('big', 'Big', '[]', '{}')"
    )
    rows = [
        (
            "big",
            f"card-{i}",
            0,
            "basic",
            "h",
            f" t{i % 7} ",
            f"prompt number {i} answer",
            json.dumps({"type": "basic", "prompt": f"Prompt number {i}", "answer": "a"}),
            i,
        )
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


def test_state_filters_history_and_flags(tmp_path: Path) -> None:
    db = _db_with_cards(tmp_path, 3)
    lr = ensure_learner(db, "ann")
    assert STATE_FILTERS == (
        "new",
        "learning",
        "due",
        "review",
        "suspended",
        "flagged",
        "leech",
    )
    assert history(db, lr.id, 1) == [] and item_flags(db, lr.id, 1) == (False, False)
    _review(db, lr.id, T0 - timedelta(days=2))
    _review(db, lr.id, T0 - timedelta(days=1))
    log = history(db, lr.id, 1)
    assert [r.reviewed_at for r in log] == [T0 - timedelta(days=1), T0 - timedelta(days=2)]
    assert log[0].rating == 3 and log[0].interval is None and log[0].correct is None
    set_flag(db, lr.id, 2, "flagged", 1)
    assert item_flags(db, lr.id, 2) == (False, True)
    rows, more = browse(db, lr.id, BrowseFilter(state="flagged"), now=T0)
    assert [r.card_id for r in rows] == ["card-1"] and rows[0].flagged and not more
    rows, _ = browse(db, lr.id, BrowseFilter(state="new"), now=T0)
    assert [r.card_id for r in rows] == ["card-0", "card-1", "card-2"]  # flagged, still new
    db.conn.close()


def test_deck_titles_only_active_decks(tmp_path: Path) -> None:
    db = _db_with_cards(tmp_path, 1)
    db.conn.execute(
        "INSERT INTO decks (id, title, tags, sources, active) VALUES ('old', 'Aged', '[]', '{}', 0)"
    )
    db.conn.execute(
        "INSERT INTO decks (id, title, tags, sources) VALUES ('alp', 'Alpha', '[]', '{}')"
    )
    assert deck_titles(db, None) == [("alp", "Alpha"), ("big", "Big")]
    assert deck_titles(db, ["big", "old"]) == [("big", "Big")]
    assert deck_titles(db, []) == []
    db.conn.close()
