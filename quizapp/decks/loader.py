"""Deck files → validated `quizapp.model.Deck`: reading, size limits and the public API.

A deck is loaded in steps, one module each:

* here: the bytes (regular files only, at most `MAX_DECK_BYTES`), decoded as UTF-8;
* `fastpath`: yaml-rs parses and the format table validates, for ordinary valid decks;
  it declines anything it cannot load with exactly the precise path's result;
* otherwise the precise path: `nodes` builds a tree of positioned nodes from PyYAML's
  events, `validate` checks it against the same table and words every problem with
  file:line:col and a hint; `source_files` checks quotes against source files on request.

The format itself — keys, required keys, kinds, limits — is `quizapp.decks.rules`,
mirrored by `deck.schema.json` (a test keeps them equal) and `docs/deck-format.md`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from quizapp.decks.errors import ProblemLog
from quizapp.decks.fastpath import CardKit, fast_load
from quizapp.decks.nodes import Map, build
from quizapp.decks.rules import (  # re-exported: the names the loader has always had
    ALL_CARD_KEYS,
    CARD_COMMON_KEYS,
    CARD_COMMON_REQUIRED,
    CARD_ID_PATTERN,
    CARD_KEYS_BY_TYPE,
    CARD_REQUIRED_BY_TYPE,
    CARD_TYPES,
    CHOICE_KEYS,
    CHOICE_REQUIRED,
    DECK_ID_PATTERN,
    FORMAT_VERSION,
    ID_MAX_LENGTH,
    MAX_CHOICES,
    MIN_CHOICES,
    SOURCE_ID_PATTERN,
    SOURCE_KEYS,
    SOURCE_REF_KEYS,
    SOURCE_REF_REQUIRED,
    SOURCE_REQUIRED,
    TOP_KEYS,
    TOP_REQUIRED,
)
from quizapp.decks.source_files import check_quotes as _check_quotes
from quizapp.decks.validate import LoadInfo, Validator
from quizapp.model import Deck

__all__ = [
    "ALL_CARD_KEYS",
    "CARD_COMMON_KEYS",
    "CARD_COMMON_REQUIRED",
    "CARD_ID_PATTERN",
    "CARD_KEYS_BY_TYPE",
    "CARD_REQUIRED_BY_TYPE",
    "CARD_TYPES",
    "CHOICE_KEYS",
    "CHOICE_REQUIRED",
    "DECK_ID_PATTERN",
    "FORMAT_VERSION",
    "ID_MAX_LENGTH",
    "MAX_CHOICES",
    "MAX_DECK_BYTES",
    "MIN_CHOICES",
    "SOURCE_ID_PATTERN",
    "SOURCE_KEYS",
    "SOURCE_REF_KEYS",
    "SOURCE_REF_REQUIRED",
    "SOURCE_REQUIRED",
    "TOP_KEYS",
    "TOP_REQUIRED",
    "CardKit",
    "LoadInfo",
    "load_deck",
    "load_deck_built",
    "load_deck_text",
    "load_deck_with_info",
]

#: `fastpath.fast_load` under its old name (tests/test_sync_rows.py calls it).
_fast_load = fast_load

# ---------------------------------------------------------------------------- limits


def _max_bytes_from_env(default_mib: int = 64) -> int:
    """The size limit in bytes from `QUIZAPP_MAX_DECK_MB` (MiB; junk or <= 0: the default)."""
    raw = os.environ.get("QUIZAPP_MAX_DECK_MB", "").strip()
    try:
        mib = float(raw) if raw else float(default_mib)
    except ValueError:
        mib = float(default_mib)
    if mib <= 0:
        mib = float(default_mib)
    return int(mib * 1024 * 1024)


#: Largest deck file accepted, in bytes (64 MiB; env `QUIZAPP_MAX_DECK_MB` overrides at import).
MAX_DECK_BYTES: int = _max_bytes_from_env()


def _decode(data: bytes, ctx: ProblemLog) -> str | None:
    """The text of a deck file; None (problem recorded) for empty, binary or non-UTF-8 bytes."""
    if not data.strip():
        ctx.add(0, 0, "the file is empty", "a deck needs at least `id:`, `title:` and `cards:`")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        ctx.add(
            line,
            0,
            f"this looks like a binary file (NUL byte at offset {nul})",
            "a deck is a UTF-8 text file (UTF-16 is not supported)",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        ctx.add(
            line,
            col,
            f"not valid UTF-8: byte 0x{data[e.start]:02X} at offset {e.start}",
            "save the file as UTF-8",
        )
        return None


# ---------------------------------------------------------------------------- API


def _load(
    data: bytes,
    path: Path,
    *,
    check_quotes: bool,
    ctx: ProblemLog | None = None,
    fast: bool = False,
    kit: CardKit | None = None,
) -> tuple[Deck, LoadInfo]:
    """Validate deck bytes. `fast` tries the yaml-rs path first (not for `check`: quote
    checks and LoadInfo need node positions); a deck it declines takes the precise path.
    With `kit`, the deck's `cards` are what `kit` built (see `CardKit`)."""
    ctx = ctx or ProblemLog(str(path), path)
    if len(data) > MAX_DECK_BYTES:
        ctx.add(
            0,
            0,
            f"the file is too large ({len(data)} bytes; the limit is {MAX_DECK_BYTES})",
            "split the deck, or raise QUIZAPP_MAX_DECK_MB",
        )
        raise ctx.fail()
    text = _decode(data, ctx)
    if text is None:
        raise ctx.fail()
    if fast:
        deck = fast_load(data, text, path, kit)
        if deck is not None:
            return deck, LoadInfo()
    root = build(text, ctx)
    validator = Validator(ctx)
    deck = validator.deck(root)
    if check_quotes and isinstance(root, Map):
        _check_quotes(validator, validator.found_sources)
        from quizapp.decks.media import check_images  # Pillow: only check mode decodes

        check_images(ctx, validator.image_checks)  # exist, inside the folder, decode, limits
    if ctx.problems or deck is None:
        raise ctx.fail()
    if kit is not None:
        deck.cards = [kit.from_card(card) for card in deck.cards]
    return deck, validator.info


def load_deck_with_info(path: Path, *, check_quotes: bool = False) -> tuple[Deck, LoadInfo]:
    """`load_deck`, also returning where the deck id was written (for cross-file checks)."""
    return _load_path(path, check_quotes=check_quotes, fast=False)


def _load_path(path: Path, *, check_quotes: bool, fast: bool) -> tuple[Deck, LoadInfo]:
    path = Path(path)
    ctx = ProblemLog(str(path), path)
    try:
        if path.is_dir():
            ctx.add(0, 0, "this is a folder, not a deck file", "name a .yaml file")
            raise ctx.fail()
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # a FIFO, socket or device would block or never end: never open it
            ctx.add(0, 0, "this is not a regular file", "name a .yaml deck file")
            raise ctx.fail()
        size = st.st_size
        if size > MAX_DECK_BYTES:
            ctx.add(
                0,
                0,
                f"the file is too large ({size} bytes; the limit is {MAX_DECK_BYTES})",
                "split the deck, or raise QUIZAPP_MAX_DECK_MB",
            )
            raise ctx.fail()
        with path.open("rb") as f:
            data = f.read(MAX_DECK_BYTES + 1)
    except FileNotFoundError:
        ctx.add(0, 0, "no such file", "check the path")
        raise ctx.fail() from None
    except RuntimeError:  # pathlib's "symlink loop"
        ctx.add(0, 0, "a symlink loop", "point the link at a real deck file")
        raise ctx.fail() from None
    except OSError as e:
        ctx.add(0, 0, f"cannot read the file: {e.strerror or e}", "check the path and permissions")
        raise ctx.fail() from None
    return _load(data, path, check_quotes=check_quotes, ctx=ctx, fast=fast)


def load_deck(path: Path, *, check_quotes: bool = False) -> Deck:
    """Load and validate one deck file.

    Raises `DeckError` listing every problem found in the file (never another exception for
    bad content). With `check_quotes`, each card's quote is looked up in its source's `file`.
    """
    return _load_path(path, check_quotes=check_quotes, fast=not check_quotes)[0]


def load_deck_built(data: bytes, path: Path, kit: CardKit) -> tuple[Deck, list[Any]]:
    """`load_deck_text` (fast path first), with the cards built by `kit`: the deck (its
    `cards` empty) and one `kit` result per card, in file order. Raises `DeckError`."""
    deck, _info = _load(data, Path(path), check_quotes=False, fast=True, kit=kit)
    built, deck.cards = deck.cards, []
    return deck, built


def load_deck_text(text: str | bytes, path: Path, *, check_quotes: bool = False) -> Deck:
    """Validate deck text as if read from `path` (used in messages; quote files relative to it)."""
    path = Path(path)
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as e:
            ctx = ProblemLog(str(path), path)
            ctx.add(0, 0, f"the text cannot be encoded as UTF-8 ({e.reason})", "remove it")
            raise ctx.fail() from None
    else:
        data = bytes(text)
    return _load(data, path, check_quotes=check_quotes, fast=not check_quotes)[0]
