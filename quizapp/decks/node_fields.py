"""Reading the keys and fields of one positioned YAML mapping, as the format table says.

`FieldReader` holds the problem log and the checks every record shares: unknown keys
(with a "did you mean"), missing required keys (with the table's hint), text fields
(non-text and blank ones), lists of text, tags and ids. `validate_card` and `validate`
build the card and deck checks on it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from quizapp.decks.errors import ProblemLog
from quizapp.decks.nodes import STD_TAG, Map, Scalar, Seq, is_null, kind_of
from quizapp.decks.rules import Field, Record


def _suggest(key: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "allowed keys: " + ", ".join(allowed)


class FieldReader:
    """Field-level checks on nodes; every problem goes to `ctx` and the walk goes on."""

    def __init__(self, log: ProblemLog) -> None:
        self.ctx = log

    def keys(
        self,
        node: Map,
        allowed: Iterable[str],
        what: str,
        card_id: str = "",
        other: dict[str, str] | None = None,
    ) -> None:
        for name, (key, _value) in node.items.items():
            if name in allowed:
                continue
            if other and name in other:
                self.ctx.at(key, f"`{name}` is not a key of {what}", other[name], card_id)
            else:
                self.ctx.at(
                    key, f"unknown key `{name}` in {what}", _suggest(name, allowed), card_id
                )

    def required(
        self,
        node: Map,
        names: tuple[str, ...],
        fields: Mapping[str, Field],
        what: str,
        card_id: str = "",
    ) -> None:
        for name in names:
            if name not in node.items:
                self.ctx.at(
                    node, f"{what} has no `{name}`", fields[name].hint or f"add `{name}:`", card_id
                )

    def record(self, node: Map, record: Record, what: str, card_id: str = "") -> None:
        """Unknown and missing keys of a record."""
        self.keys(node, record.keys, what, card_id)
        self.required(node, record.required, record.fields, what, card_id)

    def text(self, parent: Map, name: str, rule: Field, card_id: str = "") -> str:
        """A text field as written; problems for non-text (and blank, when `rule.nonempty`)."""
        item = parent.items.get(name)
        if item is None:
            return ""
        node = item[1]
        if not isinstance(node, Scalar):
            self.ctx.at(
                node,
                f"`{name}` must be text, not {kind_of(node)}",
                'write the text after the colon; quote it ("…") if it contains `: ` or `#`',
                card_id,
            )
            return ""
        if rule.nonempty and not node.value.strip():
            self.ctx.at(
                node if node.line else item[0],
                f"`{name}` is empty",
                rule.hint or f"write the {name} after `{name}:`",
                card_id,
            )
        return node.value

    def text_list(self, parent: Map, name: str, card_id: str = "") -> list[str]:
        item = parent.items.get(name)
        if item is None or is_null(item[1]):
            return []
        node = item[1]
        if not isinstance(node, Seq):
            self.ctx.at(
                node,
                f"`{name}` must be a list, not {kind_of(node)}",
                f'write `{name}: ["…", "…"]`',
                card_id,
            )
            return []
        out: list[str] = []
        for child in node.items:
            if isinstance(child, Scalar):
                out.append(child.value)
            else:
                self.ctx.at(
                    child,
                    f"each entry of `{name}` must be text, not {kind_of(child)}",
                    "quote entries that contain `: `, `[` or `{`",
                    card_id,
                )
        return out

    def boolean(self, parent: Map, name: str, hint: str, card_id: str = "") -> bool:
        """A true/false field (unquoted `true`/`false`, any case, or `!!bool`); absent: False."""
        item = parent.items.get(name)
        if item is None:
            return False
        node = item[1]
        if (
            isinstance(node, Scalar)
            and node.tag in (None, STD_TAG + "bool")
            and node.value.lower() in ("true", "false")
            and (node.plain or node.tag is not None)
        ):
            return node.value.lower() == "true"
        shown = node.value if isinstance(node, Scalar) else kind_of(node)
        self.ctx.at(node, f"`{name}` must be true or false, not `{shown}`", hint, card_id)
        return False

    def pattern_text(self, parent: Map, name: str, rule: Field, how: str, card_id: str = "") -> str:
        """An optional text field that must match `rule.pattern` (`fact`); "" when invalid."""
        item = parent.items.get(name)
        if item is None:
            return ""
        value = self.text(parent, name, rule, card_id)
        if not isinstance(item[1], Scalar):
            return ""
        if not re.match(rule.pattern, value) or len(value) > rule.max_length:
            self.ctx.at(
                item[1],
                f"`{name}` `{value}` is not valid",
                f"{how}, at most {rule.max_length} characters",
                card_id,
            )
            return ""
        return value

    def tags(self, parent: Map, card_id: str = "") -> tuple[str, ...]:
        stripped = (t.strip() for t in self.text_list(parent, "tags", card_id))
        return tuple(dict.fromkeys(t for t in stripped if t))

    def ident(self, parent: Map, what: str, rule: Field, how: str, card_id: str = "") -> str:
        """The `id` of a deck or card when valid (`rule.pattern`, `rule.max_length`)."""
        item = parent.items.get("id")
        if item is None:
            return ""
        node = item[1]
        if not isinstance(node, Scalar):
            self.ctx.at(node, f"{what} id must be text, not {kind_of(node)}", how, card_id)
            return ""
        value = node.value
        if not re.match(rule.pattern, value) or len(value) > rule.max_length:
            self.ctx.at(
                node,
                f"{what} id `{value}` is not valid",
                f"{how}, at most {rule.max_length} characters",
                card_id,
            )
            return ""
        return value
