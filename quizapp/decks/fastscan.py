"""What the fast path reads straight from the deck text, before and after yaml-rs.

yaml-rs (YAML 1.2, Rust) and libyaml (YAML 1.1, the precise path) read a few constructs
differently, and yaml-rs keeps no line numbers. These regex scans decide, on the raw text,
which files the fast path must leave to the precise path (`risky`, `ending_ok`,
`chars_ok`; false alarms only cost speed) and find each card's line (`card_lines`) the way
the precise path records it.
"""

from __future__ import annotations

import re

from quizapp.decks.rules import FORMAT_VERSION

_PRINTABLE_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])
# C1 controls and U+FFFE/U+FFFF (PyYAML refuses them); NEL, U+2028 and U+2029 (line
# breaks to PyYAML's YAML 1.1, ordinary characters to yaml-rs's YAML 1.2).
_BAD_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]|\xe2\x80[\xa8\xa9]")
_RISKY = re.compile(r"(?:^|[\s\[{,:?-])[!&*][^\s,\]}]|<<")
# One pattern per leading character: a literal first character lets `re` skip ahead fast.
_FLOW_ODD = tuple(
    re.compile(p) for p in (r"\[\s*[|>?:]", r"\{\s*[|>?:]", r",\s*[|>?:]", r":[\]},]")
)
# `{b: |x}`: a `|`/`>` after `: ` that is not a block scalar header (header, then end of line)
# and `{b: :x}` / `{b: ?x}` (plain scalars libyaml refuses in flow context)
_ODD_BAR = re.compile(r": +(?:[|>][0-9+-]*+(?![ ]*(?:#|$))|[?:]\S)", re.M)
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*[ ]*(?:#.*)?$")
FORMAT_LINE = re.compile(rf"^format[ \t]*:[ \t]+{FORMAT_VERSION}[ \t]*(?:#.*)?$", re.M)
_CARDS_LINE = re.compile(r"^cards[ \t]*:[ \t]*(?:#.*)?$", re.M)
_FIRST_ITEM = re.compile(r"^([ ]*)-(?:[ \t]|$)", re.M)
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)


def risky(text: str) -> bool:
    """Constructs the fast path leaves to PyYAML: tags, anchors, aliases, merge keys, and
    flow-context scalars yaml-rs reads more leniently than libyaml (`[>x]`, `{a: |x}`,
    `[?x]`, `[x:]`). False alarms only cost speed."""
    if ("!" in text or "&" in text or "*" in text or "<<" in text) and _RISKY.search(text):
        return True
    if any(p.search(text) for p in _FLOW_ODD):
        return True
    return _ODD_BAR.search(text) is not None


def ending_ok(text: str) -> bool:
    """yaml-rs and libyaml disagree on a block scalar that ends the document (its final
    line break when the file has none; an empty `k: |`), so such files go to PyYAML."""
    if not text.endswith("\n"):
        return False
    last = text.rstrip().rpartition("\n")[2]
    return _BLOCK_HEADER.search(last) is None


def chars_ok(data: bytes) -> bool:
    """No character PyYAML refuses (it only accepts printable characters)."""
    rest = data.translate(None, _PRINTABLE_ASCII)
    if not rest:
        return True
    if rest.translate(None, bytes(range(0x80, 0x100))):
        return False  # a control character
    return _BAD_UTF8.search(data) is None


def card_lines(text: str, cards: list[dict[str, object]]) -> list[tuple[int, int, int]] | None:
    """(line, start, end) of each card: the 1-based line of its mapping (as the event path
    records it) and its item's span in `text`; None when not certain.

    The items of the block sequence under the top-level `cards:` are the lines starting
    with `-` at the first item's indentation, up to the first line indented less. The
    count must equal the number of cards and each card's id must appear in its own item,
    else None (the precise path then records the lines).
    """
    head = _CARDS_LINE.search(text)
    if head is None:
        return None
    first = _FIRST_ITEM.search(text, head.end())
    content = _CONTENT_LINE.search(text, head.end())
    if first is None or content is None or content.start() != first.start():
        return None
    indent = first.group(1)
    # Patterns start with a literal "\n" + indentation so `re` scans for it quickly.
    item = re.compile(rf"\n{indent}-(?:[ \t]+([^\s#])|[ \t]*(?:#[^\n]*)?(?=\n|\Z))")
    stop = re.compile(
        r"\n(?!-(?:[ \t]|\n|\Z))[^\s#]" if not indent else rf"\n {{0,{len(indent) - 1}}}[^\s#]"
    )
    end_match = stop.search(text, first.start())
    end = end_match.start() if end_match else len(text)
    starts = [
        (m.start() + 1, m.group(1) is not None) for m in item.finditer(text, first.start() - 1, end)
    ]
    if len(starts) != len(cards):
        return None
    lines: list[tuple[int, int, int]] = []
    line = 1
    pos = 0
    count = text.count
    find = text.find
    for i, (start, inline) in enumerate(starts):
        line += count("\n", pos, start)
        pos = start
        stop_at = starts[i + 1][0] if i + 1 < len(starts) else end
        cid = cards[i]["id"]
        if type(cid) is int:  # `id: 2024` is the text "2024" (or as written) to the precise path
            cid = str(cid)
        if type(cid) is not str or find(cid, start, stop_at) < 0:
            return None
        if inline:
            lines.append((line, start, stop_at))
        else:
            nxt = _CONTENT_LINE.search(text, find("\n", start) + 1, stop_at)
            if nxt is None:
                return None
            lines.append((line + count("\n", start, nxt.start()), start, stop_at))
    return lines
