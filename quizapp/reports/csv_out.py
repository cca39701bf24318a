"""CSV export, ready for a gradebook or spreadsheet import.

RFC 4180 through the `csv` module (comma, CRLF line ends, quotes doubled), UTF-8, a
header row. A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
is prefixed with a single quote so a spreadsheet shows it instead of running it as a
formula (OWASP "CSV injection"); numbers are written as numbers and never touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from quizapp.reports.figures import GroupMetrics, LearnerMetrics, LearnerSummary
from quizapp.reports.labels import source_name
from quizapp.reports.reviewlog import ReviewRecord

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def neutralise(value: Cell) -> Cell:
    """A string cell that a spreadsheet would treat as a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _rate(x: float | None) -> float | str:
    return "" if x is None else round(x, 4)


def _table(header: Sequence[str] | None, rows: Iterable[Sequence[Cell]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header is not None:
        w.writerow(header)
    # neutralise(), inlined: this runs for every cell of tables of tens of thousands of rows
    w.writerows(
        [
            ""
            if v is None
            else ("'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
            for v in row
        ]
        for row in rows
    )
    return buf.getvalue()


LEARNER_HEADER = (
    "learner",
    "sources",
    "total",
    "seen",
    "new",
    "learning",
    "young",
    "mature",
    "suspended",
    "leeches",
    "mastery",
    "retention_7d",
    "retention_30d",
    "retention_365d",
    "young_retention_30d",
    "mature_retention_30d",
    "reviews",
    "study_minutes",
    "study_days",
    "streak_current",
    "streak_longest",
    "last_study_day",
    "predicted_recall",
    "due_today",
)


def _learner_row(m: LearnerMetrics | LearnerSummary) -> list[Cell]:
    c = m.counts
    w7, w30, w365 = (m.retention_window(d) for d in (7, 30, 365))
    return [
        m.learner,
        " ".join(source_name(s) for s in m.sources),
        c.total,
        c.seen,
        c.new,
        c.learning,
        c.young,
        c.mature,
        c.suspended,
        c.leeches,
        _rate(c.mastery),
        _rate(w7.all.rate),
        _rate(w30.all.rate),
        _rate(w365.all.rate),
        _rate(w30.young.rate),
        _rate(w30.mature.rate),
        m.reviews,
        round(m.minutes, 2),
        m.streak.study_days,
        m.streak.current,
        m.streak.longest,
        m.streak.last_day or "",
        _rate(m.predicted_recall),
        m.forecast[0].due if m.forecast else 0,
    ]


GROUP_HEADER = (
    "total",
    "seen",
    "new",
    "learning",
    "young",
    "mature",
    "suspended",
    "leeches",
    "mastery",
    "retention",
    "retention_passed",
    "retention_reviews",
    "reviews",
    "study_minutes",
)


def _group_row(g: GroupMetrics) -> list[Cell]:
    c = g.counts
    return [
        c.total,
        c.seen,
        c.new,
        c.learning,
        c.young,
        c.mature,
        c.suspended,
        c.leeches,
        _rate(g.mastery),
        _rate(g.retention.rate),
        g.retention.passed,
        g.retention.total,
        g.reviews,
        round(g.minutes, 2),
    ]


def render(
    learners: Sequence[LearnerMetrics] | Sequence[LearnerSummary], *, by: str = "learner"
) -> str:
    """One row per learner (`by="learner"`: full metrics or summaries give the same
    row), or per learner × deck / tag (full metrics)."""
    if by == "learner":
        return _table(LEARNER_HEADER, (_learner_row(m) for m in learners))
    learners = [m for m in learners if isinstance(m, LearnerMetrics)]
    if by == "deck":
        return _table(
            ("learner", "deck_id", "deck_title", *GROUP_HEADER),
            ([m.learner, g.key, g.title, *_group_row(g)] for m in learners for g in m.decks),
        )
    if by == "tag":
        quiz = {(m.learner, q.tag): q.accuracy for m in learners for q in m.quiz}
        return _table(
            ("learner", "tag", *GROUP_HEADER, "quiz_accuracy", "quiz_answered"),
            (
                [
                    m.learner,
                    g.key,
                    *_group_row(g),
                    _rate(quiz[(m.learner, g.key)].rate) if (m.learner, g.key) in quiz else "",
                    quiz[(m.learner, g.key)].total if (m.learner, g.key) in quiz else 0,
                ]
                for m in learners
                for g in m.tags
            ),
        )
    raise ValueError(f"--by must be learner, deck or tag (got {by!r})")


REVIEWS_HEADER = (
    "card_id",
    "review_time",
    "review_rating",
    "review_duration",
    "learner",
    "deck_id",
    "card_key",
)


def render_reviews(records: Iterable[ReviewRecord], *, with_source: bool = False) -> Iterable[str]:
    """The review log in the FSRS optimizer convention (card_id = cards.id, times in
    epoch ms, duration in ms), then learner, deck and card key for convenience — and
    the database (`source`) when several were read, since card ids are per database.
    Yields chunks so a million reviews never sit in memory as one string."""
    yield _table((*REVIEWS_HEADER, "source") if with_source else REVIEWS_HEADER, ())
    batch: list[list[Cell]] = []
    for r in records:
        row: list[Cell] = [
            r.card_pk,
            r.reviewed_at,
            r.rating,
            r.duration_ms,
            r.learner,
            r.deck_id,
            r.card_key,
        ]
        if with_source:
            row.append(source_name(r.source))
        batch.append(row)
        if len(batch) >= 5000:
            yield _table(None, batch)
            batch = []
    if batch:
        yield _table(None, batch)
