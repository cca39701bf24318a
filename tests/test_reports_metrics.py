"""Every metric on the hand-made history of tests/test_reports_data.py (fixed clock)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from quizapp.reports import metrics as M
from quizapp.reports.cards import recall_function
from quizapp.reports.days import streak_from_days
from quizapp.reports.figures import FORECAST_DAYS, CardCounts, Ratio, Streak
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.progress import memory_from_row, state_row
from tests.test_reports_data import DAY, NOW, build_history


@pytest.fixture
def hist(tmp_path: Path):
    db, learner = build_history(tmp_path / "hist.db")
    yield db, learner
    db.conn.close()


def day(k: int) -> str:
    return (date(2026, 3, 2) - timedelta(days=k)).isoformat()


def test_card_counts(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    assert m.counts == CardCounts(
        new=2, learning=2, young=2, mature=1, suspended=1, leeches=1, seen=6, total=8
    )
    assert m.mastery == pytest.approx(1 / 8)


def test_true_retention_windows_young_and_mature(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    w7, w30, w365 = m.retention
    assert (w7.days, w7.all, w7.young, w7.mature) == (
        7,
        Ratio(2, 3),
        Ratio(1, 2),
        Ratio(1, 1),
    )
    assert (w30.all, w30.young, w30.mature) == (Ratio(2, 4), Ratio(1, 2), Ratio(1, 2))
    assert (w365.all, w365.young, w365.mature) == (Ratio(4, 6), Ratio(2, 3), Ratio(2, 3))
    assert m.retention_window(30).all.rate == 0.5
    assert Ratio().rate is None


def test_activity_study_time_and_streak(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    assert [a.day for a in m.activity] == [day(k) for k in (400, 100, 40, 30, 20, 5, 2, 1, 0)]
    by_day = {a.day: a for a in m.activity}
    assert by_day[day(2)].reviews == 2
    assert by_day[day(2)].minutes == pytest.approx(66 / 60)
    assert by_day[day(2)].retention == Ratio(2, 2)
    assert by_day[day(1)].retention == Ratio(0, 1)
    assert m.reviews == 10  # the review after `now` is not counted
    assert m.minutes == pytest.approx(156_000 / 60_000)
    assert m.streak == Streak(current=3, longest=3, study_days=9, last_day=day(0))
    assert m.today == day(0)


def test_streak_rules() -> None:
    assert streak_from_days([], "2026-03-02") == Streak()
    # alive while today has no review yet but yesterday had
    s = streak_from_days(["2026-02-27", "2026-02-28", "2026-03-01"], "2026-03-02")
    assert (s.current, s.longest) == (3, 3)
    s = streak_from_days(["2026-02-01", "2026-02-02", "2026-02-28"], "2026-03-02")
    assert (s.current, s.longest, s.study_days) == (0, 2, 3)


def test_day_rollover_in_local_time(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from tests.test_reports_data import add_card, add_deck, add_review

    db, who = build_history(tmp_path / "tz.db")
    # 02:30 local in Berlin on 2026-03-02 belongs to the study day of 03-01 (rollover 04:00)
    berlin = ZoneInfo("Europe/Berlin")
    add_deck(db, "d3", "Deck Three")
    add_card(db, 99, "d3", "x", {"type": "basic", "prompt": "X"})
    at = NOW.replace(hour=1, minute=30)  # 02:30 CET
    add_review(db, who.id, 99, at, 3, 1000)
    m = M.compute(db, who, now=NOW, tz=berlin, deck_ids=["d3"])
    assert [a.day for a in m.activity] == ["2026-03-01"]


def test_forecast(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    assert len(m.forecast) == FORECAST_DAYS
    assert m.forecast[0].day == day(0) and m.forecast[1].day == day(-1)
    due = {i: f.due for i, f in enumerate(m.forecast) if f.due}
    assert due == {0: 2, 3: 1, 5: 1, 10: 1}  # day 0: overdue relearning + learning later


def test_predicted_recall_matches_the_scheduler(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    sched = FsrsScheduler(who.desired_retention, who.fsrs_params, fuzz=False)
    expected = [
        sched.retrievability(memory_from_row(state_row(db, who.id, pk)), NOW) for pk in (1, 2, 4, 5)
    ]
    assert m.recall.n == 4
    assert m.predicted_recall == pytest.approx(sum(expected) / 4)  # type: ignore[arg-type]
    fast = recall_function(sched)
    for stability, hours in [(0.5, 3), (2.0, 30), (40.0, 24 * 30 + 5), (300.0, 24 * 400)]:
        mem = memory_from_row(
            {
                "state": 2,
                "step": None,
                "stability": stability,
                "difficulty": 5.0,
                "due": 0,
                "last_review": 0,
                "reps": 1,
                "lapses": 0,
            }
        )
        when = mem.last_review + timedelta(hours=hours)  # type: ignore[operator]
        assert fast(stability, hours * 3_600_000) == pytest.approx(sched.retrievability(mem, when))


def test_calibration_bins(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    assert len(m.calibration) == 10
    got = {i: (b.n, b.passed) for i, b in enumerate(m.calibration) if b.n}
    assert got == {5: (2, 1), 7: (1, 0), 8: (1, 0), 9: (4, 4)}
    b9 = m.calibration[9]
    assert (b9.lo, b9.hi) == (0.9, 1.0)
    assert b9.mean_predicted == pytest.approx((0.95 + 0.91 + 0.99 + 0.93) / 4)
    assert b9.actual == 1.0
    assert m.calibration[0].mean_predicted is None


def test_hardest_cards(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    keys = [h.key for h in m.hardest]
    assert keys[:2] == ["d1/b", "d1/d"]  # 2 lapses, then 1
    assert m.hardest[0].prompt == "How many percent?"
    rest = m.hardest[2:]
    assert all(h.lapses == 0 and h.recall is not None and h.recall < 0.9 for h in rest)
    assert [h.recall for h in rest] == sorted(h.recall for h in rest)  # type: ignore[type-var]
    assert "d2/f" not in keys  # suspended


def test_deck_and_tag_breakdowns(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    decks = {g.key: g for g in m.decks}
    assert decks["d1"].title == "Deck One"
    assert decks["d1"].counts == CardCounts(1, 2, 2, 1, 0, 1, 5, 6)
    assert (decks["d1"].reviews, decks["d1"].retention) == (9, Ratio(3, 6))
    assert decks["d2"].counts == CardCounts(1, 0, 0, 0, 1, 0, 1, 2)
    assert (decks["d2"].reviews, decks["d2"].retention) == (1, Ratio(1, 1))
    tags = {g.key: g for g in m.tags}
    assert sorted(tags) == ["anatomy", "cardio", "path"]
    assert (tags["anatomy"].counts.total, tags["anatomy"].mastery) == (2, 0.5)
    assert (tags["anatomy"].reviews, tags["anatomy"].retention) == (5, Ratio(1, 3))
    assert (tags["cardio"].counts.total, tags["cardio"].mastery) == (3, 0.0)
    assert (tags["cardio"].reviews, tags["cardio"].retention) == (4, Ratio(0, 2))
    assert (tags["path"].counts.total, tags["path"].counts.suspended) == (3, 1)
    assert (tags["path"].reviews, tags["path"].retention) == (3, Ratio(3, 3))


def test_filters_and_since(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW, since=NOW - 7 * DAY)
    assert m.reviews == 5
    assert m.retention_window(30).all == Ratio(2, 3)
    assert m.streak.study_days == 9  # the streak ignores `since`
    assert m.counts.total == 8  # so do the counts
    assert m.filters.since == "2026-02-23T09:00:00.000Z"
    d2 = M.compute(db, who, now=NOW, deck_ids=["d2"])
    assert (d2.counts.total, d2.reviews, [g.key for g in d2.decks]) == (2, 1, ["d2"])
    cardio = M.compute(db, who, now=NOW, tags=["cardio"])
    assert (cardio.counts.total, cardio.reviews) == (3, 4)
    assert M.compute(db, who, now=NOW, deck_ids=[]).counts.total == 0


def test_quiz_accuracy_per_tag(hist) -> None:
    db, who = hist
    assert M.compute(db, who, now=NOW).quiz == ()  # no quiz answered yet
    db.conn.execute(
        "INSERT INTO quiz_blocks (id, learner_id, created_at, mode) VALUES (1, ?, 0, 'tutor')",
        [who.id],
    )
    db.conn.executemany(
        "INSERT INTO quiz_answers (block_id, position, card_pk, learner_id, correct, answered_at)"
        " VALUES (1, ?, ?, ?, ?, ?)",
        [
            (0, 2, who.id, 1, 1),
            (1, 3, who.id, 0, 1),
            (2, 1, who.id, 1, 1),
            (3, 4, who.id, None, None),
        ],  # the last one was not answered
    )
    got = {t.tag: t.accuracy for t in M.compute(db, who, now=NOW).quiz}
    assert got == {"anatomy": Ratio(2, 2), "cardio": Ratio(1, 2)}


def test_quiz_hook_without_the_table(hist) -> None:
    db, who = hist
    db.conn.execute("DROP TABLE quiz_answers")
    assert M.quiz_accuracy_by_tag(db, who) == ()


def test_empty_learner(tmp_path: Path) -> None:
    from quizapp.store import open_database
    from quizapp.store.learners import add_learner

    db = open_database(tmp_path / "empty.db")
    who = add_learner(db, "Nobody")
    m = M.compute(db, who, now=NOW)
    assert m.counts.total == 0 and m.reviews == 0 and m.predicted_recall is None
    assert m.streak == Streak() and all(f.due == 0 for f in m.forecast)
