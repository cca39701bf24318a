"""Retention advisor: what each desired retention costs (minutes/day) and buys (cards
remembered), simulated with the learner's parameters in a thread worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, LoadingIndicator, Static
from textual_plotext import PlotextPlot

from quizapp.personal.advisor import Advice, advice_for_learner
from quizapp.store.db import StoreError
from quizapp.store.learners import update_settings
from quizapp.store.scope import Scope
from quizapp.tui.safe import lit
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


class AdvisorScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", "Use the suggestion"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, days: int = 365) -> None:
        super().__init__()
        self.days = days
        self.advice: Advice | None = None

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="advisor-body"):
            yield Static(id="advisor-intro")
            yield LoadingIndicator(id="advisor-loading")
            yield DataTable(id="advisor-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="advisor-suggestion")
            yield PlotextPlot(id="advisor-chart")
        yield QuizFooter()

    def on_mount(self) -> None:
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        self.query_one("#advisor-intro", Static).update(
            lit(
                f"Simulating {self.days} days of study at each desired retention with your "
                "parameters, limits and collection…"
            )
        )
        table = self.query_one("#advisor-table", DataTable)
        for label in ("Retention", "Reviews/day", "Minutes/day", "Remembered", "Per minute", ""):
            table.add_column(Text(label, justify="right" if label else "left"), key=label)
        self.simulate()

    @work(thread=True, exclusive=True, group="advisor", exit_on_error=False)
    def simulate(self) -> None:
        app = self.quiz
        learner, decks = app.learner, app.visible_decks
        scope = Scope(tuple(decks) if decks is not None else None)
        with app.worker_db() as db:
            adv = advice_for_learner(db, learner, scope, days=self.days)
        app.call_from_thread(self.show_advice, adv)

    def show_advice(self, adv: Advice) -> None:
        self.advice = adv
        yours = self.quiz.learner.desired_retention
        self.query_one("#advisor-loading").display = False
        params = "your fitted parameters" if adv.personalised else "the FSRS-6 defaults"
        self.query_one("#advisor-intro", Static).update(
            lit(
                f"{adv.days} days simulated with {params}, {adv.deck_size} cards, "
                f"{adv.new_per_day} new/day, {adv.review_limit} reviews/day at most."
            )
        )
        table = self.query_one("#advisor-table", DataTable)
        table.clear()
        for r in adv.rows:
            mark = "◀ best" if r is adv.best else ""
            if abs(r.desired_retention - yours) < 1e-9:
                mark = (mark + "  (yours)").strip()
            table.add_row(
                *(
                    Text(v, justify="right")
                    for v in (
                        f"{r.desired_retention:.2f}",
                        f"{r.reviews_per_day:.1f}",
                        f"{r.minutes_per_day:.1f}",
                        f"{r.memorized:.0f}",
                        f"{r.knowledge_per_minute:.3f}",
                    )
                ),
                Text(mark, style="bold"),
            )
        self.query_one("#advisor-suggestion", Static).update(
            Content.assemble(
                ("Suggested desired retention: ", "bold"),
                (adv.suggestion, "bold $text-accent"),
                " — the most cards remembered per minute of study. ",
                (f"Yours: {yours:.2f}. ", "dim"),
                ("a", "bold"),
                " uses the suggestion.",
            )
        )
        plot = self.query_one("#advisor-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title("Minutes per day by desired retention")
        xs = [r.desired_retention for r in adv.rows]
        ys = [r.minutes_per_day for r in adv.rows]
        plt.plot(xs, ys, marker="braille")
        plt.scatter(xs, ys, marker="●")
        plt.xlabel("desired retention")
        plot.refresh()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.advice is not None
        return True

    def action_apply(self) -> None:
        if self.advice is None:
            return
        value = round(self.advice.best.desired_retention, 2)
        try:
            self.quiz.learner = update_settings(
                self.quiz.db, self.quiz.learner.id, desired_retention=value
            )
        except StoreError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Desired retention set to {value:.2f}.", timeout=3)
        self.show_advice(self.advice)

    def action_close(self) -> None:
        self.app.pop_screen()
