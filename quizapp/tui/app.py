"""The quizapp Textual app: built by `make_app` from a store, deck folders and a clock.

The app owns the shared state every screen reads (database, learner, clock, visible
decks) and runs the start-up deck sync in a thread worker.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from quizapp.clock import Clock, system_clock
from quizapp.store.db import Database, StoreError, wal_path
from quizapp.store.learners import (
    Learner,
    default_learner_name,
    ensure_learner,
    get_learner_by_id,
    list_learners,
    update_settings,
)
from quizapp.store.queries.home import second_connection

if TYPE_CHECKING:  # (the sync and deck modules load in the sync worker, off the UI thread)
    from quizapp.decks.errors import Problem
    from quizapp.store.sync import SyncReport

DEFAULT_THEME = "textual-dark"


class SyncProgress(Message):
    """Posted from the sync worker: file `done` of `total` is being read."""

    def __init__(self, done: int, total: int, name: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.name = name


class SyncFinished(Message):
    """Posted from the sync worker when the deck folders are in the store."""

    def __init__(self, report: SyncReport | None, error: str = "") -> None:
        super().__init__()
        self.report = report
        self.error = error


@dataclass(slots=True)
class SyncStatus:
    running: bool = False
    done: int = 0
    total: int = 0
    name: str = ""
    problems: tuple[Problem, ...] = ()
    error: str = ""


class QuizApp(App[None]):
    """Study, browse and manage decks in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "quizapp"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Help"),
    ]
    # The footer keeps "? Help" on every screen (the keys that do not fit are there);
    # screens without a rank of their own for these actions get these.
    FOOTER_RANK: ClassVar[dict[str, int]] = {"help": 0, "app.help": 0, "quit": 70}

    def __init__(
        self,
        *,
        db: Database,
        deck_dirs: list[Path],
        clock: Clock = system_clock,
        learner_name: str | None = None,
        tz: tzinfo | None = None,
        fuzz: bool = True,
        sync_on_start: bool = True,
        start: str | None = None,
    ) -> None:
        super().__init__()
        self.start = start
        self.db = db
        self.deck_dirs = list(deck_dirs)
        self.clock = clock
        self.tz = tz
        self.fuzz = fuzz
        self.sync_on_start = sync_on_start
        self.learner: Learner = self._pick_learner(learner_name)
        self.visible_decks: list[str] | None = None  # None: every active deck
        self.deck_version = 0  # +1 each time a sync changed some deck
        self.tags_cache: tuple[tuple[tuple[str, ...], int], list[tuple[str, int]]] | None = None
        self.sync_status = SyncStatus()
        self.apply_theme(self.learner.theme)

    # -- learners ----------------------------------------------------------------------

    def _pick_learner(self, name: str | None) -> Learner:
        if name:
            return ensure_learner(self.db, name)
        learners = list_learners(self.db)
        if not learners:
            return ensure_learner(self.db, None)
        default = default_learner_name().casefold()
        return max(
            learners,
            key=lambda lr: (
                float(lr.settings.get("last_used", 0) or 0),
                lr.name.casefold() == default,
            ),
        )

    def switch_learner(self, learner: Learner) -> None:
        try:
            self.learner = update_settings(self.db, learner.id, last_used=time.time())
        except StoreError:
            self.learner = learner
        self.apply_theme(self.learner.theme)
        self.refresh_home()

    def reload_learner(self) -> None:
        self.learner = get_learner_by_id(self.db, self.learner.id)

    @property
    def current_theme(self) -> Theme:
        """`App.current_theme`, without copying the table of themes: Textual reads it
        (through `ansi_theme`) for every line it renders, and `App.get_theme` builds a
        copy of all registered themes and splits the name each time."""
        theme = self._registered_themes.get(self.theme)
        return theme if theme is not None else super().current_theme

    def apply_theme(self, name: str) -> None:
        theme = name if name in self.available_themes else DEFAULT_THEME
        if self.theme != theme:
            self.theme = theme

    # -- start-up ----------------------------------------------------------------------

    async def on_mount(self) -> None:
        from quizapp.tui.screens.home import HomeScreen

        # Nothing changed (the usual start): known at once from the files' size and
        # mtime, with no worker — so home reads its figures without waiting. A file
        # changed: the sync runs on a worker and home waits a moment for it.
        if self.sync_on_start and not self._sync_if_unchanged():
            self.start_sync()
        await self.push_screen(HomeScreen())
        if self.start in START_SCREENS:
            await self.push_screen(START_SCREENS[self.start]())

    def _sync_if_unchanged(self) -> bool:
        from quizapp.store.sync import sync_if_unchanged

        try:
            report = sync_if_unchanged(self.db, self.deck_dirs)
        except Exception:  # the worker's sync will meet it again and show it
            return False
        if report is None:
            return False
        self.on_sync_finished(SyncFinished(report))
        return True

    def start_sync(self) -> None:
        if self.sync_status.running:
            return
        _preload_native_modules()
        self.sync_status = SyncStatus(running=True)
        self.refresh_home(counts=False)  # the sync panel; the counts follow its end
        self.sync_decks()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def sync_decks(self) -> None:
        """Sync deck files into the store on a second connection (never blocks the UI)."""
        from quizapp.store.sync import sync_paths

        path = self.db_path()
        db = second_connection(path) if path else self.db
        last = 0.0

        def progress(done: int, total: int, name: str) -> None:
            nonlocal last
            now = time.monotonic()
            if done in (0, total) or now - last > 0.05:
                last = now
                self.post_message(SyncProgress(done, total, Path(name).name if name else ""))

        try:
            report = sync_paths(db, self.deck_dirs, progress)
        except Exception as e:  # shown to the user, never a traceback
            self.post_message(SyncFinished(None, f"{type(e).__name__}: {e}"))
        else:
            self.post_message(SyncFinished(report))
        finally:
            if db is not self.db:
                db.conn.close()

    @contextlib.contextmanager
    def worker_db(self) -> Iterator[Database]:
        """A connection of its own for a thread worker (the app's one stays with the UI)."""
        from quizapp.store import open_database

        path = self.db_path()
        db = open_database(path) if path else self.db
        try:
            yield db
        finally:
            if db is not self.db:
                db.conn.close()

    def db_path(self) -> Path | None:
        """The database file (None for an in-memory store)."""
        path = wal_path(self.db.conn)
        return Path(path) if path else None

    @contextlib.contextmanager
    def read_db(self) -> Iterator[Database]:
        """A connection of its own for a thread worker that only reads (the store was
        opened, checked and migrated by the app's connection; this one skips that)."""
        path = self.db_path()
        if path is None:
            yield self.db
            return
        db = second_connection(path)
        try:
            yield db
        finally:
            db.conn.close()

    def on_sync_progress(self, message: SyncProgress) -> None:
        s = self.sync_status
        s.done, s.total, s.name = message.done, message.total, message.name
        self.refresh_home(counts=False)

    def on_sync_finished(self, message: SyncFinished) -> None:
        status = SyncStatus(running=False)
        report = message.report
        changed = report is not None and bool(
            report.parsed or report.added or report.updated or report.deactivated
        )
        if changed:
            self.deck_version += 1
        if report is not None:
            self.visible_decks = list(report.deck_ids)
            status.problems = tuple(report.problems)
            if status.problems:
                self.notify(
                    f"{len(status.problems)} problem(s) in deck files; those decks were "
                    "skipped (see the home screen, or run `quizapp decks check`).",
                    title="Deck problems",
                    severity="warning",
                    markup=False,
                )
        else:
            status.error = message.error
            self.notify(message.error, title="Deck sync failed", severity="error", markup=False)
        self.sync_status = status
        from quizapp.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.ready:
                screen.after_sync(changed)

    def refresh_home(self, *, counts: bool = True) -> None:
        from quizapp.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen) and screen.ready:
                screen.refresh_data(counts=counts)

    # -- toasts ---------------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast with its title on its message's line: it fits the three rows at the
        top right (header, status line and the empty row above the question, see
        app.tcss), so it never covers the question or the grade keys."""
        if title:
            message = f"{title}: {message}"
        super().notify(message, severity=severity, timeout=timeout, markup=markup)

    def on_notify(self, event: Notify) -> None:
        """One toast at a time: the newest replaces the others (runs before Textual's
        own handler adds it)."""
        self._notifications.clear()

    # -- actions available everywhere -------------------------------------------------------

    def action_help(self) -> None:
        from quizapp.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in _screen_bindings(screen):
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            if not screen.check_action(binding.action.split("(")[0], ()):
                continue
            yield SystemCommand(
                binding.description,
                binding.tooltip or f"{binding.description} (key: {binding.key})",
                partial(self.call_later, self.run_action, binding.action, screen),
            )
        if not isinstance(screen, _help_cls()):
            yield SystemCommand("Keys", "Every key of every screen", self.action_help)


def _preload_native_modules() -> None:
    """Import the deck loader's native YAML parser on the main thread.

    yaml-rs 0.1.6 crashes the process (segfault) when it is first imported in a thread
    that then exits and is later called from another thread, which is exactly what
    successive sync workers do. Importing it here, once, on the main thread avoids that.
    """
    with contextlib.suppress(ImportError):
        importlib.import_module("yaml_rs")


def _help_cls() -> type[Screen]:
    from quizapp.tui.screens.help import HelpScreen

    return HelpScreen


def _screen_bindings(screen: Screen) -> list[Binding]:
    """The screen's own bindings (also those a focused Input hides from the footer)."""
    return [b for bs in screen._bindings.key_to_bindings.values() for b in bs]


def _build_block_screen() -> Screen:
    from quizapp.tui.screens.quiz_build import BuildBlockScreen

    return BuildBlockScreen()


def _stats_screen() -> Screen:
    from quizapp.tui.screens.stats import StatsScreen

    return StatsScreen()


# `start=`: a screen to open over home at start-up (e.g. `quizapp quiz` → "quiz").
START_SCREENS = {"quiz": _build_block_screen, "stats": _stats_screen}


def make_app(
    *,
    db: Database,
    deck_dirs: list[Path],
    clock: Clock = system_clock,
    learner_name: str | None = None,
    tz: tzinfo | None = None,
    fuzz: bool = True,
    sync_on_start: bool = True,
    start: str | None = None,
) -> QuizApp:
    """Build the app; tests pass a temporary store, deck folder and a fixed clock.
    `start` ("quiz" or "stats") opens that screen over home at start-up."""
    return QuizApp(
        db=db,
        deck_dirs=deck_dirs,
        clock=clock,
        learner_name=learner_name,
        tz=tz,
        fuzz=fuzz,
        sync_on_start=sync_on_start,
        start=start,
    )


def run_app(
    db: Database,
    deck_dirs: list[Path],
    learner_name: str | None = None,
    start: str | None = None,
) -> None:
    """Open the app in the terminal (what bare `quizapp` does; `quizapp quiz` may pass
    start="quiz")."""
    from quizapp.tui.widgets.card_image import prepare

    prepare()  # textual-image asks the terminal for graphics support before Textual starts
    # (or has asked, on the thread `prepare_images_ahead` started: this waits for it)
    make_app(db=db, deck_dirs=deck_dirs, learner_name=learner_name, start=start).run()


def prepare_images_ahead() -> None:
    """Start asking the terminal for its graphics on a thread (`card_image.prepare_ahead`)
    while the caller opens the store; `run_app` waits for the answer."""
    from quizapp.tui.widgets.card_image import prepare_ahead

    prepare_ahead()


def images_ready() -> None:
    """Wait for the terminal's answer asked for by `prepare_images_ahead` (if any)."""
    from quizapp.tui.widgets.card_image import prepare

    prepare()


def run_review(path: Path) -> None:
    """Open the review screen on a deck's draft cards (`quizapp decks review DECK`)."""
    from quizapp.tui.screens.review import ReviewApp

    ReviewApp(path).run()
