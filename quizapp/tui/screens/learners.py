"""Learner switcher: list, add, rename, switch (one key away from home: l)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.store.db import StoreError
from quizapp.store.learners import Learner, add_learner, list_learners, rename_learner
from quizapp.tui.safe import lit, part
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp


class LearnerScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "switch", "Switch to"),
        Binding("a", "add", "Add learner"),
        Binding("r", "rename", "Rename"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.learners: list[Learner] = []
        self.mode = ""  # "add" | "rename" while the name field is open

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="learner-box", classes="dialog"):
            yield Static(Content.from_markup("[b]Learners[/b]"), classes="dialog-title")
            yield OptionList(id="learner-list")
            yield Input(id="learner-name", placeholder="Name, then Enter (Esc cancels)")
            yield Static(id="learner-msg")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.query_one("#learner-name", Input).display = False
        self.load()

    def load(self, select_id: int | None = None) -> None:
        self.learners = list_learners(self.quiz.db)
        ol = self.query_one("#learner-list", OptionList)
        ol.clear_options()
        current = self.quiz.learner.id
        for lr in self.learners:
            mark = ("● ", "bold $text-success") if lr.id == current else ("  ", "")
            ol.add_option(Option(Content.assemble(mark, part(lr.name)), id=str(lr.id)))
        target = select_id if select_id is not None else current
        for i, lr in enumerate(self.learners):
            if lr.id == target:
                ol.highlighted = i
        ol.focus()

    def highlighted(self) -> Learner | None:
        ol = self.query_one("#learner-list", OptionList)
        if ol.highlighted is None or ol.highlighted >= len(self.learners):
            return None
        return self.learners[ol.highlighted]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Not while a name is being typed.
        return not (action in ("switch", "add", "rename") and self.mode)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_switch()

    def action_switch(self) -> None:
        lr = self.highlighted()
        if lr is None:
            return
        self.quiz.switch_learner(lr)
        self.notify(f"Studying as {lr.name}.", markup=False, timeout=3)
        self.dismiss(None)

    def _open_name(self, mode: str, value: str = "") -> None:
        self.mode = mode
        field = self.query_one("#learner-name", Input)
        field.value = value
        field.placeholder = (
            "New learner's name" if mode == "add" else "New name"
        ) + ", then Enter (Esc cancels)"
        field.display = True
        field.focus()
        self.refresh_bindings()

    def action_add(self) -> None:
        self._open_name("add")

    def action_rename(self) -> None:
        lr = self.highlighted()
        if lr is not None:
            self._open_name("rename", lr.name)

    def _close_name(self) -> None:
        self.mode = ""
        self.query_one("#learner-name", Input).display = False
        self.query_one("#learner-list", OptionList).focus()
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        msg = self.query_one("#learner-msg", Static)
        try:
            if self.mode == "add":
                lr = add_learner(self.quiz.db, event.value)
                msg.update(lit(f"Added {lr.name}. Enter switches to them."))
            else:
                old = self.highlighted()
                if old is None:
                    return
                lr = rename_learner(self.quiz.db, old.name, event.value)
                if lr.id == self.quiz.learner.id:
                    self.quiz.reload_learner()
                    self.quiz.refresh_home()
                msg.update(lit(f"Renamed to {lr.name}."))
        except StoreError as e:
            msg.update(lit(str(e), "$text-error"))
            return
        self._close_name()
        self.load(select_id=lr.id)

    def action_close(self) -> None:
        if self.mode:
            self._close_name()
        else:
            self.dismiss(None)
