"""Anki text files (with ``#key:value`` headers) and plain CSV/TSV → quizapp decks.

Headers understood (Anki's "Importing text files"; keys and values case-insensitive):
``#separator:`` Tab | Comma | Semicolon | Pipe | Space | Colon | a single character,
``#html:`` true | false, ``#tags:`` tags for every note, ``#columns:`` column names,
``#deck:``, ``#notetype:``, ``#tags column:N``, ``#deck column:N``, ``#notetype column:N``,
``#guid column:N`` (columns are 1-based). Other leading ``#`` lines are ignored.

Without headers the separator is sniffed (tab vs comma vs semicolon; `.tsv` is tab) and
the columns are: front, back, tags, explanation. A first row that names the columns
(``front,back,tags``) is taken as the column names.

Card ids: ``anki-<hex of guid>`` when a GUID column is given (the same id as the note
would get from an .apkg), else ``txt-`` + a hash of the front, so editing the back of a
card and re-importing keeps its progress.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.interop.apkg_read import AnkiImportError, AnkiNote, AnkiNotetype
from quizapp.interop.convert import (
    ANSWER_FIELDS,
    EXTRA_FIELDS,
    PROMPT_FIELDS,
    SOURCE_FIELDS,
    SOURCE_ID,
    Conversion,
    FieldMap,
    deck_ids_for,
    field_map,
)
from quizapp.interop.convert import (
    note_cards as _note_cards,
)
from quizapp.model import Deck, Source

MAX_TEXT_BYTES = 256 * 1024**2

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}


@dataclass(slots=True)
class TextHeader:
    separator: str | None = None
    html: bool = False
    tags: tuple[str, ...] = ()
    columns: list[str] = field(default_factory=list)
    deck: str = ""
    notetype: str = ""
    tags_column: int = 0  # 1-based; 0 = none
    deck_column: int = 0
    notetype_column: int = 0
    guid_column: int = 0
    has_header: bool = False


def _column(value: str, key: str, path: Path) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        raise AnkiImportError(f"{path}: #{key}:{value} — the column must be a number") from None
    if n < 1:
        raise AnkiImportError(f"{path}: #{key}:{value} — columns are numbered from 1")
    return n


def parse_header(lines: list[str], path: Path) -> tuple[TextHeader, int]:
    """The header and the number of leading header/comment lines."""
    hdr = TextHeader()
    raw_columns = ""
    count = 0
    for line in lines:
        if not line.startswith("#"):
            break
        count += 1
        key, sep, value = line[1:].partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        value = value.rstrip("\r\n")
        hdr.has_header = True
        if key == "separator":
            v = value.strip()
            sep_char = SEPARATORS.get(v.lower(), value if len(value) == 1 else v)
            if len(sep_char) != 1:
                raise AnkiImportError(
                    f"{path}: #separator:{value} — use Tab, Comma, Semicolon, Pipe, Space, "
                    "Colon or a single character"
                )
            hdr.separator = sep_char
        elif key == "html":
            hdr.html = value.strip().lower() in ("true", "yes", "1")
        elif key == "tags":
            hdr.tags = tuple(value.split())
        elif key == "columns":
            raw_columns = value
        elif key == "deck":
            hdr.deck = value.strip()
        elif key == "notetype":
            hdr.notetype = value.strip()
        elif key == "tags column":
            hdr.tags_column = _column(value, key, path)
        elif key == "deck column":
            hdr.deck_column = _column(value, key, path)
        elif key == "notetype column":
            hdr.notetype_column = _column(value, key, path)
        elif key == "guid column":
            hdr.guid_column = _column(value, key, path)
    if raw_columns:
        sep = hdr.separator or ("\t" if "\t" in raw_columns else ",")
        hdr.columns = [c.strip() for c in next(csv.reader([raw_columns], delimiter=sep))]
    return hdr, count


def _sniff(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    lines = [ln for ln in sample.splitlines()[:20] if ln.strip()]
    counts = {sep: sum(ln.count(sep) for ln in lines) for sep in ("\t", ",", ";")}
    if counts["\t"]:
        return "\t"
    if counts[";"] > counts[","]:
        return ";"
    return ","


_KNOWN_NAMES = set(PROMPT_FIELDS + ANSWER_FIELDS + EXTRA_FIELDS + SOURCE_FIELDS) | {
    "tags",
    "tag",
    "deck",
    "notetype",
    "note type",
    "guid",
}


_SPECIAL_NAMES = (
    ("tags", "tags_column"),
    ("deck", "deck_column"),
    ("guid", "guid_column"),
    ("notetype", "notetype_column"),
)


def read_text_file(path: Path, *, deck_id_prefix: str | None = None) -> tuple[Conversion, int]:
    """(conversion, rows read) of an Anki text file or plain CSV/TSV."""
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise AnkiImportError(f"{path}: larger than 256 MiB; split it")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AnkiImportError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise AnkiImportError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    lines = text.splitlines(keepends=True)
    hdr, skip = parse_header(lines, path)
    body = "".join(lines[skip:])
    sep = hdr.separator or _sniff(body, path.suffix.lower())
    reader = csv.reader(io.StringIO(body), delimiter=sep, skipinitialspace=sep == " ")
    rows = [r for r in reader if any(c.strip() for c in r)]
    special = {hdr.tags_column, hdr.deck_column, hdr.notetype_column, hdr.guid_column} - {0}
    columns = list(hdr.columns)
    if not hdr.has_header:
        if rows and all(c.strip().lower() in _KNOWN_NAMES for c in rows[0]):
            columns = [c.strip() for c in rows.pop(0)]
            lowered = [c.lower() for c in columns]
            for name, attr in _SPECIAL_NAMES:
                if name in lowered:
                    setattr(hdr, attr, lowered.index(name) + 1)
            special = {hdr.tags_column, hdr.deck_column, hdr.notetype_column, hdr.guid_column}
            special -= {0}
        else:
            hdr.tags_column = 3
            special = {3}
            columns = ["Front", "Back", "", "Explanation"]
    conv = Conversion()
    title = path.name
    fallback_deck = hdr.deck or path.stem
    deck_names = []
    for r in rows:
        name = fallback_deck
        if hdr.deck_column and hdr.deck_column <= len(r) and r[hdr.deck_column - 1].strip():
            name = r[hdr.deck_column - 1].strip()
        deck_names.append(name)
    ids = deck_ids_for(set(deck_names), deck_id_prefix)
    decks: dict[str, Deck] = {}
    seen: dict[str, set[str]] = {}
    notetypes: dict[tuple[str, int], tuple[AnkiNotetype, FieldMap]] = {}
    for line_no, (r, deck_name) in enumerate(zip(rows, deck_names, strict=True), start=1):
        label = f"row {line_no}"
        field_idx = [i for i in range(len(r)) if i + 1 not in special]
        values = tuple(r[i] for i in field_idx)
        if not values:
            conv.skipped.append(f"{label}: no fields")
            continue
        names = tuple(
            (columns[i] if i < len(columns) and columns[i] else f"Field {n}")
            for n, i in enumerate(field_idx, start=1)
        )
        ntname = hdr.notetype
        if hdr.notetype_column and hdr.notetype_column <= len(r):
            ntname = r[hdr.notetype_column - 1].strip() or ntname
        is_cloze = "cloze" in ntname.lower() or (
            not ntname and "{{c1::" in values[0] and len(values) <= 2
        )
        key = (ntname.lower() + "|" + "\x1f".join(names), int(is_cloze))
        cached = notetypes.get(key)
        if cached is None:
            nt = AnkiNotetype(id=len(notetypes) + 1, name=ntname or "text", fields=names,
                              is_cloze=is_cloze)  # fmt: skip
            cached = notetypes[key] = (nt, field_map(nt))
        nt, fm = cached
        tags = list(hdr.tags)
        if hdr.tags_column and hdr.tags_column <= len(r):
            tags += r[hdr.tags_column - 1].split()
        guid = ""
        if hdr.guid_column and hdr.guid_column <= len(r):
            guid = r[hdr.guid_column - 1].strip()
        deck_id = ids[deck_name]
        if deck_id not in decks:
            decks[deck_id] = Deck(
                id=deck_id,
                title=deck_name,
                description=f"Imported from {title}.",
                sources={SOURCE_ID: Source(id=SOURCE_ID, title=title, publisher="Anki text file")},
            )
            seen[deck_id] = set()
        note = AnkiNote(id=line_no, guid=guid, mid=nt.id, fields=values, tags=tuple(tags))
        card_id = None
        if not guid:
            front = " ".join(values[0].split()).casefold()
            card_id = "txt-" + hashlib.sha1(front.encode("utf-8")).hexdigest()[:16]
        cards, reason = _note_cards(
            note, nt, fm, deck_id, conv.media.setdefault(deck_id, set()),
            html=hdr.html, card_id=card_id,
        )  # fmt: skip
        if reason:
            conv.skipped.append(f"{label}: {reason}")
            continue
        card = cards[0]
        if card.id in seen[deck_id]:
            conv.skipped.append(f"{label}: same front (or GUID) as an earlier row")
            continue
        seen[deck_id].add(card.id)
        decks[deck_id].cards.append(card)
    conv.decks = [decks[k] for k in sorted(decks) if decks[k].cards]
    if not rows:
        conv.skipped.append(f"{path.name}: no rows")
    return conv, len(rows)
