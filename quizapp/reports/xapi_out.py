"""xAPI 1.0.3 export: one statement per answer, JSON Lines.

* `id`: a UUID v5 of the database identity and the review id — the same answer
  exported twice gets the same id, so an LRS deduplicates it.
* `actor`: an Agent identified by an account (`homePage` configurable, default
  `urn:quizapp`; `name` the learner name).
* `verb`: `http://adlnet.gov/expapi/verbs/answered`.
* `object`: the study item as an Activity `urn:quizapp:card:<deck>:<card>[:c<ord>]`
  (each part percent-encoded) of type cmi.interaction: mcq → `choice` with its
  choices and correctResponsesPattern; typed and cloze → `fill-in` (the accepted
  answer as the pattern); basic → `other`.
* `result.success`: the grader's verdict for auto-graded answers; for self-graded
  answers (no verdict stored), whether the learner rated it recalled (rating > 1) —
  the `urn:quizapp:self-graded` extension says which. `response` is omitted when empty;
  `duration` is ISO 8601 (`PT12.5S`).
* `timestamp`: ISO 8601 UTC with a Z; `context.platform` is `quizapp`, extensions hold
  the rating (1–4), deck id and card key.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from quizapp.clock import ms_to_dt
from quizapp.decks.cloze import ClozeError, answers_for
from quizapp.reports.reviewlog import ReviewRecord

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:quizapp:xapi")
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
DEFAULT_HOMEPAGE = "urn:quizapp"
EXT = "urn:quizapp:"


def activity_id(deck_id: str, card_id: str, ord_: int = 0) -> str:
    base = f"urn:quizapp:card:{quote(deck_id, safe='')}:{quote(card_id, safe='')}"
    return f"{base}:c{ord_}" if ord_ else base


def iso_duration(ms: int) -> str:
    """PT12.5S (seconds to 0.01 s, as xAPI asks; PT0S for nothing)."""
    seconds = max(0, ms) / 1000
    text = f"{seconds:.2f}".rstrip("0").rstrip(".")
    return f"PT{text}S"


def timestamp(ms: int) -> str:
    dt = ms_to_dt(ms)
    assert dt is not None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _definition(r: ReviewRecord) -> dict[str, Any]:
    d: dict[str, Any] = {"type": INTERACTION, "name": {"en-US": r.prompt}}
    if r.card_type == "mcq":
        choices = r.data.get("choices", [])
        d["interactionType"] = "choice"
        d["choices"] = [
            {"id": f"c{i}", "description": {"en-US": str(c.get("text", ""))}}
            for i, c in enumerate(choices)
        ]
        right = [f"c{i}" for i, c in enumerate(choices) if c.get("correct")]
        d["correctResponsesPattern"] = ["[,]".join(right)]
    elif r.card_type in ("typed", "cloze"):
        d["interactionType"] = "fill-in"
        if r.card_type == "typed":
            answers = [str(r.data.get("answer", ""))]
        else:
            try:
                answers = answers_for(str(r.data.get("text", "")), r.ord)
            except ClozeError:
                answers = []
        if any(answers):
            d["correctResponsesPattern"] = ["[,]".join(answers)]
    else:
        d["interactionType"] = "other"
    return d


def statement(
    r: ReviewRecord, *, db_ident: str, homepage: str = DEFAULT_HOMEPAGE
) -> dict[str, Any]:
    self_graded = r.correct is None
    result: dict[str, Any] = {
        "success": (r.rating > 1) if self_graded else bool(r.correct),
        "duration": iso_duration(r.duration_ms),
    }
    if r.response:
        result["response"] = r.response
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{db_ident}|{r.review_id}")),
        "version": "1.0.3",
        "actor": {
            "objectType": "Agent",
            "name": r.learner,
            "account": {"homePage": homepage, "name": r.learner},
        },
        "verb": {"id": VERB_ANSWERED, "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": activity_id(r.deck_id, r.card_id, r.ord),
            "definition": _definition(r),
        },
        "result": result,
        "timestamp": timestamp(r.reviewed_at),
        "context": {
            "platform": "quizapp",
            "extensions": {
                f"{EXT}rating": r.rating,
                f"{EXT}deck": r.deck_id,
                f"{EXT}card-key": r.card_key,
                f"{EXT}self-graded": self_graded,
            },
        },
    }


def render(
    records: Iterable[tuple[str, ReviewRecord]], *, homepage: str = DEFAULT_HOMEPAGE
) -> Iterator[str]:
    """JSON Lines, one statement per (db identity, review) pair; keys sorted."""
    for ident, r in records:
        yield (
            json.dumps(
                statement(r, db_ident=ident, homepage=homepage),
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            )
            + "\n"
        )
