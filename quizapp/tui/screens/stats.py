"""Stats: the learner's progress (reports.metrics) with charts, leeches, and export.

Metrics are computed in a thread worker on a connection of its own; the export runs in
a worker too and writes through the same writers as `quizapp report`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Input,
    LoadingIndicator,
    ProgressBar,
    Select,
    Static,
)
from textual_plotext import PlotextPlot

from quizapp.personal.leeches import Leech, find_leeches
from quizapp.reports.figures import LearnerMetrics, Ratio
from quizapp.reports.metrics import compute
from quizapp.store.db import wal_path
from quizapp.store.protected import protected_paths
from quizapp.store.scope import Scope
from quizapp.textsafe import inert
from quizapp.tui.export import (
    EXTENSIONS,
    FORMAT_NAMES,
    FORMATS,
    ExportError,
    default_filename,
    write_report,
)
from quizapp.tui.safe import cell, lit
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

CHART_DAYS = 30
RETENTION_WEEKS = 12
MASTERY_TAGS = 10
PERCENT_TICKS: list[float] = [0, 25, 50, 75, 100]


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def ratio_text(r: Ratio) -> str:
    return "—" if not r.total else f"{r.rate:.0%} ({r.passed}/{r.total})"


def summary_content(m: LearnerMetrics) -> Content:
    """The numbers block of the stats screen (tests compare it with `compute`)."""
    c = m.counts
    parts: list[str | tuple[str, str]] = [
        ("Cards       ", "bold"),
        f"new {c.new} · learning {c.learning} · young {c.young} · mature {c.mature} · "
        f"suspended {c.suspended} · leeches {c.leeches}  (seen {c.seen} of {c.total})\n",
        ("Retention   ", "bold"),
        ("true retention: pass rate of reviews of review cards\n", "dim"),
    ]
    for w in m.retention:
        parts += [
            f"  {w.days:>3} days  ",
            ("all ", "dim"),
            f"{ratio_text(w.all):<16}",
            ("young ", "dim"),
            f"{ratio_text(w.young):<16}",
            ("mature ", "dim"),
            f"{ratio_text(w.mature)}\n",
        ]
    s = m.streak
    day_s = "s" if s.current != 1 else ""
    parts += [
        ("Streak      ", "bold"),
        f"{s.current} day{day_s} · longest {s.longest} · {s.study_days} study "
        f"day{'s' if s.study_days != 1 else ''}\n",
        ("Study time  ", "bold"),
        f"{m.minutes:.0f} min over {m.reviews} reviews · predicted recall now "
        f"{pct(m.predicted_recall)} · desired retention {m.desired_retention:.2f}",
    ]
    quiz = [q for q in m.quiz if q.accuracy.total]
    if quiz:
        parts += [
            "\n",
            ("Quiz        ", "bold"),
            " · ".join(f"{inert(q.tag)} {ratio_text(q.accuracy)}" for q in quiz[:8]),
        ]
    return Content.assemble(*parts)


def _days_back(today: str, n: int) -> list[str]:
    t = date.fromisoformat(today)
    return [(t - timedelta(days=i)).isoformat() for i in range(n - 1, -1, -1)]


class StatsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export report"),
        Binding("l", "leeches", "Leeches in browse"),
        Binding("r", "reload", "Refresh"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, decks: list[str] | None = None) -> None:
        """`decks`: the home selection (None: every deck)."""
        super().__init__()
        self.decks = decks
        self.metrics: LearnerMetrics | None = None
        self.leeches: list[Leech] = []

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def _deck_ids(self) -> list[str] | None:
        if self.decks:
            return list(self.decks)
        return list(self.quiz.visible_decks) if self.quiz.visible_decks is not None else None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-scope")
            yield LoadingIndicator(id="stats-loading")
            yield Static(id="stats-summary")
            with Grid(id="stats-charts"):
                for chart in ("reviews", "forecast", "retention", "mastery", "calibration"):
                    yield PlotextPlot(id=f"chart-{chart}", classes="chart")
                yield Static(id="stats-leech-box")
            yield DataTable(id="stats-leeches", cursor_type="row", zebra_stripes=True)
        yield QuizFooter()

    def on_mount(self) -> None:
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        scope = "selected decks: " + ", ".join(self.decks) if self.decks else "all decks"
        self.query_one("#stats-scope", Static).update(
            Content.assemble(
                ("Progress of ", "bold"),
                (inert(app.learner.name), "bold $text-accent"),
                ("  ·  ", "dim"),
                inert(scope),
            )
        )
        table = self.query_one("#stats-leeches", DataTable)
        for label in ("Leech", "Why", "Suspended"):
            table.add_column(Text(label), key=label)
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#stats-loading").display = True
        self.load_metrics()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load_metrics(self) -> None:
        app = self.quiz
        learner, now, tz, decks = app.learner, app.clock(), app.tz, self._deck_ids()
        with app.worker_db() as db:
            m = compute(db, learner, deck_ids=decks, now=now, tz=tz)
            scope = Scope(tuple(decks) if decks is not None else None)
            leeches = find_leeches(db, learner, scope, now=now, tz=tz)
        app.call_from_thread(self.show_metrics, m, leeches)

    def show_metrics(self, m: LearnerMetrics, leeches: list[Leech]) -> None:
        self.metrics = m
        self.leeches = leeches
        self.query_one("#stats-loading").display = False
        self.query_one("#stats-summary", Static).update(summary_content(m))
        self._charts(m)
        box = self.query_one("#stats-leech-box", Static)
        box.update(
            Content.assemble(
                ("Leeches ", "bold"),
                f"{len(leeches)} card(s) meet the leech rules "
                "(many lapses, or low stability after many review days).\n",
                ("l", "bold"),
                " opens them in Browse (leech filter); they are listed below.",
            )
        )
        table = self.query_one("#stats-leeches", DataTable)
        table.clear()
        for lc in leeches[:100]:
            table.add_row(cell(lc.key), cell(lc.reason), cell("yes" if lc.suspended else ""))
        table.display = bool(leeches)

    def _charts(self, m: LearnerMetrics) -> None:
        # Reviews per day, last 30 days (0 = today).
        per_day = {a.day: a.reviews for a in m.activity}
        days = _days_back(m.today, CHART_DAYS)
        xs = list(range(-(CHART_DAYS - 1), 1))
        self._bar(
            "reviews",
            "Reviews per day (days ago)",
            xs,
            [per_day.get(d, 0) for d in days],
            list(range(-25, 1, 5)),
        )
        # Forecast: due per day, next 30 days (day 0 includes the overdue).
        fc = list(m.forecast)[:CHART_DAYS]
        self._bar(
            "forecast",
            "Due per day, next 30 days",
            list(range(len(fc))),
            [f.due for f in fc],
            list(range(0, CHART_DAYS, 5)),
        )
        # Retention over time: weekly true retention, last 12 weeks.
        today = date.fromisoformat(m.today)
        weeks: dict[int, Ratio] = {}
        for a in m.activity:
            back = (today - date.fromisoformat(a.day)).days // 7
            if back < RETENTION_WEEKS and a.retention.total:
                weeks[-back] = weeks.get(-back, Ratio()) + a.retention
        plot = self.query_one("#chart-retention", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title("True retention % per week (weeks ago)")
        pts = sorted((w, 100 * (r.rate or 0)) for w, r in weeks.items())
        if pts:
            plt.plot([w for w, _ in pts], [v for _, v in pts], marker="braille")
            plt.scatter([w for w, _ in pts], [v for _, v in pts], marker="●")
        plt.xlim(-(RETENTION_WEEKS - 1), 0)
        plt.ylim(0, 100)
        plt.xticks([float(w) for w in range(-(RETENTION_WEEKS - 1), 1)])
        plt.yticks(PERCENT_TICKS)
        plot.refresh()
        # Mastery per tag (share of mature cards), largest tags first.
        tags = sorted((g for g in m.tags if g.counts.total), key=lambda g: -g.counts.total)
        tags = tags[:MASTERY_TAGS]
        plot = self.query_one("#chart-mastery", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title("Mastery: % mature per tag")
        if tags:
            plt.bar(
                [inert(g.key)[:16] for g in tags],
                [100 * (g.mastery or 0) for g in tags],
                orientation="horizontal",
                width=1 / 2,
            )
            plt.xlim(0, 100)
            plt.xticks(PERCENT_TICKS)
        plot.refresh()
        # Calibration: predicted vs actual recall per bin, with the diagonal.
        bins = [b for b in m.calibration if b.n]
        plot = self.query_one("#chart-calibration", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title("Calibration: predicted vs actual recall %")
        plt.plot([0, 100], [0, 100], marker="braille", color="gray")
        if bins:
            plt.scatter(
                [100 * (b.mean_predicted or 0) for b in bins],
                [100 * (b.actual or 0) for b in bins],
                marker="●",
            )
        plt.xlim(0, 100)
        plt.ylim(0, 100)
        plt.xticks(PERCENT_TICKS)
        plt.yticks(PERCENT_TICKS)
        plot.refresh()

    def _bar(
        self, chart: str, title: str, xs: list[int], ys: list[int], xticks: list[float]
    ) -> None:
        """A bar chart with fixed ticks (plotext's own depend on the size it last drew)."""
        plot = self.query_one(f"#chart-{chart}", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.title(title)
        if ys and any(ys):
            plt.bar(xs, ys, width=1 / 2)
            top = max(ys)
            step = max(1, -(-top // 5))
            plt.yticks([float(t) for t in range(0, top + step, step)])
        plt.xticks(xticks)  # after bar(), which sets its own
        plot.refresh()

    # -- actions ------------------------------------------------------------------------

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(self._deck_ids()))

    def action_leeches(self) -> None:
        from quizapp.tui.screens.browse import BrowseScreen

        self.app.push_screen(BrowseScreen(state="leech"))

    def action_close(self) -> None:
        self.app.pop_screen()


class ExportScreen(ModalScreen[None]):
    """Choose a format and a file; the report is written in a worker, with progress."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, deck_ids: list[str] | None) -> None:
        super().__init__()
        self.deck_ids = deck_ids
        self.running = False

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def _default(self, fmt: str) -> str:
        app = self.quiz
        day = app.clock().astimezone(app.tz).date() if app.tz else app.clock().date()
        return str(Path.cwd() / default_filename(app.learner.name, fmt, day))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-box"):
            yield Static(
                Content.from_markup("[b]Export a progress report[/b]"), classes="dialog-title"
            )
            yield Select[str](
                [(lit(FORMAT_NAMES[f]), f) for f in FORMATS],
                id="export-format",
                allow_blank=False,
                value="html",
            )
            yield Input(self._default("html"), id="export-path")
            yield ProgressBar(id="export-bar", total=1.0, show_eta=False)
            yield Static(id="export-msg")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export-go", variant="primary")
                yield Button("Close (Esc)", id="export-close")

    def on_mount(self) -> None:
        self.query_one("#export-bar").display = False
        self.query_one("#export-path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", Input)
        fmt = event.value if isinstance(event.value, str) else "html"
        old = Path(path.value)
        if old.suffix in EXTENSIONS.values():
            path.value = str(old.with_suffix(EXTENSIONS[fmt]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-go":
            self.start()
        else:
            self.action_close()

    def start(self) -> None:
        if self.running:
            return
        fmt = self.query_one("#export-format", Select).value
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._msg("✗ Choose a file name.", error=True)
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        self.running = True
        bar = self.query_one("#export-bar", ProgressBar)
        bar.display = True
        bar.update(total=1.0, progress=0)
        self._msg("Exporting…")
        self.export(str(fmt), path)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, fmt: str, path: Path) -> None:
        app = self.quiz
        learner, now, tz = app.learner, app.clock(), app.tz

        def progress(done: float, what: str) -> None:
            app.call_from_thread(self._progress, done, what)

        try:
            with app.worker_db() as db:
                db_file = wal_path(app.db.conn) or ""
                guard = protected_paths([Path(db_file)] if db_file else [], app.deck_dirs)
                note = write_report(
                    db,
                    db_file,
                    learner,
                    fmt,
                    path,
                    deck_ids=self.deck_ids,
                    now=now,
                    tz=tz,
                    progress=progress,
                    protected=guard,
                )
        except ExportError as e:
            app.call_from_thread(self._done, f"✗ {e}", True)
        except Exception as e:  # shown, never a traceback
            app.call_from_thread(self._done, f"✗ {type(e).__name__}: {e}", True)
        else:
            app.call_from_thread(self._done, f"✓ {note}", False)

    def _progress(self, done: float, what: str) -> None:
        self.query_one("#export-bar", ProgressBar).update(progress=done)
        self._msg(f"Exporting… {what}")

    def _done(self, text: str, error: bool) -> None:
        self.running = False
        self._msg(text, error=error)
        if not error:
            self.query_one("#export-bar", ProgressBar).update(progress=1.0)
        if not error and not self.is_current:
            # Closed before it finished: say so on the screen below. While the dialog is
            # open its own message says it (a toast would only cover its buttons).
            self.notify(text.removeprefix("✓ "), title="Report exported", timeout=5, markup=False)

    def _msg(self, text: str, error: bool = False) -> None:
        self.query_one("#export-msg", Static).update(
            lit(text, "$text-error" if error else "$text-success" if text.startswith("✓") else "")
        )

    def action_close(self) -> None:
        self.dismiss(None)
