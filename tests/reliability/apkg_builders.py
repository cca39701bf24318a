"""Small builders of Anki packages for the attack tests, made at run time (no committed
binaries): a legacy package (plain SQLite collection, JSON media map) and a current one
(zstd collection, protobuf media list, zstd media members), with hooks to make them
hostile — zstd bombs, a huge media list, a missing or corrupt member, odd JSON.

`python -m tests.reliability.apkg_builders media|list` measures the bombs at full size (bytes
written, peak RSS of the importing process) for docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import zstandard

NOTETYPE_ID = 1_500_000_000_001
DECK_ID = 1_500_000_000_002


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_bytes(num: int, value: bytes) -> bytes:
    return _varint(num << 3 | 2) + _varint(len(value)) + value


def pb_int(num: int, value: int) -> bytes:
    return _varint(num << 3) + _varint(value)


def zstd_stream(chunks: Iterable[bytes], level: int = 3) -> bytes:
    """zstd-compress a stream of chunks (a bomb's gigabytes never sit in memory)."""
    cctx = zstandard.ZstdCompressor(level=level).compressobj()
    out = bytearray()
    for chunk in chunks:
        out += cctx.compress(chunk)
    out += cctx.flush()
    return bytes(out)


def zeros(total: int, chunk: int = 16 * 1024**2) -> Iterable[bytes]:
    block = bytes(chunk)
    while total > 0:
        yield block[: min(chunk, total)]
        total -= chunk


def _collection(
    notes: Sequence[Sequence[str]],
    fields: Sequence[str],
    *,
    current: bool,
    models_json: str | None = None,
    revlog: int = 0,
) -> bytes:
    """The bytes of an Anki collection (legacy schema 11, or schema 18 when `current`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.db"
        con = sqlite3.connect(path)
        con.executescript(
            """
            CREATE TABLE col (id INTEGER PRIMARY KEY, ver INTEGER, models TEXT, decks TEXT);
            CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, mid INTEGER, mod INTEGER,
                usn INTEGER, tags TEXT, flds TEXT, sfld TEXT, csum INTEGER, flags INTEGER,
                data TEXT);
            CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, did INTEGER, ord INTEGER,
                mod INTEGER, usn INTEGER, type INTEGER, queue INTEGER, due INTEGER,
                ivl INTEGER, factor INTEGER, reps INTEGER, lapses INTEGER, left INTEGER,
                odue INTEGER, odid INTEGER, flags INTEGER, data TEXT);
            CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, usn INTEGER,
                ease INTEGER, ivl INTEGER, lastIvl INTEGER, factor INTEGER, time INTEGER,
                type INTEGER);
            """
        )
        model = {
            str(NOTETYPE_ID): {
                "id": NOTETYPE_ID,
                "name": "Basic",
                "type": 0,
                "flds": [{"name": n, "ord": i} for i, n in enumerate(fields)],
                "tmpls": [{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}", "ord": 0}],
            }
        }
        decks = {str(DECK_ID): {"id": DECK_ID, "name": "Attack"}}
        if current:
            con.executescript(
                """
                CREATE TABLE notetypes (id INTEGER PRIMARY KEY, name TEXT, config BLOB);
                CREATE TABLE fields (ntid INTEGER, ord INTEGER, name TEXT);
                CREATE TABLE templates (ntid INTEGER, ord INTEGER, name TEXT, config BLOB);
                CREATE TABLE decks (id INTEGER PRIMARY KEY, name TEXT);
                """
            )
            con.execute("INSERT INTO notetypes VALUES (?, 'Basic', ?)", (NOTETYPE_ID, b""))
            for i, n in enumerate(fields):
                con.execute("INSERT INTO fields VALUES (?, ?, ?)", (NOTETYPE_ID, i, n))
            config = pb_bytes(1, b"{{Front}}") + pb_bytes(2, b"{{Back}}")
            con.execute("INSERT INTO templates VALUES (?, 0, 'Card 1', ?)", (NOTETYPE_ID, config))
            con.execute("INSERT INTO decks VALUES (?, 'Attack')", (DECK_ID,))
            con.execute("INSERT INTO col VALUES (1, 18, '', '')")
        else:
            con.execute(
                "INSERT INTO col VALUES (1, 11, ?, ?)",
                (models_json if models_json is not None else json.dumps(model), json.dumps(decks)),
            )
        for i, flds in enumerate(notes, start=1):
            con.execute(
                "INSERT INTO notes VALUES (?, ?, ?, 0, 0, '', ?, '', 0, 0, '')",
                (i, f"guid{i}", NOTETYPE_ID, "\x1f".join(flds)),
            )
            con.execute(
                "INSERT INTO cards VALUES (?, ?, ?, 0, 0, 0, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (100 + i, i, DECK_ID, i),
            )
        for r in range(revlog):
            con.execute(
                "INSERT INTO revlog VALUES (?, 101, 0, 3, 1, 0, 2500, 1000, 1)",
                (1_700_000_000_000 + r,),
            )
        con.commit()
        con.close()
        return path.read_bytes()


def legacy_package(
    path: Path,
    notes: Sequence[Sequence[str]] = (("Front 1", 'Back 1 <img src="a.png">'),),
    *,
    fields: Sequence[str] = ("Front", "Back"),
    media: dict[str, bytes] | None = None,
    media_map: dict[str, str] | None = None,
    models_json: str | None = None,
    corrupt_member: str | None = None,
) -> Path:
    """A legacy .apkg: `media` name → bytes (members "0", "1", …); `media_map` overrides
    the map written (e.g. to name a member that is not there); `corrupt_member` flips a
    byte of that member's stored data (a bad CRC)."""
    media = {"a.png": b"\x89PNG fake image"} if media is None else media
    members = {str(i): data for i, data in enumerate(media.values())}
    mapping = media_map if media_map is not None else {str(i): name for i, name in enumerate(media)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "collection.anki21", _collection(notes, fields, current=False, models_json=models_json)
        )
        z.writestr("media", json.dumps(mapping))
        for name, data in members.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    if corrupt_member is not None:
        _flip_byte(path, corrupt_member)
    return path


def _flip_byte(path: Path, member: str) -> None:
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    with open(path, "r+b") as f:
        f.seek(info.header_offset + 26)
        name_len = int.from_bytes(f.read(2), "little")
        extra_len = int.from_bytes(f.read(2), "little")
        at = info.header_offset + 30 + name_len + extra_len
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0xFF]))


def current_package(
    path: Path,
    notes: Sequence[Sequence[str]] = (("Front 1", 'Back 1 <img src="a.png">'),),
    *,
    media: dict[str, bytes] | None = None,
    media_streams: dict[str, Iterable[bytes]] | None = None,
    media_list: bytes | None = None,
) -> Path:
    """A current-format .apkg (meta version 3). `media_streams` name → chunks (zstd-
    compressed as a stream: a bomb); `media_list` replaces the zstd media list."""
    streams: dict[str, Iterable[bytes]] = {}
    for name, data in (media if media is not None else {"a.png": b"\x89PNG fake"}).items():
        streams[name] = [data]
    streams.update(media_streams or {})
    entries = b"".join(pb_bytes(1, pb_bytes(1, name.encode())) for name in streams)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("meta", pb_int(1, 3))
        z.writestr("collection.anki2", b"please update Anki")
        z.writestr(
            "collection.anki21b", zstd_stream([_collection(notes, ("Front", "Back"), current=True)])
        )
        z.writestr("media", media_list if media_list is not None else zstd_stream([entries]))
        for i, chunks in enumerate(streams.values()):
            z.writestr(str(i), zstd_stream(chunks))
    return path


def zstd_media_bomb(path: Path, members: int, each: int) -> Path:
    """`members` media files of `each` bytes of zeros, zstd-compressed inside the zip."""
    names = [f"bomb{i}.png" for i in range(members)]
    body = " ".join(f'<img src="{n}">' for n in names)
    return current_package(
        path, (("Front", body),), media={}, media_streams={n: zeros(each) for n in names}
    )


def media_list_bomb(path: Path, size: int) -> Path:
    """A media list that decompresses to `size` bytes (zeros: an endless empty field)."""
    return current_package(path, media_list=zstd_stream(zeros(size)))


def _measure(kind: str, size: int, members: int = 3) -> None:  # pragma: no cover - manual
    """Build a full-size bomb, import it in a child process, print its figures."""
    import resource
    import subprocess
    import sys
    import time

    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / f"{kind}.apkg"
        if kind == "media":
            zstd_media_bomb(pkg, members, size)
        else:
            media_list_bomb(pkg, size)
        out = Path(tmp) / "out"
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "quizapp", "import", str(pkg), "-o", str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "QUIZAPP_HOME": tmp},
        )
        took = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss = usage.ru_maxrss / 1024
        wrote = usage.ru_oublock * 512 / 1024**2
        left = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) - (
            pkg.stat().st_size
        )
        print(
            f"{kind} bomb: package {pkg.stat().st_size / 1024:.0f} KB, unpacks to "
            f"{members if kind == 'media' else 1} x {size / 1024**3:.1f} GiB; exit "
            f"{proc.returncode} in {took:.1f} s, peak RSS {rss:.0f} MB, written to disk "
            f"{wrote:.1f} MB, bytes left {left}; {proc.stderr.strip().splitlines()[-1]}"
        )


if __name__ == "__main__":  # pragma: no cover - manual measurement
    import sys

    # one kind per process: RUSAGE_CHILDREN keeps the largest child's figures
    kind = sys.argv[1] if len(sys.argv) > 1 else "media"
    _measure(kind, 3 * 1024**3 // 2 if kind == "media" else 3 * 1024**3)
