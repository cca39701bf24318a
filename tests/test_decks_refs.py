"""`ref` markers: the marker that follows the quoted sentence in the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.decks.quotes import markers_after, normalise

SOURCE = normalise(
    (Path(__file__).parents[1] / "decks" / "sources" / "medscape-sts.txt").read_text()
)


@pytest.mark.parametrize(
    ("quote", "markers"),
    [
        ("As many as 35% of patients develop local recurrence", ["[47]"]),
        ("following a combination of surgical resection and adjuvant therapy.", ["[47]"]),
        ("observed within 5 years", ["[5]"]),
        ("removal of normal lymph nodes generally has no role", []),
        ("may yield better 5-year survival rates.", ["[48]"]),
        ("an actuarial 3-year survival rate of 38%", ["[5]"]),
        ("fewer than three or four metastatic nodules", []),
        ("small blue cell tumors (Ewing sarcomas, primitive neuroectodermal tumors).", ["[49]"]),
        ("As many as 35% … adjuvant therapy", ["[47]"]),
        ("a sentence the document never wrote", None),
    ],
)
def test_markers_after_the_quoted_sentence(quote: str, markers: list[str] | None) -> None:
    assert markers_after(quote, SOURCE) == markers
