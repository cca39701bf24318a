"""Pilot tests of the stats screen (numbers as metrics.compute gives them, charts, export),
the leech shortcut to browse, the scheduler actions in settings and the home backlog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Select
from textual_plotext import PlotextPlot

from quizapp.model import Rating
from quizapp.reports.metrics import compute
from quizapp.store import progress
from quizapp.store.learners import update_settings
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from quizapp.tui.app import QuizApp
from quizapp.tui.screens.advisor import AdvisorScreen
from quizapp.tui.screens.browse import BrowseScreen
from quizapp.tui.screens.settings import SettingsScreen
from quizapp.tui.screens.stats import ExportScreen, StatsScreen

from .conftest import SIZE, T0, Clock, settle, text_of, until

Build = Callable[..., QuizApp]
DAYS = 12


def seed_history(app: QuizApp, deck_dir: Path) -> None:
    """DAYS days of study before T0: every card, Good mostly, Again every third day."""
    sync_paths(app.db, [deck_dir])
    clock = Clock()
    for day in range(DAYS):
        clock.now = T0 - timedelta(days=DAYS - day, hours=1)
        session = session_for(app.db, app.learner, clock=clock, fuzz=False)
        for _ in range(8):
            item = session.next_item()
            if item is None:
                break
            rating = Rating.AGAIN if day % 3 == 2 else Rating.GOOD
            session.answer(item, rating, duration_ms=9_000)


async def test_stats_screen_shows_the_metrics_and_charts(build: Build, deck_dir: Path) -> None:
    app = build(learner_name="learner")
    seed_history(app, deck_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(
            pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.metrics is not None
        )
        screen = app.screen
        assert isinstance(screen, StatsScreen) and screen.metrics is not None
        m = compute(app.db, app.learner, deck_ids=app.visible_decks, now=T0)
        c = m.counts
        assert c.total == 5 and m.reviews > 0
        summary = text_of(screen.query_one("#stats-summary"))
        assert (
            f"new {c.new} · learning {c.learning} · young {c.young} · mature {c.mature} · "
            f"suspended {c.suspended} · leeches {c.leeches}  (seen {c.seen} of 5)"
        ) in summary
        for days in (7, 30, 365):
            w = m.retention_window(days).all
            assert w.total
            assert f"{days} days  all {w.rate:.0%} ({w.passed}/{w.total})" in summary
        assert f"{m.streak.current} days · longest {m.streak.longest}" in summary
        assert f"{m.minutes:.0f} min over {m.reviews} reviews" in summary
        charts = {p.id for p in screen.query(PlotextPlot)}
        assert charts == {
            "chart-reviews",
            "chart-forecast",
            "chart-retention",
            "chart-mastery",
            "chart-calibration",
        }
        assert "Leeches" in text_of(screen.query_one("#stats-leech-box"))
        # l: browse filtered on leeches (card_state.leech, set by the leech rules)
        pk = app.db.conn.execute("SELECT id FROM cards WHERE card_id = 'mcq-1'").fetchone()[0]
        progress.set_flag(app.db, app.learner.id, pk, "leech", 1)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        assert app.screen.query_one("#f-state", Select).value == "leech"
        results = app.screen.query_one("#results", DataTable)
        leeches = app.db.conn.execute("SELECT count(*) FROM card_state WHERE leech = 1").fetchone()[
            0
        ]
        rows = [[str(c) for c in results.get_row_at(i)] for i in range(results.row_count)]
        assert len(rows) == leeches >= 1
        assert all("leech" in r[3] for r in rows) and "mcq-1" in [r[1] for r in rows]


async def test_export_writes_the_report(build: Build, deck_dir: Path, tmp_path: Path) -> None:
    app = build(learner_name="learner")
    seed_history(app, deck_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(
            pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.metrics is not None
        )
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        path = dialog.query_one("#export-path", Input)
        assert path.value.endswith("quizapp-report-learner-2026-03-02.html")
        dialog.query_one("#export-format", Select).value = "csv"
        await pilot.pause()
        assert path.value.endswith("quizapp-report-learner-2026-03-02.csv")
        target = tmp_path / "out" / "progress.csv"
        target.parent.mkdir()
        path.value = str(target)
        await pilot.click("#export-go")
        msg = await settled_text(pilot, dialog, lambda t: t.startswith("✓"))
        assert msg == f"✓ Wrote csv report for learner to {target}."
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("learner,") and lines[1].startswith("learner,")
        # A folder that does not exist: said, nothing written.
        path.value = str(tmp_path / "missing" / "r.csv")
        path.focus()
        await pilot.press("enter")  # Enter in the file name exports too
        msg = await settled_text(pilot, dialog, lambda t: "does not exist" in t)
        assert "does not exist" in msg


async def settled_text(pilot, dialog, done, tries: int = 100) -> str:  # type: ignore[no-untyped-def]
    """The export message once `done(text)` holds (the export runs in a worker that is
    started by the click's message, so one wait_for_complete can come too early)."""
    text = ""
    for _ in range(tries):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        text = text_of(dialog.query_one("#export-msg"))
        if done(text):
            break
    return text


async def test_settings_optimize_and_retention_advisor(build: Build) -> None:
    app = build(learner_name="learner")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: bool(text_of(app.screen.query_one("#settings-optimize"))))
        out = text_of(app.screen.query_one("#settings-optimize"))
        assert out.startswith("Not enough data to personalise the scheduler: only 0 reviews")
        await pilot.press("ctrl+r")
        await until(
            pilot, lambda: isinstance(app.screen, AdvisorScreen) and app.screen.advice is not None
        )
        adv = app.screen
        assert isinstance(adv, AdvisorScreen) and adv.advice is not None
        table = adv.query_one("#advisor-table", DataTable)
        assert table.row_count == len(adv.advice.rows) == 8
        assert f"Suggested desired retention: {adv.advice.suggestion}" in text_of(
            adv.query_one("#advisor-suggestion")
        )
        assert adv.query_one("#advisor-chart", PlotextPlot)
        await pilot.press("a")
        await pilot.pause()
        assert app.learner.desired_retention == round(adv.advice.best.desired_retention, 2)


async def test_home_says_how_long_the_backlog_takes(build: Build, deck_dir: Path) -> None:
    clock = Clock(T0 + timedelta(days=120))  # long away: every review card is due
    app = build(learner_name="learner", clock=clock)
    seed_history(app, deck_dir)
    app.learner = update_settings(app.db, app.learner.id, reviews_per_day=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        due = app.db.conn.execute("SELECT count(*) FROM card_state WHERE state = 2").fetchone()[0]
        assert due >= 2
        today = text_of(app.screen.query_one("#today"))
        assert f"Backlog: about {due} days at 1 reviews/day" in today
