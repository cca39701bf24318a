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

It also fits the keys to its width: when they do not all fit in one line, the most used
ones are kept (each screen or widget ranks its actions in `FOOTER_RANK`, lower first;
then the app's; unranked actions come after, in binding order) and the rest stay reachable under `?`
(help) and the command palette. The keys kept are shown in their usual order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

# One key as shown: (binding, enabled, tooltip, key display, is the command palette key).
Entry = tuple["Binding", bool, str, str, bool]

#: The rank of an action that its screen or widget does not rank in `FOOTER_RANK`.
UNRANKED = 50


def key_width(entry: Entry, compact: bool = False) -> int:
    """The cells one key takes in the footer (FooterKey's padding and margin; the palette
    key is always compact, with a border and a padding of one)."""
    binding, _, _, display, palette = entry
    desc = binding.description
    if palette:
        return cell_len(display) + (1 + cell_len(desc) if desc else 0) + 2
    if compact:
        return cell_len(display) + (1 + cell_len(desc) if desc else 0) + 1
    return 2 + cell_len(display) + (cell_len(desc) + 1 if desc else 0)


def action_name(binding: Binding) -> str:
    """`grade` for `grade(3)`: the keys of one action are shown all or none."""
    return binding.action.split("(", 1)[0]


def fit(entries: list[Entry], ranks: list[int], width: int, compact: bool = False) -> list[Entry]:
    """The entries that fit in `width` cells, the lowest ranks first (ties: in order),
    returned in their original order. The keys of one action (1–4 for the grades) are
    kept all or none; the palette key is always kept."""
    room = width - sum(key_width(e, compact) for e in entries if e[4])
    groups: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if not entry[4]:
            groups.setdefault(action_name(entry[0]), []).append(i)
    keep: set[int] = set()
    for group in sorted(groups.values(), key=lambda g: (min(ranks[i] for i in g), g[0])):
        w = sum(key_width(entries[i], compact) for i in group)
        if w <= room:
            keep.update(group)
            room -= w
    return [e for i, e in enumerate(entries) if e[4] or i in keep]


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
        """The keys to show, in order (those `Footer.compose` would show, less those that
        do not fit the width), and whether any is grouped."""
        entries, ranks, grouped = self.all_keys()
        width = self.size.width or self.app.size.width
        if not grouped and width:
            entries = fit(entries, ranks, width, self.compact)
        return entries, grouped

    def all_keys(self) -> tuple[list[Entry], list[int], bool]:
        """The keys `Footer.compose` would show, in order, their ranks and whether any is
        grouped."""
        app = self.app
        active = self.screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str, int]]] = defaultdict(list)
        app_ranks: dict[str, int] = getattr(app, "FOOTER_RANK", {})
        for node, binding, enabled, tooltip in active.values():
            if binding.show:
                ranks_of: dict[str, int] = getattr(node, "FOOTER_RANK", {})
                name = action_name(binding)
                rank = ranks_of.get(name, app_ranks.get(name, UNRANKED))
                by_action[binding.action].append((binding, enabled, tooltip, rank))
        grouped = any(first[0][0].group is not None for first in by_action.values())
        entries: list[Entry] = []
        ranks: list[int] = []
        for (binding, enabled, tooltip, rank), *_ in by_action.values():
            entries.append((binding, enabled, tooltip, app.get_key_display(binding), False))
            ranks.append(rank)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = active.get(app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _, binding, enabled, _tooltip = palette
                entries.append((binding, enabled, "", app.get_key_display(binding), True))
                ranks.append(0)
        return entries, ranks, grouped

    # -- building ------------------------------------------------------------------------

    def compose(self) -> Iterator[Widget]:
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

    def on_resize(self) -> None:
        """Another width may fit more or fewer keys."""
        if self._bindings_ready and not self._rebuild_queued:
            self._rebuild_queued = True
            self.call_later(self._rebuild)

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
            known = self._keys.get(entry)
            if known is None:
                key = self._make_key(entry, entry in shown)
                batch.append(key)
            else:
                key = known
                if batch:
                    await self.mount(*batch, before=key)
                    batch = []
            keys[entry] = key
        if batch:
            await self.mount(*batch)
        self._keys = keys
        # Not `styles.grid_size_columns` (which `compose` sets, as Footer.compose does):
        # the footer's layout is horizontal, so it changes nothing on screen, and setting
        # it refreshes every key (a grid property refreshes the children): each key was
        # rendered and measured again at every grade.
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
