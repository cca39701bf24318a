"""Write a learner's progress into the collection genanki is writing (Anki's own file
format, like `apkg_read` reads it): the collection's timing, each studied card's
scheduling columns and FSRS memory state, and the revlog.

genanki writes every card as new; `write_schedule` runs on its open cursor, after the
notes and cards are in and before the package is zipped (`apkg_write.export_apkg`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from quizapp.interop.progress_export import DeckProgress, ItemKey


class Cursor(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


def write_schedule(
    cur: Cursor, progress: DeckProgress, placed: Mapping[ItemKey, tuple[str, int]]
) -> tuple[int, int]:
    """Schedule the cards of `progress` (item → (note GUID, template ord) in `placed`);
    returns (cards scheduled, revlog rows written)."""
    row = cur.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(row[0]) if row and row[0] else {}
    timing = progress.timing
    conf.update(schedVer=2, rollover=timing.rollover, creationOffset=timing.creation_offset)
    cur.execute("UPDATE col SET crt = ?, conf = ?", [timing.crt, json.dumps(conf)])
    card_ids = {
        (guid, ord_): cid
        for cid, guid, ord_ in cur.execute(
            "SELECT c.id, n.guid, c.ord FROM cards c JOIN notes n ON n.id = c.nid"
        ).fetchall()
    }
    scheduled = 0
    for key, s in progress.cards.items():
        cid = card_ids.get(placed.get(key, ("", -1)))
        if cid is None:
            continue
        if s.type == 0:
            cur.execute("UPDATE cards SET queue = -1 WHERE id = ?", [cid])
        else:
            cur.execute(
                "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?,"
                " lapses = ?, left = ?, data = ? WHERE id = ?",
                [s.type, s.queue, s.due, s.ivl, s.factor, s.reps, s.lapses, s.left, s.data, cid],
            )
        scheduled += 1
    used: set[int] = set()
    written = 0
    for key, rows in progress.revlog.items():
        cid = card_ids.get(placed.get(key, ("", -1)))
        if cid is None:
            continue
        for r in rows:
            rid = r.id
            while rid in used:  # revlog ids are unique: two reviews in one millisecond
                rid += 1
            used.add(rid)
            cur.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                [rid, cid, r.ease, r.ivl, r.last_ivl, r.factor, r.time, r.type],
            )
            written += 1
    return scheduled, written
