"""Anki notes → quizapp decks (the import entry point is `quizapp.interop.importer`).

Mapping (see docs/anki.md):

* one quizapp deck per Anki deck that holds notes; deck id = slug of the full name
  (``Parent::Child`` → ``parent-child``), title = the Anki name as written (``Parent::Child``);
* card id = ``anki-`` + hex of the note GUID's UTF-8 bytes (``anki-h`` + SHA-1 for GUIDs over
  28 bytes), so re-importing an updated package updates the same cards; a note's second
  card gets ``-r``, further ones ``-t3``, ``-t4`` …; every card keeps ``anki:`` (GUID, ord,
  note type) for the export;
* what each card asks and answers is what its template shows (`quizapp.interop.templates`);
* notes of quizapp's own note types (`qz_notetypes`) are restored exactly: id, deck,
  type, options, source.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from quizapp.decks import cloze
from quizapp.decks.rules import CARD_ID_RE, DECK_ID_RE
from quizapp.interop import anki_days, qz_notetypes
from quizapp.interop.apkg_read import (
    AnkiCard,
    AnkiNote,
    AnkiNotetype,
    AnkiPackage,
)
from quizapp.interop.htmltext import html_to_text, plain_to_text
from quizapp.interop.occlusion import field_image, note_cards_if_occlusion, package_image_size
from quizapp.interop.qz_notetypes import LETTERS, QzNotetype
from quizapp.interop.templates import Plan, plan
from quizapp.model import AnkiRef, Card, CardType, Choice, Deck, Source, SourceRef

Progress = Callable[[int, int], None]

SOURCE_ID = "anki"
DEFAULT_EXPLANATION = "Imported from Anki."
DECK_ID_MAX = 64

_DECK_SLUG = re.compile(r"[^a-z0-9]+")


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
    left: int = 0  # learning steps left
    stability: float | None = None  # FSRS memory state (cards.data), when Anki has one
    difficulty: float | None = None  # 1-10
    last_review_ms: int | None = None  # cards.data "lrt"
    due_date: date | None = None  # the calendar date of a due counted in days
    due_ms: int | None = None  # a learning card's due in epoch time


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
    notetypes: dict[int, AnkiNotetype] = field(default_factory=dict)  # of imported notes
    warnings: list[str] = field(default_factory=list)


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


# --- one note → cards ---


def card_id_for_ord(base: str, ord_: int) -> str:
    """The card id of template `ord_` of a note whose first card is `base`: `base`, then
    `base-r` (the reverse of Basic (and reversed card)), then `base-t3`, `base-t4` …"""
    return base if ord_ == 0 else base + "-r" if ord_ == 1 else f"{base}-t{ord_ + 1}"


def template_of(nt: AnkiNotetype, ord_: int) -> tuple[str, str]:
    """(front, back) of template `ord_` (cloze note types have one template)."""
    if nt.is_cloze or not nt.templates:
        ord_ = 0
    if ord_ < len(nt.templates):
        return nt.templates[ord_][1], nt.templates[ord_][2]
    return "", ""


def plan_for(nt: AnkiNotetype, ord_: int) -> Plan:
    front, back = template_of(nt, ord_)
    if not nt.templates:  # no templates known (text files): first field asks, second answers
        front = "{{%s}}" % nt.fields[0]  # noqa: UP031 - braces
        back = "{{FrontSide}}" + ("{{%s}}" % nt.fields[1] if len(nt.fields) > 1 else "")  # noqa: UP031
    others = tuple(t for i, (_n, q, a) in enumerate(nt.templates) if i != ord_ for t in (q, a))
    return plan(nt.fields, front, back, is_cloze=nt.is_cloze, others=others)


def note_card(
    note: AnkiNote,
    nt: AnkiNotetype,
    ord_: int,
    deck_id: str,
    card_id: str,
    media: set[str],
    *,
    html: bool = True,
) -> tuple[Card | None, str | None]:
    """The quizapp card of template `ord_` of a note, or (None, reason)."""

    def _text(raw: str) -> str:
        text, names = html_to_text(raw) if html else plain_to_text(raw, keep_tabs=True)
        media.update(names)
        return text

    p = plan_for(nt, ord_)
    fields = list(note.fields) + [""] * (len(nt.fields) - len(note.fields))
    prompt = "\n".join(t for i in p.prompt if (t := _text(fields[i])))
    parts = []
    for i, lbl in p.extras:
        if t := _text(fields[i]):
            parts.append(f"{lbl}: {t}" if lbl else t)
    explanation = "\n\n".join(parts) or DEFAULT_EXPLANATION
    tags = tuple(dict.fromkeys(note.tags))
    ref = AnkiRef(note.guid, 0 if nt.is_cloze else ord_, nt.name, nt.id) if note.guid else None
    if p.kind is CardType.CLOZE:
        if not prompt:
            return None, "empty cloze text"
        try:
            if not cloze.deletions(prompt):
                return None, "cloze text without {{c1::…}} deletions"
        except cloze.ClozeError as exc:
            return None, f"cloze text cannot be used: {exc}"
        quote = cloze.plain_text(prompt)
        card = Card(deck_id=deck_id, id=card_id, type=CardType.CLOZE, text=prompt,
                    explanation=explanation, tags=tags, source=SourceRef(SOURCE_ID, quote),
                    anki=ref)  # fmt: skip
        return card, None
    answer = "\n".join(t for i in p.answer if (t := _text(fields[i])))
    if not prompt:
        names = ", ".join(repr(nt.fields[i]) for i in p.prompt)
        return None, f"empty {names} field"
    if not answer:
        names = ", ".join(repr(nt.fields[i]) for i in p.answer) or "answer"
        return None, f"empty {names} field"
    card = Card(deck_id=deck_id, id=card_id, type=p.kind, prompt=prompt, answer=answer,
                explanation=explanation, tags=tags, source=SourceRef(SOURCE_ID, prompt),
                anki=ref)  # fmt: skip
    return card, None


# --- our own note types, restored exactly ---

_LI = re.compile(r"<li[^>]*>(.*?)</li>", re.IGNORECASE | re.DOTALL)
_LETTER = re.compile(r"\b([A-J])\b")


def hidden_meta(note: AnkiNote, nt: AnkiNotetype) -> tuple[QzNotetype, dict[str, Any]] | None:
    """Our note type and the hidden `quizapp` field of a note we exported, if it is one."""
    qz = qz_notetypes.ours(nt.name, nt.fields)
    if qz is None or len(note.fields) != len(qz.fields):
        return None
    try:
        meta = json.loads(html.unescape(note.fields[-1]))
    except ValueError:
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return None
    if not CARD_ID_RE.match(meta["id"]) or len(meta["id"]) > 60:
        return None
    return qz, meta


def unnumbered(text: str) -> str:
    """`{{c1::a}} … {{c2::b}}` → `{{a}} … {{b}}` (our export numbered plain deletions)."""
    return re.sub(r"\{\{c\d+::(.*?)\}\}", r"{{\1}}", text, flags=re.DOTALL)


def restore_cards(
    note: AnkiNote,
    nt: AnkiNotetype,
    qz: QzNotetype,
    meta: dict[str, Any],
    ords: list[int],
    deck_id: str,
    media: set[str],
) -> tuple[list[tuple[int, Card]], Source | None, str | None]:
    """The cards of a note of our own note type: [(Anki ord, card)], the deck's source
    entry, or a reason it cannot be restored."""

    def t(i: int) -> str:
        text, names = html_to_text(note.fields[i])
        media.update(names)
        return text

    def s(key: str) -> str:
        value = meta.get(key, "")
        return value if isinstance(value, str) else ""

    src_raw, entry_raw = meta.get("source"), meta.get("src")
    src: dict[str, Any] | None = src_raw if isinstance(src_raw, dict) else None
    entry: dict[str, Any] = entry_raw if isinstance(entry_raw, dict) else {}
    source_entry: Source | None = None
    if src and isinstance(src.get("id"), str) and isinstance(src.get("quote"), str):
        ref = SourceRef(src["id"], src["quote"], str(src.get("ref", "")))
        keys = ("author", "publisher", "date", "url")
        source_entry = Source(id=ref.source_id, title=str(entry.get("title") or ref.source_id),
                              **{k: str(entry.get(k, "")) for k in keys})  # fmt: skip
    else:
        ref = None
    raw_tags = meta.get("tags")
    tags = tuple(str(x) for x in raw_tags) if isinstance(raw_tags, list) else note.tags
    anki = AnkiRef(note.guid, 0, nt.name, nt.id)
    base = dict(deck_id=deck_id, id=meta["id"], tags=tags, anki=anki, fact=s("fact"))
    out: list[tuple[int, Card]] = []
    if qz.kind == "cloze":
        text = t(0)
        if meta.get("plain"):
            text = unnumbered(text)
        accept_map = meta.get("cloze_accept")
        cloze_accept = (
            tuple(
                (int(n), tuple(str(a) for a in alts))
                for n, alts in sorted(accept_map.items(), key=lambda kv: int(kv[0]))
                if str(n).isdigit() and isinstance(alts, list)
            )
            if isinstance(accept_map, dict)
            else ()
        )
        card = Card(type=CardType.CLOZE, text=text, prompt=t(2), cloze_accept=cloze_accept,
                    explanation=t(1) or DEFAULT_EXPLANATION,
                    source=ref or SourceRef(SOURCE_ID, cloze.plain_text(text)), **base)  # fmt: skip
        out.append((0, card))
    elif qz.kind == "mcq":
        options = [html_to_text(x)[0] for x in _LI.findall(note.fields[1])]
        reasons = [html_to_text(x)[0].lstrip("✔✘ ") for x in _LI.findall(note.fields[3])]
        correct = {LETTERS.index(x) for x in _LETTER.findall(html_to_text(note.fields[2])[0])}
        fixed_raw = meta.get("fixed")
        fixed: list[Any] = fixed_raw if isinstance(fixed_raw, list) else []
        choices = tuple(
            Choice(text, i in correct, reasons[i] if i < len(reasons) else "", i in fixed)
            for i, text in enumerate(options)
        )
        if len(choices) < 2 or not correct:
            return [], None, "the Options or Correct field was emptied in Anki"
        prompt = t(0)
        card = Card(type=CardType.MCQ, prompt=prompt, choices=choices,
                    explanation=t(4) or DEFAULT_EXPLANATION,
                    source=ref or SourceRef(SOURCE_ID, prompt), **base)  # fmt: skip
        out.append((0, card))
    else:
        front, back = t(0), t(1)
        accept_raw = meta.get("accept")
        accept: list[Any] = accept_raw if isinstance(accept_raw, list) else []
        kind = CardType.TYPED if qz.kind == "typed" else CardType.BASIC
        card = Card(type=kind, prompt=front, answer=back, explanation=t(2) or DEFAULT_EXPLANATION,
                    accept=tuple(str(a) for a in accept),
                    source=ref or SourceRef(SOURCE_ID, front), **base)  # fmt: skip
        out.append((0, card))
        if qz is qz_notetypes.REVERSED and 1 in ords:
            rid = s("rid") or card_id_for_ord(meta["id"], 1)
            rev = replace(card, id=rid, prompt=back, answer=front,
                          anki=AnkiRef(note.guid, 1, nt.name, nt.id))  # fmt: skip
            out.append((1, rev))
    for _, c in out:
        if (c.type is not CardType.CLOZE and not c.prompt) or (
            c.type in (CardType.BASIC, CardType.TYPED) and not c.answer
        ):
            return [], None, "a field our note type needs was emptied in Anki"
    return out, source_entry, None


# --- conversion ---


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
    image_size = package_image_size(pkg.open_media, pkg.media)  # Image Occlusion in pixels

    def deck_for(deck_id: str, name: str) -> Deck:
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
        return deck

    for note in pkg.notes:
        label = f"note {note.guid!r}"
        nt = pkg.notetypes.get(note.mid)
        if nt is None or not nt.fields:
            conv.skipped.append(f"{label}: unknown note type {note.mid}")
            continue
        if note.id not in note_deck:
            conv.skipped.append(f"{label}: the note has no cards")
            continue
        name = note_deck[note.id]
        ords = sorted(o for o, _cid, _did in cards_by_note[note.id])
        cid_of = {o: cid for o, cid, _did in cards_by_note[note.id]}
        restored = hidden_meta(note, nt)
        made: list[tuple[int, Card]] = []
        if restored is not None:
            qz, meta = restored
            wanted = meta.get("deck")
            deck_id = wanted if isinstance(wanted, str) and DECK_ID_RE.match(wanted) else ids[name]
            media = conv.media.setdefault(deck_id, set())
            made, entry, reason = restore_cards(note, nt, qz, meta, ords, deck_id, media)
            if reason:
                conv.skipped.append(f"{label} ({nt.name}): {reason}")
                continue
            deck = deck_for(deck_id, name)
            if entry is not None:
                deck.sources.setdefault(entry.id, entry)
        else:
            deck_id = ids[name]
            deck = deck_for(deck_id, name)
            media = conv.media.setdefault(deck_id, set())
            base = card_id_for_guid(note.guid)
            occlusion = note_cards_if_occlusion(  # Anki's Image Occlusion → occlusion card
                note.fields, nt.fields, nt.is_cloze, deck_id, base,
                note.tags, media, image_size, SOURCE_ID, DEFAULT_EXPLANATION,
            )  # fmt: skip
            if occlusion is not None:
                cards, reason = occlusion
                if reason:
                    conv.skipped.append(f"{label} ({nt.name}): {reason}")
                    continue
                if cards and cards[0].deck_id != deck_id:  # our own export: its deck back
                    names = set(media)
                    deck_id = cards[0].deck_id
                    deck = deck_for(deck_id, name)
                    media = conv.media.setdefault(deck_id, set())
                    media.update(names)
                made = [(0, c) for c in cards]
            else:
                conv.notetypes[nt.id] = nt
                for o in [0] if nt.is_cloze else ords:
                    card, reason = note_card(note, nt, o, deck_id, card_id_for_ord(base, o), media)
                    if card is None:
                        conv.skipped.append(f"{label} ({nt.name}, card {o + 1}): {reason}")
                        continue
                    made.append((o, card))
            made = [(o, field_image(c, media)) for o, c in made]  # one <img> field → image:
        for o, card in made:
            if card.id in seen_ids[deck_id]:
                conv.skipped.append(f"{label}: duplicate card id {card.id} in deck {deck_id}")
                continue
            seen_ids[deck_id].add(card.id)
            deck.cards.append(card)
            if card.type in (CardType.CLOZE, CardType.OCCLUSION):
                for cord in ords:
                    item_of_card[cid_of[cord]] = (deck_id, card.id, cord + 1)
            elif o in cid_of:
                item_of_card[cid_of[o]] = (deck_id, card.id, 0)
    for deck in decks.values():  # restored decks quote their own sources
        if not any(c.source and c.source.source_id == SOURCE_ID for c in deck.cards):
            deck.sources.pop(SOURCE_ID, None)
    conv.decks = [decks[k] for k in sorted(decks)]
    for c in pkg.cards:
        item = item_of_card.get(c.id)
        if item is not None:
            conv.schedule.append(_schedule(item, c, pkg))
    for r in pkg.revlog:
        item = item_of_card.get(r.cid)
        if item is None or not 1 <= r.ease <= 4 or r.type > 3:
            continue  # card not imported, manual reschedule or "set due date"
        conv.revlog.append(
            ReviewEntry(*item, r.id, r.ease, max(r.time, 0), r.ivl if r.ivl > 0 else 0)
        )
    return conv


def _schedule(item: tuple[str, str, int], c: AnkiCard, pkg: AnkiPackage) -> CardSchedule:
    mem = anki_days.memory_of(c.data) if c.type != 0 else None
    in_secs = c.due > anki_days.EPOCH_DUE
    return CardSchedule(
        *item,
        c.type,
        c.queue,
        c.due,
        max(c.ivl, 0),
        c.factor,
        c.reps,
        c.lapses,
        left=c.left % 1000,
        stability=mem.stability if mem else None,
        difficulty=mem.difficulty if mem else None,
        last_review_ms=mem.last_review_s * 1000 if mem and mem.last_review_s else None,
        due_date=anki_days.day_date(pkg.timing, c.due) if c.type != 0 and not in_secs else None,
        due_ms=c.due * 1000 if c.type != 0 and in_secs else None,
    )


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
