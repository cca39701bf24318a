"""Image files of cards: where they are, and whether they are safe to decode.

The same containment rules as a source's `file`: relative to the deck file, no `..` out
of its folder, no absolute path (both refused while loading, `image_fields`), and no
symlink leading out (resolved here). Check mode (`quizapp decks check`) opens each image
with Pillow: it must exist, be a regular file of at most `MAX_IMAGE_BYTES`, decode, and
have at most `MAX_IMAGE_PIXELS` pixels — Pillow's decompression-bomb guard is set to the
same limit, so a huge image is refused from its header before any pixel is decoded.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image

from quizapp.decks.errors import ProblemLog
from quizapp.decks.image_fields import ImageCheck
from quizapp.decks.rules import escapes_folder, is_absolute_ref

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; we refuse above it.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class MediaError(ValueError):
    """An image that cannot be used; the message says what is wrong, `hint` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def resolve_image(deck_path: Path, ref: str) -> Path:
    """The image file `ref` (relative to the deck file at `deck_path`), resolved; raises
    MediaError when it leaves the deck's folder, is missing or is not a regular file."""
    if is_absolute_ref(ref) or escapes_folder(ref):
        raise MediaError(
            f"image file `{ref}` is outside the deck's folder",
            "image files cannot leave the deck's folder",
        )
    folder = deck_path.parent.resolve()
    target = (deck_path.parent / ref).resolve()
    if not target.is_relative_to(folder):
        raise MediaError(
            f"image file `{ref}` leads outside the deck's folder (symlink?)",
            "copy the image into the deck's folder instead of linking to it",
        )
    if not target.exists():
        raise MediaError(
            f"image file `{ref}` does not exist",
            f"put the image at {target} or fix the path (relative to the deck)",
        )
    if not target.is_file():
        raise MediaError(f"image file `{ref}` is not a regular file", "name an image file")
    return target


def open_image(path: Path, max_size: tuple[int, int] | None = None, label: str = "") -> Image.Image:
    """The decoded image (RGBA) at `path`, within the limits; raises MediaError. With
    `max_size`, scaled down to fit it — a JPEG is decoded at a reduced scale already
    (Pillow's draft mode), so a 2 MP photo shown in a terminal costs a fraction."""
    name = label or path.name  # as the deck wrote it, when known
    try:
        size = path.stat().st_size
    except OSError as e:
        raise MediaError(f"cannot read image `{name}`: {e.strerror or e}") from None
    if size > MAX_IMAGE_BYTES:
        raise MediaError(
            f"image `{name}` is {size / 1048576:.1f} MB (at most {MAX_IMAGE_BYTES // 1048576} MB)",
            "save it smaller (e.g. JPEG, or fewer pixels)",
        )
    try:
        with warnings.catch_warnings():
            # the size is checked here, with the image's own figures in the message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise MediaError(_too_big(name, width, height), _SMALLER)
                if max_size is not None:
                    img.draft("RGB", max_size)
                img.load()
                if max_size is not None:
                    img.thumbnail(max_size, Image.Resampling.BILINEAR, reducing_gap=2.0)
                return img.convert("RGBA")
    except MediaError:
        raise
    except Image.DecompressionBombError:  # over twice the limit: Pillow refuses to open
        raise MediaError(
            f"image `{name}` has too many pixels (more than {MAX_IMAGE_PIXELS:,})", _SMALLER
        ) from None
    except (OSError, SyntaxError, ValueError) as e:  # truncated, not an image, bad header
        raise MediaError(
            f"image `{name}` cannot be decoded: {e}", "re-export it as PNG or JPEG"
        ) from None


_SMALLER = "scale it down: the terminal shows far fewer pixels anyway"


def _too_big(name: str, width: int, height: int) -> str:
    return (
        f"image `{name}` is {width}×{height} = {width * height / 1e6:.1f} megapixels "
        f"(at most {MAX_IMAGE_PIXELS / 1e6:.0f})"
    )


def check_images(ctx: ProblemLog, checks: list[ImageCheck]) -> None:
    """Check mode: a problem (at the `file:` value) for each image that cannot be used."""
    done: dict[str, MediaError | None] = {}
    for check in checks:
        if check.file not in done:
            try:
                open_image(resolve_image(ctx.path, check.file), label=check.file).close()
                done[check.file] = None
            except MediaError as e:
                done[check.file] = e
        error = done[check.file]
        if error is not None:
            ctx.at(check.node, str(error), error.hint, check.card_id)
