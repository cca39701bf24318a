"""The leech detector's queries: a card's figures, its study days, candidates, marks."""

from __future__ import annotations

from quizapp.store.db import transaction
from quizapp.store.handle import Database
from quizapp.store.scope import Scope

_REVIEW_DAYS = """(SELECT count(DISTINCT (r.reviewed_at - ?) / 86400000) FROM reviews r
                   WHERE r.learner_id = s.learner_id AND r.card_pk = s.card_pk)"""


def card_figures(
    db: Database, learner_id: int, card_pk: int
) -> tuple[int, float | None, bool, int | None] | None:
    """(lapses, stability, leech, state) of the card's state row, or None without one."""
    row = db.conn.execute(
        """SELECT lapses, stability, leech, state FROM card_state
           WHERE learner_id = ? AND card_pk = ?""",
        [learner_id, card_pk],
    ).fetchone()
    if not row:
        return None
    return int(row[0] or 0), row[1], bool(row[2]), row[3]


def review_days(db: Database, learner_id: int, card_pk: int, shift_ms: int) -> int:
    """Different study days the card was reviewed on (``shift_ms`` makes integer days of
    UTC milliseconds study days)."""
    return int(
        db.conn.execute(
            """SELECT count(DISTINCT (reviewed_at - ?) / 86400000) FROM reviews
               WHERE learner_id = ? AND card_pk = ?""",
            [shift_ms, learner_id, card_pk],
        ).fetchone()[0]
    )


LeechRow = tuple[int, str, str, int, int, float | None, int, bool]


def candidates(
    db: Database,
    learner_id: int,
    scope: Scope,
    *,
    lapses: int,
    stability_days: float,
    shift_ms: int,
) -> list[LeechRow]:
    """Studied cards of ``scope`` with at least ``lapses`` lapses or a stability below
    ``stability_days``, worst first: (card_pk, deck_id, card_id, ord, lapses, stability,
    review days, suspended)."""
    where, args = scope.sql()
    rows = db.conn.execute(
        f"""SELECT s.card_pk, c.deck_id, c.card_id, c.ord, s.lapses, s.stability,
                   {_REVIEW_DAYS}, s.suspended
            FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state IS NOT NULL
              AND (s.lapses >= ? OR s.stability < ?) AND {where}
            ORDER BY s.lapses DESC, s.stability ASC, c.deck_id, c.position, c.ord""",
        [shift_ms, learner_id, lapses, stability_days, *args],
    ).fetchall()
    return [
        (int(pk), deck_id, card_id, int(ord_), int(n), stab, int(days), bool(susp))
        for pk, deck_id, card_id, ord_, n, stab, days, susp in rows
    ]


def mark(db: Database, learner_id: int, pks: list[int], suspend: bool) -> None:
    """Tag the cards as leeches (and suspend them when ``suspend``); one transaction."""
    if not pks:
        return
    sets = "leech = 1, suspended = 1" if suspend else "leech = 1"
    with transaction(db.conn):
        db.conn.executemany(
            f"UPDATE card_state SET {sets} WHERE learner_id = ? AND card_pk = ?",
            [(learner_id, pk) for pk in pks],
        )
