"""One scope for study and reports: the same tag matching, history over inactive cards,
and the current streak the TUI shows equal to the reports' streak."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from quizapp.reports import metrics as M
from quizapp.reports.days import current_streak, streak_from_days, study_days
from quizapp.reports.reviewlog import iter_reviews
from quizapp.store.scope import Scope
from tests.test_reports_data import DAY, NOW, add_card, add_deck, add_review, build_history


@pytest.fixture
def hist(tmp_path: Path):
    db, learner = build_history(tmp_path / "hist.db")
    yield db, learner
    db.conn.close()


def _study_cards(db, scope: Scope) -> set[int]:  # type: ignore[no-untyped-def]
    where, params = scope.sql("c")
    return {r[0] for r in db.conn.execute(f"SELECT c.id FROM cards c WHERE {where}", params)}


def test_tags_match_the_same_cards_in_study_and_reports(hist) -> None:
    db, who = hist
    add_deck(db, "d3", "Deck Three")
    basic = {"type": "basic", "prompt": "P", "answer": "A"}
    add_card(db, 20, "d3", "upper", basic, ("Cardio",))  # the tag in another case
    add_card(db, 21, "d3", "under", basic, ("a_b",))
    add_card(db, 22, "d3", "lookalike", basic, ("axb", "50%"))
    add_review(db, who.id, 20, NOW - DAY, 3, 1000)
    add_review(db, who.id, 22, NOW - DAY, 3, 1000)
    cases = {
        # ASCII case does not matter (SQLite's LIKE): reports used to leave card 20 out
        ("cardio",): {2, 3, 4, 20},
        # a tag's `_` and `%` are its own characters: study used to take card 22 for
        # `a_b` (LIKE's any-character) and every tagged card for `%`
        ("a_b",): {21},
        ("%",): set(),
        ("50%",): {22},
    }
    for tags, cards in cases.items():
        scope = Scope(tags=tags)
        assert _study_cards(db, scope) == cards, tags
        m = M.compute(db, who, now=NOW, tags=tags)
        assert m.counts.total == len(cards), tags
        s = M.summarize(db, who, now=NOW, tags=tags)
        assert s.counts == m.counts and s.reviews == m.reviews, tags
        logged = {r.card_pk for r in iter_reviews(db, who, tags=tags, now=NOW)}
        assert logged <= cards, tags
    assert M.compute(db, who, now=NOW, tags=["cardio"]).reviews == 4 + 1  # card 20's review


def test_history_keeps_inactive_cards_counts_do_not(hist) -> None:
    db, who = hist
    before = M.compute(db, who, now=NOW, tags=["cardio"])
    db.conn.execute("UPDATE cards SET active = 0 WHERE id = 4")
    scope = Scope(tags=("cardio",))
    assert 4 not in _study_cards(db, scope)  # study: what can be studied now
    assert 4 in _study_cards_all(db, scope)  # history: what has been studied
    after = M.compute(db, who, now=NOW, tags=["cardio"])
    assert after.counts.total == before.counts.total - 1
    assert (after.reviews, after.retention) == (before.reviews, before.retention)
    assert after.activity == before.activity
    assert any(r.card_pk == 4 for r in iter_reviews(db, who, tags=["cardio"], now=NOW))


def _study_cards_all(db, scope: Scope) -> set[int]:  # type: ignore[no-untyped-def]
    where, params = scope.sql("c", include_inactive=True)
    return {r[0] for r in db.conn.execute(f"SELECT c.id FROM cards c WHERE {where}", params)}


def test_unfiltered_history_scope_is_every_card() -> None:
    assert Scope().sql("r", include_inactive=True) == ("1", [])
    assert Scope(("d1",)).sql("x", include_inactive=True) == ("x.deck_id IN (?)", ["d1"])
    assert Scope(()).sql(include_inactive=True) == ("0", [])
    assert not Scope().filtered and Scope(tags=("t",)).filtered and Scope(()).filtered


@pytest.mark.parametrize("zone", [None, "Europe/Berlin", "America/New_York"])
def test_current_streak_equals_the_report_streak(hist, zone: str | None) -> None:
    db, who = hist
    tz = ZoneInfo(zone) if zone else None
    for k in (-3, -1, 0, 1, 2, 3, 40):
        now: datetime = NOW + k * DAY
        days = study_days(db, who, now=now, tz=tz)
        today = M.compute(db, who, now=now, tz=tz).today
        assert current_streak(db, who, now, tz) == streak_from_days(days, today).current, k
    assert current_streak(db, who, NOW, tz) == M.compute(db, who, now=NOW, tz=tz).streak.current


def test_current_streak_across_a_dst_change(tmp_path: Path) -> None:
    """Study days of 23 and 25 hours: every day of a streak over both DST changes of a
    year counts once."""
    db, who = build_history(tmp_path / "dst.db")
    tz = ZoneInfo("Europe/Berlin")
    start = datetime(2025, 3, 1, 12, 0, tzinfo=tz)
    for k in range(300):
        add_review(db, who.id, 1, (start + k * DAY).astimezone(ZoneInfo("UTC")), 3, 1000)
    now = start + 299 * DAY
    assert current_streak(db, who, now, tz) == 300
    assert (
        streak_from_days(
            study_days(db, who, now=now, tz=tz), M.compute(db, who, now=now, tz=tz).today
        ).current
        == 300
    )
    db.conn.close()
