"""`quizapp decks check`: load every deck under some paths and collect all problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from quizapp.decks.discovery import find_deck_files
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.loader import load_deck_with_info
from quizapp.model import Deck


def _outside(path: Path, folder: Path) -> bool:
    try:
        return not path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return True


def check_paths(paths: Iterable[Path]) -> tuple[list[Deck], list[Problem]]:
    """Load every deck file under `paths`, checking quotes against their sources.

    Returns the decks that loaded cleanly and every problem found, including cross-file
    ones (a deck id used by two files: the second file's deck is left out). Never raises
    for bad input: missing paths, folders where a file is expected and dangling symlinks
    or symlinks leading out of a named folder are problems too.
    """
    problems: list[Problem] = []
    decks: list[Deck] = []
    files: list[tuple[Path, Path | None]] = []  # (file, folder it was found in)
    for given in paths:
        given = Path(given)
        if given.is_symlink() and not given.exists():
            problems.append(
                Problem(str(given), 0, 0, "dangling symlink", "point it at an existing file")
            )
        elif not given.exists():
            problems.append(Problem(str(given), 0, 0, "no such file or folder", "check the path"))
        elif given.is_dir():
            files.extend((f, given) for f in find_deck_files([given]))
        else:
            files.append((given, None))
    seen: set[str] = set()
    first_by_id: dict[str, tuple[Path, int]] = {}
    for file, folder in sorted(files, key=lambda item: str(item[0])):
        try:
            key = str(file.resolve())
        except (OSError, RuntimeError):
            key = str(file.absolute())
        if key in seen:
            continue
        seen.add(key)
        if file.is_symlink():
            if not file.exists():
                problems.append(
                    Problem(str(file), 0, 0, "dangling symlink", "remove it or fix its target")
                )
                continue
            if folder is not None and _outside(file, folder):
                problems.append(
                    Problem(
                        str(file),
                        0,
                        0,
                        f"symlink points outside {folder}",
                        "copy the deck into the folder instead of linking to it",
                    )
                )
                continue
        try:
            deck, info = load_deck_with_info(file, check_quotes=True)
        except DeckError as e:
            problems.extend(e.problems)
            continue
        except (OSError, ValueError, RecursionError) as e:  # defensive: report, never raise
            problems.append(Problem(str(file), 0, 0, f"cannot load: {e}"))
            continue
        first = first_by_id.get(deck.id)
        if first is not None:
            problems.append(
                Problem(
                    str(file),
                    info.id_line,
                    info.id_column,
                    f"deck id `{deck.id}` is already used by {first[0]} (line {first[1]})",
                    "deck ids are unique: rename one of them (progress is keyed on it)",
                )
            )
            continue
        first_by_id[deck.id] = (file, info.id_line)
        decks.append(deck)
    return decks, problems
