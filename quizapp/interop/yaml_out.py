"""Write a `Deck` as a deck file in quizapp's format (docs/deck-format.md).

Every text value is written as a YAML string: PyYAML's safe dumper quotes any scalar
that would otherwise read back as a boolean, number, date or null (`No`, `1:30`, `35`),
multi-line text uses a literal block. Keys come in a fixed order; the file is written
to a temporary file beside the target and renamed over it (`quizapp.outputs`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from quizapp.decks.yaml_dump import dump_yaml
from quizapp.interop.occlusion import card_media_dict
from quizapp.model import Card, CardType, Deck
from quizapp.outputs import Protected, write_atomic


def card_to_dict(card: Card) -> dict[str, Any]:
    """A card as an ordered mapping (id, type, prompt, answer, accept, choices, text, …)."""
    out: dict[str, Any] = {"id": card.id, "type": str(card.type)}
    if card.prompt or card.type in (CardType.BASIC, CardType.TYPED, CardType.MCQ):
        out["prompt"] = card.prompt
    if card.type in (CardType.BASIC, CardType.TYPED):
        out["answer"] = card.answer
    if card.type is CardType.TYPED and card.accept:
        out["accept"] = list(card.accept)
    if card.type is CardType.MCQ:
        choices = []
        for ch in card.choices:
            item: dict[str, Any] = {"text": ch.text}
            if ch.correct:
                item["correct"] = True
            item["why"] = ch.why
            if ch.fixed:
                item["fixed"] = True
            choices.append(item)
        out["choices"] = choices
    if card.type is CardType.CLOZE:
        out["text"] = card.text
        if card.cloze_accept:
            out["accept"] = {n: list(alts) for n, alts in card.cloze_accept}
    out.update(card_media_dict(card))  # image, answer_image, mode, shapes
    out["explanation"] = card.explanation
    if card.tags:
        out["tags"] = list(card.tags)
    if card.source is not None:
        src: dict[str, Any] = {"id": card.source.source_id, "quote": card.source.quote}
        if card.source.ref:
            src["ref"] = card.source.ref
        out["source"] = src
    if card.fact:
        out["fact"] = card.fact
    if card.draft:
        out["draft"] = True
    if card.anki is not None:
        anki: dict[str, Any] = {"guid": card.anki.guid, "ord": card.anki.ord}
        if card.anki.notetype:
            anki["notetype"] = card.anki.notetype
        if card.anki.notetype_id:
            anki["notetype_id"] = card.anki.notetype_id
        out["anki"] = anki
    return out


def deck_to_dict(deck: Deck) -> dict[str, Any]:
    out: dict[str, Any] = {"format": 1, "id": deck.id, "title": deck.title}
    if deck.description:
        out["description"] = deck.description
    if deck.tags:
        out["tags"] = list(deck.tags)
    if deck.sources:
        sources: dict[str, Any] = {}
        for sid, s in deck.sources.items():
            entry: dict[str, Any] = {"title": s.title}
            for key in ("author", "publisher", "date", "url", "file"):
                value = getattr(s, key)
                if value:
                    entry[key] = value
            sources[sid] = entry
        out["sources"] = sources
    out["cards"] = [card_to_dict(c) for c in deck.cards]
    return out


def dump_deck_yaml(deck: Deck) -> str:
    return dump_yaml(deck_to_dict(deck))


def write_deck_yaml(
    deck: Deck, path: str | os.PathLike[str], *, protected: Protected | None = None
) -> Path:
    """Write `deck` to `path` atomically (`quizapp.outputs`: never over a `protected`
    file, mode after the umask); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, [dump_deck_yaml(deck)], protected=protected)
    return path
