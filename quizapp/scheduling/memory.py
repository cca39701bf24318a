"""A learner's memory model: FSRS parameters, forgetting-curve constants, time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizapp.store.learners import Learner

#: FSRS-4.5/5 used a fixed decay of -0.5; FSRS-6 learns it as w[20].
_FSRS5_DECAY = 0.5


def parameters(learner: Learner) -> list[float]:
    """The learner's fitted FSRS parameters, or the FSRS-6 defaults (py-fsrs's, which the
    scheduler uses when a learner has none)."""
    return list(learner.fsrs_params) if learner.fsrs_params else list(DEFAULT_PARAMETERS)


def decay_factor(params: Sequence[float]) -> tuple[float, float]:
    """FSRS-6 forgetting curve constants ``(DECAY, FACTOR)``: R = (1 + FACTOR·t/S)^DECAY.

    ``DECAY = -w[20]`` and ``FACTOR = 0.9^(1/DECAY) - 1`` so that R(t = S) = 0.9.
    """
    w20 = params[20] if len(params) > 20 else _FSRS5_DECAY
    decay = -float(w20)
    return decay, 0.9 ** (1.0 / decay) - 1.0


def retrievability(params: Sequence[float], elapsed_days: float, stability: float) -> float:
    """Probability of recall ``elapsed_days`` after the last review (pure Python)."""
    decay, factor = decay_factor(params)
    return (1.0 + factor * max(elapsed_days, 0.0) / max(stability, 1e-6)) ** decay


def learner_tz(learner: Learner) -> tzinfo | None:
    """The learner's time zone: ``settings["timezone"]`` (IANA name), else the system's.

    ``None`` means the system's local zone, as :mod:`quizapp.clock` understands it.
    """
    name = learner.settings.get("timezone")
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None
