"""quizapp → Anki progress with Anki's backend as the oracle: a package exported with a
learner's progress opens in Anki with the same due dates, intervals, reps, lapses, FSRS
memory states and review counts; exported and imported again, it gives the same state."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.clock import ms_to_dt, study_day
from quizapp.decks.discovery import bundled_decks_dir
from quizapp.interop.importer import import_file
from quizapp.interop.progress_import import import_progress
from quizapp.model import Rating
from quizapp.store import open_database
from quizapp.store.db import Database
from quizapp.store.items import load_item
from quizapp.store.learners import ensure_learner, update_settings
from quizapp.store.progress import set_flag
from quizapp.store.sync import sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock

DECK = "sts-recurrence"
#: the ratings given each simulated day, in queue order: learning, review, relearning
#: and lapsed cards all come out of it
PATTERN = [Rating.GOOD, Rating.EASY, Rating.AGAIN, Rating.GOOD, Rating.HARD, Rating.GOOD]

Item = tuple[str, int]  # (card id, ord)


def _day(ms: int) -> date:
    when = ms_to_dt(ms)
    assert when is not None
    return date.fromisoformat(study_day(when))


def _today() -> date:
    return date.fromisoformat(study_day(datetime.now(UTC)))


def _study(db: Database, name: str) -> None:
    """Three weeks of study ending yesterday (Anki's 'today' is the real now; the 168
    answers, 30 s apart, take 84 simulated minutes: started 21 days back they would end
    in the future, across a study-day boundary at some hours of the day)."""
    sync_paths(db, [bundled_decks_dir()])
    learner = update_settings(db, ensure_learner(db, name).id, new_per_day=1)
    clock = FakeClock(datetime.now(UTC) - timedelta(days=22))
    k = 0
    for _ in range(21):
        session = session_for(db, learner, [DECK], clock=clock, fuzz=False)
        for _ in range(8):
            item = session.next_item()
            if item is None:
                break
            session.answer(item, PATTERN[k % len(PATTERN)], duration_ms=3000 + k)
            k += 1
            clock.advance(seconds=30)
        clock.advance(days=1)
    reviews = [
        r[0]
        for r in db.conn.execute(
            "SELECT card_pk FROM card_state WHERE learner_id = ? AND state = 2 ORDER BY card_pk",
            [learner.id],
        )
    ]
    session = session_for(db, learner, [DECK], clock=clock, fuzz=False)
    session.answer(load_item(db, reviews[0]), Rating.AGAIN)  # a lapse: relearning
    set_flag(db, learner.id, reviews[1], "suspended", 1)
    unseen = db.conn.execute(
        "SELECT id FROM cards WHERE deck_id = ? AND id NOT IN "
        "(SELECT card_pk FROM card_state WHERE learner_id = ?) ORDER BY id DESC LIMIT 1",
        [DECK, learner.id],
    ).fetchone()[0]
    set_flag(db, learner.id, unseen, "suspended", 1)  # suspended before it was studied
    # A card in learning, whatever the hour the test runs at (the simulated days follow
    # the real clock, and by the last one the learning cards may all have graduated).
    first_seen = db.conn.execute(
        "SELECT id FROM cards WHERE deck_id = ? AND id NOT IN "
        "(SELECT card_pk FROM card_state WHERE learner_id = ?) ORDER BY id LIMIT 1",
        [DECK, learner.id],
    ).fetchone()[0]
    session.answer(load_item(db, first_seen), Rating.AGAIN)


def _states(db: Database, name: str) -> dict[Item, dict]:
    cur = db.conn.execute(
        """SELECT c.card_id, c.ord, s.state, s.stability, s.difficulty, s.due, s.last_review,
                  s.reps, s.lapses, s.suspended,
                  (SELECT count(*) FROM reviews r WHERE r.learner_id = s.learner_id
                     AND r.card_pk = s.card_pk) AS n_reviews
           FROM card_state s JOIN cards c ON c.id = s.card_pk
           JOIN learners l ON l.id = s.learner_id
           WHERE l.name = ? AND c.deck_id = ? AND s.state IS NOT NULL""",
        [name, DECK],
    )
    names = [d[0] for d in cur.description]
    return {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in cur}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("export")
    db_path = root / "p.db"
    db = open_database(db_path)
    try:
        _study(db, "ann")
    finally:
        db.conn.close()
    out = root / "sts.apkg"
    args = ["--db", str(db_path), "export", "--anki", DECK, "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--with-progress", "--learner", "ann"])
    assert result.exit_code == 0, result.output
    assert "Progress of ann:" in result.output
    return db_path, out


def _anki_cards(apkg: Path, root: Path) -> tuple[dict[Item, dict], int]:
    """Each quizapp item's card as Anki sees it after importing the package."""
    col = Collection(str(root / "oracle.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=True)
            )
        )
        today = _today()
        out: dict[Item, dict] = {}
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            meta = json.loads(html.unescape(card.note()["quizapp"]))
            item = (meta["id"], card.ord + 1 if meta["type"] == "cloze" else 0)
            in_days = card.type == 2
            ms = card.memory_state
            out[item] = {
                "type": card.type,
                "queue": card.queue,
                "due_date": today + timedelta(days=card.due - col.sched.today) if in_days else None,
                "due_s": None if in_days else card.due,
                "ivl": card.ivl,
                "reps": card.reps,
                "lapses": card.lapses,
                "stability": ms.stability if ms else None,
                "difficulty": ms.difficulty if ms else None,
                "revlog": col.db.scalar("SELECT count(*) FROM revlog WHERE cid = ?", cid),
            }
        total = col.db.scalar("SELECT count(*) FROM revlog")
    finally:
        col.close()
    return out, total


def test_anki_shows_our_schedule(exported: tuple[Path, Path], tmp_path: Path) -> None:
    db_path, apkg = exported
    db = open_database(db_path)
    try:
        ours = _states(db, "ann")
        n_reviews = db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        db.conn.close()
    anki, total = _anki_cards(apkg, tmp_path)
    assert {s["state"] for s in ours.values()} == {1, 2, 3}  # every kind is covered
    assert any(s["lapses"] for s in ours.values()) and any(s["suspended"] for s in ours.values())
    assert total == n_reviews
    for key, s in ours.items():
        a = anki[key]
        assert a["type"] == s["state"], key
        assert (a["reps"], a["lapses"], a["revlog"]) == (s["reps"], s["lapses"], s["n_reviews"])
        assert a["stability"] == pytest.approx(s["stability"], abs=1e-4)
        assert a["difficulty"] == pytest.approx(s["difficulty"], abs=1e-3)
        if s["suspended"]:
            assert a["queue"] == -1
        if s["state"] == 2:
            assert a["due_date"] == _day(s["due"]), key
            assert a["ivl"] == max(1, (_day(s["due"]) - _day(s["last_review"])).days)
        else:
            assert a["due_s"] == s["due"] // 1000, key
    studied = set(ours)
    new = [a for k, a in anki.items() if k not in studied]
    assert all(a["reps"] == 0 and a["type"] == 0 and not a["revlog"] for a in new)
    assert sorted(a["queue"] for a in new)[:2] == [-1, 0]  # one suspended new card, once


def test_round_trip_gives_the_same_state(exported: tuple[Path, Path], tmp_path: Path) -> None:
    db_path, apkg = exported
    db = open_database(db_path)
    try:
        ours = _states(db, "ann")
    finally:
        db.conn.close()
    other = open_database(tmp_path / "other.db")
    try:
        result = import_file(apkg, tmp_path / "decks")
        sync_paths(other, [tmp_path / "decks"])
        done = import_progress(other, ensure_learner(other, "bob"), result.revlog, result.schedule)
        assert done.anki_state == len(ours) and done.replayed == 0
        back = _states(other, "bob")
    finally:
        other.conn.close()
    assert set(back) == set(ours)
    for key, s in ours.items():
        b = back[key]
        assert (b["state"], b["reps"], b["lapses"]) == (s["state"], s["reps"], s["lapses"])
        assert (b["suspended"], b["n_reviews"]) == (s["suspended"], s["n_reviews"])
        assert b["stability"] == pytest.approx(s["stability"], abs=1e-4)
        assert b["difficulty"] == pytest.approx(s["difficulty"], abs=1e-3)
        assert b["last_review"] // 1000 == s["last_review"] // 1000
        if s["state"] == 2:
            assert _day(b["due"]) == _day(s["due"]), key
        else:
            assert b["due"] // 1000 == s["due"] // 1000, key


def test_cli_refusals(tmp_path: Path) -> None:
    base = [
        "--db",
        str(tmp_path / "p.db"),
        "export",
        "--anki",
        DECK,
        "-o",
        str(tmp_path / "x.apkg"),
    ]
    runner = CliRunner()
    for extra, says in [
        (["--with-progress"], "needs --learner"),
        (["--learner", "ann"], "only used with --with-progress"),
        (["--with-progress", "--learner", "nobody"], "no learner named 'nobody'"),
    ]:
        result = runner.invoke(cli, [*base, *extra])
        assert result.exit_code == 1, result.output
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:") and says in lines[0]
        assert not (tmp_path / "x.apkg").exists()
