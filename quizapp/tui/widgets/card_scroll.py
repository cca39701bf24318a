"""The scrolling area of a card (the study and quiz screens' `#card`)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget


class CardScroll(VerticalScroll):
    """`VerticalScroll` whose focus restyles itself only.

    Textual restyles a widget *and all its descendants* when it gains or loses focus, in
    case a rule such as ``#card:focus Static`` styles them. No rule of quizapp's (or of
    the widgets inside a card) depends on the card's focus, and the card takes and gives
    back focus at nearly every answer (the option list or answer field has it on the
    question side): restyling the ten widgets of the card each time was a good part of
    the time between a grade key and the next card. Its own `:focus` styles (and its
    scroll bars') still apply.

    It also scrolls a widget just shown to its top once the screen has laid it out
    (`scroll_to_when_laid_out`): the verdict after an answer.
    """

    _pending: Widget | None = None

    def on_mount(self) -> None:
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.app.stylesheet.update_nodes([self], animate=True)

    def scroll_to_when_laid_out(self, widget: Widget) -> None:
        """Scroll `widget` (a child just shown) to the top at the screen's next layout.

        A widget that was hidden has no place in the card until the screen lays it out
        again, and that may come several refreshes later (a count of refreshes gave up
        too early on the first answer of a session): this waits for the layout itself.
        """
        self._pending = widget

    def _laid_out(self, _screen: Screen[object]) -> None:
        widget = self._pending
        if widget is None:
            return
        if not widget.display:  # hidden again (the next card) before its layout
            self._pending = None
            return
        if not widget.virtual_region.height:  # not placed yet
            return
        self._pending = None
        self.scroll_to_widget(widget, top=True, animate=False)
