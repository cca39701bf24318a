"""JSON export: everything the metrics module computes, in the shape of docs/reports.md.

`document()` builds plain dicts (also what the HTML and Markdown writers read), so the
shape is defined once. Bump `SCHEMA_VERSION` on any incompatible change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from quizapp import __version__
from quizapp.reports.figures import (
    CalibrationBin,
    CardCounts,
    DayActivity,
    GroupMetrics,
    HardCard,
    LearnerMetrics,
    Ratio,
    RetentionWindow,
)
from quizapp.reports.labels import source_name

SCHEMA_VERSION = 1


def _f(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def ratio(r: Ratio) -> dict[str, Any]:
    return {"passed": r.passed, "total": r.total, "rate": _f(r.rate)}


def counts(c: CardCounts) -> dict[str, Any]:
    return {
        "new": c.new,
        "learning": c.learning,
        "young": c.young,
        "mature": c.mature,
        "suspended": c.suspended,
        "leeches": c.leeches,
        "seen": c.seen,
        "total": c.total,
        "mastery": _f(c.mastery),
    }


def _day(a: DayActivity) -> dict[str, Any]:
    return {
        "day": a.day,
        "reviews": a.reviews,
        "minutes": _f(a.minutes, 3),
        "retention": ratio(a.retention),
        "young": ratio(a.young),
        "mature": ratio(a.mature),
    }


def _bin(b: CalibrationBin) -> dict[str, Any]:
    return {
        "lo": _f(b.lo),
        "hi": _f(b.hi),
        "n": b.n,
        "passed": b.passed,
        "mean_predicted": _f(b.mean_predicted),
        "actual": _f(b.actual),
    }


def _hard(h: HardCard) -> dict[str, Any]:
    return {
        "key": h.key,
        "deck_id": h.deck_id,
        "card_id": h.card_id,
        "ord": h.ord,
        "card_pk": h.card_pk,
        "prompt": h.prompt,
        "lapses": h.lapses,
        "reps": h.reps,
        "recall": _f(h.recall),
        "source": source_name(h.source) if h.source else "",
    }


def _group(g: GroupMetrics, key_name: str) -> dict[str, Any]:
    out: dict[str, Any] = {key_name: g.key}
    if key_name == "deck_id":
        out["title"] = g.title
    out.update(
        counts=counts(g.counts),
        mastery=_f(g.mastery),
        retention=ratio(g.retention),
        reviews=g.reviews,
        minutes=_f(g.minutes, 3),
    )
    return out


def _window(w: RetentionWindow) -> dict[str, Any]:
    return {"days": w.days, "all": ratio(w.all), "young": ratio(w.young), "mature": ratio(w.mature)}


def learner_dict(m: LearnerMetrics) -> dict[str, Any]:
    return {
        "learner": m.learner,
        "sources": [source_name(s) for s in m.sources],
        "now": m.now,
        "today": m.today,
        "rollover_hour": m.rollover_hour,
        "desired_retention": _f(m.desired_retention),
        "filters": {
            "deck_ids": None if m.filters.deck_ids is None else list(m.filters.deck_ids),
            "tags": list(m.filters.tags),
            "since": m.filters.since,
        },
        "counts": counts(m.counts),
        "retention": [_window(w) for w in m.retention],
        "study": {"reviews": m.reviews, "minutes": _f(m.minutes, 3)},
        "streak": {
            "current": m.streak.current,
            "longest": m.streak.longest,
            "study_days": m.streak.study_days,
            "last_day": m.streak.last_day,
        },
        "predicted_recall": {"mean": _f(m.recall.value), "n": m.recall.n},
        "activity": [_day(a) for a in m.activity],
        "forecast": [{"day": f.day, "due": f.due} for f in m.forecast],
        "calibration": [_bin(b) for b in m.calibration],
        "hardest": [_hard(h) for h in m.hardest],
        "decks": [_group(g, "deck_id") for g in m.decks],
        "tags": [_group(g, "tag") for g in m.tags],
        "quiz_accuracy": [
            {
                "tag": q.tag,
                "correct": q.accuracy.passed,
                "answered": q.accuracy.total,
                "rate": _f(q.accuracy.rate),
            }
            for q in m.quiz
        ],
    }


def document(learners: Sequence[LearnerMetrics], *, generated_at: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"quizapp {__version__}",
        "generated_at": generated_at,
        "learners": [learner_dict(m) for m in learners],
    }


def render(learners: Sequence[LearnerMetrics], *, generated_at: str) -> str:
    """The JSON text: sorted keys, 2-space indent, UTF-8 characters kept, final newline."""
    doc = document(learners, generated_at=generated_at)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
