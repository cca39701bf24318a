"""Shared fixtures: a fixed UTC clock, a temporary database, small decks."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizapp.store import open_database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 UTC


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now = self.now + timedelta(**kw)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data dir or pick up the developer's deck folders."""
    monkeypatch.setenv("QUIZAPP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QUIZAPP_DECKS", raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def db(tmp_path: Path):
    database = open_database(tmp_path / "progress.db")
    yield database
    database.conn.close()


SMALL_DECK = """\
id: small
title: Small test deck
tags: [test]
sources:
  src:
    title: A test source
    file: source.txt
cards:
  - id: basic-1
    type: basic
    prompt: Front one
    answer: Back one
    explanation: Because one.
    source: {id: src, quote: "Sentence one."}
  - id: typed-1
    type: typed
    prompt: How many percent?
    answer: 35%
    explanation: It says 35%.
    source: {id: src, quote: "As many as 35% recur.", ref: "[47]"}
  - id: mcq-1
    type: mcq
    prompt: Pick the survival rate
    choices:
      - {text: "38%", correct: true, why: "Stated."}
      - {text: "80%", why: "That is the share within 5 years."}
    explanation: The 3-year rate was 38%.
    source: {id: src, quote: "Survival was 38%."}
  - id: cloze-1
    type: cloze
    text: "Dissect {{positive}} nodes when there is no {{metastatic disease}}."
    explanation: Only proven nodes.
    source: {id: src, quote: "Dissect positive nodes."}
"""

SMALL_SOURCE = (
    "Sentence one. As many as 35% recur. [47] Survival was 38%. Dissect positive nodes.\n"
)


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str = SMALL_DECK, name: str = "small.yaml", folder: str = "decks") -> Path:
        d = tmp_path / folder
        d.mkdir(exist_ok=True)
        (d / "source.txt").write_text(SMALL_SOURCE)
        p = d / name
        p.write_text(textwrap.dedent(text))
        return p

    return write
