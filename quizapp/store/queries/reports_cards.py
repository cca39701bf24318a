"""Report queries over cards and a learner's card state (`quizapp.reports` does the
arithmetic).

Present-tense figures (card counts, forecast, predicted recall, hardest cards) cover the
active cards of active decks in the scope: the scope's deck and tag filter
(`Scope.sql(include_inactive=True)`) plus the queries' own `active` conditions, or the
ids of the inactive cards (usually none) left out, which is cheaper than joining every
state row to its card and deck.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from quizapp.store.db import Database
from quizapp.store.queries.reports_reviews import cards_in
from quizapp.store.scope import Scope

#: (deck id, tags column) of a "combo": cards grouped by deck and tag set (a few hundred
#: however many cards).
ComboKey = tuple[str, str]

#: (card pk, deck id, tags, deck title, card and deck active, state, interval ms,
#: stability, last review, lapses, reps, suspended, leech) of `learner_card_rows`.
CardRow = tuple[
    int, str, str, str, int, int | None, int, float | None, int | None, int, int, int, int
]


def deck_cards(db: Database, scope: Scope) -> dict[ComboKey, tuple[str, int]]:
    """(deck id, tags) -> (deck title, active cards) over the active cards in scope."""
    where, params = scope.sql("c", include_inactive=True)
    rows = db.conn.execute(
        f"""
        SELECT c.deck_id, c.tags, coalesce(d.title, c.deck_id), count(*)
        FROM cards c LEFT JOIN decks d ON d.id = c.deck_id
        WHERE c.active = 1 AND coalesce(d.active, 0) = 1 AND {where}
        GROUP BY c.deck_id, c.tags
        """,
        params,
    )
    return {(r[0], r[1]): (r[2], int(r[3])) for r in rows}


def active_card_count(db: Database, scope: Scope) -> int:
    """Active cards of active decks in scope."""
    where, params = scope.sql("c", include_inactive=True)
    return int(
        db.conn.execute(
            f"SELECT count(*) FROM cards c JOIN decks d ON d.id = c.deck_id AND d.active = 1 "
            f"WHERE c.active = 1 AND {where}",
            params,
        ).fetchone()[0]
    )


def inactive_cards(db: Database) -> list[int]:
    """Ids of cards that left their file or whose deck is inactive (or gone)."""
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT c.id FROM cards c "
            "WHERE c.active = 0 OR c.deck_id NOT IN (SELECT id FROM decks WHERE active = 1)"
        )
    ]


def _not_in(column: str, ids: Sequence[int]) -> str:
    """`column NOT IN (ids)` with the integer ids from the database written as literals,
    or "1" when there are none."""
    return f"{column} NOT IN ({', '.join(str(int(pk)) for pk in ids)})" if ids else "1"


def learner_card_rows(db: Database, learner_id: int, scope: Scope) -> Iterator[CardRow]:
    """The learner's state rows of cards in scope, in card order, each with its card's
    combo, whether the card and its deck are active, and the state figures."""
    where, params = scope.sql("c", include_inactive=True)
    return iter(
        db.conn.execute(
            f"""
            SELECT s.card_pk, c.deck_id, c.tags, coalesce(d.title, c.deck_id),
                   c.active = 1 AND coalesce(d.active, 0) = 1,
                   s.state, coalesce(s.due - s.last_review, 0), s.stability, s.last_review,
                   s.lapses, s.reps, s.suspended, s.leech
            FROM card_state s JOIN cards c ON c.id = s.card_pk
            LEFT JOIN decks d ON d.id = c.deck_id
            WHERE s.learner_id = ? AND {where}
            ORDER BY s.card_pk
            """,
            [learner_id, *params],
        )
    )


def card_classes(
    db: Database, learner_id: int, scope: Scope, inactive: Sequence[int], *, mature_ms: int
) -> list[tuple[int, int, int, int]]:
    """(class, cards, leeches, seen) over the learner's state rows of active cards in
    scope; class 0 new, 1 learning or relearning, 2 young, 3 mature, 4 suspended."""
    cards, params = cards_in(scope, "s.card_pk")
    return db.conn.execute(
        f"""
        SELECT CASE WHEN s.suspended THEN 4 WHEN s.state IS NULL THEN 0
                    WHEN s.state IN (1, 3) THEN 1
                    WHEN coalesce(s.due - s.last_review, 0) >= {int(mature_ms)} THEN 3
                    ELSE 2 END,
               count(*), sum(s.leech != 0), sum(s.state IS NOT NULL)
        FROM card_state s WHERE s.learner_id = ? AND {_not_in("s.card_pk", inactive)}
              AND {cards}
        GROUP BY 1
        """,
        [learner_id, *params],
    ).fetchall()


def review_card_memory(
    db: Database, learner_id: int, scope: Scope, inactive: Sequence[int]
) -> Iterator[tuple[float, int]]:
    """(stability, last review ms) of the learner's unsuspended review and relearning
    cards in scope (active ones), in card order."""
    cards, params = cards_in(scope, "s.card_pk")
    return iter(
        db.conn.execute(
            f"""
            SELECT s.stability, s.last_review FROM card_state s
            WHERE s.learner_id = ? AND s.state IN (2, 3) AND s.suspended = 0 AND s.stability
                  AND s.last_review IS NOT NULL AND {_not_in("s.card_pk", inactive)}
                  AND {cards}
            ORDER BY s.card_pk
            """,
            [learner_id, *params],
        )
    )


def card_texts(db: Database, pks: Sequence[int]) -> dict[int, tuple[str, int, str, str]]:
    """card pk -> (card id, ord, type, card JSON) of the given cards."""
    if not pks:
        return {}
    marks = ", ".join("?" for _ in pks)
    return {
        r[0]: r[1:]
        for r in db.conn.execute(
            f"SELECT id, card_id, ord, type, data FROM cards WHERE id IN ({marks})", list(pks)
        )
    }


def due_per_day(
    db: Database, learner_id: int, scope: Scope, bounds: Sequence[int], inactive: Sequence[int]
) -> list[tuple[int, int]]:
    """(day, cards) falling due per day `i` with bounds[i] <= due < bounds[i + 1] — day 0
    also holds everything overdue — over the learner's started, unsuspended cards in
    scope, the `inactive` ones left out. One pass over the state rows: SQL puts each due
    time in its day (a binary search over the bounds written into the query)."""
    cards, params = cards_in(scope, "s.card_pk")
    sql = f"""
        SELECT {_day_of("s.due", bounds, 0, len(bounds) - 1)} AS day, count(*)
        FROM card_state s
        WHERE s.learner_id = ? AND s.state IS NOT NULL AND s.suspended = 0
              AND s.due < ? AND {cards}
        """
    args: list[object] = [learner_id, bounds[-1], *params]
    if inactive:
        sql += f" AND {_not_in('s.card_pk', inactive)}"
    return db.conn.execute(sql + " GROUP BY day", args).fetchall()


def _day_of(column: str, bounds: Sequence[int], lo: int, hi: int) -> str:
    """SQL for the day `i` in [lo, hi) with bounds[i] <= column < bounds[i + 1]
    (clamped to the ends): a nested CASE, a binary search over integer literals."""
    if hi - lo <= 1:
        return str(lo)
    mid = (lo + hi) // 2
    return (
        f"CASE WHEN {column} < {int(bounds[mid])} THEN {_day_of(column, bounds, lo, mid)} "
        f"ELSE {_day_of(column, bounds, mid, hi)} END"
    )


def studied_card_count(db: Database, learner_id: int) -> int:
    """How many state rows (cards studied or flagged) the learner has."""
    return int(
        db.conn.execute(
            "SELECT count(*) FROM card_state WHERE learner_id = ?", [learner_id]
        ).fetchone()[0]
    )


def quiz_answers_by_tags(
    db: Database, learner_id: int, scope: Scope, since_ms: int | None
) -> list[tuple[str, int | None, int | None]] | None:
    """(tags column, correct, answered) per tag set from the `quiz_answers` table, over
    cards in scope (history: inactive cards too); None when the table is missing or
    lacks `learner_id`, `card_pk` or `correct`. `since_ms` applies when the table has
    `answered_at` (epoch ms)."""
    tables = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "quiz_answers" not in tables:
        return None
    cols = {r[1] for r in db.conn.execute("PRAGMA table_info(quiz_answers)")}
    if not {"learner_id", "card_pk", "correct"} <= cols:
        return None
    where, params = scope.sql("c", include_inactive=True)
    sql = (
        "SELECT c.tags, sum(q.correct = 1), count(q.correct) FROM quiz_answers q "
        f"JOIN cards c ON c.id = q.card_pk WHERE q.learner_id = ? AND {where}"
    )
    args: list[object] = [learner_id, *params]
    if since_ms is not None and "answered_at" in cols:
        sql += " AND q.answered_at >= ?"
        args.append(since_ms)
    return db.conn.execute(sql + " GROUP BY c.tags", args).fetchall()
