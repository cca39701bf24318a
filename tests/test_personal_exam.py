"""Exam-date mode with a fixed clock: caps until the exam, none after; new-card pace;
the plan report and the `plan` commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from quizapp.cli.main import cli
from quizapp.clock import dt_to_ms
from quizapp.model import Rating
from quizapp.personal.exam import (
    cap_instant,
    clear_plans,
    format_report,
    list_plans,
    new_pace,
    plan_report,
    set_plan,
)
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.items import load_item
from quizapp.store.learners import Learner, ensure_learner, update_settings
from quizapp.store.progress import get_memory
from quizapp.store.sync import sync_paths
from quizapp.study.session import StudySession, session_for
from tests.conftest import FakeClock

EXAM = date(2026, 3, 12)  # ten days after the fixed clock's 2026-03-02 09:00 UTC


@pytest.fixture
def learner(db: Database, write_deck: Callable[..., Path]) -> Learner:
    assert sync_paths(db, [write_deck().parent]).deck_ids == ["small"]
    return ensure_learner(db, "ann")


def pk_of(db: Database, card_id: str, ord_: int = 0) -> int:
    return db.execute(
        "SELECT id FROM cards WHERE card_id = ? AND ord = ?", [card_id, ord_]
    ).fetchone()[0]


def make_mature(db: Database, learner: Learner, card_pk: int, now: datetime) -> None:
    """A review card last seen 100 days ago with a stability of 100 days, due now."""
    db.execute(
        """INSERT OR REPLACE INTO card_state (learner_id, card_pk, state, step, stability,
               difficulty, due, last_review, reps, lapses)
           VALUES (?, ?, 2, NULL, 100.0, 5.0, ?, ?, 5, 0)""",
        [learner.id, card_pk, dt_to_ms(now), dt_to_ms(now - timedelta(days=100))],
    )


def session(db: Database, learner: Learner, clock: FakeClock) -> StudySession:
    return session_for(db, learner, ["small"], clock=clock, tz=UTC, fuzz=False)


def test_easy_answer_ten_days_before_exam_comes_back_before_it(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    pk = pk_of(db, "basic-1")
    make_mature(db, learner, pk, clock.now)
    uncapped = FsrsScheduler(learner.desired_retention, fuzz=False).review(
        pk, get_memory(db, learner.id, pk), Rating.EASY, clock.now
    )
    assert uncapped.due is not None and uncapped.due.date() > EXAM  # would skip the exam

    plan = set_plan(db, learner.id, EXAM, deck_ids=["small"], now=clock.now)
    s = session(db, learner, clock)
    item = load_item(db, pk)
    out = s.answer(item, Rating.EASY)
    cap = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)  # exam day start (04:00) minus one day
    assert cap_instant(plan, learner, UTC) == cap
    assert out.after.due == cap and out.after.due.date() < EXAM
    assert out.after.stability == pytest.approx(uncapped.stability)  # memory untouched
    assert s.preview(item)[Rating.EASY] <= cap - clock.now


def test_no_cap_after_the_exam_or_outside_the_scope(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    set_plan(db, learner.id, EXAM, tags=["other-topic"], now=clock.now)  # not this deck's tag
    set_plan(db, learner.id, EXAM, deck_ids=["small"], now=clock.now)
    after_exam = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    clock.now = after_exam
    pk = pk_of(db, "basic-1")
    make_mature(db, learner, pk, clock.now)
    expected = FsrsScheduler(learner.desired_retention, fuzz=False).review(
        pk, get_memory(db, learner.id, pk), Rating.EASY, clock.now
    )
    out = session(db, learner, clock).answer(load_item(db, pk), Rating.EASY)
    assert out.after.due == expected.due and expected.due is not None
    assert expected.due > after_exam + timedelta(days=30)

    clear_plans(db, learner.id)
    clear_plans(db, learner.id)
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    set_plan(db, learner.id, EXAM, tags=["other-topic"], now=clock.now)
    pk2 = pk_of(db, "typed-1")
    make_mature(db, learner, pk2, clock.now)
    out2 = session(db, learner, clock).answer(load_item(db, pk2), Rating.EASY)
    assert out2.after.due is not None and out2.after.due.date() > EXAM  # not in the scope


def test_new_cards_are_paced_to_finish_before_the_exam(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    learner = update_settings(db, learner.id, new_per_day=1)
    assert session(db, learner, clock).counts().new == 1
    plan = set_plan(db, learner.id, date(2026, 3, 4), deck_ids=["small"], now=clock.now)
    pace = new_pace(db, learner, plan, clock.now, UTC)
    assert (pace.new_left, pace.days_left, pace.per_day) == (5, 2, 3)  # ceil(5 / 2)
    s = session(db, learner, clock)
    assert s.new_limit() == 3 and s.counts().new == 3
    item = s.next_item()
    assert item is not None
    s.answer(item, Rating.GOOD)
    assert s.counts().new == 2  # the pace is fixed for the day: 3 in all
    # a plan on another deck leaves this session's limit alone
    clear_plans(db, learner.id)
    set_plan(db, learner.id, date(2026, 3, 4), deck_ids=["nope"], now=clock.now)
    assert session(db, learner, clock).new_limit() == 1


def test_plan_report_per_tag(db: Database, learner: Learner, clock: FakeClock) -> None:
    s = session(db, learner, clock)
    for _ in range(2):
        item = s.next_item()
        assert item is not None
        s.answer(item, Rating.GOOD)
    plan = set_plan(db, learner.id, EXAM, now=clock.now)
    report = plan_report(db, learner, plan, now=clock.now, tz=UTC)
    # the pace counts the new cards left at the start of today (2 were learned since)
    assert (report.cards, report.studied, report.pace.new_left) == (5, 2, 5)
    assert report.pace.days_left == 10 and report.active
    tags = {t.tag: t for t in report.by_tag}
    assert tags["test"].cards == 5  # the deck's tag is on every card
    assert 0.0 < report.overall.recall_now < 2 / 5  # new cards count 0
    assert report.overall.recall_on_plan > 0.9  # every card reviewed by the day before
    assert report.planned_reviews > 5 and report.reviews_per_day > 0
    text = format_report(report)
    assert "predicted recall on exam day" in text and "new/day needed" in text
    assert "5 cards, 2 studied, 3 new" in text

    late = plan_report(db, learner, plan, now=datetime(2026, 3, 20, tzinfo=UTC), tz=UTC)
    assert not late.active and late.pace.days_left == 0 and late.planned_reviews == 0


def test_plan_commands(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    decks = write_deck().parent
    base = ["--db", str(tmp_path / "p.db"), "--decks", str(decks), "plan"]
    runner = CliRunner()
    out = runner.invoke(cli, [*base, "set", "--learner", "ann", "--exam", "2099-01-15"])
    assert out.exit_code == 0, out.output
    assert "Plan 1: exam 2099-01-15 — all decks" in out.output
    assert "predicted recall on exam day" in out.output
    bad = runner.invoke(
        cli, [*base, "set", "--learner", "ann", "--exam", "2099-01-15", "--deck", "x"]
    )
    assert bad.exit_code != 0 and "no deck with id x" in bad.output
    shown = runner.invoke(cli, [*base, "show", "--learner", "ann"])
    assert shown.exit_code == 0 and "test" in shown.output and "reviews needed" in shown.output
    cleared = runner.invoke(cli, [*base, "clear", "--learner", "ann"])
    assert "Removed 1 exam plan(s)" in cleared.output
    none = runner.invoke(cli, [*base, "show", "--learner", "ann"])
    assert "No exam plan" in none.output


def test_same_scope_moves_the_date(db: Database, learner: Learner, clock: FakeClock) -> None:
    set_plan(db, learner.id, "2026-06-01", deck_ids=["small"], tags=["a"], now=clock.now)
    set_plan(db, learner.id, "2026-07-01", deck_ids=["small"], tags=["a"], now=clock.now)
    plans = list_plans(db, learner.id)
    assert len(plans) == 1 and plans[0].exam_date == date(2026, 7, 1)


def test_an_exam_today_or_past_is_refused_and_the_plan_kept(
    db: Database,
    learner: Learner,
    clock: FakeClock,
    tmp_path: Path,
    write_deck: Callable[..., Path],
) -> None:
    from quizapp.store.db import StoreError

    set_plan(db, learner.id, EXAM, deck_ids=["small"], now=clock.now)
    for bad in ("2026-03-02", "2020-01-01"):  # today (the clock's study day), the past
        with pytest.raises(StoreError, match="give a date after 2026-03-02"):
            set_plan(db, learner.id, bad, deck_ids=["small"], now=clock.now)
    assert [p.exam_date for p in list_plans(db, learner.id)] == [EXAM]
    # the command: one Error line, exit 1, the plan untouched
    decks = write_deck().parent
    base = ["--db", str(tmp_path / "c.db"), "--decks", str(decks), "plan"]
    runner = CliRunner()
    assert (
        runner.invoke(cli, [*base, "set", "--learner", "a", "--exam", "2099-01-15"]).exit_code == 0
    )
    out = runner.invoke(cli, [*base, "set", "--learner", "a", "--exam", "2020-01-01"])
    assert out.exit_code == 1
    assert out.output.startswith("Error: exam date 2020-01-01 is in the past")
    assert out.output.count("\n") == 1 and "Traceback" not in out.output
    shown = runner.invoke(cli, [*base, "show", "--learner", "a"])
    assert "exam 2099-01-15" in shown.output and "2020" not in shown.output


def test_projection_is_a_range_below_100_for_a_learner_who_fails(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    # a learner who fails half of the reviews FSRS expected them to pass 90 % of the time
    s = session(db, learner, clock)
    while (item := s.next_item()) is not None:
        s.answer(item, Rating.EASY)
    pks = [r[0] for r in db.execute("SELECT card_pk FROM card_state")]
    for day in range(1, 41):
        for i, pk in enumerate(pks):
            db.execute(
                """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, state,
                       prev_state, retrievability)
                   VALUES (?, ?, ?, ?, 2, 2, 0.9)""",
                [
                    learner.id,
                    pk,
                    dt_to_ms(clock.now - timedelta(days=day)) or 0,
                    1 if (day + i) % 2 else 3,
                ],
            )
    plan = set_plan(db, learner.id, EXAM, now=clock.now)
    report = plan_report(db, learner, plan, now=clock.now, tz=UTC)
    again = plan_report(db, learner, plan, now=clock.now, tz=UTC)
    o = report.overall
    assert o == again.overall  # a fixed seed: the same figures every time
    assert report.runs >= 40 and report.observed_reviews == 40 * len(pks)
    assert report.calibration < 0.7  # passes ~52 % of what FSRS expected 90 % of
    assert 0.0 < o.plan_low < o.recall_on_plan < o.plan_high < 1.0
    assert o.recall_on_plan < 0.97
    text = format_report(report)
    assert f"({o.plan_low * 100:.1f}" not in text or "100.0%" not in text
    assert "10th–90th percentile" in text and f"{40 * len(pks)} reviews" in text
    # the same cards for a learner who passes what FSRS predicts do better
    db.execute("UPDATE reviews SET rating = 3 WHERE rating = 1")
    better = plan_report(db, learner, plan, now=clock.now, tz=UTC).overall
    assert better.recall_on_plan > o.recall_on_plan
