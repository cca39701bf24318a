"""The HTML report rendered in headless Chromium: no console errors, a real picture.

Needs Debian's `chromium` (`apt-get install -y chromium`); the test FAILS without it,
on purpose — CI installs it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

from quizapp.reports import html_out
from quizapp.reports import metrics as M
from tests.test_reports_data import NOW, build_history

APT_LINE = "apt-get update && apt-get install -y chromium"


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError(f"headless Chromium is needed for this test; install it with: {APT_LINE}")


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and a sample of distinct pixels of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = 4 if ctype == 6 else 3
    stride = width * bpp
    colours: set[bytes] = set()
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):  # undo the PNG filters
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 16 == 0:
            colours.update(bytes(line[x : x + 3]) for x in range(0, stride, bpp * 4))
        prev = line
    return width, height, colours


def test_html_report_renders_in_chromium(tmp_path: Path) -> None:
    chromium = find_chromium()
    db, who = build_history(tmp_path / "h.db")
    page = tmp_path / "report.html"
    page.write_text(
        html_out.render([M.compute(db, who, now=NOW)], generated_at="2026-03-02T09:00:00.000Z"),
        encoding="utf-8",
    )
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            "--enable-logging=stderr",
            "--v=0",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [
        line
        for line in proc.stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line
    ]
    assert not console, "\n".join(console)
    data = shot.read_bytes()
    assert len(data) > 20_000, f"screenshot suspiciously small ({len(data)} bytes)"
    width, height, colours = png_pixels(data)
    assert (width, height) == (1200, 2000)
    assert len(colours) > 20, "the screenshot is (nearly) a single colour"
    assert bytes((0x38, 0x67, 0xD6)) in colours or len(colours) > 50  # the bar colour
