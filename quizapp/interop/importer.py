"""Import entry point: an Anki package or an Anki text file → deck files (+ media)."""

from __future__ import annotations

import os
from pathlib import Path

from quizapp.interop.apkg_read import AnkiImportError, read_apkg
from quizapp.interop.convert import ImportResult, Progress, convert_package
from quizapp.interop.htmltext import safe_media_name
from quizapp.interop.text_import import read_text_file
from quizapp.interop.yaml_out import write_deck_yaml

APKG_SUFFIXES = (".apkg", ".colpkg")
TEXT_SUFFIXES = (".txt", ".csv", ".tsv")


def import_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    deck_id_prefix: str | None = None,
) -> ImportResult:
    """Import an Anki package or text file into deck files in `out_dir` (+ `out_dir/media/`).

    Raises AnkiImportError for unreadable input. Existing deck files with the same ids
    are replaced (re-importing an updated package updates the decks).
    """
    path = Path(path)
    out = Path(out_dir)
    suffix = path.suffix.lower()
    result = ImportResult()
    if suffix in APKG_SUFFIXES:
        pkg = read_apkg(path, progress=progress)
        result.notes = len(pkg.notes)
        conv = convert_package(pkg, deck_id_prefix=deck_id_prefix)
    elif suffix in TEXT_SUFFIXES:
        conv, result.notes = read_text_file(path, deck_id_prefix=deck_id_prefix)
        pkg = None
    else:
        raise AnkiImportError(
            f"{path}: don't know how to import {suffix or 'this file'}; "
            "use an Anki package (.apkg, .colpkg) or a text file (.txt, .csv, .tsv)"
        )
    out.mkdir(parents=True, exist_ok=True)
    result.skipped = conv.skipped
    result.revlog = conv.revlog
    result.schedule = conv.schedule
    wanted: set[str] = set()
    for deck in conv.decks:
        target = out / f"{deck.id}.yaml"
        result.decks.append(write_deck_yaml(deck, target))
        result.deck_ids.append(deck.id)
        result.cards += len(deck.cards)
        wanted.update(conv.media.get(deck.id, ()))
    if wanted:
        media_dir = out / "media"
        media_dir.mkdir(exist_ok=True)
        available = {safe_media_name(k): k for k in pkg.media} if pkg is not None else {}
        for name in sorted(wanted):
            if name not in available:
                result.warnings.append(f"media file {name!r} is referenced but not in the package")
                continue
            dest = media_dir / name
            assert pkg is not None
            pkg.copy_media(available[name], dest)
            result.media.append(dest)
    return result
