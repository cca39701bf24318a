"""`quizapp decks list|check|add-ids`."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.cli.main import AppContext, cli, pass_ctx


@cli.group()
def decks() -> None:
    """List, check and prepare deck files."""


@decks.command("list")
@click.option("--learner", default=None, help="Learner whose counts to show (default: OS user).")
@pass_ctx
def list_decks(app: AppContext, learner: str | None) -> None:
    """The decks found, with due / learning / new counts for the learner."""
    from quizapp.personal.backlog import backlog_days
    from quizapp.store.learners import ensure_learner
    from quizapp.store.queries.decks import deck_counts
    from quizapp.store.scope import Scope

    report = app.sync()
    db = app.db()
    who = ensure_learner(db, learner)
    rows = deck_counts(db, who, report.deck_ids)
    if not rows:
        click.echo("No decks found. Add a folder with --decks DIR or $QUIZAPP_DECKS.")
        return
    click.echo(f"Decks for {who.name}:")
    width = max(len(r.deck_id) for r in rows)
    click.echo(f"  {'deck'.ljust(width)}  {'due':>5} {'learn':>5} {'new':>5} {'cards':>6}  title")
    for r in rows:
        click.echo(
            f"  {r.deck_id.ljust(width)}  {r.due:>5} {r.learning:>5} {r.new:>5} "
            f"{r.total:>6}  {r.title}"
        )
    days = backlog_days(db, who, Scope(tuple(report.deck_ids)))
    if days is not None and days >= 2:
        click.echo(
            f"Backlog: about {days} days at {who.reviews_per_day} reviews/day "
            "(the cards most likely forgotten come first)."
        )


@decks.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate deck files and folders, and verify every quote against its source.

    Exit status 1 on any problem, 0 when clean.
    """
    from quizapp.decks.check import check_paths

    loaded, problems = check_paths(paths)
    if not loaded and not problems:
        raise click.ClickException(
            f"no deck files in {', '.join(map(str, paths))} (deck files end in .yaml or .yml)"
        )
    for p in problems:
        click.echo(str(p), err=True)
    cards = sum(len(d.cards) for d in loaded)
    if problems:
        click.echo(f"{len(problems)} problem(s) found; {len(loaded)} deck(s) valid.", err=True)
        raise SystemExit(1)
    click.echo(f"OK: {len(loaded)} deck(s), {cards} card(s), every quote found in its source.")


@decks.command("add-ids")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_ctx
def add_ids(app: AppContext, file: Path) -> None:
    """Write an id for every card that lacks one (comments and order are kept)."""
    from quizapp.decks.add_ids import add_missing_ids

    # the file itself is the deck being edited; any other protected file is refused
    protected = {p: what for p, what in app.protected().items() if what != "a deck file"}
    added = add_missing_ids(file, protected=protected)
    if added:
        click.echo(f"Added {len(added)} id(s) to {file}: {', '.join(added)}")
    else:
        click.echo(f"Every card in {file} already has an id.")
