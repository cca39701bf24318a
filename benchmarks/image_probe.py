"""Image card figure (run by benchmarks.run, or by hand):

    python -m benchmarks.image_probe [ANSWERS] [MODE]

Makes a deck of basic cards in a temporary folder, each with its own 2-megapixel JPEG
(1732×1155, a photo-like gradient with noise, so every card decodes a new file: the
session cache does not help), syncs it and drives the TUI headless (`App.run_test`,
120×40, `QUIZAPP_IMAGES=MODE`, halfblock by default). Per answer: the answer side is
revealed (not timed), then from pressing `3` (Good) until the next card's picture is
mounted and the app is idle (`pilot.pause()`: the repaint done). Prints one JSON line
`{"event": "images", "ms": [...]}`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZE = (1732, 1155)  # 2.0 MP


def make_deck(folder: Path, n: int) -> None:
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(7)
    (folder / "img").mkdir(parents=True)
    base = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    cards = []
    for i in range(n):
        img = base.copy()
        draw = ImageDraw.Draw(img)
        for _ in range(60):
            x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
            r = rng.randrange(20, 200)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        img = img.filter(ImageFilter.GaussianBlur(2))
        noise = Image.effect_noise(SIZE, 40).convert("RGB")
        img = Image.blend(img, noise, 0.15)
        img.save(folder / "img" / f"p{i}.jpg", quality=85)
        cards.append(
            f"  - id: p{i}\n    type: basic\n    prompt: Picture {i}\n    answer: A{i}\n"
            f"    image: {{file: img/p{i}.jpg, alt: picture {i}}}\n"
            # A quote of its own per card: cards with the same quote test one fact, and
            # a session serves one card of a fact per day.
            f"    explanation: E.\n    source: {{id: s, quote: Quote number {i}.}}\n"
        )
    (folder / "pics.yaml").write_text(
        "id: bench-images\ntitle: Bench images\nsources:\n  s: {title: S}\ncards:\n"
        + "".join(cards)
    )


async def until(check: Callable[[], object], what: str, limit: float = 60.0) -> None:
    """Poll `check()` on the event loop; give up (exit 3, saying what) after `limit` s."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            sys.stderr.write(f"image_probe: timed out waiting for {what}\n")
            sys.stderr.flush()
            os._exit(3)
        await asyncio.sleep(0.0005)


async def probe(answers: int, mode: str) -> list[float]:
    os.environ["QUIZAPP_IMAGES"] = mode
    from quizapp.store import open_database
    from quizapp.study import grading
    from quizapp.tui.app import make_app
    from quizapp.tui.screens.home import HomeScreen
    from quizapp.tui.screens.study import StudyScreen
    from quizapp.tui.widgets.card_image import CardPicture

    work = Path(tempfile.mkdtemp(prefix="quizapp-img-bench-"))
    make_deck(work / "decks", answers + 2)
    db = open_database(work / "p.db")
    app = make_app(db=db, deck_dirs=[work / "decks"], learner_name="bench")
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await until(
            lambda: isinstance(app.screen, HomeScreen) and app.screen.shows_decks,
            "the home screen",
        )
        await pilot.press("enter")
        await until(
            lambda: isinstance(app.screen, StudyScreen) and app.screen.item is not None,
            "the first card",
        )
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        picture = screen.query_one("#picture", CardPicture)
        for _ in range(answers):
            item = screen.item
            if item is None:
                break
            screen.reveal(grading.self_graded("x"))
            await pilot.pause()
            t0 = time.perf_counter()
            await pilot.press("3")
            if app.screen is not screen:
                sys.stderr.write(f"image_probe: the session ended after {len(times)} cards\n")
                os._exit(3)
            await until(
                lambda item=item: (
                    app.screen is not screen
                    or (screen.item is not item and (mode == "off" or picture.query(".picture")))
                ),
                "the next card's picture",
            )
            await pilot.pause()
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    answers = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    mode = sys.argv[2] if len(sys.argv) > 2 else "halfblock"
    times = asyncio.run(probe(answers, mode))
    sys.stdout.write(json.dumps({"event": "images", "mode": mode, "ms": times}) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
