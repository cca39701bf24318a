"""Browse: search every card by text, deck, tag and state; a card's detail and history."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Select, Static

from quizapp.decks import cloze
from quizapp.model import RATING_LABELS, CardType, Rating
from quizapp.scheduling.scheduler import FsrsScheduler, format_interval
from quizapp.store import progress
from quizapp.store.items import load_item
from quizapp.store.queries.browse import (
    STATE_FILTERS,
    BrowseFilter,
    BrowseRow,
    browse,
    deck_titles,
    history,
    item_flags,
)
from quizapp.store.queries.decks import all_tags
from quizapp.study.grading import letters
from quizapp.tui.safe import cell, lit, part
from quizapp.tui.widgets.card_image import CardPicture, chosen_mode
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

STATE_NAMES: dict[int | None, str] = {None: "new", 1: "learning", 2: "review", 3: "relearning"}


def _state_label(row: BrowseRow) -> str:
    name = STATE_NAMES.get(row.state, "?")
    flags = [
        n
        for n, on in (("suspended", row.suspended), ("flagged", row.flagged), ("leech", row.leech))
        if on
    ]
    return ", ".join([name, *flags])


class BrowseScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("slash", "search", "Search"),
        Binding("enter", "open", "Card detail"),
    ]

    def __init__(self, state: str | None = None) -> None:
        """`state`: a state filter to start with (e.g. "leech")."""
        super().__init__()
        self.rows: list[BrowseRow] = []
        self.initial_state = state if state in STATE_FILTERS else None

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.quiz
        yield Header()
        yield Input(id="search", placeholder="Search card text (all words must match)")
        with Horizontal(id="browse-filters"):
            decks = deck_titles(app.db, app.visible_decks)
            yield Select[str]([(lit(t), d) for d, t in decks], prompt="All decks", id="f-deck")
            tags = all_tags(app.db, [d for d, _ in decks])
            yield Select[str](
                [(lit(f"{t} ({n})"), t) for t, n in tags[:300]], prompt="All tags", id="f-tag"
            )
            state = Select[str](
                [(lit(s), s) for s in STATE_FILTERS], prompt="Any state", id="f-state"
            )
            if self.initial_state:
                state.value = self.initial_state
            yield state
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static(id="browse-count")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = f"learner: {self.quiz.learner.name}"
        table = self.query_one("#results", DataTable)
        wide = self.app.size.width >= 110
        widths = {
            "deck": 16 if wide else 12,
            "card": 22 if wide else 18,
            "type": 5,
            "state": 13 if wide else 11,
            "due": 5,
        }
        for key, w in widths.items():
            table.add_column(Text(key.title()), key=key, width=w)
        fixed = sum(widths.values()) + 2 * (len(widths) + 1) + 4  # cell padding, margins
        table.add_column(Text("Text"), key="text", width=max(12, self.app.size.width - fixed))
        self.search()
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        self.search()

    def current_filter(self) -> BrowseFilter:
        def val(sel_id: str) -> str | None:
            v = self.query_one(sel_id, Select).value
            return v if isinstance(v, str) else None

        return BrowseFilter(
            text=self.query_one("#search", Input).value,
            deck_id=val("#f-deck"),
            tag=val("#f-tag"),
            state=val("#f-state"),
        )

    def search(self) -> None:
        app = self.quiz
        now = app.clock()
        rows, more = browse(
            app.db,
            app.learner.id,
            self.current_filter(),
            now=now,
            rollover_hour=app.learner.rollover_hour,
            tz=app.tz,
            deck_ids=app.visible_decks,
        )
        self.rows = rows
        table = self.query_one("#results", DataTable)
        table.clear()
        for r in rows:
            due = ""
            if r.due is not None:
                delta = r.due - now
                due = "now" if delta.total_seconds() <= 0 else format_interval(delta)
            key = r.card_id if not r.ord else f"{r.card_id}#c{r.ord}"
            text = r.text
            if r.type == CardType.CLOZE:
                with suppress(cloze.ClozeError):
                    text = cloze.render_question(text, r.ord)
            table.add_row(
                cell(r.deck_id),
                cell(key),
                cell(r.type),
                cell(_state_label(r)),
                cell(due),
                cell(" ".join(text.split())),
                key=str(r.card_pk),
            )
        n = f"{len(rows)}+ (first {len(rows)} shown; narrow the search)" if more else str(len(rows))
        self.query_one("#browse-count", Static).update(
            lit(f"{n} card(s). Enter opens a card; / searches; Esc goes back.")
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        table = self.query_one("#results", DataTable)
        if table.row_count:
            table.focus()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.search()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return isinstance(self.focused, DataTable)
        return True

    def action_open(self) -> None:
        table = self.query_one("#results", DataTable)
        if table.row_count:
            self._open(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    def _open(self, key: str | None) -> None:
        if key is not None:
            self.app.push_screen(CardDetailScreen(int(key)))

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_close(self) -> None:
        self.app.pop_screen()


class CardDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("s", "suspend", "Suspend/unsuspend"),
        Binding("f", "flag", "Flag/unflag"),
    ]

    def __init__(self, card_pk: int) -> None:
        super().__init__()
        self.card_pk = card_pk

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static(id="detail-card")
            yield CardPicture(chosen_mode(self.quiz.learner.settings.get("images")), id="picture")
            yield Static(id="detail-state")
            yield Static(Content.from_markup("[b]Review history[/b] (newest first)"))
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = f"learner: {self.quiz.learner.name}"
        table = self.query_one("#history", DataTable)
        for label in ("When", "Grade", "Result", "Interval", "Stability", "Difficulty", "Answer"):
            table.add_column(Text(label), key=label.lower())
        self.load()

    def load(self) -> None:
        app = self.quiz
        item = load_item(app.db, self.card_pk)
        if item is None:
            self.query_one("#detail-card", Static).update(lit("This card is gone."))
            return
        card = item.card
        parts: list[str | tuple[str, str] | Content] = [
            part(item.deck_title, "bold"),
            ("  ·  ", "dim"),
            card.type.value,
            ("  ·  ", "dim"),
            part(item.key, "dim"),
            "\n\n",
        ]
        if card.type == CardType.CLOZE:
            if card.prompt:
                parts += [part(card.prompt, "italic"), "\n"]
            for fragment, target in cloze.spans(card.text, item.ord):
                parts.append(part(fragment, "bold underline" if target else ""))
            parts.append("\n")
        else:
            parts += [part(card.prompt, "bold"), "\n"]
        if card.type in (CardType.BASIC, CardType.TYPED):
            parts += [("Answer: ", "bold"), part(card.answer), "\n"]
            if card.accept:
                parts += [("Also accepted: ", "bold"), part("; ".join(card.accept)), "\n"]
        if card.type == CardType.MCQ:
            for letter, ch in zip(letters(len(card.choices)), card.choices, strict=False):
                mark = ("✓ ", "bold $text-success") if ch.correct else ("✗ ", "$text-error")
                parts += [f"{letter}) ", mark, part(ch.text), "\n"]
                if ch.why:
                    parts += ["     ", part(ch.why, "dim"), "\n"]
        if card.explanation:
            parts += [("Why: ", "bold"), part(card.explanation), "\n"]
        if card.source and card.source.quote:
            parts += [("Source: ", "bold"), part(f"“{card.source.quote}” {card.source.ref}")]
            if item.source and item.source.title:
                parts += [" — ", part(item.source.title, "italic")]
            parts.append("\n")
        if card.tags:
            parts += [("Tags: ", "bold"), part(" ".join(card.tags)), "\n"]
        self.query_one("#detail-card", Static).update(Content.assemble(*parts))
        self.query_one("#picture", CardPicture).show(item)

        now = app.clock()
        lr = app.learner
        mem = progress.get_memory(app.db, lr.id, self.card_pk)
        sched = FsrsScheduler.for_learner(lr)
        recall = sched.retrievability(mem, now)
        suspended, flagged = item_flags(app.db, lr.id, self.card_pk)
        state = STATE_NAMES.get(mem.state, "?")
        due = "—"
        if mem.due is not None:
            delta = mem.due - now
            due = "now" if delta.total_seconds() <= 0 else f"in {format_interval(delta)}"
        info: list[tuple[str, str]] = [
            (
                "State",
                state + (" · suspended" if suspended else "") + (" · flagged" if flagged else ""),
            ),
            ("Due", due),
            ("Reviews", f"{mem.reps} ({mem.lapses} lapses)"),
            ("Stability", f"{mem.stability:.1f} days" if mem.stability is not None else "—"),
            ("Difficulty", f"{mem.difficulty:.2f} / 10" if mem.difficulty is not None else "—"),
            ("Recall now", f"{recall:.0%}" if recall is not None else "— (new)"),
        ]
        sp: list[str | tuple[str, str]] = ["\n"]
        for k, v in info:
            sp += [(k.ljust(12), "bold"), v, "\n"]
        self.query_one("#detail-state", Static).update(Content.assemble(*sp))

        table = self.query_one("#history", DataTable)
        table.clear()
        for h in history(app.db, lr.id, self.card_pk):
            when = h.reviewed_at.astimezone(app.tz) if app.tz else h.reviewed_at.astimezone()
            result = "—" if h.correct is None else ("✓ correct" if h.correct else "✗ wrong")
            table.add_row(
                cell(when.strftime("%Y-%m-%d %H:%M")),
                cell(f"{h.rating} {RATING_LABELS.get(Rating(h.rating), '?')}"),
                cell(result),
                cell(format_interval(h.interval) if h.interval is not None else "—"),
                cell(f"{h.stability:.1f}" if h.stability is not None else "—"),
                cell(f"{h.difficulty:.2f}" if h.difficulty is not None else "—"),
                cell(h.response),
            )

    def action_suspend(self) -> None:
        lr = self.quiz.learner
        suspended, _ = item_flags(self.quiz.db, lr.id, self.card_pk)
        progress.set_flag(self.quiz.db, lr.id, self.card_pk, "suspended", int(not suspended))
        self.notify("Unsuspended." if suspended else "Suspended.", timeout=2)
        self.load()

    def action_flag(self) -> None:
        lr = self.quiz.learner
        _, flagged = item_flags(self.quiz.db, lr.id, self.card_pk)
        progress.set_flag(self.quiz.db, lr.id, self.card_pk, "flagged", int(not flagged))
        self.notify("Unflagged." if flagged else "Flagged.", timeout=2)
        self.load()

    def action_close(self) -> None:
        self.app.pop_screen()
