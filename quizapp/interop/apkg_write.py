"""Export a quizapp deck as an Anki package (`.apkg`, legacy format, via genanki).

Identity, so importing an export updates the same notes instead of duplicating them:

* quizapp's note types have fixed ids (`qz_notetypes`); a card imported from Anki is
  written in its own note type (same id, fields and templates) when `notetypes` has it;
* note GUIDs: the card's ``anki.guid``, else ``genanki.guid_for(deck_id, card_id)``; the
  cards of one GUID (a card and its reverse) are one note;
* the Anki deck id is derived from our deck id: ``1 << 30`` + the first 30 bits of
  SHA-1(deck id) (`anki_deck_id`).

Every piece of deck text is HTML-escaped before it goes into a field (deck text is
data, never markup); newlines become ``<br>``. With `include_media_dir`, the
``[image: x.png]`` / ``[sound: x.mp3]`` markers written by the importer turn back into
``<img>`` / ``[sound:]`` and the files are packed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import genanki

from quizapp.interop import qz_notetypes as qz
from quizapp.interop.apkg_read import AnkiNotetype
from quizapp.interop.convert import DEFAULT_EXPLANATION, card_id_for_ord, plan_for
from quizapp.interop.occlusion import occlusion_note
from quizapp.interop.qz_notetypes import LETTERS
from quizapp.model import Card, CardType, Deck
from quizapp.outputs import Protected, atomic_path, check_target

if TYPE_CHECKING:
    from quizapp.interop.progress_export import DeckProgress, ItemKey


def _model(nt: qz.QzNotetype) -> genanki.Model:
    return genanki.Model(
        nt.id,
        nt.name,
        fields=[{"name": f} for f in nt.fields],
        templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in nt.templates],
        css=qz.CSS,
        model_type=genanki.Model.CLOZE if nt.cloze else genanki.Model.FRONT_BACK,
    )


MODELS = {nt.id: _model(nt) for nt in qz.ALL}
MODEL_ID_BASIC = qz.BASIC.id
MODEL_ID_TYPED = qz.TYPED.id
MODEL_ID_MCQ = qz.MCQ.id
MODEL_ID_CLOZE = qz.CLOZE.id
MODEL_ID_REVERSED = qz.REVERSED.id


class _OriginalModel(genanki.Model):
    """An imported card's own note type, written with modification time 0 so Anki keeps
    its copy (templates, styling) and only matches the notes to it."""

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(timestamp, deck_id)
        data["mod"] = 0
        return data


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


def _guid(card: Card, deck: Deck) -> str:
    """The note GUID: kept from Anki, else derived once from (deck id, card id)."""
    return card.anki.guid if card.anki is not None else genanki.guid_for(deck.id, card.id)


def _meta(card: Card, deck: Deck, **extra: Any) -> str:
    """The hidden `quizapp` field (qz_notetypes): identity and provenance as JSON."""
    meta: dict[str, Any] = {"id": card.id, "deck": deck.id, "type": str(card.type)}
    if card.tags:
        meta["tags"] = list(card.tags)
    if card.source is not None:
        meta["source"] = {"id": card.source.source_id, "quote": card.source.quote}
        if card.source.ref:
            meta["source"]["ref"] = card.source.ref
        src = deck.sources.get(card.source.source_id)
        if src is not None:
            meta["src"] = {
                k: getattr(src, k)
                for k in ("title", "author", "publisher", "date", "url")
                if getattr(src, k)
            }
    if card.accept:
        meta["accept"] = list(card.accept)
    if card.cloze_accept:
        meta["cloze_accept"] = {str(n): list(alts) for n, alts in card.cloze_accept}
    if card.fact:
        meta["fact"] = card.fact
    if any(c.fixed for c in card.choices):
        meta["fixed"] = [i for i, c in enumerate(card.choices) if c.fixed]
    meta.update(extra)
    return html.escape(json.dumps(meta, ensure_ascii=True, sort_keys=True), quote=False)


def _tags(card: Card, deck: Deck) -> list[str]:
    tags = [re.sub(r"\s+", "_", t.strip()) for t in (*deck.tags, *card.tags) if t.strip()]
    return list(dict.fromkeys(tags))


def _is_reverse_pair(first: Card, second: Card) -> bool:
    return (
        first.type is second.type is CardType.BASIC
        and first.prompt == second.answer
        and first.answer == second.prompt
    )


def _notes_for(group: list[Card], deck: Deck, media: _Media) -> list[genanki.Note]:
    """Our note(s) for the cards of one Anki note (one card, or a card and its reverse)."""

    def f(text: str) -> str:
        return media.fields(_esc(text))

    card = group[0]
    guid = _guid(card, deck)
    tags = _tags(card, deck)
    explanation = "" if card.explanation == DEFAULT_EXPLANATION else f(card.explanation)
    source = _source_html(card, deck)
    if len(group) == 2 and _is_reverse_pair(*group):
        rid = {"rid": group[1].id} if group[1].id != card_id_for_ord(card.id, 1) else {}
        fields = [f(card.prompt), f(card.answer), explanation, source, _meta(card, deck, **rid)]
        return [genanki.Note(model=MODELS[qz.REVERSED.id], fields=fields, tags=tags, guid=guid)]
    notes = []
    for i, c in enumerate(group):
        g = guid if i == 0 else genanki.guid_for(deck.id, c.id)
        notes.append(_note_for(c, deck, media, g))
    return notes


def _note_for(card: Card, deck: Deck, media: _Media, guid: str) -> genanki.Note:
    def f(text: str) -> str:
        return media.fields(_esc(text))

    explanation = "" if card.explanation == DEFAULT_EXPLANATION else f(card.explanation)
    source = _source_html(card, deck)
    tags = _tags(card, deck)
    if card.type is CardType.OCCLUSION:  # Anki's Image Occlusion note (interop/occlusion.py)
        note = occlusion_note(card, deck, f, lambda name, p: media.files.update({name: str(p)}))
        if note is not None:
            return note
    if card.type is CardType.CLOZE:
        plain = "::" not in card.text and bool(card.text)
        text = numbered_cloze(f(card.text))
        fields = [text, explanation, f(card.prompt), source, _meta(card, deck, plain=plain)]
        return genanki.Note(model=MODELS[qz.CLOZE.id], fields=fields, tags=tags, guid=guid)
    if card.type is CardType.MCQ:
        options = "".join(f"<li>{f(c.text)}</li>" for c in card.choices)
        correct = ", ".join(LETTERS[i] for i, c in enumerate(card.choices) if c.correct)
        reasons = "".join(
            f"<li>{'✔' if c.correct else '✘'} {f(c.why)}</li>" if c.why else "<li></li>"
            for c in card.choices
        )
        fields = [f(card.prompt), options, correct, reasons, explanation, source,
                  _meta(card, deck)]  # fmt: skip
        return genanki.Note(model=MODELS[qz.MCQ.id], fields=fields, tags=tags, guid=guid)
    nt = qz.TYPED if card.type is CardType.TYPED else qz.BASIC
    fields = [f(card.prompt), f(card.answer), explanation, source, _meta(card, deck)]
    return genanki.Note(model=MODELS[nt.id], fields=fields, tags=tags, guid=guid)


def _put(values: list[str], indices: tuple[int, ...], text: str, esc: Callable[[str], str]) -> None:
    if not indices:
        return
    lines = text.split("\n")
    if len(indices) > 1 and len(lines) == len(indices):
        for i, line in zip(indices, lines, strict=True):
            values[i] = esc(line)
    else:
        values[indices[0]] = esc(text)


def _original_note(
    group: list[Card], deck: Deck, media: _Media, nt: AnkiNotetype, model: genanki.Model
) -> genanki.Note:
    """The note of an imported card, in its own note type: the fields go back where the
    templates showed them (prompt, answer, labelled extras; docs/anki.md)."""

    def f(text: str) -> str:
        return media.fields(_esc(text))

    card = min(group, key=lambda c: c.anki.ord if c.anki else 0)
    assert card.anki is not None
    p = plan_for(nt, card.anki.ord)
    values = [""] * len(nt.fields)
    if card.type is CardType.CLOZE:
        _put(values, p.prompt, card.text, f)
    else:
        _put(values, p.prompt, card.prompt, f)
        _put(values, p.answer, card.answer, f)
    if card.explanation != DEFAULT_EXPLANATION:
        labels = {lbl: i for i, lbl in p.extras if lbl}
        current = next((i for i, lbl in p.extras if not lbl), None)
        chunks: dict[int, list[str]] = {}
        for para in card.explanation.split("\n\n"):
            head, sep, rest = para.partition(": ")
            if sep and head in labels:
                current = labels[head]
                chunks.setdefault(current, []).append(rest)
            elif current is not None:
                chunks.setdefault(current, []).append(para)
        for i, parts in chunks.items():
            values[i] = f("\n\n".join(parts))
    ords = {c.anki.ord for c in group if c.anki is not None}
    for o in range(len(nt.templates)):
        for i in plan_for(nt, o).switches:
            if o in ords and o != 0:
                values[i] = values[i] or "y"
    return genanki.Note(model=model, fields=values, tags=_tags(card, deck), guid=card.anki.guid)


class _Placement:
    """Which Anki card each quizapp study item became: card id → (note GUID, template
    ord of its first item, whether its items are cloze numbers — ord *n* ↔ template *n*−1)."""

    def __init__(self) -> None:
        self.cards: dict[str, tuple[str, int, bool]] = {}

    def put(self, card: Card, guid: str, ord_: int) -> None:
        multi = card.type in (CardType.CLOZE, CardType.OCCLUSION)
        self.cards[card.id] = (guid, ord_, multi)

    def items(self, keys: list[ItemKey]) -> dict[ItemKey, tuple[str, int]]:
        out: dict[ItemKey, tuple[str, int]] = {}
        for card_id, item_ord in keys:
            found = self.cards.get(card_id)
            if found is not None:
                guid, base, multi = found
                out[(card_id, item_ord)] = (guid, item_ord - 1 if multi and item_ord else base)
        return out


class _ScheduledPackage(genanki.Package):
    """genanki's package, with the learner's progress written into its collection."""

    def __init__(self, deck: genanki.Deck, media: list[str], progress: DeckProgress,
                 placement: _Placement) -> None:  # fmt: skip
        super().__init__(deck, media_files=media)
        self.progress = progress
        self.placement = placement

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        from quizapp.interop.apkg_schedule import write_schedule

        super().write_to_db(cursor, timestamp, id_gen)
        keys = [*self.progress.cards, *self.progress.revlog]
        cards, reviews = write_schedule(cursor, self.progress, self.placement.items(keys))
        self.progress.written_cards, self.progress.written_reviews = cards, reviews


def export_apkg(
    deck: Deck,
    path: str | os.PathLike[str],
    *,
    include_media_dir: str | os.PathLike[str] | None = None,
    timestamp: float | None = None,
    protected: Protected | None = None,
    notetypes: dict[int, AnkiNotetype] | None = None,
    progress: DeckProgress | None = None,
) -> Path:
    """Write `deck` to `path` as an .apkg; returns the path. The Anki deck name is the title.

    Written through a temporary file beside `path` (`quizapp.outputs`): never over a
    `protected` file (the progress database, a deck), nothing left behind on failure
    (`OutputError`).

    `timestamp` (epoch seconds, default now) becomes the notes' modification time; Anki
    only updates an existing note from a package whose note is newer.

    With `progress` (`progress_export.deck_progress`), the learner's studied cards are
    scheduled in the package and their reviews written as its revlog; the counts written
    are set on it.
    """
    path = Path(path)
    check_target(path, protected or {})  # before the work
    media = _Media(Path(include_media_dir) if include_media_dir is not None else None)
    anki_deck = genanki.Deck(anki_deck_id(deck.id), deck.title or deck.id, deck.description)
    groups: dict[str, list[Card]] = {}
    for card in deck.cards:
        groups.setdefault(_guid(card, deck), []).append(card)
    originals: dict[int, genanki.Model] = {}
    placement = _Placement()
    for group in groups.values():
        group.sort(key=lambda c: c.anki.ord if c.anki else 0)
        ref = group[0].anki
        nt = (notetypes or {}).get(ref.notetype_id) if ref is not None else None
        if nt is not None and nt.templates and qz.ours(nt.name, nt.fields) is None:
            model = originals.get(nt.id)
            if model is None:
                model = originals[nt.id] = _OriginalModel(
                    nt.id,
                    nt.name,
                    fields=[{"name": n} for n in nt.fields],
                    templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in nt.templates],
                    css=nt.css,
                    model_type=genanki.Model.CLOZE if nt.is_cloze else genanki.Model.FRONT_BACK,
                )
            note = _original_note(group, deck, media, nt, model)
            anki_deck.add_note(note)
            for c in group:
                placement.put(c, note.guid, c.anki.ord if c.anki else 0)
            continue
        notes = _notes_for(group, deck, media)
        for note in notes:
            anki_deck.add_note(note)
        if len(notes) == 1 and len(group) == 2:  # a card and its reverse: one note
            placement.put(group[0], notes[0].guid, 0)
            placement.put(group[1], notes[0].guid, 1)
        else:
            for c, note in zip(group, notes, strict=True):
                placement.put(c, note.guid, 0)
    files = sorted(media.files.values())
    package = (
        genanki.Package(anki_deck, media_files=files)
        if progress is None
        else _ScheduledPackage(anki_deck, files, progress, placement)
    )
    with atomic_path(path, protected=protected) as tmp:
        package.write_to_file(str(tmp), timestamp=timestamp)
    return path
