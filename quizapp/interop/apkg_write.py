"""Export a quizapp deck as an Anki package (`.apkg`, legacy format, via genanki).

Stability, so re-exporting updates the same notes in Anki instead of duplicating them:

* note types have fixed ids (the constants below; never change them);
* the Anki deck id is derived from our deck id: ``1 << 30`` + the first 30 bits of
  SHA-1(deck id) (`anki_deck_id`);
* note GUIDs are ``genanki.guid_for(deck_id, card_id)``.

Every piece of deck text is HTML-escaped before it goes into a field (deck text is
data, never markup); newlines become ``<br>``. With `include_media_dir`, the
``[image: x.png]`` / ``[sound: x.mp3]`` markers written by the importer turn back into
``<img>`` / ``[sound:]`` and the files are packed.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

import genanki

from quizapp.interop.occlusion import occlusion_note
from quizapp.model import Card, CardType, Deck
from quizapp.outputs import Protected, atomic_path, check_target

MODEL_ID_BASIC = 1_607_392_301
MODEL_ID_TYPED = 1_607_392_302
MODEL_ID_MCQ = 1_607_392_303
MODEL_ID_CLOZE = 1_607_392_304

_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
 background-color: white; }
.explanation { margin-top: 1em; }
.source { margin-top: 1em; font-size: 80%; color: #555; }
.correct { color: #1a7f37; font-weight: bold; }
ol.options { list-style-type: upper-alpha; }
.cloze { font-weight: bold; color: blue; }
"""

_BACK_COMMON = (
    '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
    '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
)

BASIC_MODEL = genanki.Model(
    MODEL_ID_BASIC,
    "quizapp Basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _BACK_COMMON,
        }
    ],
    css=_CSS,
)

TYPED_MODEL = genanki.Model(
    MODEL_ID_TYPED,
    "quizapp Typed",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}<br><br>{{type:Back}}",
            "afmt": "{{Front}}<hr id=answer>{{type:Back}}" + _BACK_COMMON,
        }
    ],
    css=_CSS,
)

MCQ_MODEL = genanki.Model(
    MODEL_ID_MCQ,
    "quizapp MCQ",
    fields=[
        {"name": "Question"},
        {"name": "Options"},
        {"name": "Answer"},
        {"name": "Reasons"},
        {"name": "Explanation"},
        {"name": "Source"},
    ],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Question}}<br>{{Options}}",
            "afmt": "{{Question}}<hr id=answer><div>{{Answer}}</div>{{Reasons}}" + _BACK_COMMON,
        }
    ],
    css=_CSS,
)

CLOZE_MODEL = genanki.Model(
    MODEL_ID_CLOZE,
    "quizapp Cloze",
    fields=[{"name": "Text"}, {"name": "Back Extra"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}<br>{{Back Extra}}" + _BACK_COMMON,
        }
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)

_MARK = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
_NUMBERED = re.compile(r"^c\d+::", re.DOTALL)
_IMAGE = re.compile(r"\[image: ([^\]]+)\]")
_SOUND = re.compile(r"\[sound: ([^\]]+)\]")


def anki_deck_id(deck_id: str) -> int:
    """The Anki deck id of a quizapp deck (stable, within genanki's 31-bit-safe range)."""
    digest = int.from_bytes(hashlib.sha1(deck_id.encode("utf-8")).digest()[:4], "big")
    return (1 << 30) + (digest >> 2)


def _esc(text: str) -> str:
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


class _Media:
    def __init__(self, media_dir: Path | None) -> None:
        self.dir = media_dir
        self.files: dict[str, str] = {}  # name → path

    def fields(self, escaped: str) -> str:
        """Turn media markers into Anki references when the file exists."""
        if self.dir is None:
            return escaped

        def repl(m: re.Match[str], kind: str) -> str:
            name = html.unescape(m.group(1)).strip()
            path = self.dir / name if self.dir else None
            if not name or "/" in name or "\\" in name or path is None or not path.is_file():
                return m.group(0)
            self.files[name] = str(path)
            quoted = html.escape(name, quote=True)
            return f'<img src="{quoted}">' if kind == "img" else f"[sound:{quoted}]"

        escaped = _IMAGE.sub(lambda m: repl(m, "img"), escaped)
        return _SOUND.sub(lambda m: repl(m, "sound"), escaped)


def numbered_cloze(text: str) -> str:
    """quizapp cloze text → Anki cloze: `{{words}}` → `{{c1::words}}`, `{{c2::…}}` …"""
    counter = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal counter
        inner = m.group(1)
        if _NUMBERED.match(inner):
            return m.group(0)
        counter += 1
        return "{{c%d::%s}}" % (counter, inner)  # noqa: UP031 - braces make f-strings unreadable

    return _MARK.sub(repl, text)


def _source_html(card: Card, deck: Deck) -> str:
    if card.source is None:
        return ""
    parts = []
    if card.source.quote:
        parts.append("“" + _esc(card.source.quote) + "”")
    if card.source.ref:
        parts.append(_esc(card.source.ref))
    src = deck.sources.get(card.source.source_id)
    if src is not None and src.title:
        parts.append("— " + _esc(src.title))
    return " ".join(parts)


def _note_for(card: Card, deck: Deck, media: _Media) -> genanki.Note:
    def f(text: str) -> str:
        return media.fields(_esc(text))

    explanation = f(card.explanation)
    source = _source_html(card, deck)
    tags = [re.sub(r"\s+", "_", t.strip()) for t in (*deck.tags, *card.tags) if t.strip()]
    tags = list(dict.fromkeys(tags))
    guid = genanki.guid_for(deck.id, card.id)
    if card.type is CardType.OCCLUSION:  # Anki's Image Occlusion note (interop/occlusion.py)
        note = occlusion_note(card, deck, f, lambda name, p: media.files.update({name: str(p)}))
        if note is not None:
            return note
    if card.type is CardType.CLOZE:
        text = numbered_cloze(f(card.text))
        extra = f(card.prompt)
        return genanki.Note(
            model=CLOZE_MODEL, fields=[text, extra, explanation, source], tags=tags, guid=guid
        )
    if card.type is CardType.MCQ:
        letters = "ABCDEFGHIJ"
        options = "".join(f"<li>{f(c.text)}</li>" for c in card.choices)
        correct = [
            f'<span class="correct">{letters[i]}. {f(c.text)}</span>'
            for i, c in enumerate(card.choices)
            if c.correct
        ]
        reasons = "".join(
            f"<li>{'✔' if c.correct else '✘'} {f(c.text)}: {f(c.why)}</li>" for c in card.choices
        )
        return genanki.Note(
            model=MCQ_MODEL,
            fields=[
                f(card.prompt),
                f'<ol class="options">{options}</ol>',
                "<br>".join(correct),
                f'<ol class="options">{reasons}</ol>',
                explanation,
                source,
            ],
            tags=tags,
            guid=guid,
        )
    model = TYPED_MODEL if card.type is CardType.TYPED else BASIC_MODEL
    return genanki.Note(
        model=model,
        fields=[f(card.prompt), f(card.answer), explanation, source],
        tags=tags,
        guid=guid,
    )


def export_apkg(
    deck: Deck,
    path: str | os.PathLike[str],
    *,
    include_media_dir: str | os.PathLike[str] | None = None,
    timestamp: float | None = None,
    protected: Protected | None = None,
) -> Path:
    """Write `deck` to `path` as an .apkg; returns the path. The Anki deck name is the title.

    Written through a temporary file beside `path` (`quizapp.outputs`): never over a
    `protected` file (the progress database, a deck), nothing left behind on failure
    (`OutputError`).

    `timestamp` (epoch seconds, default now) becomes the notes' modification time; Anki
    only updates an existing note from a package whose note is newer.
    """
    path = Path(path)
    check_target(path, protected or {})  # before the work
    media = _Media(Path(include_media_dir) if include_media_dir is not None else None)
    anki_deck = genanki.Deck(anki_deck_id(deck.id), deck.title or deck.id, deck.description)
    for card in deck.cards:
        anki_deck.add_note(_note_for(card, deck, media))
    package = genanki.Package(anki_deck, media_files=sorted(media.files.values()))
    with atomic_path(path, protected=protected) as tmp:
        package.write_to_file(str(tmp), timestamp=timestamp)
    return path
