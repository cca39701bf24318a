"""Leeches: cards the learner keeps forgetting, detected with the memory model.

A card is a leech when either

* it has lapsed (been forgotten after graduating) :data:`LEECH_LAPSES` times or more, or
* its FSRS stability is still below :data:`LOW_STABILITY_DAYS` days after it has been
  reviewed on :data:`LOW_STABILITY_MIN_REVIEW_DAYS` or more different study days — the
  memory model says it is not sticking, however the answers were spread. Counting
  study days (not answers) keeps a hard first day of learning steps from making a new
  card a leech.

Each threshold can be overridden per learner in the settings JSON (``leech_lapses``,
``leech_stability_days``, ``leech_min_review_days``), and ``leech_action`` says what to
do with a detected leech: ``"tag"`` (default: ``card_state.leech = 1``) or
``"suspend"`` (tag and suspend). :func:`check_card` runs after every answer and looks at
that card only; :func:`mark_leeches` is the batch over a scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from quizapp.clock import system_clock
from quizapp.scheduling.memory import learner_tz
from quizapp.store.db import Database
from quizapp.store.learners import Learner
from quizapp.store.queries import leeches as queries

if TYPE_CHECKING:
    from quizapp.store.scope import Scope

LEECH_LAPSES = 8
LOW_STABILITY_DAYS = 2.0
LOW_STABILITY_MIN_REVIEW_DAYS = 6

LeechAction = Literal["tag", "suspend"]
DEFAULT_ACTION: LeechAction = "tag"


@dataclass(frozen=True, slots=True)
class LeechRules:
    lapses: int = LEECH_LAPSES
    stability_days: float = LOW_STABILITY_DAYS
    min_review_days: int = LOW_STABILITY_MIN_REVIEW_DAYS
    action: LeechAction = DEFAULT_ACTION

    @classmethod
    def for_learner(cls, learner: Learner) -> LeechRules:
        s = learner.settings

        def num(key: str, default: float) -> float:
            value = s.get(key)
            return float(value) if isinstance(value, int | float) and value > 0 else default

        action = s.get("leech_action", DEFAULT_ACTION)
        return cls(
            lapses=int(num("leech_lapses", LEECH_LAPSES)),
            stability_days=num("leech_stability_days", LOW_STABILITY_DAYS),
            min_review_days=int(num("leech_min_review_days", LOW_STABILITY_MIN_REVIEW_DAYS)),
            action="suspend" if action == "suspend" else "tag",
        )

    def reason(self, lapses: int, stability: float | None, review_days: int) -> str | None:
        """Why a card with these figures is a leech, or None."""
        if lapses >= self.lapses:
            return f"{lapses} lapses"
        if (
            stability is not None
            and stability < self.stability_days
            and review_days >= self.min_review_days
        ):
            return f"stability {stability:.1f} d after {review_days} review days"
        return None


@dataclass(frozen=True, slots=True)
class Leech:
    card_pk: int
    deck_id: str
    card_id: str
    ord: int
    lapses: int
    stability: float | None
    review_days: int
    reason: str
    suspended: bool

    @property
    def key(self) -> str:
        base = f"{self.deck_id}/{self.card_id}"
        return f"{base}#c{self.ord}" if self.ord else base


def _day_shift_ms(learner: Learner, tz: tzinfo | None, now: datetime) -> int:
    """Milliseconds to subtract from a UTC time so that integer days are study days."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    offset = local.utcoffset() or timedelta(0)
    return learner.rollover_hour * 3_600_000 - int(offset.total_seconds() * 1000)


@dataclass(frozen=True, slots=True)
class CardFigures:
    """What the leech check reads of a card's state row."""

    lapses: int
    stability: float | None
    leech: bool
    state: int | None


def check_card(
    db: Database,
    learner: Learner,
    card_pk: int,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    figures: CardFigures | None = None,
    rules: LeechRules | None = None,
) -> str | None:
    """After an answer: tag (or suspend) this card if it just became a leech.

    Returns the reason when the card was newly marked, else None. `figures` are the
    card's state as just written (the answer knows them; else they are read: one indexed
    read), `rules` the learner's (else read from its settings); the review-day count is
    only queried for a low-stability card.
    """
    if figures is None:
        read = queries.card_figures(db, learner.id, card_pk)
        if read is None:
            return None
        figures = CardFigures(*read)
    if figures.leech or figures.state is None:
        return None
    lapses, stability = figures.lapses, figures.stability
    rules = rules or LeechRules.for_learner(learner)
    review_days = 0
    if lapses < rules.lapses and stability is not None and stability < rules.stability_days:
        now = now or system_clock()
        shift = _day_shift_ms(learner, tz if tz is not None else learner_tz(learner), now)
        review_days = queries.review_days(db, learner.id, card_pk, shift)
    reason = rules.reason(lapses, stability, review_days)
    if reason:
        queries.mark(db, learner.id, [card_pk], rules.action == "suspend")
    return reason


def find_leeches(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> list[Leech]:
    """Every card of ``scope`` that meets the leech rules (tagged or not), worst first."""
    from quizapp.store.scope import Scope

    rules = LeechRules.for_learner(learner)
    now = now or system_clock()
    shift = _day_shift_ms(learner, tz if tz is not None else learner_tz(learner), now)
    rows = queries.candidates(
        db,
        learner.id,
        scope or Scope(),
        lapses=rules.lapses,
        stability_days=rules.stability_days,
        shift_ms=shift,
    )
    out: list[Leech] = []
    for pk, deck_id, card_id, ord_, lapses, stability, days, suspended in rows:
        reason = rules.reason(lapses, stability, days)
        if reason:
            out.append(
                Leech(pk, deck_id, card_id, ord_, lapses, stability, days, reason, suspended)
            )
    return out


def mark_leeches(
    db: Database,
    learner: Learner,
    scope: Scope | None = None,
    *,
    suspend: bool | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> list[Leech]:
    """Find the scope's leeches and tag them (and suspend them when ``suspend``, or, when
    ``suspend`` is None, when the learner's ``leech_action`` is "suspend"); one
    transaction. Returns the leeches as they are now."""
    found = find_leeches(db, learner, scope, now=now, tz=tz)
    if suspend is None:
        suspend = LeechRules.for_learner(learner).action == "suspend"
    queries.mark(db, learner.id, [lc.card_pk for lc in found], suspend)
    if suspend:
        found = [
            Leech(
                lc.card_pk,
                lc.deck_id,
                lc.card_id,
                lc.ord,
                lc.lapses,
                lc.stability,
                lc.review_days,
                lc.reason,
                True,
            )
            for lc in found
        ]
    return found
