"""Deck tools: schema/loader agreement, quotes, add-ids, discovery, check_paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizapp.decks import loader
from quizapp.decks.add_ids import add_missing_ids, slugify
from quizapp.decks.check import check_paths
from quizapp.decks.discovery import bundled_decks_dir, find_deck_files
from quizapp.decks.quotes import normalise, quote_in_source
from quizapp.decks.schema import SCHEMA_PATH, load_schema
from quizapp.model import CardType

GOOD = Path(__file__).parent / "fixtures" / "good_decks"

# ---------------------------------------------------------------------------- schema


def test_schema_agrees_with_loader() -> None:
    schema = load_schema()
    assert SCHEMA_PATH.name == "deck.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == list(loader.TOP_REQUIRED)
    assert list(schema["properties"]) == list(loader.TOP_KEYS)
    assert schema["properties"]["id"]["pattern"] == loader.DECK_ID_PATTERN
    assert schema["properties"]["id"]["maxLength"] == loader.ID_MAX_LENGTH
    defs = schema["$defs"]
    card = defs["card"]
    assert card["properties"]["id"]["pattern"] == loader.CARD_ID_PATTERN
    assert card["required"] == list(loader.CARD_COMMON_REQUIRED)
    assert set(card["properties"]) == set(loader.ALL_CARD_KEYS)
    assert card["properties"]["type"]["enum"] == [t.value for t in CardType]
    per_type = {rule["if"]["properties"]["type"]["const"]: rule["then"] for rule in card["allOf"]}
    for ctype, required in loader.CARD_REQUIRED_BY_TYPE.items():
        then = per_type[ctype.value]
        assert then["required"] == list(required)
        forbidden = {k for k, v in then["properties"].items() if v is False}
        assert forbidden == set(loader.ALL_CARD_KEYS) - set(loader.CARD_KEYS_BY_TYPE[ctype])
    assert defs["choice"]["required"] == list(loader.CHOICE_REQUIRED)
    assert list(defs["choice"]["properties"]) == list(loader.CHOICE_KEYS)
    assert defs["source"]["required"] == list(loader.SOURCE_REQUIRED)
    assert list(defs["source"]["properties"]) == list(loader.SOURCE_KEYS)
    assert defs["sourceRef"]["required"] == list(loader.SOURCE_REF_REQUIRED)
    assert list(defs["sourceRef"]["properties"]) == list(loader.SOURCE_REF_KEYS)
    assert schema["properties"]["sources"]["propertyNames"]["pattern"] == (loader.SOURCE_ID_PATTERN)
    choices = card["properties"]["choices"]
    assert (choices["minItems"], choices["maxItems"]) == (loader.MIN_CHOICES, loader.MAX_CHOICES)


def test_every_schema_property_has_a_description() -> None:
    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if sub is not False and "$ref" not in sub:
                    assert sub.get("description"), f"{where}.{name}"
            for key, sub in node.items():
                if key != "if":  # conditions name properties, they don't describe them
                    walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(load_schema(), "$")


# ---------------------------------------------------------------------------- quotes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("it’s", "it's"),
        ("‘a’", "'a'"),
        ("“a”", '"a"'),
        ("5″", '5"'),
        ("a – b — c", "a - b - c"),
        ("a\u00a0b", "a b"),
        ("  a \n\t b  ", "a b"),
        ("Same Case", "Same Case"),
        ("soft\u00adhyphen", "softhyphen"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("As many as 35% of patients", True),
        ("As  many as\n35% of patients", True),
        ("“As many as 35% of patients”", True),  # quotation marks around it
        ("patients’ outcomes – good", True),
        ("As many as … patients", True),  # ellipsis skips words
        ("patients … As many", False),  # pieces out of order
        ("As many as 36% of patients", False),
        ("", False),
    ],
)
def test_quote_in_source(quote: str, found: bool) -> None:
    source = "As many as 35% of patients develop it. The patients' outcomes — good."
    assert quote_in_source(quote, source) is found


# ---------------------------------------------------------------------------- add-ids

_NO_IDS = """\
# yaml-language-server: $schema=../deck.schema.json
id: demo   # deck id
title: 'Demo deck'
sources: {s: {title: S}}
cards:
    # the first card
    - type: basic
      prompt: "What is {{x}} — the answer?"   # prompt comment
      answer: No
      explanation: because
      source: {id: s, quote: "q"}
    - id: what-is-x-the-answer
      type: cloze
      text: "{{c1::Aspirin}} inhibits COX"
      explanation: x
      source: {id: s, quote: "q"}
"""
_NO_IDS += (
    "    - {type: basic, prompt: \"What is x the answer\", answer: 'y', explanation: z,"
    " source: {id: s, quote: q}}\n"
)


def test_add_ids_round_trip_keeps_comments(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(_NO_IDS, encoding="utf-8")
    added = add_missing_ids(deck)
    assert added == ["what-is-x-the-answer-2", "what-is-x-the-answer-3"]
    out = deck.read_text(encoding="utf-8")
    for kept in (
        "# yaml-language-server",
        "id: demo   # deck id",
        "title: 'Demo deck'",
        "    # the first card",
        '"What is {{x}} — the answer?"   # prompt comment',
        "answer: 'y'",
    ):
        assert kept in out
    assert "    - id: what-is-x-the-answer-2\n      type: basic\n" in out
    assert "- {id: what-is-x-the-answer-3, type: basic" in out
    loaded = loader.load_deck(deck)
    assert [c.id for c in loaded.cards] == [
        "what-is-x-the-answer-2",
        "what-is-x-the-answer",
        "what-is-x-the-answer-3",
    ]
    assert loaded.cards[0].answer == "No"
    mtime = deck.stat().st_mtime_ns
    assert add_missing_ids(deck) == []  # nothing to do: file untouched
    assert deck.stat().st_mtime_ns == mtime
    assert not [p for p in tmp_path.iterdir() if p.name != "d.yaml"]  # no temp files left


def test_slugify() -> None:
    assert slugify("What is {{c1::aspirin::drug}}’s target?") == "what-is-aspirins-target"
    assert slugify("Ménière’s disease") == "menieres-disease"
    assert slugify("???") == "card"
    assert len(slugify("word " * 40)) <= 48


# ---------------------------------------------------------------------------- discovery/check


def test_bundled_decks_dir() -> None:
    assert bundled_decks_dir() == Path(loader.__file__).resolve().parents[2] / "decks"


def _deck(i: str) -> str:
    return (
        f"id: {i}\ntitle: T\nsources: {{s: {{title: S}}}}\ncards:\n"
        "  - {id: c, type: basic, prompt: p, answer: a, explanation: e, "
        "source: {id: s, quote: q}}\n"
    )


def test_find_deck_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(_deck("a"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(_deck("b"))
    (tmp_path / "sub" / "notes.txt").write_text("x")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.yaml").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "h.yaml").write_text("x")
    found = find_deck_files([tmp_path, tmp_path / "a.yaml", tmp_path / "sub"])
    assert found == [tmp_path / "a.yaml", tmp_path / "sub" / "b.yml"]


def test_check_paths(tmp_path: Path) -> None:
    root = tmp_path / "decks"
    root.mkdir()
    (root / "a.yaml").write_text(_deck("same"))
    (root / "b.yaml").write_text(_deck("same"))
    (root / "c.yaml").write_text(_deck("other"))
    (root / "bad.yaml").write_text("id: bad\n")
    outside = tmp_path / "outside.yaml"
    outside.write_text(_deck("outside"))
    os.symlink(outside, root / "link-out.yaml")
    os.symlink(tmp_path / "gone.yaml", root / "dangling.yaml")
    decks, problems = check_paths([root, tmp_path / "missing", tmp_path / "nope.yaml"])
    assert sorted(d.id for d in decks) == ["other", "same"]
    text = "\n".join(str(p) for p in problems)
    assert f"{root / 'b.yaml'}:1:5: deck id `same` is already used by {root / 'a.yaml'}" in text
    assert "bad.yaml:1:1: the deck has no `title`" in text
    assert "link-out.yaml:0:0: symlink points outside" in text
    assert "dangling.yaml:0:0: dangling symlink" in text
    assert "missing:0:0: no such file or folder" in text
    assert "nope.yaml:0:0: no such file or folder" in text


def test_check_paths_good_fixtures() -> None:
    decks, problems = check_paths([GOOD])
    assert problems == []
    assert sorted(d.id for d in decks) == ["bom-deck", "sts-recurrence"]
