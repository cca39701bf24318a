"""Read-only queries of the browse screen: the filtered card list, a card's flags and
review history, and the deck titles of its deck filter (also the quiz builder's).

The search is one limited query over `cards` with `card_state`: words of the search
text must all occur in the card's `search` column (lower-cased text of the card); deck,
tag and state narrow further. Fast enough for 50,000 cards (one pass over `cards` with
the learner's state joined by primary key), so it runs as the user types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from quizapp.clock import dt_to_ms, next_day_start
from quizapp.store.db import Database
from quizapp.store.scope import like_word

_STATE_SQL: dict[str, str] = {  # a state filter: its condition
    "new": "s.state IS NULL",
    "learning": "s.state IN (1, 3)",
    "due": "s.state IS NOT NULL AND s.due < :day_end AND coalesce(s.suspended, 0) = 0",
    "review": "s.state = 2",
    "suspended": "s.suspended = 1",
    "flagged": "s.flagged = 1",
    "leech": "s.leech = 1",
}
STATE_FILTERS: tuple[str, ...] = tuple(_STATE_SQL)  # the state filter's choices, in order
LIMIT = 500


@dataclass(frozen=True, slots=True)
class BrowseRow:
    card_pk: int
    deck_id: str
    card_id: str
    ord: int
    type: str
    text: str  # the prompt (or the cloze text)
    state: int | None
    due: datetime | None
    suspended: bool
    flagged: bool
    leech: bool
    reps: int
    lapses: int


@dataclass(frozen=True, slots=True)
class BrowseFilter:
    text: str = ""
    deck_id: str | None = None
    tag: str | None = None
    state: str | None = None


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def browse(
    db: Database,
    learner_id: int,
    f: BrowseFilter,
    *,
    now: datetime,
    rollover_hour: int = 4,
    tz: tzinfo | None = None,
    deck_ids: list[str] | None = None,
    limit: int = LIMIT,
) -> tuple[list[BrowseRow], bool]:
    """Matching study items, in deck order; the flag says more than `limit` matched."""
    where = ["c.active = 1"]
    params: dict[str, object] = {
        "learner": learner_id,
        "day_end": dt_to_ms(next_day_start(now, rollover_hour, tz)) or 0,
        "limit": limit + 1,
    }
    if deck_ids is not None:
        marks = []
        for i, d in enumerate(deck_ids):
            params[f"vd{i}"] = d
            marks.append(f":vd{i}")
        where.append(f"c.deck_id IN ({', '.join(marks)})" if marks else "0")
    else:
        where.append("c.deck_id IN (SELECT id FROM decks WHERE active = 1)")
    for i, word in enumerate(f.text.casefold().split()):
        params[f"w{i}"] = _like(word)
        where.append(f"c.search LIKE :w{i} ESCAPE '\\'")
    if f.deck_id:
        params["deck"] = f.deck_id
        where.append("c.deck_id = :deck")
    if f.tag:
        params["tag"] = like_word(f.tag)
        where.append("c.tags LIKE :tag ESCAPE '\\'")
    if f.state:
        where.append(_STATE_SQL[f.state])
    sql = f"""
        SELECT c.id, c.deck_id, c.card_id, c.ord, c.type,
               coalesce(nullif(json_extract(c.data, '$.prompt'), ''),
                        json_extract(c.data, '$.text'), ''),
               s.state, s.due, coalesce(s.suspended, 0), coalesce(s.flagged, 0),
               coalesce(s.leech, 0), coalesce(s.reps, 0), coalesce(s.lapses, 0)
        FROM cards c LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = :learner
        WHERE {" AND ".join(where)}
        ORDER BY c.deck_id, c.position, c.ord
        LIMIT :limit"""
    rows = [
        BrowseRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5] or "",
            r[6],
            datetime.fromtimestamp(r[7] / 1000, tz=now.tzinfo) if r[7] is not None else None,
            bool(r[8]),
            bool(r[9]),
            bool(r[10]),
            int(r[11]),
            int(r[12]),
        )
        for r in db.conn.execute(sql, params)
    ]
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True, slots=True)
class ReviewRow:
    reviewed_at: datetime
    rating: int
    correct: bool | None
    response: str
    duration_ms: int
    interval: timedelta | None  # due − reviewed_at
    stability: float | None
    difficulty: float | None


def history(db: Database, learner_id: int, card_pk: int, limit: int = 200) -> list[ReviewRow]:
    """A card's reviews by one learner, newest first."""
    rows = db.conn.execute(
        """SELECT reviewed_at, rating, correct, response, duration_ms, due, stability,
                  difficulty
           FROM reviews WHERE learner_id = ? AND card_pk = ?
           ORDER BY reviewed_at DESC, id DESC LIMIT ?""",
        [learner_id, card_pk, limit],
    ).fetchall()
    out = []
    for at, rating, correct, response, dur, due, stab, diff in rows:
        t = datetime.fromtimestamp(at / 1000, tz=UTC)
        out.append(
            ReviewRow(
                reviewed_at=t,
                rating=int(rating),
                correct=None if correct is None else bool(correct),
                response=response or "",
                duration_ms=int(dur or 0),
                interval=timedelta(milliseconds=due - at) if due is not None else None,
                stability=stab,
                difficulty=diff,
            )
        )
    return out


def deck_titles(db: Database, deck_ids: list[str] | None) -> list[tuple[str, str]]:
    """(id, title) of the active decks among `deck_ids` (None: every one), by title."""
    sql = "SELECT id, title FROM decks WHERE active = 1"
    params: list[object] = []
    if deck_ids is not None:
        sql += f" AND id IN ({', '.join('?' for _ in deck_ids)})" if deck_ids else " AND 0"
        params = list(deck_ids)
    return [(r[0], r[1]) for r in db.conn.execute(sql + " ORDER BY title", params)]


def item_flags(db: Database, learner_id: int, card_pk: int) -> tuple[bool, bool]:
    """(suspended, flagged) of an item for a learner (also read by the study screen)."""
    row = db.conn.execute(
        "SELECT suspended, flagged FROM card_state WHERE learner_id = ? AND card_pk = ?",
        [learner_id, card_pk],
    ).fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, False)
