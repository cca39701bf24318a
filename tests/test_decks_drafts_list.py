"""Draft cards (`draft: true`) are counted per deck (`store.queries.decks.with_drafts`):
`decks list` says how many wait for review, while they stay out of the study items."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.store.db import Database
from quizapp.store.learners import ensure_learner
from quizapp.store.queries.decks import DeckCount, deck_counts, with_drafts
from quizapp.store.sync import sync_paths
from quizapp.tui.home_data import load_home
from tests.conftest import SMALL_DECK, FakeClock

#: SMALL_DECK's mcq and cloze cards (two deletions: one draft, not two) marked drafts.
DRAFT_DECK = SMALL_DECK.replace(
    "  - id: mcq-1\n    type: mcq\n", "  - id: mcq-1\n    type: mcq\n    draft: true\n"
).replace(
    "  - id: cloze-1\n    type: cloze\n", "  - id: cloze-1\n    type: cloze\n    draft: true\n"
)


def _counts(db: Database, deck: Path, clock: FakeClock) -> DeckCount:
    report = sync_paths(db, [deck.parent])
    assert not report.problems
    who = ensure_learner(db, "ann")
    (row,) = with_drafts(db, deck_counts(db, who, report.deck_ids, now=clock.now))
    return row


def test_deck_counts_tell_drafts_apart(
    db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    assert DRAFT_DECK.count("draft: true") == 2
    deck = write_deck(DRAFT_DECK)
    row = _counts(db, deck, clock)
    assert (row.drafts, row.total, row.new) == (2, 2, 2)  # basic + typed studied
    # accepting the cloze draft: 1 draft left, its 2 deletions become study items
    deck.write_text(DRAFT_DECK.replace("    type: cloze\n    draft: true\n", "    type: cloze\n"))
    row = _counts(db, deck, clock)
    assert (row.drafts, row.total) == (1, 4)
    deck.write_text(SMALL_DECK)
    row = _counts(db, deck, clock)
    assert (row.drafts, row.total) == (0, 5)


def test_a_deck_of_drafts_only(
    db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    text = SMALL_DECK.replace("    type: ", "    draft: true\n    type: ")
    assert text.count("draft: true") == 4
    row = _counts(db, write_deck(text), clock)
    assert (row.drafts, row.total, row.new) == (4, 0, 0)


def test_home_rows_take_their_drafts(
    db: Database, write_deck: Callable[..., Path], clock: FakeClock
) -> None:
    """The home screen's deck rows (`tui.home_data.load_home`) carry the drafts the same
    `with_drafts` counts for `decks list` (the table names them beside the title)."""
    deck = write_deck(DRAFT_DECK)
    report = sync_paths(db, [deck.parent])
    data = load_home(db, ensure_learner(db, "ann"), report.deck_ids, None, clock.now, None)
    assert [(r.deck_id, r.drafts) for r in data.rows] == [("small", 2)]


def test_decks_list_shows_drafts_to_review(write_deck: Callable[..., Path], tmp_path: Path) -> None:
    drafted = write_deck(DRAFT_DECK)
    write_deck(SMALL_DECK.replace("id: small", "id: plain", 1), name="plain.yaml")
    out = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "p.db"), "--decks", str(drafted.parent), "decks", "list"]
    )
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    small = next(x for x in lines if x.strip().startswith("small"))
    plain = next(x for x in lines if x.strip().startswith("plain"))
    assert small.split()[1:5] == ["0", "0", "2", "2"]  # due, learning, new, items
    assert small.endswith("Small test deck  (2 drafts to review)")
    assert plain.endswith("Small test deck") and "draft" not in plain
    assert any("quizapp decks review" in x for x in lines)
