"""Deck files → store: edits keep progress, removals keep history, unchanged files skipped."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.store.learners import ensure_learner
from quizapp.store.sync import sync_if_unchanged, sync_paths
from quizapp.study.session import session_for
from tests.conftest import FakeClock


def active_cards(db: Database) -> set[tuple[str, int]]:
    return {(r[0], r[1]) for r in db.execute("SELECT card_id, ord FROM cards WHERE active = 1")}


def test_first_sync(db: Database, write_deck: Callable[..., Path]) -> None:
    deck = write_deck()
    report = sync_paths(db, [deck.parent])
    assert report.parsed == ["small"] and report.added == 5 and not report.problems
    assert active_cards(db) == {
        ("basic-1", 0),
        ("typed-1", 0),
        ("mcq-1", 0),
        ("cloze-1", 1),
        ("cloze-1", 2),
    }


def test_unchanged_file_is_not_parsed(
    db: Database, write_deck: Callable[..., Path], monkeypatch
) -> None:
    deck = write_deck()
    sync_paths(db, [deck.parent])
    import quizapp.store.deck_rows as deck_rows

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("parsed an unchanged file")

    monkeypatch.setattr(deck_rows, "load_deck_built", boom)
    report = sync_paths(db, [deck.parent])
    assert report.unchanged == 1 and report.deck_ids == ["small"]
    # touched but identical bytes: read and hashed, still not parsed
    os.utime(deck, ns=(1, 1))
    report = sync_paths(db, [deck.parent])
    assert report.unchanged == 1


def test_sync_if_unchanged_answers_only_when_nothing_changed(
    db: Database, write_deck: Callable[..., Path]
) -> None:
    deck = write_deck()
    assert sync_if_unchanged(db, [deck.parent]) is None  # a new file: a real sync is due
    assert active_cards(db) == set()  # and nothing was written
    sync_paths(db, [deck.parent])
    writes = db.conn.total_changes
    quick = sync_if_unchanged(db, [deck.parent])
    assert quick == sync_paths(db, [deck.parent])  # the same report
    assert quick is not None and quick.unchanged == 1 and quick.deck_ids == ["small"]
    assert db.conn.total_changes == writes  # reads only
    os.utime(deck, ns=(1, 1))  # touched: only a real sync can tell it is the same
    assert sync_if_unchanged(db, [deck.parent]) is None


def test_edit_keeps_progress_and_remove_readd(
    db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    deck = write_deck()
    sync_paths(db, [deck.parent])
    s = session_for(db, ensure_learner(db, "ann"), ["small"], clock=clock, fuzz=False)
    item = s.next_item()
    assert item is not None and item.card_id == "basic-1"
    s.answer(item, Rating.EASY)
    pk = item.card_pk

    deck.write_text(deck.read_text().replace("Front one", "Front one, edited"))
    report = sync_paths(db, [deck.parent])
    assert report.updated == 1
    row = db.execute("SELECT id, data FROM cards WHERE card_id = 'basic-1'").fetchone()
    assert row[0] == pk and "Front one, edited" in row[1]
    assert db.execute("SELECT count(*) FROM card_state WHERE card_pk = ?", [pk]).fetchone()[0] == 1

    original = deck.read_text()
    start = original.index("  - id: basic-1")
    end = original.index("  - id: typed-1")
    deck.write_text(original[:start] + original[end:])
    report = sync_paths(db, [deck.parent])
    assert report.deactivated == 1 and ("basic-1", 0) not in active_cards(db)
    assert db.execute("SELECT count(*) FROM reviews WHERE card_pk = ?", [pk]).fetchone()[0] == 1

    deck.write_text(original)
    sync_paths(db, [deck.parent])
    assert ("basic-1", 0) in active_cards(db)
    assert db.execute("SELECT id FROM cards WHERE card_id = 'basic-1'").fetchone()[0] == pk
    assert (
        db.execute("SELECT state FROM card_state WHERE card_pk = ?", [pk]).fetchone()[0] == 2
    )  # progress came back with the card


def test_bad_edit_keeps_previous_cards(db: Database, write_deck: Callable[..., Path]) -> None:
    deck = write_deck()
    sync_paths(db, [deck.parent])
    deck.write_text("id: small\ntitle: [unclosed\n")
    report = sync_paths(db, [deck.parent])
    assert report.problems and report.problems[0].file.endswith("small.yaml")
    assert report.deck_ids == ["small"]
    assert len(active_cards(db)) == 5


def test_duplicate_deck_id_across_files(db: Database, write_deck: Callable[..., Path]) -> None:
    a = write_deck(name="a.yaml")
    write_deck(name="b.yaml")
    report = sync_paths(db, [a.parent])
    assert report.deck_ids == ["small"]
    assert any("also used by" in p.message for p in report.problems)


def test_moved_deck_keeps_its_id_and_progress(
    db: Database, write_deck: Callable[..., Path], tmp_path: Path
) -> None:
    old = write_deck(folder="old")
    sync_paths(db, [old.parent])
    pk = db.execute("SELECT id FROM cards WHERE card_id = 'basic-1'").fetchone()[0]
    new = write_deck(folder="new")  # the same deck copied to a new folder
    report = sync_paths(db, [new.parent])  # only the new folder is studied now
    assert not report.problems and report.deck_ids == ["small"]
    assert db.execute("SELECT path FROM decks").fetchone()[0] == str(new.resolve())
    assert db.execute("SELECT id FROM cards WHERE card_id = 'basic-1'").fetchone()[0] == pk
    # both folders at once: the file the deck was stored from keeps it, whatever the order
    report = sync_paths(db, [old.parent, new.parent])
    assert [p.file for p in report.problems] == [str(old)]
    assert db.execute("SELECT path FROM decks").fetchone()[0] == str(new.resolve())


def test_fifo_and_symlink_loop_are_problems(db: Database, write_deck: Callable[..., Path]) -> None:
    import os

    deck = write_deck()
    os.mkfifo(deck.parent / "pipe.yaml")
    (deck.parent / "loop.yaml").symlink_to(deck.parent / "loop.yaml")
    report = sync_paths(db, [deck.parent])
    assert report.deck_ids == ["small"]
    messages = sorted(Path(p.file).name + ": " + p.message for p in report.problems)
    assert messages[0].startswith("loop.yaml:") and messages[1] == "pipe.yaml: not a regular file"
