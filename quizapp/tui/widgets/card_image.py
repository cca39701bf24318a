"""A card's picture in the TUI, drawn with textual-image in the terminal's best graphics.

Kitty graphics (the Terminal Graphics Protocol), Sixel, or Unicode half-blocks (two pixels
per cell, coloured ▀) — chosen by what the terminal answers when asked (textual-image asks
once, before Textual starts: `prepare`), or forced by the learner's `images` setting or
`QUIZAPP_IMAGES=kitty|sixel|halfblock|off` (the variable wins). `off` shows the alt text.

The picture (occlusion masks composited, `quizapp.study.images`) is scaled down to the
pane before drawing, so drawing costs the same for a 2 MP photo as for a thumbnail; the
decoded images are cached for the session. Under the picture, its alt text in dim italics
(screen readers, and learners who want the words). `z` shows it full screen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
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
    starts reading the keyboard. Not done when images are off. If textual-image cannot
    start in this terminal, pictures fall back to their alt text (never a crash)."""
    global _UNAVAILABLE
    if chosen_mode(setting) == "off":
        return
    try:
        from textual_image import _terminal

        try:
            _terminal.get_cell_size()
        except ZeroDivisionError:  # a pty that reports 0 columns (e.g. `script`)
            _terminal.get_cell_size._result = _terminal.CellSize(10, 20)  # type: ignore[attr-defined]
        import textual_image.widget  # noqa: F401  (the import asks the terminal)
    except Exception as e:  # any failure: show alt text instead
        _UNAVAILABLE = f"{type(e).__name__}: {e}"


_UNAVAILABLE = ""  # why textual-image could not start here ("" when it could)


def widget_class(mode: str) -> Callable[..., Widget]:
    """The textual-image widget drawing in `mode` (auto: what the terminal supports, and
    half-blocks when it supports neither graphics protocol)."""
    from textual_image import renderable
    from textual_image.widget import HalfcellImage, SixelImage, TGPImage

    if mode == "kitty":
        return TGPImage
    if mode == "sixel":
        return SixelImage
    if mode == "auto" and renderable.Image is renderable.SixelImage:
        return SixelImage
    if mode == "auto" and renderable.Image is renderable.TGPImage:
        return TGPImage
    return HalfcellImage


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
        self.mount(widget_class(self.mode)(self.picture, classes="picture"), before=alt)

    def _drawing_mode(self) -> str:
        if self.mode != "auto":
            return self.mode
        from textual_image.widget import HalfcellImage

        return "halfblock" if widget_class("auto") is HalfcellImage else "graphics"


class FullPicture(ModalScreen[None]):
    """The picture alone, as large as the terminal allows (`z` or Escape closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "dismiss", "Close"),
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
        drawing = "halfblock" if self.mode == "halfblock" else "graphics"
        pic = fit(self.picture, size.width, size.height - 1, drawing)
        yield widget_class(self.mode)(pic, classes="picture")

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
