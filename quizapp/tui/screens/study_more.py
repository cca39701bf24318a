"""Study more (Anki's custom study): extra new cards today, review ahead, cram.

Opened with `m` from home (for the decks and tag chosen there) and from the summary (for
the session just ended). Extra new cards raise today's limits
(`quizapp.personal.limits.grant_extra_new`) and a normal session starts; review ahead and
cram start the sessions of `quizapp.study.more`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from quizapp.personal.limits import grant_extra_new
from quizapp.store.db import StoreError
from quizapp.store.scope import Scope
from quizapp.study.more import AHEAD_MAX_DAYS, cram, review_ahead
from quizapp.study.session import StudySession
from quizapp.tui.safe import lit
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


@dataclass(frozen=True, slots=True)
class MoreChoice:
    kind: str  # "new" | "ahead" | "cram"
    n: int = 0
    tags: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


class StudyMoreScreen(ModalScreen[MoreChoice | None]):
    """Three choices, each with its field; Enter in a field (or its button) chooses it."""

    DEFAULT_CSS = """
    StudyMoreScreen { align: center middle; }
    #more-box { width: 76; max-width: 100%; }
    #more-grid { grid-size: 3; grid-columns: 26 1fr 16; grid-rows: 3; height: auto; }
    #more-grid Label { height: 3; content-align: left middle; }
    #more-msg { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "extra", "More new cards"),
        Binding("ctrl+r", "ahead", "Review ahead"),
        Binding("ctrl+s", "cram", "Cram"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, scope: Scope, note: str = "") -> None:
        super().__init__()
        self.scope = scope
        self.note = note

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="more-box", classes="dialog"):
            yield Static(Content.from_markup("[b]Study more[/b]"), classes="dialog-title")
            yield Static(id="more-note")
            with Grid(id="more-grid"):
                yield Label("More new cards today")
                yield Input("10", id="more-new", type="integer")
                yield Button("Add (Ctrl+N)", id="btn-new")
                yield Label("Review ahead: days")
                yield Input("1", id="more-ahead", type="integer")
                yield Button("Start (Ctrl+R)", id="btn-ahead")
                yield Label("Cram (blank: all)")
                yield Input(id="more-cram", placeholder="tag:T fact:F")
                yield Button("Start (Ctrl+S)", id="btn-cram")
            yield Static(id="more-msg")
            yield Static(
                lit(
                    "Review ahead: the reviews due in the next days, scheduled as usual. "
                    "Cram: these cards again, answers not saved to the schedule.",
                    "dim",
                )
            )
        yield QuizFooter()

    def on_mount(self) -> None:
        self.query_one("#more-note", Static).update(lit(self.note, "$text-warning"))
        self.query_one("#more-note", Static).display = bool(self.note)
        self.query_one("#more-new", Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#more-msg", Static).update(lit(text, "$text-error"))

    def _number(self, field: str, lo: int, hi: int) -> int | None:
        raw = self.query_one(field, Input).value.strip()
        try:
            n = int(raw)
        except ValueError:
            n = -1
        if not lo <= n <= hi:
            self._say(f"✗ Give a whole number from {lo} to {hi}.")
            return None
        return n

    def action_extra(self) -> None:
        n = self._number("#more-new", 1, 9999)
        if n is None:
            return
        app = self.quiz
        try:
            app.learner = grant_extra_new(app.db, app.learner, n, app.clock(), app.tz)
        except StoreError as e:
            self._say(f"✗ {e}")
            return
        self.dismiss(MoreChoice("new", n))

    def action_ahead(self) -> None:
        n = self._number("#more-ahead", 1, AHEAD_MAX_DAYS)
        if n is not None:
            self.dismiss(MoreChoice("ahead", n))

    def action_cram(self) -> None:
        tags: list[str] = []
        facts: list[str] = []
        for word in self.query_one("#more-cram", Input).value.split():
            key, sep, value = word.partition(":")
            if not sep:
                key, value = "tag", word
            if key == "tag" and value:
                tags.append(value)
            elif key == "fact" and value:
                facts.append(value)
            else:
                self._say(f"✗ {word!r}: write tag:T or fact:F.")
                return
        self.dismiss(MoreChoice("cram", tags=tuple(tags), facts=tuple(facts)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        {
            "more-new": self.action_extra,
            "more-ahead": self.action_ahead,
            "more-cram": self.action_cram,
        }.get(event.input.id or "", lambda: None)()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {
            "btn-new": self.action_extra,
            "btn-ahead": self.action_ahead,
            "btn-cram": self.action_cram,
        }.get(event.button.id or "", lambda: None)()

    def action_close(self) -> None:
        self.dismiss(None)


def more_session(app: QuizApp, scope: Scope, choice: MoreChoice) -> StudySession:
    """The session a study-more choice starts over ``scope``."""
    from quizapp.study.session import session_for

    base = session_for(
        app.db, app.learner, scope.deck_ids, scope.tags, clock=app.clock, tz=app.tz, fuzz=app.fuzz
    )
    if choice.kind == "ahead":
        return review_ahead(base, choice.n)
    if choice.kind == "cram":
        return cram(base, tags=choice.tags or None, facts=choice.facts)
    return base


def start_more(app: QuizApp, scope: Scope, choice: MoreChoice | None) -> None:
    """Open the study screen on what ``choice`` asks for (or say there is nothing)."""
    if choice is None:
        return
    from quizapp.tui.screens.study import StudyScreen

    session = more_session(app, scope, choice)
    if session.next_item() is None:
        what = {
            "new": "No new cards",
            "ahead": f"No reviews due in {choice.n} day(s)",
            "cram": "No cards to cram",
        }[choice.kind]
        app.notify(f"{what} in this choice.", title="Study more")
        return
    if choice.kind == "new":
        app.notify(f"{choice.n} more new card(s) today.", timeout=3)
    app.push_screen(StudyScreen(session))
