"""A learner's progress on a deck as Anki scheduling: cards' queue/type/due/ivl and FSRS
memory state, and the reviews as revlog rows (written by `apkg_schedule`).

Day numbers count from the creation time this export writes into the collection
(`EXPORT_TIMING`: genanki's ``crt``, creation offset 0, the learner's rollover hour),
so Anki shows each review card due on the study day it is due here. Learning and
relearning cards are due at their exact time (epoch seconds, as Anki keeps them).

Per studied item (docs/anki.md): type = our FSRS state (1 learning, 2 review,
3 relearning — Anki's numbers), queue = type (1 for relearning), -1 when suspended;
ivl = study days from the last review to the due day (review cards; at least 1);
factor 2500 once graduated; reps, lapses; learning steps left; ``data`` = stability,
difficulty (both on FSRS's 1–10 / days scales, as Anki stores them), desired
retention, decay (w20) and last review. Revlog: id = review time (ms, made unique),
ease = our rating 1–4, ivl/lastIvl (days for review intervals, negative seconds for
learning steps), time taken (ms), type 0 learn, 1 review, 2 relearn by the state the
review found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from quizapp.clock import ms_to_dt, study_day
from quizapp.interop.anki_days import card_data, day_number
from quizapp.interop.apkg_read import AnkiTiming
from quizapp.scheduling.memory import learner_tz, parameters
from quizapp.scheduling.scheduler import LEARNING_STEPS, RELEARNING_STEPS
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import progress_export as queries

#: genanki's collection creation time (2014-09-19 11:00 UTC); with offset 0 day 0 is that date
EXPORT_CRT = 1411124400
GRADUATED_FACTOR = 2500

ItemKey = tuple[str, int]  # (card id, item ord)


@dataclass(frozen=True, slots=True)
class AnkiCardSchedule:
    type: int  # 0 new (suspended only), 1 learning, 2 review, 3 relearning
    queue: int
    due: int  # day number (review) or epoch seconds (learning); unused for type 0
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


@dataclass(frozen=True, slots=True)
class AnkiRevlogRow:
    id: int  # review time, epoch ms
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


@dataclass(slots=True)
class DeckProgress:
    learner: str
    timing: AnkiTiming
    cards: dict[ItemKey, AnkiCardSchedule] = field(default_factory=dict)
    revlog: dict[ItemKey, list[AnkiRevlogRow]] = field(default_factory=dict)
    written_cards: int = 0  # set by the export: cards scheduled in the package
    written_reviews: int = 0  # revlog rows written


def deck_progress(db: Database, learner: Learner, deck_id: str) -> DeckProgress:
    """The learner's progress on `deck_id`, in Anki's terms."""
    timing = AnkiTiming(crt=EXPORT_CRT, creation_offset=0, rollover=learner.rollover_hour)
    tz = learner_tz(learner)
    params = parameters(learner)
    decay = params[20] if len(params) > 20 else None
    out = DeckProgress(learner=learner.name, timing=timing)

    def day(ms: int) -> date:
        when = ms_to_dt(ms)
        assert when is not None
        return date.fromisoformat(study_day(when, learner.rollover_hour, tz))

    for row in queries.studied_items(db, learner.id, deck_id):
        key = (row["card_id"], row["ord"])
        state = row["state"]
        if state is None:  # suspended before it was ever studied
            out.cards[key] = AnkiCardSchedule(0, -1, 0, 0, 0, 0, 0, 0, "")
            continue
        due, last = row["due"], row["last_review"]
        steps = RELEARNING_STEPS if state == 3 else LEARNING_STEPS
        if state == 2:
            anki_due = day_number(timing, day(due))
            ivl = max(1, (day(due) - day(last)).days) if last is not None else 1
            left = 0
        else:
            anki_due = due // 1000
            ivl = max(1, (day(due) - day(last)).days) if state == 3 and last is not None else 0
            step = row["step"] if row["step"] is not None else 0
            left = max(1, len(steps) - step)
        data = ""
        if row["stability"] is not None and row["difficulty"] is not None:
            data = card_data(
                row["stability"],
                row["difficulty"],
                desired_retention=learner.desired_retention,
                decay=decay,
                last_review_s=last // 1000 if last is not None else None,
            )
        out.cards[key] = AnkiCardSchedule(
            type=state,
            queue=-1 if row["suspended"] else (1 if state == 3 else state),
            due=anki_due,
            ivl=ivl,
            factor=GRADUATED_FACTOR if state in (2, 3) else 0,
            reps=row["reps"],
            lapses=row["lapses"],
            left=left,
            data=data,
        )
    for r in queries.deck_reviews(db, learner.id, deck_id):
        key = (r["card_id"], r["ord"])
        after = _interval(r["state"], _span(r["due"], r["reviewed_at"]))
        before = _interval(r["prev_state"], r["prev_interval_ms"])
        out.revlog.setdefault(key, []).append(
            AnkiRevlogRow(
                id=r["reviewed_at"],
                ease=r["rating"],
                ivl=after,
                last_ivl=before,
                factor=GRADUATED_FACTOR if r["state"] in (2, 3) else 0,
                time=max(0, r["duration_ms"] or 0),
                type={None: 0, 0: 0, 1: 0, 2: 1, 3: 2}.get(r["prev_state"], 0),
            )
        )
    return out


def _span(due: int | None, at: int) -> int | None:
    return None if due is None else max(0, due - at)


def _interval(state: int | None, span_ms: int | None) -> int:
    """Anki's revlog interval: days for a review state, negative seconds for a step."""
    if state is None or span_ms is None:
        return 0
    if state == 2:
        return max(1, round(span_ms / 86_400_000))
    return -max(1, round(span_ms / 1000))
