"""`quizapp decks add-ids`: give every card without an `id:` a stable one, in place.

The file is rewritten with ruamel.yaml's round-trip mode, so comments, key order and
quoting survive; only the new `id:` lines (first key of each card) are added.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from quizapp.decks.errors import DeckError, Problem
from quizapp.outputs import Protected, check_target, write_atomic

_MARKER = re.compile(r"\{\{(?:c\d+::)?(.*?)(?:::[^}]*)?\}\}", re.DOTALL)
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG_MAX = 48


def slugify(text: str, max_length: int = _SLUG_MAX) -> str:
    """A card id from prompt or cloze text: lowercase ASCII words joined by `-`."""
    text = _MARKER.sub(r"\1", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "card"


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _sequence_indent(text: str) -> tuple[int, int]:
    """(sequence, offset) indentation used under `cards:`, so the rewrite keeps the layout."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^cards:\s*(#.*)?$", line):
            for nxt in lines[i + 1 :]:
                stripped = nxt.lstrip(" ")
                if not stripped or stripped.startswith("#"):
                    continue
                if stripped.startswith("- "):
                    offset = len(nxt) - len(stripped)
                    return offset + 2, offset
                break
    return 2, 0


def add_missing_ids(path: Path, *, protected: Protected | None = None) -> list[str]:
    """Add an `id:` to each card lacking one; return the ids added (file untouched if none).

    Raises `DeckError` when the file is not YAML or has no `cards:` list, `OutputError`
    when it is (or links to) a `protected` file. The file is rewritten atomically
    (`quizapp.outputs`: it keeps its mode).
    """
    path = Path(path)
    check_target(path, protected or {})  # before reading: it may be a link to the database
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DeckError(
            [
                Problem(
                    str(path),
                    0,
                    0,
                    f"not UTF-8 text ({e.reason} at byte {e.start})",
                    "save the deck file as UTF-8",
                )
            ]
        ) from None
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence, offset = _sequence_indent(text)
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    try:
        data: Any = yaml.load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        col = mark.column + 1 if mark is not None else 0
        raise DeckError(
            [Problem(str(path), line, col, f"YAML syntax error: {e}", "fix it, then retry")]
        ) from None
    cards = data.get("cards") if isinstance(data, CommentedMap) else None
    if not isinstance(cards, CommentedSeq):
        raise DeckError(
            [Problem(str(path), 0, 0, "no `cards:` list found", "a deck needs `cards:`")]
        )
    taken = {str(card["id"]) for card in cards if isinstance(card, CommentedMap) and "id" in card}
    added: list[str] = []
    for card in cards:
        if not isinstance(card, CommentedMap) or "id" in card:
            continue
        basis = str(card.get("prompt") or card.get("text") or card.get("answer") or "card")
        new_id = _unique(slugify(basis), taken)
        card.insert(0, "id", new_id)
        added.append(new_id)
    if not added:
        return []
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomic(
        path,
        [(b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")],
        protected=protected,
    )
    return added
