"""Deck data → YAML text in quizapp's deck-file style (imports and drafts both write it).

Every text value is a YAML string: PyYAML's safe dumper quotes any scalar that would read
back as a boolean, number, date or null (`No`, `1:30`, `35`); multi-line text without
trailing spaces is a literal block. Keys keep the mapping's order.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # the C emitter: thousands of cards in well under a second
    _Base: type[yaml.SafeDumper] = yaml.CSafeDumper  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeDumper


class _DeckDumper(_Base):  # type: ignore[misc,valid-type]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_DeckDumper.add_representer(str, _str)


def dump_yaml(value: Any) -> str:
    """`value` (mappings, lists, strings, numbers) as deck-file YAML."""
    text: str = yaml.dump(
        value,
        Dumper=_DeckDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text
