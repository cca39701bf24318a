"""Drafting decks from documents: grounded draft cards from a document's facts.

extract (per input kind) → facts (sentences, lists, refs, headings) → a `Drafter`
(`RuleDrafter`: figures → typed, key terms → cloze, same-kind alternatives → mcq, lists →
"which of the following") → `grounding.check` on every card → writer (deck + source
text) → `review` (accept, edit, reject, next variant). See docs/drafting.md.
"""

from __future__ import annotations

from quizapp.draft.errors import DraftError

__all__ = ["DraftError"]
