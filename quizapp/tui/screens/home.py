"""Home: the decks with their counts, deck/tag choice, today's totals and streak.

The decks are listed at once, with "…" for every figure until a worker has read them on
a connection of its own (`home_data.load_home`); the first read waits for the start-up
sync (briefly), a covered home reads again when it shows, and the tag filter's choices
are read when it is first used, then kept until a sync changes a deck.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, ProgressBar, Select, Static

from quizapp.store.queries.decks import DeckCount
from quizapp.store.queries.home import DeckTitle, deck_list
from quizapp.tui.home_data import HomeData, load_home, load_tags
from quizapp.tui.safe import cell, lit, part
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.store.learners import Learner
    from quizapp.tui.app import QuizApp

LOADING = "…"  # shown for a figure still being read
SYNC_WAIT = 0.5  # s the first figures wait for the start-up sync at most
FIRST_FILL_WAIT = 0.1  # s the deck table waits for the first figures before showing "…"


class HomeLoaded(Message):
    """Posted by the home screen's loader: the data for request `generation`."""

    def __init__(self, generation: int, data: HomeData | None, error: str = "") -> None:
        super().__init__()
        self.generation = generation
        self.data = data
        self.error = error


class TagsLoaded(Message):
    """Posted by the home screen's tag reader: the tags of decks `key[0]` (None: failed)."""

    def __init__(self, key: TagsKey, tags: list[tuple[str, int]] | None) -> None:
        super().__init__()
        self.key = key
        self.tags = tags


class LoadDone(Message):
    """Posted by the home screen's loader when it has finished."""


TagsKey = tuple[tuple[str, ...], int]  # (deck ids, QuizApp.deck_version)


class DeckTable(DataTable[Text]):
    """The deck list; Space toggles a deck's selection."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle_deck", "Select")]

    def action_toggle_deck(self) -> None:
        home = self.screen
        if isinstance(home, HomeScreen):
            home.toggle_highlighted()


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#decks"  # (the default, the first focusable widget, is the tag filter)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "study", "Study", priority=True),
        Binding("s", "study", "Study", show=False),
        Binding("q", "quiz", "Quiz"),
        Binding("t", "stats", "Stats"),
        Binding("b", "browse", "Browse"),
        Binding("l", "learners", "Learner"),
        Binding("o", "settings", "Settings"),
        Binding("m", "more", "More"),
        Binding("r", "refresh", "Sync"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected: set[str] = set()
        self.rows: list[DeckCount | DeckTitle] = []  # DeckTitle: counts still loading
        self.tag: str | None = None
        self.ready = False
        self.generation = 0  # of the latest data request
        self.loaded = 0  # generation of the data shown (== generation: nothing pending)
        self._loading = False  # a loader is running
        self._tags_shown: TagsKey | None = None  # the tags in the tag filter
        self._covered: set[str] | None = None  # the decks of the latest request
        self._counted: tuple[str, ...] | None = None  # the decks of the figures shown
        self._tags_wanted = False  # the tag filter has been used: keep its choices current
        self._tags_reading: TagsKey | None = None
        self._resumed = False

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            with Horizontal(id="home-top"):
                yield Static(id="today")
                yield Select[str]([], prompt="All tags", id="tag-filter", allow_blank=True)
            with Horizontal(id="sync-panel"):
                yield Static("Syncing decks…", id="sync-label")
                yield ProgressBar(id="sync-bar", show_eta=False)
            yield DeckTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="scope")
            yield Static(id="problems", markup=False)
        yield QuizFooter()

    def on_mount(self) -> None:
        table = self.query_one(DeckTable)
        table.add_column(Text("✓"), key="sel", width=1)
        # Fixed widths so the table fits the terminal (no horizontal scrolling).
        rest = max(30, self.app.size.width - 1 - 4 * 6 - 7 * 2 - 4)
        tags_width = min(24, rest // 3)
        table.add_column(Text("Deck"), key="title", width=rest - tags_width)
        for key, label in (
            ("due", "Due"),
            ("learning", "Learn"),
            ("new", "New"),
            ("total", "Total"),
        ):
            table.add_column(Text(label, justify="right"), key=key, width=6)
        table.add_column(Text("Tags"), key="tags", width=tags_width)
        table.focus()
        self.ready = True
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self._resumed:  # the first resume comes with the mount, which loaded already
            self.refresh_data()
        self._resumed = True

    # -- data ----------------------------------------------------------------------------

    def refresh_data(self, *, counts: bool = True) -> None:
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        status = app.sync_status
        panel = self.query_one("#sync-panel")
        panel.display = status.running
        if status.running:
            bar = self.query_one("#sync-bar", ProgressBar)
            if status.total:
                bar.update(total=status.total, progress=status.done)
            self.query_one("#sync-label", Static).update(
                lit(f"Syncing decks… {status.name}" if status.name else "Syncing decks…")
            )
        problems = self.query_one("#problems", Static)
        lines = [str(p) for p in status.problems[:8]]
        if len(status.problems) > 8:
            lines.append(f"… and {len(status.problems) - 8} more (quizapp decks check)")
        if status.error:
            lines.insert(0, f"Deck sync failed: {status.error}")
        problems.display = bool(lines)
        problems.update(
            lit("Deck problems (these decks were skipped):\n" + "\n".join(lines)) if lines else ""
        )
        # Under another screen, the counts wait: it reloads them when it shows again.
        if counts and (self.is_current or not self._resumed):
            self._load_counts()
        elif self.ready:
            self._show_no_decks()

    @property
    def shows_decks(self) -> bool:
        """The deck table has its rows (with their figures, or "…" while they load)."""
        return self.ready and bool(self.query_one(DeckTable).row_count)

    @property
    def figures_loading(self) -> bool:
        """True until the figures of the latest request are on screen."""
        return self.loaded != self.generation

    @property
    def busy(self) -> bool:
        """True while figures are being read (or wait to be: the screen is covered)."""
        return self._loading or (self.figures_loading and self.is_current)

    def after_sync(self, changed: bool) -> None:
        """The deck sync ended; `changed`: it changed some deck. The figures are read
        again only if they could differ from those shown or being read."""
        again = changed or self._covered != self._deck_set()
        self.refresh_data(counts=again)
        if not again:
            self._load_pending()  # the first figures waited for the sync

    def _deck_set(self) -> set[str]:
        """The decks the home screen counts now (before the tag filter)."""
        decks = self.quiz.visible_decks
        if decks is None:
            return {d.deck_id for d in deck_list(self.quiz.db, None)}
        return set(decks)

    def _load_counts(self) -> None:
        """Show the decks now and their figures once read (see `_load`)."""
        app = self.quiz
        self.generation += 1
        self._covered = self._deck_set()
        if not self.rows:  # first show: the deck names, then their counts
            self.rows = list(deck_list(app.db, app.visible_decks))
            # The figures usually come within a frame or two: the table is filled and
            # drawn once, with them (no "…" flash, no second render of every cell),
            # unless they take longer than FIRST_FILL_WAIT (then "…" first).
            self.set_timer(FIRST_FILL_WAIT, self._show_loading_if_waiting)
        elif any(isinstance(r, DeckCount) for r in self.rows):
            self.rows = [DeckTitle(r.deck_id, r.title, r.tags) for r in self.rows]
            self._show_loading()
        # else: "…" is on screen already (a table refill re-renders every cell)
        if self._loading:
            return  # it reads again when done (on_load_done)
        if app.sync_status.running and not self.loaded:
            # The first figures wait for the start-up sync, which may change the decks
            # (usually done in a few ms; never more than SYNC_WAIT): one read, not two.
            self.set_timer(SYNC_WAIT, self._load_pending)
            return
        self._start_load()

    def _load_pending(self) -> None:
        """Read the figures asked for, unless read or being read (and the screen shows)."""
        if self.figures_loading and not self._loading and self.is_current:
            self._start_load()

    def _show_loading_if_waiting(self) -> None:
        if not self.loaded and not self.query_one(DeckTable).row_count:
            self._show_loading()

    def _show_loading(self) -> None:
        self._fill_table()
        self._show_today(None)
        self._update_scope()

    def _start_load(self) -> None:
        app = self.quiz
        args = (self.generation, app.learner, app.visible_decks, self.tag, app.clock(), app.tz)
        if app.db_path():
            self._loading = True
            self._load(*args)
        else:  # an in-memory store has no second connection: read it here
            self.on_home_loaded(HomeLoaded(self.generation, load_home(app.db, *args[1:])))

    @work(thread=True, group="home", exit_on_error=False)
    def _load(
        self,
        generation: int,
        learner: Learner,
        decks: list[str] | None,
        tag: str | None,
        now: datetime,
        tz: tzinfo | None,
    ) -> None:
        """Read the home screen's figures on a connection of this thread's own."""
        try:
            with self.quiz.read_db() as db:
                data = load_home(db, learner, decks, tag, now, tz)
            self.post_message(HomeLoaded(generation, data))
        except Exception as e:  # shown to the user, never a traceback
            self.post_message(HomeLoaded(generation, None, f"{type(e).__name__}: {e}"))
        finally:
            self.post_message(LoadDone())

    def on_home_loaded(self, message: HomeLoaded) -> None:
        if message.data is not None and message.generation != self.generation:
            return  # asked again meanwhile (see on_load_done)
        if message.data is None:
            self.notify(
                message.error, title="Cannot read the decks", severity="error", markup=False
            )
            return
        data = message.data
        self._counted = data.deck_ids
        self.rows = list(data.rows)
        self.selected &= {r.deck_id for r in self.rows}
        self.loaded = message.generation
        self._fill_table()
        self._show_today(data)
        self._update_scope()
        self._want_tags()

    # -- the tag filter's choices: read when it is first used, kept until the decks change --

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.id == "tag-filter" and not self._tags_wanted:
            self._tags_wanted = True
            self._want_tags()

    def _want_tags(self) -> None:
        """Show the tags of the decks counted (read them first unless known)."""
        if not self._tags_wanted or self._counted is None:
            return
        app = self.quiz
        key: TagsKey = (self._counted, app.deck_version)
        if app.tags_cache is not None and app.tags_cache[0] == key:
            self._fill_tags(app.tags_cache)
        elif key != self._tags_reading:
            self._tags_reading = key
            if app.db_path():
                self._read_tags(key)
            else:
                self.on_tags_loaded(TagsLoaded(key, load_tags(app.db, key[0])))

    @work(thread=True, group="home-tags", exit_on_error=False)
    def _read_tags(self, key: TagsKey) -> None:
        try:
            with self.quiz.read_db() as db:
                tags = load_tags(db, key[0])
        except Exception as e:  # the filter keeps its old choices; say why
            self.post_message(HomeLoaded(-1, None, f"{type(e).__name__}: {e}"))
            tags = None
        self.post_message(TagsLoaded(key, tags))

    def on_tags_loaded(self, message: TagsLoaded) -> None:
        if message.key == self._tags_reading:
            self._tags_reading = None
        if message.tags is None:
            return
        self.quiz.tags_cache = (message.key, message.tags)
        self._want_tags()

    def on_load_done(self, _message: LoadDone) -> None:
        self._loading = False
        self._load_pending()  # asked again while it ran: read again (unless covered)

    def _show_today(self, data: HomeData | None) -> None:
        if data is None:
            self.query_one("#today", Static).update(
                Content.assemble(
                    ("Today ", "bold"),
                    f"{LOADING} answered  ·  ",
                    ("Streak ", "bold"),
                    LOADING,
                    "\n",
                    ("Waiting ", "bold"),
                    LOADING,
                )
            )
            return
        t = data.today
        due = sum(r.due + r.learning for r in data.rows)
        new = sum(r.new for r in data.rows)
        streak = f"{t.streak} day{'s' if t.streak != 1 else ''}"
        self.query_one("#today", Static).update(
            Content.assemble(
                ("Today ", "bold"),
                f"{t.reviews} answered ({t.new} new)  ·  ",
                ("Streak ", "bold"),
                streak,
                "\n",
                ("Waiting ", "bold"),
                f"{due} due, {new} new",
                self._backlog_text(data),
            )
        )

    def _backlog_text(self, data: HomeData) -> str | tuple[str, str]:
        """`  ·  Backlog: about N days at R reviews/day` when the reviews waiting need 2+
        days at the learner's daily limit."""
        if data.backlog is None:
            return ""
        days, per_day = data.backlog
        return (f"  ·  Backlog: about {days} days at {per_day} reviews/day", "bold $text-warning")

    def _fill_tags(self, cache: tuple[TagsKey, list[tuple[str, int]]]) -> None:
        key, tags = cache
        if key == self._tags_shown:
            return
        self._tags_shown = key
        select = self.query_one("#tag-filter", Select)
        options = [(cell(f"{tag} ({n})"), tag) for tag, n in tags[:200]]
        current = self.tag
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current and any(v == current for _, v in options):
                select.value = current
            else:
                self.tag = None
        if current and self.tag is None:  # the tag went away: show every deck again
            self.refresh_data()

    def _fill_table(self) -> None:
        table = self.query_one(DeckTable)
        cursor_key = None
        if table.row_count and table.cursor_row < table.row_count:
            cursor_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        table.clear()
        for r in self.rows:
            if isinstance(r, DeckCount):
                counts = [
                    Text(str(r.due), justify="right", style="bold" if r.due else "dim"),
                    Text(str(r.learning), justify="right", style="bold" if r.learning else "dim"),
                    Text(str(r.new), justify="right", style="bold" if r.new else "dim")
                    if not r.limit_reached
                    else Text(f"{r.new}*", justify="right", style="bold $text-warning"),
                    Text(str(r.total), justify="right"),
                ]
            else:
                counts = [Text(LOADING, justify="right", style="dim") for _ in range(4)]
            table.add_row(
                cell("✓" if r.deck_id in self.selected else " ", "bold"),
                self._title_cell(r),
                *counts,
                cell(" ".join(r.tags), "italic"),
                key=r.deck_id,
            )
        if cursor_key is not None:
            with suppress(Exception):  # the deck went away
                table.move_cursor(row=table.get_row_index(cursor_key))
        self._show_no_decks()

    @staticmethod
    def _title_cell(r: DeckCount | DeckTitle) -> Text:
        """The deck's title, and its drafts waiting for review (`quizapp decks review`):
        they are not studied, so they are in no count."""
        title = cell(r.title)
        drafts = r.drafts if isinstance(r, DeckCount) else 0
        if drafts:
            title.append(f"  ({drafts} draft{'s' if drafts != 1 else ''} to review)", "dim italic")
        return title

    def _show_no_decks(self) -> None:
        self.query_one("#problems").display = bool(
            self.quiz.sync_status.problems or self.quiz.sync_status.error
        )
        if not self.rows and not self.quiz.sync_status.running and not self.figures_loading:
            self.query_one("#scope", Static).update(
                lit(
                    "No decks found. Add deck folders with `quizapp --decks FOLDER` or "
                    "QUIZAPP_DECKS, then press r."
                )
            )

    # -- choosing what to study ---------------------------------------------------------------

    def highlighted_deck(self) -> str | None:
        table = self.query_one(DeckTable)
        if not table.row_count:  # the decks are known, the table not filled yet: the first
            return self.rows[0].deck_id if self.rows else None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def toggle_highlighted(self) -> None:
        deck = self.highlighted_deck()
        if deck is None:
            return
        self.selected ^= {deck}
        table = self.query_one(DeckTable)
        table.update_cell(deck, "sel", cell("✓" if deck in self.selected else " ", "bold"))
        self._update_scope()

    def scope(self) -> tuple[list[str], tuple[str, ...]]:
        """(deck ids, tags) the next session draws from."""
        tags = (self.tag,) if self.tag else ()
        if self.selected:
            decks = [r.deck_id for r in self.rows if r.deck_id in self.selected]
        elif self.tag:
            decks = [r.deck_id for r in self.rows]
        else:
            h = self.highlighted_deck()
            decks = [h] if h else []
        return decks, tags

    def _update_scope(self) -> None:
        if not self.rows:
            return
        decks, tags = self.scope()
        titles = {r.deck_id: r.title for r in self.rows}
        names = ", ".join(titles.get(d, d) for d in decks) or "—"
        pieces: list[str | tuple[str, str]] = [("Study: ", "bold"), part(names)]
        if tags:
            pieces += [" · only cards tagged ", part(tags[0], "italic")]
        pieces.append(("   (Space selects decks, Enter studies)", "dim"))
        if any(isinstance(r, DeckCount) and r.limit_reached for r in self.rows):
            pieces.append(
                ("\n* new-card limit reached today: m studies more, o sets the limits", "dim")
            )
        self.query_one("#scope", Static).update(Content.assemble(*pieces))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._update_scope()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_study()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.tag = event.value if isinstance(event.value, str) else None
        self._load_counts()
        self.query_one(DeckTable).focus()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter opens the tag list when the tag filter has focus.
        return not (action == "study" and isinstance(self.focused, Select))

    def action_study(self) -> None:
        from quizapp.study.session import session_for
        from quizapp.tui.screens.study import StudyScreen

        decks, tags = self.scope()
        if not decks:
            self.notify("No deck to study: add a deck folder first.", severity="warning")
            return
        app = self.quiz
        session = session_for(
            app.db, app.learner, decks, tags, clock=app.clock, tz=app.tz, fuzz=app.fuzz
        )
        if session.next_item() is None:
            later = session.learning_later_today()
            msg = "Nothing due in this choice right now."
            if later is not None:
                from quizapp.scheduling.scheduler import format_interval

                msg += f" Learning cards come back in {format_interval(later - app.clock())}."
            note = session.limit_note()
            if note is not None:
                msg += (
                    f" {note.text()[0].upper()}{note.text()[1:]} — m studies more, or "
                    "raise it in settings (o)."
                )
            self.notify(msg, title="All done", markup=False)
            return
        app.push_screen(StudyScreen(session))

    def action_more(self) -> None:
        from quizapp.store.scope import Scope
        from quizapp.study.session import session_for
        from quizapp.tui.screens.study_more import StudyMoreScreen, start_more

        decks, tags = self.scope()
        if not decks:
            self.notify("No deck to study: add a deck folder first.", severity="warning")
            return
        app = self.quiz
        scope = Scope(tuple(decks), tags)
        note = session_for(
            app.db, app.learner, decks, tags, clock=app.clock, tz=app.tz
        ).limit_note()
        self.app.push_screen(
            StudyMoreScreen(scope, note.text() if note else ""),
            lambda choice: start_more(app, scope, choice),
        )

    def action_quiz(self) -> None:
        from quizapp.tui.screens.quiz_build import BuildBlockScreen

        decks = [r.deck_id for r in self.rows if r.deck_id in self.selected]
        self.app.push_screen(BuildBlockScreen(decks or None, self.tag))

    def action_stats(self) -> None:
        from quizapp.tui.screens.stats import StatsScreen

        decks = [r.deck_id for r in self.rows if r.deck_id in self.selected]
        self.app.push_screen(StatsScreen(decks or None))

    def action_browse(self) -> None:
        from quizapp.tui.screens.browse import BrowseScreen

        self.app.push_screen(BrowseScreen())

    def action_learners(self) -> None:
        from quizapp.tui.screens.learners import LearnerScreen

        self.app.push_screen(LearnerScreen())

    def action_settings(self) -> None:
        from quizapp.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_refresh(self) -> None:
        self.quiz.start_sync()
