"""The study queue's caches (per-day queues, today's done counts) stay exact.

A session keeps its queues and today's counts between calls and re-checks them only
when something it did not do itself changed the store (another connection committed,
or something else wrote through its connection). These tests drive a caching session
and a reference session that re-checks everything before every call (as if each call
came after an outside change) through the same random steps on two copies of one
database, and require the same items served and the same counts throughout.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner, get_learner_by_id, update_settings
from quizapp.store.progress import set_flag, state_row
from quizapp.store.sync import sync_paths
from quizapp.study.session import HEAD_CHECK, StudySession, session_for
from tests.conftest import FakeClock


def big_deck(n: int = 3 * HEAD_CHECK) -> str:
    """`n` cards, every fourth a cloze card with three deletions (siblings)."""
    lines = ["id: big", "title: Big deck", "sources:", "  src: {title: T, file: source.txt}"]
    lines.append("cards:")
    for i in range(n):
        src = f'    explanation: E.\n    source: {{id: src, quote: "Sentence {i}."}}'
        if i % 4 == 3:
            text = f"One {{{{a{i}}}}} two {{{{b{i}}}}} three {{{{c{i}}}}}."
            lines += [f"  - id: z{i}", "    type: cloze", f'    text: "{text}"', src]
        else:
            lines += [f"  - id: b{i}", "    type: basic", f"    prompt: Q{i}", f"    answer: A{i}"]
            lines.append(src)
    return "\n".join(lines) + "\n"


class ReferenceSession(StudySession):
    """Trusts no cache: every call starts as if another process had written."""

    def _check_store(self, now_ms: int) -> None:
        self._sig = None
        StudySession._check_store(self, now_ms)


class WholeQueueReference(ReferenceSession):
    """Also reads every deck's new queue whole (a session stops reading decks once those
    read cover today's new cards left)."""

    def _new_queue(self, now_ms: int, per: dict[str, int], day_end: int, total: int) -> Any:
        return ReferenceSession._new_queue(self, now_ms, per, day_end, 10**9)


def _pair(
    tmp_path: Path,
    write_deck: Callable[..., Path],
    clock: FakeClock,
    new_per_day: int,
    decks: int = 1,
    reference: type[StudySession] = ReferenceSession,
) -> tuple[StudySession, StudySession]:
    if decks == 1:
        deck = write_deck(big_deck(), name="big.yaml")
    for k in range(decks if decks > 1 else 0):  # small decks, each near today's limit
        text = big_deck(5 + 3 * k).replace("id: big", f"id: big{k}", 1)
        deck = write_deck(text, name=f"big{k}.yaml")
    first = tmp_path / "a.db"
    db = open_database(first)
    assert not sync_paths(db, [deck.parent]).problems
    learner = update_settings(
        db, ensure_learner(db, "ann").id, new_per_day=new_per_day, reviews_per_day=9999
    )
    db.conn.close()
    shutil.copy(first, tmp_path / "b.db")
    sessions = []
    for name, cls in (("a.db", StudySession), ("b.db", reference)):
        d = open_database(tmp_path / name)
        sessions.append(
            cls(db=d, learner=get_learner_by_id(d, learner.id), clock=clock, fuzz=False)
        )
    return sessions[0], sessions[1]


def _outside(path: Path) -> Database:
    return open_database(path)


@pytest.mark.parametrize("seed", range(6))
def test_cached_session_serves_and_counts_as_one_that_rechecks_everything(
    seed: int, tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    rng = random.Random(seed)
    cached, ref = _pair(tmp_path, write_deck, clock, new_per_day=rng.choice([5, 40, 500]))
    _drive(cached, ref, rng, tmp_path, clock)


@pytest.mark.parametrize("seed", range(6))
def test_several_decks_serve_and_count_as_if_every_new_queue_were_read(
    seed: int, tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    """Four decks: the session reads decks until those read cover today's new cards
    left, and serves and counts exactly as a session that reads all of them."""
    rng = random.Random(100 + seed)
    cached, ref = _pair(
        tmp_path,
        write_deck,
        clock,
        new_per_day=rng.choice([4, 9, 14]),
        decks=4,
        reference=WholeQueueReference,
    )
    _drive(cached, ref, rng, tmp_path, clock)


def _drive(
    cached: StudySession, ref: StudySession, rng: random.Random, tmp_path: Path, clock: FakeClock
) -> None:
    others = [_outside(tmp_path / "a.db"), _outside(tmp_path / "b.db")]
    n_cards = cached.db.execute("SELECT count(*) FROM cards").fetchone()[0]
    try:
        for step in range(160):
            a, b = cached.counts(), ref.counts()
            assert a == b, f"step {step}"
            item_a, item_b = cached.next_item(), ref.next_item()
            assert (item_a and item_a.card_pk) == (item_b and item_b.card_pk), f"step {step}"
            roll = rng.random()
            if item_a is not None and item_b is not None and roll < 0.7:
                rating = rng.choice(list(Rating))
                cached.answer(item_a, rating)
                ref.answer(item_b, rating)
            elif roll < 0.8:
                clock.advance(minutes=rng.choice([1, 11, 90, 60 * 24, 60 * 24 * 9]))
            elif roll < 0.9:  # another process changes a card
                pk = rng.randint(1, n_cards)
                column, value = rng.choice(
                    [("suspended", 1), ("suspended", 0), ("buried_until", 0), ("flagged", 1)]
                )
                for other, s in zip(others, (cached, ref), strict=True):
                    set_flag(other, s.learner.id, pk, column, value)
            elif roll < 0.95:  # this connection, but not through the session
                pk = rng.randint(1, n_cards)
                for s in (cached, ref):
                    set_flag(s.db, s.learner.id, pk, "suspended", 1)
            else:  # another session of the same learner answers what it is shown
                for other, s in zip(others, (cached, ref), strict=True):
                    peer = session_for(other, s.learner, clock=clock, fuzz=False)
                    item = peer.next_item()
                    if item is not None:
                        peer.answer(item, Rating.GOOD)
        dump = (
            "SELECT learner_id, card_pk, state, due, reps, suspended, buried_until FROM card_state"
        )
        assert sorted(cached.db.execute(dump).fetchall()) == sorted(ref.db.execute(dump).fetchall())
    finally:
        for d in (*others, cached.db, ref.db):
            d.conn.close()


def test_outside_answer_counts_against_todays_new_limit(
    tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    cached, _ = _pair(tmp_path, write_deck, clock, new_per_day=3)
    assert cached.counts().new == 3 and cached.done_today() == (0, 0)
    other = _outside(tmp_path / "a.db")
    peer = session_for(other, cached.learner, clock=clock, fuzz=False)
    item = peer.next_item()
    assert item is not None
    peer.answer(item, Rating.GOOD)
    assert cached.done_today() == (1, 0)  # not the cached (0, 0)
    assert cached.counts().new == 2
    nxt = cached.next_item()
    assert nxt is not None and nxt.card_pk != item.card_pk
    other.conn.close()


def test_own_answer_buries_siblings_beyond_the_checked_head(
    tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    """Siblings the answer buries leave the queue wherever they are in it."""
    cached, _ = _pair(tmp_path, write_deck, clock, new_per_day=500)
    new_before = cached.counts().new
    item = cached.next_item()
    while item is not None and item.ord == 0:
        cached.answer(item, Rating.EASY)
        item = cached.next_item()
    assert item is not None and item.ord == 1
    cached.answer(item, Rating.GOOD)
    answered = cached.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert cached.counts().new == new_before - answered - 2  # two siblings buried
    for ord_ in (2, 3):
        pk = cached.db.execute(
            "SELECT id FROM cards WHERE card_id = ? AND ord = ?", [item.card_id, ord_]
        ).fetchone()[0]
        row = state_row(cached.db, cached.learner.id, pk)
        assert row is not None and row["buried_until"] > 0
    cached.db.conn.close()


def test_leech_check_from_the_answers_figures_matches_reading_the_row(
    tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    """The answer hands the leech check the state it just wrote instead of a re-read."""
    from quizapp.personal.leeches import CardFigures, check_card

    cached, _ = _pair(tmp_path, write_deck, clock, new_per_day=20)
    db, learner = cached.db, cached.learner
    day = 86_400_000
    t0 = int(clock.now.timestamp() * 1000)
    pk = 1
    for i in range(6):  # six study days
        db.execute(
            "INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state)"
            " VALUES (?, ?, ?, 1, 3)",
            [learner.id, pk, t0 - (i + 1) * day],
        )
    cases = [(0, 1.2, 0, 2), (8, 30.0, 0, 2), (1, 5.0, 0, 2), (0, 1.2, 1, 2), (0, 1.0, 0, None)]
    reasons = []
    for lapses, stability, leech, state in cases:
        db.execute(
            "INSERT OR REPLACE INTO card_state (learner_id, card_pk, state, stability, lapses,"
            " leech) VALUES (?, ?, ?, ?, ?, ?)",
            [learner.id, pk, state, stability, lapses, leech],
        )
        given = CardFigures(lapses, stability, bool(leech), state)
        with db.conn:  # both in a transaction that is rolled back: neither marks for the other
            db.conn.execute("SAVEPOINT a")
            read = check_card(db, learner, pk, now=clock.now)
            db.conn.execute("ROLLBACK TO a")
            handed = check_card(db, learner, pk, now=clock.now, figures=given)
            db.conn.execute("ROLLBACK TO a")
            db.conn.execute("RELEASE a")
        assert read == handed, (lapses, stability, leech, state)
        reasons.append(read)
    assert [r is not None for r in reasons] == [True, True, False, False, False]
    db.conn.close()


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/St_Johns", "Australia/Lord_Howe", None])
def test_kept_study_day_bounds_equal_fresh_ones(zone: str | None, db: Database) -> None:
    """The session keeps today's bounds while the clock is inside them; stepping through
    a year (DST changes included) forwards and back, they always equal a fresh computation."""
    from dataclasses import replace
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from quizapp.clock import day_start, next_day_start

    tz = ZoneInfo(zone) if zone else None
    rng = random.Random(zone)
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    session = session_for(db, ensure_learner(db, "ann"), clock=clock, tz=tz)
    hour = 4
    for _ in range(1500):
        clock.advance(minutes=rng.choice([7, 45, 170, 600, -300, 1440]))
        if rng.random() < 0.02:
            hour = rng.choice([0, 2, 3, 4, 23])
            session.learner = replace(session.learner, rollover_hour=hour)
        now = clock.now
        fresh = (
            int(day_start(now, hour, tz).timestamp() * 1000),
            int(next_day_start(now, hour, tz).timestamp() * 1000),
        )
        assert session._day_bounds(now) == fresh, (now, hour)


def test_leech_rules_follow_the_sessions_learner(
    tmp_path: Path, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    from quizapp.store.items import load_item

    cached, _ = _pair(tmp_path, write_deck, clock, new_per_day=20)
    db = cached.db
    now = int(clock.now.timestamp() * 1000)
    for pk in (1, 2):  # review cards with one lapse each, due now
        db.execute(
            "INSERT INTO card_state (learner_id, card_pk, state, step, stability, difficulty,"
            " due, last_review, reps, lapses) VALUES (?, ?, 2, 0, 10.0, 5.0, ?, ?, 4, 1)",
            [cached.learner.id, pk, now, now - 10 * 86_400_000],
        )
    first, second = load_item(db, 1), load_item(db, 2)
    assert first is not None and second is not None
    cached.answer(first, Rating.AGAIN)  # second lapse: no leech at the default 8
    assert state_row(db, cached.learner.id, 1)["leech"] == 0  # type: ignore[index]
    cached.learner = update_settings(db, cached.learner.id, leech_lapses=2)
    cached.answer(second, Rating.AGAIN)  # second lapse: a leech at 2
    assert state_row(db, cached.learner.id, 2)["leech"] == 1  # type: ignore[index]
    db.conn.close()
