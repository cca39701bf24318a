"""The yaml-rs fast path of the deck loader never changes a result.

`fastpath.fast_load` either returns exactly the deck the precise (PyYAML event) path
builds, card lines included, or declines (None) so the precise path runs and reports
problems with file:line:col. Checked on every fixture, the bundled decks, hand-picked
YAML 1.1/1.2 differences and fuzzed mutations of a good deck.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks import fastpath, loader
from quizapp.decks.discovery import bundled_decks_dir
from quizapp.decks.errors import DeckError
from quizapp.model import Deck
from quizapp.store import deck_rows

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = sorted((FIXTURES / "good_decks").glob("*.y*ml"))
BAD = sorted((FIXTURES / "bad_decks").glob("*.y*ml"))
BUNDLED = sorted(bundled_decks_dir().glob("*.yaml"))


def precise(data: bytes, path: Path) -> Deck | None:
    try:
        return loader._load(data, path, check_quotes=False, fast=False)[0]
    except DeckError:
        return None


def fast(data: bytes, path: Path) -> Deck | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
        data = data[3:]
    return fastpath.fast_load(data, text, path)


def agree(data: bytes, path: Path = Path("deck.yaml")) -> Deck | None:
    got = fast(data, path)
    if got is not None:
        assert got == precise(data, path)
    return got


@pytest.mark.parametrize("path", GOOD + BUNDLED, ids=lambda p: p.name)
def test_good_decks_take_the_fast_path_with_the_same_result(path: Path) -> None:
    data = path.read_bytes()
    got = fast(data, path)
    slow = precise(data, path)
    assert got is not None and slow is not None
    assert got == slow
    assert [c.line for c in got.cards] == [c.line for c in slow.cards]


def test_unquoted_numbers_send_only_their_card_to_the_precise_path() -> None:
    text = _BASE.format(type="typed", field='answer: "35%"\n    accept: ["35 percent", 35]')
    got = fast(text.encode(), Path("d.yaml"))
    assert got is not None and got.cards[0].accept == ("35 percent", "35")
    assert got == precise(text.encode(), Path("d.yaml"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_decks_never_pass_the_fast_path_differently(path: Path) -> None:
    agree(path.read_bytes(), path)


_BASE = """\
id: d
title: T
sources:
  s: {{title: S}}
cards:
  - id: c1
    type: {type}
    prompt: P
    {field}
    explanation: E
    source: {{id: s, quote: Q}}
"""


@pytest.mark.parametrize(
    ("ctype", "field"),
    [
        ("basic", "answer: 35"),  # YAML 1.2 int: must stay the text "35"
        ("basic", "answer: 1:30"),
        ("basic", "answer: No"),
        ("basic", "answer: true"),
        ("basic", "answer: ~"),
        ("basic", "answer: 0x1F"),
        ("basic", "answer: 1e3"),
        ("basic", "answer: .inf"),
        ("basic", "answer: 2018-12-03"),
        ("basic", "answer: !!str 5"),
        ("basic", "answer: &a x"),
        ("basic", 'answer: "x"\n    answer: "y"'),  # duplicate key
        ("basic", "answer: '\u0007'"),
        ("basic", 'answer: "\\/"'),
        ("typed", "answer: x\n    accept: [35, yes, No]"),
        ("mcq", "choices: [{text: a, correct: True, why: w}, {text: b, why: w}]"),
        ("mcq", "choices: [{text: a, correct: 'true', why: w}, {text: b, why: w}]"),
        ("mcq", "choices: [{text: a, correct: yes, why: w}, {text: b, why: w}]"),
        ("mcq", "choices: [{text: a, why: w}, {text: ' a', correct: true, why: w}]"),
        ("basic", "answer: x\n    tags: 0"),
        ("basic", "answer: x\n    tags: ''"),
        ("basic", "answer: x\n    tags: ~"),
        # the keys of fact groups, drafts, fixed options and per-deletion accept lists
        ("cloze", 'text: "{{a}} {{b}}"\n    accept: {1: [x], "2": [y]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {+1: [x]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {0x1: [x]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {01: [x]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {2: [x]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {c1: [x]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {1: [35, No]}'),
        ("cloze", 'text: "{{a}}"\n    accept: {1: x}'),
        ("cloze", 'text: "{{a}}"\n    accept: {1: ~}'),
        ("cloze", 'text: "{{a}}"\n    accept: ~'),
        ("cloze", 'text: "{{a}}"\n    accept: [x]'),
        ("cloze", 'text: "{{a}}"\n    accept: {1: [x], "1": [y]}'),
        ("basic", "answer: x\n    fact: 2024"),
        ("basic", "answer: x\n    fact: ''"),
        ("basic", "answer: x\n    fact: ~"),
        ("basic", "answer: x\n    fact: a b"),
        ("basic", "answer: x\n    draft: yes"),
        ("basic", "answer: x\n    draft: True"),
        ("basic", "answer: x\n    draft: 'true'"),
        ("mcq", "choices: [{text: a, correct: true, why: w, fixed: yes}, {text: b, why: w}]"),
        ("mcq", "choices: [{text: a, correct: true, why: w, fixed: true}, {text: b, why: w}]"),
    ],
)
def test_yaml_differences_fall_back_to_the_precise_path(ctype: str, field: str) -> None:
    data = _BASE.format(type=ctype, field=field).encode()
    agree(data)
    # and the public API gives what the precise path gives
    slow = precise(data, Path("deck.yaml"))
    if slow is None:
        with pytest.raises(DeckError):
            loader.load_deck_text(data, Path("deck.yaml"))
    else:
        assert loader.load_deck_text(data, Path("deck.yaml")) == slow


def test_unquoted_number_stays_text() -> None:
    deck = loader.load_deck_text(_BASE.format(type="basic", field="answer: 035"), Path("d.yaml"))
    assert deck.cards[0].answer == "035"


def test_duplicate_key_keeps_its_line() -> None:
    text = _BASE.format(type="basic", field="answer: a\n    answer: b")
    with pytest.raises(DeckError) as e:
        loader.load_deck_text(text, Path("d.yaml"))
    assert any(p.line == 10 and "duplicate key" in p.message for p in e.value.problems)


@pytest.mark.parametrize(
    "cards",
    [
        "  - id: a\n    type: basic\n    prompt: p\n    answer: x\n    explanation: e\n"
        "    source: {id: s, quote: q}\n",
        "  -\n    id: a\n    type: basic\n    prompt: p\n    answer: x\n    explanation: e\n"
        "    source: {id: s, quote: q}\n",
        "  - # comment\n\n    id: a\n    type: basic\n    prompt: p\n    answer: x\n"
        "    explanation: e\n    source: {id: s, quote: q}\n",
        "- {id: a, type: basic, prompt: p, answer: x, explanation: e, source: {id: s, quote: q}}\n",
        "  - id: a\n    type: basic\n    prompt: |\n      p\n      - not an item\n    answer: x\n"
        "    explanation: e\n    source: {id: s, quote: q}\n",
        '  - id: a\n    type: basic\n    prompt: "p\n  - b"\n    answer: x\n    explanation: e\n'
        "    source: {id: s, quote: q}\n",
    ],
)
def test_card_lines_match(cards: str) -> None:
    text = "id: d\ntitle: T\nsources: {s: {title: S}}\ncards:\n" + cards
    agree(text.encode())


def test_card_json_is_the_documented_card_data() -> None:
    for path in GOOD + BUNDLED:
        try:
            deck = loader.load_deck(path)
        except DeckError:
            continue
        for card in deck.cards:
            data = deck_rows.card_data(card)
            hashed = {k: v for k, v in data.items() if k != "line"}
            payload, digest = deck_rows.card_json(card)
            assert payload == json.dumps(data, ensure_ascii=False, sort_keys=True)
            assert (
                digest
                == hashlib.sha1(
                    json.dumps(hashed, ensure_ascii=False, sort_keys=True).encode()
                ).hexdigest()
            )


_GOOD_TEXT = (FIXTURES / "good_decks" / "sts.yaml").read_text(encoding="utf-8")
_SNIPPETS = [
    "\t",
    ": ",
    "- ",
    "  - ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "!x ",
    "\n",
    "'",
    '"',
    "---\n",
    "<<: ",
    "#",
    "yes",
    "~",
    "35",
    "true",
    "{{",
    "}}",
    "\x07",
    "\\/",
    "id: ",
    "\n  - id: extra\n",
    "\n    answer: x",
    "\n    fact: k",
    "\n    draft: true",
    "fixed: true, ",
    "\n    accept: {1: [x]}",
    "+1: ",
    "0x1: ",
    "c1: ",
    '"2": ',
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_GOOD_TEXT)),
            st.integers(0, 30),
            st.sampled_from(_SNIPPETS) | st.text(max_size=5),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_fast_path_agrees(edits: list[tuple[int, int, str]]) -> None:
    text = _GOOD_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return
    agree(data)


_BUNDLED_TEXT = BUNDLED[0].read_text(encoding="utf-8")  # has fact keys and cloze accept lists


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_BUNDLED_TEXT)),
            st.integers(0, 30),
            st.sampled_from(_SNIPPETS) | st.text(max_size=5),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_fuzz_new_keys_fast_path_agrees(edits: list[tuple[int, int, str]]) -> None:
    text = _BUNDLED_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return
    agree(data)
