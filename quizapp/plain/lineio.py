"""Line-based terminal I/O shared by the plain study loop and the plain quiz.

One line out, flushed at once (pipes, ssh and screen readers see it immediately); one
line in, with end of input turned into `EndOfInput` so a loop can end cleanly. Deck text
is word-wrapped to the terminal's width by `fill`, its continuation lines marked.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TextIO

#: Starts every continuation line of deck text (its own line breaks and the wrapped
#: ones) that follows a line with no prefix, so a deck cannot print a line that looks
#: like one of ours (a fake `Saved: …` or an answer prompt).
CONTINUED = "  ┊ "
MIN_WIDTH = 30


def terminal_width() -> int:
    """The terminal's width in columns (80 when it is not a terminal: a pipe, a file)."""
    return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)


def continued(hang: int) -> str:
    """The continuation marker for a hanging indent of `hang` columns: `  ┊ `, or the
    marker just left of that column when it is four or more."""
    return " " * (hang - 2) + "┊ " if hang >= len(CONTINUED) else CONTINUED


def fill(prefix: str, text: str, width: int, hang: int | None = None) -> str:
    """`prefix` followed by deck `text` (already made inert), word-wrapped to `width`
    columns. Every line after the first starts with the continuation marker (see
    `continued`), whether the deck broke the line or the wrapping did; the marker sits
    just left of column `hang` (default: under the text, at most a third of the width).
    """
    if hang is None:
        hang = min(len(prefix), width // 3)
    marker = continued(hang)
    lines: list[str] = []
    for i, paragraph in enumerate(text.split("\n")):
        first = prefix if i == 0 else marker
        wrapped = textwrap.wrap(
            paragraph,
            max(width, len(marker) + 10),
            initial_indent=first,
            subsequent_indent=marker,
            break_on_hyphens=False,
        )
        lines += wrapped or [first.rstrip() if i == 0 else marker.rstrip()]
    return "\n".join(lines)


class EndOfInput(Exception):
    """Standard input ended (or the learner asked to quit)."""


def say(out: TextIO, text: str = "") -> None:
    out.write(text + "\n")
    out.flush()


def read_line(inp: TextIO, out: TextIO, prompt: str) -> str:
    """Show `prompt`, return the line typed (without its newline); EndOfInput at EOF."""
    out.write(prompt)
    out.flush()
    line = inp.readline()
    if line == "":
        say(out)
        raise EndOfInput
    return line.rstrip("\r\n")
