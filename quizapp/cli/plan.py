"""`quizapp plan set|show|clear`: exam-date mode."""

from __future__ import annotations

from datetime import datetime

import click

from quizapp.cli.main import AppContext, cli, pass_ctx


@cli.group()
def plan() -> None:
    """Exam-date plans: every card of the scope comes back before the exam."""


@plan.command("set")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option(
    "--exam",
    "exam",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Exam date, YYYY-MM-DD (local).",
)
@click.option("--deck", "deck_ids", multiple=True, help="Deck id (repeatable; default: all).")
@click.option("--tag", "tags", multiple=True, help="Only cards with this tag (repeatable).")
@pass_ctx
def set_(
    app: AppContext,
    learner: str | None,
    exam: datetime,
    deck_ids: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Set an exam date for some decks and/or tags (same scope again: moves the date)."""
    from quizapp.personal.exam import format_report, plan_report, set_plan
    from quizapp.store.learners import ensure_learner

    report = app.sync(quiet=True)
    db = app.db()
    unknown = sorted(set(deck_ids) - set(report.deck_ids))
    if unknown:
        raise click.ClickException(
            f"no deck with id {', '.join(unknown)}; `quizapp decks list` shows the decks"
        )
    who = ensure_learner(db, learner)
    saved = set_plan(db, who.id, exam.date(), deck_ids=deck_ids, tags=tags)
    click.echo(f"Exam plan set for {who.name}.")
    click.echo(format_report(plan_report(db, who, saved)))


@plan.command("show")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@pass_ctx
def show(app: AppContext, learner: str | None) -> None:
    """Predicted recall on exam day per tag, new-card pace, reviews per day needed."""
    from quizapp.personal.exam import format_report, list_plans, plan_report
    from quizapp.store.learners import ensure_learner

    app.sync(quiet=True)
    db = app.db()
    who = ensure_learner(db, learner)
    plans = list_plans(db, who.id)
    if not plans:
        click.echo(f"No exam plan for {who.name}. `quizapp plan set --exam YYYY-MM-DD` adds one.")
        return
    for i, p in enumerate(plans):
        if i:
            click.echo()
        click.echo(format_report(plan_report(db, who, p)))


@plan.command("clear")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option("--id", "plan_id", type=int, default=None, help="Only this plan (default: all).")
@pass_ctx
def clear(app: AppContext, learner: str | None, plan_id: int | None) -> None:
    """Remove exam plans; cards return to normal scheduling."""
    from quizapp.personal.exam import clear_plans
    from quizapp.store.learners import ensure_learner

    db = app.db()
    who = ensure_learner(db, learner)
    n = clear_plans(db, who.id, plan_id)
    click.echo(f"Removed {n} exam plan(s) for {who.name}." if n else "No exam plan to remove.")
