"""quizapp's own Anki note types: what `apkg_write` writes and `convert` restores exactly.

Every one has a last field ``quizapp`` that no template shows: a small JSON object with
what Anki has no field for (the card id, its deck id, the source reference and the deck's
source entry, typed `accept`, fixed options, tags as written, whether cloze deletions
were unnumbered). The visible fields hold the content, so an edit made in Anki comes
back; the hidden one keeps identity and provenance, so nothing accumulates.

The ids are fixed: never change them (Anki matches note types by id and field names).
"""

from __future__ import annotations

from dataclasses import dataclass

HIDDEN = "quizapp"
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True, slots=True)
class QzNotetype:
    id: int
    name: str
    kind: str  # the quizapp card type ("basic", "typed", "mcq", "cloze"; reversed: "basic")
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back)
    cloze: bool = False


CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
 background-color: white; }
.explanation { margin-top: 1em; }
.source { margin-top: 1em; font-size: 80%; color: #555; }
.context { color: #555; margin-bottom: .5em; }
ol.options { list-style-type: upper-alpha; }
.correct { color: #1a7f37; font-weight: bold; }
.reasons { margin-top: .5em; }
.cloze { font-weight: bold; color: blue; }
"""

_TAIL = (
    '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
)
_QA = ("Front", "Back", "Explanation", "Source", HIDDEN)

BASIC = QzNotetype(
    1_607_392_311,
    "quizapp Basic",
    "basic",
    _QA,
    (("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}" + _TAIL),),
)
REVERSED = QzNotetype(
    1_607_392_315,
    "quizapp Basic (and reversed card)",
    "basic",
    _QA,
    (
        ("Card 1", "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}" + _TAIL),
        ("Card 2", "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}" + _TAIL),
    ),
)
TYPED = QzNotetype(
    1_607_392_312,
    "quizapp Typed",
    "typed",
    _QA,
    (
        (
            "Card 1",
            "{{Front}}<br><br>{{type:Back}}",
            "{{Front}}<hr id=answer>{{type:Back}}" + _TAIL,
        ),
    ),
)
MCQ = QzNotetype(
    1_607_392_313,
    "quizapp Multiple choice",
    "mcq",
    ("Question", "Options", "Correct", "Reasons", "Explanation", "Source", HIDDEN),
    (
        (
            "Card 1",
            '{{Question}}<ol class="options">{{Options}}</ol>',
            '{{Question}}<ol class="options">{{Options}}</ol><hr id=answer>'
            '<div class="correct">{{Correct}}</div>'
            '<ol class="options reasons">{{Reasons}}</ol>' + _TAIL,
        ),
    ),
)
CLOZE = QzNotetype(
    1_607_392_314,
    "quizapp Cloze",
    "cloze",
    ("Text", "Back Extra", "Context", "Source", HIDDEN),
    (
        (
            "Cloze",
            '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}{{cloze:Text}}',
            '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}{{cloze:Text}}'
            '{{#Back Extra}}<div class="explanation">{{Back Extra}}</div>{{/Back Extra}}'
            '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}',
        ),
    ),
    cloze=True,
)

ALL = (BASIC, REVERSED, TYPED, MCQ, CLOZE)
BY_NAME = {nt.name: nt for nt in ALL}


def ours(name: str, fields: tuple[str, ...]) -> QzNotetype | None:
    """Our note type of this name and fields (Anki may add "-abc12" to a renamed copy)."""
    for nt in ALL:
        if fields == nt.fields and (name == nt.name or name.startswith(nt.name + "-")):
            return nt
    return None
