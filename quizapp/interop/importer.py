"""Import entry point: an Anki package or an Anki text file → deck files (+ media).

All or nothing: the package is read, converted and written into a private staging
folder beside the output folder (`.quizapp-import-<pid>-…`, which also holds the
unpacked collection), every deck written there is checked with the same checker as
`quizapp decks check`, and only then is the staging folder renamed into place (or, when
the output folder already exists, its files are moved into it one rename each). On any
failure the staging folder is removed and the output folder is as it was; the staging
folder of an import that was killed is removed by the next import beside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from quizapp.interop.apkg_read import (
    MAX_TOTAL_UNCOMPRESSED,
    AnkiImportError,
    AnkiPackage,
    read_apkg,
    remove_stale_work_dirs,
)
from quizapp.interop.convert import Conversion, ImportResult, Progress, convert_package
from quizapp.interop.htmltext import safe_media_name
from quizapp.interop.notetype_file import NOTETYPES_FILE, write_notetypes
from quizapp.interop.text_import import read_text_file
from quizapp.interop.yaml_out import write_deck_yaml
from quizapp.outputs import OutputError, Protected, check_target, current_umask, explain

APKG_SUFFIXES = (".apkg", ".colpkg")
TEXT_SUFFIXES = (".txt", ".csv", ".tsv")
STAGING_PREFIX = ".quizapp-import-"


def import_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    deck_id_prefix: str | None = None,
    max_bytes: int = MAX_TOTAL_UNCOMPRESSED,
    protected: Protected | None = None,
    keep_duplicates: bool = False,
) -> ImportResult:
    """Import an Anki package or text file into deck files in `out_dir` (+ `out_dir/media/`).

    Raises AnkiImportError for unreadable input and OutputError for an output that cannot
    or must not be written (a deck file name that is, or links to, a `protected` file);
    either way nothing is left in `out_dir`. Existing deck files with the same ids are
    replaced (re-importing an updated package updates the decks). `max_bytes` caps what
    a package may unpack, collection and media together.
    """
    path = Path(path)
    out = Path(out_dir)
    suffix = path.suffix.lower()
    if suffix not in APKG_SUFFIXES + TEXT_SUFFIXES:
        raise AnkiImportError(
            f"{path}: don't know how to import {suffix or 'this file'}; "
            "use an Anki package (.apkg, .colpkg) or a text file (.txt, .csv, .tsv)"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot import into {out}: it is a file, not a folder")
    parent = out.absolute().parent
    if not parent.is_dir():
        raise OutputError(f"cannot import into {out}: folder {parent} does not exist")
    guard = _guard_for(out, protected or {})
    remove_stale_work_dirs(parent, STAGING_PREFIX)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=parent))
    except OSError as e:
        raise explain(out, e) from None
    try:
        result = _import_into(
            path, staging, out, progress, deck_id_prefix, max_bytes, guard, keep_duplicates
        )
        _commit(staging, out)
    except OSError as e:
        raise explain(out, e) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _guard_for(out: Path, protected: Protected) -> dict[Path, str]:
    """The protected paths, less the deck files of `out` itself: re-importing replaces
    them (a link from `out` to a deck elsewhere is still refused)."""
    here = _resolved(out)
    return {
        p: what
        for p, what in protected.items()
        if not (what == "a deck file" and _resolved(p).parent == here)
    }


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):
        return p.absolute()


def _import_into(
    path: Path,
    staging: Path,
    out: Path,
    progress: Progress | None,
    deck_id_prefix: str | None,
    max_bytes: int,
    guard: Protected,
    keep_duplicates: bool = False,
) -> ImportResult:
    """Read, convert, write and check everything in `staging`; the result names the
    files as they will be in `out`."""
    from quizapp.decks.check import check_paths

    result = ImportResult()
    pkg: AnkiPackage | None = None
    conv: Conversion
    if path.suffix.lower() in APKG_SUFFIXES:
        pkg = read_apkg(path, progress=progress, max_bytes=max_bytes, work_dir=staging)
        result.notes = len(pkg.notes)
        conv = convert_package(pkg, deck_id_prefix=deck_id_prefix)
    else:
        conv, result.notes = read_text_file(
            path, deck_id_prefix=deck_id_prefix, keep_duplicates=keep_duplicates
        )
    result.skipped = conv.skipped
    result.warnings.extend(conv.warnings)
    written: set[str] = set()
    # media first: `decks check` below decodes the images that cards show (image:)
    wanted: set[str] = {m for d in conv.decks if d.cards for m in conv.media.get(d.id, ())}
    if wanted:
        available = {safe_media_name(k): k for k in pkg.media} if pkg is not None else {}
        media_dir = staging / "media"
        for name in sorted(wanted):
            if name not in available:
                result.warnings.append(f"media file {name!r} is referenced but not in the package")
                continue
            assert pkg is not None
            media_dir.mkdir(exist_ok=True)
            try:
                pkg.copy_media(available[name], media_dir / name)
            except AnkiImportError as exc:
                raise AnkiImportError(f"{path}: media file {name!r}: {exc}") from None
            result.media.append(out / "media" / name)
    for deck in conv.decks:
        if not deck.cards:
            result.warnings.append(
                f"deck {deck.id!r} ({deck.title}) has no card that could be imported; "
                "it was not written"
            )
            continue
        name = f"{deck.id}.yaml"
        check_target(out / name, guard)
        staged = write_deck_yaml(deck, staging / name)
        _decks, problems = check_paths([staged])
        if problems:
            first = str(problems[0]).replace(str(staging), str(out))
            raise AnkiImportError(
                f"{path}: deck {deck.id!r} as converted does not pass `quizapp decks check` "
                f"({first}); nothing was written"
            )
        result.decks.append(out / name)
        result.deck_ids.append(deck.id)
        result.cards += len(deck.cards)
        written.add(deck.id)
    if written and conv.notetypes:
        check_target(out / NOTETYPES_FILE, guard)
        write_notetypes(staging / NOTETYPES_FILE, conv.notetypes, out / NOTETYPES_FILE)
    result.revlog = [r for r in conv.revlog if r.deck_id in written]
    result.schedule = [s for s in conv.schedule if s.deck_id in written]
    return result


def _commit(staging: Path, out: Path) -> None:
    """Move the checked files into place: the whole folder in one rename when `out` is
    new, else one rename per file."""
    for leftover in staging.iterdir():  # the unpacked collection's folder, if still there
        if leftover.is_dir() and leftover.name != "media":
            shutil.rmtree(leftover, ignore_errors=True)
    folder_mode = 0o777 & ~current_umask()
    if not out.exists():
        os.chmod(staging, folder_mode)
        os.rename(staging, out)
        return
    for item in sorted(staging.iterdir()):
        if item.name == "media":
            media = out / "media"
            media.mkdir(mode=folder_mode, exist_ok=True)
            for f in sorted(item.iterdir()):
                os.replace(f, media / f.name)
        else:
            os.replace(item, out / item.name)
    with contextlib.suppress(OSError):
        staging.rmdir()
