"""Deck text made safe for a terminal: no escape sequences, no control characters.

A deck is data from a stranger. Printed raw, an ESC sequence could retitle or clear the
terminal or fake a prompt; so every C0/C1 control character except newline and tab is
shown as a visible escape (``\\x1b``) instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """`text` with control and bidi-override characters replaced by visible escapes."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )
