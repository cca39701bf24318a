"""Anki text files (with ``#key:value`` headers) and plain CSV/TSV → quizapp decks.

Headers understood (Anki's "Importing text files"; keys and values case-insensitive):
``#separator:`` Tab | Comma | Semicolon | Pipe | Space | Colon | a single character,
``#html:`` true | false, ``#tags:`` tags for every note, ``#columns:`` column names,
``#deck:``, ``#notetype:``, ``#tags column:N``, ``#deck column:N``, ``#notetype column:N``,
``#guid column:N`` (columns are 1-based). Other leading ``#`` lines are ignored.

Without headers the separator is sniffed (tab vs comma vs semicolon; `.tsv` is tab) and
the columns are: front, back, tags, explanation (wider rows: the rest go to the
explanation, with a warning). A first row that names the columns (``Question,Answer,Tags``)
is the header. HTML is detected as Anki does when ``#html:`` is absent; Anki's stock note
types (reversed, optional reversed, type-in, cloze) get their templates (docs/anki.md).

Card ids: ``anki-<hex of guid>`` when a GUID column is given (the same id as the note
would get from an .apkg), else ``txt-`` + a hash of the front, so editing the back of a
card and re-importing keeps its progress.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from quizapp.interop.apkg_read import AnkiImportError, AnkiNote, AnkiNotetype
from quizapp.interop.convert import (
    SOURCE_ID,
    Conversion,
    card_id_for_guid,
    card_id_for_ord,
    deck_ids_for,
    note_card,
)
from quizapp.interop.templates import EXTRA_NAMES, SOURCE_NAMES
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
    html_set: bool = False  # `#html:` given (else HTML is detected like Anki does)
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
            hdr.html_set = True
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


_FB = "{{FrontSide}}<hr id=answer>"
#: Anki's stock note types, as a text file's `#notetype` names them.
STOCK: dict[str, AnkiNotetype] = {
    nt.name.casefold(): nt
    for nt in (
        AnkiNotetype(1, "Basic", ("Front", "Back"), False,
                     (("Card 1", "{{Front}}", _FB + "{{Back}}"),)),
        AnkiNotetype(2, "Basic (and reversed card)", ("Front", "Back"), False,
                     (("Card 1", "{{Front}}", _FB + "{{Back}}"),
                      ("Card 2", "{{Back}}", _FB + "{{Front}}"))),
        AnkiNotetype(3, "Basic (optional reversed card)", ("Front", "Back", "Add Reverse"), False,
                     (("Card 1", "{{Front}}", _FB + "{{Back}}"),
                      ("Card 2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}", _FB + "{{Front}}"))),
        AnkiNotetype(4, "Basic (type in the answer)", ("Front", "Back"), False,
                     (("Card 1", "{{Front}}\n\n{{type:Back}}",
                       "{{Front}}<hr id=answer>{{type:Back}}"),)),
        AnkiNotetype(5, "Cloze", ("Text", "Back Extra"), True,
                     (("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"),)),
    )
}  # fmt: skip

#: What Anki treats as HTML in a text file without `#html:` (tags and comments).
_HTML = re.compile(r"(?si)(<!--.*?-->)|(<style.*?>.*?</style>)|(<script.*?>.*?</script>)|(<.*?>)")


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


_KNOWN_NAMES = (
    {"front", "back", "question", "answer", "prompt", "text", "term", "definition", "word",
     "meaning", "cloze", "add reverse", "tags", "tag", "deck", "notetype", "note type", "guid"}
    | EXTRA_NAMES
    | SOURCE_NAMES
)  # fmt: skip

_SPECIAL_NAMES = (
    ("tags", "tags_column"),
    ("deck", "deck_column"),
    ("guid", "guid_column"),
    ("notetype", "notetype_column"),
)


def _looks_like_header(row: list[str]) -> bool:
    """A first row that names columns: short, distinct, no HTML or question marks, and at
    least one cell is a usual column name (Front, Back, Text, Extra, Tags, Deck…)."""
    cells = [c.strip() for c in row]
    if not cells or any(not c or len(c) > 40 or "?" in c or "<" in c for c in cells):
        return False
    if len({c.casefold() for c in cells}) != len(cells):
        return False
    return any(c.casefold() in _KNOWN_NAMES for c in cells)


def read_text_file(
    path: Path, *, deck_id_prefix: str | None = None, keep_duplicates: bool = False
) -> tuple[Conversion, int]:
    """(conversion, rows read) of an Anki text file or plain CSV/TSV.

    Rows whose front repeats an earlier row's (and that have no GUID) are skipped unless
    `keep_duplicates` (Anki imports them all): then they get ids `…-2`, `…-3`."""
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
    try:
        reader = csv.reader(io.StringIO(body), delimiter=sep, skipinitialspace=sep == " ")
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise AnkiImportError(f"{path}: not readable as delimited text ({exc})") from None
    conv = Conversion()
    html = hdr.html if hdr.html_set else any(_HTML.search(c) for r in rows for c in r)
    columns = list(hdr.columns)
    if not columns and rows and _looks_like_header(rows[0]):
        columns = [c.strip() for c in rows.pop(0)]
        conv.warnings.append(
            f"{path.name}: the first row names the columns ({', '.join(columns)}); "
            "it was read as a header, not as a card"
        )
    if columns:
        lowered = [c.casefold() for c in columns]
        for name, attr in _SPECIAL_NAMES:
            if name in lowered and not getattr(hdr, attr):
                setattr(hdr, attr, lowered.index(name) + 1)
    elif not hdr.has_header:
        width = max((len(r) for r in rows), default=0)
        if width <= 4:
            hdr.tags_column = 3
            columns = ["Front", "Back", "", "Explanation"]
        else:
            conv.warnings.append(
                f"{path.name}: rows have {width} columns and no header: column 1 is the "
                f"prompt, column 2 the answer, columns 3–{width} go to the explanation as "
                "'Column N: …' (name them with a first line `#columns:` to choose)"
            )
            columns = ["Front", "Back"] + [f"Column {n}" for n in range(3, width + 1)]
    special = {hdr.tags_column, hdr.deck_column, hdr.notetype_column, hdr.guid_column} - {0}
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
    notetypes: dict[tuple[str, tuple[str, ...]], AnkiNotetype] = {}
    duplicates = 0
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
        stock = STOCK.get(ntname.casefold())
        if stock is None and not ntname and "{{c1::" in values[0] and len(values) <= 2:
            stock = STOCK["cloze"]
        if stock is not None:
            nt = stock
            fields = stock.fields + tuple(
                f"Field {n}" for n in range(len(stock.fields) + 1, len(values) + 1)
            )
            if len(fields) != len(stock.fields):
                nt = AnkiNotetype(stock.id, stock.name, fields, stock.is_cloze, stock.templates)
        else:
            key = (ntname.casefold(), names)
            nt = notetypes.get(key) or notetypes.setdefault(
                key, AnkiNotetype(100 + len(notetypes), ntname or "text", names, False)
            )
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
        if guid:
            base = card_id_for_guid(guid)
        else:
            front = " ".join(values[0].split()).casefold()
            base = "txt-" + hashlib.sha1(front.encode("utf-8")).hexdigest()[:16]
        if base in seen[deck_id] and not guid:
            if not keep_duplicates:
                duplicates += 1
                conv.skipped.append(f"{label}: same front as an earlier row")
                continue
            n = 2
            while f"{base}-{n}" in seen[deck_id]:
                n += 1
            base = f"{base}-{n}"
        ords = [0]
        if not nt.is_cloze and len(nt.templates) > 1:
            optional = nt.fields[2:3] == ("Add Reverse",)
            ords = [0, 1] if not optional or values[2:3] not in ((), ("",)) else [0]
        media = conv.media.setdefault(deck_id, set())
        for o in ords:
            card, reason = note_card(note, nt, o, deck_id, card_id_for_ord(base, o), media,
                                     html=html)  # fmt: skip
            if card is None:
                conv.skipped.append(f"{label}: {reason}")
                continue
            if card.id in seen[deck_id]:
                conv.skipped.append(f"{label}: same GUID as an earlier row")
                continue
            seen[deck_id].add(card.id)
            decks[deck_id].cards.append(card)
    if duplicates:
        conv.warnings.append(
            f"{duplicates} row(s) repeat an earlier row's front and were skipped; Anki would "
            "import them all (use --keep-duplicates to do the same)"
        )
    conv.decks = [decks[k] for k in sorted(decks) if decks[k].cards]
    if not rows:
        conv.skipped.append(f"{path.name}: no rows")
    return conv, len(rows)
