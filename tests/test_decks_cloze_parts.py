"""`cloze_parts.ords_and_plain` is `cloze.deletions` + `cloze.plain_text` in one pass."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.decks import cloze
from quizapp.decks.cloze_parts import ords_and_plain

_PIECES = st.sampled_from(
    [
        "{{",
        "}}",
        "c1::",
        "c2::",
        "c0::",
        "c10::",
        "::",
        ":",
        "c",
        "1",
        " ",
        "\n",
        "x",
        "é",
        "{",
        "}",
    ]
)
_TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=14).map("".join)


def reference(text: str) -> tuple[list[int], str] | str:
    try:
        return [d.ord for d in cloze.deletions(text)], cloze.plain_text(text)
    except cloze.ClozeError as e:
        return f"error: {e}"


def fast(text: str) -> tuple[list[int], str] | str:
    try:
        return ords_and_plain(text)
    except cloze.ClozeError as e:
        return f"error: {e}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no deletion",
        "The {{heart}} has {{four}} chambers",
        "{{c2::b}} then {{c1::a::hint}} and {{c2::again}}",
        "{{ spaced }} and {{c3:: padded ::hint }}",
        "mixed {{c1::a}} and {{b}}",
        "empty {{ }} one",
        "empty {{c1:: ::h}}",
        "zero {{c0::x}}",
        "nested {{{{a}}}} and {{a}}}",
        "multi\nline {{a\nb}}",
    ],
)
def test_examples(text: str) -> None:
    assert fast(text) == reference(text)


@settings(max_examples=600, deadline=None)
@given(_TEXTS)
def test_same_as_cloze(text: str) -> None:
    assert fast(text) == reference(text)
