"""`quizapp quiz`: question-bank blocks (tutor or timed) on the same decks."""

from __future__ import annotations

import importlib.util
import sys

import click

from quizapp.cli.main import AppContext, cli, color_enabled, pass_ctx
from quizapp.quiz.blocks import DEFAULT_SECONDS_PER_QUESTION
from quizapp.quiz.pools import POOLS


def _tui_has_quiz_screen() -> bool:
    try:
        return importlib.util.find_spec("quizapp.tui.screens.quiz") is not None
    except (ImportError, ValueError):
        return False


@cli.command()
@click.option("--plain", is_flag=True, help="Line-by-line quiz (pipes, ssh, screen readers).")
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@click.option("--deck", "deck_ids", multiple=True, help="Deck id to draw from (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only cards with this tag (repeatable).")
@click.option(
    "--questions",
    "n",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Number of questions in the block.",
)
@click.option(
    "--tutor/--timed",
    "tutor",
    default=True,
    help="Tutor: feedback after each question (default). Timed: a time limit, feedback at the end.",
)
@click.option(
    "--pool",
    type=click.Choice(POOLS),
    default="unused",
    show_default=True,
    help="unused: never answered in a quiz; incorrect: last quiz answer wrong; "
    "flagged: flagged in a quiz or while studying; all.",
)
@click.option(
    "--seconds",
    "seconds_per_question",
    type=click.IntRange(5, 3600),
    default=DEFAULT_SECONDS_PER_QUESTION,
    show_default=True,
    help="Timed mode: seconds allowed per question.",
)
@click.option("--in-order", is_flag=True, help="Ask questions in deck order, not shuffled.")
@click.option("--resume", is_flag=True, help="Continue the unfinished block instead.")
@click.option("--seed", type=int, default=None, hidden=True)
@pass_ctx
def quiz(
    app: AppContext,
    plain: bool,
    learner: str | None,
    deck_ids: tuple[str, ...],
    tags: tuple[str, ...],
    n: int,
    tutor: bool,
    pool: str,
    seconds_per_question: int,
    in_order: bool,
    resume: bool,
    seed: int | None,
) -> None:
    """Answer a block of questions: mcq, typed and cloze cards (basic cards are left out).

    Quiz answers are kept apart from spaced-repetition reviews and do not reschedule
    cards, unless the learner's setting quiz_counts_as_review is on.
    """
    from quizapp.plain.quiz import PlainQuiz
    from quizapp.quiz.library import build_block, fact_note, load_active_block
    from quizapp.quiz.questions import QuizError
    from quizapp.store.learners import ensure_learner

    report = app.sync()
    db = app.db()
    unknown = sorted(set(deck_ids) - set(report.deck_ids))
    if unknown:
        raise click.ClickException(
            f"no deck with id {', '.join(unknown)}; `quizapp decks list` shows the decks"
        )
    if not plain and sys.stdin.isatty() and sys.stdout.isatty() and _tui_has_quiz_screen():
        from quizapp.cli.main import _open_tui

        _open_tui(app, learner, start="quiz")
        return
    who = ensure_learner(db, learner)
    try:
        unfinished = load_active_block(db, who)
        if resume:
            if unfinished is None:
                raise click.ClickException(
                    "no unfinished quiz block to resume; start one with `quizapp quiz --plain`"
                )
            block = unfinished
        else:
            if unfinished is not None:
                click.echo(
                    f"Note: block {unfinished.id} is unfinished "
                    f"({unfinished.answered_count()}/{len(unfinished)} answered); "
                    "`quizapp quiz --plain --resume` continues it."
                )
            block = build_block(
                db,
                who,
                deck_ids=deck_ids or report.deck_ids,
                tags=tags,
                n=n,
                pool=pool,  # type: ignore[arg-type]
                mode="tutor" if tutor else "timed",
                seconds_per_question=seconds_per_question,
                rng_seed=seed,
                shuffle=not in_order,
            )
            if len(block) < n:
                click.echo(f"Only {len(block)} question(s) in the {pool} pool here.")
            note = fact_note(block)
            if note:
                click.echo(f"Note: {note}.")
        use_color = color_enabled(sys.stdout)

        def style(text: str, kind: str) -> str:
            if not use_color:
                return text
            return click.style(text, fg="green" if kind == "ok" else "red", bold=True)

        PlainQuiz(block, sys.stdin, sys.stdout, style).run()
    except QuizError as e:
        raise click.ClickException(str(e)) from None
