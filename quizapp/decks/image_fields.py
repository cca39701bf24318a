"""A card's `image`, `answer_image`, `shapes` and `mode` keys → model values, or problems.

Keys and kinds are the format table's (`rules.IMAGE`, `rules.SHAPE`); this adds what it
cannot say: an image path stays inside the deck's folder (lexically here; symlinks,
existence, decoding and size limits are check mode's, `quizapp.decks.media`), a shape's
text reads (`quizapp.decks.occlusion.parse_shape`), groups are whole numbers ≥ 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.decks.node_fields import FieldReader
from quizapp.decks.nodes import STD_TAG, Map, Node, Scalar, Seq, kind_of
from quizapp.decks.occlusion import ShapeError, parse_shape
from quizapp.decks.rules import CARD_FIELDS, IMAGE, SHAPE, escapes_folder, is_absolute_ref
from quizapp.model import CardImage, CardType, Shape

_INT_RE = re.compile(r"^[+]?[0-9][0-9_]*$")


@dataclass
class ImageCheck:
    """A card's image to open in check mode (`quizapp.decks.media.check_images`)."""

    card_id: str
    file: str
    node: Scalar


@dataclass(frozen=True)
class CardMedia:
    image: CardImage | None = None
    answer_image: CardImage | None = None
    shapes: tuple[Shape, ...] = ()
    mode: str = ""


def read_media(
    reader: FieldReader, node: Map, ctype: CardType, card_id: str, checks: list[ImageCheck]
) -> CardMedia:
    """The card's media keys (their problems go to `reader.ctx`); images to check go to
    `checks`."""
    image = _image(reader, node, "image", card_id, checks)
    answer_image = _image(reader, node, "answer_image", card_id, checks)
    shapes: tuple[Shape, ...] = ()
    mode = ""
    if ctype is CardType.OCCLUSION:
        if "shapes" in node.items:
            shapes = _shapes(reader, node.items["shapes"][1], card_id)
        mode = reader.text(node, "mode", CARD_FIELDS["mode"], card_id)
        if mode and mode not in CARD_FIELDS["mode"].enum:
            reader.ctx.at(
                node.items["mode"][1],
                f"unknown occlusion mode `{mode}`",
                "use hide-all (hide all, guess one) or hide-one",
                card_id,
            )
            mode = ""
    return CardMedia(image, answer_image, shapes, mode)


def _image(
    reader: FieldReader, card: Map, name: str, card_id: str, checks: list[ImageCheck]
) -> CardImage | None:
    item = card.items.get(name)
    if item is None:
        return None
    node = item[1]
    if not isinstance(node, Map):
        reader.ctx.at(
            node,
            f"`{name}` must be a mapping, not {kind_of(node)}",
            f'write `{name}: {{file: images/x.png, alt: "what it shows"}}`',
            card_id,
        )
        return None
    reader.record(node, IMAGE, f"the card's `{name}`", card_id)
    file = reader.text(node, "file", IMAGE.fields["file"], card_id)
    alt = reader.text(node, "alt", IMAGE.fields["alt"], card_id)
    if file.strip():
        fnode = node.items["file"][1]
        if is_absolute_ref(file):
            reader.ctx.at(
                fnode,
                f"image file `{file}` is an absolute path",
                "image files cannot leave the deck's folder: give a path relative to the "
                "deck, e.g. `images/name.png`",
                card_id,
            )
        elif escapes_folder(file):
            reader.ctx.at(
                fnode,
                f"image file `{file}` is outside the deck's folder",
                "image files cannot leave the deck's folder: move the image next to the "
                "deck (e.g. into `images/`)",
                card_id,
            )
        elif isinstance(fnode, Scalar):
            checks.append(ImageCheck(card_id, file, fnode))
    return CardImage(file=file, alt=alt)


def _shapes(reader: FieldReader, node: Node, card_id: str) -> tuple[Shape, ...]:
    ctx = reader.ctx
    if not isinstance(node, Seq) or not node.items:
        shown = "an empty list" if isinstance(node, Seq) else kind_of(node)
        ctx.at(node, f"`shapes` must be a list of shapes, not {shown}", _SHAPE_HOW, card_id)
        return ()
    out: list[Shape] = []
    for child in node.items:
        if not isinstance(child, Map):
            ctx.at(
                child, f"each shape must be a mapping, not {kind_of(child)}", _SHAPE_HOW, card_id
            )
            continue
        reader.record(child, SHAPE, "a shape", card_id)
        group = _group(reader, child, card_id)
        label = reader.text(child, "label", SHAPE.fields["label"], card_id)
        text = reader.text(child, "shape", SHAPE.fields["shape"], card_id)
        if not text.strip():
            continue
        try:
            kind, coords = parse_shape(text)
        except ShapeError as e:
            ctx.at(child.items["shape"][1], f"bad shape: {e}", _SHAPE_HOW, card_id)
            continue
        if group:
            out.append(Shape(group=group, label=label, kind=kind, coords=coords))
    return tuple(out)


_SHAPE_HOW = (
    "write `- {group: 1, label: …, shape: rect 0.1 0.2 0.3 0.1}` (left top width height, "
    "fractions of the image), `ellipse L T W H` or `polygon x,y x,y x,y`"
)


def _group(reader: FieldReader, shape: Map, card_id: str) -> int:
    item = shape.items.get("group")
    if item is None:
        return 0
    node = item[1]
    if (
        isinstance(node, Scalar)
        and node.tag in (None, STD_TAG + "int")
        and (node.plain or node.tag is not None)
        and _INT_RE.match(node.value)
        and int(node.value.replace("_", "")) >= 1
    ):
        return int(node.value.replace("_", ""))
    shown = node.value if isinstance(node, Scalar) else kind_of(node)
    reader.ctx.at(
        node,
        f"`group` must be a whole number from 1, not `{shown}`",
        "number the groups 1, 2, 3… (shapes of one group are asked together)",
        card_id,
    )
    return 0
