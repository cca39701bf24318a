"""Deck files → the `cards` table, keyed by (deck id, card id, ord).

* An unchanged file (same path, size and mtime) is not read; same bytes are not parsed.
* Editing a card's text updates its row and keeps its progress (the key is unchanged).
* A card removed from its file is marked inactive: its history stays, and it comes
  back with its progress when the card returns.
* A file with errors changes nothing: its previous cards stay as they were.
"""

from __future__ import annotations

import hashlib
import json
import stat
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from quizapp import cloze
from quizapp.decks.discovery import find_deck_files
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.loader import load_deck
from quizapp.model import Card, CardType, Deck
from quizapp.store.db import transaction

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


def card_data(card: Card) -> dict[str, Any]:
    """The card as stored (JSON) — enough to study it without reading YAML."""
    data: dict[str, Any] = {"type": str(card.type), "explanation": card.explanation}
    if card.prompt:
        data["prompt"] = card.prompt
    if card.answer:
        data["answer"] = card.answer
    if card.accept:
        data["accept"] = list(card.accept)
    if card.choices:
        data["choices"] = [
            {"text": c.text, "correct": c.correct, "why": c.why} for c in card.choices
        ]
    if card.text:
        data["text"] = card.text
    data["tags"] = list(card.tags)
    if card.source:
        data["source"] = {
            "id": card.source.source_id,
            "quote": card.source.quote,
            "ref": card.source.ref,
        }
    data["line"] = card.line
    return data


def _search_text(card: Card) -> str:
    parts = [card.id, card.prompt, card.answer, *card.accept, cloze.plain_text(card.text)]
    parts += [c.text for c in card.choices]
    parts.append(card.explanation)
    return " ".join(p for p in parts if p).casefold()


# One encoder for every card (json.dumps builds a new one per call with these options).
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _card_json(card: Card) -> tuple[str, str]:
    """(payload, content hash) — byte for byte `json.dumps(card_data(card), sort_keys=True)`
    and the sha1 of the same without "line", from one encoding of the card.

    The keys are sorted; "line" falls between "explanation" (always present) and
    "tags"/"type" (always present), so the JSON splits into two non-empty halves.
    """
    head: dict[str, Any] = {}
    if card.accept:
        head["accept"] = list(card.accept)
    if card.answer:
        head["answer"] = card.answer
    if card.choices:
        head["choices"] = [
            {"correct": c.correct, "text": c.text, "why": c.why} for c in card.choices
        ]
    head["explanation"] = card.explanation
    tail: dict[str, Any] = {}
    if card.prompt:
        tail["prompt"] = card.prompt
    if card.source:
        tail["source"] = {
            "id": card.source.source_id,
            "quote": card.source.quote,
            "ref": card.source.ref,
        }
    tail["tags"] = list(card.tags)
    if card.text:
        tail["text"] = card.text
    tail["type"] = str(card.type)
    first = _encode(head)[:-1]
    second = _encode(tail)[1:]
    payload = f'{first}, "line": {int(card.line)}, {second}'
    digest = hashlib.sha1(f"{first}, {second}".encode()).hexdigest()
    return payload, digest


def _item_rows(deck: Deck) -> list[tuple[Any, ...]]:
    """(deck_id, card_id, ord, type, content_hash, tags, search, data, position) per item."""
    rows: list[tuple[Any, ...]] = []
    deck_id = deck.id
    for position, card in enumerate(deck.cards):
        payload, digest = _card_json(card)
        ctype = str(card.type)
        tags = " " + " ".join(card.tags) + " "
        search = _search_text(card)
        ords = [d.ord for d in cloze.deletions(card.text)] if card.type == CardType.CLOZE else [0]
        for ord_ in ords:
            rows.append((deck_id, card.id, ord_, ctype, digest, tags, search, payload, position))
    return rows


def _sources_json(deck: Deck) -> str:
    return json.dumps(
        {
            sid: {
                "title": s.title,
                "author": s.author,
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
            }
            for sid, s in deck.sources.items()
        },
        ensure_ascii=False,
    )


def sync_paths(
    db: Database, paths: Iterable[Path], progress: ProgressFn | None = None
) -> SyncReport:
    """Bring the cards of every deck file under `paths` into the store."""
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
    for f in files:
        with suppress(OSError, RuntimeError):
            scanned.add(str(f.resolve()))
    seen_ids: dict[str, str] = {}
    total = len(files)
    for i, path in enumerate(files):
        if progress:
            progress(i, total, str(path))
        try:
            key = str(path.resolve())
            st = path.stat()
        except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop
            why = getattr(e, "strerror", None) or "a symlink loop"
            report.problems.append(
                Problem(str(path), 0, 0, f"cannot read: {why}", hint="fix or remove the file")
            )
            continue
        if not stat.S_ISREG(st.st_mode):
            report.problems.append(
                Problem(str(path), 0, 0, "not a regular file", hint="name a .yaml deck file")
            )
            continue
        row = known.get(key)
        if row and row["file_size"] == st.st_size and row["file_mtime_ns"] == st.st_mtime_ns:
            _note_deck(report, seen_ids, row["id"], key)
            report.unchanged += 1
            continue
        try:
            raw = path.read_bytes()
        except OSError as e:
            report.problems.append(Problem(str(path), 0, 0, f"cannot read: {e.strerror}"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if row and row["file_hash"] == digest:
            with transaction(db.conn):
                db.conn.execute(
                    "UPDATE decks SET file_size = ?, file_mtime_ns = ? WHERE id = ?",
                    [st.st_size, st.st_mtime_ns, row["id"]],
                )
            _note_deck(report, seen_ids, row["id"], key)
            report.unchanged += 1
            continue
        try:
            deck = load_deck(path)
        except DeckError as e:
            report.problems.extend(e.problems)
            if row:  # keep the previous version of the deck visible
                _note_deck(report, seen_ids, row["id"], key)
            continue
        owner = seen_ids.get(deck.id)
        stored = owners.get(deck.id)
        if owner is None and stored is not None and stored in scanned:
            owner = stored
        if owner is not None and owner != key:
            report.problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    f"deck id {deck.id!r} is also used by {owner}",
                    hint="give one of the decks another `id:`",
                )
            )
            continue
        _store_deck(db, deck, key, st.st_size, st.st_mtime_ns, digest, report)
        _note_deck(report, seen_ids, deck.id, key)
        report.parsed.append(deck.id)
    if progress:
        progress(total, total, "")
    return report


def _note_deck(report: SyncReport, seen: dict[str, str], deck_id: str, key: str) -> None:
    if deck_id not in seen:
        seen[deck_id] = key
        report.deck_ids.append(deck_id)


def _store_deck(
    db: Database,
    deck: Deck,
    path: str,
    size: int,
    mtime_ns: int,
    digest: str,
    report: SyncReport,
) -> None:
    rows = _item_rows(deck)
    existing = {
        (r[0], r[1]): (r[2], r[3], r[4], r[5])
        for r in db.conn.execute(
            "SELECT card_id, ord, id, content_hash, active, position FROM cards WHERE deck_id = ?",
            [deck.id],
        )
    }
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    keep: set[tuple[str, int]] = set()
    for r in rows:
        k = (r[1], r[2])
        keep.add(k)
        old = existing.get(k)
        if old is None:
            inserts.append(r)
        elif old[1] != r[4] or not old[2] or old[3] != r[8]:
            updates.append((*r[3:], old[0]))
    gone = [v[0] for k, v in existing.items() if k not in keep and v[2]]
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
                deck.id,
                deck.title,
                deck.description,
                json.dumps(list(deck.tags)),
                _sources_json(deck),
                path,
                size,
                mtime_ns,
                digest,
                len(deck.cards),
                int(time.time() * 1000),
            ],
        )
        db.conn.executemany(
            """INSERT INTO cards (deck_id, card_id, ord, type, content_hash, tags, search,
                   data, position, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
            inserts,
        )
        db.conn.executemany(
            """UPDATE cards SET type = ?, content_hash = ?, tags = ?, search = ?, data = ?,
                   position = ?, active = 1 WHERE id = ?""",
            updates,
        )
        db.conn.executemany("UPDATE cards SET active = 0 WHERE id = ?", [(pk,) for pk in gone])
    report.added += len(inserts)
    report.updated += len(updates)
    report.deactivated += len(gone)
