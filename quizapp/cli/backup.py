"""`quizapp backup`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from quizapp.cli.main import AppContext, cli, pass_ctx


@cli.command("backup")
@click.argument("dest", required=False, type=click.Path(path_type=Path))
@pass_ctx
def backup_cmd(app: AppContext, dest: Path | None) -> None:
    """Copy the progress database safely, even while it is in use (SQLite online backup).

    DEST may not be the database itself (or a link to it), its journals, a deck or a
    source file."""
    from quizapp.store.db import backup

    db = app.db()
    if dest is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = app.db_path.with_name(f"{app.db_path.stem}-{stamp}.db")
    if dest.exists() and dest.is_dir():
        dest = dest / app.db_path.name
    backup(db.conn, dest, protected=app.protected())
    click.echo(f"Backed up {app.db_path} to {dest}.")
