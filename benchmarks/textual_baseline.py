"""Baseline for `startup_tui_s`: how long a bare Textual app takes to its first idle frame.

    .venv/bin/python -m benchmarks.textual_baseline [--runs 5]

The app has a header, a 31-row DataTable (like quizapp's home on the bench collection)
and a footer, driven headless by `App.run_test` like `benchmarks.tui_probe`. Each run is
a fresh process; printed: process start → Textual imported, and → first frame with the
app idle. It is the floor under quizapp's TUI start-up on the same machine (README,
Performance); `benchmarks.run` measures it beside each TUI start (`first_frame`) and
reports `startup_tui_ratio`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CHILD = """
import time
T = time.perf_counter()
import asyncio, os
from textual.app import App
from textual.widgets import DataTable, Footer, Header
imported = time.perf_counter() - T


class Bare(App[None]):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Deck", "Due", "Learn", "New", "Total", "Tags")
        for i in range(31):
            table.add_row(f"Deck {i}", str(i), "0", "20", "1667", "tag")


async def main() -> None:
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print(imported, flush=True)
    os._exit(0)

asyncio.run(main())
"""


def first_frame() -> tuple[float, float]:
    """One fresh process: (s from its start to the first idle frame, s of Python until
    Textual was imported)."""
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True
    ).stdout
    return time.perf_counter() - t, float(out.split()[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    imports: list[float] = []
    frames: list[float] = []
    for _ in range(args.runs + 1):  # the first is a warm-up
        frame, imported = first_frame()
        frames.append(frame)
        imports.append(imported)
    imports, frames = imports[1:], frames[1:]
    print(
        f"bare Textual app, median of {args.runs}: Textual imported after "
        f"~{statistics.median(imports):.2f} s of Python; first idle frame at "
        f"{statistics.median(frames):.2f} s from process start"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
