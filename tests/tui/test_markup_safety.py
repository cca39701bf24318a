"""Deck text is data: markup, links, actions and escape sequences show literally."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from textual.widgets import DataTable

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.browse import BrowseScreen, CardDetailScreen
from quizapp.tui.screens.study import StudyScreen

from .conftest import SIZE, settle, text_of

HOSTILE = "[b]bold[/b] [1] [link=https://x]x[/link] [@click=app.quit]quit[/] \x1b]0;pwned\x07"
SHOWN = "[b]bold[/b] [1] [link=https://x]x[/link] [@click=app.quit]quit[/] \\x1b]0;pwned\\x07"


def hostile_deck(folder: Path) -> None:
    deck = {
        "id": "hostile",
        "title": "Hostile [b]deck[/b] [@click=app.quit]q[/]",
        "tags": ["[red]tag[/red]"],
        "sources": {"s": {"title": "Source [i]title[/i] [@click=app.quit]q[/]"}},
        "cards": [
            {
                "id": "mcq-hostile",
                "type": "mcq",
                "prompt": f"Prompt {HOSTILE}",
                "choices": [
                    {"text": f"Right {HOSTILE}", "correct": True, "why": f"Why {HOSTILE}"},
                    {"text": "[@click=app.quit]Wrong[/]", "why": "[b]no[/b]"},
                ],
                "explanation": f"Explain {HOSTILE}",
                "source": {"id": "s", "quote": f"Quote {HOSTILE}", "ref": "[1]"},
            },
            {
                "id": "typed-hostile",
                "type": "typed",
                "prompt": f"Typed {HOSTILE}",
                "answer": "[b]x[/b]",
                "explanation": "[link=https://x]e[/link]",
                "source": {"id": "s", "quote": "[1]"},
            },
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.yaml").write_text(yaml.safe_dump(deck, allow_unicode=True))


async def test_hostile_deck_renders_literally(
    build: Callable[..., QuizApp], tmp_path: Path
) -> None:
    folder = tmp_path / "hostile"
    hostile_deck(folder)
    app = build(deck_dirs=[folder])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.sync_status.problems, app.sync_status.problems
        table = app.screen.query_one(DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1] == "Hostile [b]deck[/b] [@click=app.quit]q[/]"
        assert row[6] == "[red]tag[/red]"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        screen = app.screen
        assert text_of(screen.query_one("#prompt")) == f"Prompt {SHOWN}"
        assert "Hostile [b]deck[/b]" in text_of(screen.query_one("#meta"))
        options = screen.query_one("#choices")
        prompts = [str(getattr(o.prompt, "plain", o.prompt)) for o in options.options]
        # lettered as shown (the order of the options is drawn per presentation)
        assert [p[:3] for p in prompts] == ["A) ", "B) "]
        assert sorted(p[3:] for p in prompts) == sorted(
            [f"Right {SHOWN}", "[@click=app.quit]Wrong[/]"]
        )
        # Click everywhere the hostile text is drawn: nothing may run.
        for selector in ("#prompt", "#meta", "#choices"):
            await pilot.click(selector)
            await pilot.pause()
        assert app.is_running
        # The click on the options answered the card; the feedback is literal too.
        if not screen.answering:
            await pilot.press("a")
            await pilot.pause()
        fb = text_of(screen.query_one("#feedback"))
        for piece in (
            f"Right {SHOWN}",
            f"Why {SHOWN}",
            f"Explain {SHOWN}",
            f"Quote {SHOWN}",
            "[@click=app.quit]Wrong[/]",
            "[b]no[/b]",
            "Source [i]title[/i] [@click=app.quit]q[/]",
        ):
            assert piece in fb, piece
        assert "\x1b" not in fb and "\x07" not in fb
        for selector in ("#feedback", "#verdict", "#grades"):
            await pilot.click(selector, offset=(2, 0))
            await pilot.pause()
        assert app.is_running
        await pilot.press("escape", "enter", "b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        results = app.screen.query_one("#results", DataTable)
        texts = [str(c) for r in range(results.row_count) for c in results.get_row_at(r)]
        assert any("[@click=app.quit]quit[/]" in t for t in texts)
        await pilot.click("#results", offset=(30, 1))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        detail = text_of(app.screen.query_one("#detail-card"))
        assert SHOWN in detail
        await pilot.click("#detail-card", offset=(5, 2))
        await pilot.pause()
        assert app.is_running
    assert app.return_code in (None, 0)


async def test_hostile_deck_in_quiz_results_and_stats(
    build: Callable[..., QuizApp], tmp_path: Path
) -> None:
    from quizapp.quiz import build_block
    from quizapp.tui.screens.quiz_results import QuizResultsScreen
    from quizapp.tui.screens.stats import StatsScreen

    folder = tmp_path / "hostile-decks"
    hostile_deck(folder)
    app = build(deck_dirs=[folder], learner_name="[b]Ada[/b] [@click=app.quit]q[/]")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        block = build_block(app.db, app.learner, pool="all", clock=app.clock, shuffle=False)
        hostile = "[@click=app.quit]Wrong[/]"
        letter = {text: mark for mark, text in block.question(1).choices}[hostile]
        block.answer(1, letter)  # the wrong option, by the letter the question shows
        block.submit()
        await app.push_screen(QuizResultsScreen(block.id))
        await pilot.pause()
        review = text_of(app.screen.query_one("#review-1"))
        for piece in (
            f"Prompt {SHOWN}",
            f"Right {SHOWN}",
            f"Why {SHOWN}",
            f"Explain {SHOWN}",
            f"Quote {SHOWN}",
            f"{letter}) {hostile}",
            "Source [i]title[/i] [@click=app.quit]q[/]",
        ):
            assert piece in review, piece
        tags = app.screen.query_one("#res-tags", DataTable)
        assert "[red]tag[/red]" in [str(tags.get_row_at(i)[0]) for i in range(tags.row_count)]
        await pilot.click("#review-1", offset=(10, 1))
        await pilot.press("escape", "t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert "[b]Ada[/b] [@click=app.quit]q[/]" in text_of(app.screen.query_one("#stats-scope"))
        await pilot.click("#stats-scope", offset=(15, 0))
        await pilot.pause()
        assert app.is_running
