"""Fit FSRS to a learner's reviews from the store; save the run; reschedule their cards.

Two review sources feed one fit:

* the learner's own answers (``reviews``: card, time, rating, duration), whose study days
  follow the learner's time zone and rollover hour;
* review logs imported from elsewhere (``external_reviews``, FSRS optimizer CSV), whose
  study days follow quizapp's convention for imported logs: rollover 04:00 UTC (the one
  that reproduces fsrs-rs's published figures on ``review_logs_josh.csv``).

:func:`quizapp.scheduling.optimizer.fit` takes one time zone and rollover for a whole log, so each
entry is first mapped to a *study-day time*: 00:00 UTC of its study day plus the time
elapsed since that day began (clamped inside the day). Fitting those with rollover 0 in
UTC gives every review its own study day, keeps the order of reviews, and leaves an
imported UTC log exactly as :func:`fit` would see it directly (a uniform 4-hour shift).

Each run fits twice (see ``docs/scheduling.md``):

* ``order="card"`` — items grouped by card, the layout of fsrs-rs's own examples; its
  figures are the ones fsrs-rs publishes (and the headline, to compare with them);
* ``order="time"`` — items in review-time order, so the time-series split really trains
  on the past and scores the future; its parameters are the ones saved, and only when
  they beat the defaults on that split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from os import PathLike
from pathlib import Path
from typing import Any

from quizapp.clock import day_start, dt_to_ms, ms_to_dt, study_day, system_clock
from quizapp.model import MemoryState, Rating
from quizapp.scheduling.memory import learner_tz
from quizapp.scheduling.optimizer import (
    DEFAULT_NEXT_DAY_STARTS_AT,
    MIN_REVIEWS,
    FitResult,
    RevlogEntry,
    fit,
    read_revlog_csv,
)
from quizapp.scheduling.scheduler import FsrsScheduler
from quizapp.store.db import Database
from quizapp.store.learners import Learner, get_learner_by_id, update_settings
from quizapp.store.queries import fitting as queries

#: Study days of imported logs: rollover 04:00 in UTC (see the module docstring).
IMPORT_TZ: tzinfo = UTC
IMPORT_ROLLOVER_HOUR = DEFAULT_NEXT_DAY_STARTS_AT

_DAY = timedelta(days=1)
_LAST_MS_OF_DAY = _DAY - timedelta(milliseconds=1)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True, slots=True)
class ImportResult:
    read: int  # graded reviews in the file
    added: int  # new rows in external_reviews
    source: str

    @property
    def already_there(self) -> int:
        return self.read - self.added


def import_revlog(
    db: Database, learner_id: int, path: str | PathLike[str], *, source: str | None = None
) -> ImportResult:
    """Add an FSRS-optimizer CSV to the learner's external reviews (idempotent).

    Rows already imported (same learner, card and time) are skipped, so importing a file
    twice, or a longer export of the same collection, adds only what is new. Raises
    ``ValueError("<file>:<line>: …")`` on a malformed file, before writing anything.
    """
    path = Path(path)
    entries = read_revlog_csv(path)
    source = source if source is not None else path.name
    added = queries.add_external_reviews(
        db,
        learner_id,
        source,
        ((str(e.card_id), dt_to_ms(e.reviewed_at), e.rating, e.duration_ms) for e in entries),
    )
    return ImportResult(read=len(entries), added=added, source=source)


# --------------------------------------------------------------------------- review log


def _study_day_time(moment: datetime, rollover_hour: int, tz: tzinfo | None) -> datetime:
    """00:00 UTC of ``moment``'s study day plus the time since that day began."""
    start = day_start(moment, rollover_hour, tz)
    day = date.fromisoformat(study_day(moment, rollover_hour, tz))
    into = min(max(moment - start, timedelta(0)), _LAST_MS_OF_DAY)
    return datetime.combine(day, time(0), tzinfo=UTC) + into


@dataclass(frozen=True, slots=True)
class LearnerLog:
    """A learner's reviews, mapped to study-day times, ready for :func:`fit`."""

    entries: list[RevlogEntry]
    n_own: int
    n_external: int


def learner_log(db: Database, learner: Learner) -> LearnerLog:
    """External reviews (in import order), then the learner's own, by card and time."""
    entries: list[RevlogEntry] = []
    external = queries.external_log(db, learner.id)
    for key, at_ms, rating, duration in external:
        moment = ms_to_dt(at_ms)
        assert moment is not None
        entries.append(
            RevlogEntry(
                card_id=f"x:{key}",
                reviewed_at=_study_day_time(moment, IMPORT_ROLLOVER_HOUR, IMPORT_TZ),
                rating=int(rating),
                duration_ms=max(0, int(duration or 0)),
            )
        )
    tz = learner_tz(learner)
    own = queries.own_log(db, learner.id)
    for pk, at_ms, rating, duration in own:
        moment = ms_to_dt(at_ms)
        assert moment is not None
        entries.append(
            RevlogEntry(
                card_id=f"q:{pk}",
                reviewed_at=_study_day_time(moment, learner.rollover_hour, tz),
                rating=int(rating),
                duration_ms=max(0, int(duration or 0)),
            )
        )
    return LearnerLog(entries=entries, n_own=len(own), n_external=len(external))


# --------------------------------------------------------------------------- optimize


@dataclass(frozen=True)
class OptimizeRun:
    """One optimizer run: both fits, whether the parameters were saved, the row id."""

    by_card: FitResult  # figures comparable with fsrs-rs's published ones
    by_time: FitResult  # honest split; its parameters are the ones saved
    n_own: int
    n_external: int
    saved: bool
    optimization_id: int
    fitted_at: datetime

    @property
    def parameters(self) -> list[float]:
        return self.by_time.parameters

    @property
    def reason(self) -> str | None:
        """Why the parameters were not saved (None when they were)."""
        if self.saved:
            return None
        if not self.by_time.fitted:
            return self.by_time.reason
        if self.by_time.fitted_log_loss is None:
            return self.by_time.reason or "no time-series figures to compare with"
        return (
            "the fitted parameters do not beat the defaults on the time-series split "
            f"(log loss {self.by_time.fitted_log_loss:.4f} vs "
            f"{self.by_time.default_log_loss:.4f}); your parameters are unchanged"
        )


def _figures(result: FitResult, *, in_sample_default: bool) -> dict[str, Any]:
    return {
        "fitted": result.fitted,
        "n_items": result.n_items,
        "default_log_loss": (
            result.default_in_sample_log_loss if in_sample_default else result.default_log_loss
        ),
        "default_rmse_bins": (
            result.default_in_sample_rmse_bins if in_sample_default else result.default_rmse_bins
        ),
        "fitted_log_loss": result.fitted_log_loss,
        "fitted_rmse_bins": result.fitted_rmse_bins,
        "parameters": result.parameters,
        "reason": result.reason,
    }


def optimize_learner(
    db: Database,
    learner: Learner,
    *,
    now: datetime | None = None,
    min_reviews: int = MIN_REVIEWS,
) -> OptimizeRun:
    """Fit the learner's parameters, record the run, save the parameters if they help.

    The row in ``optimizations`` carries the review-time-order fit (the parameters saved
    and their honest split figures) in its columns; ``details`` has the card-order
    figures (``details["by_card"]``, fsrs-rs's published convention: defaults in-sample),
    the counts and the reason when nothing was saved.
    """
    now = (now or system_clock()).astimezone(UTC)
    log = learner_log(db, learner)
    common: dict[str, Any] = {
        "next_day_starts_at": 0,
        "tz": UTC,
        "min_reviews": min_reviews,
        "now": now,
    }
    by_card = fit(log.entries, order="card", **common)
    by_time = fit(log.entries, order="time", **common)
    saved = by_time.improves
    details = {
        "order": "time",
        "by_time": _figures(by_time, in_sample_default=False),
        "by_card": _figures(by_card, in_sample_default=True),
        "n_own": log.n_own,
        "n_external": log.n_external,
        "applied": saved,
        "study_days": {
            "own": f"{learner.rollover_hour:02d}:00 local",
            "imported": f"{IMPORT_ROLLOVER_HOUR:02d}:00 UTC",
        },
    }
    run_id = queries.add_run(
        db,
        learner.id,
        fitted_at=dt_to_ms(now),
        n_reviews=by_time.n_reviews,
        fitted=by_time.fitted,
        parameters=by_time.parameters,
        default_log_loss=by_time.default_log_loss,
        fitted_log_loss=by_time.fitted_log_loss,
        default_rmse_bins=by_time.default_rmse_bins,
        fitted_rmse_bins=by_time.fitted_rmse_bins,
        details=details,
    )
    run = OptimizeRun(
        by_card=by_card,
        by_time=by_time,
        n_own=log.n_own,
        n_external=log.n_external,
        saved=saved,
        optimization_id=run_id,
        fitted_at=now,
    )
    if saved:
        update_settings(db, learner.id, fsrs_params=by_time.parameters)
    if not saved:
        details["reason"] = run.reason
        queries.set_run_details(db, run_id, details)
    return run


def last_run(db: Database, learner_id: int) -> dict[str, Any] | None:
    """The learner's latest optimizer run as a dict (``details`` decoded), or None."""
    return queries.last_run(db, learner_id)


# --------------------------------------------------------------------------- reschedule


CapFor = Callable[[int, datetime], datetime | None]


def replay(
    scheduler: FsrsScheduler, card_pk: int, history: Sequence[tuple[datetime, int]]
) -> MemoryState:
    """The state a card reaches by answering ``history`` ((time, rating) pairs) in order."""
    mem = MemoryState()
    for moment, rating in history:
        mem = scheduler.review(card_pk, mem, Rating(rating), moment)
    return mem


def reschedule(
    db: Database,
    learner_id: int,
    parameters: Sequence[float] | None = None,
    *,
    cap_for: CapFor | None = None,
) -> int:
    """Recompute every reviewed card's state from its history; returns the cards updated.

    Each card's reviews are replayed with ``FsrsScheduler.for_learner(learner, parameters=…)`` (the
    learner's saved parameters when ``parameters`` is None) and its stability,
    difficulty, state, step, due, reps and lapses are replaced — all cards in one
    transaction. The review log, and the suspended / flagged / buried / leech marks, are
    left as they are. ``cap_for(card_pk, last_review)`` may cap the new due date (exam
    plans). Default: the learner's exam plans.
    """
    learner = get_learner_by_id(db, learner_id)
    scheduler = FsrsScheduler.for_learner(
        learner, parameters=list(parameters) if parameters is not None else None
    )
    if cap_for is None:
        from quizapp.personal.exam import plan_cap_function

        cap_for = plan_cap_function(db, learner)
    rows = queries.studied_log(db, learner_id)
    histories: dict[int, list[tuple[datetime, int]]] = {}
    for pk, at_ms, rating in rows:
        moment = ms_to_dt(at_ms)
        assert moment is not None
        histories.setdefault(int(pk), []).append((moment, int(rating)))
    updates: list[queries.StateUpdate] = []
    for pk, history in histories.items():
        mem = replay(scheduler, pk, history)
        due = mem.due
        if due is not None and mem.last_review is not None:
            cap = cap_for(pk, mem.last_review)
            if cap is not None and mem.last_review < cap < due:
                due = cap
        updates.append(
            (
                mem.state,
                mem.step,
                mem.stability,
                mem.difficulty,
                dt_to_ms(due),
                dt_to_ms(mem.last_review),
                mem.reps,
                mem.lapses,
                learner_id,
                pk,
            )
        )
    queries.replace_memory_states(db, updates)
    return len(updates)
