"""`quizapp learners list|add|rename|remove`."""

from __future__ import annotations

import click

from quizapp.cli.main import AppContext, cli, pass_ctx


@cli.group()
def learners() -> None:
    """Manage the learners of a database."""


@learners.command("list")
@pass_ctx
def list_(app: AppContext) -> None:
    """Every learner with their settings and review count."""
    from quizapp.store.learners import list_learners, review_counts

    db = app.db()
    people = list_learners(db)
    if not people:
        click.echo("No learners yet. `quizapp learners add NAME`, or just start studying.")
        return
    counts = review_counts(db)
    for p in people:
        click.echo(
            f"{p.name}: {counts.get(p.id, 0)} reviews; retention {p.desired_retention:.2f}, "
            f"{p.new_per_day} new/day, {p.reviews_per_day} reviews/day, "
            f"day starts {p.rollover_hour:02d}:00"
        )


@learners.command("add")
@click.argument("name")
@pass_ctx
def add(app: AppContext, name: str) -> None:
    """Add a learner."""
    from quizapp.store.learners import add_learner

    who = add_learner(app.db(), name)
    click.echo(f"Added learner {who.name}.")


@learners.command("rename")
@click.argument("old")
@click.argument("new")
@pass_ctx
def rename(app: AppContext, old: str, new: str) -> None:
    """Rename a learner (progress is kept)."""
    from quizapp.store.learners import rename_learner

    who = rename_learner(app.db(), old, new)
    click.echo(f"Renamed {old} to {who.name}.")


@learners.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def remove(app: AppContext, name: str, yes: bool) -> None:
    """Remove a learner and all their progress (asks first)."""
    from quizapp.store.db import StoreError
    from quizapp.store.learners import get_learner, remove_learner, review_count

    db = app.db()
    who = get_learner(db, name)
    if not who:
        raise StoreError(f"no learner named {name!r}")
    n = review_count(db, who.id)
    if not yes and not click.confirm(
        f"Remove {who.name} and their {n} review(s)? This cannot be undone", default=False
    ):
        click.echo("Nothing removed.")
        return
    remove_learner(db, who.name)
    click.echo(f"Removed {who.name} ({n} review(s)).")
