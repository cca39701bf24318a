"""Personalised FSRS parameters: fit the 21 FSRS-6 parameters to a learner's own reviews.

Pure core, no I/O besides :func:`read_revlog_csv`, no Textual, no torch. The fitting and
the time-series evaluation run in Rust (``fsrs-rs-python``, which wraps fsrs-rs, the
optimizer Anki ships); on half a year of one learner's reviews (12,580) a whole
:func:`fit` takes about 0.4 s on two cores: 0.03 s fitting, 0.07 s for the five
time-series folds, the rest Python (item building, scoring the defaults).

How a review log becomes training data (the same as fsrs-rs's own converter,
``src/convertor_tests.rs``, and Anki's ``rslib/src/scheduler/fsrs/params.rs``):

* Reviews are grouped by card and sorted by time.
* Each review gets a *day number*: its UTC timestamp minus ``next_day_starts_at`` hours,
  converted to the learner's time zone, then the calendar date of that. ``delta_t`` of a
  review is the difference of day numbers with the previous review of the same card
  (0 for the first review, 0 for a second review on the same study day). Reviews at
  03:59 and 04:01 fall on different study days with the default rollover at 04:00.
* A card with reviews r0 … rn gives one item per review ri (i ≥ 1) whose ``delta_t`` is
  > 0: the history r0 … ri, the label being whether ri was a pass (rating > 1). Items
  that end in a same-day review are dropped: FSRS predicts long-term recall and, at
  ``delta_t == 0``, predicts R = 1, which a failed same-day step would make an
  infinite log loss (``FSRS.evaluate`` rejects such items with ``InvalidInput``). The
  same-day reviews still appear *inside* later items' histories, which is what the
  short-term parameters (w17–w19) learn from. So every item has at least one long-term
  review, which fsrs-rs requires.
* Items are ordered by the time of their last review (``order="time"``). fsrs-rs relies
  on that order twice: training and ``FSRS.evaluate`` weight items by recency
  (``0.25 + 0.75 * (i / (n - 1)) ** 3`` by position), and
  ``evaluate_with_time_series_splits`` cuts the list into 6 consecutive segments and
  trains on segments ``0..k``, tests on segment ``k + 1`` (k = 0 … 4). Anki sorts by
  review id (time) for the same reason. ``order="card"`` (items grouped card by card,
  cards in order of their first review, the layout of fsrs-rs-python's
  ``examples/optimize.py``) is kept only to reproduce figures computed that way: it
  leaks the future into the "time-series" split.

Defaults for imported logs: day rollover 04:00 (Anki's default "next day starts at")
in UTC. On ``review_logs_josh.csv`` (UTC timestamps) this is the one choice of rollover
hour (0–7) and UTC offset that reproduces the published fsrs-rs figures (log loss
0.4649 / RMSE(bins) 0.0744 for the defaults, 0.4573 / 0.0553 for the time-series split)
— and it does so with ``order="card"``; see ``benchmarks/optimize_josh.py``.

Minimum data. fsrs-rs itself: ``compute_parameters`` returns the default parameters
unchanged when fewer than 8 items survive its outlier filter, fits only the four
initial stabilities below 64 items, and raises ``NotEnoughData`` when no card has a
first long-term review left after filtering; ``evaluate_with_time_series_splits`` needs
at least 6 items (5 splits + 1 training segment). Anki asks for at least 400 reviews
("You must have at least 400 reviews for this operation",
``deck-config-must-have-400-reviews`` in ``ftl/core/deck-config.ftl``). :func:`fit`
uses ``min_reviews=400`` and falls back to the defaults, with a reason, in every one
of these cases instead of raising.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from os import PathLike
from pathlib import Path
from typing import Literal

import fsrs_rs_python as fsrs_rs

#: FSRS-6 default parameters (those of fsrs-rs; equal to py-fsrs's), rounded from f32.
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(round(w, 6) for w in fsrs_rs.DEFAULT_PARAMETERS)

#: Anki's default hour at which a new study day starts (local time).
DEFAULT_NEXT_DAY_STARTS_AT = 4

#: Anki's threshold: "You must have at least 400 reviews for this operation".
MIN_REVIEWS = 400

#: fsrs-rs returns the defaults unchanged below this many training items.
LIBRARY_MIN_TRAIN_ITEMS = 8

#: fsrs-rs's time-series split: 5 folds over 6 consecutive segments.
N_SPLITS = 5

ItemOrder = Literal["time", "card"]

_RATING_PASS_THRESHOLD = 1  # a rating above this is a successful recall


# --------------------------------------------------------------------------- review log


@dataclass(frozen=True, slots=True)
class RevlogEntry:
    """One graded review: which card, when (aware, normalised to UTC), the 1–4 rating."""

    card_id: int | str
    reviewed_at: datetime
    rating: int
    duration_ms: int = 0

    def __post_init__(self) -> None:
        if self.reviewed_at.tzinfo is None or self.reviewed_at.utcoffset() is None:
            raise ValueError(f"reviewed_at must be timezone-aware, got {self.reviewed_at!r}")
        if self.reviewed_at.utcoffset() != timedelta(0):
            object.__setattr__(self, "reviewed_at", self.reviewed_at.astimezone(UTC))
        if isinstance(self.rating, bool) or self.rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1 (Again) … 4 (Easy), got {self.rating!r}")
        if self.duration_ms < 0:
            raise ValueError(f"duration_ms must be >= 0, got {self.duration_ms!r}")


_REQUIRED_COLUMNS = ("card_id", "review_rating", "review_time")
# review_state in fsrs-rs's RevlogCsv: 0/1 learning, 2 review, 3 relearning, 4 filtered, 5 manual
_MANUAL_REVIEW_STATE = "5"


def _parse_review_time(text: str) -> datetime:
    """ISO 8601 (naive means UTC) or integer epoch milliseconds."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"review_time {text!r} is neither ISO 8601 nor epoch milliseconds"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse_card_id(text: str) -> int | str:
    text = text.strip()
    if not text:
        raise ValueError("card_id is empty")
    return int(text) if text.lstrip("-").isdigit() else text


def read_revlog_csv(path: str | PathLike[str]) -> list[RevlogEntry]:
    """Read a review log in the FSRS optimizer's CSV convention.

    Columns (by header name, any order, extra columns ignored): ``card_id``,
    ``review_rating`` (0–4), ``review_time`` (ISO 8601 — naive means UTC — or epoch
    milliseconds), optional ``review_duration`` (ms) and ``review_state``. Rows with rating
    0 (Anki's manual reschedules) or ``review_state`` 5 (manual) are skipped: they are not
    recalls. A malformed row raises ``ValueError("<file>:<line>: …")``.
    """
    path = Path(path)
    entries: list[RevlogEntry] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [name for name in _REQUIRED_COLUMNS if name not in header]
        if missing:
            raise ValueError(
                f"{path}:1: missing column(s) {', '.join(missing)}; expected a header with "
                "card_id, review_rating, review_time[, review_duration]"
            )
        for row in reader:
            line = reader.line_num
            try:
                if any(row.get(name) is None for name in _REQUIRED_COLUMNS):
                    raise ValueError("too few fields")
                rating_text = row["review_rating"].strip()
                if not rating_text.isdigit() or int(rating_text) > 4:
                    raise ValueError(f"review_rating must be 0–4, got {rating_text!r}")
                rating = int(rating_text)
                if rating == 0 or (row.get("review_state") or "").strip() == _MANUAL_REVIEW_STATE:
                    continue
                duration_text = (row.get("review_duration") or "").strip() or "0"
                if not duration_text.isdigit():
                    raise ValueError(
                        f"review_duration must be whole milliseconds >= 0, got {duration_text!r}"
                    )
                entries.append(
                    RevlogEntry(
                        card_id=_parse_card_id(row["card_id"]),
                        reviewed_at=_parse_review_time(row["review_time"]),
                        rating=rating,
                        duration_ms=int(duration_text),
                    )
                )
            except ValueError as error:
                raise ValueError(f"{path}:{line}: {error}") from None
    return entries


# --------------------------------------------------------------------------- FSRS items


@dataclass(frozen=True, slots=True)
class TrainingItem:
    """One prediction for fsrs-rs: a card's history up to and including one review.

    ``reviews`` are ``(rating, delta_t_days)`` pairs; the first has ``delta_t == 0``, the
    last (the review whose outcome is predicted) has ``delta_t > 0``.
    """

    card_id: int | str
    reviewed_at: datetime  # time of the last review
    reviews: tuple[tuple[int, int], ...]

    def long_term_review_cnt(self) -> int:
        return sum(1 for _, delta_t in self.reviews if delta_t > 0)

    def to_fsrs(self) -> fsrs_rs.FSRSItem:
        return fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(r, t) for r, t in self.reviews])


def _as_tz(tz: tzinfo | timedelta) -> tzinfo:
    return timezone(tz) if isinstance(tz, timedelta) else tz


def day_number(
    moment: datetime,
    *,
    next_day_starts_at: int = DEFAULT_NEXT_DAY_STARTS_AT,
    tz: tzinfo | timedelta = UTC,
) -> int:
    """The learner's study day of ``moment`` as a proleptic ordinal (fsrs-rs ``convert_to_date``).

    ``tz`` is a ``tzinfo`` (``ZoneInfo`` follows DST) or a fixed UTC offset.
    """
    if not 0 <= next_day_starts_at <= 23:
        raise ValueError(f"next_day_starts_at must be an hour 0–23, got {next_day_starts_at}")
    shifted = (moment - timedelta(hours=next_day_starts_at)).astimezone(_as_tz(tz))
    return shifted.date().toordinal()


def build_items(
    revlog: Iterable[RevlogEntry],
    *,
    next_day_starts_at: int = DEFAULT_NEXT_DAY_STARTS_AT,
    tz: tzinfo | timedelta = UTC,
    order: ItemOrder = "time",
) -> list[TrainingItem]:
    """Turn a review log into fsrs-rs training items (see the module docstring)."""
    if order not in ("time", "card"):
        raise ValueError(f"order must be 'time' or 'card', got {order!r}")
    zone = _as_tz(tz)
    by_card: dict[int | str, list[RevlogEntry]] = {}
    for entry in revlog:
        by_card.setdefault(entry.card_id, []).append(entry)

    per_card: list[list[TrainingItem]] = []
    for card_id, entries in by_card.items():
        entries.sort(key=lambda e: e.reviewed_at)  # stable: equal times keep log order
        reviews: list[tuple[int, int]] = []
        items: list[TrainingItem] = []
        previous_day = 0
        for index, entry in enumerate(entries):
            day = day_number(entry.reviewed_at, next_day_starts_at=next_day_starts_at, tz=zone)
            delta_t = 0 if index == 0 else max(day - previous_day, 0)
            previous_day = day
            reviews.append((entry.rating, delta_t))
            if index >= 1 and delta_t > 0:
                items.append(TrainingItem(card_id, entry.reviewed_at, tuple(reviews)))
        if items:
            per_card.append(items)

    if order == "card":
        per_card.sort(key=lambda items: by_card[items[0].card_id][0].reviewed_at)
        return [item for items in per_card for item in items]
    flat = [item for items in per_card for item in items]
    flat.sort(key=lambda item: item.reviewed_at)  # stable: ties keep card order
    return flat


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class Metrics:
    log_loss: float
    rmse_bins: float


def _forgetting_curve(parameters: Sequence[float], delta_t: float, stability: float) -> float:
    decay = -parameters[20]
    factor = 0.9 ** (1.0 / decay) - 1.0
    return (delta_t / stability * factor + 1.0) ** decay


def _round_half_away(x: float) -> int:
    return math.floor(x + 0.5)


def _r_matrix_index(item: TrainingItem) -> tuple[int, int, int]:
    """fsrs-rs ``FSRSItem::r_matrix_index``: bins by interval, review count and lapses."""
    delta_t = item.reviews[-1][1]
    delta_t_bin = _round_half_away(2.48 * 3.62 ** math.floor(math.log(delta_t, 3.62)) * 100)
    length = item.long_term_review_cnt() + 1
    length_bin = _round_half_away(1.99 * 1.89 ** math.floor(math.log(length, 1.89)))
    lapses = sum(1 for rating, dt in item.reviews[:-1] if rating == 1 and dt > 0)
    if lapses == 0:
        return delta_t_bin, length_bin, 0
    return (
        delta_t_bin,
        length_bin,
        _round_half_away(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73))),
    )


def evaluate_parameters(
    parameters: Sequence[float],
    items: Sequence[TrainingItem],
    *,
    recency_weighted: bool = False,
) -> Metrics:
    """Log loss and RMSE(bins) of ``parameters`` on ``items``, computed as fsrs-rs does.

    With ``recency_weighted=True`` this is ``FSRS(parameters).evaluate(items)`` (weights
    ``0.25 + 0.75 * (i / (n - 1)) ** 3`` by position); with ``False`` every item weighs 1,
    as in the test folds of ``evaluate_with_time_series_splits``. fsrs-rs-python exposes
    no unweighted evaluation, so predictions come from the library
    (``memory_state_batch`` on each item's history) and the aggregation is redone here.
    """
    if not items:
        raise ValueError("no items to evaluate")
    model = fsrs_rs.FSRS(list(parameters))
    histories = [
        fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(r, t) for r, t in it.reviews[:-1]]) for it in items
    ]
    states = model.memory_state_batch(histories)
    n = len(items)
    span = max(n - 1.0, 1.0)
    loss = 0.0
    weight_sum = 0.0
    bins: dict[tuple[int, int, int], list[float]] = {}
    for index, (item, state) in enumerate(zip(items, states, strict=True)):
        weight = 0.25 + 0.75 * (index / span) ** 3 if recency_weighted else 1.0
        rating, delta_t = item.reviews[-1]
        p = _forgetting_curve(parameters, delta_t, state.stability)
        p = min(max(p, 1e-12), 1.0 - 1e-12)
        y = 1.0 if rating > _RATING_PASS_THRESHOLD else 0.0
        loss -= (y * math.log(p) + (1.0 - y) * math.log(1.0 - p)) * weight
        weight_sum += weight
        acc = bins.setdefault(_r_matrix_index(item), [0.0, 0.0, 0.0, 0.0])
        acc[0] += p
        acc[1] += y
        acc[2] += 1.0
        acc[3] += weight
    rmse = math.sqrt(
        sum((pred / count - real / count) ** 2 * w for pred, real, count, w in bins.values())
        / sum(v[3] for v in bins.values())
    )
    return Metrics(log_loss=loss / weight_sum, rmse_bins=rmse)


def split_test_items(items: Sequence[TrainingItem], n_splits: int = N_SPLITS) -> list[TrainingItem]:
    """The items that fsrs-rs's time-series split predicts out of sample (segments 1…n)."""
    segment = len(items) // (n_splits + 1)
    return list(items[segment:]) if segment else []


# --------------------------------------------------------------------------- fit


@dataclass(frozen=True)
class FitResult:
    """Outcome of :func:`fit`.

    ``default_*``: the FSRS-6 defaults scored on exactly the items the time-series split
    tests (segments 1–5 of 6, every item weight 1) — the same yardstick as ``fitted_*``
    (``evaluate_with_time_series_splits``). ``FSRS(DEFAULT_PARAMETERS).evaluate(items)``
    would be out-of-sample too (defaults see no data), but it scores segment 0 as well
    and weights by recency, so its figure is not comparable; it is kept, for reference,
    as ``default_in_sample_*`` (this is the "in-sample" figure Anki and the fsrs-rs
    reference quote). A metric is ``None`` when there was too little data to compute it.
    """

    parameters: list[float]
    fitted: bool
    n_reviews: int
    n_items: int
    default_log_loss: float | None
    default_rmse_bins: float | None
    fitted_log_loss: float | None
    fitted_rmse_bins: float | None
    fitted_at: datetime
    reason: str | None = None
    default_in_sample_log_loss: float | None = None
    default_in_sample_rmse_bins: float | None = None
    next_day_starts_at: int = DEFAULT_NEXT_DAY_STARTS_AT
    order: ItemOrder = "time"

    @property
    def improves(self) -> bool:
        """Whether the fitted parameters beat the defaults out of sample (log loss)."""
        return (
            self.fitted
            and self.fitted_log_loss is not None
            and self.default_log_loss is not None
            and self.fitted_log_loss < self.default_log_loss
        )


def fit(
    revlog: Sequence[RevlogEntry],
    *,
    enable_short_term: bool = True,
    next_day_starts_at: int = DEFAULT_NEXT_DAY_STARTS_AT,
    tz: tzinfo | timedelta = UTC,
    order: ItemOrder = "time",
    min_reviews: int = MIN_REVIEWS,
    now: datetime | None = None,
) -> FitResult:
    """Fit FSRS-6 parameters to ``revlog`` and measure them on fsrs-rs's time-series split.

    Never raises for lack of data: below ``min_reviews`` graded reviews, or when fsrs-rs
    cannot fit (see the module docstring), the result carries the defaults,
    ``fitted=False`` and a ``reason``. fsrs-rs's default training configuration is used
    (5 epochs, batch 512, seed 2023; Anki uses 8 epochs), so results are deterministic.
    """
    fitted_at = (now or datetime.now(UTC)).astimezone(UTC)
    defaults = list(DEFAULT_PARAMETERS)
    items = build_items(revlog, next_day_starts_at=next_day_starts_at, tz=tz, order=order)
    n_reviews = len(revlog)

    in_sample: Metrics | None = None
    if items:
        in_sample = evaluate_parameters(defaults, items, recency_weighted=True)

    def unfitted(reason: str) -> FitResult:
        return FitResult(
            parameters=defaults,
            fitted=False,
            n_reviews=n_reviews,
            n_items=len(items),
            default_log_loss=None,
            default_rmse_bins=None,
            fitted_log_loss=None,
            fitted_rmse_bins=None,
            fitted_at=fitted_at,
            reason=reason,
            default_in_sample_log_loss=in_sample.log_loss if in_sample else None,
            default_in_sample_rmse_bins=in_sample.rmse_bins if in_sample else None,
            next_day_starts_at=next_day_starts_at,
            order=order,
        )

    if n_reviews < min_reviews:
        return unfitted(
            f"only {n_reviews} reviews; at least {min_reviews} are needed to personalise "
            "the scheduler (Anki's threshold), so the FSRS-6 defaults are kept"
        )
    if not items:
        return unfitted(
            "no card has been reviewed on two different days yet, so there is nothing "
            "to learn from; the FSRS-6 defaults are kept"
        )

    fsrs_items = [item.to_fsrs() for item in items]
    try:
        raw = fsrs_rs.FSRS(defaults).compute_parameters(
            fsrs_items, enable_short_term=enable_short_term
        )
    except ValueError as error:
        return unfitted(f"fsrs-rs could not fit these reviews ({error}); defaults kept")
    parameters = [round(w, 6) for w in raw]
    if all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(parameters, defaults, strict=True)):
        return unfitted(
            f"too few usable reviews after fsrs-rs's outlier filter (it needs at least "
            f"{LIBRARY_MIN_TRAIN_ITEMS} items; {len(items)} before filtering); defaults kept"
        )

    fitted_split: Metrics | None = None
    default_split: Metrics | None = None
    test_items = split_test_items(items)
    if test_items:
        try:
            evaluation = fsrs_rs.evaluate_with_time_series_splits(
                fsrs_items, enable_short_term=enable_short_term
            )
        except ValueError:
            evaluation = None
        if evaluation is not None:
            fitted_split = Metrics(evaluation.log_loss, evaluation.rmse_bins)
            default_split = evaluate_parameters(defaults, test_items)

    return FitResult(
        parameters=parameters,
        fitted=True,
        n_reviews=n_reviews,
        n_items=len(items),
        default_log_loss=default_split.log_loss if default_split else None,
        default_rmse_bins=default_split.rmse_bins if default_split else None,
        fitted_log_loss=fitted_split.log_loss if fitted_split else None,
        fitted_rmse_bins=fitted_split.rmse_bins if fitted_split else None,
        fitted_at=fitted_at,
        reason=None if fitted_split else "too few items for a time-series split (needs 6)",
        default_in_sample_log_loss=in_sample.log_loss if in_sample else None,
        default_in_sample_rmse_bins=in_sample.rmse_bins if in_sample else None,
        next_day_starts_at=next_day_starts_at,
        order=order,
    )
