"""Deck text is data, never markup.

Every string that comes from a deck (or a learner name) goes through these helpers:
control characters are made visible (`quizapp.textsafe.inert`) and the result is a
literal `Content` / `rich.text.Text`, so `[b]`, `[link=…]` or `[@click=…]` show as
typed and run nothing. A line inside deck text that imitates one of the app's own
lines (a fake `Saved: …` acknowledgement, a `Your answer>` prompt, a `Correct answer:`
label) is marked with `┊ `, as plain mode marks deck text's continuation lines.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

from quizapp.textsafe import inert

MARK = "┊ "
#: The start of a line the app itself writes (plain mode or the TUI's labels).
_IMITATION = re.compile(
    r"^(?=[ \t]*(?:Saved:|Not saved|Your answer|Correct answer|Answer:|You typed:|Why:|"
    r"Source:|Full text:|Error:|Question \d|Grade|Next in))",
    re.MULTILINE | re.IGNORECASE,
)


def marked(text: str) -> str:
    """`text` made inert, with every line after the first that imitates one of the app's
    own lines marked (the first line follows a label or starts a widget of its own)."""
    safe = inert(text)
    if "\n" not in safe:
        return safe
    first, _, rest = safe.partition("\n")
    return first + "\n" + _IMITATION.sub(MARK, rest)


def lit(text: object, style: str = "") -> Content:
    """Literal content (never parsed as markup)."""
    content = Content(marked(str(text)))
    return content.stylize(style) if style and content else content


def cell(text: object, style: str = "") -> Text:
    """A literal DataTable cell (str cells would be parsed as markup)."""
    return Text(marked(str(text)), style=style, no_wrap=True, overflow="ellipsis")


def part(text: object, style: str = "") -> tuple[str, str]:
    """A literal piece for `Content.assemble`."""
    return (marked(str(text)), style)
