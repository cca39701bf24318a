"""A learner's cards now: counts by class, predicted recall, hardest cards, forecast.

These figures describe the present: they cover the active cards of active decks in the
scope (a card that left its file keeps its history, but is no longer counted here) and
ignore a report's `since`. The rows come from `quizapp.store.queries.reports_cards`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from quizapp.clock import day_start, dt_to_ms, next_day_start, study_day
from quizapp.reports.figures import (
    DAY_MS,
    FORECAST_DAYS,
    HARDEST_LIMIT,
    MATURE_MS,
    CardCounts,
    ForecastDay,
    HardCard,
    Mean,
)
from quizapp.reports.labels import prompt_text
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import reports_cards as q
from quizapp.store.queries.reports_cards import ComboKey
from quizapp.store.scope import Scope

#: A hardest-card candidate: (-lapses, recall or 2.0, pk, deck id, lapses, reps, recall).
HardCandidate = tuple[int, float, int, str, int, int, float | None]


def recall_function(scheduler: FsrsScheduler) -> Callable[[float, int], float]:
    """A fast `(stability, elapsed_ms) -> recall` equal to `scheduler.retrievability`.

    Calling py-fsrs once per card costs tens of microseconds; this is the same FSRS-6
    forgetting curve (whole elapsed days, as py-fsrs counts them) with the scheduler's
    own decay, so tens of thousands of cards take milliseconds.
    """
    inner = scheduler._scheduler
    decay = float(getattr(inner, "_DECAY", -inner.parameters[20]))
    factor = float(getattr(inner, "_FACTOR", 0.9 ** (1 / decay) - 1))

    def recall(stability: float, elapsed_ms: int) -> float:
        days = max(0, elapsed_ms) // DAY_MS
        return float((1 + factor * days / stability) ** decay)

    return recall


@dataclass(frozen=True, slots=True)
class LearnerCards:
    counts: CardCounts
    # (deck id, tags) -> (deck title, CardCounts fields) of the active cards in scope
    combos: dict[ComboKey, tuple[str, list[int]]]
    recall: Mean
    # hardest-card candidates, best first
    hard: list[HardCandidate]


def learner_cards(
    db: Database,
    learner: Learner,
    scope: Scope,
    deck_cards: dict[ComboKey, tuple[str, int]],
    recall_fn: Callable[[float, int], float],
    now_ms: int,
) -> LearnerCards:
    """Counts per combo, predicted recall and the hardest-card candidates.

    Every active card in scope starts as new in its combo (`deck_cards`, shared by all
    learners); only the learner's own state rows are read, and each moves its card to
    its class: 0 new, 1 learning (or relearning), 2 young, 3 mature, 4 suspended (the
    CardCounts order), with leeches (5), seen (6) and total (7) alongside. A card never
    answered has no state row, or one with only flags (suspended before study).
    """
    combos = {k: (title, [n, 0, 0, 0, 0, 0, 0, n]) for k, (title, n) in deck_cards.items()}
    rows = q.learner_card_rows(db, learner.id, scope)
    desired = learner.desired_retention
    n_recall, sum_recall = 0, 0.0
    hard: list[HardCandidate] = []
    for (
        pk,
        deck_id,
        tags,
        title,
        active,
        state,
        interval,
        stability,
        last_review,
        lapses,
        reps,
        suspended,
        leech,
    ) in rows:
        if not active:
            continue
        entry = combos.get((deck_id, tags))
        if entry is None:  # a card added since `deck_cards` was read
            entry = combos[(deck_id, tags)] = (title, [1, 0, 0, 0, 0, 0, 0, 1])
        acc = entry[1]
        if suspended:
            k = 4
        elif state is None:
            k = 0
        elif state in (1, 3):
            k = 1
        else:
            k = 3 if interval >= MATURE_MS else 2
        acc[0] -= 1
        acc[k] += 1
        if leech:
            acc[5] += 1
        if state is None:
            continue
        acc[6] += 1
        if suspended:
            continue
        recall = None
        if stability and last_review is not None:
            recall = recall_fn(stability, now_ms - last_review)
            if state in (2, 3):
                n_recall += 1
                sum_recall += recall
        if lapses > 0 or (recall is not None and recall < desired):
            hard.append(
                (-lapses, 2.0 if recall is None else recall, pk, deck_id, lapses, reps, recall)
            )
    totals = [0] * 8
    for _, acc in combos.values():
        for i, v in enumerate(acc):
            totals[i] += v
    hard.sort(key=lambda h: h[:3])
    return LearnerCards(CardCounts(*totals), combos, Mean(n_recall, sum_recall), hard)


def card_summary(
    db: Database,
    learner: Learner,
    scope: Scope,
    total: int,
    inactive: list[int],
    recall_fn: Callable[[float, int], float],
    now_ms: int,
) -> tuple[CardCounts, Mean]:
    """Card counts and predicted recall as `learner_cards` gives them, without the
    per-deck split: the learner's state rows counted per class in SQL, recall summed
    over the review cards in card order. `total` is the active cards in scope,
    `inactive` the ids of the cards left out."""
    acc = [0] * 8
    for cls, n, leeches, seen in q.card_classes(
        db, learner.id, scope, inactive, mature_ms=MATURE_MS
    ):
        acc[cls] += n
        acc[5] += leeches
        acc[6] += seen
    acc[0] = total - sum(acc[1:5])
    acc[7] = total
    n_recall, sum_recall = 0, 0.0
    for stability, last_review in q.review_card_memory(db, learner.id, scope, inactive):
        n_recall += 1
        sum_recall += recall_fn(stability, now_ms - last_review)
    return CardCounts(*acc), Mean(n_recall, sum_recall)


def hardest(db: Database, candidates: list[HardCandidate], source: str) -> tuple[HardCard, ...]:
    """Seen, unsuspended cards that lapsed or fell below the desired retention: most
    lapses first, then lowest predicted recall."""
    top = candidates[:HARDEST_LIMIT]
    if not top:
        return ()
    info = q.card_texts(db, [h[2] for h in top])
    out = []
    for _, _, pk, deck_id, lapses, reps, recall in top:
        card_id, ord_, ctype, data = info[pk]
        out.append(
            HardCard(
                deck_id=deck_id,
                card_id=card_id,
                ord=ord_,
                card_pk=pk,
                prompt=prompt_text(ctype, json.loads(data), ord_),
                lapses=lapses,
                reps=reps,
                recall=recall,
                source=source,
            )
        )
    return tuple(out)


def forecast(
    db: Database,
    learner: Learner,
    scope: Scope,
    now: datetime,
    tz: tzinfo | None,
    inactive: list[int] | None = None,
) -> tuple[ForecastDay, ...]:
    """Cards falling due per study day for the next 30 days; day 0 (today) also holds
    everything overdue. Suspended cards, and the `inactive` ones (cards that left their
    file or whose deck is inactive; read here when not given), are left out."""
    hour = learner.rollover_hour
    starts = [day_start(now, hour, tz)]
    for _ in range(FORECAST_DAYS):
        starts.append(next_day_start(starts[-1] + timedelta(hours=1), hour, tz))
    bounds = [dt_to_ms(s) or 0 for s in starts]
    labels = [study_day(s + timedelta(hours=1), hour, tz) for s in starts[:FORECAST_DAYS]]
    if inactive is None:
        inactive = q.inactive_cards(db)
    due = [0] * FORECAST_DAYS
    for i, n in q.due_per_day(db, learner.id, scope, bounds, inactive):
        due[i] += n
    return tuple(ForecastDay(d, n) for d, n in zip(labels, due, strict=True))
