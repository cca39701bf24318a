"""Export a learner's progress report to a file, as `quizapp report` does (no Textual).

Mirrors `quizapp/cli/report.py`: metrics through `cohort.member_metrics` (one learner,
one database) and the csv/json/md/html writers; xAPI from the review log with
`xapi_out.render` (the progress total from `store.queries.home.answers_total`). The
file is written through a temporary file beside it and renamed, so a reader never sees
half a report and a failure leaves any previous file untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, tzinfo
from pathlib import Path

from quizapp.outputs import Protected
from quizapp.store.db import Database
from quizapp.store.learners import Learner

FORMATS: tuple[str, ...] = ("html", "csv", "json", "md", "xapi")
EXTENSIONS = {"csv": ".csv", "json": ".json", "md": ".md", "html": ".html", "xapi": ".jsonl"}
FORMAT_NAMES = {
    "html": "html: a page to read or print (charts inline)",
    "csv": "csv: one row, for a spreadsheet or gradebook",
    "json": "json: every metric",
    "md": "md: a Markdown summary",
    "xapi": "xapi: one xAPI statement per answer (JSON Lines)",
}

Progress = Callable[[float, str], None]  # (fraction done 0..1, what is happening)


class ExportError(Exception):
    """The report could not be written (the message says why)."""


def default_filename(learner_name: str, fmt: str, day: date) -> str:
    """`quizapp-report-<learner>-<date>.<ext>`, the name made safe for a file name."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", learner_name).strip("-.") or "learner"
    return f"quizapp-report-{safe}-{day.isoformat()}{EXTENSIONS[fmt]}"


def write_atomic(path: Path, chunks: Iterable[str], protected: Protected | None = None) -> None:
    from quizapp.reports.output import WriteError
    from quizapp.reports.output import write_atomic as write

    try:
        write(path, chunks, protected=protected)
    except WriteError as e:
        raise ExportError(str(e)) from None


def write_report(
    db: Database,
    db_label: str,
    learner: Learner,
    fmt: str,
    path: Path,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    now: datetime,
    tz: tzinfo | None = None,
    progress: Progress | None = None,
    homepage: str = "urn:quizapp",
    protected: Protected | None = None,
) -> str:
    """Write the learner's report in `fmt` to `path`; returns a one-line description.
    `protected` (the progress database and its WAL, deck and source files) are refused
    as targets, as by `quizapp report`."""
    from quizapp.reports import cohort
    from quizapp.reports.labels import iso_utc

    def step(done: float, what: str) -> None:
        if progress is not None:
            progress(done, what)

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    source = cohort.DbSource(db_label, db)
    member = cohort.CohortMember(learner.name, (cohort.LearnerPart(source, learner),))
    chunks: Iterable[str]
    if fmt == "xapi":
        from quizapp.reports import xapi_out
        from quizapp.reports.reviewlog import ReviewRecord, iter_reviews
        from quizapp.store.queries.home import answers_total

        step(0.05, "counting answers")
        total = answers_total(db, learner.id) or 1
        ident = str(Path(db_label).resolve()) if db_label else "quizapp"

        def records() -> Iterable[tuple[str, ReviewRecord]]:
            for i, r in enumerate(
                iter_reviews(db, learner, deck_ids=deck_ids, tags=tags, now=now, source=db_label),
                start=1,
            ):
                if i % 500 == 0:
                    step(0.1 + 0.85 * min(1.0, i / total), f"{i} statements")
                yield ident, replace(r, learner=learner.name)

        chunks = xapi_out.render(records(), homepage=homepage)
        what = "review log"
    else:
        step(0.1, "computing metrics")
        metrics = [cohort.member_metrics(member, deck_ids=deck_ids, tags=tags, now=now, tz=tz)]
        step(0.6, "rendering")
        from quizapp.reports.output import render

        chunks = render(metrics, fmt, generated_at=iso_utc(now))
        what = "report"
        step(0.8, "writing")
    write_atomic(path, chunks, protected)
    step(1.0, "done")
    return f"Wrote {fmt} {what} for {learner.name} to {path}."
