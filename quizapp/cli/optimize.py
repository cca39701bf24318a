"""`quizapp optimize`, `quizapp advise`, `quizapp leeches`: the learner's memory model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp.cli.main import AppContext, cli, pass_ctx

if TYPE_CHECKING:
    from quizapp.personal.fitting import OptimizeRun


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4f}"


def print_run(run: OptimizeRun) -> None:
    """The figures of an optimizer run, headline first (fsrs-rs's own convention)."""
    card, by_time = run.by_card, run.by_time
    if not by_time.fitted:
        click.echo(f"Not enough data to personalise the scheduler: {by_time.reason}.")
        return
    click.echo(
        f"log loss: default {_num(card.default_in_sample_log_loss)} → "
        f"fitted {_num(card.fitted_log_loss)}"
    )
    click.echo(
        f"RMSE(bins): default {_num(card.default_in_sample_rmse_bins)} → "
        f"fitted {_num(card.fitted_rmse_bins)}"
    )
    click.echo(
        "  (as fsrs-rs evaluates and publishes: items grouped by card; defaults in-sample, "
        "fitted on its 5-fold time-series split)"
    )
    click.echo(
        f"strict review-time order (trained on the past, scored on the future): "
        f"log loss {_num(by_time.default_log_loss)} → {_num(by_time.fitted_log_loss)}, "
        f"RMSE(bins) {_num(by_time.default_rmse_bins)} → {_num(by_time.fitted_rmse_bins)}"
    )


@cli.command()
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option(
    "--revlog",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Import this review log first (CSV: card_id, review_rating, review_time, "
    "review_duration).",
)
@click.option(
    "--reschedule/--no-reschedule",
    default=None,
    help="Recompute the cards' due dates with the new parameters (default: ask).",
)
@pass_ctx
def optimize(
    app: AppContext, learner: str | None, revlog: Path | None, reschedule: bool | None
) -> None:
    """Fit the FSRS-6 parameters to the learner's reviews (and an imported log)."""
    from quizapp.personal.fitting import import_revlog, optimize_learner
    from quizapp.personal.fitting import reschedule as reschedule_cards
    from quizapp.store.learners import ensure_learner, get_learner_by_id
    from quizapp.store.queries.fitting import studied_count

    db = app.db()
    who = ensure_learner(db, learner)
    if revlog is not None:
        try:
            imported = import_revlog(db, who.id, revlog)
        except (ValueError, OSError) as e:
            raise click.ClickException(str(e)) from None
        click.echo(
            f"Imported {imported.added:,} reviews from {revlog.name}"
            + (
                f" ({imported.already_there:,} were already there)"
                if imported.already_there
                else ""
            )
            + "."
        )
    run = optimize_learner(db, who)
    click.echo(
        f"{who.name}: {run.by_time.n_reviews:,} reviews ({run.n_own:,} in quizapp, "
        f"{run.n_external:,} imported) → {run.by_time.n_items:,} predictions"
    )
    print_run(run)
    if not run.saved:
        if run.by_time.fitted:
            click.echo(f"Parameters not saved: {run.reason}")
        else:
            click.echo("The FSRS-6 default parameters are kept.")
        return
    click.echo(
        f"Saved the fitted parameters for {who.name} "
        f"(from the review-time-order fit; run {run.optimization_id}, "
        f"{run.fitted_at:%Y-%m-%d})."
    )
    studied = studied_count(db, who.id)
    if not studied:
        click.echo("No quizapp cards studied yet, so nothing to reschedule.")
        return
    if reschedule is None:
        reschedule = click.confirm(
            f"Reschedule your {studied} studied card(s) from their history with the new "
            "parameters?",
            default=True,
        )
    if reschedule:
        who = get_learner_by_id(db, who.id)
        n = reschedule_cards(db, who.id, who.fsrs_params)
        click.echo(f"Rescheduled {n} card(s); the review log is unchanged.")
    else:
        click.echo("Cards keep their due dates; new answers use the new parameters.")


@cli.command()
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3650))
@click.option("--deck", "deck_ids", multiple=True, help="Deck id (repeatable; default: all).")
@click.option("--tag", "tags", multiple=True, help="Only cards with this tag (repeatable).")
@pass_ctx
def advise(
    app: AppContext,
    learner: str | None,
    days: int,
    deck_ids: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Workload and knowledge for desired retention 0.70–0.99, and a suggestion."""
    from quizapp.personal.advisor import advice_for_learner, bar_chart, format_table
    from quizapp.store.learners import ensure_learner
    from quizapp.store.scope import Scope

    app.sync(quiet=True)
    db = app.db()
    who = ensure_learner(db, learner)
    adv = advice_for_learner(db, who, Scope(deck_ids or None, tags), days=days)
    click.echo(
        f"{who.name}: {adv.deck_size} cards, {adv.new_per_day} new/day, "
        f"{adv.review_limit} reviews/day max, simulated over {days} days with "
        + ("your fitted parameters" if adv.personalised else "the FSRS-6 default parameters")
    )
    click.echo()
    click.echo(format_table(adv, who.desired_retention))
    click.echo()
    click.echo(
        f"Suggested desired retention: {adv.suggestion} (most cards remembered per minute "
        f"of study; yours is {who.desired_retention:.2f})."
    )
    click.echo()
    click.echo("minutes/day")
    click.echo(bar_chart(adv))


@cli.command("leeches")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option("--suspend", is_flag=True, help="Also suspend the leeches found.")
@pass_ctx
def leeches_(app: AppContext, learner: str | None, suspend: bool) -> None:
    """Find, tag (and optionally suspend) the cards the learner keeps forgetting."""
    from quizapp.personal.leeches import LeechRules, mark_leeches
    from quizapp.store.learners import ensure_learner

    db = app.db()
    who = ensure_learner(db, learner)
    rules = LeechRules.for_learner(who)
    found = mark_leeches(db, who, suspend=True if suspend else None)
    if not found:
        click.echo(
            f"No leeches for {who.name} (rules: ≥ {rules.lapses} lapses, or stability "
            f"< {rules.stability_days:g} d after ≥ {rules.min_review_days} review days)."
        )
        return
    click.echo(f"{len(found)} leech(es) for {who.name}, tagged:")
    width = max(len(lc.key) for lc in found)
    for lc in found:
        state = "suspended" if lc.suspended else "tagged"
        click.echo(f"  {lc.key.ljust(width)}  {lc.reason}  [{state}]")
