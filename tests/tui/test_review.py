"""The review screen (Pilot): accept, reject, skip, inline edit with re-check, variant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from textual.widgets import TextArea

from quizapp.draft.service import draft_file
from quizapp.tui.screens.review import ReviewApp, ReviewScreen
from tests.tui.conftest import text_of

BUNDLED = Path(__file__).resolve().parents[2] / "decks" / "sources" / "medscape-sts.txt"


@pytest.fixture
def drafted(tmp_path: Path) -> Path:
    src = tmp_path / "medscape-sts.txt"
    shutil.copy(BUNDLED, src)
    return draft_file(src, deck_id="sts-draft").deck_path


def _cards(deck: Path) -> list[dict[str, object]]:
    return list(YAML(typ="safe").load(deck.read_text())["cards"])


def _shown(app: ReviewApp) -> str:
    return text_of(app.screen.query_one("#review-card"))


async def test_accept_reject_skip_and_quit(drafted: Path) -> None:
    before = _cards(drafted)
    app = ReviewApp(drafted)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        status = text_of(app.screen.query_one("#review-status"))
        assert status.startswith(f"Draft 1 of {len(before)}")
        assert str(before[0]["id"]) in _shown(app)
        await pilot.press("a")
        assert str(before[1]["id"]) in _shown(app)
        await pilot.press("r")
        assert str(before[2]["id"]) in _shown(app)
        await pilot.press("s")
        assert str(before[3]["id"]) in _shown(app)
        await pilot.press("q")
    after = _cards(drafted)
    assert [c["id"] for c in after] == [before[0]["id"], *[c["id"] for c in before[2:]]]
    assert "draft" not in after[0] and after[1].get("draft") is True


async def test_inline_edit_is_rechecked(drafted: Path) -> None:
    app = ReviewApp(drafted)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        editor = app.screen.query_one("#review-editor", TextArea)
        assert app.screen.has_class("editing") and "answer: 35%" in editor.text
        editor.text = editor.text.replace("answer: 35%", "answer: 45%")
        await pilot.press("ctrl+s")
        message = text_of(app.screen.query_one("#review-message"))
        assert message.startswith("Not saved") and "not inside the quote" in message
        assert app.screen.has_class("editing")  # still editing, nothing written
        assert _cards(drafted)[0]["answer"] == "35%"
        editor.text = editor.text.replace("answer: 45%", "answer: 35%").replace(
            "Which percentage completes the statement?", "Up to what share?"
        )
        await pilot.press("ctrl+s")
        assert not app.screen.has_class("editing")
        assert "Saved the edited card" in text_of(app.screen.query_one("#review-message"))
        await pilot.press("q")
    assert "Up to what share?" in str(_cards(drafted)[0]["prompt"])


async def test_escape_cancels_an_edit_and_variant_swaps_the_form(drafted: Path) -> None:
    first = _cards(drafted)[0]
    app = ReviewApp(drafted)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.press("escape")
        assert not app.screen.has_class("editing")
        await pilot.press("v")
        message = text_of(app.screen.query_one("#review-message"))
        assert message.startswith("Now ")
        await pilot.press("q")
    swapped = _cards(drafted)[0]
    assert swapped["fact"] == first["fact"] and swapped["id"] != first["id"]
