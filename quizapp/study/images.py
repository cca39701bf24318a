"""The picture of a study item, for every front end: which image, where its file is, and
the decoded (and, for occlusion, masked) image — decoded once per session.

Question side: the card's `image` (occlusion: masked for the item's group). Answer side:
`answer_image` when the card has one, else the same image (occlusion: the asked group
uncovered). Files are found through `quizapp.decks.media` (inside the deck's folder,
within the limits); a failure is a `MediaError` whose message the front end shows in
place of the picture.

Pillow, the media checks (`quizapp.decks.media`, with the deck format's image fields)
and the occlusion drawing are imported when a picture is first needed, not with this
module: the study screens import it, and most cards have no picture (~0.1 s of a start).
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizapp.model import CardImage, CardType
from quizapp.store.items import StudyItem

if TYPE_CHECKING:
    from PIL import Image

    from quizapp.decks.media import MediaError

__all__ = ["MediaError", "decoded", "image_file", "image_for", "picture", "text_for"]

CACHE_SIZE = 24
_cache: OrderedDict[tuple[object, ...], Image.Image] = OrderedDict()


def image_for(item: StudyItem, revealed: bool) -> CardImage | None:
    """The image shown on this side of the item, if any."""
    card = item.card
    if revealed and card.answer_image is not None:
        return card.answer_image
    return card.image if (not revealed or card.type is CardType.OCCLUSION) else None


def __getattr__(name: str) -> Any:
    """`MediaError`, loaded with the media checks on first use."""
    if name == "MediaError":
        from quizapp.decks.media import MediaError

        return MediaError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def image_file(item: StudyItem, image: CardImage) -> Path:
    """The image's file (resolved, inside the deck's folder); raises MediaError."""
    from quizapp.decks.media import MediaError, resolve_image

    if not item.deck_path:
        raise MediaError(f"image file `{image.file}`: the deck's folder is not known")
    return resolve_image(Path(item.deck_path), image.file)


def decoded(path: Path, max_size: tuple[int, int] | None = None) -> Image.Image:
    """The decoded image at `path` (RGBA; scaled down to fit `max_size`), from the
    session's cache when the file has not changed; raises MediaError. Callers must not
    modify it."""
    from quizapp.decks.media import MediaError, open_image

    try:
        st = path.stat()
    except OSError as e:
        raise MediaError(f"cannot read image `{path.name}`: {e.strerror or e}") from None
    key = (str(path), st.st_mtime_ns, st.st_size, max_size)
    img = _cache.get(key)
    if img is None:
        img = open_image(path, _fitted(path, max_size))
        _cache[key] = img
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return img


def _fitted(path: Path, max_size: tuple[int, int] | None) -> tuple[int, int] | None:
    """`max_size` shrunk to the image's aspect (read from its header): a JPEG is then
    decoded at the smallest scale that still covers it (a wide box for a landscape photo
    decoded it at twice the scale, four times the work). None, or a file that is not
    an image, leaves it as it is (open_image says what is wrong)."""
    if max_size is None:
        return None
    from PIL import Image

    try:
        with Image.open(path) as img:
            width, height = img.size
    except Exception:  # open_image meets it again and explains it
        return max_size
    if width <= 0 or height <= 0:
        return max_size
    scale = min(max_size[0] / width, max_size[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def picture(
    item: StudyItem, revealed: bool, max_size: tuple[int, int] | None = None
) -> Image.Image | None:
    """The picture of this side of the item (occlusion: masks composited, at the size
    shown: shapes are fractions of the image); None without one. Raises MediaError."""
    image = image_for(item, revealed)
    if image is None:
        return None
    img = decoded(image_file(item, image), max_size)
    card = item.card
    if card.type is CardType.OCCLUSION and image is card.image:
        from quizapp.study.occlusion import composite

        return composite(img, card.shapes, item.ord, card.mode, revealed)
    return img


def text_for(item: StudyItem, revealed: bool) -> str:
    """The picture in words: alt text, file and (occlusion) where the asked region is."""
    image = image_for(item, revealed)
    if image is None:
        return ""
    from quizapp.decks.media import MediaError

    try:
        where = str(image_file(item, image))
    except MediaError as e:
        where = f"{image.file}: {e}"
    text = f"{image.alt} [{where}]"
    card = item.card
    if card.type is CardType.OCCLUSION and image is card.image and not revealed:
        from quizapp.study.occlusion import describe

        text += f" ({describe(card.shapes, item.ord, card.mode)})"
    return text


def saved_picture(item: StudyItem, revealed: bool) -> Path | None:
    """A file a system viewer can open for this side: the image file itself, or (occlusion)
    the masked picture saved as PNG in a temporary folder. Raises MediaError."""
    image = image_for(item, revealed)
    if image is None:
        return None
    path = image_file(item, image)
    if item.card.type is not CardType.OCCLUSION or image is not item.card.image:
        return path
    pic = picture(item, revealed)
    assert pic is not None
    side = "answer" if revealed else "question"
    out = Path(tempfile.gettempdir()) / f"quizapp-{item.card_pk}-{item.ord}-{side}.png"
    pic.save(out)
    return out
