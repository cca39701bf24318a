"""Anki → quizapp progress with Anki's backend as the oracle: a card that carries an FSRS
memory state imports with Anki's stability, difficulty and due date; SM-2 cards replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.clock import ms_to_dt, study_day
from quizapp.interop.convert import card_id_for_guid
from quizapp.interop.importer import import_file
from quizapp.interop.progress_import import import_progress
from quizapp.store.db import Database
from quizapp.store.learners import ensure_learner
from quizapp.store.progress import state_row
from quizapp.store.sync import sync_paths

R = CardAnswer
#: FSRS-6 defaults with other initial stabilities (w0-w3) and decay (w20)
ANKI_PARAMS = (1.0, 2.5, 5.0, 20.0, *DEFAULT_PARAMETERS[4:20], 0.3)


@dataclass
class AnkiCardState:
    type: int
    due_date: date | None  # review cards
    due_s: int | None  # learning cards
    ivl: int
    reps: int
    lapses: int
    stability: float | None
    difficulty: float | None


@dataclass
class Built:
    legacy: Path
    latest: Path
    cards: dict[str, AnkiCardState]  # note guid → Anki's state
    labels: dict[str, str]  # label → note guid
    reviews: int


def answer(col: Collection, cid: int, rating: CardAnswer.Rating.V) -> None:  # type: ignore[name-defined]
    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))


def anki_today() -> date:
    return date.fromisoformat(study_day(datetime.now(UTC)))


def build(root: Path, *, fsrs: bool) -> Built:
    col = Collection(str(root / "collection.anki2"))
    try:
        col.set_config("fsrs", fsrs)
        basic = col.models.by_name("Basic")
        deck = col.decks.id("Physiology")
        if fsrs:  # parameters of Anki's own, unlike quizapp's defaults: a replay would differ
            conf = col.decks.config_dict_for_deck_id(deck)
            conf["fsrsParams6"] = list(ANKI_PARAMS)
            conf["desiredRetention"] = 0.85
            col.decks.update_config(conf)
        plans = {
            "easy": [R.EASY],
            "good-good": [R.GOOD, R.GOOD],
            "again": [R.AGAIN],
            "lapse": [R.EASY, "due", R.AGAIN],
            "hard": [R.HARD, R.GOOD, R.GOOD],
            "unseen": [],
        }
        cids: dict[str, int] = {}
        labels: dict[str, str] = {}
        reviews = 0
        for i, (label, steps) in enumerate(plans.items()):
            n = col.new_note(basic)
            n["Front"] = f"Question {i} ({label})"
            n["Back"] = f"Answer {i}"
            col.add_note(n, deck)
            cid = n.card_ids()[0]
            cids[n.guid] = cid
            labels[label] = n.guid
            for step in steps:
                if step == "due":
                    col.sched.set_due_date([cid], "0")  # a manual reschedule (not imported)
                else:
                    answer(col, cid, step)  # type: ignore[arg-type]
                    reviews += 1
        today = anki_today()
        cards: dict[str, AnkiCardState] = {}
        for guid, cid in cids.items():
            c = col.get_card(cid)
            ms = c.memory_state
            in_days = c.type == 2 or c.queue in (2, 3)
            cards[guid] = AnkiCardState(
                type=c.type,
                due_date=today + timedelta(days=c.due - col.sched.today) if in_days else None,
                due_s=c.due if not in_days and c.type else None,
                ivl=c.ivl,
                reps=c.reps,
                lapses=c.lapses,
                stability=ms.stability if ms else None,
                difficulty=ms.difficulty if ms else None,
            )
        out = {}
        for legacy in (True, False):
            path = root / ("legacy.apkg" if legacy else "latest.apkg")
            col.export_anki_package(
                out_path=str(path),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_media=False, legacy=legacy, with_deck_configs=False
                ),
                limit=None,
            )
            out[legacy] = path
    finally:
        col.close()
    return Built(out[True], out[False], cards, labels, reviews)


@pytest.fixture(scope="module")
def fsrs_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("fsrs"), fsrs=True)


@pytest.fixture(scope="module")
def sm2_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("sm2"), fsrs=False)


def _import(db: Database, apkg: Path, out: Path):  # type: ignore[no-untyped-def]
    result = import_file(apkg, out)
    sync_paths(db, [out])
    learner = ensure_learner(db, "ann")
    done = import_progress(db, learner, result.revlog, result.schedule)
    return learner, done


def _state(db: Database, learner_id: int, guid: str) -> dict:
    pk = db.conn.execute(
        "SELECT id FROM cards WHERE card_id = ?", [card_id_for_guid(guid)]
    ).fetchone()[0]
    row = state_row(db, learner_id, pk)
    assert row is not None
    return row


@pytest.mark.parametrize("fmt", ["legacy", "latest"])
def test_fsrs_state_comes_from_anki(
    db: Database, fsrs_built: Built, tmp_path: Path, fmt: str
) -> None:
    learner, done = _import(db, getattr(fsrs_built, fmt), tmp_path / "decks")
    studied = {g: c for g, c in fsrs_built.cards.items() if c.reps}
    assert all(c.stability is not None for c in studied.values())
    assert done.anki_state == len(studied) == 5 and done.replayed == 0
    assert done.reviews_added == fsrs_built.reviews
    assert studied[fsrs_built.labels["easy"]].stability == pytest.approx(20.0)  # Anki's w3
    kinds = {c.type for c in studied.values()}
    assert kinds == {1, 2, 3}  # learning, review and relearning cards are all covered
    for guid, anki in studied.items():
        row = _state(db, learner.id, guid)
        assert row["state"] == anki.type
        assert row["stability"] == pytest.approx(anki.stability, abs=1e-4)
        assert row["difficulty"] == pytest.approx(anki.difficulty, abs=1e-3)
        assert (row["reps"], row["lapses"]) == (anki.reps, anki.lapses)
        due = ms_to_dt(row["due"])
        assert due is not None
        if anki.due_date is not None:
            assert study_day(due, learner.rollover_hour) == anki.due_date.isoformat()
        else:
            assert row["due"] == anki.due_s * 1000  # type: ignore[operator]
    unseen = next(g for g, c in fsrs_built.cards.items() if not c.reps)
    pk = db.conn.execute(
        "SELECT id FROM cards WHERE card_id = ?", [card_id_for_guid(unseen)]
    ).fetchone()[0]
    assert state_row(db, learner.id, pk) is None


def test_sm2_cards_are_replayed(db: Database, sm2_built: Built, tmp_path: Path) -> None:
    learner, done = _import(db, sm2_built.latest, tmp_path / "decks")
    assert all(c.stability is None for c in sm2_built.cards.values())
    assert done.anki_state == 0 and done.replayed == 5
    row = _state(db, learner.id, next(g for g, c in sm2_built.cards.items() if c.type == 2))
    assert row["state"] == 2 and row["stability"] > 0


def test_cli_says_how_many_took_ankis_state(fsrs_built: Built, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from quizapp.cli.main import cli

    args = ["--db", str(tmp_path / "p.db"), "import", str(fsrs_built.latest)]
    args += ["-o", str(tmp_path / "decks"), "--learner", "zoe", "--with-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "5 card(s) took Anki's FSRS state, 0 replayed." in result.output
    again = CliRunner().invoke(cli, args)  # twice: nothing added, the same state
    assert "0 review(s) added" in again.output
    assert "5 card(s) took Anki's FSRS state, 0 replayed." in again.output
