"""A submitted block: score, time per question, per-tag breakdown against the learner's
earlier blocks, and every question reviewed (chosen answer beside the right one, each
option's reason, the explanation, the source quote)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quizapp.quiz import BlockResults, results
from quizapp.tui.safe import cell
from quizapp.tui.widgets.footer import QuizFooter
from quizapp.tui.widgets.review import entry_verdict, review_content, seconds_text

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


def score_content(res: BlockResults) -> Content:
    """The score lines (shared with tests)."""
    limit = f", limit {seconds_text(res.time_limit_ms)}" if res.time_limit_ms else ""
    flagged = f"  ·  {len(res.flagged)} flagged" if res.flagged else ""
    return Content.assemble(
        (res.score_line, "bold"),
        "\n",
        f"Answered {res.answered} of {res.total}  ·  {res.mode}{limit}  ·  ",
        f"time {seconds_text(res.elapsed_ms)} ({seconds_text(res.average_time_ms)} "
        "per question on average)",
        flagged,
    )


def change_text(change: int | None) -> str:
    if change is None:
        return "—"
    return f"{change:+d} points" if change else "same"


class QuizResultsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Home"),
        Binding("enter", "review", "Review question"),
        Binding("slash", "table", "Question list", show=False),
    ]

    def __init__(self, block_id: int) -> None:
        super().__init__()
        self.block_id = block_id
        self.results: BlockResults | None = None

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="results-body"):
            yield Static(id="res-score")
            yield Static(
                Content.from_markup(
                    "[b]Per tag[/b] (earlier: your submitted blocks before this one)"
                ),
                classes="res-head",
            )
            yield DataTable(id="res-tags", cursor_type="none", zebra_stripes=True)
            yield Static(
                Content.from_markup("[b]Questions[/b] (Enter reviews one)"), classes="res-head"
            )
            yield DataTable(id="res-questions", cursor_type="row", zebra_stripes=True)
            yield Static(Content.from_markup("[b]Review[/b]"), classes="res-head")
            yield Vertical(id="res-review")
        yield QuizFooter()

    def on_mount(self) -> None:
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        res = results(app.db, self.block_id)
        self.results = res
        self.query_one("#res-score", Static).update(score_content(res))
        tags = self.query_one("#res-tags", DataTable)
        for label in ("Tag", "This block", "Earlier", "Change"):
            tags.add_column(Text(label), key=label)
        for t in res.tags:
            earlier = "—"
            if t.previous_total:
                earlier = (
                    f"{t.previous_percent}% ({t.previous_correct}/{t.previous_total} "
                    f"in {t.previous_blocks} block{'s' if t.previous_blocks != 1 else ''})"
                )
            tags.add_row(
                cell(t.tag),
                cell(f"{t.correct}/{t.total} ({t.percent}%)"),
                cell(earlier),
                cell(change_text(t.change)),
            )
        qs = self.query_one("#res-questions", DataTable)
        answer_width = max(12, (self.app.size.width - 3 - 14 - 6 - 4 - 12 - 8) // 2)
        for label, width in (
            ("#", 3),
            ("Result", 14),
            ("Your answer", answer_width),
            ("Correct", answer_width),
            ("Time", 6),
            ("Flag", 4),
        ):
            qs.add_column(Text(label), key=label, width=width)
        entries: list[Static] = []
        for e in res.entries:
            words, _ = entry_verdict(e)
            qs.add_row(
                cell(e.position),
                cell(words.split(" (")[0]),
                cell(e.chosen if e.answered else "—"),
                cell(e.expected),
                cell(seconds_text(e.time_ms)),
                cell("⚑" if e.flagged else ""),
                key=str(e.position),
            )
            entries.append(
                Static(
                    review_content(e, with_question=True),
                    id=f"review-{e.position}",
                    classes="review-entry",
                )
            )
        self.query_one("#res-review").mount_all(entries)
        qs.focus()

    def action_review(self) -> None:
        table = self.query_one("#res-questions", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        self.query_one(f"#review-{key}").scroll_visible(top=True, animate=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_review()

    def action_table(self) -> None:
        table = self.query_one("#res-questions", DataTable)
        table.focus()
        table.scroll_visible(animate=False)

    def action_home(self) -> None:
        self.app.pop_screen()
