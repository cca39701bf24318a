"""Apps for the TUI tests: a temporary store, a small deck folder, a fixed clock."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widget import Widget

from quizapp.store import open_database
from quizapp.tui.app import QuizApp, make_app

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SIZE = (100, 34)

DECK = """\
id: tui-test
title: TUI test deck
tags: [test]
sources:
  src:
    title: A test source
cards:
  - id: basic-1
    type: basic
    prompt: Front one
    answer: Back one
    explanation: Because one.
    source: {id: src, quote: "Sentence one."}
  - id: typed-1
    type: typed
    prompt: How many percent recur?
    answer: 35%
    explanation: It says 35%.
    source: {id: src, quote: "As many as 35% recur.", ref: "[47]"}
  - id: mcq-1
    type: mcq
    prompt: Pick the survival rate
    choices:
      - {text: "38%", correct: true, why: "Stated in the study."}
      - {text: "80%", why: "That is the share within 5 years."}
    explanation: The 3-year rate was 38%.
    source: {id: src, quote: "Survival was 38%.", ref: "[5]"}
  - id: cloze-1
    type: cloze
    text: "Dissect {{positive}} nodes when there is no {{metastatic disease}}."
    explanation: Only proven nodes.
    source: {id: src, quote: "Dissect positive nodes."}
"""


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    d = tmp_path / "decks"
    d.mkdir()
    (d / "tui-test.yaml").write_text(DECK)
    return d


@pytest.fixture
def build(tmp_path: Path, deck_dir: Path) -> Callable[..., QuizApp]:
    """Build an app over a temporary store; extra keywords go to make_app."""
    opened = []

    def _build(**kw: Any) -> QuizApp:
        db = kw.pop("db", None) or open_database(tmp_path / "p.db")
        opened.append(db)
        kw.setdefault("deck_dirs", [deck_dir])
        kw.setdefault("clock", Clock())
        kw.setdefault("fuzz", False)
        return make_app(db=db, **kw)

    yield _build
    for db in opened:
        db.conn.close()


def write_deck(folder: Path, text: str, name: str = "deck.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(textwrap.dedent(text))
    return p


def text_of(widget: Widget) -> str:
    """The plain text a Static shows."""
    content = getattr(widget, "content", None)
    if isinstance(content, Content):
        return content.plain
    if content is not None and hasattr(content, "plain"):
        return str(content.plain)
    return str(content or "")


async def settle(pilot: Any) -> None:
    """Wait for the start-up sync worker, the home screen's figures (read by a worker,
    possibly again after the sync) and the screen to settle."""
    from quizapp.tui.screens.home import HomeScreen

    def home_loading() -> bool:
        return any(isinstance(s, HomeScreen) and s.busy for s in pilot.app.screen_stack)

    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        if not home_loading():
            return
    raise AssertionError("the home screen did not finish loading")


async def until(pilot: Any, condition: Any, tries: int = 100) -> None:
    """Let workers and messages run until `condition()` holds (a worker started from a
    key's message may not exist yet when a single wait_for_complete returns)."""
    for _ in range(tries):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("the app did not reach the expected state in time")
