"""One-line descriptions of study items that every front end shows the same way."""

from __future__ import annotations

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.store.items import StudyItem
from quizapp.textsafe import inert


def short_prompt(item: StudyItem, limit: int = 40) -> str:
    """The start of a card's question on one line (for "Undone: …"), deck text made inert."""
    card = item.card
    text = card.prompt
    if card.type == CardType.CLOZE and not text:
        text = cloze.render_question(card.text, item.ord)
    words = " ".join(inert(text).split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def undone_note(item: StudyItem) -> str:
    """What an undo says: which card it took back."""
    return f"Undone: {inert(item.deck_title)} · {inert(item.key)} ({short_prompt(item)})"
