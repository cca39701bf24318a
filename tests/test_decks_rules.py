"""The format table (`quizapp.decks.rules`) and `deck.schema.json` say the same thing.

Both load paths read the table; editors read the JSON Schema. Every record's keys (in
order), required keys, additionalProperties, and every field's kind, pattern, length,
enum, const and item counts are compared, per card type too, so neither can drift.
"""

from __future__ import annotations

from typing import Any

import pytest

from quizapp.decks import fastpath
from quizapp.decks.rules import (
    ALL_CARD_KEYS,
    CARD_COMMON_REQUIRED,
    CARD_FIELDS,
    CARD_TYPES,
    CARDS,
    CHOICE,
    DECK,
    RECORDS,
    SOURCE,
    SOURCE_REF,
    Field,
    Kind,
    Record,
)
from quizapp.decks.schema import load_schema
from quizapp.model import CardType

SCHEMA = load_schema()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    assert ref.startswith("#/$defs/"), ref
    return _resolve(SCHEMA["$defs"][ref.removeprefix("#/$defs/")])


def _ref_name(node: dict[str, Any]) -> str:
    return str(node["$ref"]).removeprefix("#/$defs/")


def _check_field(where: str, rule: Field, prop: dict[str, Any]) -> None:
    """One table field against its schema property."""
    if rule.kind is Kind.RECORD:
        assert _ref_name(prop) == rule.record, where
        return
    prop = _resolve(prop)
    kind = rule.kind
    if kind is Kind.TEXT:
        assert prop["type"] == "string", where
        assert prop.get("pattern", "") == rule.pattern, where
        assert prop.get("maxLength", 0) == rule.max_length, where
        assert tuple(prop.get("enum", ())) == rule.enum, where
    elif kind is Kind.TEXT_LIST:
        assert prop["type"] == "array" and prop["items"] == {"type": "string"}, where
    elif kind is Kind.INT:
        assert prop["type"] == "integer" and prop.get("const") == rule.const, where
    elif kind is Kind.BOOL:
        assert prop["type"] == "boolean", where
    elif kind is Kind.RECORD_LIST:
        assert prop["type"] == "array" and _ref_name(prop["items"]) == rule.record, where
        assert prop.get("minItems", 0) == rule.min_items, where
        assert prop.get("maxItems", 0) == rule.max_items, where
    elif kind is Kind.TEXT_LIST_MAP:
        assert prop["type"] == "object", where
        assert prop["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
        assert prop["propertyNames"].get("pattern", "") == rule.pattern, where
    elif kind is Kind.RECORD_MAP:
        assert prop["type"] == "object", where
        assert _ref_name(prop["additionalProperties"]) == rule.record, where
        names = prop["propertyNames"]
        assert names.get("pattern", "") == rule.pattern, where
        assert names.get("maxLength", 0) == rule.max_length, where
    else:  # pragma: no cover - a new kind needs a comparison here
        raise AssertionError(f"{where}: no schema comparison for {kind}")
    if kind is not Kind.TEXT:
        assert not (rule.enum or rule.nonempty), where
    if kind not in (Kind.TEXT, Kind.RECORD_MAP, Kind.TEXT_LIST_MAP):
        assert not (rule.pattern or rule.max_length), where


def _check_record(record: Record, schema: dict[str, Any]) -> None:
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == list(record.keys)
    assert schema["required"] == list(record.required)
    for name, rule in record.fields.items():
        _check_field(f"{record.name}.{name}", rule, schema["properties"][name])


@pytest.mark.parametrize("record", list(RECORDS.values()), ids=lambda r: r.name)
def test_records_match_the_schema(record: Record) -> None:
    schema = SCHEMA if record.name == "deck" else SCHEMA["$defs"][record.name]
    _check_record(record, schema)


def test_card_fields_match_the_schema() -> None:
    card = SCHEMA["$defs"]["card"]
    assert card["additionalProperties"] is False
    assert list(card["properties"]) == list(CARD_FIELDS)
    assert set(CARD_FIELDS) == set(ALL_CARD_KEYS)
    assert card["required"] == list(CARD_COMMON_REQUIRED)
    assert card["properties"]["type"]["enum"] == list(CARD_TYPES) == [t.value for t in CardType]
    for name, rule in CARD_FIELDS.items():
        prop = card["properties"][name]
        if "anyOf" in prop:  # a key whose kind depends on the card type (accept)
            assert any(_resolve(p).get("type") == "array" for p in prop["anyOf"]), name
            continue
        _check_field(f"card.{name}", rule, prop)


@pytest.mark.parametrize("ctype", list(CardType), ids=str)
def test_each_card_type_matches_the_schema(ctype: CardType) -> None:
    card = SCHEMA["$defs"]["card"]
    per_type = {rule["if"]["properties"]["type"]["const"]: rule["then"] for rule in card["allOf"]}
    assert set(per_type) == set(CARD_TYPES)
    then = per_type[ctype.value]
    record = CARDS[ctype]
    assert list(record.required) == card["required"] + then["required"]
    forbidden = {k for k, v in then["properties"].items() if v is False}
    assert forbidden == set(CARD_FIELDS) - set(record.keys)
    for name, rule in record.fields.items():
        prop = then["properties"].get(name) or card["properties"][name]
        _check_field(f"{ctype.value}.{name}", rule, prop)


@pytest.mark.parametrize(
    "record", [DECK, SOURCE, SOURCE_REF, CHOICE, *CARDS.values()], ids=lambda r: r.name
)
def test_only_required_fields_are_nonempty(record: Record) -> None:
    """The fast path reads the non-blank fields unguarded (`c[name]`): they must be there."""
    for name, rule in record.fields.items():
        if rule.nonempty:
            assert name in record.required, f"{record.name}.{name}"
    assert set(record.required) <= set(record.keys)


def test_fast_path_reads_every_text_field_of_a_card() -> None:
    texts = {k for k, rule in CARD_FIELDS.items() if rule.kind is Kind.TEXT}
    # id and fact are matched against their patterns, type against its enum
    assert texts - {"id", "type", "fact"} == set(fastpath.CARD_TEXT_FIELDS)
