"""Textual's key footer, rebuilt only when what it shows changes.

Textual's `Footer` removes and re-mounts every key widget each time a screen's bindings
are refreshed (a focus change, `refresh_bindings()`), often several times for one
keypress, and each new key is styled three times while it mounts. On the study screen
that was most of the time between a grade and the next card. This footer shows exactly
the same keys; it only skips the rebuilds that would show the same thing, merges the
rebuilds queued for one refresh into one, and mounts each key already styled.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen


class QuizFooter(Footer):
    """`Footer` with the same content, rebuilt only when that content changes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: object = None  # what the mounted keys show
        self._rebuild_queued = False

    def shown(self) -> object:
        """Everything the keys are built from (see `Footer.compose`), comparable."""
        if not self._bindings_ready or not self.is_attached:
            return None
        app = self.app
        keys = tuple(
            (binding, enabled, tooltip, app.get_key_display(binding))
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _, binding, enabled, tooltip = entry
                palette = (binding, enabled, tooltip, app.get_key_display(binding))
        return keys, palette, self.combine_groups

    def compose(self) -> Iterator[Widget]:  # type: ignore[override]
        self._shown = self.shown()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                self._settle_compact(widget)
            yield widget

    def _settle_compact(self, key: FooterKey) -> None:
        """Give a new key its final `compact` value and class before it mounts.

        Textual's key starts compact (its default), gets the `-compact` class from the
        initial watcher, then loses it again when its data binding copies the footer's
        value: two restyles of every key. Set up front, both are no-ops.
        """
        bound = "compact" in (getattr(key, "_reactive_connect", None) or {})
        compact = self.compact if bound else True  # FooterKey.compact defaults to True
        key.set_reactive(FooterKey.compact, compact)
        key.set_class(compact, "-compact", update=False)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        if self.shown() != self._shown:
            await self.recompose()
