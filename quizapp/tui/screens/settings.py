"""Per-learner settings, saved at once (validated by the store)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static, Switch

from quizapp.clock import ms_to_dt
from quizapp.personal.fitting import OptimizeRun, last_run, optimize_learner
from quizapp.store.db import StoreError
from quizapp.store.learners import (
    SETTING_LIMITS,
    bool_setting,
    deck_new_limits,
    set_deck_new_limit,
    update_settings,
)
from quizapp.store.queries.home import deck_list
from quizapp.tui.safe import lit
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

FIELDS: list[tuple[str, str]] = [
    ("desired_retention", "Desired retention"),
    ("new_per_day", "New cards per day"),
    ("reviews_per_day", "Reviews per day"),
    ("rollover_hour", "Day starts at hour"),
]


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4f}"


def optimize_lines(run: OptimizeRun) -> str:
    """What `quizapp optimize` prints, as lines (headline first)."""
    card, by_time = run.by_card, run.by_time
    if not by_time.fitted:
        return f"Not enough data to personalise the scheduler: {by_time.reason}."
    lines = [
        f"log loss: default {_num(card.default_in_sample_log_loss)} → "
        f"fitted {_num(card.fitted_log_loss)}",
        f"RMSE(bins): default {_num(card.default_in_sample_rmse_bins)} → "
        f"fitted {_num(card.fitted_rmse_bins)}",
        f"strict review-time order: log loss {_num(by_time.default_log_loss)} → "
        f"{_num(by_time.fitted_log_loss)}, RMSE(bins) {_num(by_time.default_rmse_bins)} → "
        f"{_num(by_time.fitted_rmse_bins)}",
        "Your parameters are saved: new answers use them."
        if run.saved
        else f"Parameters not saved: {run.reason}",
    ]
    return "\n".join(lines)


class SettingsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "optimize", "Optimize my scheduler"),
        Binding("ctrl+r", "advisor", "Retention advisor"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.optimizing = False

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        lr = self.quiz.learner
        yield Header()
        with Vertical(id="settings-box"):
            yield Static(id="settings-title")
            with Grid(id="settings-grid"):
                for key, label in FIELDS:
                    lo, hi = SETTING_LIMITS[key]
                    yield Label(f"{label} ({lo:g}–{hi:g})", markup=False)
                    yield Input(
                        str(getattr(lr, key)),
                        id=f"set-{key}",
                        type="number" if key == "desired_retention" else "integer",
                    )
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                yield Select[str](
                    [(lit(t), t) for t in themes],
                    id="set-theme",
                    allow_blank=False,
                    value=self.app.theme if self.app.theme in themes else themes[0],
                )
                decks = deck_list(self.quiz.db, self.quiz.visible_decks)
                yield Select[str](
                    [(lit(d.title), d.deck_id) for d in decks],
                    id="set-deck",
                    prompt="A deck's own new/day…",
                    allow_blank=True,
                )
                yield Input(
                    id="set-deck-new",
                    type="integer",
                    placeholder="blank: the new cards per day above",
                )
                yield Label("One card of a fact per day")
                yield Switch(bool_setting(lr, "bury_related"), id="set-bury_related")
            yield Static(id="settings-msg")
            with Horizontal(id="settings-actions"):
                yield Button("Optimize my scheduler (Ctrl+O)", id="btn-optimize")
                yield Button("Retention advisor (Ctrl+R)", id="btn-advisor")
            yield Static(id="settings-optimize")
            yield Static(
                lit(
                    "Each value is saved as soon as you leave the field or press "
                    "Enter. Esc goes back."
                ),
                classes="dim-note",
            )
        yield QuizFooter()

    def on_mount(self) -> None:
        self.query_one("#settings-title", Static).update(
            Content.assemble(
                ("Settings for ", "bold"),
                (self.quiz.learner.name, "bold $text-accent"),
            )
        )
        self.query_one(f"#set-{FIELDS[0][0]}", Input).focus()
        last = last_run(self.quiz.db, self.quiz.learner.id)
        if last is not None:
            when = ms_to_dt(last["fitted_at"])
            day = when.date().isoformat() if when else "?"
            state = "parameters saved" if last["details"].get("applied") else "not saved"
            self.query_one("#settings-optimize", Static).update(
                lit(f"Last optimization {day}: {last['n_reviews']} reviews, {state}.", "dim")
            )

    # -- scheduler ------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "btn-optimize":
            self.action_optimize()
        elif event.button.id == "btn-advisor":
            self.action_advisor()

    def action_optimize(self) -> None:
        if self.optimizing:
            return
        self.optimizing = True
        self.query_one("#settings-optimize", Static).update(lit("Fitting FSRS to your review log…"))
        self.optimize()

    @work(thread=True, exclusive=True, group="optimize", exit_on_error=False)
    def optimize(self) -> None:
        app = self.quiz
        learner, now = app.learner, app.clock()
        try:
            with app.worker_db() as db:
                run = optimize_learner(db, learner, now=now)
        except Exception as e:  # shown, never a traceback
            app.call_from_thread(self._optimized, f"✗ {type(e).__name__}: {e}", False)
        else:
            app.call_from_thread(self._optimized, optimize_lines(run), run.saved)

    def _optimized(self, text: str, saved: bool) -> None:
        self.optimizing = False
        if saved:
            self.quiz.reload_learner()
        self.query_one("#settings-optimize", Static).update(lit(text))

    def action_advisor(self) -> None:
        from quizapp.tui.screens.advisor import AdvisorScreen

        for field in self.query(Input):
            self._save_input(field)
        self.app.push_screen(AdvisorScreen())

    def save(self, key: str, value: Any) -> bool:
        msg = self.query_one("#settings-msg", Static)
        try:
            lr = update_settings(self.quiz.db, self.quiz.learner.id, **{key: value})
        except StoreError as e:
            msg.update(lit(f"✗ {e}", "$text-error"))
            msg.set_classes("-error")
            return False
        self.quiz.learner = lr
        msg.update(lit(f"✓ Saved {key.replace('_', ' ')} = {value}", "$text-success"))
        msg.set_classes("-ok")
        return True

    def _chosen_deck(self) -> str | None:
        value = self.query_one("#set-deck", Select).value
        return value if isinstance(value, str) else None

    def _save_deck_new(self, field: Input) -> None:
        """The chosen deck's own new cards per day (blank: back to the learner's)."""
        deck = self._chosen_deck()
        if deck is None:
            return
        raw = field.value.strip()
        current = deck_new_limits(self.quiz.learner).get(deck)
        if raw == ("" if current is None else str(current)):
            return
        msg = self.query_one("#settings-msg", Static)
        try:
            n = int(raw) if raw else None
            self.quiz.learner = set_deck_new_limit(self.quiz.db, self.quiz.learner.id, deck, n)
        except (ValueError, StoreError) as e:
            text = str(e) if isinstance(e, StoreError) else f"{raw!r} is not a whole number"
            msg.update(lit(f"✗ {text}", "$text-error"))
            msg.set_classes("-error")
            return
        shown = f"{n} new cards per day" if n is not None else "the learner's new cards per day"
        msg.update(lit(f"✓ Saved {deck}: {shown}", "$text-success"))
        msg.set_classes("-ok")

    def _save_input(self, field: Input) -> None:
        if field.id == "set-deck-new":
            self._save_deck_new(field)
            return
        key = (field.id or "").removeprefix("set-")
        if key not in SETTING_LIMITS:
            return
        if str(getattr(self.quiz.learner, key)) == field.value.strip():
            return
        self.save(key, field.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save_input(event.input)

    def on_descendant_blur(self, event: Any) -> None:
        widget = getattr(event, "widget", None) or getattr(event, "control", None)
        if isinstance(widget, Input):
            self._save_input(widget)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "set-deck":
            deck = self._chosen_deck()
            own = deck_new_limits(self.quiz.learner).get(deck) if deck else None
            self.query_one("#set-deck-new", Input).value = "" if own is None else str(own)
            return
        value = event.value
        if (
            isinstance(value, str)
            and value != self.quiz.learner.theme
            and value != self.app.theme
            and self.save("theme", value)
        ):
            self.quiz.apply_theme(value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        if event.switch.id == "set-bury_related" and event.value != bool_setting(
            self.quiz.learner, "bury_related"
        ):
            self.save("bury_related", event.value)

    def action_close(self) -> None:
        for field in self.query(Input):
            self._save_input(field)
        self.app.pop_screen()
