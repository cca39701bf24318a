"""Occlusion shapes as written in a deck: `rect L T W H`, `ellipse L T W H`, `polygon x,y …`.

Coordinates are fractions of the image's width and height (0–1), so a shape does not
depend on the image's pixel size (Anki's Image Occlusion stores them the same way).
An occlusion card gives one study item per shape group (`ord` = group), like cloze
deletion numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from quizapp.model import Shape

SHAPE_KINDS: tuple[str, ...] = ("rect", "ellipse", "polygon")
MIN_POLYGON_POINTS = 3
_NUM = re.compile(r"^[+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


class ShapeError(ValueError):
    """A shape text that cannot be read; the message says what is wrong."""


def _number(text: str) -> float:
    if not _NUM.match(text):
        raise ShapeError(f"`{text}` is not a number between 0 and 1")
    value = float(text)
    if not 0.0 <= value <= 1.0 or not math.isfinite(value):
        raise ShapeError(f"{text} is outside 0–1 (coordinates are fractions of the image)")
    return value


def parse_shape(text: str) -> tuple[str, tuple[float, ...]]:
    """(kind, coords) of a shape text; raises ShapeError saying what is wrong."""
    words = text.split()
    if not words:
        raise ShapeError("the shape is empty")
    kind = words[0].lower()
    if kind not in SHAPE_KINDS:
        raise ShapeError(f"unknown shape `{words[0]}`: use rect, ellipse or polygon")
    rest = words[1:]
    if kind == "polygon":
        coords: list[float] = []
        for point in rest:
            xy = point.split(",")
            if len(xy) != 2:
                raise ShapeError(f"polygon point `{point}` is not `x,y`")
            coords.extend(_number(v) for v in xy)
        if len(coords) < 2 * MIN_POLYGON_POINTS:
            raise ShapeError("a polygon needs at least 3 points `x,y`")
        return kind, tuple(coords)
    if len(rest) != 4:
        raise ShapeError(f"{kind} needs 4 numbers: left top width height")
    left, top, width, height = (_number(v) for v in rest)
    if width <= 0 or height <= 0:
        raise ShapeError(f"{kind} width and height must be more than 0")
    if left + width > 1.0 + 1e-9 or top + height > 1.0 + 1e-9:
        raise ShapeError(f"{kind} reaches past the image's edge (left+width or top+height > 1)")
    return kind, (left, top, width, height)


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def shape_text(kind: str, coords: Iterable[float]) -> str:
    """The deck form of a shape (inverse of `parse_shape`, to 4 decimals)."""
    values = list(coords)
    if kind == "polygon":
        pairs = zip(values[0::2], values[1::2], strict=True)
        return "polygon " + " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pairs)
    return kind + " " + " ".join(_fmt(v) for v in values)


def groups(shapes: Iterable[Shape]) -> list[int]:
    """The card's study-item ords: its shape groups, ascending."""
    return sorted({s.group for s in shapes})


def group_label(shapes: Iterable[Shape], group: int) -> str:
    """The answer of one group: its shapes' labels, distinct, in order, joined by "; "."""
    labels = dict.fromkeys(s.label.strip() for s in shapes if s.group == group)
    return "; ".join(label for label in labels if label)
