"""The quiz question navigator: one numbered square per question, click to jump.

Each square shows its number and, by symbol (never colour alone): `·` unanswered, `•`
answered (grades hidden), `✓` / `✗` right / wrong (tutor mode, or after submitting) and
`⚑` flagged. The current question is drawn reversed.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quizapp.quiz import NavEntry

COLUMNS = 20


def square_text(entry: NavEntry) -> str:
    """The text of one square: number, answer mark, flag (5 cells)."""
    if not entry.answered:
        mark = "·"
    elif entry.correct is None:
        mark = "•"
    else:
        mark = "✓" if entry.correct else "✗"
    return f"{entry.position:>2}{mark}{'⚑' if entry.flagged else ' '}"


class NavSquare(Static):
    def __init__(self, position: int) -> None:
        super().__init__(id=f"nav-{position}", classes="nav-square")
        self.position = position

    def on_click(self) -> None:
        self.post_message(QuestionNavigator.Jump(self.position))


class QuestionNavigator(Grid):
    """A grid of question squares; posts `Jump` when one is clicked."""

    DEFAULT_CSS = """
    QuestionNavigator {
        grid-size: 20; grid-columns: 5; grid-rows: 1; grid-gutter: 0 0;
        height: auto; max-height: 5; overflow-y: auto; padding: 0 1;
    }
    QuestionNavigator NavSquare { width: 5; height: 1; color: $text-muted; }
    QuestionNavigator NavSquare.-answered { color: $text; text-style: bold; }
    QuestionNavigator NavSquare.-right { color: $text-success; }
    QuestionNavigator NavSquare.-wrong { color: $text-error; }
    QuestionNavigator NavSquare.-flagged { color: $text-warning; }
    QuestionNavigator NavSquare.-current { text-style: bold reverse; }
    """

    class Jump(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count

    def compose(self) -> ComposeResult:
        for position in range(1, self.count + 1):
            yield NavSquare(position)

    def show(self, entries: Sequence[NavEntry], current: int) -> None:
        """Draw every square's state."""
        for e, square in zip(entries, self.query(NavSquare), strict=False):
            square.update(Content(square_text(e)))
            square.set_class(e.answered, "-answered")
            square.set_class(e.correct is True, "-right")
            square.set_class(e.correct is False, "-wrong")
            square.set_class(e.flagged, "-flagged")
            square.set_class(e.position == current, "-current")
