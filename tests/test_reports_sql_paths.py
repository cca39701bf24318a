"""The fast paths of reports.metrics: study days computed in SQL (DST included), the
reviews index chosen by storage order, figures shared between learners, inactive cards.

Each test compares the fast path with a slow, obvious computation of the same figure.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from quizapp.clock import dt_to_ms, study_day
from quizapp.reports import cohort, csv_out
from quizapp.reports import metrics as M
from quizapp.reports.cache import ReportCache
from quizapp.reports.days import DayGrid, study_days
from quizapp.reports.figures import LearnerMetrics, LearnerSummary
from quizapp.store.learners import add_learner
from quizapp.store.queries import reports_reviews
from quizapp.store.queries.reports_open import open_readonly
from quizapp.store.queries.reports_reviews import review_index
from tests.test_reports_data import DAY, NOW, add_card, add_deck, add_review, build_history


@pytest.fixture
def hist(tmp_path: Path):
    db, learner = build_history(tmp_path / "hist.db")
    yield db, learner
    db.conn.close()


@pytest.mark.parametrize(
    ("zone", "hour"),
    [
        ("UTC", 4),
        ("Europe/Berlin", 4),
        ("Europe/Berlin", 2),  # the rollover hour is the hour clocks skip / repeat
        ("America/New_York", 0),
        ("Australia/Lord_Howe", 4),  # 30-minute DST shift
        ("America/St_Johns", 3),  # UTC-3:30
    ],
)
def test_day_sql_matches_study_day_across_dst(zone: str, hour: int) -> None:
    tz = ZoneInfo(zone)
    now = NOW + 300 * DAY
    lo = NOW - 200 * DAY
    grid = DayGrid(now, hour, tz)
    expr, labels = grid.day_sql("x", dt_to_ms(lo) or 0, dt_to_ms(now) or 0)
    conn = sqlite3.connect(":memory:")
    instants = []
    t = lo
    while t <= now:
        instants.append(t)
        t += timedelta(minutes=15)
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(dt_to_ms(i),) for i in instants])
    got = [labels[d] for (d,) in conn.execute(f"SELECT {expr} FROM t ORDER BY x")]
    assert got == [study_day(i, hour, tz) for i in instants]
    if zone == "UTC":
        assert "CASE" not in expr  # no DST: a single division


def _layout_db(tmp_path: Path, card_by_card: bool):
    db, who = build_history(tmp_path / f"layout{card_by_card}.db")
    add_deck(db, "big", "Big")
    for pk in range(100, 140):
        add_card(db, pk, "big", f"c{pk}", {"type": "basic", "prompt": "P"}, ("bulk",))
    reviews = [(pk, NOW - (60 - k) * DAY) for pk in range(100, 140) for k in range(0, 60, 3)]
    if not card_by_card:
        reviews.sort(key=lambda r: r[1])
    start = 1000
    for i, (pk, at) in enumerate(reviews):
        add_review(db, who.id, pk, at, 3, 1000, before=(2, 3), retr=0.9, review_id=start + i)
    return db, who


def test_review_index_follows_storage_order(tmp_path: Path, monkeypatch) -> None:
    imported, who_i = _layout_db(tmp_path, card_by_card=True)
    studied, who_s = _layout_db(tmp_path, card_by_card=False)
    assert review_index(imported, who_i.id) == "reviews_card"
    assert review_index(studied, who_s.id) == "reviews_learner_time"
    # the figures do not depend on the index they were read through
    for db, who in ((imported, who_i), (studied, who_s)):
        results = []
        for index in ("reviews_card", "reviews_learner_time"):
            monkeypatch.setattr(reports_reviews, "review_index", lambda db, learner_id, i=index: i)
            results.append(M.compute(db, who, now=NOW))
        assert results[0] == results[1]
        assert results[0].reviews == 10 + 40 * 20


def test_shared_cache_gives_the_same_metrics(hist) -> None:
    db, ada = hist
    bob = add_learner(db, "Bob")
    add_review(db, bob.id, 3, NOW - 3 * DAY, 3, 2000)
    shared = ReportCache()
    for who in (ada, bob, ada):
        for scope in ({}, {"deck_ids": ["d1"]}, {"tags": ["cardio"]}):
            assert M.compute(db, who, now=NOW, shared=shared, **scope) == M.compute(
                db, who, now=NOW, **scope
            )


def test_inactive_cards_and_decks(hist) -> None:
    db, who = hist
    before = M.compute(db, who, now=NOW)
    # card 4 (relearning, due yesterday: in today's forecast) leaves its file
    db.conn.execute("UPDATE cards SET active = 0 WHERE id = 4")
    m = M.compute(db, who, now=NOW)
    assert m.forecast[0].due == before.forecast[0].due - 1
    assert m.counts.total == before.counts.total - 1
    assert m.counts.learning == before.counts.learning - 1
    d1 = {g.key: g for g in m.decks}["d1"]
    # its reviews still count in its deck; the card no longer does
    assert d1.reviews == {g.key: g for g in before.decks}["d1"].reviews
    assert d1.counts.total == 5
    assert "d1/d" not in {h.key for h in m.hardest}
    _same_row_figures(m, M.summarize(db, who, now=NOW))
    # a whole deck made inactive
    db.conn.execute("UPDATE decks SET active = 0 WHERE id = 'd1'")
    m = M.compute(db, who, now=NOW)
    assert sum(f.due for f in m.forecast) == 0
    assert m.counts.total == 2 and m.recall.n == 0
    _same_row_figures(m, M.summarize(db, who, now=NOW))
    _same_row_figures(
        M.compute(db, who, now=NOW, tags=["path"]), M.summarize(db, who, now=NOW, tags=["path"])
    )


def test_group_minutes_are_exact_sums(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW)
    for g in m.tags:
        total_ms = db.conn.execute(
            "SELECT sum(r.duration_ms) FROM reviews r JOIN cards c ON c.id = r.card_pk "
            "WHERE r.learner_id = ? AND r.reviewed_at <= ? AND instr(c.tags, ?) > 0",
            [who.id, dt_to_ms(NOW), f" {g.key} "],
        ).fetchone()[0]
        assert g.minutes == (total_ms or 0) / 60_000


def test_since_streak_uses_every_study_day(hist) -> None:
    db, who = hist
    m = M.compute(db, who, now=NOW, since=NOW - 3 * DAY)
    full = M.compute(db, who, now=NOW)
    assert m.streak == full.streak
    assert study_days(db, who, now=NOW) == [a.day for a in full.activity]
    assert study_days(db, replace(who, id=who.id + 99), now=NOW) == []
    later = NOW - timedelta(days=500)
    assert study_days(db, who, now=later) == []
    assert isinstance(NOW, datetime)


def _same_row_figures(full: LearnerMetrics, summary: LearnerSummary) -> None:
    assert summary.counts == full.counts
    assert summary.retention == full.retention
    assert (summary.reviews, summary.minutes) == (full.reviews, full.minutes)
    assert summary.streak == full.streak
    assert summary.forecast == full.forecast
    assert summary.recall == full.recall
    assert csv_out.render([summary]) == csv_out.render([full])


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"since": NOW - 7 * DAY},
        {"deck_ids": ["d1"]},
        {"tags": ["cardio"]},
        {"deck_ids": []},
        {"tz": ZoneInfo("Europe/Berlin")},
        {"now": NOW - 10 * DAY},  # the windows reach back past part of the log
        {"now": NOW + 500 * DAY},  # and forward: nothing in the last 365 days
        {"now": NOW - 1000 * DAY},  # before the first review
    ],
)
def test_summary_equals_full_metrics(hist, scope) -> None:
    db, who = hist
    kw = {"now": NOW, **scope}
    _same_row_figures(M.compute(db, who, **kw), M.summarize(db, who, **kw))


def test_summary_of_a_short_history(tmp_path: Path) -> None:
    db, _ = build_history(tmp_path / "h.db")
    new = add_learner(db, "New")
    for k, rating in enumerate((3, 1, 3)):
        add_review(db, new.id, 2, NOW - k * DAY, rating, 500, before=(2, 30 * k), retr=0.8)
    _same_row_figures(M.compute(db, new, now=NOW), M.summarize(db, new, now=NOW))


def test_member_summary_merges_like_member_metrics(tmp_path: Path) -> None:
    a, _ = build_history(tmp_path / "a.db", "Ada")
    b, ada_b = build_history(tmp_path / "b.db", "ada")
    add_review(b, ada_b.id, 3, NOW - 60 * DAY, 3, 700, before=(2, 25), retr=0.9)
    a.conn.close()
    b.conn.close()
    sources = cohort.open_sources([tmp_path / "a.db", tmp_path / "b.db"])
    (member,) = cohort.gather(sources, ["Ada"])
    shared = ReportCache()
    full = cohort.member_metrics(member, now=NOW, shared=shared)
    summary = cohort.member_summary(member, now=NOW, shared=shared)
    assert summary.sources == full.sources and summary.reviews == 21
    _same_row_figures(full, summary)


def test_shared_day_grid_grows_either_way(tmp_path: Path) -> None:
    """A grid first built for a short history, then grown for a longer one (and the
    other way round), gives every learner the figures it gives them alone."""
    db, ada = build_history(tmp_path / "g.db")
    new = add_learner(db, "New")
    add_review(db, new.id, 2, NOW - 2 * DAY, 3, 500, before=(2, 30), retr=0.8)
    for order in ((new, ada), (ada, new)):
        shared = ReportCache()
        for who in order:
            alone = M.compute(db, who, now=NOW)
            assert M.compute(db, who, now=NOW, shared=shared) == alone
            _same_row_figures(alone, M.summarize(db, who, now=NOW, shared=shared))
    grid = DayGrid(NOW, 4, None)
    _, short = grid.day_sql("x", dt_to_ms(NOW - 2 * DAY) or 0, dt_to_ms(NOW) or 0)
    _, longer = grid.day_sql("x", dt_to_ms(NOW - 9 * DAY) or 0, dt_to_ms(NOW) or 0)
    assert longer[-1] == short[-1] == study_day(NOW, 4, None) and len(longer) == 10


def test_map_members_on_threads_equals_one_thread(tmp_path: Path) -> None:
    a, _ = build_history(tmp_path / "a.db", "Ada")
    for name, days in (("Bo", 3), ("Cy", 40)):
        who = add_learner(a, name)
        for k in range(days):
            add_review(a, who.id, 1 + k % 8, NOW - k * DAY, 3, 900, before=(2, 5), retr=0.9)
    b, _ = build_history(tmp_path / "b.db", "ada")
    a.conn.close()
    b.conn.close()
    sources = cohort.open_sources([tmp_path / "a.db", tmp_path / "b.db"])
    members = cohort.gather(sources)
    seen: set[int] = set()

    def full(m: cohort.CohortMember, shared: ReportCache) -> LearnerMetrics:
        seen.update(id(p.source.db) for p in m.parts)
        return cohort.member_metrics(m, now=NOW, shared=shared)

    def summary(m: cohort.CohortMember, shared: ReportCache) -> LearnerSummary:
        return cohort.member_summary(m, now=NOW, shared=shared)

    one = cohort.map_members(members, full, workers=1)
    assert seen == {id(s.db) for s in sources}
    seen.clear()
    two = cohort.map_members(members, full, workers=2)
    assert seen.isdisjoint(id(s.db) for s in sources)  # read through connections of its own
    assert one == two and [m.learner for m in two] == ["Ada", "Bo", "Cy"]
    assert cohort.map_members(members, summary, workers=2) == cohort.map_members(
        members, summary, workers=1
    )
    # a database that cannot be opened again: one thread, the given connections
    memory = cohort.DbSource("not-a-file", sources[0].db)
    moved = [replace(m, parts=tuple(replace(p, source=memory) for p in m.parts)) for m in members]
    seen.clear()
    assert cohort.map_members(moved, full, workers=2) == cohort.map_members(moved, full, workers=1)
    assert seen == {id(sources[0].db)}


def test_twin_connection_gives_the_same_metrics(hist, tmp_path: Path) -> None:
    db, who = hist
    shared = ReportCache(twins=True)
    try:
        twin = shared.twin(db)
        assert twin is not None and twin is not db and shared.twin(db) is twin
        for scope in ({}, {"since": NOW - 7 * DAY}, {"tags": ["cardio"]}):
            assert M.compute(db, who, now=NOW, shared=shared, **scope) == M.compute(
                db, who, now=NOW, **scope
            )
    finally:
        shared.close()
    memory = Database(sqlite3.connect(":memory:"))
    assert ReportCache(twins=True).twin(memory) is None
    assert ReportCache().twin(db) is None


def test_second_connections_open_the_same_file_whatever_its_name(tmp_path: Path) -> None:
    odd = tmp_path / "class #1?v=2 %41.db"
    db, who = build_history(odd, "Ada")
    bob = add_learner(db, "Bob")
    add_review(db, bob.id, 3, NOW - DAY, 3, 700)
    db.conn.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    sources = cohort.open_sources([odd])
    members = cohort.gather(sources)

    def full(m: cohort.CohortMember, shared: ReportCache) -> LearnerMetrics:
        return cohort.member_metrics(m, now=NOW, shared=shared)

    two = cohort.map_members(members, full, workers=2)
    assert two == cohort.map_members(members, full, workers=1)
    assert [m.reviews for m in two] == [10, 1]
    assert open_readonly(odd).conn.execute("SELECT count(*) FROM learners").fetchone() == (2,)
    wal = {odd.name + "-wal", odd.name + "-shm"}
    assert set(p.name for p in tmp_path.iterdir()) - wal == set(before) - wal  # no stray file
    assert who.name == "Ada"
