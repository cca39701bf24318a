"""Deck files: YAML → validated `quizapp.model.Deck` (no Textual).

    from quizapp.decks import load_deck, check_paths, DeckError

The names are loaded on first use (PEP 562): finding deck files or naming an error
must not import the YAML parsers and the validator (~0.1 s), which a start-up whose
decks are unchanged never needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizapp.decks.check import check_paths
    from quizapp.decks.discovery import bundled_decks_dir, find_deck_files
    from quizapp.decks.errors import DeckError, Problem
    from quizapp.decks.loader import MAX_DECK_BYTES, load_deck, load_deck_text

_WHERE = {
    "MAX_DECK_BYTES": "loader",
    "DeckError": "errors",
    "Problem": "errors",
    "bundled_decks_dir": "discovery",
    "check_paths": "check",
    "find_deck_files": "discovery",
    "load_deck": "loader",
    "load_deck_text": "loader",
}

__all__ = [
    "MAX_DECK_BYTES",
    "DeckError",
    "Problem",
    "bundled_decks_dir",
    "check_paths",
    "find_deck_files",
    "load_deck",
    "load_deck_text",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
