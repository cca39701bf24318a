"""The end of a study session: cards, accuracy, time, what is due tomorrow."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from quizapp.scheduling.scheduler import format_interval
from quizapp.study.session import StudySession
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", "Home"),
        Binding("m", "more", "Study more"),
        Binding("escape", "home", "Home", show=False),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="summary-box"):
            yield Static(Content.from_markup("[b]Session over[/b]"), id="summary-title")
            yield Static(id="summary")
        yield QuizFooter()

    def on_mount(self) -> None:
        app = cast("QuizApp", self.app)
        self.sub_title = f"learner: {app.learner.name}"
        s = self.session.finish()
        acc = (
            f"{s.accuracy:.0%} ({s.correct} of {s.graded} auto-graded)"
            if s.accuracy is not None
            else "—"
        )
        secs = int(s.seconds)
        rows: list[tuple[str, str]] = [
            ("Cards answered", str(s.answered)),
            ("Accuracy", acc),
            ("Again", str(s.again)),
            ("Time", f"{secs // 60} min {secs % 60:02d} s"),
            ("Due by tomorrow", str(s.due_tomorrow)),
        ]
        later = self.session.learning_later_today()
        if later is not None:
            rows.append(("Learning cards back in", format_interval(later - app.clock())))
        if self.session.MODE == "cram":
            rows.append(("Cram", "answers not saved to the schedule"))
        note = self.session.limit_note()
        if note is not None:
            rows.append(("New cards", f"{note.text()} — m studies more, or raise it in settings"))
        width = max(len(k) for k, _ in rows) + 2
        parts: list[str | tuple[str, str]] = []
        for k, v in rows:
            parts += [(k.ljust(width), "bold"), v, "\n"]
        parts.append(("\nPress Enter to go home.", "dim"))
        self.query_one("#summary", Static).update(Content.assemble(*parts))

    def action_home(self) -> None:
        self.app.pop_screen()

    def action_more(self) -> None:
        from quizapp.tui.screens.study_more import StudyMoreScreen, start_more

        app = cast("QuizApp", self.app)
        scope = self.session.scope
        note = self.session.limit_note()

        def chosen(choice: object) -> None:
            from quizapp.tui.screens.study_more import MoreChoice

            if isinstance(choice, MoreChoice):
                self.app.pop_screen()  # the summary gives way to the new session
                start_more(app, scope, choice)

        self.app.push_screen(StudyMoreScreen(scope, note.text() if note else ""), chosen)
