"""Read Anki packages (`.apkg` / `.colpkg`) into plain data, without Anki.

Both package formats are read:

* legacy: ``collection.anki21`` (or ``collection.anki2``) is a plain SQLite file
  (schema 11: note types and decks as JSON in the ``col`` row), the ``media`` member is
  a JSON map ``{"0": "name.png", …}`` and media members are stored as is;
* current: a ``meta`` member (protobuf ``PackageMetadata``, version 3 = latest) says
  the collection is ``collection.anki21b``, a zstd-compressed SQLite file (schema 18:
  ``notetypes``, ``fields``, ``templates``, ``decks`` tables); the ``media`` member is a
  zstd-compressed protobuf ``MediaEntries`` list (entry *i* is zip member ``"i"``), and
  every media member is zstd-compressed too.

Current packages also carry a dummy ``collection.anki2`` ("please update Anki") for
old clients; the ``meta`` member decides which collection is real.

The zip is treated as hostile: member names with absolute paths or ``..`` are refused,
and the SQLite file is opened read-only from a private temporary copy. Every member and
every zstd stream inside one (the collection, the media list, each media file) is
decompressed as a stream against one `Budget` for the whole package: a running total of
the bytes unpacked (default 2 GiB, `max_bytes`), a ratio check on what each member
yields from its stored bytes (both layers together) once past a floor (so one large
but ordinary field is not refused), and small in-memory caps for the media list and the
notes' text, so that no package can fill the disk or the memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, cast

import zstandard

Progress = Callable[[int, int], None]

MAX_TOTAL_UNCOMPRESSED = 2 * 1024**3  # 2 GiB unpacked over the whole package, by default
MAX_RATIO = 200  # unpacked / stored bytes of one member (zip and zstd layers together) …
_RATIO_FLOOR = 16 * 1024**2  # … checked only past 16 MiB unpacked: a large field is not a bomb
MAX_MEDIA_LIST = 64 * 1024**2  # the media list is held in memory
MAX_META = 1024**2
MAX_NOTE_TEXT = 128 * 1024**2  # the notes' fields are held in memory
MAX_ROWS = 4_000_000  # notes + cards + reviews held in memory
_COPY_CHUNK = 1024**2

FIELD_SEP = "\x1f"


class AnkiImportError(Exception):
    """A package that cannot be read; the message says what is wrong and what to do."""


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


@dataclass(slots=True)
class Budget:
    """The bytes one package may unpack, counted across all its members and layers."""

    limit: int = MAX_TOTAL_UNCOMPRESSED
    used: int = 0

    def take(self, n: int, what: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise AnkiImportError(
                f"the package unpacks to more than {_size(self.limit)} (at {what}); refusing "
                "it (possible zip bomb) — nothing was written"
            )


def _stream(
    zf: zipfile.ZipFile,
    member: str,
    *,
    zstd: bool,
    budget: Budget,
    sink: Callable[[bytes], object],
    cap: int | None = None,
) -> int:
    """Unpack `member` (and its zstd layer) chunk by chunk into `sink`; returns the size.

    Raises AnkiImportError past the budget, past `cap`, past the ratio limit, or for a
    damaged member (missing, bad CRC, bad zstd data)."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise AnkiImportError(
            f"the package lists {member!r} but has no such member; the package is damaged"
        ) from None
    stored = max(info.compress_size, 1)
    written = 0
    try:
        with zf.open(info) as raw:
            src: IO[bytes] | zstandard.ZstdDecompressionReader = (
                zstandard.ZstdDecompressor().stream_reader(raw) if zstd else raw
            )
            while chunk := src.read(_COPY_CHUNK):
                written += len(chunk)
                budget.take(len(chunk), member)
                if cap is not None and written > cap:
                    raise AnkiImportError(
                        f"{member} unpacks to more than {_size(cap)}; refusing it "
                        "(possible zip bomb)"
                    )
                if written > _RATIO_FLOOR and written > MAX_RATIO * stored:
                    raise AnkiImportError(
                        f"member {member!r} is compressed more than {MAX_RATIO}:1; refusing "
                        "it (possible zip bomb)"
                    )
                sink(chunk)
    except zstandard.ZstdError as exc:
        raise AnkiImportError(
            f"{member} is not valid zstd data ({exc}); the package is damaged"
        ) from None
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise AnkiImportError(f"cannot unpack {member}: {exc}; the package is damaged") from None
    return written


def _read_member(
    zf: zipfile.ZipFile, member: str, *, zstd: bool, budget: Budget, cap: int
) -> bytes:
    buf = bytearray()
    _stream(zf, member, zstd=zstd, budget=budget, sink=buf.extend, cap=cap)
    return bytes(buf)


@dataclass(frozen=True, slots=True)
class AnkiNotetype:
    id: int
    name: str
    fields: tuple[str, ...]
    is_cloze: bool
    templates: tuple[tuple[str, str, str], ...] = ()  # (name, question format, answer format)
    css: str = ""


@dataclass(frozen=True, slots=True)
class AnkiNote:
    id: int
    guid: str
    mid: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnkiCard:
    id: int
    nid: int
    did: int  # the home deck (odid when the card sits in a filtered deck)
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -3/-2 buried, -1 suspended, 0 new, 1 learning, 2 review, 3 day-learn
    due: int
    ivl: int
    factor: int
    reps: int = 0
    lapses: int = 0
    left: int = 0  # learning steps left (v2+: the last three digits)
    data: str = ""  # JSON: FSRS memory state "s", "d", desired retention "dr", "decay", "lrt"


@dataclass(frozen=True, slots=True)
class AnkiTiming:
    """What Anki's day numbers count from: the collection's creation time and the
    settings that place its day boundaries (`rslib/src/scheduler/timing.rs`)."""

    crt: int = 0  # collection creation, epoch seconds
    creation_offset: int | None = None  # minutes west of UTC at creation (v2 new cutoff)
    rollover: int | None = None  # hour of the day rollover; None: v1 scheduler


@dataclass(frozen=True, slots=True)
class AnkiReview:
    id: int  # epoch milliseconds of the review
    cid: int
    ease: int  # 1-4 (0: manual reschedule)
    ivl: int  # days if > 0, seconds if < 0
    last_ivl: int
    factor: int
    time: int  # milliseconds taken
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(slots=True)
class AnkiPackage:
    path: Path
    version: int  # 1 collection.anki2, 2 collection.anki21, 3 collection.anki21b
    schema: int  # the collection's `col.ver`
    notetypes: dict[int, AnkiNotetype] = field(default_factory=dict)
    decks: dict[int, str] = field(default_factory=dict)  # id → "Parent::Child"
    notes: list[AnkiNote] = field(default_factory=list)
    cards: list[AnkiCard] = field(default_factory=list)
    revlog: list[AnkiReview] = field(default_factory=list)
    timing: AnkiTiming = field(default_factory=AnkiTiming)
    media: dict[str, str] = field(default_factory=dict)  # media file name → zip member
    budget: Budget = field(default_factory=Budget)  # shared by the collection and media

    def open_media(self, name: str) -> IO[bytes]:
        """A readable stream of a media file (decompressed; for reading an image's header —
        not counted against the budget: `copy_media` writes one); KeyError if absent."""
        member = self.media[name]
        zf = zipfile.ZipFile(self.path)
        raw = zf.open(member)
        if self.version >= 3:
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            return cast(IO[bytes], _ClosingStream(reader, zf))
        return cast(IO[bytes], _ClosingStream(raw, zf))

    def copy_media(self, name: str, dest: Path) -> int:
        """Copy media file `name` to `dest`; returns the bytes written. Counted against
        the package's budget; AnkiImportError for a damaged or oversized member (the
        partial file is removed)."""
        member = self.media[name]
        try:
            with zipfile.ZipFile(self.path) as zf, open(dest, "wb") as out:
                return _stream(
                    zf, member, zstd=self.version >= 3, budget=self.budget, sink=out.write
                )
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(dest)
            raise


# --- minimal protobuf wire-format reading (just what the package format needs) ---


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _proto_fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs: varints as int, length-delimited as bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield num, value
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError("truncated field")
            yield num, buf[pos : pos + size]
            pos += size
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def _proto_first(buf: bytes, number: int, default: int | bytes) -> int | bytes:
    for num, value in _proto_fields(buf):
        if num == number:
            return value
    return default


# --- zip safety ---


def _check_members(zf: zipfile.ZipFile, max_bytes: int = MAX_TOTAL_UNCOMPRESSED) -> None:
    """Refuse unsafe names, and sizes the zip's own headers already declare too large
    (the streams are counted again as they are unpacked: headers can lie)."""
    total = 0
    for info in zf.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise AnkiImportError(
                f"refusing unsafe member {name!r} in the package (absolute path or '..'); "
                "the file is corrupt or malicious"
            )
        total += info.file_size
        if total > max_bytes:
            raise AnkiImportError(
                f"the package unpacks to more than {_size(max_bytes)}; refusing it "
                "(possible zip bomb)"
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise AnkiImportError(
                f"member {name!r} is compressed more than {MAX_RATIO}:1; refusing it "
                "(possible zip bomb)"
            )


# --- reading ---


def read_apkg(
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    max_bytes: int = MAX_TOTAL_UNCOMPRESSED,
    work_dir: Path | None = None,
) -> AnkiPackage:
    """Read an Anki package (.apkg or .colpkg, legacy or current format).

    `progress(done, total)` is called while notes, cards and reviews are read.
    `max_bytes` caps what the whole package may unpack (the collection here, the media
    files later through `AnkiPackage.copy_media`). The collection is unpacked into a
    private folder under `work_dir` (default: the system's temporary folder); folders
    left there by a killed import are removed first.
    Raises AnkiImportError with a clear message for anything unreadable.
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise AnkiImportError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise AnkiImportError(
            f"{path}: not an Anki package (not a zip file: {exc}); export it again from Anki "
            "with File › Export › Anki Deck Package"
        ) from None
    budget = Budget(limit=max_bytes)
    with zf:
        _check_members(zf, max_bytes)
        names = set(zf.namelist())
        version = _package_version(zf, names, path, budget)
        member = {1: "collection.anki2", 2: "collection.anki21", 3: "collection.anki21b"}[version]
        if member not in names:
            raise AnkiImportError(
                f"{path}: the package has no collection inside (expected {member}); "
                "it is not an Anki deck package or it is damaged"
            )
        media = _media_map(zf, names, version, path, budget)
        system_tmp = Path(tempfile.gettempdir())
        base = Path(work_dir) if work_dir is not None else system_tmp
        remove_stale_work_dirs(system_tmp)
        with tempfile.TemporaryDirectory(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=base) as tmp:
            db_path = Path(tmp) / "collection.sqlite"
            try:
                with open(db_path, "wb") as out:
                    _stream(zf, member, zstd=version >= 3, budget=budget, sink=out.write)
            except AnkiImportError as exc:
                raise AnkiImportError(f"{path}: {exc}") from None
            pkg = AnkiPackage(path=path, version=version, schema=0, media=media, budget=budget)
            _read_collection(db_path, pkg, progress)
            # the connection is closed; the temp dir goes away here
    return pkg


WORK_PREFIX = "quizapp-apkg-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def remove_stale_work_dirs(base: Path, prefix: str = WORK_PREFIX) -> None:
    """Remove `<prefix><pid>-*` folders under `base` whose process is gone (an import that
    was killed leaves its unpacked collection behind)."""
    try:
        entries = list(os.scandir(base))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _alive(int(pid_text)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _package_version(zf: zipfile.ZipFile, names: set[str], path: Path, budget: Budget) -> int:
    if "meta" in names:
        try:
            raw = _read_member(zf, "meta", zstd=False, budget=budget, cap=MAX_META)
            value = _proto_first(raw, 1, 0)
        except AnkiImportError as exc:
            raise AnkiImportError(f"{path}: {exc}") from None
        except (ValueError, OSError) as exc:
            raise AnkiImportError(f"{path}: unreadable package metadata ({exc})") from None
        if not isinstance(value, int) or value not in (1, 2, 3):
            raise AnkiImportError(
                f"{path}: unsupported package version {value!r}; it was made by a newer Anki. "
                "Export it again with 'Support older Anki versions' ticked"
            )
        return value
    if "collection.anki21" in names:
        return 2
    if "collection.anki2" in names:
        return 1
    if "collection.anki21b" in names:
        return 3
    raise AnkiImportError(
        f"{path}: the zip has no Anki collection inside (no collection.anki2, "
        "collection.anki21 or collection.anki21b); it is not an Anki deck package"
    )


def _media_map(
    zf: zipfile.ZipFile, names: set[str], version: int, path: Path, budget: Budget
) -> dict[str, str]:
    if "media" not in names:
        return {}
    try:
        raw = _read_member(zf, "media", zstd=version >= 3, budget=budget, cap=MAX_MEDIA_LIST)
    except AnkiImportError as exc:
        raise AnkiImportError(f"{path}: the media list: {exc}") from None
    try:
        if version >= 3:
            data = raw
            media: dict[str, str] = {}
            for index, (num, entry) in enumerate((n, v) for n, v in _proto_fields(data) if n == 1):
                del num
                if not isinstance(entry, bytes):
                    continue
                name = _proto_first(entry, 1, b"")
                member = _proto_first(entry, 255, index)
                if isinstance(name, bytes) and name:
                    media[name.decode("utf-8", "replace")] = str(member)
            return media
        mapping = json.loads(raw.decode("utf-8") or "{}")
        if not isinstance(mapping, dict):
            raise ValueError("media list is not a mapping")
        return {str(v): str(k) for k, v in mapping.items()}
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnkiImportError(f"{path}: the media list is damaged ({exc})") from None


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def _read_collection(db_path: Path, pkg: AnkiPackage, progress: Progress | None) -> None:
    uri = db_path.resolve().as_uri() + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise AnkiImportError(f"{pkg.path}: cannot open the collection: {exc}") from None
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    # Anki collates names with a custom `unicase` collation; define it so queries work.
    con.create_collation("unicase", _unicase)
    try:
        row = con.execute("SELECT ver FROM col").fetchone()
        pkg.schema = int(row[0]) if row else 0
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "notetypes" in tables:
            _read_new_schema(con, pkg)
        else:
            _read_legacy_schema(con, pkg)
        pkg.timing = _read_timing(con, legacy="notetypes" not in tables)
        _read_rows(con, pkg, progress)
    except sqlite3.DatabaseError as exc:
        raise AnkiImportError(
            f"{pkg.path}: the collection inside is not a readable SQLite database ({exc}); "
            "the package is corrupt"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnkiImportError(
            f"{pkg.path}: the collection has unexpected content ({type(exc).__name__}: {exc}); "
            "the package is damaged"
        ) from None
    finally:
        con.close()


def _read_new_schema(con: sqlite3.Connection, pkg: AnkiPackage) -> None:
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ord_, name in con.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(ntid, []).append((ord_, name))
    templates: dict[int, list[tuple[int, str, str, str]]] = {}
    for ntid, ord_, name, config in con.execute("SELECT ntid, ord, name, config FROM templates"):
        q = a = b""
        for num, value in _proto_fields(bytes(config)):
            if num == 1 and isinstance(value, bytes):
                q = value
            elif num == 2 and isinstance(value, bytes):
                a = value
        templates.setdefault(ntid, []).append(
            (ord_, name, q.decode("utf-8", "replace"), a.decode("utf-8", "replace"))
        )
    for ntid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
        kind = _proto_first(bytes(config), 1, 0)
        css = _proto_first(bytes(config), 3, b"")
        pkg.notetypes[ntid] = AnkiNotetype(
            id=ntid,
            name=name,
            fields=tuple(n for _, n in sorted(fields.get(ntid, []))),
            is_cloze=kind == 1,
            templates=tuple((n, q, a) for _, n, q, a in sorted(templates.get(ntid, []))),
            css=css.decode("utf-8", "replace") if isinstance(css, bytes) else "",
        )
    for did, name in con.execute("SELECT id, name FROM decks"):
        pkg.decks[did] = name.replace(FIELD_SEP, "::")


def _read_legacy_schema(con: sqlite3.Connection, pkg: AnkiPackage) -> None:
    row = con.execute("SELECT models, decks FROM col").fetchone()
    if row is None:
        raise ValueError("the col table is empty")
    models = json.loads(row[0] or "{}")
    decks = json.loads(row[1] or "{}")
    if not isinstance(models, dict) or not isinstance(decks, dict):
        raise ValueError("col.models and col.decks must be JSON objects")
    if not all(isinstance(v, dict) for v in (*models.values(), *decks.values())):
        raise ValueError("every note type and deck in col must be a JSON object")
    for model in models.values():
        ntid = int(model["id"])
        pkg.notetypes[ntid] = AnkiNotetype(
            id=ntid,
            name=str(model.get("name", "")),
            fields=tuple(
                str(f["name"]) for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
            ),
            is_cloze=int(model.get("type", 0)) == 1,
            templates=tuple(
                (str(t.get("name", "")), str(t.get("qfmt", "")), str(t.get("afmt", "")))
                for t in sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
            ),
            css=str(model.get("css", "")),
        )
    for deck in decks.values():
        pkg.decks[int(deck["id"])] = str(deck.get("name", ""))


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _read_timing(con: sqlite3.Connection, *, legacy: bool) -> AnkiTiming:
    """The collection's creation time, creation offset and rollover hour (col.conf JSON
    in the legacy schema, the config table in the current one). Only progress imports
    use them: a collection without them (a hand-made one) gets the defaults."""
    col_columns = {r[1] for r in con.execute("PRAGMA table_info(col)")}
    crt = 0
    conf: dict[str, object] = {}
    if {"crt", "conf"} <= col_columns:
        crt, conf_text = con.execute("SELECT crt, conf FROM col").fetchone() or (0, "")
        if legacy:
            with contextlib.suppress(ValueError, TypeError):
                loaded = json.loads(conf_text or "{}")
                conf = loaded if isinstance(loaded, dict) else {}
    if (
        not legacy
        and con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'config'"
        ).fetchone()
    ):
        for key, val in con.execute(
            "SELECT key, val FROM config WHERE key IN ('creationOffset', 'rollover', 'schedVer')"
        ):
            with contextlib.suppress(ValueError, TypeError, UnicodeDecodeError):
                conf[str(key)] = json.loads(bytes(val).decode("utf-8"))
    sched_v1 = legacy and _int_or_none(conf.get("schedVer")) in (None, 1)
    rollover = _int_or_none(conf.get("rollover"))
    return AnkiTiming(
        crt=_int_or_none(crt) or 0,
        creation_offset=_int_or_none(conf.get("creationOffset")),
        rollover=None if sched_v1 and rollover is None else (4 if rollover is None else rollover),
    )


def _read_rows(con: sqlite3.Connection, pkg: AnkiPackage, progress: Progress | None) -> None:
    counts = [
        con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("notes", "cards", "revlog")
    ]
    total = sum(counts)
    if total > MAX_ROWS:
        raise AnkiImportError(
            f"{pkg.path}: the collection holds {total:,} notes, cards and reviews, more than "
            f"the {MAX_ROWS:,} quizapp imports at once"
        )
    text = con.execute("SELECT coalesce(sum(length(CAST(flds AS BLOB))), 0) FROM notes")
    if text.fetchone()[0] > MAX_NOTE_TEXT:
        raise AnkiImportError(
            f"{pkg.path}: the notes hold more than {_size(MAX_NOTE_TEXT)} of text; refusing "
            "the package (it would not fit in memory)"
        )
    done = 0
    step = 2000

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    for i, (nid, guid, mid, tags, flds) in enumerate(
        con.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"), start=1
    ):
        pkg.notes.append(
            AnkiNote(
                id=nid,
                guid=str(guid),
                mid=mid,
                fields=tuple(str(flds).split(FIELD_SEP)),
                tags=tuple(t for t in str(tags).split() if t),
            )
        )
        if i % step == 0:
            tick(step)
    tick(counts[0] % step)
    for i, r in enumerate(
        con.execute(
            "SELECT id, nid, CASE WHEN odid != 0 THEN odid ELSE did END, ord, type, queue, "
            "CASE WHEN odid != 0 THEN odue ELSE due END, ivl, factor, reps, lapses, "
            "coalesce(left, 0), coalesce(CAST(data AS TEXT), '') FROM cards ORDER BY nid, ord"
        ),
        start=1,
    ):
        pkg.cards.append(AnkiCard(*r))
        if i % step == 0:
            tick(step)
    tick(counts[1] % step)
    for i, r in enumerate(
        con.execute(
            "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id"
        ),
        start=1,
    ):
        pkg.revlog.append(AnkiReview(*r))
        if i % step == 0:
            tick(step)
    tick(counts[2] % step)


class _ClosingStream:
    """A read stream that closes its zip file too."""

    def __init__(self, stream: IO[bytes] | zstandard.ZstdDecompressionReader, zf: zipfile.ZipFile):
        self._stream = stream
        self._zf = zf

    def read(self, n: int = -1) -> bytes:
        return self._stream.read(n)

    def close(self) -> None:
        self._stream.close()
        self._zf.close()

    def __enter__(self) -> _ClosingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
