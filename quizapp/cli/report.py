"""`quizapp report`: progress reports for a learner or a cohort (csv, json, md, html, xapi)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from quizapp.cli.main import AppContext, cli, pass_ctx

if TYPE_CHECKING:
    from quizapp.outputs import Protected
    from quizapp.reports.cohort import CohortMember
    from quizapp.reports.items import ItemAnalysis
    from quizapp.reports.reviewlog import ReviewRecord
    from quizapp.reports.xapi_out import BlockRecord, QuizAnswerRecord

T = TypeVar("T")

FORMATS = ("csv", "json", "md", "html", "xapi")
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "xapi",
    ".ndjson": "xapi",
}


def parse_since(text: str, rollover_hour: int = 4) -> datetime:
    """`YYYY-MM-DD` (from the start of that local study day) or an ISO date-time
    (naive = local time)."""
    text = text.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime.combine(d, time(hour=rollover_hour)).astimezone().astimezone(UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date: use YYYY-MM-DD (or an ISO date-time)", param_hint="--since"
        ) from None
    return (dt if dt.tzinfo else dt.astimezone()).astimezone(UTC)


def write_atomic(path: str, chunks: Iterable[str], protected: Protected | None = None) -> None:
    """Write to `path` atomically (see quizapp.reports.output), `-` = standard output."""
    from quizapp.reports.output import WriteError
    from quizapp.reports.output import write_atomic as write

    if path == "-":
        out = sys.stdout
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        return
    try:
        write(Path(path), chunks, protected=protected)
    except WriteError as e:
        raise click.ClickException(str(e)) from None


@cli.command()
@click.option(
    "--learner",
    "learners",
    multiple=True,
    metavar="NAME",
    help="Learner to report on (repeatable; names match case-insensitively).",
)
@click.option("--all", "all_", is_flag=True, help="Every learner of every database given.")
@click.option("--deck", "decks", multiple=True, metavar="ID", help="Only this deck (repeatable).")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only cards with this tag (repeatable: any of them).",
)
@click.option("--since", metavar="DATE", help="Only reviews from this day on (YYYY-MM-DD).")
@click.option(
    "--by",
    type=click.Choice(["learner", "deck", "tag", "fact"]),
    default="learner",
    show_default=True,
    help="CSV rows: per learner, or per learner and deck / tag; with --items: per item "
    "(the default), fact or tag.",
)
@click.option(
    "--items",
    is_flag=True,
    help="Item analysis: per question difficulty, discrimination, distractors (csv, json, "
    "md, html).",
)
@click.option(
    "--pseudonymize",
    is_flag=True,
    help="Replace learner names with stable hashed ids and file names with `file N`.",
)
@click.option("--salt", metavar="TEXT", help="--pseudonymize: the secret salt.")
@click.option(
    "--salt-file",
    metavar="FILE",
    help="--pseudonymize: read the secret salt from the first line of FILE.",
)
@click.option(
    "--reviews",
    is_flag=True,
    help="CSV: the raw review log (FSRS optimizer columns) instead of a summary.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format (default: from the file name's extension).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Where to write; - is standard output.",
)
@click.option(
    "--homepage",
    default="urn:quizapp",
    show_default=True,
    help="xAPI: homePage of the learners' accounts.",
)
@click.option("--now", "now_text", hidden=True, help="Report as of this UTC instant (tests).")
@pass_ctx
def report(
    app: AppContext,
    learners: tuple[str, ...],
    all_: bool,
    decks: tuple[str, ...],
    tags: tuple[str, ...],
    since: str | None,
    by: str,
    reviews: bool,
    items: bool,
    pseudonymize: bool,
    salt: str | None,
    salt_file: str | None,
    fmt: str | None,
    output: str,
    homepage: str,
    now_text: str | None,
) -> None:
    """Progress report for a learner or a whole cohort.

    \b
    Several --db files make a cohort: learners are merged by name.
      quizapp report --format html -o report.html
      quizapp --db a.db --db b.db report --all --format csv -o class.csv
      quizapp report --learner Ada --reviews --format csv -o revlog.csv
      quizapp report --all --format xapi -o statements.jsonl
      quizapp --db a.db --db b.db report --all --items --format html -o items.html
      quizapp report --all --pseudonymize --salt-file salt.txt --format html -o share.html
    """
    if not app.db_paths:
        app.check_ahead()  # the integrity check runs while the report code loads
    from quizapp.reports import cohort
    from quizapp.reports.labels import iso_utc
    from quizapp.store.learners import default_learner_name

    if fmt is None:
        fmt = SUFFIXES.get(Path(output).suffix.lower()) if output != "-" else None
        if fmt is None:
            raise click.UsageError("choose a --format (csv, json, md, html or xapi)")
    if learners and all_:
        raise click.UsageError("--learner and --all cannot be used together")
    if reviews and fmt not in ("csv", "xapi"):
        raise click.UsageError("--reviews applies to --format csv (xapi always lists reviews)")
    if items and (reviews or fmt == "xapi"):
        raise click.UsageError("--items gives csv, json, md or html (not --reviews or xapi)")
    if by == "fact" and not items:
        raise click.UsageError("--by fact applies to --items")
    if by != "learner" and fmt != "csv":
        raise click.UsageError("--by applies to --format csv")
    protected = app.protected() if output != "-" else {}
    if output != "-":  # refused before the work, not after it
        from quizapp.outputs import check_target

        check_target(Path(output), protected)
    if (salt is not None or salt_file is not None) and not pseudonymize:
        raise click.UsageError("--salt and --salt-file go with --pseudonymize")
    rename: dict[str, str] = {}
    if pseudonymize:
        from quizapp.reports.privacy import SaltError, read_salt

        try:
            secret = read_salt(salt, salt_file)
        except SaltError as e:
            raise click.UsageError(str(e)) from None
    now = parse_since(now_text) if now_text else datetime.now(UTC)
    since_dt = parse_since(since) if since else None

    if app.db_paths:
        sources = cohort.open_sources(app.db_paths)
    else:
        sources = [cohort.DbSource(str(app.db_path), app.db())]
    labels = ", ".join(s.label for s in sources)
    if learners:
        members = cohort.gather(sources, learners)
        found = {m.name.casefold() for m in members}
        missing = [n for n in learners if n.strip().casefold() not in found]
        if missing:
            known = sorted({m.name for m in cohort.gather(sources)})
            hint = f"; learners there: {', '.join(known)}" if known else "; it has no learners"
            raise click.ClickException(f"no learner named {missing[0]!r} in {labels}{hint}")
    elif all_:
        members = cohort.gather(sources)
    else:
        members = cohort.gather(sources, [default_learner_name()]) or cohort.gather(sources)
    if not members:
        raise click.ClickException(f"no learners in {labels}: study first, or pass --db FILE")

    deck_ids = list(decks) if decks else None
    files: dict[str, str] = {}
    if pseudonymize:
        from quizapp.reports.privacy import file_names, pseudonym

        rename = {m.name: pseudonym(m.name, secret) for m in members}
        files = file_names([s.label for s in sources])
    if since_dt is not None and len(since or "") == 10:
        # a bare date starts at the (first) learner's own day rollover
        since_dt = parse_since(since or "", members[0].parts[0].learner.rollover_hour)

    chunks: Iterable[str]
    if items:
        from quizapp.reports import item_out
        from quizapp.reports.items import item_analysis

        analysis = item_analysis(
            members, deck_ids=deck_ids, tags=tags, since=since_dt, now=now, rename=rename
        )
        chunks = item_out.render(
            analysis, fmt, generated_at=iso_utc(now), by="item" if by == "learner" else by
        )
        what = "item analysis"
    elif fmt == "xapi" or reviews:
        records = _records(members, deck_ids, tags, since_dt, now, rename, files)
        if fmt == "xapi":
            from quizapp.reports import xapi_out

            chunks = xapi_out.render_records(
                _with_quiz(records, members, deck_ids, tags, since_dt, now, rename),
                homepage=homepage,
            )
        else:
            from quizapp.reports import csv_out

            chunks = csv_out.render_reviews((r for _, r in records), with_source=len(sources) > 1)
        what = "review log"
    else:
        generated = iso_utc(now)
        if fmt == "csv" and by == "learner":
            # one row per learner: the summary figures only, without the per-day,
            # per-card and per-deck detail the other formats show
            from quizapp.reports import csv_out

            summaries = cohort.map_members(
                members,
                lambda m, shared: cohort.member_summary(
                    m, deck_ids=deck_ids, tags=tags, since=since_dt, now=now, shared=shared
                ),
            )
            if pseudonymize:
                summaries = [_private(x, rename, files) for x in summaries]
            chunks = [csv_out.render(summaries, by=by)]
        else:
            analysis_of: Callable[[], ItemAnalysis] | None = None
            if fmt in ("html", "md") and len(members) > 1:
                # the cohort view's item analysis, computed while the learners' metrics are
                from quizapp.reports.items import item_analysis

                analysis_of = cohort.beside(
                    members,
                    lambda ms: item_analysis(
                        ms,
                        deck_ids=deck_ids,
                        tags=tags,
                        since=since_dt,
                        now=now,
                        rename=rename,
                        shown_only=True,
                    ),
                )
            metrics = cohort.map_members(
                members,
                lambda m, shared: cohort.member_metrics(
                    m, deck_ids=deck_ids, tags=tags, since=since_dt, now=now, shared=shared
                ),
            )
            if pseudonymize:
                metrics = [_private(x, rename, files) for x in metrics]
            if analysis_of is not None:
                # the cohort view: what the class gets wrong first, each learner folded
                from quizapp.reports import cohort_view

                analysis = analysis_of()
                if fmt == "html":
                    chunks = [cohort_view.render_html(metrics, analysis, generated_at=generated)]
                else:
                    chunks = [cohort_view.render_md(metrics, analysis)]
            else:
                from quizapp.reports.output import render

                chunks = render(metrics, fmt, generated_at=generated, by=by)
        what = "report"
    write_atomic(output, chunks, protected)
    who = members[0].name if len(members) == 1 else f"{len(members)} learners"
    who = rename.get(who, who)
    where = "standard output" if output == "-" else output
    click.echo(f"Wrote {fmt} {what} for {who} to {where}.", err=True)


def _records(
    members: list[CohortMember],
    deck_ids: list[str] | None,
    tags: tuple[str, ...],
    since: datetime | None,
    now: datetime,
    rename: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
) -> Iterator[tuple[str, ReviewRecord]]:
    """Every review of every member, member by member, file by file, oldest first;
    names and files shown as `rename` and `files` say (pseudonyms)."""
    rename, files = rename or {}, files or {}
    from quizapp.reports.reviewlog import iter_reviews

    for m in members:
        for part in m.parts:
            for r in iter_reviews(
                part.source.db,
                part.learner,
                deck_ids=deck_ids,
                tags=tags,
                since=since,
                now=now,
                source=part.source.label,
            ):
                label = files.get(part.source.label, part.source.label)
                yield label, replace(r, learner=rename.get(m.name, m.name), source=label)


def _with_quiz(
    records: Iterator[tuple[str, ReviewRecord]],
    members: list[CohortMember],
    deck_ids: list[str] | None,
    tags: tuple[str, ...],
    since: datetime | None,
    now: datetime,
    rename: dict[str, str],
) -> Iterator[ReviewRecord | QuizAnswerRecord | BlockRecord]:
    """The study reviews, then every member's quiz answers and finished blocks."""
    from quizapp.reports.xapi_out import quiz_records

    for _, r in records:
        yield r
    for m in members:
        for part in m.parts:
            yield from quiz_records(
                part.source.db,
                part.learner.id,
                rename.get(m.name, m.name),
                deck_ids=deck_ids,
                tags=tags,
                since=since,
                now=now,
            )


def _private(x: T, rename: dict[str, str], files: dict[str, str]) -> T:
    """A learner's figures with the name and database files replaced (pseudonyms)."""
    hardest = getattr(x, "hardest", None)
    changes: dict[str, object] = {
        "learner": rename.get(x.learner, x.learner),  # type: ignore[attr-defined]
        "sources": tuple(files.get(s, s) for s in x.sources),  # type: ignore[attr-defined]
    }
    if hardest is not None:
        changes["hardest"] = tuple(
            replace(h, source=files.get(h.source, h.source)) for h in hardest
        )
    return replace(x, **changes)  # type: ignore[type-var]
