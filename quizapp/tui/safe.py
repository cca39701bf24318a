"""Deck text is data, never markup.

Every string that comes from a deck (or a learner name) goes through these helpers:
control characters are made visible (`quizapp.textsafe.inert`) and the result is a
literal `Content` / `rich.text.Text`, so `[b]`, `[link=…]` or `[@click=…]` show as
typed and run nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from quizapp.textsafe import inert


def lit(text: object, style: str = "") -> Content:
    """Literal content (never parsed as markup)."""
    content = Content(inert(str(text)))
    return content.stylize(style) if style and content else content


def cell(text: object, style: str = "") -> Text:
    """A literal DataTable cell (str cells would be parsed as markup)."""
    return Text(inert(str(text)), style=style, no_wrap=True, overflow="ellipsis")


def part(text: object, style: str = "") -> tuple[str, str]:
    """A literal piece for `Content.assemble`."""
    return (inert(str(text)), style)
