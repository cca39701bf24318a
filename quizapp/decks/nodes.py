"""YAML text → a tree of nodes that remember where they were written (the precise path).

PyYAML's parser (libyaml's `CSafeLoader` when available) turns the text into *events*; the
tree is built here, in one linear, non-recursive pass. Doing it ourselves (rather than
`yaml.safe_load`, or even `yaml.compose`, whose per-scalar tag resolution made it ~6x
slower on large decks) lets the loader:

* keep the line and column of every key and value;
* read text fields as the characters written (`answer: No` stays "No", `1:30` stays "1:30");
* report duplicate keys, refuse tags, cap alias uses and nesting depth (alias bombs);
* collect every problem in the file instead of stopping at the first.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from quizapp.decks.errors import ProblemLog

_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_ALIASES = 100
MAX_DEPTH = 20

STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    {None, "!"} | {STD_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class Scalar:
    """A scalar as written: `plain` is False for quoted and block scalars."""

    __slots__ = ("col", "line", "plain", "tag", "value")

    def __init__(self, value: str, tag: str | None, plain: bool, line: int, col: int) -> None:
        self.value = value
        self.tag = tag
        self.plain = plain
        self.line = line
        self.col = col


class Seq:
    """A sequence; `items` in file order."""

    __slots__ = ("col", "items", "line")

    def __init__(self, line: int, col: int) -> None:
        self.items: list[Node] = []
        self.line = line
        self.col = col


class Map:
    """A mapping: key text → (key node, value node), in file order; duplicates refused."""

    __slots__ = ("col", "items", "line")

    def __init__(self, line: int, col: int) -> None:
        self.items: dict[str, tuple[Scalar, Node]] = {}
        self.line = line
        self.col = col


Node = Scalar | Seq | Map
_BAD_KEY = Scalar("", None, True, 0, 0)  # placeholder: the value of an unusable key is skipped


def kind_of(node: Node) -> str:
    """The node's kind as problems name it."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "text"


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(STD_TAG) :] if tag.startswith(STD_TAG) else tag


class _Fatal(Exception):
    """Stop building: the problem has been recorded."""


def _yaml_problem(e: yaml.YAMLError, text: str, ctx: ProblemLog) -> None:
    """A parse error as a problem, with a hint for the two usual causes (tabs, `: `)."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = mark.line + 1 if mark is not None else 0
    col = mark.column + 1 if mark is not None else 0
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    context = getattr(e, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = "check the indentation and quoting on this line and the one above"
    lines = text.splitlines()
    line_text = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    if "\t" in problem or "\t" in indent:
        hint = "indent with spaces, not tabs"
    elif ": " in line_text and "mapping values are not allowed" in problem:
        hint = 'put text containing ": " in quotes'
    ctx.add(line, col, message, hint)


def build(text: str, ctx: ProblemLog) -> Node | None:
    """Build the node tree from parser events (linear, iterative). None: nothing usable."""
    root: Node | None = None
    stack: list[Map | Seq] = []
    keys: list[Scalar | None] = []  # per open mapping: the key waiting for its value
    anchors: dict[str, Node] = {}
    aliases = 0
    documents = 0

    def add(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        if isinstance(top, Seq):
            top.items.append(node)
            return
        key = keys[-1]
        if key is None:
            if isinstance(node, Scalar):
                if node.plain and node.value == "<<":
                    ctx.at(node, "merge keys (`<<:`) are not supported", "write the keys out")
                    keys[-1] = _BAD_KEY
                else:
                    keys[-1] = node
            else:
                ctx.at(node, f"a key must be text, not {kind_of(node)}", "write `name: value`")
                keys[-1] = _BAD_KEY
            return
        keys[-1] = None
        if key is _BAD_KEY:
            return
        first = top.items.get(key.value)
        if first is not None:
            ctx.at(
                key,
                f"duplicate key `{key.value}` (first at line {first[0].line})",
                "keep only one of them",
            )
        else:
            top.items[key.value] = (key, node)

    # Events are told apart by `type(ev) is …` (the hot loop of the precise path: faster
    # than isinstance), which mypy cannot narrow on: the event is typed Any here.
    ev: Any
    try:
        for ev in yaml.parse(text, Loader=_YAML_LOADER):
            cls = type(ev)
            if cls is ScalarEvent and ev.tag is None and ev.anchor is None and stack:
                # fast path: the bulk of a deck is untagged scalars inside a container
                mark = ev.start_mark
                scalar = Scalar(ev.value, None, ev.implicit[0], mark.line + 1, mark.column + 1)
                top = stack[-1]
                if type(top) is Map:
                    key = keys[-1]
                    if key is None and scalar.value != "<<":
                        keys[-1] = scalar
                        continue
                    if key is not None and key is not _BAD_KEY and key.value not in top.items:
                        keys[-1] = None
                        top.items[key.value] = (key, scalar)
                        continue
                else:
                    top.items.append(scalar)  # type: ignore[union-attr]
                    continue
                add(scalar)
            elif cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
                mark = ev.start_mark
                line, col = mark.line + 1, mark.column + 1
                tag = ev.tag
                if tag not in _ALLOWED_TAGS:
                    ctx.add(
                        line,
                        col,
                        f"tags are not allowed (found `{_show_tag(tag)}`)",
                        "deck files are plain YAML: remove the tag",
                    )
                node: Node
                if cls is ScalarEvent:
                    node = Scalar(ev.value, tag, ev.implicit[0], line, col)
                    add(node)
                else:
                    node = Map(line, col) if cls is MappingStartEvent else Seq(line, col)
                    add(node)
                    stack.append(node)
                    keys.append(None)
                    if len(stack) > MAX_DEPTH:
                        ctx.add(
                            line,
                            col,
                            f"nesting deeper than {MAX_DEPTH} levels",
                            "a deck needs only a few levels; flatten this structure",
                        )
                        raise _Fatal
                if ev.anchor is not None:
                    anchors[ev.anchor] = node
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                keys.pop()
            elif cls is AliasEvent:
                aliases += 1
                mark = ev.start_mark
                if aliases > MAX_ALIASES:
                    ctx.add(
                        mark.line + 1,
                        mark.column + 1,
                        f"too many aliases (alias bomb?): more than {MAX_ALIASES}",
                        "write the repeated content out, or use fewer `*alias` references",
                    )
                    raise _Fatal
                target = anchors.get(ev.anchor)
                if target is None:
                    ctx.add(
                        mark.line + 1,
                        mark.column + 1,
                        f"unknown alias `*{ev.anchor}`",
                        f"define `&{ev.anchor}` before using it",
                    )
                    target = Scalar("", None, True, mark.line + 1, mark.column + 1)
                add(target)
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = ev.start_mark
                    ctx.add(
                        mark.line + 1,
                        mark.column + 1,
                        "a deck file holds one YAML document, this is a second one",
                        "remove the `---` line, or split the file into two decks",
                    )
                    raise _Fatal
    except _Fatal:
        return None
    except yaml.YAMLError as e:
        _yaml_problem(e, text, ctx)
        return None
    except (ValueError, UnicodeError, RecursionError) as e:  # defensive: never a traceback
        ctx.add(0, 0, f"cannot parse the file: {e}", "check that it is a YAML text file")
        return None
    return root


def is_null(node: Node) -> bool:
    """A plain `~`/`null`/empty value (an optional list or mapping left empty)."""
    return isinstance(node, Scalar) and node.plain and node.value in _NULLS
