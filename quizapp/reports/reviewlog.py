"""The raw review log of a learner, one record per answer (for CSV and xAPI exports).

Streams rows from the store (`reports_reviews.review_log`) in time order; the card's
JSON is parsed once per card.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizapp.clock import dt_to_ms, utc
from quizapp.reports.labels import prompt_text
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries.reports_reviews import review_log
from quizapp.store.scope import Scope


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    review_id: int
    card_pk: int  # cards.id: the FSRS optimizer's card_id
    reviewed_at: int  # epoch ms UTC
    rating: int  # 1..4
    duration_ms: int
    response: str
    correct: bool | None  # None: self-graded
    new: bool  # the card had never been answered before
    learner: str
    deck_id: str
    card_id: str
    ord: int
    card_type: str
    prompt: str
    data: dict[str, Any]
    source: str = ""  # database label

    @property
    def card_key(self) -> str:
        base = f"{self.deck_id}/{self.card_id}"
        return f"{base}#c{self.ord}" if self.ord else base


def iter_reviews(
    db: Database,
    learner: Learner,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
    source: str = "",
) -> Iterator[ReviewRecord]:
    """The learner's reviews up to `now` (from `since`), oldest first, ties by id, of the
    cards in the deck and tag filter (inactive cards included: history)."""
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    cur = review_log(db, learner.id, scope, since_ms, dt_to_ms(utc(now)) or 0)
    parsed: dict[int, tuple[dict[str, Any], str]] = {}
    for row in cur:
        rid, pk, at, rating, dur, resp, correct, new, deck_id, card_id, ord_, ctype, data = row
        if pk not in parsed:
            d = json.loads(data)
            parsed[pk] = (d, prompt_text(ctype, d, ord_))
        d, prompt = parsed[pk]
        yield ReviewRecord(
            review_id=rid,
            card_pk=pk,
            reviewed_at=at,
            rating=rating,
            duration_ms=dur or 0,
            response=resp or "",
            correct=None if correct is None else bool(correct),
            new=bool(new),
            learner=learner.name,
            deck_id=deck_id,
            card_id=card_id,
            ord=ord_,
            card_type=ctype,
            prompt=prompt,
            data=d,
            source=source,
        )
