"""A card's picture in the TUI, in the terminal's best graphics.

Kitty graphics (the Terminal Graphics Protocol) or Sixel, drawn by textual-image, or
Unicode half-blocks (two pixels per cell, coloured ▀, `HalfBlocks`) — chosen by what the
terminal answers when asked (textual-image asks once, before Textual starts: `prepare`),
or forced by the learner's `images` setting or `QUIZAPP_IMAGES=kitty|sixel|halfblock|off`
(the variable wins). `off` shows the alt text.

The terminal is asked only when both stdin and stdout are terminals, and an answer that
never comes ends the wait (end of input included): `quizapp < file` or a pipe never hangs,
it draws half-blocks. textual-image is imported when a picture is first drawn or by
`prepare`, never by opening the app.

The picture (occlusion masks composited, `quizapp.study.images`) is scaled down to the
pane before drawing, so drawing costs the same for a 2 MP photo as for a thumbnail; the
decoded images are cached for the session. Half-blocks are drawn as one Textual `Strip`
per row, built once per size (textual-image's half-block renderable went through Rich
per cell, ~4× slower). Under the picture, its alt text in dim italics (screen readers,
and learners who want the words). `z` shows it full screen (`Ctrl+Z` from an answer
field, where `z` is typed).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from quizapp.store.items import StudyItem
from quizapp.study import images
from quizapp.tui.safe import lit

if TYPE_CHECKING:
    from PIL import Image as PILImage

MODES = ("auto", "kitty", "sixel", "halfblock", "off")
ENV = "QUIZAPP_IMAGES"
#: Half-block pictures are never drawn from more pixels than two per cell.
MAX_PIXELS_PER_CELL = (2, 4)  # width, height: enough for half-blocks; graphics get more


def chosen_mode(setting: str | None = None) -> str:
    """The drawing mode: `QUIZAPP_IMAGES`, else the learner's setting, else auto."""
    if _UNAVAILABLE:
        return "off"
    for value in (os.environ.get(ENV, ""), setting or ""):
        value = value.strip().lower()
        if value in MODES:
            return value
    return "auto"


def prepare(setting: str | None = None) -> None:
    """Let textual-image ask the terminal what it supports — only possible before Textual
    starts reading the keyboard, and only when stdin and stdout are both a terminal. Not
    done when images are off. If textual-image cannot start in this terminal, pictures
    fall back to their alt text (never a crash). Started ahead (`prepare_ahead`): waits
    for that."""
    global _AHEAD
    ahead = _AHEAD
    if ahead is not None and ahead is not threading.current_thread():
        ahead.join()
        _AHEAD = None
        return
    if chosen_mode(setting) == "off":
        return
    _load_textual_image(ask=_both_terminals())


def prepare_ahead(setting: str | None = None) -> None:
    """Start `prepare` on a thread: a terminal without Kitty graphics never answers
    textual-image's question about them, which costs a 0.1 s wait; it passes while the
    store opens. Call `prepare` before Textual starts (it waits for the thread)."""
    global _AHEAD
    if _AHEAD is None and not _LOADED and chosen_mode(setting) != "off":
        _AHEAD = threading.Thread(target=prepare, args=(setting,), daemon=True)
        _AHEAD.start()


_AHEAD: threading.Thread | None = None


def _both_terminals() -> bool:
    streams = (sys.__stdin__, sys.__stdout__)
    try:
        return all(s is not None and s.isatty() for s in streams)
    except (ValueError, OSError):  # a closed stream
        return False


def _load_textual_image(*, ask: bool) -> None:
    """Import textual-image (which asks the terminal for graphics support on import),
    letting it ask only when `ask`; an answer that does not come, or end of input, ends
    the wait. Any failure leaves `_UNAVAILABLE` saying why."""
    global _UNAVAILABLE, _LOADED
    if _LOADED:
        return
    _LOADED = True
    try:
        from textual_image import _terminal

        _terminal.read = _read_or_end(_terminal.read)
        if not ask:
            _terminal.capture_terminal_response = _no_answer
        try:
            _terminal.get_cell_size()
        except ZeroDivisionError:  # a pty that reports 0 columns (e.g. `script`)
            _terminal.get_cell_size._result = _terminal.CellSize(10, 20)  # type: ignore[attr-defined]
        import textual_image.widget  # noqa: F401  (the import asks the terminal)
    except Exception as e:  # any failure: show alt text instead
        _UNAVAILABLE = f"{type(e).__name__}: {e}"


def _read_or_end(read: Callable[..., str]) -> Callable[..., str]:
    """textual-image's read of the terminal's answer, which at end of input returned ""
    for ever (its wait never ended): end of input is no answer."""

    def read_or_end(fd: int, length: int, timeout: float | None = None) -> str:
        got = read(fd, length, timeout)
        if not got:
            from textual_image._terminal import TerminalError

            raise TerminalError("end of input: no answer from the terminal")
        return got

    return read_or_end


@contextlib.contextmanager
def _no_answer(*_args: object, **_kw: object) -> Iterator[Any]:
    """In place of textual-image's question to the terminal when nobody can answer it
    (not a terminal, or Textual already reads the keyboard): no graphics protocol."""
    from textual_image._terminal import TerminalError

    raise TerminalError("not asked: no terminal to answer")
    yield  # pragma: no cover


_UNAVAILABLE = ""  # why textual-image could not start here ("" when it could)
_LOADED = False  # textual-image imported (or failed to)


def widget_class(mode: str) -> Callable[..., Widget]:
    """The widget drawing in `mode`: textual-image's for kitty and sixel (auto: what the
    terminal supports), `HalfBlocks` for half-blocks and when it supports neither."""
    if mode == "halfblock":
        return HalfBlocks
    # Not asked before Textual started (prepare): too late to ask, Textual reads the keys.
    _load_textual_image(ask=False)
    from textual_image import renderable
    from textual_image.widget import SixelImage, TGPImage

    if mode == "kitty":
        return TGPImage
    if mode == "sixel":
        return SixelImage
    if mode == "auto" and renderable.Image is renderable.SixelImage:
        return SixelImage
    if mode == "auto" and renderable.Image is renderable.TGPImage:
        return TGPImage
    return HalfBlocks


class HalfBlocks(Widget):
    """A picture in Unicode half-blocks: each cell a ▀ whose colour is the upper pixel and
    whose background is the lower one. As large as fits the width it is given and
    `max_rows`, aspect kept (a cell is one pixel wide and two high); each row is one
    `Strip`, built once per size."""

    DEFAULT_CSS = "HalfBlocks { width: auto; height: auto; }"

    def __init__(
        self, picture: PILImage.Image, max_rows: int = 24, *, classes: str | None = None
    ) -> None:
        super().__init__(classes=classes)
        self.picture = picture
        self.max_rows = max(1, max_rows)
        self._strips: tuple[Size, list[Strip]] | None = None

    def fit(self, max_cols: int) -> Size:
        """The cells the picture takes within `max_cols` × `max_rows`."""
        w, h = self.picture.size
        if w <= 0 or h <= 0 or max_cols <= 0:
            return Size(0, 0)
        cols, rows = max_cols, round(max_cols * h / w / 2)
        if rows > self.max_rows:
            rows = self.max_rows
            cols = min(max_cols, round(rows * 2 * w / h))
        return Size(max(1, cols), max(1, rows))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.fit(container.width).width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.fit(width).height

    def render_line(self, y: int) -> Strip:
        strips = self.strips(self.fit(self.size.width))
        return strips[y] if 0 <= y < len(strips) else Strip.blank(self.size.width)

    def strips(self, size: Size) -> list[Strip]:
        """The rows of the picture drawn in `size` cells (kept for the last size)."""
        if self._strips is None or self._strips[0] != size:
            self._strips = (size, half_block_strips(self.picture, size.width, size.height))
        return self._strips[1]


def half_block_strips(picture: PILImage.Image, cols: int, rows: int) -> list[Strip]:
    """`picture` scaled to `cols` × 2·`rows` pixels, one Strip of ▀ per two pixel rows."""
    if cols <= 0 or rows <= 0:
        return []
    data = picture.convert("RGB").resize((cols, rows * 2)).tobytes()
    colours: dict[bytes, Color] = {}

    def colour(rgb: bytes) -> Color:
        c = colours.get(rgb)
        if c is None:  # Color.from_rgb, without its slower name formatting
            c = Color("#" + rgb.hex(), ColorType.TRUECOLOR, None, ColorTriplet(*rgb))
            colours[rgb] = c
        return c

    stride = cols * 3
    out = []
    for row in range(rows):
        top = data[2 * row * stride : (2 * row + 1) * stride]
        bottom = data[(2 * row + 1) * stride : (2 * row + 2) * stride]
        segments = [
            Segment("▀", Style.from_color(colour(top[i : i + 3]), colour(bottom[i : i + 3])))
            for i in range(0, stride, 3)
        ]
        out.append(Strip(segments, cols))
    return out


def pixel_box(cols: int, rows: int, mode: str) -> tuple[int, int]:
    """The most pixels `cols`×`rows` cells show: 1×2 per cell in half-blocks (2× for
    smooth scaling by the renderer), a generous cell size for graphics protocols."""
    per_w, per_h = (2, 4) if mode == "halfblock" else (12, 24)
    return max(1, cols * per_w), max(1, rows * per_h)


def fit(picture: PILImage.Image, cols: int, rows: int, mode: str) -> PILImage.Image:
    """`picture` scaled down (never up) to what `cols`×`rows` cells can show."""
    from PIL import Image as PILImage

    box = pixel_box(cols, rows, mode)
    if picture.width <= box[0] and picture.height <= box[1]:
        return picture
    copy = picture.copy()
    copy.thumbnail(box, PILImage.Resampling.BILINEAR, reducing_gap=2.0)
    return copy


class CardPicture(Vertical):
    """The picture of one side of a study item, or its alt text (or why it cannot show)."""

    DEFAULT_CSS = """
    CardPicture { height: auto; margin: 1 0 0 0; }
    CardPicture.-none { display: none; }
    CardPicture > .picture { width: auto; height: auto; max-height: 40vh; }
    CardPicture > #alt { color: $text-muted; text-style: italic; }
    """

    def __init__(self, mode: str = "auto", *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-none")
        self.mode = mode
        self.item: StudyItem | None = None
        self.revealed = False
        self.picture: PILImage.Image | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="alt")

    def show(self, item: StudyItem | None, revealed: bool = False) -> None:
        """Draw this side of `item` (nothing when it has no image; on the answer side the
        question's picture stays unless the answer has its own)."""
        if revealed and item is not None and item is self.item and not images.image_for(item, True):
            return
        self.item, self.revealed, self.picture = item, revealed, None
        for old in self.query(".picture"):
            old.remove()
        image = images.image_for(item, revealed) if item is not None else None
        alt = self.query_one("#alt", Static)
        self.set_class(image is None, "-none")
        if item is None or image is None:
            alt.update("")
            return
        words = images.text_for(item, revealed)
        if self.mode == "off":
            alt.update(lit(f"[image: {words}]"))
            return
        cols = self.app.size.width - 4
        rows = max(4, min(24, self.app.size.height * 2 // 5))
        try:
            self.picture = images.picture(
                item, revealed, pixel_box(cols, rows, self._drawing_mode())
            )
        except images.MediaError as e:
            alt.update(lit(f"[image: {image.alt}] — {e}"))
            return
        if self.picture is None:
            alt.update(lit(f"[image: {words}]"))
            return
        alt.update(lit(image.alt))
        self.mount(_drawn(self.mode, self.picture, rows), before=alt)

    def _drawing_mode(self) -> str:
        if self.mode != "auto":
            return self.mode
        return "halfblock" if widget_class("auto") is HalfBlocks else "graphics"


def _drawn(mode: str, picture: PILImage.Image, rows: int) -> Widget:
    """The widget drawing `picture` in `mode`, at most `rows` high."""
    cls = widget_class(mode)
    if cls is HalfBlocks:
        return HalfBlocks(picture, rows, classes="picture")
    return cls(picture, classes="picture")


class FullPicture(ModalScreen[None]):
    """The picture alone, as large as the terminal allows (`z`, Ctrl+Z or Escape
    closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "dismiss", "Close"),
        Binding("ctrl+z", "dismiss", "Close", show=False),
        Binding("escape", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    FullPicture { align: center middle; background: $background; }
    FullPicture > .picture { width: auto; height: auto; max-width: 100%; max-height: 100%; }
    """

    def __init__(self, picture: PILImage.Image, mode: str) -> None:
        super().__init__()
        self.picture = picture
        self.mode = mode

    def compose(self) -> ComposeResult:
        size = self.app.size
        drawing = "halfblock" if widget_class(self.mode) is HalfBlocks else "graphics"
        pic = fit(self.picture, size.width, size.height - 1, drawing)
        yield _drawn(self.mode, pic, size.height - 1)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def open_full(widget: CardPicture) -> bool:
    """Show `widget`'s picture full screen (decoded again at that size); False when there
    is none."""
    if widget.picture is None or widget.item is None or widget.mode == "off":
        return False
    size = widget.app.size
    box = pixel_box(size.width, size.height - 1, widget._drawing_mode())
    try:
        picture = images.picture(widget.item, widget.revealed, box) or widget.picture
    except images.MediaError:
        picture = widget.picture
    widget.app.push_screen(FullPicture(picture, widget.mode))
    return True
