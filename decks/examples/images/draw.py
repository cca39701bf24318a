"""Draws this deck's images with Pillow (run: python decks/examples/images/draw.py).

Everything here is drawn by code for quizapp and dedicated to the public domain (CC0 1.0).
The drawings are schematic teaching diagrams, not anatomy to scale.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "images"


def heart() -> Image.Image:
    """A four-chamber schematic: atria above, ventricles below, the septum between."""
    img = Image.new("RGB", (480, 360), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((40, 30, 440, 340), fill=(200, 70, 70), outline=(120, 20, 20), width=4)
    d.rectangle((70, 70, 230, 150), fill=(120, 140, 220))  # right atrium (viewer's left)
    d.rectangle((250, 70, 410, 150), fill=(230, 120, 120))  # left atrium
    d.polygon([(80, 170), (230, 170), (230, 300)], fill=(90, 110, 200))  # right ventricle
    d.polygon([(250, 170), (400, 170), (250, 310)], fill=(210, 80, 80))  # left ventricle
    d.line((240, 60, 240, 320), fill=(90, 10, 10), width=8)  # septum
    d.line((60, 160, 420, 160), fill=(90, 10, 10), width=6)  # valve plane
    return img


def ecg() -> Image.Image:
    """One schematic PQRST complex on ECG paper, the QRS complex boxed in green."""
    img = Image.new("RGB", (480, 240), (255, 240, 240))
    d = ImageDraw.Draw(img)
    for x in range(0, 480, 12):
        d.line((x, 0, x, 240), fill=(250, 200, 200) if x % 60 else (240, 150, 150))
    for y in range(0, 240, 12):
        d.line((0, y, 480, y), fill=(250, 200, 200) if y % 60 else (240, 150, 150))
    base = 150
    pts = [(0, base), (60, base), (75, base - 15), (90, base), (130, base), (140, base + 12)]
    pts += [(155, base - 110), (170, base + 30), (180, base), (230, base), (255, base - 30)]
    pts += [(280, base), (480, base)]
    d.line(pts, fill=(20, 20, 20), width=3, joint="curve")
    d.rectangle((132, 30, 184, 190), outline=(0, 150, 0), width=3)
    return img


def main() -> None:
    HERE.mkdir(exist_ok=True)
    heart().save(HERE / "heart.png", optimize=True)
    ecg().save(HERE / "ecg.png", optimize=True)


if __name__ == "__main__":
    main()
