"""Study items as read back from the store (no YAML needed after sync)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from quizapp.decks.occlusion import parse_shape
from quizapp.model import Card, CardImage, CardType, Choice, Shape, Source, SourceRef
from quizapp.store.handle import Database


@dataclass(frozen=True, slots=True)
class StudyItem:
    card_pk: int
    deck_id: str
    card_id: str
    ord: int
    card: Card
    deck_title: str = ""
    source: Source | None = None  # the document the card quotes
    deck_path: str = ""  # the deck file (its card's image files are relative to it)

    @property
    def key(self) -> str:
        base = f"{self.deck_id}/{self.card_id}"
        return f"{base}#c{self.ord}" if self.ord else base


def _image(data: dict[str, Any] | None) -> CardImage | None:
    return CardImage(data["file"], data.get("alt", "")) if data else None


def _shape(data: dict[str, Any]) -> Shape:
    kind, coords = parse_shape(data["shape"])
    return Shape(int(data["group"]), data.get("label", ""), kind, coords)


def card_from_data(deck_id: str, card_id: str, data: dict[str, Any], fact: str = "") -> Card:
    """The card stored as `data` (deck_rows.card_data). `fact`: the item's fact key as
    synced (`cards.fact`: derived from quotes when the card names none); default: the
    card's own `fact:`."""
    src = data.get("source")
    return Card(
        deck_id=deck_id,
        id=card_id,
        type=CardType(data["type"]),
        prompt=data.get("prompt", ""),
        answer=data.get("answer", ""),
        accept=tuple(data.get("accept", ())),
        choices=tuple(
            Choice(
                text=c["text"],
                correct=bool(c.get("correct")),
                why=c.get("why", ""),
                fixed=bool(c.get("fixed")),
            )
            for c in data.get("choices", ())
        ),
        text=data.get("text", ""),
        explanation=data.get("explanation", ""),
        tags=tuple(data.get("tags", ())),
        source=SourceRef(src["id"], src.get("quote", ""), src.get("ref", "")) if src else None,
        line=int(data.get("line", 0)),
        fact=fact or data.get("fact", ""),
        cloze_accept=tuple((int(n), tuple(answers)) for n, answers in data.get("cloze_accept", ())),
        image=_image(data.get("image")),
        answer_image=_image(data.get("answer_image")),
        shapes=tuple(_shape(s) for s in data.get("shapes", ())),
        mode=data.get("mode", ""),
    )


def _source(sources_json: str, card: Card) -> Source | None:
    if not card.source:
        return None
    s = json.loads(sources_json or "{}").get(card.source.source_id)
    if not s:
        return None
    return Source(
        id=card.source.source_id,
        title=s.get("title", ""),
        author=s.get("author", ""),
        publisher=s.get("publisher", ""),
        date=s.get("date", ""),
        url=s.get("url", ""),
    )


_ITEM_SQL = """
    SELECT c.id, c.deck_id, c.card_id, c.ord, c.data, d.title, d.sources, c.fact, d.path
    FROM cards c JOIN decks d ON d.id = c.deck_id
    WHERE c.id IN ({marks})
"""


def load_items(db: Database, card_pks: list[int]) -> list[StudyItem]:
    """Items for the given primary keys, in the order given."""
    if not card_pks:
        return []
    found: dict[int, StudyItem] = {}
    for start in range(0, len(card_pks), 500):
        chunk = card_pks[start : start + 500]
        sql = _ITEM_SQL.format(marks=", ".join("?" for _ in chunk))
        for pk, deck_id, card_id, ord_, data, title, sources, fact, path in db.conn.execute(
            sql, chunk
        ):
            card = card_from_data(deck_id, card_id, json.loads(data), fact)
            found[pk] = StudyItem(
                card_pk=pk,
                deck_id=deck_id,
                card_id=card_id,
                ord=ord_,
                card=card,
                deck_title=title,
                source=_source(sources, card),
                deck_path=path or "",
            )
    return [found[pk] for pk in card_pks if pk in found]


def load_item(db: Database, card_pk: int) -> StudyItem | None:
    items = load_items(db, [card_pk])
    return items[0] if items else None
