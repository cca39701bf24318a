"""Anki's Image Occlusion notes (the stock note type of Anki 23.10 and later) ⇄ quizapp
`occlusion` cards, and images that carry a whole field ⇄ `image:`.

Anki's note: fields Occlusion, Image, Header, Back Extra, Comments; the Occlusion field
holds one cloze per shape, e.g. ``{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:
height=.1:oi=1}}``, ``…:ellipse:left=…:top=…:rx=…:ry=…`` (left/top: the bounding box)
and ``…:polygon:points=x,y x,y …`` — fractions of the image (older notes: pixels, scaled
here by the image's size). ``oi=1`` ("occlude inactive") is our hide-all mode. Each cloze
number is one card in Anki and one study item (group) here. Text shapes (``c0``) are
labels drawn on the image, not questions: they are left out.

Anki keeps no label per shape, so labels travel in the Comments field as a line
``quizapp labels: 1 = right atrium; 2 = left atrium`` (written on export, read on import);
without one, a group's label is "region N" and the card is self-graded as in Anki.

Written from Anki's documented note format; no Anki code is used.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import genanki

from quizapp.decks.occlusion import groups
from quizapp.interop.htmltext import html_to_text, safe_media_name
from quizapp.model import Card, CardImage, CardType, Deck, Shape, SourceRef

IO_FIELDS = ("Occlusion", "Image", "Header", "Back Extra", "Comments")
MODEL_ID_OCCLUSION = 1_607_392_305  # fixed: re-exports update the same note type
MEDIA_DIR = "media"  # where the importer puts media files, next to the deck files
LABELS_PREFIX = "quizapp labels:"
CARD_PREFIX = "quizapp card:"  # `quizapp card: DECK/CARD`: the card's identity, kept both ways
_STOCK_KIND_IMAGE_OCCLUSION = 6  # Anki's `originalStockKind` of the Image Occlusion type

_CLOZE = re.compile(
    r"\{\{c([\d,]+)::image-occlusion:(rect|ellipse|polygon|text)((?:[^}]|\}(?!\}))*)\}\}"
)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_LABEL = re.compile(r"(\d+)\s*=\s*([^;]+)")


# ------------------------------------------------------------------------------ import


def is_image_occlusion(field_names: Iterable[str], is_cloze: bool) -> bool:
    """True for Anki's Image Occlusion note type (or a copy of it)."""
    names = [n.strip().casefold() for n in field_names]
    return is_cloze and names[:2] == ["occlusion", "image"]


def _props(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in re.split(r"(?<!\\):", text):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.replace("\\:", ":").strip()
    return out


def _num(props: dict[str, str], key: str) -> float:
    value = props.get(key, "0") or "0"
    return float(value if value != "." else "0")


def parse_occlusions(text: str) -> list[tuple[int, str, tuple[float, ...], bool]]:
    """(group, kind, coords as written, occlude inactive) of each shape of an Occlusion
    field (rect/ellipse: left, top, width, height; polygon: x1, y1, …). A shape of several
    cloze numbers (``c1,2``) counts once per number."""
    out: list[tuple[int, str, tuple[float, ...], bool]] = []
    for m in _CLOZE.finditer(html.unescape(text)):
        kind = m.group(2)
        if kind == "text":
            continue
        props = _props(m.group(3))
        oi = props.get("oi") == "1"
        try:
            if kind == "polygon":
                pts = [p.split(",") for p in props.get("points", "").split()]
                coords = tuple(float(v) for p in pts for v in p[:2])
                if "left" in props and "top" in props and coords:  # moved after drawing
                    dx = _num(props, "left") - min(coords[0::2])
                    dy = _num(props, "top") - min(coords[1::2])
                    coords = tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(coords))
            elif kind == "ellipse":
                rx, ry = _num(props, "rx"), _num(props, "ry")
                coords = (_num(props, "left"), _num(props, "top"), 2 * rx, 2 * ry)
            else:
                coords = tuple(_num(props, k) for k in ("left", "top", "width", "height"))
        except ValueError:
            continue
        for number in m.group(1).split(","):
            if number.strip().isdigit() and int(number) >= 1:
                out.append((int(number), kind, coords, oi))
    return out


def _normalised(
    kind: str, coords: tuple[float, ...], size: tuple[int, int] | None
) -> tuple[float, ...] | None:
    """Coordinates as fractions of the image, clamped inside it; None when unusable."""
    if any(v > 1.0 for v in coords):  # pixels (older notes): scale by the image's size
        if size is None:
            return None
        w, h = size
        coords = tuple(v / (w if i % 2 == 0 else h) for i, v in enumerate(coords))

    def clamp(v: float) -> float:
        return round(min(1.0, max(0.0, v)), 4)

    if kind == "polygon":
        if len(coords) < 6:
            return None
        return tuple(clamp(v) for v in coords)
    left, top, width, height = (clamp(v) for v in coords)
    width, height = round(min(width, 1.0 - left), 4), round(min(height, 1.0 - top), 4)
    if width <= 0 or height <= 0:
        return None
    return left, top, width, height


def image_name(field_html: str) -> str:
    """The media file name of the first `<img>` in a field ('' if none)."""
    m = _IMG_SRC.search(field_html)
    if not m:
        return ""
    return safe_media_name(html.unescape(next(g for g in m.groups() if g is not None)))


def _labels(comments: str) -> tuple[dict[int, str], str, tuple[str, str] | None]:
    """Labels and the card's identity from our Comments lines, and the rest of the
    comments."""
    labels: dict[int, str] = {}
    rest: list[str] = []
    identity: tuple[str, str] | None = None
    for line in comments.split("\n"):
        folded = line.strip().casefold()
        if folded.startswith(LABELS_PREFIX):
            body = line.strip()[len(LABELS_PREFIX) :]
            labels.update((int(n), v.strip()) for n, v in _LABEL.findall(body) if v.strip())
        elif folded.startswith(CARD_PREFIX):
            deck_id, _, card_id = line.strip()[len(CARD_PREFIX) :].strip().partition("/")
            if _IDENT.match(deck_id) and _IDENT.match(card_id):
                identity = (deck_id, card_id)
        elif line.strip():
            rest.append(line)
    return labels, "\n".join(rest), identity


_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def occlusion_card(
    fields: list[str],
    deck_id: str,
    card_id: str,
    tags: tuple[str, ...],
    media: set[str],
    image_size: Callable[[str], tuple[int, int] | None],
    source_id: str,
    default_explanation: str,
) -> tuple[list[Card], str | None]:
    """The occlusion card of one Image Occlusion note (fields in IO_FIELDS order), or
    ([], reason). `image_size(name)` gives a media image's pixel size (for old notes)."""
    fields = list(fields) + [""] * (len(IO_FIELDS) - len(fields))
    name = image_name(fields[1])
    if not name:
        return [], "image occlusion note without an image"
    size = image_size(name)
    if size is None:
        return [], f"image {name!r} is not in the package or is not an image"
    header = html_to_text(fields[2])[0]
    back_extra = html_to_text(fields[3])[0]
    labels, comments, identity = _labels(html_to_text(fields[4])[0])
    if identity is not None:  # exported by quizapp: the same deck and card id come back
        deck_id, card_id = identity
    shapes: list[Shape] = []
    any_oi = False
    for group, kind, coords, oi in parse_occlusions(fields[0]):
        norm = _normalised(kind, coords, size)
        if norm is None:
            continue
        any_oi = any_oi or oi
        label = labels.get(group) or f"region {group}"
        shapes.append(Shape(group=group, label=label, kind=kind, coords=norm))
    if not shapes:
        return [], "image occlusion note without usable shapes"
    media.add(name)
    explanation = "\n\n".join(t for t in (back_extra, comments) if t) or default_explanation
    alt = header or f"Image occlusion ({name})"
    card = Card(
        deck_id=deck_id,
        id=card_id,
        type=CardType.OCCLUSION,
        prompt=header,
        explanation=explanation,
        tags=tags,
        source=SourceRef(source_id, alt),
        image=CardImage(file=f"{MEDIA_DIR}/{name}", alt=alt),
        shapes=tuple(shapes),
        mode="hide-all" if any_oi else "hide-one",
    )
    return [card], None


def field_image(card: Card, media: set[str]) -> Card:
    """A card whose prompt or answer is nothing but one imported image marker
    (``[image: x.png]``) gets it as `image:` / `answer_image:` instead of text."""
    from dataclasses import replace

    def only_image(text: str) -> str:
        m = re.fullmatch(r"\[image: ([^\]\n]+)\]", text.strip())
        return m.group(1) if m and m.group(1) in media else ""

    changes: dict[str, object] = {}
    if card.type in (CardType.BASIC, CardType.TYPED) and (name := only_image(card.prompt)):
        changes["image"] = CardImage(f"{MEDIA_DIR}/{name}", f"Image {name}")
        changes["prompt"] = "What does the image show?"
    if card.type is CardType.BASIC and (name := only_image(card.answer)):
        changes["answer_image"] = CardImage(f"{MEDIA_DIR}/{name}", f"Image {name}")
        changes["answer"] = "(see the image)"
    return replace(card, **changes) if changes else card  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ export


class _OcclusionModel(genanki.Model):
    """Anki's stock Image Occlusion note type as genanki writes it: the field tags and the
    stock kind let Anki's image occlusion editor and reviewer take it as its own."""

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, object]:
        out: dict[str, object] = super().to_json(timestamp, deck_id)
        out["originalStockKind"] = _STOCK_KIND_IMAGE_OCCLUSION
        return out


_FRONT = (
    "{{#Header}}<div>{{Header}}</div>{{/Header}}\n"
    '<div style="display: none">{{cloze:Occlusion}}</div>\n'
    '<div id="err"></div>\n'
    '<div id="image-occlusion-container">{{Image}}'
    '<canvas id="image-occlusion-canvas"></canvas></div>\n'
    "<script>try { anki.imageOcclusion.setup(); } catch (e) {"
    ' document.getElementById("err").textContent = "Image occlusion needs Anki 23.10 or'
    ' later: " + e; }</script>\n'
)
OCCLUSION_MODEL = _OcclusionModel(
    MODEL_ID_OCCLUSION,
    "Image Occlusion",
    fields=[{"name": n, "tag": i, "preventDeletion": i < 4} for i, n in enumerate(IO_FIELDS)],
    templates=[
        {
            "name": "Image Occlusion",
            "qfmt": _FRONT,
            "afmt": _FRONT
            + '<div><button id="toggle">Toggle Masks</button></div>\n'
            + "{{#Back Extra}}<div>{{Back Extra}}</div>{{/Back Extra}}",
        }
    ],
    model_type=genanki.Model.CLOZE,
)


def _f(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def occlusion_field(card: Card) -> str:
    """The Occlusion field of a card's shapes (Anki's cloze syntax, one per shape)."""
    oi = ":oi=1" if card.mode != "hide-one" else ""
    parts: list[str] = []
    for s in card.shapes:
        c = s.coords
        if s.kind == "rect":
            props = f"left={_f(c[0])}:top={_f(c[1])}:width={_f(c[2])}:height={_f(c[3])}"
        elif s.kind == "ellipse":
            props = f"left={_f(c[0])}:top={_f(c[1])}:rx={_f(c[2] / 2)}:ry={_f(c[3] / 2)}"
        else:
            pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in zip(c[0::2], c[1::2], strict=True))
            props = f"left={_f(min(c[0::2]))}:top={_f(min(c[1::2]))}:points={pts}"
        parts.append(f"{{{{c{s.group}::image-occlusion:{s.kind}:{props}{oi}}}}}<br>")
    return "".join(parts)


def occlusion_note(
    card: Card, deck: Deck, esc: Callable[[str], str], add_media: Callable[[str, Path], None]
) -> genanki.Note | None:
    """The Image Occlusion note of an occlusion card (its image packed through
    `add_media(name, path)`); None when the image cannot be found."""
    from quizapp.decks.media import MediaError, resolve_image

    if card.image is None or deck.path is None:
        return None
    try:
        path = resolve_image(deck.path, card.image.file)
    except MediaError:
        return None
    name = safe_media_name(path.name)
    add_media(name, path)
    labels = "; ".join(
        f"{g} = {' / '.join(dict.fromkeys(s.label for s in card.shapes if s.group == g))}"
        for g in groups(card.shapes)
    )
    tags = [re.sub(r"\s+", "_", t.strip()) for t in (*deck.tags, *card.tags) if t.strip()]
    return genanki.Note(
        model=OCCLUSION_MODEL,
        fields=[
            occlusion_field(card),
            f'<img src="{html.escape(name, quote=True)}">',
            esc(card.prompt),
            esc(card.explanation),
            esc(f"{LABELS_PREFIX} {labels}\n{CARD_PREFIX} {deck.id}/{card.id}"),
        ],
        tags=list(dict.fromkeys(tags)),
        guid=genanki.guid_for(deck.id, card.id),
    )


# ------------------------------------------------------------------------------ hooks


def note_cards_if_occlusion(
    note_fields: tuple[str, ...],
    field_names: tuple[str, ...],
    is_cloze: bool,
    deck_id: str,
    card_id: str,
    tags: tuple[str, ...],
    media: set[str],
    image_size: Callable[[str], tuple[int, int] | None],
    source_id: str,
    default_explanation: str,
) -> tuple[list[Card], str | None] | None:
    """`occlusion_card` for an Image Occlusion note; None for any other note."""
    if not is_image_occlusion(field_names, is_cloze):
        return None
    return occlusion_card(
        list(note_fields),
        deck_id,
        card_id,
        tuple(dict.fromkeys(tags)),
        media,
        image_size,
        source_id,
        default_explanation,
    )


def package_image_size(
    open_media: Callable[[str], IO[bytes]], names: Iterable[str]
) -> Callable[[str], tuple[int, int] | None]:
    """`image_size(name)` over a package's media (None when absent or not an image)."""
    from PIL import Image, UnidentifiedImageError

    available = {safe_media_name(k): k for k in names}

    def size(name: str) -> tuple[int, int] | None:
        member = available.get(name)
        if member is None:
            return None
        try:
            with open_media(member) as stream, Image.open(stream) as img:
                return (int(img.width), int(img.height))
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            return None

    return size


def card_media_dict(card: Card) -> dict[str, object]:
    """The image and occlusion keys of a card as a deck file writes them."""
    from quizapp.decks.occlusion import shape_text

    out: dict[str, object] = {}
    for key, image in (("image", card.image), ("answer_image", card.answer_image)):
        if image is not None:
            out[key] = {"file": image.file, "alt": image.alt}
    if card.mode:
        out["mode"] = card.mode
    if card.shapes:
        out["shapes"] = [
            {"group": s.group, "label": s.label, "shape": shape_text(s.kind, s.coords)}
            for s in card.shapes
        ]
    return out
