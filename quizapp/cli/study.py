"""`quizapp study --plain`."""

from __future__ import annotations

import sys

import click

from quizapp.cli.main import AppContext, cli, color_enabled, pass_ctx


@cli.command()
@click.option("--plain", is_flag=True, help="Line-by-line study (pipes, ssh, screen readers).")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option("--deck", "deck_ids", multiple=True, help="Deck id to study (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only cards with this tag (repeatable).")
@click.option(
    "--extra-new",
    type=click.IntRange(1, 9999),
    default=None,
    help="Study more: N more new cards today (raises today's new-card limits).",
)
@click.option(
    "--ahead",
    type=click.IntRange(1, 365),
    default=None,
    help="Study more: review ahead, the reviews due in the next N days (--plain).",
)
@click.option(
    "--cram",
    is_flag=True,
    help="Study more: the chosen cards (--deck/--tag/--fact) without changing their "
    "schedule (--plain).",
)
@click.option("--fact", "facts", multiple=True, help="With --cram: only this fact (repeatable).")
@click.option(
    "--open-images", is_flag=True, help="Plain study: open each card's image in the system viewer."
)
@pass_ctx
def study(
    app: AppContext,
    plain: bool,
    learner: str | None,
    deck_ids: tuple[str, ...],
    tags: tuple[str, ...],
    extra_new: int | None,
    ahead: int | None,
    cram: bool,
    facts: tuple[str, ...],
    open_images: bool,
) -> None:
    """Study due and new cards (in the app; line by line with --plain or when piped)."""
    if ahead is not None and cram:
        raise click.UsageError("choose one of --ahead and --cram")
    if facts and not cram:
        raise click.UsageError("--fact chooses the cards of --cram: add --cram")
    app.check_ahead()  # the integrity check runs while the imports below load
    from quizapp.plain.study import PlainStudy
    from quizapp.store.learners import ensure_learner
    from quizapp.study.session import session_for

    report = app.sync()
    db = app.db()
    unknown = sorted(set(deck_ids) - set(report.deck_ids))
    if unknown:
        raise click.ClickException(
            f"no deck with id {', '.join(unknown)}; `quizapp decks list` shows the decks"
        )
    tui = not plain and sys.stdin.isatty() and sys.stdout.isatty()
    if tui and (ahead is not None or cram):
        raise click.UsageError(
            "--ahead and --cram study line by line: add --plain (in the app, press m on home)"
        )
    who = ensure_learner(db, learner)
    if extra_new is not None:
        from quizapp.clock import system_clock
        from quizapp.personal.limits import grant_extra_new

        who = grant_extra_new(db, who, extra_new, system_clock())
        click.echo(f"{extra_new} more new card(s) today for {who.name}.")
    if tui:
        from quizapp.cli.main import _open_tui

        _open_tui(app, who.name)
        return
    session = session_for(db, who, deck_ids or report.deck_ids, tags)
    if ahead is not None:
        from quizapp.study.more import review_ahead

        session = review_ahead(session, ahead)
    elif cram:
        from quizapp.study.more import cram as cram_session

        session = cram_session(session, facts=facts)
    use_color = color_enabled(sys.stdout)

    def style(text: str, kind: str) -> str:
        if not use_color:
            return text
        return click.style(text, fg="green" if kind == "ok" else "red", bold=True)

    opener = (lambda path: click.launch(str(path))) if open_images else None
    PlainStudy(session, sys.stdin, sys.stdout, style, open_image=opener).run()
