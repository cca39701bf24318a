"""`anki-notetypes.json`: the Anki note types of imported cards, kept beside their decks.

A card's `anki:` mapping names its note type (`notetype`, `notetype_id`); this file holds
the note type itself (fields, templates, CSS), so `export --anki` can write the note back
with the note type it came from — same id, same fields, same templates — and Anki then
updates the existing note instead of adding one or reporting a note type conflict.

Written by `import_file` (merged with what the folder's file already holds); read by the
export. A missing or unreadable file only means notes are exported with quizapp's own
note types.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from quizapp.interop.apkg_read import AnkiNotetype
from quizapp.outputs import write_atomic

NOTETYPES_FILE = "anki-notetypes.json"
MAX_FILE = 16 * 1024**2


def read_notetypes(path: Path) -> dict[int, AnkiNotetype]:
    """The note types in `path` by id ({} when absent or unreadable)."""
    try:
        if path.stat().st_size > MAX_FILE:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[int, AnkiNotetype] = {}
    if not isinstance(data, dict):
        return out
    for key, nt in data.items():
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
            out[int(key)] = AnkiNotetype(
                id=int(key),
                name=str(nt["name"]),
                fields=tuple(str(f) for f in nt["fields"]),
                is_cloze=bool(nt.get("cloze", False)),
                templates=tuple((str(n), str(q), str(a)) for n, q, a in nt["templates"]),
                css=str(nt.get("css", "")),
            )
    return out


def write_notetypes(path: Path, notetypes: dict[int, AnkiNotetype], merge_with: Path) -> None:
    """Write `notetypes` (plus those of `merge_with` not among them) to `path`."""
    merged = read_notetypes(merge_with)
    merged.update(notetypes)
    data: dict[str, Any] = {
        str(ntid): {
            "name": nt.name,
            "cloze": nt.is_cloze,
            "fields": list(nt.fields),
            "templates": [list(t) for t in nt.templates],
            "css": nt.css,
        }
        for ntid, nt in sorted(merged.items())
    }
    write_atomic(path, [json.dumps(data, ensure_ascii=False, indent=1) + "\n"])
