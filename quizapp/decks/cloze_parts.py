"""What loading and syncing need from a cloze text, in one cheap pass.

`quizapp.decks.cloze` parses a text into `_Mark` objects for every use (rendering, grading);
loading 50,000 cards asked it three times per cloze card (validate, deletion numbers,
plain text for search), at ~12 µs each. `ords_and_plain` gets both answers from one
`re.split` with cloze's own patterns, and hands every text cloze would refuse back to
`cloze.deletions` so the error is the same. tests/test_decks_cloze_parts.py checks it
against `cloze.deletions` and `cloze.plain_text` on generated texts.
"""

from __future__ import annotations

from quizapp.decks import cloze

_MARK = cloze._MARK
_NUMBERED = cloze._NUMBERED


def ords_and_plain(text: str) -> tuple[list[int], str]:
    """([d.ord for d in cloze.deletions(text)], cloze.plain_text(text)); raises
    cloze.ClozeError exactly when `cloze.deletions(text)` does."""
    pieces = _MARK.split(text)  # [before, inner, between, inner, …, after]
    if len(pieces) == 1:
        return [], text
    ords: set[int] = set()
    numbered = 0
    for i in range(1, len(pieces), 2):
        inner = pieces[i]
        nm = _NUMBERED.match(inner)
        if nm:
            numbered += 1
            ord_ = int(nm.group(1))
            answer = nm.group(2).strip()
            if ord_ < 1:
                answer = ""  # refused below, with cloze's message
        else:
            ord_ = (i + 1) // 2
            answer = inner.strip()
        if not answer:
            break
        ords.add(ord_)
        pieces[i] = answer
    else:
        if numbered in (0, len(pieces) // 2):
            return sorted(ords), "".join(pieces)
    # mixed styles, an empty deletion or c0: cloze raises and says what is wrong
    return [d.ord for d in cloze.deletions(text)], cloze.plain_text(text)
