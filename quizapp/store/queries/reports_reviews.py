"""Report queries over a learner's review log (`quizapp.reports` does the arithmetic).

Every function returns rows or plain values. History figures cover every card in the
scope, active or not (`Scope.sql(include_inactive=True)`: a review stays in the record
after its card leaves its file). The log is read through the index `review_index`
picks; the day of a review is a SQL expression built from the day starts the caller
computed (`day_expression`), so SQLite groups by study day itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from quizapp.store.db import Database
from quizapp.store.scope import Scope

#: The state and interval before a review are plain columns (migration 0003).
STATE_IS_REVIEW = "(r.prev_state = 2)"
INTERVAL_BEFORE = "r.prev_interval_ms"

#: (study day index, calibration key, class) group of `review_groups`:
#: (key, reviews, duration ms, passed, sum of predicted recall)
GroupRow = tuple[int, int, int, int, float | None]


def cards_in(scope: Scope, column: str) -> tuple[str, list[object]]:
    """`column IN (cards in scope)`, or "1" when the scope is every card."""
    if not scope.filtered:
        return "1", []
    where, params = scope.sql("c", include_inactive=True)
    return f"{column} IN (SELECT c.id FROM cards c WHERE {where})", params


def _reviews_from(scope: Scope, index: str | None = None) -> tuple[str, list[object]]:
    """FROM/WHERE fragment over `reviews r`, read through `index` when given. Filters keep
    the reviews of cards in scope with a semi-join on the card ids, so no review row is
    joined to its card. The learner id is the first parameter."""
    table = f"reviews r INDEXED BY {index}" if index else "reviews r"
    cards, params = cards_in(scope, "r.card_pk")
    return f"{table} WHERE r.learner_id = ? AND {cards}", params


def _time_clause(since_ms: int | None, now_ms: int) -> tuple[str, list[object]]:
    if since_ms is None:
        return "r.reviewed_at <= ?", [now_ms]
    return "r.reviewed_at >= ? AND r.reviewed_at <= ?", [since_ms, now_ms]


def first_review_at(db: Database, learner_id: int) -> int | None:
    """Epoch ms of the learner's first review (None: no review)."""
    row = db.conn.execute(
        "SELECT min(reviewed_at) FROM reviews WHERE learner_id = ?", [learner_id]
    ).fetchone()
    return None if row[0] is None else int(row[0])


def review_index(db: Database, learner_id: int) -> str:
    """The reviews index to read the learner's log through: the one whose order follows
    the order the rows are stored in.

    Reviews studied here are appended as they happen, so time order is storage order;
    an imported history is stored card by card. Reading 10^6 rows against storage
    order costs a page fetch per row (seconds); with it, consecutive rows share pages.
    A sample from the start of the per-card index tells which: stored card by card,
    a card's reviews sit next to each other.
    """
    ids = [
        r[0]
        for r in db.conn.execute(
            "SELECT id FROM reviews INDEXED BY reviews_card WHERE learner_id = ? LIMIT 256",
            [learner_id],
        )
    ]
    near = sum(1 for a, b in itertools.pairwise(ids) if 0 < b - a <= 8)
    return "reviews_card" if len(ids) > 1 and 2 * near > len(ids) - 1 else "reviews_learner_time"


def day_expression(column: str, runs: Sequence[tuple[int, int, bool]], day_ms: int) -> str:
    """SQL for the study-day index of `column`, given runs of days (start ms, index of
    the run's first day, whether its days are `day_ms` long): within a run of equal days
    the index is a division; a nested CASE — a binary search over integer literals —
    picks the last run starting at or before `column` (the first run for anything
    earlier)."""
    parts = [
        (start, f"{first} + (({column}) - {start}) / {day_ms}" if even else str(first))
        for start, first, even in runs
    ]
    return _pick(column, parts, 0, len(parts))


def _pick(column: str, runs: Sequence[tuple[int, str]], lo: int, hi: int) -> str:
    if hi - lo <= 1:
        return runs[lo][1] if runs else "0"
    mid = (lo + hi) // 2
    return (
        f"CASE WHEN {column} < {runs[mid][0]} THEN {_pick(column, runs, lo, mid)} "
        f"ELSE {_pick(column, runs, mid, hi)} END"
    )


def review_groups(
    db: Database,
    learner_id: int,
    scope: Scope,
    day_sql: str,
    since_ms: int | None,
    now_ms: int,
    index: str | None,
    *,
    n_bins: int,
    mature_ms: int,
) -> list[GroupRow]:
    """ONE grouped pass over the log: rows grouped by an integer key
    `day * 64 + (bin + 1) * 4 + class` (`day_sql` gives the day of `r.reviewed_at`):
    bin -1 = not calibrated (no prediction, or a first review), class 0 = not a
    true-retention review, 1 young, 2 mature (interval before >= `mature_ms`)."""
    frm, params = _reviews_from(scope, index)
    when, when_params = _time_clause(since_ms, now_ms)
    return db.conn.execute(
        f"""
        SELECT ({day_sql}) * 64
               + (CASE WHEN r.retrievability IS NOT NULL AND r.prev_state IS NOT NULL
                       THEN max(min(CAST(r.retrievability * {n_bins} AS INTEGER),
                                    {n_bins - 1}), -1)
                       ELSE -1 END + 1) * 4
               + CASE WHEN {STATE_IS_REVIEW} AND {INTERVAL_BEFORE} IS NOT NULL
                      THEN 1 + ({INTERVAL_BEFORE} >= {int(mature_ms)}) ELSE 0 END AS k,
               count(*), sum(r.duration_ms), sum(r.rating > 1), sum(r.retrievability)
        FROM {frm} AND {when}
        GROUP BY k
        """,
        [learner_id, *params, *when_params],
    ).fetchall()


def combo_reviews(
    db: Database,
    learner_id: int,
    scope: Scope,
    since_ms: int | None,
    now_ms: int,
    index: str | None = None,
) -> list[tuple[str, str, str, int, int | None, int | None, int | None]]:
    """(deck id, tags, deck title, reviews, duration ms, passed, true-retention reviews)
    per deck and tag set: reviews summed per card, then the cards per combination."""
    table = f"reviews r INDEXED BY {index}" if index else "reviews r"
    when, when_params = _time_clause(since_ms, now_ms)
    where, params = scope.sql("c", include_inactive=True)
    return db.conn.execute(
        f"""
        SELECT c.deck_id, c.tags, coalesce(d.title, c.deck_id),
               sum(p.n), sum(p.ms), sum(p.passed), sum(p.total)
        FROM (SELECT r.card_pk AS pk, count(*) AS n, sum(r.duration_ms) AS ms,
                     sum(r.prev_state IS NOT NULL AND r.rating > 1 AND {STATE_IS_REVIEW})
                         AS passed,
                     sum(r.prev_state IS NOT NULL AND {STATE_IS_REVIEW}) AS total
              FROM {table} WHERE r.learner_id = ? AND {when}
              GROUP BY r.card_pk) p
        JOIN cards c ON c.id = p.pk
        LEFT JOIN decks d ON d.id = c.deck_id
        WHERE {where}
        GROUP BY c.deck_id, c.tags
        """,
        [learner_id, *when_params, *params],
    ).fetchall()


def totals_and_windows(
    db: Database,
    learner_id: int,
    scope: Scope,
    window_starts: Sequence[int | None],
    since_ms: int | None,
    now_ms: int,
    index: str,
    *,
    mature_ms: int,
) -> tuple[int, ...]:
    """ONE streamed pass, no grouping: (reviews, duration ms, then for each window —
    reviews from its start ms, None for the whole log — young passed, young total,
    mature passed, mature total of the true-retention reviews)."""
    counts = []
    for start in window_starts:
        after = f"r.reviewed_at >= {int(start)} AND " if start is not None else ""
        for cls in (f"< {int(mature_ms)}", f">= {int(mature_ms)}"):  # young, mature
            where = f"{after}{STATE_IS_REVIEW} AND {INTERVAL_BEFORE} {cls}"
            counts.append(f"count(*) FILTER (WHERE {where} AND r.rating > 1)")
            counts.append(f"count(*) FILTER (WHERE {where})")
    frm, params = _reviews_from(scope, index)
    when, when_params = _time_clause(since_ms, now_ms)
    row = db.conn.execute(
        f"""
        SELECT count(*), coalesce(sum(r.duration_ms), 0), {", ".join(counts)}
        FROM {frm} AND {when}
        """,
        [learner_id, *params, *when_params],
    ).fetchone()
    return tuple(int(v) for v in row)


def probe_days(
    db: Database, learner_id: int, spans: Iterator[tuple[int, int]] | Sequence[tuple[int, int]]
) -> list[bool]:
    """For each [lo, hi) span: does the learner have a review in it (any card)? One probe
    of the (learner, time) index per span."""
    sql = (
        "SELECT 1 FROM reviews INDEXED BY reviews_learner_time "
        "WHERE learner_id = ? AND reviewed_at >= ? AND reviewed_at < ? LIMIT 1"
    )
    execute = db.conn.execute
    return [execute(sql, [learner_id, lo, hi]).fetchone() is not None for lo, hi in spans]


def studied_between(db: Database, learner_id: int, lo: int, hi: int) -> bool:
    """Has the learner a review in [lo, hi) (any card)? One index probe."""
    return probe_days(db, learner_id, [(lo, hi)])[0]


def distinct_days(
    db: Database, learner_id: int, scope: Scope, day_sql: str, now_ms: int
) -> list[int]:
    """The distinct day indexes (`day_sql` over `r.reviewed_at`) of the reviews up to
    `now_ms` of cards in scope."""
    frm, params = _reviews_from(scope)
    return [
        d
        for (d,) in db.conn.execute(
            f"SELECT DISTINCT {day_sql} FROM {frm} AND r.reviewed_at <= ?",
            [learner_id, *params, now_ms],
        )
    ]


#: (review id, card pk, reviewed at, rating, duration ms, response, correct, first review,
#: deck id, card id, ord, card type, card JSON) of `review_log`.
ReviewLogRow = tuple[
    int, int, int, int, int | None, str | None, int | None, int, str, str, int, str, str
]


def review_log(
    db: Database, learner_id: int, scope: Scope, since_ms: int | None, now_ms: int
) -> Iterator[ReviewLogRow]:
    """The learner's reviews up to `now_ms` (from `since_ms`) of cards in scope, oldest
    first, ties by id, with their cards — streamed."""
    clauses = ["r.learner_id = ?", "r.reviewed_at <= ?"]
    params: list[object] = [learner_id, now_ms]
    if since_ms is not None:
        clauses.append("r.reviewed_at >= ?")
        params.append(since_ms)
    where, scope_params = scope.sql("c", include_inactive=True)
    clauses.append(where)
    params.extend(scope_params)
    return iter(
        db.conn.execute(
            f"""
            SELECT r.id, r.card_pk, r.reviewed_at, r.rating, r.duration_ms, r.response,
                   r.correct, r.state_before IS NULL, c.deck_id, c.card_id, c.ord, c.type,
                   c.data
            FROM reviews r JOIN cards c ON c.id = r.card_pk
            WHERE {" AND ".join(clauses)}
            ORDER BY r.reviewed_at, r.id
            """,
            params,
        )
    )
