"""Backlog order (lowest retrievability first) and days, leeches on constructed
histories, the retention advisor's monotonicity and suggestion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from quizapp.cli.main import cli
from quizapp.clock import dt_to_ms, ms_to_dt
from quizapp.model import MemoryState, Rating
from quizapp.personal.advisor import Advice, advice, bar_chart, format_table
from quizapp.personal.backlog import backlog, backlog_days, lowest_recall_first
from quizapp.personal.leeches import (
    LEECH_LAPSES,
    LeechRules,
    check_card,
    find_leeches,
    mark_leeches,
)
from quizapp.scheduling.memory import retrievability
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.scheduling.simulate import AdvisorRow
from quizapp.store.items import load_item
from quizapp.store.learners import Learner, ensure_learner, update_settings
from quizapp.store.progress import get_memory, state_row
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock

DEFAULTS = list(FsrsScheduler()._scheduler.parameters)


@pytest.fixture
def learner(db: Database, write_deck: Callable[..., Path]) -> Learner:
    assert sync_paths(db, [write_deck().parent]).deck_ids == ["small"]
    return ensure_learner(db, "ann")


def pks(db: Database) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM cards ORDER BY position, ord")]


def put_state(
    db: Database,
    learner: Learner,
    pk: int,
    *,
    stability: float,
    last_review: datetime,
    due: datetime,
    state: int = 2,
    reps: int = 5,
    lapses: int = 0,
) -> None:
    db.execute(
        """INSERT OR REPLACE INTO card_state (learner_id, card_pk, state, stability,
               difficulty, due, last_review, reps, lapses)
           VALUES (?, ?, ?, ?, 5.0, ?, ?, ?, ?)""",
        [learner.id, pk, state, stability, dt_to_ms(due), dt_to_ms(last_review), reps, lapses],
    )


def put_reviews(db: Database, learner: Learner, pk: int, times: list[datetime]) -> None:
    for t in times:
        db.execute(
            """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state)
               VALUES (?, ?, ?, 3, 2)""",
            [learner.id, pk, dt_to_ms(t)],
        )


# --------------------------------------------------------------------------- backlog


def test_backlog_served_lowest_recall_first(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    now = clock.now
    a, b, c, d, _ = pks(db)
    # overdue by much relative to the interval but stable (high R) …
    put_state(db, learner, a, stability=400, last_review=now - timedelta(days=60),
              due=now - timedelta(days=20))  # fmt: skip
    # … vs. barely overdue but fragile (low R)
    put_state(db, learner, b, stability=2, last_review=now - timedelta(days=9),
              due=now - timedelta(days=1))  # fmt: skip
    put_state(db, learner, c, stability=10, last_review=now - timedelta(days=15),
              due=now - timedelta(days=3))  # fmt: skip
    put_state(db, learner, d, stability=30, last_review=now - timedelta(days=31),
              due=now - timedelta(hours=2))  # fmt: skip
    expected = sorted(
        [(a, 400, 60), (b, 2, 9), (c, 10, 15), (d, 30, 31)],
        key=lambda x: retrievability(DEFAULTS, x[2], x[1]),
    )
    order = lowest_recall_first(db, learner, None, now)
    assert [pk for pk, _ in order] == [pk for pk, _, _ in expected] and order[0][0] == b
    scheduler = FsrsScheduler(fuzz=False)
    for pk, r_sql in order:  # SQL agrees with py-fsrs
        assert r_sql == pytest.approx(scheduler.retrievability(get_memory(db, learner.id, pk), now))

    session = session_for(db, learner, ["small"], clock=clock, tz=UTC, fuzz=False)
    learner = update_settings(db, learner.id, new_per_day=0)
    session.reload_learner()
    served = []
    while (item := session.next_item()) is not None:
        served.append(item.card_pk)
        session.answer(item, Rating.GOOD)
    assert served == [pk for pk, _, _ in expected]


def test_backlog_days(db: Database, learner: Learner, clock: FakeClock) -> None:
    now = clock.now
    assert backlog_days(db, learner, now=now, tz=UTC) == 0
    for i, pk in enumerate(pks(db)):
        put_state(db, learner, pk, stability=5, last_review=now - timedelta(days=20 + i),
                  due=now - timedelta(days=10 + i))  # fmt: skip
    learner = update_settings(db, learner.id, reviews_per_day=2)
    info = backlog(db, learner, now=now, tz=UTC)
    assert (info.due, info.overdue, info.per_day, info.days) == (5, 5, 2, 3)  # ceil(5 / 2)
    assert backlog_days(db, learner, now=now, tz=UTC) == 3
    learner = update_settings(db, learner.id, reviews_per_day=0)
    assert backlog_days(db, learner, now=now, tz=UTC) is None
    session = session_for(db, learner, ["small"], clock=clock, tz=UTC)
    assert session.counts().review == 0  # the daily limit holds the load


# --------------------------------------------------------------------------- leeches


def test_leech_detection_on_constructed_histories(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    now = clock.now
    lapser, fragile, spread_ok, same_day, healthy = pks(db)
    put_state(db, learner, lapser, stability=5, lapses=LEECH_LAPSES,
              last_review=now - timedelta(days=1), due=now + timedelta(days=4))  # fmt: skip
    days6 = [now - timedelta(days=d) for d in range(6)]
    put_state(db, learner, fragile, stability=1.5, reps=6, lapses=3,
              last_review=days6[0], due=now + timedelta(days=1))  # fmt: skip
    put_reviews(db, learner, fragile, days6)  # six study days, still S < 2
    put_state(db, learner, spread_ok, stability=1.5, reps=5,
              last_review=days6[0], due=now + timedelta(days=1))  # fmt: skip
    put_reviews(db, learner, spread_ok, days6[:5])  # only five days
    put_state(db, learner, same_day, stability=0.5, reps=8, state=3,
              last_review=now, due=now + timedelta(minutes=10))  # fmt: skip
    put_reviews(db, learner, same_day, [now - timedelta(minutes=m) for m in range(8)])
    put_state(db, learner, healthy, stability=40, lapses=2,
              last_review=now - timedelta(days=3), due=now + timedelta(days=37))  # fmt: skip

    found = find_leeches(db, learner, now=now, tz=UTC)
    assert [lc.card_pk for lc in found] == [lapser, fragile]
    assert found[0].reason == "8 lapses" and "after 6 review days" in found[1].reason
    marked = mark_leeches(db, learner, now=now, tz=UTC)
    assert all(not lc.suspended for lc in marked)
    assert [r[0] for r in db.execute("SELECT card_pk FROM card_state WHERE leech = 1")] == [
        lapser,
        fragile,
    ]
    assert db.execute("SELECT count(*) FROM card_state WHERE suspended = 1").fetchone()[0] == 0

    # per-learner thresholds and action from the settings JSON
    learner = update_settings(
        db, learner.id, leech_min_review_days=5, leech_action="suspend", leech_lapses=2
    )
    rules = LeechRules.for_learner(learner)
    assert (rules.lapses, rules.min_review_days, rules.action) == (2, 5, "suspend")
    found = find_leeches(db, learner, now=now, tz=UTC)
    assert {lc.card_pk for lc in found} == {lapser, fragile, spread_ok, healthy}
    mark_leeches(db, learner, now=now, tz=UTC)
    state = state_row(db, learner.id, spread_ok)
    assert state is not None and state["leech"] == 1 and state["suspended"] == 1


def test_leech_check_after_answer_and_undo(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    now = clock.now
    pk = pks(db)[0]
    put_state(db, learner, pk, stability=3, lapses=LEECH_LAPSES - 1,
              last_review=now - timedelta(days=5), due=now)  # fmt: skip
    assert check_card(db, learner, pk, now=now, tz=UTC) is None
    session = session_for(db, learner, ["small"], clock=clock, tz=UTC, fuzz=False)
    session.answer(load_item(db, pk), Rating.AGAIN)  # the eighth lapse
    state = state_row(db, learner.id, pk)
    assert state is not None and state["lapses"] == LEECH_LAPSES and state["leech"] == 1
    assert state["suspended"] == 0
    session.undo()
    state = state_row(db, learner.id, pk)
    assert state is not None and state["leech"] == 0 and state["lapses"] == LEECH_LAPSES - 1


def test_leeches_command(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    db_path = tmp_path / "p.db"
    base = ["--db", str(db_path), "--decks", str(write_deck().parent)]
    runner = CliRunner()
    out = runner.invoke(cli, [*base, "leeches", "--learner", "ann"])
    assert out.exit_code == 0 and "No leeches for ann" in out.output


# --------------------------------------------------------------------------- advisor


def test_advisor_higher_retention_costs_more_reviews() -> None:
    # a year of a 1000-card deck (over short horizons the low end is noisy: more
    # lapses at 0.70 can cost as many reviews as 0.75)
    adv = advice(DEFAULTS, deck_size=1000, new_per_day=20, review_limit=9999, days=365)
    per_day = [r.reviews_per_day for r in adv.rows]
    assert [r.desired_retention for r in adv.rows] == [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99]
    assert per_day == sorted(per_day) and per_day[-1] > 2 * per_day[0]
    assert adv.best is max(adv.rows, key=lambda r: r.knowledge_per_minute)
    table = format_table(adv, current=0.9)
    assert "◀ best" in table and "(yours)" in table
    assert bar_chart(adv).splitlines()[-1].startswith(" 0.99 |" + "#" * 40)


def test_advisor_suggestion_says_or_lower_at_the_bottom() -> None:
    rows = [AdvisorRow(r, 1.0, 1.0, 1.0, 10.0, k) for r, k in ((0.7, 0.5), (0.8, 0.4))]
    adv = Advice(rows, rows[0], 10, 30, 5, 100, False)
    assert adv.suggestion == "0.70 or lower"
    adv2 = Advice(rows, rows[1], 10, 30, 5, 100, False)
    assert adv2.suggestion == "0.80"


def test_advise_command(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    base = ["--db", str(tmp_path / "p.db"), "--decks", str(write_deck().parent)]
    args = ["advise", "--learner", "ann", "--days", "60", "--deck", "small"]
    out = CliRunner().invoke(cli, [*base, *args])
    assert out.exit_code == 0, out.output
    assert "ann: 5 cards, 20 new/day" in out.output
    assert "Suggested desired retention:" in out.output and "minutes/day" in out.output


def test_retrievability_helper_matches_the_scheduler() -> None:
    scheduler = FsrsScheduler(fuzz=False)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    mem = scheduler.review(1, MemoryState(), Rating.GOOD, t0)
    mem = scheduler.review(1, mem, Rating.GOOD, t0 + timedelta(minutes=10))
    later = t0 + timedelta(days=7)
    assert mem.stability is not None and mem.last_review is not None
    expected = scheduler.retrievability(mem, later)
    elapsed = (later - mem.last_review).days  # py-fsrs counts whole days elapsed
    assert retrievability(DEFAULTS, elapsed, mem.stability) == pytest.approx(expected, abs=1e-6)
    assert ms_to_dt(dt_to_ms(later)) == later
