"""xAPI 1.0.3 export: one statement per answer and per finished quiz block, JSON Lines.

Three kinds of statement, all with `version` 1.0.3, an Agent `actor` identified by an
account (`homePage` configurable, default `urn:quizapp`; `name` the learner's name, or
their pseudonym), a `timestamp` in ISO 8601 UTC with a Z and `context.platform`
`quizapp`:

* a **study review** — verb `answered`; object the study item;
* a **quiz answer** — verb `answered`; object the study item; `context.registration`
  the block's UUID and `context.contextActivities.parent` the block;
* a **completed quiz block** — verb `completed`; object the block, an activity of type
  `assessment`; `result.score` (raw correct, min 0, max the questions in scope, scaled),
  `result.completion` true, `duration` the time spent.

The study item is an Activity `urn:quizapp:card:<deck>:<card>[:c<ord>]` (each part
percent-encoded) of type cmi.interaction: mcq → `choice` with its `choices` (ids `c0`,
`c1`… in the card's own order, whatever order they were shown in) and
`correctResponsesPattern`; typed whose answer is a number → `numeric` (the number as
the pattern); other typed and cloze → `fill-in` (the accepted answer as the pattern);
basic → `other`. `result.response` is in those terms: an mcq answer stored as letters
in the card's order ("A,C") becomes `c0[,]c2`; a numeric answer the number given (a
response that is no number is left out, and kept in the `urn:quizapp:response-text`
extension). `result.success` is the grader's verdict for auto-graded answers; for
self-graded answers (no verdict stored), whether the learner rated it recalled
(rating > 1) — the `urn:quizapp:self-graded` extension says which. `duration` is
ISO 8601 (`PT12.5S`).

Statement ids are UUID v5 of what the statement is about, never of a file's path: the
learner's account name, the item and the instant of the answer (a quiz answer: the
block's start and the question's position; a block: its start). Exporting again — from
the same file or a copy — gives the same ids, so an LRS does not duplicate them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from quizapp.clock import dt_to_ms, ms_to_dt, utc
from quizapp.decks.cloze import ClozeError, answers_for
from quizapp.reports.labels import prompt_text
from quizapp.reports.reviewlog import ReviewRecord
from quizapp.store.db import Database
from quizapp.store.queries import reports_items as qi
from quizapp.store.scope import Scope
from quizapp.study.matching import parse_number

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:quizapp:xapi")
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
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


def _typed_number(card_type: str, data: dict[str, Any]) -> float | None:
    if card_type != "typed":
        return None
    return parse_number(str(data.get("answer", "")))


def _number(x: float) -> str:
    return f"{x:.15g}"


def definition(card_type: str, data: dict[str, Any], ord_: int, prompt: str) -> dict[str, Any]:
    """The cmi.interaction definition of a study item (see the module docstring)."""
    d: dict[str, Any] = {"type": INTERACTION, "name": {"en-US": prompt}}
    number = _typed_number(card_type, data)
    if card_type == "mcq":
        choices = data.get("choices", [])
        d["interactionType"] = "choice"
        d["choices"] = [
            {"id": f"c{i}", "description": {"en-US": str(c.get("text", ""))}}
            for i, c in enumerate(choices)
        ]
        right = [f"c{i}" for i, c in enumerate(choices) if c.get("correct")]
        d["correctResponsesPattern"] = ["[,]".join(right)]
    elif number is not None:
        d["interactionType"] = "numeric"
        d["correctResponsesPattern"] = [_number(number)]
    elif card_type in ("typed", "cloze"):
        d["interactionType"] = "fill-in"
        if card_type == "typed":
            answers = [str(data.get("answer", ""))]
        else:
            try:
                answers = answers_for(str(data.get("text", "")), ord_)
            except ClozeError:
                answers = []
        if any(answers):
            d["correctResponsesPattern"] = ["[,]".join(answers)]
    else:
        d["interactionType"] = "other"
    return d


def response_of(card_type: str, data: dict[str, Any], response: str) -> str | None:
    """The stored response in the interaction's terms (None: none to give)."""
    if not response:
        return None
    if card_type == "mcq":
        parts = [p.strip() for p in response.split(",") if p.strip()]
        n = len(data.get("choices", []))
        if parts and all(len(p) == 1 and "A" <= p.upper() <= "Z" for p in parts):
            idx = [ord(p.upper()) - 65 for p in parts]
            if all(i < n for i in idx):
                return "[,]".join(f"c{i}" for i in idx)
        return response
    if _typed_number(card_type, data) is not None:
        given = parse_number(response)
        return None if given is None else _number(given)
    return response


def _actor(name: str, homepage: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "account": {"homePage": homepage, "name": name}}


def _item_object(
    deck_id: str, card_id: str, ord_: int, definition_: dict[str, Any]
) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": activity_id(deck_id, card_id, ord_),
        "definition": definition_,
    }


def _answer_result(
    card_type: str, data: dict[str, Any], response: str, success: bool, duration_ms: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`result`, and extensions to add (the raw response when it has no xAPI form)."""
    result: dict[str, Any] = {"success": success, "duration": iso_duration(duration_ms)}
    given = response_of(card_type, data, response)
    if given is not None:
        result["response"] = given
    extra = {f"{EXT}response-text": response} if response and given is None else {}
    return result, extra


def _card_key(deck_id: str, card_id: str, ord_: int) -> str:
    base = f"{deck_id}/{card_id}"
    return f"{base}#c{ord_}" if ord_ else base


def statement(
    r: ReviewRecord, *, db_ident: str = "", homepage: str = DEFAULT_HOMEPAGE
) -> dict[str, Any]:
    """A study review's statement (`db_ident` is no longer used: ids do not depend on
    the file)."""
    self_graded = r.correct is None
    success = (r.rating > 1) if self_graded else bool(r.correct)
    result, extra = _answer_result(r.card_type, r.data, r.response, success, r.duration_ms)
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"review|{r.learner}|{r.card_key}|{r.reviewed_at}")),
        "version": "1.0.3",
        "actor": _actor(r.learner, homepage),
        "verb": {"id": VERB_ANSWERED, "display": {"en-US": "answered"}},
        "object": _item_object(
            r.deck_id, r.card_id, r.ord, definition(r.card_type, r.data, r.ord, r.prompt)
        ),
        "result": result,
        "timestamp": timestamp(r.reviewed_at),
        "context": {
            "platform": "quizapp",
            "extensions": {
                f"{EXT}rating": r.rating,
                f"{EXT}deck": r.deck_id,
                f"{EXT}card-key": r.card_key,
                f"{EXT}self-graded": self_graded,
                **extra,
            },
        },
    }


@dataclass(frozen=True, slots=True)
class QuizAnswerRecord:
    """One answered quiz question (`quizapp.store.queries.reports_items.quiz_answers`)."""

    learner: str
    block_created_at: int
    position: int
    answered_at: int
    correct: bool
    response: str
    time_ms: int
    deck_id: str
    card_id: str
    ord: int
    card_type: str
    prompt: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BlockRecord:
    """One submitted quiz block, counted over its questions in the report's scope."""

    learner: str
    created_at: int
    submitted_at: int
    elapsed_ms: int
    mode: str
    questions: int
    answered: int
    correct: int


def block_uuid(learner: str, created_at: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"block|{learner}|{created_at}"))


def block_activity(learner: str, created_at: int) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"urn:quizapp:quiz-block:{block_uuid(learner, created_at)}",
        "definition": {"type": ASSESSMENT, "name": {"en-US": "Quiz block"}},
    }


def quiz_statement(q: QuizAnswerRecord, *, homepage: str = DEFAULT_HOMEPAGE) -> dict[str, Any]:
    result, extra = _answer_result(q.card_type, q.data, q.response, q.correct, q.time_ms)
    key = _card_key(q.deck_id, q.card_id, q.ord)
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"quiz|{q.learner}|{q.block_created_at}|{q.position}")),
        "version": "1.0.3",
        "actor": _actor(q.learner, homepage),
        "verb": {"id": VERB_ANSWERED, "display": {"en-US": "answered"}},
        "object": _item_object(
            q.deck_id, q.card_id, q.ord, definition(q.card_type, q.data, q.ord, q.prompt)
        ),
        "result": result,
        "timestamp": timestamp(q.answered_at),
        "context": {
            "platform": "quizapp",
            "registration": block_uuid(q.learner, q.block_created_at),
            "contextActivities": {"parent": [block_activity(q.learner, q.block_created_at)]},
            "extensions": {
                f"{EXT}deck": q.deck_id,
                f"{EXT}card-key": key,
                f"{EXT}quiz-position": q.position + 1,
                **extra,
            },
        },
    }


def block_statement(b: BlockRecord, *, homepage: str = DEFAULT_HOMEPAGE) -> dict[str, Any]:
    score: dict[str, Any] = {"raw": b.correct, "min": 0, "max": b.questions}
    if b.questions:
        score["scaled"] = round(b.correct / b.questions, 4)
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"block-completed|{b.learner}|{b.created_at}")),
        "version": "1.0.3",
        "actor": _actor(b.learner, homepage),
        "verb": {"id": VERB_COMPLETED, "display": {"en-US": "completed"}},
        "object": block_activity(b.learner, b.created_at),
        "result": {
            "score": score,
            "completion": True,
            "duration": iso_duration(b.elapsed_ms),
        },
        "timestamp": timestamp(b.submitted_at),
        "context": {
            "platform": "quizapp",
            "registration": block_uuid(b.learner, b.created_at),
            "extensions": {
                f"{EXT}quiz-mode": b.mode,
                f"{EXT}answered": b.answered,
            },
        },
    }


Record = ReviewRecord | QuizAnswerRecord | BlockRecord


def any_statement(r: Record, *, homepage: str = DEFAULT_HOMEPAGE) -> dict[str, Any]:
    if isinstance(r, QuizAnswerRecord):
        return quiz_statement(r, homepage=homepage)
    if isinstance(r, BlockRecord):
        return block_statement(r, homepage=homepage)
    return statement(r, homepage=homepage)


def _line(s: dict[str, Any]) -> str:
    return json.dumps(s, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def render_records(records: Iterable[Record], *, homepage: str = DEFAULT_HOMEPAGE) -> Iterator[str]:
    """JSON Lines, one statement per record, keys sorted."""
    for r in records:
        yield _line(any_statement(r, homepage=homepage))


def render(
    records: Iterable[tuple[str, Record]], *, homepage: str = DEFAULT_HOMEPAGE
) -> Iterator[str]:
    """JSON Lines of (database label, record) pairs; the label plays no part in the
    statements (kept for callers that pass it)."""
    return render_records((r for _, r in records), homepage=homepage)


def quiz_records(
    db: Database,
    learner_id: int,
    name: str,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
) -> list[QuizAnswerRecord | BlockRecord]:
    """The learner's answered quiz questions and submitted blocks in the deck and tag
    filter, in time order (a block after its answers), shown as `name`."""
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    now_ms = dt_to_ms(utc(now)) or 0
    answers = qi.quiz_answers(db, learner_id, scope, since_ms, now_ms)
    blocks = qi.quiz_blocks(db, learner_id, scope, since_ms, now_ms)
    created = dict(qi.block_starts(db, {r[5] for r in answers}))
    cards: dict[int, tuple[str, str, int, str, str, dict[str, Any]]] = {}
    for pk, deck_id, card_id, ord_, ctype, _fact, _tags, data in qi.item_cards(
        db, [r[0] for r in answers]
    ):
        d = json.loads(data)
        cards[pk] = (deck_id, card_id, ord_, ctype, prompt_text(ctype, d, ord_), d)
    out: list[tuple[int, int, QuizAnswerRecord | BlockRecord]] = []
    for pk, at, correct, resp, _pres, block_id, position, time_ms in answers:
        deck_id, card_id, ord_, ctype, prompt, d = cards[pk]
        rec = QuizAnswerRecord(
            name, created[block_id], position, at, bool(correct), resp, time_ms,
            deck_id, card_id, ord_, ctype, prompt, d,
        )  # fmt: skip
        out.append((at, 0, rec))
    for _bid, created_at, submitted_at, elapsed, mode, n, answered, right in blocks:
        block = BlockRecord(name, created_at, submitted_at or 0, elapsed, mode, n, answered, right)
        out.append((submitted_at or 0, 1, block))
    out.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in out]
