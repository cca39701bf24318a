"""Deck files → the `cards` table, keyed by (deck id, card id, ord).

* An unchanged file (same path, size and mtime) is not read; same bytes are not parsed.
* Editing a card's text updates its row and keeps its progress (the key is unchanged).
* A card removed from its file is marked inactive: its history stays, and it comes
  back with its progress when the card returns.
* A file with errors changes nothing: its previous cards stay as they were.

Files are read, loaded and turned into rows by `deck_rows.prepare_file`. When several
megabytes of deck files need loading (a first sync), that runs in worker processes
(`sync_pool`) while this process writes the decks before, in file order, one transaction
per deck; otherwise, and whenever the workers cannot be used, it runs here.
"""

from __future__ import annotations

import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field
from os import stat_result
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.decks.discovery import find_deck_files
from quizapp.decks.errors import DeckError, Problem
from quizapp.store.db import transaction
from quizapp.store.handle import Database

if TYPE_CHECKING:
    from quizapp.store.deck_rows import DeckRow, ItemRow, Prepared

ProgressFn = Callable[[int, int, str], None]


@dataclass(slots=True)
class SyncReport:
    deck_ids: list[str] = field(default_factory=list)  # decks visible from the given paths
    parsed: list[str] = field(default_factory=list)  # deck ids (re)loaded from YAML
    unchanged: int = 0  # files skipped without parsing
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    deactivated: int = 0


@dataclass(slots=True)
class _File:
    """One discovered file and what the first pass found (before anything is read)."""

    path: Path
    key: str = ""  # resolved path, as stored in decks.path
    st: stat_result | None = None
    row: dict[str, Any] | None = None  # the stored deck of this path
    problem: Problem | None = None
    unchanged: bool = False  # same size and mtime as stored: not read


def sync_paths(
    db: Database, paths: Iterable[Path], progress: ProgressFn | None = None
) -> SyncReport:
    """Bring the cards of every deck file under `paths` into the store."""
    return _finish(db, _scan(db, paths), progress)


def sync_if_unchanged(db: Database, paths: Iterable[Path]) -> SyncReport | None:
    """`sync_paths`'s report when no deck file changed since the last sync, else None.

    Finding that out costs a directory walk, one query and a stat per file (a few ms)
    and writes nothing, so a front end can do it before its first frame and start the
    real sync (which may parse for seconds) on a worker only when a file changed."""
    scan = _scan(db, paths)
    return None if scan.jobs else _finish(db, scan, None)


@dataclass
class _Scan:
    """What a sync found before reading any file: the plan and the files to prepare."""

    report: SyncReport
    files: list[Path]
    plan: list[_File]
    jobs: list[tuple[str, str | None]]
    sizes: list[int]
    owners: dict[str, str]
    scanned: set[str]


def _scan(db: Database, paths: Iterable[Path]) -> _Scan:
    report = SyncReport()
    try:
        files = find_deck_files(paths)
    except DeckError as e:
        report.problems.extend(e.problems)
        files = []
    known = {
        r["path"]: r
        for r in db.query(
            "SELECT id, path, file_size, file_mtime_ns, file_hash FROM decks WHERE path != ''"
        )
    }
    # When the file a deck id was stored from is part of this sync, it keeps the id: another
    # file with the same id is reported, whatever the order. (A deck whose stored file is
    # not scanned any more — moved or copied elsewhere — is taken over by its new file.)
    owners = {r["id"]: path for path, r in known.items()}
    scanned = set()
    for path in files:
        with suppress(OSError, RuntimeError):
            scanned.add(str(path.resolve()))
    plan = [_plan(path, known) for path in files]
    jobs: list[tuple[str, str | None]] = []
    sizes: list[int] = []
    for f in plan:
        if f.problem is None and not f.unchanged:  # one job per file, in file order
            jobs.append((str(f.path), f.row["file_hash"] if f.row else None))
            sizes.append(f.st.st_size if f.st else 0)
    return _Scan(report, files, plan, jobs, sizes, owners, scanned)


def _finish(db: Database, scan: _Scan, progress: ProgressFn | None) -> SyncReport:
    report = scan.report
    seen_ids: dict[str, str] = {}
    total = len(scan.files)
    # The parsing machinery (loader, YAML, worker pool) is imported only when a file
    # changed: an unchanged start-up does not pay for it.
    results_of: AbstractContextManager[Iterator[Prepared]] = nullcontext(iter(()))
    if scan.jobs:
        from quizapp.store import sync_pool

        results_of = sync_pool.prepared(scan.jobs, scan.sizes)
    with results_of as results:
        for i, f in enumerate(scan.plan):
            if progress:
                progress(i, total, str(f.path))
            if f.problem is not None:
                report.problems.append(f.problem)
                continue
            row = f.row
            if f.unchanged:
                assert row is not None
                _note_deck(report, seen_ids, row["id"], f.key)
                report.unchanged += 1
                continue
            got = next(results)
            _apply(db, f, got, report, seen_ids, scan.owners, scan.scanned)
    if progress:
        progress(total, total, "")
    return report


def _plan(path: Path, known: dict[str, dict[str, Any]]) -> _File:
    f = _File(path)
    try:
        f.key = str(path.resolve())
        f.st = st = path.stat()
    except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop
        why = getattr(e, "strerror", None) or "a symlink loop"
        f.problem = Problem(str(path), 0, 0, f"cannot read: {why}", hint="fix or remove the file")
        return f
    if not stat.S_ISREG(st.st_mode):
        f.problem = Problem(str(path), 0, 0, "not a regular file", hint="name a .yaml deck file")
        return f
    f.row = row = known.get(f.key)
    f.unchanged = bool(
        row and row["file_size"] == st.st_size and row["file_mtime_ns"] == st.st_mtime_ns
    )
    return f


def _apply(
    db: Database,
    f: _File,
    got: Prepared,
    report: SyncReport,
    seen_ids: dict[str, str],
    owners: dict[str, str],
    scanned: set[str],
) -> None:
    """Record one prepared file: problems, a touched but identical file, or a new version."""
    row, key, st = f.row, f.key, f.st
    assert st is not None
    if got.kind == "unreadable":
        report.problems.extend(got.problems or ())
        return
    if got.kind == "same":
        assert row is not None
        with transaction(db.conn):
            db.conn.execute(
                "UPDATE decks SET file_size = ?, file_mtime_ns = ? WHERE id = ?",
                [st.st_size, st.st_mtime_ns, row["id"]],
            )
        _note_deck(report, seen_ids, row["id"], key)
        report.unchanged += 1
        return
    if got.kind != "ok" or got.deck is None or got.rows is None:
        report.problems.extend(got.problems or ())
        if row:  # keep the previous version of the deck visible
            _note_deck(report, seen_ids, row["id"], key)
        return
    deck_id = got.deck[0]
    owner = seen_ids.get(deck_id)
    stored = owners.get(deck_id)
    if owner is None and stored is not None and stored in scanned:
        owner = stored
    if owner is not None and owner != key:
        report.problems.append(
            Problem(
                str(f.path),
                1,
                1,
                f"deck id {deck_id!r} is also used by {owner}",
                hint="give one of the decks another `id:`",
            )
        )
        return
    _store_deck(db, got.deck, got.rows, key, st.st_size, st.st_mtime_ns, got.digest, report)
    _note_deck(report, seen_ids, deck_id, key)
    report.parsed.append(deck_id)


def _note_deck(report: SyncReport, seen: dict[str, str], deck_id: str, key: str) -> None:
    if deck_id not in seen:
        seen[deck_id] = key
        report.deck_ids.append(deck_id)


def _store_deck(
    db: Database,
    deck: DeckRow,
    rows: list[ItemRow],
    path: str,
    size: int,
    mtime_ns: int,
    digest: str,
    report: SyncReport,
) -> None:
    deck_id, title, description, tags_json, sources_json, card_count = deck
    existing = {
        (r[0], r[1]): (r[2], r[3], r[4], r[5], r[6])
        for r in db.conn.execute(
            """SELECT card_id, ord, id, content_hash, active, position, fact
               FROM cards WHERE deck_id = ?""",
            [deck_id],
        )
    }
    if existing:
        inserts: list[ItemRow] = []
        updates: list[tuple[Any, ...]] = []
        keep: set[tuple[str, int]] = set()
        for r in rows:
            k = (r[1], r[2])
            keep.add(k)
            old = existing.get(k)
            if old is None:
                inserts.append(r)
            elif old[1] != r[4] or not old[2] or old[3] != r[8] or old[4] != r[9]:
                updates.append((*r[3:], old[0]))
        gone = [v[0] for k, v in existing.items() if k not in keep and v[2]]
    else:  # a new deck: every row is an insert
        inserts, updates, gone = rows, [], []
    with transaction(db.conn):
        db.conn.execute(
            """INSERT INTO decks (id, title, description, tags, sources, path, file_size,
                   file_mtime_ns, file_hash, card_count, active, synced_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
               ON CONFLICT (id) DO UPDATE SET title = excluded.title,
                   description = excluded.description, tags = excluded.tags,
                   sources = excluded.sources, path = excluded.path,
                   file_size = excluded.file_size, file_mtime_ns = excluded.file_mtime_ns,
                   file_hash = excluded.file_hash, card_count = excluded.card_count,
                   active = 1, synced_at = excluded.synced_at""",
            [
                deck_id,
                title,
                description,
                tags_json,
                sources_json,
                path,
                size,
                mtime_ns,
                digest,
                card_count,
                int(time.time() * 1000),
            ],
        )
        db.conn.executemany(
            """INSERT INTO cards (deck_id, card_id, ord, type, content_hash, tags, search,
                   data, position, fact, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
            inserts,
        )
        if updates:
            db.conn.executemany(
                """UPDATE cards SET type = ?, content_hash = ?, tags = ?, search = ?, data = ?,
                       position = ?, fact = ?, active = 1 WHERE id = ?""",
                updates,
            )
        if gone:
            db.conn.executemany("UPDATE cards SET active = 0 WHERE id = ?", [(pk,) for pk in gone])
    report.added += len(inserts)
    report.updated += len(updates)
    report.deactivated += len(gone)
