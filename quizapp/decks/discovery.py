"""Where decks are: the bundled folder, and deck files under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

DECK_SUFFIXES = (".yaml", ".yml")
# `examples` holds example decks studied on request (`--decks decks/examples/images`), not
# bundled: a folder named as a path is always walked, only subfolders of that name skipped.
SKIPPED_DIRS = frozenset({"sources", "examples"})


def bundled_decks_dir() -> Path:
    """The decks shipped with quizapp.

    A wheel carries them as `quizapp/_bundled_decks`; an editable install (the usual
    development set-up) uses the repository's top-level `decks/` folder.
    """
    package = Path(__file__).resolve().parents[1]
    wheel_dir = package / "_bundled_decks"
    if wheel_dir.is_dir():
        return wheel_dir
    return Path(__file__).resolve().parents[2] / "decks"


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # symlink loops
        return str(path.absolute())


def find_deck_files(paths: Iterable[Path]) -> list[Path]:
    """Deck files named directly or found (*.yaml, *.yml) under folders, recursively.

    Folders named `sources` and hidden folders are skipped, symlinked folders are not
    followed. A path that is not a folder is returned as given (even if it does not
    exist: loading it then reports the problem). The result is sorted and holds each
    file once (compared by resolved path).
    """
    found: dict[str, Path] = {}
    for given in paths:
        given = Path(given)
        if not given.is_dir():
            found.setdefault(_key(given), given)
            continue
        for root, dirs, files in os.walk(given, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
            for name in files:
                if name.startswith(".") or not name.lower().endswith(DECK_SUFFIXES):
                    continue
                path = Path(root) / name
                found.setdefault(_key(path), path)
    return sorted(found.values(), key=lambda p: str(p))
