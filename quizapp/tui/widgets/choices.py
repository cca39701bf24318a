"""The options of a multiple-choice card, chosen by letter, arrows + Enter, or click."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from quizapp.study.grading import letters
from quizapp.tui.safe import lit

LETTER_KEYS = "abcdefghij"


class ChoiceList(OptionList):
    """Single answer: a letter (or Enter on the highlighted option) answers at once.
    Several answers: letters or Space toggle options, Enter submits them."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 14;
        margin: 1 0 0 0;
        border: round $primary 40%;
        padding: 0 1;
    }
    ChoiceList:focus { border: round $primary; }
    ChoiceList > .option-list--option { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Answer", show=True),
        Binding("space", "toggle_highlighted", "Toggle option", show=True),
        *(
            Binding(k, f"pick({i})", f"Option {k.upper()}", show=False)
            for i, k in enumerate(LETTER_KEYS)
        ),
    ]

    TICK_FIRST = "Tick at least one option (Space or its letter), then Enter."

    class NothingTicked(Message):
        """Enter on a several-answers question with no option ticked: not an answer (the
        screen asks again with `TICK_FIRST`)."""

    class Chosen(Message):
        """The learner committed to these options (0-based)."""

        def __init__(self, indexes: list[int]) -> None:
            super().__init__()
            self.indexes = indexes

    def __init__(self, texts: list[str], multiple: bool, *, id: str | None = None) -> None:
        self.texts = texts
        self.multiple = multiple
        self.picked: set[int] = set()
        self.saved: set[int] = set()
        self.letters = letters(len(texts))
        super().__init__(*(Option(self._prompt(i)) for i in range(len(texts))), id=id)

    def set_choices(self, texts: list[str], multiple: bool, saved: Iterable[int] = ()) -> None:
        """Show another card's options. `saved`: an answer already given (quiz mode),
        marked `◀ saved` (and ticked when several answers are allowed)."""
        self.texts = texts
        self.multiple = multiple
        self.saved = set(saved)
        self.picked = set(self.saved) if multiple else set()
        self.letters = letters(len(texts))
        self.set_options(Option(self._prompt(i)) for i in range(len(texts)))
        self.highlighted = min(self.saved) if self.saved else (0 if texts else None)

    def _prompt(self, i: int) -> Content:
        box = ("☑ " if i in self.picked else "☐ ") if self.multiple else ""
        saved = "  ◀ saved" if i in self.saved else ""
        return Content.assemble(
            (box, "bold"),
            (f"{self.letters[i]}) ", "bold"),
            lit(self.texts[i]),
            (saved, "italic"),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return bool(parameters) and int(str(parameters[0])) < len(self.texts)
        if action == "toggle_highlighted":
            return self.multiple
        return True

    def toggle(self, i: int) -> None:
        self.picked ^= {i}
        self.replace_option_prompt_at_index(i, self._prompt(i))
        self.highlighted = i

    def action_pick(self, i: int) -> None:
        if self.multiple:
            self.toggle(i)
        else:
            self.highlighted = i
            self.post_message(self.Chosen([i]))

    def action_toggle_highlighted(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.highlighted)

    def action_submit(self) -> None:
        if self.multiple:
            if not self.picked:  # never the highlighted option in its place
                self.post_message(self.NothingTicked())
                return
            self.post_message(self.Chosen(sorted(self.picked)))
        elif self.highlighted is not None:
            self.post_message(self.Chosen([self.highlighted]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click
        if self.multiple:
            self.toggle(event.option_index)
        else:
            self.post_message(self.Chosen([event.option_index]))
