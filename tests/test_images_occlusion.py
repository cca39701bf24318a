"""Occlusion masks composited with Pillow, checked pixel by pixel."""

from __future__ import annotations

from PIL import Image

from quizapp.model import Shape
from quizapp.study.occlusion import (
    ASKED_FILL,
    OTHER_FILL,
    OUTLINE,
    REVEALED_OUTLINE,
    composite,
    describe,
)

GREY = (90, 90, 90, 255)
SHAPES = (
    Shape(1, "a", "rect", (0.2, 0.2, 0.4, 0.4)),  # pixels 2–5 of a 10×10 image
    Shape(2, "b", "rect", (0.7, 0.0, 0.3, 0.3)),  # pixels x 7–9, y 0–2
)


def _expected(box: tuple[int, int, int, int], fill: tuple[int, ...], edge: tuple[int, ...]):  # type: ignore[no-untyped-def]
    x0, y0, x1, y1 = box

    def colour(x: int, y: int) -> tuple[int, ...] | None:
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        return edge if x in (x0, x1) or y in (y0, y1) else fill

    return colour


def _check(img: Image.Image, *rules) -> None:  # type: ignore[no-untyped-def]
    for y in range(img.height):
        for x in range(img.width):
            want = next((c for rule in rules if (c := rule(x, y)) is not None), GREY)
            assert img.getpixel((x, y)) == want, (x, y)


def test_hide_all_masks_the_asked_group_red_and_the_others_yellow() -> None:
    base = Image.new("RGBA", (10, 10), GREY)
    out = composite(base, SHAPES, 1, "hide-all")
    _check(
        out,
        _expected((2, 2, 5, 5), ASKED_FILL, OUTLINE),
        _expected((7, 0, 9, 2), OTHER_FILL, OUTLINE),
    )
    assert base.getpixel((3, 3)) == GREY  # the cached original is not touched


def test_hide_one_masks_only_the_asked_group() -> None:
    out = composite(Image.new("RGB", (10, 10), GREY[:3]), SHAPES, 2, "hide-one")
    _check(out, _expected((7, 0, 9, 2), ASKED_FILL, OUTLINE))


def test_the_answer_uncovers_the_asked_group_with_a_red_outline() -> None:
    out = composite(Image.new("RGBA", (10, 10), GREY), SHAPES, 1, "hide-all", revealed=True)
    # outline width 2 (1 + 1): the two outer rings of the box are red, the inside shows
    ring = _expected((2, 2, 5, 5), GREY, REVEALED_OUTLINE)
    inner = _expected((3, 3, 4, 4), GREY, REVEALED_OUTLINE)

    def revealed(x: int, y: int) -> tuple[int, ...] | None:
        return inner(x, y) if inner(x, y) is not None else ring(x, y)

    _check(out, revealed, _expected((7, 0, 9, 2), OTHER_FILL, OUTLINE))


def test_ellipse_and_polygon_masks_cover_their_centre_and_not_the_corners() -> None:
    shapes = (
        Shape(1, "e", "ellipse", (0.0, 0.0, 0.5, 1.0)),
        Shape(1, "p", "polygon", (0.5, 0.0, 1.0, 0.0, 1.0, 1.0)),
    )
    out = composite(Image.new("RGBA", (40, 20), GREY), shapes, 1, "hide-all")
    assert out.getpixel((10, 10)) == ASKED_FILL  # ellipse centre
    assert out.getpixel((0, 0)) == GREY  # outside the ellipse's curve
    assert out.getpixel((35, 5)) == ASKED_FILL  # inside the triangle (upper right)
    assert out.getpixel((25, 18)) == GREY  # below its diagonal


def test_describe_says_where_the_asked_region_is() -> None:
    assert (
        describe(SHAPES, 2, "hide-all") == "asked: rect at the top right; 1 other shape masked too"
    )
    assert describe(SHAPES, 1, "hide-one") == "asked: rect at the centre"
