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
    "--open-images", is_flag=True, help="Plain study: open each card's image in the system viewer."
)
@pass_ctx
def study(
    app: AppContext,
    plain: bool,
    learner: str | None,
    deck_ids: tuple[str, ...],
    tags: tuple[str, ...],
    open_images: bool,
) -> None:
    """Study due and new cards (in the app; line by line with --plain or when piped)."""
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
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        from quizapp.cli.main import _open_tui

        _open_tui(app, learner)
        return
    who = ensure_learner(db, learner)
    session = session_for(db, who, deck_ids or report.deck_ids, tags)
    use_color = color_enabled(sys.stdout)

    def style(text: str, kind: str) -> str:
        if not use_color:
            return text
        return click.style(text, fg="green" if kind == "ok" else "red", bold=True)

    opener = (lambda path: click.launch(str(path))) if open_images else None
    PlainStudy(session, sys.stdin, sys.stdout, style, opener).run()
