"""Checking that a card's quote really is in its source document.

Both sides are normalised first: curly quotes, primes, dashes, no-break spaces and runs of
whitespace are unified, so a quote copied from a web page matches the plain-text source.
An ellipsis (``…`` or ``...``) in a quote stands for omitted words: the pieces around it
must appear in the source in that order.
"""

from __future__ import annotations

import difflib
import re

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′ prime
        "\u00b4": "'",  # ´
        "`": "'",
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″ double prime
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # – en dash
        "\u2014": "-",  # — em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u00a0": " ",  # NBSP
        "\u202f": " ",  # narrow NBSP
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2026": "...",  # … ellipsis
    }
)
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\[\.\.\.\]|\.\.\.)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def normalise(text: str) -> str:
    """`text` with quotes, dashes and spaces unified and whitespace collapsed (case kept)."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


def _pieces(quote: str) -> list[str]:
    # Quotation marks around the whole quote are not part of it.
    return [p for p in _ELLIPSIS.split(normalise(quote).strip("\"'").strip()) if p]


def quote_in_source(quote: str, source_text: str) -> bool:
    """True when `quote` appears in `source_text` after normalising both.

    `…` / `...` / `[...]` in the quote skips words: the pieces must appear in order.
    An empty quote is never found.
    """
    return quote_in_normalised(quote, normalise(source_text))


def quote_in_normalised(quote: str, normalised_source: str) -> bool:
    """`quote_in_source` for a source already passed through `normalise` (for many quotes)."""
    pieces = _pieces(quote)
    return bool(pieces) and _pieces_in(pieces, normalised_source)


def _pieces_in(pieces: list[str], source: str) -> bool:
    pos = 0
    for piece in pieces:
        found = source.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def sentences(source_text: str) -> list[str]:
    """The source split into rough sentences (normalised), for suggestions."""
    raw = _SENTENCE_END.split(source_text.translate(_TRANSLATE))
    return [s for s in (normalise(r) for r in raw) if s]


def closest_sentence(quote: str, source_text: str) -> str:
    """The source sentence most like `quote`, or "" when nothing is close."""
    q = normalise(quote)
    found = difflib.get_close_matches(q, sentences(source_text), n=1, cutoff=0.4)
    return found[0] if found else ""


_SENTENCE_STOP = re.compile(r"[.!?](?=[\s\"')\]]|$)")
_MARKERS = re.compile(r"\s*((?:\[[0-9][0-9,\s–-]*\]\s*)+)")
_MARKER = re.compile(r"\[[0-9][0-9,\s–-]*\]")


def markers_after(quote: str, normalised_source: str) -> list[str] | None:
    """The reference markers ("[47]") that follow the sentence in which `quote` ends, in a
    source already passed through `normalise`; [] when none follows; None when the quote is
    not in the source. A quote that stops mid-sentence takes the marker after its sentence:
    a document puts its marker after the sentence it supports."""
    pieces = _pieces(quote)
    if not pieces:
        return None
    pos = 0
    end = -1
    for piece in pieces:
        found = normalised_source.find(piece, pos)
        if found < 0:
            return None
        pos = end = found + len(piece)
    stop = end if normalised_source[end - 1 : end] in (".", "!", "?") else -1
    if stop < 0:
        m = _SENTENCE_STOP.search(normalised_source, end)
        stop = m.end() if m else len(normalised_source)
    m = _MARKERS.match(normalised_source, stop)
    if not m:
        return []
    return [" ".join(x.split()) for x in _MARKER.findall(m.group(1))]
