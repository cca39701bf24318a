"""store.queries.deck_counts against the straightforward join it replaced."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.clock import dt_to_ms, next_day_start
from quizapp.store.learners import Learner, ensure_learner
from quizapp.store.progress import set_flag
from quizapp.store.queries.decks import DeckCount, deck_counts
from quizapp.store.sync import sync_paths
from tests.conftest import SMALL_DECK, FakeClock

REFERENCE = """
    SELECT d.id, d.title, d.tags,
      coalesce(sum(s.state = 2 AND s.due < :end AND s.suspended = 0
                   AND s.buried_until <= :now), 0),
      coalesce(sum(s.state IN (1, 3) AND s.due < :end AND s.suspended = 0
                   AND s.buried_until <= :now), 0),
      coalesce(sum(s.state IS NULL AND coalesce(s.suspended, 0) = 0
                   AND coalesce(s.buried_until, 0) <= :now AND c.id IS NOT NULL), 0),
      count(c.id),
      coalesce(sum(s.suspended), 0)
    FROM decks d
    LEFT JOIN cards c ON c.deck_id = d.id AND c.active = 1
    LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = :learner
    WHERE {where}
    GROUP BY d.id ORDER BY d.title, d.id
"""


def reference(
    db: Database, learner: Learner, deck_ids: list[str] | None, clock: FakeClock
) -> list[DeckCount]:
    end = dt_to_ms(next_day_start(clock.now, learner.rollover_hour, None))
    where = "d.active = 1"
    params: dict[str, object] = {"end": end, "now": dt_to_ms(clock.now), "learner": learner.id}
    if deck_ids is not None:
        marks = ", ".join(f":d{i}" for i in range(len(deck_ids)))
        where = f"d.id IN ({marks})" if deck_ids else "0"
        params.update({f"d{i}": d for i, d in enumerate(deck_ids)})
    return [
        DeckCount(r[0], r[1], tuple(json.loads(r[2])), *(int(x) for x in r[3:]))
        for r in db.execute(REFERENCE.format(where=where), params).fetchall()
    ]


def _decks(write_deck: Callable[..., Path], n: int) -> Path:
    path = write_deck()
    for i in range(n):
        text = SMALL_DECK.replace("id: small", f"id: extra{i}").replace(
            "title: Small test deck",
            f"title: Deck {i % 3}",  # equal titles: order by id
        )
        path = write_deck(text, name=f"extra{i}.yaml")
    return path.parent


@pytest.mark.parametrize("seed", range(5))
def test_deck_counts_equal_the_full_join(
    seed: int, db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    rng = random.Random(seed)
    folder = _decks(write_deck, 5)
    assert not sync_paths(db, [folder]).problems
    ann, bob = ensure_learner(db, "ann"), ensure_learner(db, "bob")
    pks = [r[0] for r in db.execute("SELECT id FROM cards")]
    now = dt_to_ms(clock.now)
    assert now is not None
    hour = 3_600_000
    for learner in (ann, bob):
        for pk in rng.sample(pks, k=len(pks) * 2 // 3):
            state = rng.choice([None, 1, 2, 2, 2, 3])
            due = None if state is None else now + rng.randint(-72, 72) * hour
            row = [learner.id, pk, state, due, rng.random() < 0.15,
                   rng.choice([0, 0, 0, now - hour, now + hour])]  # fmt: skip
            if rng.random() < 0.5:  # raw SQL: the trigger fills in the deck
                db.execute(
                    "INSERT INTO card_state (learner_id, card_pk, state, due, suspended,"
                    " buried_until) VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
            else:  # through the store, which writes the deck itself
                set_flag(db, learner.id, pk, "suspended", int(row[4]))
                set_flag(db, learner.id, pk, "buried_until", int(row[5]))
                db.execute(
                    "UPDATE card_state SET state = ?, due = ? WHERE learner_id = ? AND card_pk = ?",
                    [state, due, learner.id, pk],
                )
    missing = db.execute("SELECT count(*) FROM card_state WHERE deck_id IS NULL").fetchone()[0]
    assert missing == 0
    # cards that left their files (with progress) and a deck that is gone
    db.execute(
        f"UPDATE cards SET active = 0 WHERE id IN ({', '.join(map(str, rng.sample(pks, 6)))})"
    )
    db.execute("UPDATE decks SET active = 0 WHERE id = 'extra4'")
    seen: list[DeckCount] = []
    for when in (timedelta(0), timedelta(hours=30)):
        clock.advance(hours=when.total_seconds() / 3600)
        for learner in (ann, bob):
            for ids in (None, ["small", "extra1"], ["extra4"], [], ["nope"]):
                got = deck_counts(db, learner, ids, now=clock.now, tz=None)
                assert got == reference(db, learner, ids, clock), (learner.name, ids)
                seen.extend(got)
    for figure in ("due", "learning", "new", "suspended"):  # every figure was exercised
        assert any(getattr(d, figure) for d in seen), figure
    assert any(d.new < d.total for d in seen)


def test_migration_0005_copies_each_cards_deck_onto_its_state_rows(tmp_path: Path) -> None:
    import shutil

    from quizapp.store import open_database

    fixture = Path(__file__).parent / "fixtures" / "db_versions" / "v4.db"
    shutil.copy(fixture, tmp_path / "p.db")
    db = open_database(tmp_path / "p.db")
    rows = db.execute(
        "SELECT s.deck_id, c.deck_id FROM card_state s JOIN cards c ON c.id = s.card_pk"
    ).fetchall()
    assert rows and all(mine == theirs for mine, theirs in rows)
    db.execute("DELETE FROM card_state")
    db.execute("INSERT INTO card_state (learner_id, card_pk) VALUES (1, 2)")  # trigger
    set_flag(db, 2, 3, "flagged", 1)  # the store's own write
    assert db.execute("SELECT card_pk, deck_id FROM card_state ORDER BY card_pk").fetchall() == [
        (2, "old"),
        (3, "old"),
    ]
    db.conn.close()
