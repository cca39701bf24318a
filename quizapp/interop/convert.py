"""Anki notes → quizapp decks (the import entry point is `quizapp.interop.importer`).

Mapping (see docs/anki.md):

* one quizapp deck per Anki deck that holds notes; deck id = slug of the full name
  (``Parent::Child`` → ``parent-child``), title = the Anki name as written (``Parent::Child``);
* card id = ``anki-`` + hex of the note GUID's UTF-8 bytes (``anki-h`` + SHA-1 for GUIDs over
  28 bytes), so re-importing an updated package updates the same cards; the reverse card of
  a "Basic (and reversed card)" note gets ``-r``;
* Cloze note types → cloze (Anki ``{{c1::…::hint}}`` kept), templates with ``{{type:…}}`` →
  typed, everything else → basic; fields are picked by name (Front/Question/Text…,
  Back/Answer…, Extra/Back Extra/Explanation…, Source…), else first field → prompt,
  the next → answer, the rest → explanation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from quizapp.decks import cloze
from quizapp.interop.apkg_read import (
    AnkiNote,
    AnkiNotetype,
    AnkiPackage,
)
from quizapp.interop.htmltext import html_to_text, plain_to_text
from quizapp.interop.occlusion import field_image, note_cards_if_occlusion, package_image_size
from quizapp.model import Card, CardType, Deck, Source, SourceRef

Progress = Callable[[int, int], None]

SOURCE_ID = "anki"
DEFAULT_EXPLANATION = "Imported from Anki."
DECK_ID_MAX = 64

PROMPT_FIELDS = ("front", "question", "prompt", "text", "q", "term", "word", "cloze")
ANSWER_FIELDS = ("back", "answer", "a", "definition", "meaning", "response")
EXTRA_FIELDS = (
    "extra", "back extra", "explanation", "notes", "note", "remarks", "comments", "comment",
    "details", "more",
)  # fmt: skip
SOURCE_FIELDS = ("source", "sources", "reference", "references", "ref", "citation")
IGNORED_FIELDS = ("add reverse",)

_DECK_SLUG = re.compile(r"[^a-z0-9]+")
_TYPE_RE = re.compile(r"\{\{type:(?:[^}:]*:)*([^}]+)\}\}")


class ReviewEntry(NamedTuple):
    """One Anki review, keyed like quizapp progress (ord: cloze deletion number, else 0)."""

    deck_id: str
    card_id: str
    ord: int
    reviewed_at_ms: int
    ease: int  # 1 again, 2 hard, 3 good, 4 easy
    duration_ms: int
    ivl_days: int  # interval after the review in days (0 for intraday learning steps)


class CardSchedule(NamedTuple):
    """Anki's scheduling state of one imported study item, for a progress import."""

    deck_id: str
    card_id: str
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -1 suspended, -2/-3 buried, else as type
    due: int  # review: day number since collection creation; learning: epoch seconds
    ivl_days: int
    factor: int  # ease in permille (2500 = 250%)
    reps: int
    lapses: int


@dataclass(slots=True)
class ImportResult:
    decks: list[Path] = field(default_factory=list)  # deck files written
    deck_ids: list[str] = field(default_factory=list)
    notes: int = 0  # notes (rows) read
    cards: int = 0  # quizapp cards written
    skipped: list[str] = field(default_factory=list)  # "what: why", one per skipped note/card
    media: list[Path] = field(default_factory=list)  # media files written
    warnings: list[str] = field(default_factory=list)
    revlog: list[ReviewEntry] = field(default_factory=list)
    schedule: list[CardSchedule] = field(default_factory=list)


@dataclass(slots=True)
class Conversion:
    decks: list[Deck] = field(default_factory=list)
    media: dict[str, set[str]] = field(default_factory=dict)  # deck id → media names used
    skipped: list[str] = field(default_factory=list)
    revlog: list[ReviewEntry] = field(default_factory=list)
    schedule: list[CardSchedule] = field(default_factory=list)


# --- ids ---


def card_id_for_guid(guid: str) -> str:
    """The quizapp card id of an Anki note GUID (deterministic, valid card id, ≤ 61 chars)."""
    raw = guid.encode("utf-8")
    if len(raw) <= 28:
        return "anki-" + raw.hex()
    return "anki-h" + hashlib.sha1(raw).hexdigest()


def slugify(name: str, *, max_len: int = DECK_ID_MAX) -> str:
    """A deck id from a name: ASCII-folded, lower case, runs of other characters → '-'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _DECK_SLUG.sub("-", folded.lower()).strip("-")
    if not slug:
        slug = "deck-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    if len(slug) > max_len:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        slug = slug[: max_len - 9].rstrip("-") + "-" + digest
    return slug


def deck_ids_for(names: Iterable[str], prefix: str | None = None) -> dict[str, str]:
    """Unique deck ids for deck names (collisions get -2, -3 … in sorted-name order)."""
    ids: dict[str, str] = {}
    used: set[str] = set()
    pre = slugify(prefix, max_len=20) + "-" if prefix else ""
    for name in sorted(set(names)):
        base = pre + slugify(name, max_len=DECK_ID_MAX - len(pre) - 3)
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}-{n}", n + 1
        used.add(candidate)
        ids[name] = candidate
    return ids


# --- field mapping ---


@dataclass(frozen=True, slots=True)
class FieldMap:
    kind: CardType
    prompt: int
    answer: int | None
    extra: tuple[int, ...]
    source: tuple[int, ...]
    rest: tuple[int, ...]  # other fields → "Name: value" lines in the explanation
    reverse_template: int | None  # template ord of a reverse card (Back → Front), if any


def _find(names: list[str], wanted: tuple[str, ...], exclude: set[int]) -> int | None:
    for w in wanted:
        for i, n in enumerate(names):
            if i not in exclude and n == w:
                return i
    return None


def _refs(fmt: str, name: str) -> bool:
    return re.search(r"\{\{[^}]*?\b" + re.escape(name) + r"\}\}", fmt, re.IGNORECASE) is not None


def field_map(nt: AnkiNotetype) -> FieldMap:
    names = [n.strip().casefold() for n in nt.fields]
    used: set[int] = {i for i, n in enumerate(names) if n in IGNORED_FIELDS}
    if nt.is_cloze:
        prompt = _find(names, ("text", "cloze"), used)
        prompt = 0 if prompt is None else prompt
        used.add(prompt)
        kind, answer = CardType.CLOZE, None
    else:
        prompt = _find(names, PROMPT_FIELDS, used)
        if prompt is None:
            prompt = next(i for i in range(len(names)) if i not in used)
        used.add(prompt)
        typed_field = next(
            (m.group(1).strip() for _, q, _a in nt.templates for m in [_TYPE_RE.search(q)] if m),
            None,
        )
        kind = CardType.TYPED if typed_field else CardType.BASIC
        answer = None
        if typed_field:
            answer = _find(names, (typed_field.casefold(),), used)
        if answer is None:
            answer = _find(names, ANSWER_FIELDS, used)
        if answer is None:
            skip = {i for i, n in enumerate(names) if n in EXTRA_FIELDS + SOURCE_FIELDS}
            answer = next((i for i in range(len(names)) if i not in used | skip), None)
        if answer is not None:
            used.add(answer)
    extra = tuple(i for i, n in enumerate(names) if i not in used and n in EXTRA_FIELDS)
    used.update(extra)
    source = tuple(i for i, n in enumerate(names) if i not in used and n in SOURCE_FIELDS)
    used.update(source)
    rest = tuple(i for i in range(len(names)) if i not in used)
    reverse = None
    if kind is not CardType.CLOZE and answer is not None and len(nt.templates) >= 2:
        q = nt.templates[1][1]
        if _refs(q, nt.fields[answer]) and not _refs(q, nt.fields[prompt]):
            reverse = 1
    return FieldMap(kind, prompt, answer, extra, source, rest, reverse)


# --- conversion ---


def note_cards(
    note: AnkiNote,
    nt: AnkiNotetype,
    fm: FieldMap,
    deck_id: str,
    media: set[str],
    *,
    html: bool = True,
    card_id: str | None = None,
) -> tuple[list[Card], str | None]:
    """The card of one note, or ([], reason) when it cannot be imported."""

    def _text(raw: str, media: set[str]) -> str:
        text, names = html_to_text(raw) if html else plain_to_text(raw)
        media.update(names)
        return text

    fields = list(note.fields) + [""] * (len(nt.fields) - len(note.fields))
    prompt = _text(fields[fm.prompt], media)
    explanation_parts = [t for i in fm.extra if (t := _text(fields[i], media))]
    for i in fm.rest:
        if t := _text(fields[i], media):
            explanation_parts.append(f"{nt.fields[i]}: {t}")
    for i in fm.source:
        if t := _text(fields[i], media):
            explanation_parts.append(f"Source: {t}")
    explanation = "\n\n".join(explanation_parts) or DEFAULT_EXPLANATION
    card_id = card_id or card_id_for_guid(note.guid)
    tags = tuple(dict.fromkeys(note.tags))
    if fm.kind is CardType.CLOZE:
        if not prompt:
            return [], "empty cloze text"
        try:
            if not cloze.deletions(prompt):
                return [], "cloze text without {{c1::…}} deletions"
        except cloze.ClozeError as exc:
            return [], f"cloze text cannot be used: {exc}"
        quote = cloze.plain_text(prompt)
        return [
            Card(
                deck_id=deck_id,
                id=card_id,
                type=CardType.CLOZE,
                text=prompt,
                explanation=explanation,
                tags=tags,
                source=SourceRef(SOURCE_ID, quote),
            )
        ], None
    answer = _text(fields[fm.answer], media) if fm.answer is not None else ""
    if not prompt:
        return [], f"empty {nt.fields[fm.prompt]!r} field"
    if not answer:
        what = nt.fields[fm.answer] if fm.answer is not None else "answer"
        return [], f"empty {what!r} field"
    cards = [
        Card(
            deck_id=deck_id,
            id=card_id,
            type=fm.kind,
            prompt=prompt,
            answer=answer,
            explanation=explanation,
            tags=tags,
            source=SourceRef(SOURCE_ID, prompt),
        )
    ]
    return cards, None


def convert_package(pkg: AnkiPackage, *, deck_id_prefix: str | None = None) -> Conversion:
    """Everything `import_file` needs from a package: decks, media, skips, reviews."""
    conv = Conversion()
    cards_by_note: dict[int, list[tuple[int, int, int]]] = {}  # nid → [(ord, cid, did)]
    for c in pkg.cards:
        cards_by_note.setdefault(c.nid, []).append((c.ord, c.id, c.did))
    note_deck: dict[int, str] = {}
    for nid, cs in cards_by_note.items():
        did = min(cs)[2]
        note_deck[nid] = pkg.decks.get(did) or f"Deck {did}"
    ids = deck_ids_for(set(note_deck.values()), deck_id_prefix)
    source_title = pkg.path.name
    decks: dict[str, Deck] = {}
    seen_ids: dict[str, set[str]] = {}
    item_of_card: dict[int, tuple[str, str, int]] = {}  # anki cid → (deck id, card id, ord)
    maps: dict[int, FieldMap] = {}
    image_size = package_image_size(pkg.open_media, pkg.media)  # Image Occlusion in pixels
    for note in pkg.notes:
        label = f"note {note.guid!r}"
        nt = pkg.notetypes.get(note.mid)
        if nt is None or not nt.fields:
            conv.skipped.append(f"{label}: unknown note type {note.mid}")
            continue
        if note.id not in note_deck:
            conv.skipped.append(f"{label}: the note has no cards")
            continue
        fm = maps.get(nt.id)
        if fm is None:
            fm = maps[nt.id] = field_map(nt)
        name = note_deck[note.id]
        deck_id = ids[name]
        deck = decks.get(deck_id)
        if deck is None:
            deck = decks[deck_id] = Deck(
                id=deck_id,
                title=name,
                description=f"Imported from the Anki deck {name!r} in {source_title}.",
                sources={
                    SOURCE_ID: Source(id=SOURCE_ID, title=source_title, publisher="Anki package")
                },
            )
            seen_ids[deck_id] = set()
        media = conv.media.setdefault(deck_id, set())
        cards, reason = note_cards_if_occlusion(  # Anki's Image Occlusion → occlusion card
            note.fields, nt.fields, nt.is_cloze, deck_id, card_id_for_guid(note.guid),
            note.tags, media, image_size, SOURCE_ID, DEFAULT_EXPLANATION,
        ) or note_cards(note, nt, fm, deck_id, media)
        cards = [field_image(c, media) for c in cards]  # a field that is one <img> → image:
        if reason:
            conv.skipped.append(f"{label} ({nt.name}): {reason}")
            continue
        base = cards[0]
        if base.id in seen_ids[deck_id]:
            conv.skipped.append(f"{label}: duplicate GUID in deck {deck_id}")
            continue
        seen_ids[deck_id].add(base.id)
        deck.cards.append(base)
        for ord_, cid, _did in cards_by_note[note.id]:
            if fm.kind is CardType.CLOZE:
                item_of_card[cid] = (deck_id, base.id, ord_ + 1)
            elif ord_ == 0:
                item_of_card[cid] = (deck_id, base.id, 0)
            elif fm.reverse_template == ord_:
                rev_id = base.id + "-r"
                deck.cards.append(
                    Card(
                        deck_id=deck_id,
                        id=rev_id,
                        type=base.type,
                        prompt=base.answer,
                        answer=base.prompt,
                        explanation=base.explanation,
                        tags=base.tags,
                        source=base.source,
                    )
                )
                seen_ids[deck_id].add(rev_id)
                item_of_card[cid] = (deck_id, rev_id, 0)
            else:
                template = nt.templates[ord_][0] if ord_ < len(nt.templates) else f"#{ord_ + 1}"
                conv.skipped.append(
                    f"{label}: card of template {template!r} of note type {nt.name!r} not "
                    "imported (only the first template of custom note types is)"
                )
    conv.decks = [decks[k] for k in sorted(decks)]
    for c in pkg.cards:
        item = item_of_card.get(c.id)
        if item is not None:
            conv.schedule.append(
                CardSchedule(
                    *item, c.type, c.queue, c.due, max(c.ivl, 0), c.factor, c.reps, c.lapses
                )
            )
    for r in pkg.revlog:
        item = item_of_card.get(r.cid)
        if item is None or not 1 <= r.ease <= 4 or r.type > 3:
            continue  # card not imported, manual reschedule or "set due date"
        conv.revlog.append(
            ReviewEntry(*item, r.id, r.ease, max(r.time, 0), r.ivl if r.ivl > 0 else 0)
        )
    return conv


def package_to_decks(pkg: AnkiPackage, *, deck_id_prefix: str | None = None) -> list[Deck]:
    """quizapp decks of an Anki package (one per Anki deck holding notes), sorted by id."""
    return convert_package(pkg, deck_id_prefix=deck_id_prefix).decks


__all__ = [
    "CardSchedule",
    "Conversion",
    "ImportResult",
    "ReviewEntry",
    "card_id_for_guid",
    "convert_package",
    "package_to_decks",
    "plain_to_text",
    "slugify",
]
