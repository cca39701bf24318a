"""Personalised FSRS parameters: CSV reading, item construction, fitting on real data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import fsrs_rs_python as fsrs_rs
import pytest

from quizapp.scheduling.optimizer import (
    DEFAULT_PARAMETERS,
    MIN_REVIEWS,
    RevlogEntry,
    build_items,
    day_number,
    evaluate_parameters,
    fit,
    read_revlog_csv,
    split_test_items,
)

# A copy of ../shared/data/review_logs_josh.csv, kept in the repo so CI always has it.
JOSH_CSV = Path(__file__).resolve().parent / "fixtures/data/review_logs_josh.csv"
NOW = datetime(2024, 10, 7, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def review(card: int | str, when: str, rating: int = 3) -> RevlogEntry:
    return RevlogEntry(card_id=card, reviewed_at=at(when), rating=rating)


@pytest.fixture(scope="module")
def josh() -> list[RevlogEntry]:
    return read_revlog_csv(JOSH_CSV)


# --------------------------------------------------------------------------- CSV


def write(tmp_path: Path, text: str, name: str = "revlog.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_reads_iso_and_epoch_ms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "card_id,review_rating,review_time,review_duration\n"
        "1711684180217,1,2024-03-29T20:32:32.250000+00:00,25060\n"
        "1711684180217,3,1711744352250,7241\n"
        "abc,4,2024-03-30T06:00:00Z,\n"
        "abc,2,2024-03-30T08:00:00+02:00,100\n"
        "abc,3,2024-03-31 09:00:00,5\n",
    )
    entries = read_revlog_csv(path)
    assert [e.card_id for e in entries] == [1711684180217, 1711684180217, "abc", "abc", "abc"]
    assert entries[0].reviewed_at == datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=UTC)
    assert entries[1].reviewed_at == datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=UTC)
    assert entries[2].reviewed_at == datetime(2024, 3, 30, 6, tzinfo=UTC)
    assert entries[3].reviewed_at == datetime(2024, 3, 30, 6, tzinfo=UTC)  # +02:00 → UTC
    assert entries[4].reviewed_at == datetime(2024, 3, 31, 9, tzinfo=UTC)  # naive means UTC
    assert all(e.reviewed_at.utcoffset() == timedelta(0) for e in entries)
    assert [e.rating for e in entries] == [1, 3, 4, 2, 3]
    assert [e.duration_ms for e in entries] == [25060, 7241, 0, 100, 5]


def test_csv_skips_manual_entries_and_optional_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffreview_time,card_id,review_rating,review_state\n"
        "1711744352250,1,0,4\n"  # rating 0: manual reschedule
        "1711744352250,1,3,5\n"  # state 5: manual
        "1711744352250,1,3,2\n",
    )
    entries = read_revlog_csv(path)
    assert len(entries) == 1
    assert entries[0].duration_ms == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,5,2024-03-29T20:32:32+00:00,10", "review_rating must be 0–4"),
        ("1,good,2024-03-29T20:32:32+00:00,10", "review_rating must be 0–4"),
        ("1,3,yesterday,10", "neither ISO 8601 nor epoch milliseconds"),
        ("1,3,2024-03-29T20:32:32+00:00,-4", "review_duration"),
        (",3,2024-03-29T20:32:32+00:00,10", "card_id is empty"),
        ("1,3", "too few fields"),
    ],
)
def test_csv_bad_rows_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    path = write(
        tmp_path,
        "card_id,review_rating,review_time,review_duration\n"
        "1,3,2024-03-28T20:32:32+00:00,10\n" + row + "\n",
    )
    with pytest.raises(ValueError, match=rf"revlog\.csv:3: .*{message}"):
        read_revlog_csv(path)


def test_csv_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "card_id,rating,review_time\n1,3,1711744352250\n")
    with pytest.raises(ValueError, match=r"revlog\.csv:1: missing column\(s\) review_rating"):
        read_revlog_csv(path)


def test_revlog_entry_validation() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        RevlogEntry(1, datetime(2024, 1, 1), 3)
    with pytest.raises(ValueError, match="rating"):
        RevlogEntry(1, at("2024-01-01T00:00:00"), 0)
    shifted = RevlogEntry(1, datetime(2024, 1, 1, 9, tzinfo=timezone(timedelta(hours=9))), 3)
    assert shifted.reviewed_at == datetime(2024, 1, 1, 0, tzinfo=UTC)
    assert shifted.reviewed_at.tzinfo is UTC


# --------------------------------------------------------------------------- items


def three_card_log() -> list[RevlogEntry]:
    return [
        # card 1: a same-day relearning step, then 2 and 7 days
        review(1, "2024-01-01T10:00:00", 3),
        review(1, "2024-01-01T15:00:00", 1),
        review(1, "2024-01-03T09:00:00", 3),
        review(1, "2024-01-10T20:00:00", 3),
        # card 2: around the 04:00 rollover (listed out of order on purpose)
        review(2, "2024-01-05T04:01:00", 3),
        review(2, "2024-01-04T23:30:00", 1),
        review(2, "2024-01-05T03:59:00", 3),
        # card 3: a single review gives no item
        review(3, "2024-01-02T12:00:00", 4),
    ]


def reviews_of(items: list) -> list[tuple[tuple[int, int], ...]]:
    return [item.reviews for item in items]


def test_items_known_delta_t_with_4am_rollover() -> None:
    items = build_items(three_card_log())
    assert reviews_of(items) == [
        # card 1 @ 01-03: the 15:00 review was the same study day → delta_t 0, no own item
        ((3, 0), (1, 0), (3, 2)),
        # card 2 @ 01-05 04:01: 23:30 and 03:59 are one study day (04 Jan), 04:01 the next
        ((1, 0), (3, 0), (3, 1)),
        # card 1 @ 01-10
        ((3, 0), (1, 0), (3, 2), (3, 7)),
    ]
    assert [item.card_id for item in items] == [1, 2, 1]
    assert all(item.long_term_review_cnt() >= 1 for item in items)
    assert items == sorted(items, key=lambda item: item.reviewed_at)


def test_items_midnight_rollover_and_timezone() -> None:
    by_midnight = build_items(three_card_log(), next_day_starts_at=0)
    # with a midnight rollover 23:30 → 03:59 crosses a day, 03:59 → 04:01 does not
    assert ((1, 0), (3, 1)) in reviews_of(by_midnight)
    assert ((1, 0), (3, 1), (3, 0)) not in reviews_of(by_midnight)  # same-day: no item
    # UTC+8 with a 4 am rollover: 04:01 UTC is 12:01 local, same study day as 03:59 UTC
    plus8 = build_items(three_card_log(), tz=timedelta(hours=8))
    assert all(item.card_id != 2 for item in plus8)
    assert build_items(three_card_log(), tz=timezone(timedelta(hours=8))) == plus8


def test_day_number_edges() -> None:
    assert day_number(at("2024-01-05T03:59:59")) == day_number(at("2024-01-04T04:00:00"))
    assert day_number(at("2024-01-05T04:00:00")) == day_number(at("2024-01-04T04:00:00")) + 1
    with pytest.raises(ValueError, match="hour"):
        day_number(at("2024-01-05T04:00:00"), next_day_starts_at=24)


def test_card_order_groups_items_by_card() -> None:
    items = build_items(three_card_log(), order="card")
    assert [item.card_id for item in items] == [1, 1, 2]


def test_items_match_fsrs_rs_convertor_example() -> None:
    # fsrs-rs src/convertor_tests.rs test_delta_t_is_correct: reviews 15, 13, 10, 5 days ago
    base = at("2024-06-30T12:00:00")
    log = [RevlogEntry(7, base - timedelta(days=d), 3) for d in (15, 13, 10, 5)]
    assert reviews_of(build_items(log)) == [
        ((3, 0), (3, 2)),
        ((3, 0), (3, 2), (3, 3)),
        ((3, 0), (3, 2), (3, 3), (3, 5)),
    ]


# --------------------------------------------------------------------------- fit


def test_below_minimum_keeps_defaults_with_reason() -> None:
    result = fit(three_card_log(), now=NOW)
    assert not result.fitted
    assert result.parameters == list(DEFAULT_PARAMETERS)
    assert len(result.parameters) == 21
    assert result.reason is not None and str(MIN_REVIEWS) in result.reason
    assert result.fitted_at == NOW
    assert result.fitted_log_loss is None and not result.improves


def test_library_minimum_keeps_defaults_with_reason() -> None:
    # enough for our threshold when disabled, too little for fsrs-rs (< 8 items)
    result = fit(three_card_log(), min_reviews=0, now=NOW)
    assert not result.fitted
    assert result.parameters == list(DEFAULT_PARAMETERS)
    assert result.reason and "defaults kept" in result.reason


def test_no_interday_reviews_keeps_defaults() -> None:
    log = [review(n, "2024-01-01T10:00:00") for n in range(500)]
    result = fit(log, now=NOW)
    assert not result.fitted and result.n_items == 0
    assert result.reason and "two different days" in result.reason


def test_real_log_subset_below_minimum(josh: list[RevlogEntry]) -> None:
    result = fit(josh[:300], now=NOW)
    assert not result.fitted and result.parameters == list(DEFAULT_PARAMETERS)
    assert result.n_reviews == 300


def test_fit_on_real_log_improves_on_defaults(josh: list[RevlogEntry]) -> None:
    # the whole log (12,580 reviews) fits and evaluates in well under a second
    result = fit(josh, now=NOW)
    assert result.fitted and result.reason is None
    assert result.n_reviews == 12_580
    assert result.n_items == 6_276
    assert len(result.parameters) == 21
    assert max(abs(a - b) for a, b in zip(result.parameters, DEFAULT_PARAMETERS, strict=True)) > 0.1
    assert result.fitted_log_loss is not None and result.default_log_loss is not None
    assert result.fitted_log_loss < result.default_log_loss
    assert result.fitted_rmse_bins is not None and result.default_rmse_bins is not None
    assert result.fitted_rmse_bins < result.default_rmse_bins
    assert result.improves
    # repeatable (fsrs-rs sums in parallel, so allow float noise in the last digits)
    again = fit(josh, now=NOW)
    assert again.parameters == pytest.approx(result.parameters, abs=1e-6)
    assert again.fitted_log_loss == pytest.approx(result.fitted_log_loss, abs=1e-7)
    assert again.fitted_rmse_bins == pytest.approx(result.fitted_rmse_bins, abs=1e-7)


def test_card_order_reproduces_published_reference(josh: list[RevlogEntry]) -> None:
    result = fit(josh, order="card", now=NOW)
    assert result.default_in_sample_log_loss == pytest.approx(0.4649, abs=5e-5)
    assert result.default_in_sample_rmse_bins == pytest.approx(0.0744, abs=5e-5)
    assert result.fitted_log_loss == pytest.approx(0.4573, abs=5e-5)
    assert result.fitted_rmse_bins == pytest.approx(0.0553, abs=5e-5)


def test_metrics_match_fsrs_rs_evaluate(josh: list[RevlogEntry]) -> None:
    items = build_items(josh)
    library = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).evaluate([item.to_fsrs() for item in items])
    ours = evaluate_parameters(DEFAULT_PARAMETERS, items, recency_weighted=True)
    assert ours.log_loss == pytest.approx(library.log_loss, abs=1e-5)
    assert ours.rmse_bins == pytest.approx(library.rmse_bins, abs=1e-5)
    tested = split_test_items(items)
    assert len(tested) == len(items) - len(items) // 6


def test_fit_without_short_term(josh: list[RevlogEntry]) -> None:
    result = fit(josh, enable_short_term=False, now=NOW)
    assert result.fitted
    assert result.parameters[17:20] == [0.0, 0.0, 0.0]  # fsrs-rs freezes w17–w19 at 0
