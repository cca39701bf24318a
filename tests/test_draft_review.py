"""`quizapp decks review --plain`: accept, reject, edit (re-checked), next variant; the
file keeps its comments and card order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from quizapp.cli.main import cli
from quizapp.decks.check import check_paths
from quizapp.draft.review import ReviewDeck
from quizapp.draft.service import draft_file

BUNDLED = Path(__file__).resolve().parents[1] / "decks" / "sources" / "medscape-sts.txt"


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    src = tmp_path / "medscape-sts.txt"
    shutil.copy(BUNDLED, src)
    deck = draft_file(src, deck_id="sts-draft").deck_path
    text = deck.read_text(encoding="utf-8")
    deck.write_text(text.replace("cards:\n", "cards:\n  # my own note, kept by review\n", 1))
    return deck


def _ids(deck: Path) -> list[str]:
    return [str(c["id"]) for c in YAML(typ="safe").load(deck.read_text())["cards"]]


def test_plain_review_accepts_rejects_and_keeps_comments(drafted: Path) -> None:
    before = _ids(drafted)
    out = CliRunner().invoke(
        cli, ["decks", "review", "--plain", str(drafted)], input="a\nr\ns\nq\n"
    )
    assert out.exit_code == 0, out.output
    assert "1 accepted, 0 edited, 1 rejected" in out.output
    after = _ids(drafted)
    assert after == [before[0], *before[2:]]  # second card gone, order kept
    text = drafted.read_text()
    assert "# my own note, kept by review" in text and text.startswith("# Drafted by")
    cards = YAML(typ="safe").load(text)["cards"]
    assert "draft" not in cards[0] and all(c.get("draft") is True for c in cards[1:])
    assert check_paths([drafted])[1] == []


def test_edit_is_rechecked_and_refused_when_ungrounded(drafted: Path) -> None:
    rd = ReviewDeck(drafted)
    i = rd.drafts()[0]
    card = rd.card(i)
    assert card["type"] == "typed"
    bad = {**card, "answer": "45%"}  # not in the quote
    problems = rd.replace(i, bad)
    assert any("not inside the quote" in p for p in problems)
    assert ReviewDeck(drafted).card(i)["answer"] == card["answer"]  # unchanged on disk
    unknown = {**card, "colour": "red"}
    assert any("unknown key" in p for p in rd.replace(i, unknown))
    good = {
        **card,
        "prompt": "Up to what share of patients develop local recurrence or "
        "distant metastases after resection plus adjuvant therapy?",
    }
    assert rd.replace(i, good) == []
    assert ReviewDeck(drafted).card(i)["prompt"].startswith("Up to what share")
    assert check_paths([drafted])[1] == []


def test_plain_edit_through_the_editor(drafted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import click

    def fake_edit(text: str, **kw: object) -> str:
        return text.replace("Which percentage completes the statement?", "Up to what share?")

    monkeypatch.setattr(click, "edit", fake_edit)
    out = CliRunner().invoke(cli, ["decks", "review", "--plain", str(drafted)], input="e\nq\n")
    assert out.exit_code == 0, out.output
    assert "Saved the edited card" in out.output
    assert "Up to what share?" in drafted.read_text()


def test_next_variant_swaps_the_card_for_another_form(drafted: Path) -> None:
    rd = ReviewDeck(drafted)
    i = rd.drafts()[0]
    first = rd.card(i)
    variant = rd.next_variant(i)
    assert variant is not None and variant["fact"] == first["fact"]
    assert (variant["type"], variant.get("prompt"), variant.get("text")) != (
        first["type"],
        first.get("prompt"),
        first.get("text"),
    )
    assert rd.replace(i, variant) == []
    assert ReviewDeck(drafted).card(i)["id"] == variant["id"]
    assert check_paths([drafted])[1] == []


def test_review_of_a_deck_without_drafts_and_of_bad_files(tmp_path: Path) -> None:
    deck = Path(__file__).resolve().parents[1] / "decks" / "sts-recurrence.yaml"
    out = CliRunner().invoke(cli, ["decks", "review", "--plain", str(deck)])
    assert out.exit_code == 0 and "No draft cards" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("cards: [unclosed\n")
    out = CliRunner().invoke(cli, ["decks", "review", "--plain", str(bad)])
    assert out.exit_code == 1 and out.output.startswith("Error: ") and "Traceback" not in out.output
