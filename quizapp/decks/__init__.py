"""Deck files: YAML → validated `quizapp.model.Deck` (no Textual).

    from quizapp.decks import load_deck, check_paths, DeckError
"""

from quizapp.decks.check import check_paths
from quizapp.decks.discovery import bundled_decks_dir, find_deck_files
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.loader import MAX_DECK_BYTES, load_deck, load_deck_text

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
