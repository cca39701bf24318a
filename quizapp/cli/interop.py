"""`quizapp import` and `quizapp export --anki`: Anki packages and text files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quizapp.cli.main import AppContext, cli, pass_ctx


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the YAML decks (and media/) into.",
)
@click.option("--learner", default=None, help="Learner to give the review history to.")
@click.option(
    "--max-unpacked",
    "max_unpacked",
    default="2G",
    show_default=True,
    help="Refuse a package that unpacks to more than this (bytes, or with K, M, G).",
)
@click.option(
    "--with-progress",
    is_flag=True,
    help="Carry Anki's review history and suspensions into the learner's progress.",
)
@click.option(
    "--keep-duplicates",
    is_flag=True,
    help="Text files: import rows that repeat an earlier row's front too (as Anki does).",
)
@pass_ctx
def import_cmd(
    app: AppContext,
    file: Path,
    out_dir: Path,
    learner: str | None,
    max_unpacked: str,
    with_progress: bool,
    keep_duplicates: bool,
) -> None:
    """Import an Anki package (.apkg/.colpkg) or Anki text/CSV/TSV file as YAML decks.

    All or nothing: the decks are written and checked beside OUT first and moved into
    place only when every one passes `quizapp decks check`."""
    from quizapp.interop.apkg_read import AnkiImportError
    from quizapp.interop.importer import import_file

    max_bytes = _parse_size(max_unpacked)
    protected = app.protected()

    with click.progressbar(length=1, label=f"Reading {file.name}", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            result = import_file(
                file,
                out_dir,
                progress=progress,
                max_bytes=max_bytes,
                protected=protected,
                keep_duplicates=keep_duplicates,
            )
        except AnkiImportError as e:
            raise click.ClickException(str(e)) from None
    click.echo(
        f"Imported {result.notes} note(s) as {result.cards} card(s) into "
        f"{len(result.decks)} deck(s) in {out_dir}:"
    )
    for path in result.decks:
        click.echo(f"  {path}")
    if result.media:
        click.echo(f"  {len(result.media)} media file(s) in {out_dir / 'media'}")
    for line in result.skipped[:20]:
        click.echo(f"  skipped {line}", err=True)
    if len(result.skipped) > 20:
        click.echo(f"  … and {len(result.skipped) - 20} more skipped", err=True)
    for line in result.warnings:
        click.echo(f"  warning: {line}", err=True)
    if with_progress:
        from quizapp.interop.progress_import import import_progress
        from quizapp.store.learners import ensure_learner
        from quizapp.store.sync import sync_paths

        db = app.db()
        report = sync_paths(db, [out_dir])
        for p in report.problems:
            click.echo(f"  {p}", err=True)
        who = ensure_learner(db, learner)
        done = import_progress(db, who, result.revlog, result.schedule)
        click.echo(
            f"Progress for {who.name}: {done.reviews_added} review(s) added "
            f"({done.reviews_skipped} already present, {done.items_missing} of skipped "
            f"notes), {done.items_updated} card(s) scheduled, {done.suspended} suspended; "
            f"{done.anki_state} card(s) took Anki's FSRS state, {done.replayed} replayed."
        )
    click.echo(f"Study them with: quizapp --decks {out_dir}")


@cli.command("export")
@click.option("--anki", "deck_id", required=True, help="Id of the deck to export.")
@click.option(
    "-o",
    "--out",
    "out_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The .apkg file to write.",
)
@click.option(
    "--with-progress",
    is_flag=True,
    help="Write the learner's schedule (due dates, FSRS states) and reviews (needs --learner).",
)
@click.option("--learner", default=None, help="Learner whose progress to export.")
@pass_ctx
def export_cmd(
    app: AppContext, deck_id: str, out_file: Path, with_progress: bool, learner: str | None
) -> None:
    """Export a deck as an Anki package (.apkg); re-exporting updates the same notes."""
    from quizapp.decks.check import check_paths
    from quizapp.interop.apkg_write import export_apkg
    from quizapp.interop.notetype_file import NOTETYPES_FILE, read_notetypes
    from quizapp.outputs import check_target

    if with_progress and not learner:
        raise click.ClickException("--with-progress needs --learner NAME (whose progress)")
    if learner and not with_progress:
        raise click.ClickException(
            "--learner is only used with --with-progress; add it to export their progress"
        )
    protected = app.protected()
    check_target(out_file, protected)  # refused before the work, not after it
    progress = None
    who = None
    if learner:
        from quizapp.store.learners import get_learner

        who = get_learner(app.db(), learner)
        if who is None:
            raise click.ClickException(
                f"no learner named {learner!r} (see `quizapp learners list`)"
            )
    decks, _problems = check_paths(app.deck_dirs())
    found = [d for d in decks if d.id == deck_id]
    if not found:
        known = ", ".join(sorted(d.id for d in decks)) or "none"
        raise click.ClickException(f"no valid deck with id {deck_id!r} (decks: {known})")
    deck = found[0]
    if who is not None:
        from quizapp.interop.progress_export import deck_progress

        progress = deck_progress(app.db(), who, deck.id)
    media = deck.path.parent / "media" if deck.path else None
    export_apkg(
        deck,
        out_file,
        include_media_dir=media if media and media.is_dir() else None,
        protected={**protected, **app.protected(decks)},
        notetypes=read_notetypes(deck.path.parent / NOTETYPES_FILE) if deck.path else {},
        progress=progress,
    )
    kinds = len(deck.cards)
    click.echo(f"Exported {deck.id} ({kinds} card(s)) to {out_file}.")
    if progress is not None:
        click.echo(
            f"Progress of {progress.learner}: {progress.written_cards} card(s) scheduled, "
            f"{progress.written_reviews} review(s) in the revlog."
        )


_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def _parse_size(text: str) -> int:
    """`2G`, `500M`, `1048576` → bytes (click.BadParameter otherwise)."""
    raw = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = raw[-1:] if raw[-1:] in _UNITS else ""
    number = raw[: len(raw) - len(unit)]
    try:
        value = int(float(number) * _UNITS[unit])
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a size: use bytes, or a number with K, M or G",
            param_hint="--max-unpacked",
        ) from None
    if value <= 0:
        raise click.BadParameter("the size must be positive", param_hint="--max-unpacked")
    return value
