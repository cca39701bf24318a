"""Textual's key footer, rebuilt only when what it shows changes.

Textual's `Footer` removes and re-mounts every key widget each time a screen's bindings
are refreshed (a focus change, `refresh_bindings()`), often several times for one
keypress, and each new key is styled three times while it mounts. On the study screen
that was most of the time between a grade and the next card. This footer shows exactly
the same keys, built the same way, but:

* the rebuilds queued for one refresh are merged into one, and skipped when the keys
  would be the same;
* a key that goes away is hidden, not removed, so when the screen goes back to a state
  it was in (question side ↔ answer side) its keys are shown again instead of mounted
  anew; keys are mounted only for a combination not seen yet, and already styled.

Bindings in groups (none in quizapp; Textual shows them as a key group with a label) are
left to `Footer` itself, with only the first point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

# One key as shown: (binding, enabled, tooltip, key display, is the command palette key).
Entry = tuple["Binding", bool, str, str, bool]


class QuizFooter(Footer):
    """`Footer` with the same content, rebuilt only when that content changes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._keys: dict[Entry, FooterKey] = {}  # mounted keys (shown or hidden), in order
        self._shown: list[Entry] | None = None  # the keys on show (None: Footer's own)
        self._grouped = False
        self._rebuild_queued = False
        self._compose_with: list[Entry] = []

    # -- what to show ------------------------------------------------------------------

    def wanted(self) -> tuple[list[Entry], bool]:
        """The keys `Footer.compose` would show, in order, and whether any is grouped."""
        app = self.app
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        grouped = any(first[0][0].group is not None for first in by_action.values())
        entries: list[Entry] = [
            (binding, enabled, tooltip, app.get_key_display(binding), False)
            for (binding, enabled, tooltip), *_ in by_action.values()
        ]
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = active.get(app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _, binding, enabled, _tooltip = palette
                entries.append((binding, enabled, "", app.get_key_display(binding), True))
        return entries, grouped

    # -- building ------------------------------------------------------------------------

    def compose(self) -> Iterator[Widget]:  # type: ignore[override]
        self._keys = {}
        if not self._bindings_ready:
            self._shown = []
            return
        wanted, grouped = self.wanted()
        self._grouped = grouped
        if grouped:  # Footer's own layout, rebuilt whenever the keys change
            self._shown = wanted
            for widget in super().compose():
                if isinstance(widget, FooterKey):
                    self._settle_compact(widget)
                yield widget
            return
        self.styles.grid_size_columns = sum(not e[4] for e in wanted)
        shown = set(wanted)
        for entry in self._compose_with or wanted:
            key = self._make_key(entry, entry in shown)
            self._keys[entry] = key
            yield key
        self._shown = wanted
        self._compose_with = []

    def _make_key(self, entry: Entry, shown: bool) -> FooterKey:
        """A key exactly as `Footer.compose` makes it (`shown`: else hidden)."""
        binding, enabled, tooltip, display, palette = entry
        if palette:
            key = FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )
        else:
            key = FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        self._settle_compact(key)
        key.display = shown
        return key

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

    # -- updating ---------------------------------------------------------------------------

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_queued = False
        if not self.is_attached:
            return
        wanted, grouped = self.wanted()
        if wanted == self._shown:
            return
        if grouped or self._grouped:
            await self.recompose()
            return
        mounted = list(self._keys)
        merged = _merge(mounted, wanted)  # the keys not wanted now stay, hidden
        if not _in_order([e for e in merged if e in self._keys], mounted):
            self._compose_with = merged  # (keys would have to move: build afresh)
            await self.recompose()
            return
        shown = set(wanted)
        for entry, key in self._keys.items():
            key.display = entry in shown
        # Mount the keys not seen yet, each before the next key already mounted.
        keys: dict[Entry, FooterKey] = {}
        batch: list[FooterKey] = []
        for entry in merged:
            key = self._keys.get(entry)
            if key is None:
                key = self._make_key(entry, entry in shown)
                batch.append(key)
            elif batch:
                await self.mount(*batch, before=key)
                batch = []
            keys[entry] = key
        if batch:
            await self.mount(*batch)
        self._keys = keys
        self.styles.grid_size_columns = sum(not e[4] for e in wanted)
        self._shown = wanted


def _in_order(wanted: list[Entry], mounted: list[Entry]) -> bool:
    """Do the `wanted` keys appear in `mounted` in the same order?"""
    position = {e: i for i, e in enumerate(mounted)}
    places = [position[e] for e in wanted]
    return places == sorted(places)


def _merge(old: list[Entry], new: list[Entry]) -> list[Entry]:
    """`new` in its order, with the keys only in `old` kept beside their old neighbours."""
    where = {e: i for i, e in enumerate(new)}
    merged: list[Entry] = []
    taken = 0
    for entry in old:
        i = where.get(entry)
        if i is None:
            merged.append(entry)
        elif i >= taken:
            merged.extend(new[taken : i + 1])
            taken = i + 1
    merged.extend(new[taken:])
    return merged
