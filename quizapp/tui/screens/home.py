"""Home: the decks with their counts, deck/tag choice, today's totals and streak."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, ProgressBar, Select, Static

from quizapp.store.queries import DeckCount, all_tags, deck_counts
from quizapp.tui.queries import decks_with_tag, today_totals
from quizapp.tui.safe import cell, lit, part
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

ALL_TAGS = "__all__"


class DeckTable(DataTable[Text]):
    """The deck list; Space toggles a deck's selection."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("space", "toggle", "Select")]

    def action_toggle(self) -> None:
        home = self.screen
        if isinstance(home, HomeScreen):
            home.toggle_highlighted()


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "study", "Study", priority=True),
        Binding("s", "study", "Study", show=False),
        Binding("q", "quiz", "Quiz"),
        Binding("t", "stats", "Stats"),
        Binding("b", "browse", "Browse"),
        Binding("l", "learners", "Learner"),
        Binding("o", "settings", "Settings"),
        Binding("r", "refresh", "Sync"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected: set[str] = set()
        self.rows: list[DeckCount] = []
        self.tag: str | None = None
        self.ready = False

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
        for key, label in (("due", "Due"), ("learning", "Learn"), ("new", "New"),
                           ("total", "Total")):
            table.add_column(Text(label, justify="right"), key=key, width=6)
        table.add_column(Text("Tags"), key="tags", width=tags_width)
        table.focus()
        self.ready = True
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

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
        problems.update(lit("Deck problems (these decks were skipped):\n" + "\n".join(lines))
                        if lines else "")
        if counts:
            self._load_counts()

    def _load_counts(self) -> None:
        app = self.quiz
        now = app.clock()
        rows = deck_counts(app.db, app.learner, app.visible_decks, now=now, tz=app.tz)
        self._fill_tags([r.deck_id for r in rows])
        if self.tag:
            tagged = decks_with_tag(app.db, self.tag)
            rows = [r for r in rows if r.deck_id in tagged]
        self.rows = rows
        self.selected &= {r.deck_id for r in rows}
        self._fill_table()
        t = today_totals(app.db, app.learner, now, app.tz)
        due = sum(r.due + r.learning for r in rows)
        new = sum(r.new for r in rows)
        streak = f"{t.streak} day{'s' if t.streak != 1 else ''}"
        self.query_one("#today", Static).update(
            Content.assemble(
                ("Today ", "bold"), f"{t.reviews} answered ({t.new} new)  ·  ",
                ("Streak ", "bold"), streak, "\n",
                ("Waiting ", "bold"), f"{due} due, {new} new", self._backlog_text(),
            )
        )
        self._update_scope()

    def _backlog_text(self) -> str | tuple[str, str]:
        """`  ·  Backlog: about N days at R reviews/day` when the reviews waiting need 2+
        days at the learner's daily limit."""
        from quizapp.personal.backlog import backlog
        from quizapp.study import Scope

        app = self.quiz
        decks = app.visible_decks
        b = backlog(app.db, app.learner, Scope(tuple(decks) if decks is not None else None),
                    app.clock(), app.tz)
        if b.days is None or b.days < 2:
            return ""
        return ("  ·  Backlog: about "
                f"{b.days} days at {b.per_day} reviews/day", "bold $text-warning")

    def _fill_tags(self, deck_ids: list[str]) -> None:
        select = self.query_one("#tag-filter", Select)
        tags = all_tags(self.quiz.db, deck_ids)
        options = [(cell(f"{tag} ({n})"), tag) for tag, n in tags[:200]]
        current = self.tag
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current and any(v == current for _, v in options):
                select.value = current
            else:
                self.tag = None

    def _fill_table(self) -> None:
        table = self.query_one(DeckTable)
        cursor_key = None
        if table.row_count and table.cursor_row < table.row_count:
            cursor_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        table.clear()
        for r in self.rows:
            table.add_row(
                cell("✓" if r.deck_id in self.selected else " ", "bold"),
                cell(r.title),
                Text(str(r.due), justify="right", style="bold" if r.due else "dim"),
                Text(str(r.learning), justify="right", style="bold" if r.learning else "dim"),
                Text(str(r.new), justify="right", style="bold" if r.new else "dim"),
                Text(str(r.total), justify="right"),
                cell(" ".join(r.tags), "italic"),
                key=r.deck_id,
            )
        if cursor_key is not None:
            with suppress(Exception):  # the deck went away
                table.move_cursor(row=table.get_row_index(cursor_key))
        self.query_one("#problems").display = bool(self.quiz.sync_status.problems
                                                    or self.quiz.sync_status.error)
        if not self.rows and not self.quiz.sync_status.running:
            self.query_one("#scope", Static).update(lit(
                "No decks found. Add deck folders with `quizapp --decks FOLDER` or "
                "QUIZAPP_DECKS, then press r."
            ))

    # -- choosing what to study ---------------------------------------------------------------

    def highlighted_deck(self) -> str | None:
        table = self.query_one(DeckTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

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
        from quizapp.study import session_for
        from quizapp.tui.screens.study import StudyScreen

        decks, tags = self.scope()
        if not decks:
            self.notify("No deck to study: add a deck folder first.", severity="warning")
            return
        app = self.quiz
        session = session_for(app.db, app.learner, decks, tags, clock=app.clock, tz=app.tz,
                              fuzz=app.fuzz)
        if session.next_item() is None:
            later = session.learning_later_today()
            msg = "Nothing due in this choice right now."
            if later is not None:
                from quizapp.scheduling import format_interval

                msg += f" Learning cards come back in {format_interval(later - app.clock())}."
            self.notify(msg, title="All done")
            return
        app.push_screen(StudyScreen(session))

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
