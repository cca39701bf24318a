"""Line-based terminal I/O shared by the plain study loop and the plain quiz.

One line out, flushed at once (pipes, ssh and screen readers see it immediately); one
line in, with end of input turned into `EndOfInput` so a loop can end cleanly.
"""

from __future__ import annotations

from typing import TextIO


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
