"""`quizapp optimize`: import, fit on the real log (reference figures), minimum data,
saved runs and parameters, rescheduling from history."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from quizapp.cli.main import cli
from quizapp.clock import dt_to_ms, ms_to_dt
from quizapp.model import MemoryState, Rating
from quizapp.personal.fitting import import_revlog, last_run, optimize_learner, reschedule
from quizapp.scheduling.optimizer import DEFAULT_PARAMETERS
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store import open_database
from quizapp.store.learners import ensure_learner, get_learner
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock

# A copy of ../shared/data/review_logs_josh.csv kept in the repo, so CI always has it.
JOSH_CSV = Path(__file__).resolve().parent / "fixtures/data/review_logs_josh.csv"


def run(db_path: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_optimize_josh_prints_the_reference_figures(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    code, out = run(db_path, "optimize", "--learner", "sample", "--revlog", str(JOSH_CSV))
    assert code == 0, out
    lines = out.splitlines()
    assert "log loss: default 0.4649 → fitted 0.4573" in lines
    assert "RMSE(bins): default 0.0744 → fitted 0.0553" in lines
    honest = next(line for line in lines if line.startswith("strict review-time order"))
    assert "log loss 0.4422 → 0.4403" in honest and "RMSE(bins) 0.0622 → 0.0418" in honest
    assert "Imported 12,580 reviews" in out and "Saved the fitted parameters" in out

    db = open_database(db_path)
    learner = get_learner(db, "sample")
    assert learner is not None and learner.fsrs_params is not None
    assert len(learner.fsrs_params) == 21 and learner.fsrs_params != list(DEFAULT_PARAMETERS)
    run_row = last_run(db, learner.id)
    assert run_row is not None and run_row["fitted"] == 1 and run_row["n_reviews"] == 12580
    assert run_row["parameters"] == learner.fsrs_params  # the time-ordered fit is saved
    assert run_row["fitted_log_loss"] < run_row["default_log_loss"]
    assert round(run_row["details"]["by_card"]["fitted_log_loss"], 4) == 0.4573
    # importing again adds nothing (UNIQUE learner, card, time)
    assert import_revlog(db, learner.id, JOSH_CSV).added == 0
    assert db.execute("SELECT count(*) FROM external_reviews").fetchone()[0] == 12580
    db.conn.close()


def write_small_log(path: Path, n_cards: int = 10) -> Path:
    lines = ["card_id,review_rating,review_time,review_duration"]
    for card in range(n_cards):
        for day, rating in ((0, 3), (1, 3), (4, 1), (5, 3)):
            lines.append(f"{card},{rating},2024-01-{1 + day + card:02d}T10:00:00Z,5000")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_below_minimum_data_keeps_defaults(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    log = write_small_log(tmp_path / "small.csv")
    code, out = run(db_path, "optimize", "--learner", "ann", "--revlog", str(log))
    assert code == 0, out
    assert "Not enough data to personalise the scheduler: only 40 reviews" in out
    assert "defaults are kept" in out and "log loss:" not in out
    db = open_database(db_path)
    learner = get_learner(db, "ann")
    assert learner is not None and learner.fsrs_params is None
    row = last_run(db, learner.id)
    assert row is not None and row["fitted"] == 0 and row["n_reviews"] == 40
    assert "only 40 reviews" in row["details"]["reason"]
    db.conn.close()


def test_own_reviews_are_fitted_and_cards_rescheduled(
    db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    """Own answers feed the fit; rescheduling replays each card with new parameters."""
    sync_paths(db, [write_deck().parent])
    learner = ensure_learner(db, "ann")
    session = session_for(db, learner, ["small"], clock=clock, fuzz=False)
    for _ in range(3):  # three study days
        while (item := session.next_item()) is not None:
            session.answer(item, Rating.GOOD)
        clock.advance(days=9)
    n_reviews = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    result = optimize_learner(db, learner, min_reviews=10_000)
    assert result.n_own == n_reviews and not result.saved and learner.fsrs_params is None

    params = list(DEFAULT_PARAMETERS)
    params[2] = 20.0  # initial stability of Good: much longer first intervals
    before = {
        r[0]: r[1:] for r in db.execute("SELECT card_pk, due, stability, reps FROM card_state")
    }
    assert reschedule(db, learner.id, params) == len(before)
    after = {
        r[0]: r[1:] for r in db.execute("SELECT card_pk, due, stability, reps FROM card_state")
    }
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == n_reviews  # log intact
    scheduler = FsrsScheduler(learner.desired_retention, params, fuzz=False)
    for pk, (due, stability, reps) in after.items():
        history = db.execute(
            "SELECT reviewed_at, rating FROM reviews WHERE card_pk = ? ORDER BY reviewed_at",
            [pk],
        ).fetchall()
        mem = MemoryState()
        for at, rating in history:
            at_dt = ms_to_dt(at)
            assert at_dt is not None
            mem = scheduler.review(pk, mem, Rating(rating), at_dt)
        assert due == dt_to_ms(mem.due)
        assert stability == pytest.approx(mem.stability) and reps == before[pk][2]
        assert stability > before[pk][1]  # the longer initial stability shows
    assert json.loads(db.execute("SELECT parameters FROM optimizations").fetchone()[0])
