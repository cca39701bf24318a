"""The four grade keys with the interval each would give; the suggestion preselected."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from quizapp.model import RATING_LABELS, Rating
from quizapp.scheduling.scheduler import format_interval


class GradeKey(Static):
    def __init__(self, rating: Rating) -> None:
        super().__init__(id=f"grade-{int(rating)}", classes=f"grade-{int(rating)}")
        self.rating = rating

    def on_click(self) -> None:
        self.post_message(GradeBar.Chosen(self.rating))


class GradeBar(Horizontal):
    DEFAULT_CSS = """
    GradeBar { height: 3; width: 100%; }
    GradeBar GradeKey {
        width: 1fr; height: 3; content-align: center middle;
        border: round $foreground 30%; padding: 0 1;
    }
    GradeBar GradeKey.-suggested { border: heavy $accent; text-style: bold; }
    GradeBar GradeKey.grade-1.-suggested { border: heavy $error; }
    GradeBar GradeKey.grade-3.-suggested { border: heavy $success; }
    """

    class Chosen(Message):
        def __init__(self, rating: Rating) -> None:
            super().__init__()
            self.rating = rating

    def compose(self) -> ComposeResult:
        for r in Rating:
            yield GradeKey(r)

    def show(self, intervals: dict[Rating, timedelta], suggested: Rating) -> None:
        for key in self.query(GradeKey):
            r = key.rating
            mark = "▸ " if r == suggested else ""
            tail = " ↵" if r == suggested else ""
            key.update(
                Content.assemble(
                    (f"{mark}{int(r)} ", "bold"),
                    RATING_LABELS[r],
                    " · ",
                    (format_interval(intervals.get(r, timedelta(0))), "italic"),
                    (tail, "bold"),
                )
            )
            key.set_class(r == suggested, "-suggested")
