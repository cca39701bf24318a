"""`quizapp draft SOURCE`: a first deck of draft cards from a document."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.cli.main import cli


@cli.command("draft")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Deck file to write (default: ID.yaml beside the source).",
)
@click.option("--id", "deck_id", default=None, help="Deck id (default: from the file name).")
@click.option("--title", default=None, help="Deck title (default: the document's title).")
@click.option("--force", is_flag=True, help="Overwrite an existing deck (and its source text).")
def draft(
    source: Path, output: Path | None, deck_id: str | None, title: str | None, force: bool
) -> None:
    """Draft a deck from a .txt, .md, .html or .pdf document.

    Every card quotes the sentence it tests (the extracted text is saved as
    sources/ID.txt beside the deck) and is marked `draft: true` until reviewed with
    `quizapp decks review DECK`.
    """
    from quizapp.draft.errors import DraftError
    from quizapp.draft.service import draft_file

    try:
        result = draft_file(source, output=output, deck_id=deck_id, title=title, force=force)
    except DraftError as e:
        raise click.ClickException(str(e)) from None
    d = result.draft
    forms: dict[str, int] = {}
    for c in d.cards:
        kind = str(c.card["type"])
        forms[kind] = forms.get(kind, 0) + 1
    covered = len({c.fact.index for c in d.cards})
    summary = ", ".join(f"{n} {k}" for k, n in sorted(forms.items()))
    click.echo(
        f"Drafted {len(d.cards)} card(s) ({summary}) from {covered} of {len(d.facts)} fact(s) "
        f"into {result.deck_path}"
    )
    click.echo(f"Source text: {result.source_path}")
    if d.rejected or d.duplicates:
        click.echo(
            f"Left out: {len(d.rejected)} card(s) failing the grounding checks, "
            f"{d.duplicates} near-duplicate(s)."
        )
    click.echo(f"Next: quizapp decks review {result.deck_path}   (drafts are not studied)")
