"""Item-analysis and xAPI queries: a cohort's first study answers and quiz answers (one
query per database for all its learners), a learner's quiz answers, the cards they are
of, and the quiz blocks they belong to (`quizapp.reports.items` and
`quizapp.reports.xapi_out` do the arithmetic).

Every query covers the cards of the scope's deck and tag filter, active or not
(`Scope.sql(include_inactive=True)`: history), answered up to `now_ms` and from
`since_ms` when given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from quizapp.store.db import Database
from quizapp.store.scope import Scope

#: (learner id, card pk, answered at ms, rating, correct (None: self-graded), response)
FirstStudyRow = tuple[int, int, int, int, int | None, str]

#: (learner id, card pk, answered at ms, correct, response)
CohortQuizRow = tuple[int, int, int, int | None, str]

#: (card pk, answered at ms, correct, response, presentation, block id, position,
#: time ms)
QuizAnswerRow = tuple[int, int, int | None, str, str | None, int, int, int]

#: (card pk, deck id, card id, ord, type, fact, tags column, data JSON)
ItemCardRow = tuple[int, str, str, int, str, str, str, str]

#: (card pk, deck id, card id, ord, type, fact, tags column, prompt, cloze text, mcq
#: choices JSON); None where the card has no such field
ItemFieldsRow = tuple[int, str, str, int, str, str, str, str | None, str | None, str | None]


def _window(alias: str, column: str, since_ms: int | None, now_ms: int) -> tuple[str, list[Any]]:
    clause = f"{alias}.{column} <= ?"
    params: list[Any] = [now_ms]
    if since_ms is not None:
        clause += f" AND {alias}.{column} >= ?"
        params.append(since_ms)
    return clause, params


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def first_study_answers(
    db: Database, learner_ids: Sequence[int], scope: Scope, since_ms: int | None, now_ms: int
) -> list[FirstStudyRow]:
    """The first study answer of every item in scope of each of these learners (the
    earliest review of the item; ties by review id).

    One query for all the learners: a skip scan of the (learner, card, time) index —
    from each learner's first entry the recursive step seeks the first entry of the
    learner's next card — so each (learner, item) costs one index seek and one row
    read, however many reviews it has (grouping every review instead reads the whole
    index: a million entries for a heavy learner). The first answer must lie in the
    window; the window does not choose it. Rows in no particular order."""
    where, params = scope.sql("c", include_inactive=True)
    window, wparams = _window("r", "reviewed_at", since_ms, now_ms)
    out: list[FirstStudyRow] = []
    for chunk in _chunks(sorted(set(learner_ids))):
        out += db.conn.execute(
            f"""
            WITH RECURSIVE r(learner_id, card_pk, reviewed_at, rating, correct, response) AS (
                SELECT id, -1, NULL, NULL, NULL, NULL FROM learners
                WHERE id IN ({", ".join("?" for _ in chunk)})
                UNION ALL
                SELECT n.learner_id, n.card_pk, n.reviewed_at, n.rating, n.correct, n.response
                FROM r JOIN reviews n ON n.id = (
                    SELECT x.id FROM reviews x
                    WHERE x.learner_id = r.learner_id AND x.card_pk > r.card_pk
                    ORDER BY x.card_pk, x.reviewed_at, x.id LIMIT 1)
            )
            SELECT r.learner_id, r.card_pk, r.reviewed_at, r.rating, r.correct,
                   coalesce(r.response, '')
            FROM r JOIN cards c ON c.id = r.card_pk
            WHERE r.card_pk >= 0 AND {window} AND {where}
            """,
            [*chunk, *wparams, *params],
        ).fetchall()
    return out


def cohort_quiz_answers(
    db: Database, learner_ids: Sequence[int], scope: Scope, since_ms: int | None, now_ms: int
) -> list[CohortQuizRow]:
    """Every answered quiz question of these learners of an item in scope, by learner,
    oldest first."""
    where, params = scope.sql("c", include_inactive=True)
    window, wparams = _window("a", "answered_at", since_ms, now_ms)
    out: list[CohortQuizRow] = []
    for chunk in _chunks(sorted(set(learner_ids))):
        out += db.conn.execute(
            f"""
            SELECT a.learner_id, a.card_pk, a.answered_at, a.correct, coalesce(a.response, '')
            FROM quiz_answers a JOIN cards c ON c.id = a.card_pk
            WHERE a.learner_id IN ({", ".join("?" for _ in chunk)})
              AND a.response IS NOT NULL AND a.answered_at IS NOT NULL
              AND {window} AND {where}
            ORDER BY a.learner_id, a.answered_at, a.block_id, a.position
            """,
            [*chunk, *wparams, *params],
        ).fetchall()
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


def item_card_fields(
    db: Database, pks: Iterable[int], *, prompts: bool = True
) -> list[ItemFieldsRow]:
    """The cards with these ids (in id order) with only the fields item analysis shows
    — prompt, cloze text (both NULL unless `prompts`), mcq choices (JSON) — taken out
    of `cards.data` by SQLite, so Python decodes no whole card (the store writes prompt
    and text as strings, when present; SQL NULL when absent)."""
    ids = sorted({int(pk) for pk in pks})
    shown = (
        "json_extract(data, '$.prompt'), json_extract(data, '$.text')" if prompts else "NULL, NULL"
    )
    out: list[ItemFieldsRow] = []
    for chunk in _chunks(ids):
        out += db.conn.execute(
            f"""SELECT id, deck_id, card_id, ord, type, fact, tags, {shown},
                       CASE WHEN type = 'mcq' THEN json_extract(data, '$.choices') END
                FROM cards WHERE id IN ({", ".join("?" for _ in chunk)}) ORDER BY id""",
            chunk,
        ).fetchall()
    return out


def item_prompts(
    db: Database, pks: Iterable[int]
) -> list[tuple[int, str, int, str | None, str | None]]:
    """(card pk, type, ord, prompt, cloze text) of these cards (see item_card_fields)."""
    ids = sorted({int(pk) for pk in pks})
    out: list[tuple[int, str, int, str | None, str | None]] = []
    for chunk in _chunks(ids):
        out += db.conn.execute(
            f"""SELECT id, type, ord, json_extract(data, '$.prompt'), json_extract(data, '$.text')
                FROM cards WHERE id IN ({", ".join("?" for _ in chunk)}) ORDER BY id""",
            chunk,
        ).fetchall()
    return out


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
