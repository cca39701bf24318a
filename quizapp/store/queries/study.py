"""The study session's queries: its queues, today's counts, siblings, what falls due.

Each function is one statement, written as the session has always run it: the session
(:mod:`quizapp.study.session`) keeps its caches and decides when to call them, so the
answer path makes exactly the round trips it made when it ran the SQL itself.
"""

from __future__ import annotations

from quizapp.store.handle import Database
from quizapp.store.queries.recall import Curve, review_order_sql
from quizapp.store.scope import Scope


def signature(db: Database) -> tuple[int, int]:
    """``(PRAGMA data_version, total_changes)`` of the connection: unchanged while no other
    connection committed and nothing was written through this one."""
    conn = db.conn
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def done_since(db: Database, learner_id: int, start_ms: int) -> tuple[int, int]:
    """(new items introduced, reviews of review-state items) since ``start_ms``."""
    row = db.conn.execute(
        """SELECT sum(prev_state IS NULL), sum(prev_state = 2)
           FROM reviews WHERE learner_id = ? AND reviewed_at >= ?""",
        [learner_id, start_ms],
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


def first_learning(
    db: Database, learner_id: int, scope: Scope, until_ms: int, now_ms: int
) -> int | None:
    """The learning/relearning item of ``scope`` due first, if due by ``until_ms``."""
    where, params = scope.sql()
    row = db.conn.execute(
        f"""SELECT s.card_pk FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state IN (1, 3) AND s.due <= ?
              AND s.suspended = 0 AND s.buried_until <= ? AND {where}
            ORDER BY s.due LIMIT 1""",
        [learner_id, until_ms, now_ms, *params],
    ).fetchone()
    return row[0] if row else None


def learning_count(db: Database, learner_id: int, scope: Scope, day_end: int, now_ms: int) -> int:
    """Learning/relearning items of ``scope`` due before ``day_end``."""
    where, params = scope.sql()
    return int(
        db.conn.execute(
            f"""SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_pk
                WHERE s.learner_id = ? AND s.state IN (1, 3) AND s.due < ?
                  AND s.suspended = 0 AND s.buried_until <= ? AND {where}""",
            [learner_id, day_end, now_ms, *params],
        ).fetchone()[0]
    )


def next_learning_due(
    db: Database, learner_id: int, scope: Scope, day_end: int, now_ms: int
) -> int | None:
    """When (ms) the next learning item of ``scope`` due before ``day_end`` falls due."""
    where, params = scope.sql()
    row = db.conn.execute(
        f"""SELECT min(s.due) FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state IN (1, 3) AND s.due < ?
              AND s.suspended = 0 AND s.buried_until <= ? AND {where}""",
        [learner_id, day_end, now_ms, *params],
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def review_queue(
    db: Database, learner_id: int, scope: Scope, day_end: int, now_ms: int, curve: Curve
) -> list[int]:
    """The reviews of ``scope`` due before ``day_end``, lowest predicted recall first."""
    where, params = scope.sql()
    order, order_args = review_order_sql(db.conn, curve, now_ms)
    rows = db.conn.execute(
        f"""SELECT s.card_pk FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state = 2 AND s.due < ?
              AND s.suspended = 0 AND s.buried_until <= ? AND {where}
            ORDER BY {order}""",
        [learner_id, day_end, now_ms, *params, *order_args],
    ).fetchall()
    return [r[0] for r in rows]


def new_queue(db: Database, learner_id: int, scope: Scope, now_ms: int, limit: int) -> list[int]:
    """Up to ``limit`` new items of ``scope`` available now, in deck order."""
    where, params = scope.sql()
    rows = db.conn.execute(
        f"""SELECT c.id FROM cards c
            LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
            WHERE s.state IS NULL AND coalesce(s.suspended, 0) = 0
              AND coalesce(s.buried_until, 0) <= ? AND {where}
            ORDER BY c.deck_id, c.position, c.ord LIMIT ?""",
        [learner_id, now_ms, *params, limit],
    ).fetchall()
    return [r[0] for r in rows]


def _still(db: Database, learner_id: int, pks: list[int], sql: str, args: list[object]) -> set[int]:
    """The pks among `pks` whose card_state row matches `sql` (a WHERE fragment; unary
    `+` on indexed columns keeps SQLite on the primary key for these lookups)."""
    if not pks:
        return set()
    marks = ", ".join("?" for _ in pks)
    rows = db.conn.execute(
        f"SELECT card_pk FROM card_state WHERE learner_id = ? AND card_pk IN ({marks}) AND ({sql})",
        [learner_id, *pks, *args],
    ).fetchall()
    return {r[0] for r in rows}


def still_due_reviews(
    db: Database, learner_id: int, pks: list[int], day_end: int, now_ms: int
) -> set[int]:
    """The pks among ``pks`` that are still reviews due before ``day_end``, available now."""
    return _still(
        db,
        learner_id,
        pks,
        "+state = 2 AND +due < ? AND suspended = 0 AND buried_until <= ?",
        [day_end, now_ms],
    )


def no_longer_new(db: Database, learner_id: int, pks: list[int], now_ms: int) -> set[int]:
    """The pks among ``pks`` that were studied, suspended or buried since they were new."""
    return _still(
        db, learner_id, pks, "state IS NOT NULL OR suspended != 0 OR buried_until > ?", [now_ms]
    )


def siblings(db: Database, deck_id: str, card_id: str, card_pk: int) -> list[int]:
    """The other active study items of the same card (cloze deletions). `+active`
    keeps SQLite on the (deck_id, card_id, ord) key instead of scanning the deck."""
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM cards WHERE deck_id = ? AND card_id = ? AND id != ? AND +active = 1",
            [deck_id, card_id, card_pk],
        )
    ]


def related(
    db: Database, learner_id: int, deck_id: str, card_id: str, fact: str, card_pk: int
) -> list[int]:
    """The other active items of the same card (cloze deletions) and, when `fact` is given,
    of the same fact (`cards_fact` index) that are not in a learning step (burying those
    would hide a step due today). One statement: two index lookups."""
    if not fact:
        return siblings(db, deck_id, card_id, card_pk)
    return [
        r[0]
        for r in db.conn.execute(
            """SELECT id FROM cards WHERE deck_id = ? AND card_id = ? AND id != ? AND +active = 1
               UNION
               SELECT c.id FROM cards c
               LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
               WHERE c.deck_id = ? AND c.fact = ? AND c.fact != '' AND c.id != ?
                 AND +c.active = 1 AND coalesce(s.state, 0) NOT IN (1, 3)""",
            [deck_id, card_id, card_pk, learner_id, deck_id, fact, card_pk],
        )
    ]


def relation_keys(db: Database, pks: list[int]) -> dict[int, tuple[str, str]]:
    """pk → (deck id, fact key) of each item (`#` + card id for an item synced before fact
    keys existed): items with equal keys are related and never served one after another."""
    if not pks:
        return {}
    marks = ", ".join("?" for _ in pks)
    rows = db.conn.execute(
        f"""SELECT id, deck_id, CASE WHEN fact != '' THEN fact ELSE '#' || card_id END
            FROM cards WHERE id IN ({marks})""",
        pks,
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def first_learning_apart(
    db: Database,
    learner_id: int,
    scope: Scope,
    until_ms: int,
    now_ms: int,
    related_to: tuple[str, str],
) -> int | None:
    """`first_learning`, leaving out the items of fact `related_to` (see `relation_keys`)."""
    where, params = scope.sql()
    row = db.conn.execute(
        f"""SELECT s.card_pk FROM card_state s JOIN cards c ON c.id = s.card_pk
            WHERE s.learner_id = ? AND s.state IN (1, 3) AND s.due <= ?
              AND s.suspended = 0 AND s.buried_until <= ? AND {where}
              AND NOT (c.deck_id = ?
                       AND CASE WHEN c.fact != '' THEN c.fact ELSE '#' || c.card_id END = ?)
            ORDER BY s.due LIMIT 1""",
        [learner_id, until_ms, now_ms, *params, *related_to],
    ).fetchone()
    return row[0] if row else None


def due_before(db: Database, learner_id: int, scope: Scope, until_ms: int) -> int:
    """Studied, unsuspended items of ``scope`` due before ``until_ms``."""
    where, params = scope.sql()
    return int(
        db.conn.execute(
            f"""SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_pk
                WHERE s.learner_id = ? AND s.state IS NOT NULL AND s.due < ?
                  AND s.suspended = 0 AND {where}""",
            [learner_id, until_ms, *params],
        ).fetchone()[0]
    )


def is_flagged(db: Database, learner_id: int, card_pk: int) -> bool:
    """Whether the learner flagged this item."""
    row = db.conn.execute(
        "SELECT flagged FROM card_state WHERE learner_id = ? AND card_pk = ?",
        [learner_id, card_pk],
    ).fetchone()
    return bool(row and row[0])


def scope_size(db: Database, scope: Scope) -> int:
    """Active study items in ``scope``."""
    where, args = scope.sql()
    return int(db.conn.execute(f"SELECT count(*) FROM cards c WHERE {where}", args).fetchone()[0])


# -- new-card limits and study more (quizapp.personal.limits, quizapp.study.more) --------


def new_done_by_deck(db: Database, learner_id: int, start_ms: int) -> dict[str, int]:
    """deck id → new items introduced (first answers) since ``start_ms``."""
    rows = db.conn.execute(
        """SELECT c.deck_id, count(*) FROM reviews r JOIN cards c ON c.id = r.card_pk
           WHERE r.learner_id = ? AND r.reviewed_at >= ? AND r.prev_state IS NULL
           GROUP BY c.deck_id""",
        [learner_id, start_ms],
    ).fetchall()
    return {str(d): int(n) for d, n in rows}


def scope_decks(db: Database, scope: Scope) -> list[str]:
    """The decks a scope draws from, in the order new cards come (deck id)."""
    if scope.deck_ids is not None:
        return sorted(set(scope.deck_ids))
    return [r[0] for r in db.conn.execute("SELECT id FROM decks WHERE active = 1 ORDER BY id")]


def new_waiting(db: Database, learner_id: int, scope: Scope, now_ms: int) -> dict[str, int]:
    """deck id → new items of ``scope`` available now (not suspended, not buried), limits
    aside (decks with none absent)."""
    where, params = scope.sql()
    rows = db.conn.execute(
        f"""SELECT c.deck_id, count(*) FROM cards c
            LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
            WHERE s.state IS NULL AND coalesce(s.suspended, 0) = 0
              AND coalesce(s.buried_until, 0) <= ? AND {where}
            GROUP BY c.deck_id""",
        [learner_id, now_ms, *params],
    ).fetchall()
    return {str(d): int(n) for d, n in rows}


def cram_queue(
    db: Database, learner_id: int, scope: Scope, facts: tuple[str, ...], limit: int
) -> list[int]:
    """Up to ``limit`` unsuspended items of ``scope`` (and of these facts, when given: a
    fact key as `cards.fact` holds it, with or without the `~` of a derived key; a card
    whose fact is not filled in is its own, `~card_id`), studied
    or not, in deck order: what a cram session serves."""
    where, params = scope.sql()
    if facts:
        keys = sorted({k for f in facts for k in (f, "~" + f.lstrip("~"))})
        key = "(CASE WHEN c.fact != '' THEN c.fact ELSE '~' || c.card_id END)"
        where += f" AND {key} IN ({', '.join('?' for _ in keys)})"
        params = [*params, *keys]
    rows = db.conn.execute(
        f"""SELECT c.id FROM cards c
            LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
            WHERE coalesce(s.suspended, 0) = 0 AND {where}
            ORDER BY c.deck_id, c.position, c.ord LIMIT ?""",
        [learner_id, *params, limit],
    ).fetchall()
    return [r[0] for r in rows]
