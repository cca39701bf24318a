"""QuizFooter: the same keys as Textual's Footer, rebuilt only when they change."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets.footer import QuizFooter

from .conftest import SIZE, settle

Build = Callable[..., QuizApp]


def shown(footer: Footer) -> list[FooterKey]:
    return [k for k in footer.query(FooterKey) if k.display]


def keys(footer: Footer) -> list[tuple[str, str, str, bool, tuple[str, ...]]]:
    return [
        (k.key, k.key_display, k.description, k._disabled, tuple(sorted(k.classes)))
        for k in shown(footer)
    ]


WIDE = (240, 34)  # wide enough for every key: the same keys as Textual's Footer


async def test_footer_shows_what_textuals_footer_shows(build: Build) -> None:
    app = build()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        stock = Footer(id="stock")
        await app.screen.mount(stock)
        app.screen.refresh_bindings()  # a footer shows keys from the next bindings change
        await pilot.pause()
        ours = app.screen.query_one(QuizFooter)
        assert keys(ours) and keys(ours) == keys(stock)  # home

        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        stock = Footer(id="stock")
        await screen.mount(stock)
        screen.refresh_bindings()
        await pilot.pause()
        ours = screen.query_one(QuizFooter)
        question = keys(ours)
        assert question == keys(stock)
        await pilot.press("space")  # the answer side: grade keys appear
        await pilot.pause()
        assert keys(ours) == keys(stock) != question
        assert {"1", "2", "3", "4"} <= {k[0] for k in keys(ours)}
        await pilot.press("3")  # the next card (typed: the input has focus)
        await pilot.pause()
        assert keys(ours) == keys(stock)


async def test_footer_is_not_rebuilt_when_nothing_changed(build: Build) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        footer = screen.query_one(QuizFooter)
        question = shown(footer)
        assert question
        for _ in range(3):
            screen.refresh_bindings()
        screen.query_one("#card").focus()
        await pilot.pause()
        assert shown(footer) == question  # the same widgets, not re-mounted

        await pilot.press("space")  # the answer side: other keys
        await pilot.pause()
        answer = shown(footer)
        assert answer != question
        assert set(question) <= set(footer.query(FooterKey))  # hidden, not removed
        assert {k.key for k in answer} >= {"1", "2", "3", "4"}
        await pilot.press("3")  # the next card (typed), then undo: back to the first
        await pilot.pause()
        screen.action_undo()  # (the typed card's answer field has the keys)
        await pilot.pause()
        assert isinstance(screen, StudyScreen) and screen.item is not None
        assert screen.item.card_id == "basic-1" and not screen.answering
        assert shown(footer) == question  # shown again: the same widgets
        await pilot.press("space")
        await pilot.pause()
        assert shown(footer) == answer
