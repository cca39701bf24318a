"""Occlusion study items as pictures and words: masks composited with Pillow, and where
the asked region is, for plain mode and screen readers.

Pure functions of a decoded image and a card's shapes (no terminal, no Textual): the TUI
draws what `composite` returns, `--open-images` saves it for the system viewer, and the
tests check it pixel by pixel. Colours follow Anki's Image Occlusion: the asked group
red, the other masked shapes yellow, each with a dark outline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw

from quizapp.model import Shape

ASKED_FILL = (255, 142, 142, 255)
OTHER_FILL = (255, 235, 162, 255)
OUTLINE = (33, 33, 33, 255)
REVEALED_OUTLINE = (220, 0, 0, 255)
HIDE_ONE = "hide-one"


def _box(shape: Shape, width: int, height: int) -> tuple[int, int, int, int]:
    left, top, w, h = shape.coords
    x0, y0 = round(left * width), round(top * height)
    x1, y1 = round((left + w) * width) - 1, round((top + h) * height) - 1
    return x0, y0, max(x0, x1), max(y0, y1)


def _points(shape: Shape, width: int, height: int) -> list[tuple[int, int]]:
    c = shape.coords
    return [(round(x * width), round(y * height)) for x, y in zip(c[0::2], c[1::2], strict=True)]


def _draw(
    draw: ImageDraw.ImageDraw,
    shape: Shape,
    size: tuple[int, int],
    fill: tuple[int, int, int, int] | None,
    outline: tuple[int, int, int, int],
    line: int,
) -> None:
    width, height = size
    if shape.kind == "rect":
        draw.rectangle(_box(shape, width, height), fill=fill, outline=outline, width=line)
    elif shape.kind == "ellipse":
        draw.ellipse(_box(shape, width, height), fill=fill, outline=outline, width=line)
    else:
        draw.polygon(_points(shape, width, height), fill=fill, outline=outline, width=line)


def composite(
    image: Image.Image, shapes: Iterable[Shape], group: int, mode: str, revealed: bool = False
) -> Image.Image:
    """A copy of `image` (RGBA) with the masks of study item `group`.

    Question side: the asked group's shapes filled red; in hide-all mode (the default) the
    other shapes filled yellow too. Answer side (`revealed`): the asked shapes are uncovered
    and outlined in red; the others stay as they were.
    """
    out = image.convert("RGBA")
    if out is image:
        out = image.copy()
    draw = ImageDraw.Draw(out)
    line = max(1, round(min(out.size) / 200))
    for shape in shapes:
        asked = shape.group == group
        if asked and revealed:
            _draw(draw, shape, out.size, None, REVEALED_OUTLINE, line + 1)
        elif asked:
            _draw(draw, shape, out.size, ASKED_FILL, OUTLINE, line)
        elif mode != HIDE_ONE:
            _draw(draw, shape, out.size, OTHER_FILL, OUTLINE, line)
    return out


def _where(x: float, y: float) -> str:
    row = "top" if y < 1 / 3 else "bottom" if y > 2 / 3 else "middle"
    col = "left" if x < 1 / 3 else "right" if x > 2 / 3 else "centre"
    return "centre" if (row, col) == ("middle", "centre") else f"{row} {col}"


def _centre(shape: Shape) -> tuple[float, float]:
    c = shape.coords
    if shape.kind == "polygon":
        xs, ys = c[0::2], c[1::2]
        return sum(xs) / len(xs), sum(ys) / len(ys)
    return c[0] + c[2] / 2, c[1] + c[3] / 2


def describe(shapes: Sequence[Shape], group: int, mode: str) -> str:
    """Where the asked region is, in words ("the hidden region: 1 rect at the top left;
    3 other shapes are masked too"), for plain mode and screen readers."""
    asked = [s for s in shapes if s.group == group]
    places = ", ".join(f"{s.kind} at the {_where(*_centre(s))}" for s in asked)
    text = f"asked: {places}" if places else "asked: nothing"
    others = len(shapes) - len(asked)
    if others and mode != HIDE_ONE:
        text += f"; {others} other shape{'s' if others != 1 else ''} masked too"
    return text
