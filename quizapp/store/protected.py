"""The files no output may replace: progress databases (with their journals), deck
files and the source files their quotes are checked against.

Writers (`quizapp.outputs`) refuse a target that is one of these, or a link to one.
Source files are the files in the `sources` folders of the deck folders (the layout
`decks check` expects) and, for decks already loaded, every `sources.*.file` they name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from quizapp.decks.discovery import SKIPPED_DIRS, find_deck_files
from quizapp.model import Deck
from quizapp.outputs import protect_database


def protected_paths(
    db_paths: Iterable[Path], deck_dirs: Iterable[Path], decks: Iterable[Deck] = ()
) -> dict[Path, str]:
    """Path → what it is, for `quizapp.outputs.check_target`."""
    out: dict[Path, str] = {}
    dirs = [Path(d) for d in deck_dirs]
    for f in find_deck_files(d for d in dirs if d.exists()):
        out[f] = "a deck file"
    for d in dirs:
        if not d.is_dir():
            continue
        for root, subdirs, files in os.walk(d, followlinks=False):
            subdirs[:] = [s for s in subdirs if not s.startswith(".")]
            if Path(root).name in SKIPPED_DIRS:
                for name in files:
                    out.setdefault(Path(root) / name, "a source file")
    for deck in decks:
        if deck.path is None:
            continue
        for source in deck.sources.values():
            if source.file:
                out.setdefault(deck.path.parent / source.file, "a source file")
    for db in db_paths:
        out.update(protect_database(Path(db)))
    return out
