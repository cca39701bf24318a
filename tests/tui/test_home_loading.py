"""Home: the decks show at once, their figures arrive from a worker; the tag filter's
choices are read when it is first used, then once per deck change; an unchanged sync
does not read the figures again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Select

from quizapp.tui import home_data
from quizapp.tui.app import QuizApp
from quizapp.tui.screens import home
from quizapp.tui.screens.home import HomeScreen
from tests.tui.conftest import DECK

from .conftest import SIZE, settle, text_of, write_deck

Build = Callable[..., QuizApp]

OTHER = """\
id: other
title: Other deck
tags: [other]
sources:
  s:
    title: A source
cards:
  - id: o1
    type: basic
    prompt: Other front
    answer: Other back
    explanation: Because.
    tags: [fresh-tag]
    source: {id: s, quote: "Other."}
"""


def row(app: QuizApp, index: int = 0) -> list[str]:
    return [str(c) for c in app.screen.query_one(DataTable).get_row_at(index)]


def tag_choices(app: QuizApp) -> list[str]:
    select = app.screen.query_one("#tag-filter", Select)
    return [str(label) for label, _ in select._options if str(label)]  # type: ignore[attr-defined]


async def wait_for(pilot: Any, condition: Callable[[], bool]) -> None:
    """Poll without waiting for workers (one of them is held on purpose)."""
    for _ in range(200):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError("the app did not reach the expected state in time")


async def test_decks_show_at_once_and_their_figures_when_read(
    build: Build, monkeypatch: Any
) -> None:
    gate = threading.Event()
    real = home_data.load_home

    def held(*args: Any, **kw: Any) -> home_data.HomeData:
        assert gate.wait(20)
        return real(*args, **kw)

    monkeypatch.setattr(home, "load_home", held)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        assert row(app)[1:6] == ["TUI test deck", "…", "…", "…", "…"]  # never a wrong 0
        today = text_of(app.screen.query_one("#today"))
        assert "…" in today and "0 answered" not in today
        assert isinstance(app.screen, HomeScreen) and app.screen.rows  # Enter works already
        gate.set()
        await settle(pilot)
        assert row(app)[1:6] == ["TUI test deck", "0", "0", "5", "5"]
        today = text_of(app.screen.query_one("#today"))
        assert "0 answered (0 new)" in today and "Waiting 0 due, 5 new" in today


async def test_counts_are_read_again_but_tags_only_after_a_deck_change(
    build: Build, deck_dir: Path, monkeypatch: Any
) -> None:
    tag_reads: list[tuple[str, ...]] = []
    real = home_data.load_tags

    def counted(db: Any, deck_ids: tuple[str, ...]) -> list[tuple[str, int]]:
        tag_reads.append(deck_ids)
        return real(db, deck_ids)

    monkeypatch.setattr(home, "load_tags", counted)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row(app)[2:6] == ["0", "0", "5", "5"]
        assert tag_reads == [] and tag_choices(app) == []  # read when the filter is used
        app.screen.query_one("#tag-filter").focus()
        await settle(pilot)
        assert tag_reads == [("tui-test",)]
        assert tag_choices(app) == ["test (4)"]
        reads = len(tag_reads)

        app.screen.query_one(DataTable).focus()
        await pilot.press("enter", "space", "3")  # study one card
        await pilot.pause()
        await pilot.press("escape", "enter")  # summary, then home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert row(app)[2:6] == ["0", "1", "4", "5"]  # the card is learning now
        assert "1 answered (1 new)" in text_of(app.screen.query_one("#today"))
        assert len(tag_reads) == reads  # same decks: the tags were kept

        write_deck(deck_dir, OTHER, "other.yaml")
        await pilot.press("r")
        await settle(pilot)
        assert not app.sync_status.problems, app.sync_status.problems
        assert app.screen.query_one(DataTable).row_count == 2
        assert len(tag_reads) == reads + 1
        assert "fresh-tag (1)" in tag_choices(app)


async def test_the_figures_are_read_once_at_start_after_the_sync(
    build: Build, monkeypatch: Any
) -> None:
    reads: list[int] = []
    real = home_data.load_home

    def counted(*args: Any, **kw: Any) -> home_data.HomeData:
        reads.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(home, "load_home", counted)
    # The wait for the sync is bounded (SYNC_WAIT, 0.5 s); a loaded CI machine can take
    # longer than that to sync the deck, and then reading twice is right. What is tested
    # here is that the first read waits for the sync, so the bound is lifted.
    monkeypatch.setattr(home, "SYNC_WAIT", 60.0)
    first = build()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the first sync adds the deck: the figures wait for it
        shown = row(first)
        assert shown[1:6] == ["TUI test deck", "0", "0", "5", "5"]
        assert reads == [1]

    reads.clear()
    app = build()  # the same store and deck folder: the sync changes nothing
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.sync_status.running is False and app.visible_decks == ["tui-test"]
        assert row(app) == shown
        assert reads == [1]


async def test_an_unchanged_start_needs_no_sync_worker(build: Build, monkeypatch: Any) -> None:
    started: list[int] = []
    real = QuizApp.start_sync

    def counted(self: QuizApp) -> None:
        started.append(1)
        real(self)

    monkeypatch.setattr(QuizApp, "start_sync", counted)
    first = build()
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)  # a new deck file: synced on the worker
        assert started == [1] and first.visible_decks == ["tui-test"]
        shown = row(first)

    started.clear()
    app = build()  # nothing changed: known before the first frame, no worker
    async with app.run_test(size=SIZE) as pilot:
        assert app.sync_status.running is False and app.visible_decks == ["tui-test"]
        await settle(pilot)
        assert started == [] and row(app) == shown


async def test_a_deck_with_drafts_says_so_beside_its_title(build: Build, deck_dir: Path) -> None:
    marked = DECK.replace(
        "  - id: mcq-1\n    type: mcq\n", "  - id: mcq-1\n    type: mcq\n    draft: true\n"
    )
    assert marked != DECK
    (deck_dir / "tui-test.yaml").write_text(marked)
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = row(app)
        # the draft is in no count (it is not studied) and is named beside the title
        assert shown[1] == "TUI test deck  (1 draft to review)"
        assert shown[2:6] == ["0", "0", "4", "4"]
