"""The `quizapp` command line (click). Bare `quizapp` opens the TUI.

Errors the user can act on (bad decks, database problems) are printed as one clear
message with exit status 1 — never a traceback.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quizapp import __version__

if TYPE_CHECKING:
    from collections.abc import Iterable

    from quizapp.model import Deck
    from quizapp.store.db import Database
    from quizapp.store.sync import SyncReport


@dataclass
class AppContext:
    """What every command shares: the database path(s) and the deck folders."""

    db_paths: list[Path] = field(default_factory=list)
    extra_deck_dirs: list[Path] = field(default_factory=list)
    _db: Database | None = None

    @property
    def db_path(self) -> Path:
        from quizapp.paths import default_db_path

        return self.db_paths[0] if self.db_paths else default_db_path()

    def deck_dirs(self) -> list[Path]:
        from quizapp.decks.discovery import bundled_decks_dir
        from quizapp.paths import env_deck_dirs

        dirs = [bundled_decks_dir(), *env_deck_dirs(), *self.extra_deck_dirs]
        seen: set[Path] = set()
        out: list[Path] = []
        for d in dirs:
            key = d.resolve() if d.exists() else d
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out

    def check_ahead(self) -> None:
        """Start the database's integrity check on a thread, before a command's imports
        (see quizapp.store.integrity); `db()` then takes its verdict."""
        if self._db is None:
            from quizapp.store.integrity import check_ahead

            check_ahead(self.db_path)

    def db(self) -> Database:
        if self._db is None:
            from quizapp.store import open_database

            self._db = open_database(self.db_path)
        return self._db

    def protected(self, decks: Iterable[Deck] = ()) -> dict[Path, str]:
        """The files no output of a command may replace (`quizapp.store.protected`): every
        progress database named (or the default one) and its journals, the deck files and
        source files of the deck folders, and the source files of `decks`."""
        from quizapp.store.protected import protected_paths

        return protected_paths(self.db_paths or [self.db_path], self.deck_dirs(), decks)

    def sync(self, *, quiet: bool = False) -> SyncReport:
        """Bring deck files into the store; print deck problems (the rest still loads)."""
        from quizapp.store.sync import sync_paths

        report = sync_paths(self.db(), self.deck_dirs())
        if report.problems and not quiet:
            click.echo(
                f"{len(report.problems)} problem(s) in deck files (run `quizapp decks "
                "check` for details); those decks were skipped:",
                err=True,
            )
            for p in report.problems[:5]:
                click.echo(f"  {p}", err=True)
        return report


pass_ctx = click.make_pass_decorator(AppContext)


class QuizappGroup(click.Group):
    """Loads sub-commands lazily and turns known errors into clean messages."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        _load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _load_all_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as e:
            if _user_error(e):
                raise click.ClickException(str(e)) from None
            if isinstance(e, OSError):  # a file-system failure no command explained
                raise click.ClickException(_os_error(e)) from None
            raise


# Errors explained for the user (printed without a traceback): (module, class). Checked
# only once their module is loaded, so that a command not touching decks or the store
# does not import them (the deck package alone costs ~0.1 s).
USER_ERRORS = (
    ("quizapp.store.db", "StoreError"),
    ("quizapp.decks.errors", "DeckError"),
    ("quizapp.outputs", "OutputError"),
    ("quizapp.interop.apkg_read", "AnkiImportError"),
)


def _os_error(e: OSError) -> str:
    """One line for an OSError: what failed, on which file, and why."""
    where = f"{e.filename}: " if e.filename else ""
    reason = e.strerror or str(e) or type(e).__name__
    if e.errno in (28, 27):  # ENOSPC, EFBIG
        reason += " (the disk is full)"
    return f"{where}{reason}"


def _user_error(e: Exception) -> bool:
    for module, name in USER_ERRORS:
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None and isinstance(e, cls):
            return True
    return False


@click.group(cls=QuizappGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="quizapp")
@click.option(
    "--db",
    "db_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Progress database file (default: the user data dir, or $QUIZAPP_HOME).",
)
@click.option(
    "--decks",
    "deck_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra deck folder or file (repeatable; $QUIZAPP_DECKS adds more).",
)
@click.option("--learner", default=None, help="Learner to open the TUI as.")
@click.pass_context
def cli(
    ctx: click.Context, db_paths: tuple[Path, ...], deck_dirs: tuple[Path, ...], learner: str | None
) -> None:
    """quizapp — study medical question decks in the terminal.

    Bare `quizapp` opens the study app. `quizapp study --plain` studies line by line.
    """
    ctx.obj = AppContext(db_paths=list(db_paths), extra_deck_dirs=list(deck_dirs))
    if ctx.invoked_subcommand is None:
        _open_tui(ctx.obj, learner)


def _open_tui(app_ctx: AppContext, learner: str | None, start: str | None = None) -> None:
    """Open the Textual app (`start`: "quiz" or "stats" opens that screen over home)."""
    app_ctx.check_ahead()  # the integrity check runs while Textual loads
    try:
        from quizapp.tui.app import images_ready, prepare_images_ahead, run_app
    except ImportError:
        click.echo(
            "The study app is not available in this build; study line by line with:\n"
            "  quizapp study --plain"
        )
        return
    prepare_images_ahead()  # the terminal answers while the store opens
    try:
        db = app_ctx.db()
    finally:
        images_ready()  # never leave with the terminal in the middle of a question
    run_app(db=db, deck_dirs=app_ctx.deck_dirs(), learner_name=learner, start=start)


def main() -> None:
    try:
        cli(prog_name="quizapp")
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(130)


def color_enabled(stream: object = None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


# Sub-commands live in quizapp/cli/ (one module per command group) and register themselves
# on `cli` when their module is imported. They are imported lazily, only the one being run
# (importing every command module cost ~0.4 s of each start); --help and the listing import
# them all.
COMMAND_MODULES: dict[str, str] = {
    "advise": "optimize",
    "backup": "backup",
    "decks": "decks",
    "draft": "draft",
    "export": "interop",
    "import": "interop",
    "learners": "learners",
    "leeches": "optimize",
    "optimize": "optimize",
    "plan": "plan",
    "quiz": "quiz",
    "report": "report",
    "study": "study",
}


def _load_command(name: str) -> None:
    import importlib

    module = COMMAND_MODULES.get(name)
    if module is not None and name not in cli.commands:
        importlib.import_module(f"quizapp.cli.{module}")


def _load_all_commands() -> None:
    for name in COMMAND_MODULES:
        _load_command(name)
