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
    from quizapp.clock import system_clock
    from quizapp.personal.backlog import backlog_days
    from quizapp.personal.limits import limited_counts
    from quizapp.store.learners import ensure_learner
    from quizapp.store.queries.decks import deck_counts, with_drafts
    from quizapp.store.scope import Scope

    report = app.sync()
    db = app.db()
    who = ensure_learner(db, learner)
    now = system_clock()
    rows = limited_counts(db, who, deck_counts(db, who, report.deck_ids, now=now), now)
    rows = with_drafts(db, rows)
    if not rows:
        click.echo("No decks found. Add a folder with --decks DIR or $QUIZAPP_DECKS.")
        return
    click.echo(f"Decks for {who.name}:")
    width = max(len(r.deck_id) for r in rows)
    click.echo(f"  {'deck'.ljust(width)}  {'due':>5} {'learn':>5} {'new':>5} {'cards':>6}  title")
    for r in rows:
        new = f"{r.new}*" if r.limit_reached else f"{r.new} "
        drafts = f"  ({draft_note(r.drafts)})" if r.drafts else ""
        click.echo(
            f"  {r.deck_id.ljust(width)}  {r.due:>5} {r.learning:>5} {new:>6}"
            f"{r.total:>6}  {r.title}{drafts}"
        )
    if any(r.limit_reached for r in rows):
        click.echo(
            "* new-card limit reached today: `quizapp study --plain --extra-new N` studies "
            "N more; `quizapp decks limit DECK N` sets a deck's own limit."
        )
    if any(r.drafts for r in rows):
        click.echo(
            "Drafts (`draft: true`) are not studied until accepted: "
            "`quizapp decks review DECK.yaml`."
        )
    days = backlog_days(db, who, Scope(tuple(report.deck_ids)))
    if days is not None and days >= 2:
        click.echo(
            f"Backlog: about {days} days at {who.reviews_per_day} reviews/day "
            "(the cards most likely forgotten come first)."
        )


def draft_note(drafts: int) -> str:
    """ "1 draft to review" / "5 drafts to review"."""
    return f"{drafts} draft{'s' if drafts != 1 else ''} to review"


@decks.command("limit")
@click.argument("deck_id", required=False)
@click.argument("new", required=False)
@click.option("--learner", default=None, help="Learner name (default: the OS user, created).")
@pass_ctx
def limit(app: AppContext, deck_id: str | None, new: str | None, learner: str | None) -> None:
    """A deck's own new cards per day: `decks limit DECK 10`; `decks limit DECK default`
    goes back to the learner's new/day; without arguments, every deck's limit."""
    from quizapp.store.learners import deck_new_limits, ensure_learner, set_deck_new_limit

    report = app.sync(quiet=True)
    db = app.db()
    who = ensure_learner(db, learner)
    if deck_id is None:
        own = deck_new_limits(who)
        click.echo(f"New cards per day for {who.name} (default {who.new_per_day}):")
        for d in report.deck_ids:
            click.echo(f"  {d}: {own[d]} (own)" if d in own else f"  {d}: {who.new_per_day}")
        return
    if deck_id not in report.deck_ids:
        raise click.ClickException(
            f"no deck with id {deck_id}; `quizapp decks list` shows the decks"
        )
    if new is None:
        raise click.UsageError("give the new cards per day (a number, or `default`)")
    if new.strip().lower() == "default":
        set_deck_new_limit(db, who.id, deck_id, None)
        click.echo(f"{deck_id}: back to {who.name}'s {who.new_per_day} new cards per day.")
        return
    try:
        n = int(new)
    except ValueError:
        raise click.UsageError(f"{new!r} is not a number (or `default`)") from None
    set_deck_new_limit(db, who.id, deck_id, n)
    click.echo(f"{deck_id}: {n} new cards per day for {who.name}.")


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


@decks.command("review")
@click.argument("deck", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--plain", is_flag=True, help="Review line by line instead of in the TUI.")
def review(deck: Path, plain: bool) -> None:
    """Walk a deck's draft cards: accept, edit, reject, or try the next variant.

    Drafts (`draft: true`) are listed but not studied until accepted. Every change is
    saved at once; comments and card order are kept.
    """
    import sys

    from quizapp.draft.errors import DraftError
    from quizapp.draft.review import ReviewDeck

    if not deck.exists():
        raise click.ClickException(f"{deck}: no such file")
    try:
        rd = ReviewDeck(deck)
    except DraftError as e:
        raise click.ClickException(str(e)) from None
    if not rd.drafts():
        click.echo(f"No draft cards in {deck}: nothing to review.")
        return
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        try:
            from quizapp.tui.app import run_review
        except ImportError:
            plain = True
        else:
            run_review(deck)
            return
    try:
        _plain_review(rd)
    except DraftError as e:
        raise click.ClickException(str(e)) from None


_REVIEW_KEYS = "[a]ccept  [e]dit  [r]eject  [v]ariant  [s]kip  [q]uit"


def _plain_review(rd: object) -> None:
    """The line-based review loop (reads commands from stdin; EOF quits)."""
    from quizapp.draft.errors import DraftError
    from quizapp.draft.review import ReviewDeck, card_yaml, describe, parse_card

    assert isinstance(rd, ReviewDeck)
    accepted = rejected = edited = 0
    skipped: set[str] = set()
    while True:
        pending = [i for i in rd.drafts() if str(rd.cards[i].get("id")) not in skipped]
        if not pending:
            break
        i = pending[0]
        card = rd.card(i)
        total = len(rd.drafts())
        click.echo("")
        click.echo(f"Draft {len(rd.drafts()) - len(pending) + 1} of {total}")
        for line in describe(card):
            click.echo("  " + line)
        click.echo(_REVIEW_KEYS)
        try:
            command = input("> ").strip().lower()
        except EOFError:
            break
        if command in ("a", "accept"):
            rd.accept(i)
            accepted += 1
            click.echo(f"Accepted {card.get('id')}.")
        elif command in ("r", "reject"):
            rd.reject(i)
            rejected += 1
            click.echo(f"Rejected {card.get('id')} (removed from the deck).")
        elif command in ("v", "variant"):
            variant = rd.next_variant(i)
            if variant is None:
                click.echo("No other variant for this fact.")
                continue
            problems = rd.replace(i, variant)
            click.echo(
                f"Now {variant['id']} ({variant['type']})."
                if not problems
                else "Variant refused: " + "; ".join(problems)
            )
        elif command in ("e", "edit"):
            text = click.edit(card_yaml(card), extension=".yaml")
            if text is None:
                click.echo("Unchanged.")
                continue
            try:
                problems = rd.replace(i, parse_card(text))
            except DraftError as e:
                problems = [str(e)]
            if problems:
                click.echo("Edit refused (the card is unchanged):")
                for p in problems:
                    click.echo(f"  - {p}")
            else:
                edited += 1
                click.echo("Saved the edited card (still a draft: accept it to study it).")
        elif command in ("s", "skip", "n", "next"):
            skipped.add(str(card.get("id")))
        elif command in ("q", "quit"):
            break
        else:
            click.echo(f"Unknown command {command!r}: {_REVIEW_KEYS}")
    left = len(rd.drafts())
    click.echo(
        f"Reviewed {rd.path}: {accepted} accepted, {edited} edited, {rejected} rejected; "
        f"{left} draft(s) left."
    )
