"""The scrolling area of a card (the study and quiz screens' `#card`)."""

from __future__ import annotations

from textual.containers import VerticalScroll


class CardScroll(VerticalScroll):
    """`VerticalScroll` whose focus restyles itself only.

    Textual restyles a widget *and all its descendants* when it gains or loses focus, in
    case a rule such as ``#card:focus Static`` styles them. No rule of quizapp's (or of
    the widgets inside a card) depends on the card's focus, and the card takes and gives
    back focus at nearly every answer (the option list or answer field has it on the
    question side): restyling the ten widgets of the card each time was a good part of
    the time between a grade key and the next card. Its own `:focus` styles (and its
    scroll bars') still apply.
    """

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.app.stylesheet.update_nodes([self], animate=True)
