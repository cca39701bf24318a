"""Item-analysis and xAPI queries: a learner's first study answers and quiz answers, the
cards they are of, and the quiz blocks they belong to (`quizapp.reports.items` and
`quizapp.reports.xapi_out` do the arithmetic).

Every query covers the cards of the scope's deck and tag filter, active or not
(`Scope.sql(include_inactive=True)`: history), answered up to `now_ms` and from
`since_ms` when given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from quizapp.store.db import Database
from quizapp.store.scope import Scope

#: (card pk, answered at ms, rating, correct (None: self-graded), response, presentation)
FirstStudyRow = tuple[int, int, int, int | None, str, str | None]

#: (card pk, answered at ms, correct, response, presentation, block id, position,
#: time ms)
QuizAnswerRow = tuple[int, int, int | None, str, str | None, int, int, int]

#: (card pk, deck id, card id, ord, type, fact, tags column, data JSON)
ItemCardRow = tuple[int, str, str, int, str, str, str, str]


def _window(alias: str, column: str, since_ms: int | None, now_ms: int) -> tuple[str, list[Any]]:
    clause = f"{alias}.{column} <= ?"
    params: list[Any] = [now_ms]
    if since_ms is not None:
        clause += f" AND {alias}.{column} >= ?"
        params.append(since_ms)
    return clause, params


def first_study_answers(
    db: Database, learner_id: int, scope: Scope, since_ms: int | None, now_ms: int
) -> list[FirstStudyRow]:
    """The learner's first study answer of every item in scope (the earliest review of
    the item; ties by review id). The first answers are found on the (learner, card,
    time) index, then one row read each."""
    where, params = scope.sql("c", include_inactive=True)
    window, wparams = _window("r", "reviewed_at", since_ms, now_ms)
    rows = db.conn.execute(
        f"""
        SELECT r.card_pk, r.reviewed_at, r.rating, r.correct, r.response, r.presentation
        FROM (SELECT card_pk, min(reviewed_at) AS t FROM reviews
              WHERE learner_id = ? GROUP BY card_pk) f
        JOIN reviews r ON r.learner_id = ? AND r.card_pk = f.card_pk AND r.reviewed_at = f.t
        JOIN cards c ON c.id = f.card_pk
        WHERE {window} AND {where}
        ORDER BY r.card_pk, r.id
        """,
        [learner_id, learner_id, *wparams, *params],
    ).fetchall()
    out: list[FirstStudyRow] = []
    last = None
    for row in rows:
        if row[0] != last:  # two reviews of one item at the same instant: the first
            out.append((row[0], row[1], row[2], row[3], row[4] or "", row[5]))
            last = row[0]
    return out


def quiz_answers(
    db: Database, learner_id: int, scope: Scope, since_ms: int | None, now_ms: int
) -> list[QuizAnswerRow]:
    """Every answered quiz question of the learner of an item in scope, oldest first."""
    where, params = scope.sql("c", include_inactive=True)
    window, wparams = _window("a", "answered_at", since_ms, now_ms)
    return [
        (r[0], r[1], r[2], r[3] or "", r[4], r[5], r[6], r[7] or 0)
        for r in db.conn.execute(
            f"""
            SELECT a.card_pk, a.answered_at, a.correct, a.response, a.presentation,
                   a.block_id, a.position, a.time_ms
            FROM quiz_answers a JOIN cards c ON c.id = a.card_pk
            WHERE a.learner_id = ? AND a.response IS NOT NULL AND a.answered_at IS NOT NULL
              AND {window} AND {where}
            ORDER BY a.answered_at, a.block_id, a.position
            """,
            [learner_id, *wparams, *params],
        )
    ]


def item_cards(db: Database, pks: Iterable[int]) -> Iterator[ItemCardRow]:
    """The cards with these ids (in id order), with what item analysis needs of them."""
    ids = sorted({int(pk) for pk in pks})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        yield from db.conn.execute(
            f"""SELECT id, deck_id, card_id, ord, type, fact, tags, data FROM cards
                WHERE id IN ({", ".join("?" for _ in chunk)}) ORDER BY id""",
            chunk,
        )


def quiz_blocks(
    db: Database, learner_id: int, scope: Scope, since_ms: int | None, now_ms: int
) -> list[tuple[int, int, int | None, int, str, int, int, int]]:
    """(block id, created at, submitted at, elapsed ms, mode, questions, answered,
    correct) of the learner's submitted blocks, submitted in the window, with at least
    one question in scope (counted over the questions in scope); oldest first."""
    where, params = scope.sql("c", include_inactive=True)
    window, wparams = _window("b", "submitted_at", since_ms, now_ms)
    return [
        tuple(r)
        for r in db.conn.execute(
            f"""
            SELECT b.id, b.created_at, b.submitted_at, b.elapsed_ms, b.mode, count(*),
                   count(a.response), coalesce(sum(a.correct = 1), 0)
            FROM quiz_blocks b
            JOIN quiz_answers a ON a.block_id = b.id
            JOIN cards c ON c.id = a.card_pk
            WHERE b.learner_id = ? AND b.status = 'submitted' AND b.submitted_at IS NOT NULL
              AND {window} AND {where}
            GROUP BY b.id
            ORDER BY b.submitted_at, b.id
            """,
            [learner_id, *wparams, *params],
        )
    ]


def block_starts(db: Database, block_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(block id, created at) of these blocks."""
    ids = sorted({int(b) for b in block_ids})
    out: list[tuple[int, int]] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out += db.conn.execute(
            f"SELECT id, created_at FROM quiz_blocks WHERE id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ).fetchall()
    return out
