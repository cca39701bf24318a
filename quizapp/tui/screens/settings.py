"""Per-learner settings, saved at once (validated by the store)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from quizapp.store.db import StoreError
from quizapp.store.learners import SETTING_LIMITS, update_settings
from quizapp.tui.safe import lit

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

FIELDS: list[tuple[str, str]] = [
    ("desired_retention", "Desired retention"),
    ("new_per_day", "New cards per day"),
    ("reviews_per_day", "Reviews per day"),
    ("rollover_hour", "Day starts at hour"),
]


class SettingsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]

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
                    yield Input(str(getattr(lr, key)), id=f"set-{key}",
                                type="number" if key == "desired_retention" else "integer")
                yield Label("Theme")
                themes = sorted(self.app.available_themes)
                yield Select[str](
                    [(lit(t), t) for t in themes], id="set-theme", allow_blank=False,
                    value=self.app.theme if self.app.theme in themes else themes[0],
                )
            yield Static(id="settings-msg")
            yield Static(lit("Each value is saved as soon as you leave the field or press "
                             "Enter. Esc goes back."), classes="dim-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#settings-title", Static).update(Content.assemble(
            ("Settings for ", "bold"), (self.quiz.learner.name, "bold $text-accent"),
        ))
        self.query_one(f"#set-{FIELDS[0][0]}", Input).focus()

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

    def _save_input(self, field: Input) -> None:
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
        value = event.value
        if (isinstance(value, str) and value != self.quiz.learner.theme
                and value != self.app.theme and self.save("theme", value)):
            self.quiz.apply_theme(value)

    def action_close(self) -> None:
        for field in self.query(Input):
            self._save_input(field)
        self.app.pop_screen()
