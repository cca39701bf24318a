"""Shared bits of the option-order tests (no tests here): a deck of four-option mcqs whose
correct option is always written first, a learner who answers by position, and a binomial
bound for "scores at chance"."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlite_utils import Database

from quizapp.model import Card
from quizapp.store import items
from quizapp.store.sync import sync_paths

NONE_OF_THE_ABOVE = "None of the above"


def write_mcq_deck(folder: Path, n: int, *, deck_id: str = "pos", none_last: bool = False) -> Path:
    """A deck of `n` four-option mcqs, the right option first (as hand-written decks tend to
    be); with `none_last` the fourth option is "None of the above" (wrong)."""
    folder.mkdir(parents=True, exist_ok=True)
    cards = []
    for i in range(n):
        wrong = [f"wrong {i}-{k}" for k in range(3)]
        if none_last:
            wrong[-1] = NONE_OF_THE_ABOVE
        cards.append({
            "id": f"q{i}",
            "type": "mcq",
            "prompt": f"Question {i}: which value is right for item {i}?",
            "choices": [{"text": f"right {i}", "correct": True, "why": "It is."}]
            + [{"text": w, "why": "It is not."} for w in wrong],
            "explanation": "Because.",
            "source": {"id": "s", "quote": f"Item {i}."},
        })  # fmt: skip
    (folder / "s.txt").write_text(" ".join(f"Item {i}." for i in range(n)))
    deck = {
        "format": 1,
        "id": deck_id,
        "title": "Position test",
        "sources": {"s": {"title": "S", "file": "s.txt"}},
        "cards": cards,
    }
    path = folder / f"{deck_id}.yaml"
    path.write_text(yaml.safe_dump(deck, sort_keys=False))
    return path


def sync_mcq_deck(db: Database, folder: Path, n: int, **kw: Any) -> None:
    write_mcq_deck(folder, n, **kw)
    report = sync_paths(db, [folder])
    assert not report.problems, report.problems


def pin_none_of_the_above(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cards read from the store mark "None of the above" as `fixed` (the deck key that
    says so belongs to the deck loader; here the store's reader stands in for it)."""
    real = items.card_from_data

    def with_fixed(deck_id: str, card_id: str, data: dict[str, Any], fact: str = "") -> Card:
        card = real(deck_id, card_id, data, fact)
        choices = tuple(
            dataclasses.replace(c, fixed=c.text == NONE_OF_THE_ABOVE) for c in card.choices
        )
        return dataclasses.replace(card, choices=choices)

    monkeypatch.setattr(items, "card_from_data", with_fixed)


def at_chance(right: int, trials: int, p: float = 0.25) -> bool:
    """`right` of `trials` is within 4 standard deviations of chance (p)."""
    mean, sigma = trials * p, (trials * p * (1 - p)) ** 0.5
    return abs(right - mean) < 4 * sigma
