"""Every key of every screen, generated from the BINDINGS so it stays true."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from quizapp.tui.widgets.footer import QuizFooter


def _sections() -> list[tuple[str, list[type[DOMNode]]]]:
    from quizapp.tui.app import QuizApp
    from quizapp.tui.screens.advisor import AdvisorScreen
    from quizapp.tui.screens.browse import BrowseScreen, CardDetailScreen
    from quizapp.tui.screens.home import DeckTable, HomeScreen
    from quizapp.tui.screens.learners import LearnerScreen
    from quizapp.tui.screens.quiz import ConfirmSubmitScreen, QuizScreen
    from quizapp.tui.screens.quiz_build import BuildBlockScreen
    from quizapp.tui.screens.quiz_results import QuizResultsScreen
    from quizapp.tui.screens.settings import SettingsScreen
    from quizapp.tui.screens.stats import ExportScreen, StatsScreen
    from quizapp.tui.screens.study import ConfirmUndoScreen, StudyScreen
    from quizapp.tui.screens.summary import SummaryScreen
    from quizapp.tui.widgets.choices import ChoiceList

    return [
        ("Everywhere", [QuizApp]),
        ("Home", [HomeScreen, DeckTable]),
        ("Study", [StudyScreen]),
        ("Study: multiple choice options", [ChoiceList]),
        ("Study: drop your answer and undo?", [ConfirmUndoScreen]),
        ("Session summary", [SummaryScreen]),
        ("Quiz: build a block", [BuildBlockScreen]),
        ("Quiz: a question", [QuizScreen]),
        ("Quiz: submit?", [ConfirmSubmitScreen]),
        ("Quiz results", [QuizResultsScreen]),
        ("Stats", [StatsScreen]),
        ("Export a report", [ExportScreen]),
        ("Browse", [BrowseScreen]),
        ("Card detail", [CardDetailScreen]),
        ("Learners", [LearnerScreen]),
        ("Settings", [SettingsScreen]),
        ("Retention advisor", [AdvisorScreen]),
    ]


EXTRA = {
    "Everywhere": [
        ("ctrl+p", "Command palette: every action by name"),
        ("", "The footer shows the keys used most; every key is here."),
    ],
    "Study": [("u", "After answering, before grading: asks first (your answer is dropped)")],
    "Study: multiple choice options": [
        ("a … j", "Choose (or toggle) that option"),
        ("↑ ↓", "Move between options"),
        ("Enter", "Several answers: tick at least one first"),
    ],
    "Quiz: a question": [
        ("a … j", "Answer with that option (mcq)"),
        ("1 … 9", "Go to question N (type the number, Enter)"),
        ("click", "A square of the navigator jumps to it"),
        ("Esc", "In the answer field: leave the field (then [ ] ! p work)"),
    ],
}


def _key_name(key: str) -> str:
    names = {
        "question_mark": "?",
        "space": "Space",
        "enter": "Enter",
        "escape": "Esc",
        "slash": "/",
        "delete": "Del",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "exclamation_mark": "!",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "home": "Home",
        "end": "End",
    }
    return ", ".join(names.get(k, k) for k in key.split(","))


def help_text() -> Content:
    parts: list[str | tuple[str, str]] = []
    everywhere: set[tuple[str, str]] = set()
    for title, classes in _sections():
        rows: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set(everywhere)
        for cls in classes:
            bindings = BindingsMap(cls.BINDINGS)
            for key_bindings in bindings.key_to_bindings.values():
                for b in key_bindings:
                    if not b.description or b.action.startswith(("pick(", "goto_prompt(")):
                        continue
                    name = _key_name(b.key)
                    if (name, b.description) in seen:
                        continue
                    seen.add((name, b.description))
                    rows.append((name, b.description))
        rows += EXTRA.get(title, [])
        if title == "Everywhere":
            everywhere = set(rows)
        parts.append((f"{title}\n", "bold $text-accent"))
        for key, desc in rows:
            parts += [("  " + key.ljust(14), "bold"), desc, "\n"]
        parts.append("\n")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Content.from_markup("[b]Keys[/b]"), id="help-title")
            yield Static(help_text(), id="help")
        yield QuizFooter()

    def action_close(self) -> None:
        self.dismiss(None)
