"""Deck YAML → validated `quizapp.model.Deck`, with file:line:col problems and fix hints.

The file is parsed into YAML *events* by PyYAML's parser (libyaml's `CSafeLoader` when
available) and the node tree is built here, in one linear, non-recursive pass. Doing it
ourselves (rather than `yaml.safe_load`, or even `yaml.compose`, whose per-scalar tag
resolution made it ~6x slower on large decks) lets the loader:

* keep the line and column of every key and value;
* read text fields as the characters written (`answer: No` stays "No", `1:30` stays "1:30");
* report duplicate keys, refuse tags, cap alias uses and nesting depth (alias bombs);
* collect every problem in the file instead of stopping at the first.

The rules mirror `deck.schema.json` (a test keeps the two in agreement) and
`docs/deck-format.md`.
"""

from __future__ import annotations

import difflib
import gc
import ntpath
import os
import posixpath
import re
import stat
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

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

from quizapp.decks import cloze, quotes
from quizapp.decks.cloze_parts import ords_and_plain
from quizapp.decks.errors import DeckError, Problem
from quizapp.model import Card, CardType, Choice, Deck, Source, SourceRef

_YAML_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# ---------------------------------------------------------------------------- limits


def _max_bytes_from_env(default_mib: int = 64) -> int:
    raw = os.environ.get("QUIZAPP_MAX_DECK_MB", "").strip()
    try:
        mib = float(raw) if raw else float(default_mib)
    except ValueError:
        mib = float(default_mib)
    if mib <= 0:
        mib = float(default_mib)
    return int(mib * 1024 * 1024)


#: Largest deck file accepted, in bytes (64 MiB; env `QUIZAPP_MAX_DECK_MB` overrides at import).
MAX_DECK_BYTES: int = _max_bytes_from_env()
MAX_ALIASES = 100
MAX_DEPTH = 20

# ---------------------------------------------------------------------------- the format
# Keep these in step with deck.schema.json (tests/test_decks_schema.py compares them).

FORMAT_VERSION = 1
ID_MAX_LENGTH = 64
DECK_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
CARD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SOURCE_ID_PATTERN = CARD_ID_PATTERN
_DECK_ID_RE = re.compile(DECK_ID_PATTERN)
_CARD_ID_RE = re.compile(CARD_ID_PATTERN)
_SOURCE_ID_RE = re.compile(SOURCE_ID_PATTERN)

TOP_KEYS: tuple[str, ...] = ("format", "id", "title", "description", "tags", "sources", "cards")
TOP_REQUIRED: tuple[str, ...] = ("id", "title", "cards")
SOURCE_KEYS: tuple[str, ...] = ("title", "author", "publisher", "date", "url", "file")
SOURCE_REQUIRED: tuple[str, ...] = ("title",)
SOURCE_REF_KEYS: tuple[str, ...] = ("id", "quote", "ref")
SOURCE_REF_REQUIRED: tuple[str, ...] = ("id", "quote")
CHOICE_KEYS: tuple[str, ...] = ("text", "correct", "why")
CHOICE_REQUIRED: tuple[str, ...] = ("text", "why")
MIN_CHOICES, MAX_CHOICES = 2, 10

CARD_COMMON_KEYS: tuple[str, ...] = ("id", "type", "explanation", "tags", "source")
CARD_COMMON_REQUIRED: tuple[str, ...] = ("id", "type", "explanation", "source")
CARD_KEYS_BY_TYPE: dict[CardType, tuple[str, ...]] = {
    CardType.BASIC: (*CARD_COMMON_KEYS, "prompt", "answer"),
    CardType.TYPED: (*CARD_COMMON_KEYS, "prompt", "answer", "accept"),
    CardType.MCQ: (*CARD_COMMON_KEYS, "prompt", "choices"),
    CardType.CLOZE: (*CARD_COMMON_KEYS, "text", "prompt"),
}
CARD_REQUIRED_BY_TYPE: dict[CardType, tuple[str, ...]] = {
    CardType.BASIC: ("prompt", "answer"),
    CardType.TYPED: ("prompt", "answer"),
    CardType.MCQ: ("prompt", "choices"),
    CardType.CLOZE: ("text",),
}
ALL_CARD_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(k for keys in CARD_KEYS_BY_TYPE.values() for k in keys)
)
CARD_TYPES: tuple[str, ...] = tuple(t.value for t in CardType)

_STD_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    {None, "!"} | {_STD_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")

_MISSING_HINTS: dict[str, str] = {
    "deck.id": "add `id: my-deck` (lowercase letters, digits, `.`, `_`, `-`)",
    "deck.title": "add `title:` with the deck's name",
    "deck.cards": "add `cards:` with a list of cards",
    "card.id": "add `id:` (letters, digits, `.`, `_`, `-`), or run `quizapp decks add-ids FILE`",
    "card.type": "add `type:` — one of basic, typed, mcq, cloze",
    "card.explanation": "add `explanation:` with a sentence saying why",
    "card.source": 'add `source: {id: …, quote: "…"}` saying where the fact comes from',
    "card.prompt": "add `prompt:` with the question",
    "card.answer": "add `answer:` with the expected answer",
    "card.choices": "add `choices:` with 2–10 options like `- {text: …, correct: true, why: …}`",
    "card.text": "add `text:` with the sentence, hidden words wrapped in {{…}}",
    "choice.text": "add `text:` with the option as shown to the learner",
    "choice.why": "add `why:` saying why this option is right or wrong",
    "source.title": "add `title:` with the document's title",
    "ref.id": "add `id:` naming one of the deck's `sources`",
    "ref.quote": "add `quote:` with the verbatim sentence from the source",
}

# ---------------------------------------------------------------------------- nodes


class _Scalar:
    __slots__ = ("col", "line", "plain", "tag", "value")

    def __init__(self, value: str, tag: str | None, plain: bool, line: int, col: int) -> None:
        self.value = value
        self.tag = tag
        self.plain = plain
        self.line = line
        self.col = col


class _Seq:
    __slots__ = ("col", "items", "line")

    def __init__(self, line: int, col: int) -> None:
        self.items: list[_Node] = []
        self.line = line
        self.col = col


class _Map:
    __slots__ = ("col", "items", "line")

    def __init__(self, line: int, col: int) -> None:
        self.items: dict[str, tuple[_Scalar, _Node]] = {}
        self.line = line
        self.col = col


_Node = _Scalar | _Seq | _Map
_BAD_KEY = _Scalar("", None, True, 0, 0)  # placeholder: the value of an unusable key is skipped


def _kind(node: _Node) -> str:
    if isinstance(node, _Map):
        return "a mapping"
    if isinstance(node, _Seq):
        return "a list"
    return "text"


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD_TAG) :] if tag.startswith(_STD_TAG) else tag


class _Fatal(Exception):
    """Stop building: the problem has been recorded."""


# ---------------------------------------------------------------------------- reading


@dataclass
class LoadInfo:
    """Extra facts about a loaded deck for `check` (where the deck id was written)."""

    id_line: int = 0
    id_column: int = 0


@dataclass
class _Ctx:
    file: str
    path: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, col: int, message: str, hint: str = "", card_id: str = "") -> None:
        self.problems.append(Problem(self.file, line, col, message, hint, card_id))

    def at(self, node: _Node, message: str, hint: str = "", card_id: str = "") -> None:
        self.add(node.line, node.col, message, hint, card_id)

    def fail(self) -> DeckError:
        return DeckError(sorted(self.problems, key=lambda p: (p.line, p.column)))


def _decode(data: bytes, ctx: _Ctx) -> str | None:
    if not data.strip():
        ctx.add(0, 0, "the file is empty", "a deck needs at least `id:`, `title:` and `cards:`")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        ctx.add(
            line,
            0,
            f"this looks like a binary file (NUL byte at offset {nul})",
            "a deck is a UTF-8 text file (UTF-16 is not supported)",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        ctx.add(
            line,
            col,
            f"not valid UTF-8: byte 0x{data[e.start]:02X} at offset {e.start}",
            "save the file as UTF-8",
        )
        return None


def _yaml_problem(e: yaml.YAMLError, text: str, ctx: _Ctx) -> None:
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


def _build(text: str, ctx: _Ctx) -> _Node | None:
    """Build the node tree from parser events (linear, iterative). None: nothing usable."""
    root: _Node | None = None
    stack: list[_Map | _Seq] = []
    keys: list[_Scalar | None] = []  # per open mapping: the key waiting for its value
    anchors: dict[str, _Node] = {}
    aliases = 0
    documents = 0

    def add(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        if isinstance(top, _Seq):
            top.items.append(node)
            return
        key = keys[-1]
        if key is None:
            if isinstance(node, _Scalar):
                if node.plain and node.value == "<<":
                    ctx.at(node, "merge keys (`<<:`) are not supported", "write the keys out")
                    keys[-1] = _BAD_KEY
                else:
                    keys[-1] = node
            else:
                ctx.at(node, f"a key must be text, not {_kind(node)}", "write `name: value`")
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

    try:
        for ev in yaml.parse(text, Loader=_YAML_LOADER):
            cls = type(ev)
            if cls is ScalarEvent and ev.tag is None and ev.anchor is None and stack:
                # fast path: the bulk of a deck is untagged scalars inside a container
                mark = ev.start_mark
                scalar = _Scalar(ev.value, None, ev.implicit[0], mark.line + 1, mark.column + 1)
                top = stack[-1]
                if type(top) is _Map:
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
                node: _Node
                if cls is ScalarEvent:
                    node = _Scalar(ev.value, tag, ev.implicit[0], line, col)
                    add(node)
                else:
                    node = _Map(line, col) if cls is MappingStartEvent else _Seq(line, col)
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
                    target = _Scalar("", None, True, mark.line + 1, mark.column + 1)
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


# ---------------------------------------------------------------------------- validating


def _suggest(key: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "allowed keys: " + ", ".join(allowed)


def _is_null(node: _Node) -> bool:
    return isinstance(node, _Scalar) and node.plain and node.value in _NULLS


def _escapes_folder(ref: str) -> bool:
    """True when a relative path `ref` climbs out of its folder (lexically)."""
    depth = 0
    for part in re.split(r"[\\/]+", ref):
        if part in ("", "."):
            continue
        depth = depth - 1 if part == ".." else depth + 1
        if depth < 0:
            return True
    return False


@dataclass
class _QuoteCheck:
    card_id: str
    source_id: str
    quote: str
    node: _Scalar


class _Validator:
    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.info = LoadInfo()
        self.quote_checks: list[_QuoteCheck] = []
        self.source_nodes: dict[str, _Map] = {}
        self.found_sources: dict[str, Source] = {}

    # -- helpers

    def keys(
        self,
        node: _Map,
        allowed: tuple[str, ...],
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
        self, node: _Map, required: tuple[str, ...], what: str, prefix: str, card_id: str = ""
    ) -> None:
        for name in required:
            if name not in node.items:
                self.ctx.at(
                    node,
                    f"{what} has no `{name}`",
                    _MISSING_HINTS.get(f"{prefix}.{name}", f"add `{name}:`"),
                    card_id,
                )

    def text(
        self,
        parent: _Map,
        name: str,
        card_id: str = "",
        *,
        required: bool = False,
        prefix: str = "",
    ) -> str:
        """A text field as written; problems for non-text (and empty, when required)."""
        item = parent.items.get(name)
        if item is None:
            return ""
        node = item[1]
        if not isinstance(node, _Scalar):
            self.ctx.at(
                node,
                f"`{name}` must be text, not {_kind(node)}",
                'write the text after the colon; quote it ("…") if it contains `: ` or `#`',
                card_id,
            )
            return ""
        if required and not node.value.strip():
            self.ctx.at(
                node if node.line else item[0],
                f"`{name}` is empty",
                _MISSING_HINTS.get(f"{prefix}.{name}", f"write the {name} after `{name}:`"),
                card_id,
            )
        return node.value

    def text_list(self, parent: _Map, name: str, card_id: str = "") -> list[str]:
        item = parent.items.get(name)
        if item is None or _is_null(item[1]):
            return []
        node = item[1]
        if not isinstance(node, _Seq):
            self.ctx.at(
                node,
                f"`{name}` must be a list, not {_kind(node)}",
                f'write `{name}: ["…", "…"]`',
                card_id,
            )
            return []
        out: list[str] = []
        for child in node.items:
            if isinstance(child, _Scalar):
                out.append(child.value)
            else:
                self.ctx.at(
                    child,
                    f"each entry of `{name}` must be text, not {_kind(child)}",
                    "quote entries that contain `: `, `[` or `{`",
                    card_id,
                )
        return out

    def tags(self, parent: _Map, card_id: str = "") -> tuple[str, ...]:
        stripped = (t.strip() for t in self.text_list(parent, "tags", card_id))
        return tuple(dict.fromkeys(t for t in stripped if t))

    def ident(
        self, parent: _Map, what: str, regex: re.Pattern[str], rule: str, card_id: str = ""
    ) -> str:
        item = parent.items.get("id")
        if item is None:
            return ""
        node = item[1]
        if not isinstance(node, _Scalar):
            self.ctx.at(node, f"{what} id must be text, not {_kind(node)}", rule, card_id)
            return ""
        value = node.value
        if not regex.match(value) or len(value) > ID_MAX_LENGTH:
            self.ctx.at(
                node,
                f"{what} id `{value}` is not valid",
                f"{rule}, at most {ID_MAX_LENGTH} characters",
                card_id,
            )
            return ""
        return value

    # -- the deck

    def deck(self, root: _Node | None) -> Deck | None:
        ctx = self.ctx
        if root is None:
            if not ctx.problems:
                ctx.add(0, 0, "the file has no content", "a deck needs `id:`, `title:`, `cards:`")
            return None
        if not isinstance(root, _Map):
            ctx.at(
                root,
                f"a deck file must hold one mapping (`id:`, `title:`, `cards:`), not {_kind(root)}",
                "start the file with `id: my-deck` rather than `- …`"
                if isinstance(root, _Seq)
                else "see docs/deck-format.md for an example",
            )
            return None
        self.keys(root, TOP_KEYS, "the deck")
        self.required(root, TOP_REQUIRED, "the deck", "deck")
        fmt = root.items.get("format")
        if fmt is not None:
            node = fmt[1]
            if not (
                isinstance(node, _Scalar)
                and node.tag in (None, _STD_TAG + "int")
                and _INT_RE.match(node.value)
            ):
                ctx.at(node, "`format` must be a whole number", f"write `format: {FORMAT_VERSION}`")
            elif int(node.value.replace("_", "")) != FORMAT_VERSION:
                ctx.at(
                    node,
                    f"deck format {node.value} is not supported (this quizapp reads format "
                    f"{FORMAT_VERSION})",
                    "update quizapp, or write the deck in format 1",
                )
        deck_id = self.ident(
            root, "deck", _DECK_ID_RE, "use lowercase letters, digits, `.`, `_`, `-`"
        )
        if "id" in root.items:
            id_node = root.items["id"][1]
            self.info = LoadInfo(id_node.line, id_node.col)
        title = self.text(root, "title", required=True, prefix="deck")
        description = self.text(root, "description")
        deck_tags = self.tags(root)
        sources = self.sources(root)
        cards: list[Card] = []
        item = root.items.get("cards")
        if item is not None:
            node = item[1]
            if not isinstance(node, _Seq):
                ctx.at(
                    node,
                    f"`cards` must be a list, not {_kind(node)}",
                    "write each card as `- id: …` under `cards:`",
                )
            elif not node.items:
                ctx.at(node, "`cards` is empty", "add at least one card")
            else:
                seen: dict[str, int] = {}
                for index, child in enumerate(node.items, start=1):
                    card = self.card(child, index, deck_id, deck_tags, sources, seen)
                    if card is not None:
                        cards.append(card)
        if ctx.problems:
            return None
        return Deck(
            id=deck_id,
            title=title,
            description=description,
            tags=deck_tags,
            sources=sources,
            cards=cards,
            path=ctx.path,
        )

    def sources(self, root: _Map) -> dict[str, Source]:
        item = root.items.get("sources")
        if item is None or _is_null(item[1]):
            return {}
        node = item[1]
        if not isinstance(node, _Map):
            self.ctx.at(
                node,
                f"`sources` must be a mapping of source id → source, not {_kind(node)}",
                "write `sources:` then `  my-source: {title: …}` on the next line",
            )
            return {}
        out: dict[str, Source] = {}
        for sid, (key, value) in node.items.items():
            if not _SOURCE_ID_RE.match(sid) or len(sid) > ID_MAX_LENGTH:
                self.ctx.at(
                    key,
                    f"source id `{sid}` is not valid",
                    f"use letters, digits, `.`, `_`, `-`, at most {ID_MAX_LENGTH} characters",
                )
            if not isinstance(value, _Map):
                self.ctx.at(
                    value,
                    f"source `{sid}` must be a mapping, not {_kind(value)}",
                    "give it at least `title:`",
                )
                continue
            self.keys(value, SOURCE_KEYS, f"source `{sid}`")
            self.required(value, SOURCE_REQUIRED, f"source `{sid}`", "source")
            file_ref = self.text(value, "file")
            if file_ref:
                fnode = value.items["file"][1]
                if posixpath.isabs(file_ref) or ntpath.isabs(file_ref) or file_ref.startswith("~"):
                    self.ctx.at(
                        fnode,
                        f"source file `{file_ref}` is an absolute path",
                        "file references cannot leave the deck's folder: give a path "
                        "relative to the deck, e.g. `sources/name.txt`",
                    )
                elif _escapes_folder(file_ref):
                    self.ctx.at(
                        fnode,
                        f"source file `{file_ref}` is outside the deck's folder",
                        "file references cannot leave the deck's folder: move the file "
                        "next to the deck (e.g. into `sources/`)",
                    )
            self.source_nodes[sid] = value
            out[sid] = Source(
                id=sid,
                title=self.text(value, "title", required=True, prefix="source"),
                author=self.text(value, "author"),
                publisher=self.text(value, "publisher"),
                date=self.text(value, "date"),
                url=self.text(value, "url"),
                file=file_ref,
            )
        self.found_sources = out
        return out

    # -- cards

    def card(
        self,
        node: _Node,
        index: int,
        deck_id: str,
        deck_tags: tuple[str, ...],
        sources: dict[str, Source],
        seen: dict[str, int],
    ) -> Card | None:
        ctx = self.ctx
        if not isinstance(node, _Map):
            ctx.at(
                node,
                f"card {index} must be a mapping (`id:`, `type:`, …), not {_kind(node)}",
                "indent the card's keys under its `- `",
            )
            return None
        card_id = self.ident(node, "card", _CARD_ID_RE, "use letters, digits, `.`, `_`, `-`")
        label = card_id or f"#{index}"
        if card_id:
            first = seen.get(card_id)
            if first is not None:
                ctx.at(
                    node.items["id"][1],
                    f"duplicate card id `{card_id}` (first at line {first})",
                    "card ids are unique within a deck: rename one",
                    card_id,
                )
            else:
                seen[card_id] = node.items["id"][1].line
        what = f"card {label}"
        ctype: CardType | None = None
        titem = node.items.get("type")
        if titem is not None:
            tnode = titem[1]
            tval = tnode.value if isinstance(tnode, _Scalar) else ""
            try:
                ctype = CardType(tval)
            except ValueError:
                close = difflib.get_close_matches(tval, CARD_TYPES, n=1, cutoff=0.5)
                ctx.at(
                    tnode,
                    f"unknown card type `{tval}`" if tval else "`type` must be text",
                    (f"did you mean `{close[0]}`? " if close else "")
                    + "use one of: "
                    + ", ".join(CARD_TYPES),
                    card_id,
                )
        if ctype is None:
            self.keys(node, ALL_CARD_KEYS, what, card_id)
            self.required(node, CARD_COMMON_REQUIRED, what, "card", card_id)
            return None
        allowed = CARD_KEYS_BY_TYPE[ctype]
        other = {
            k: f"`{k}` is only for "
            + " and ".join(t.value for t, ks in CARD_KEYS_BY_TYPE.items() if k in ks)
            + f" cards; remove it (this card is {ctype.value})"
            for k in ALL_CARD_KEYS
            if k not in allowed
        }
        self.keys(node, allowed, f"a {ctype.value} card", card_id, other)
        self.required(
            node, CARD_COMMON_REQUIRED + CARD_REQUIRED_BY_TYPE[ctype], what, "card", card_id
        )
        required_here = CARD_REQUIRED_BY_TYPE[ctype]
        prompt = self.text(
            node, "prompt", card_id, required="prompt" in required_here, prefix="card"
        )
        answer = self.text(node, "answer", card_id, required=True, prefix="card")
        explanation = self.text(node, "explanation", card_id, required=True, prefix="card")
        accept = tuple(self.text_list(node, "accept", card_id))
        text = self.text(node, "text", card_id, required=True, prefix="card")
        choices: tuple[Choice, ...] = ()
        if ctype is CardType.MCQ and "choices" in node.items:
            choices = self.choices(node.items["choices"][1], card_id)
        if ctype is CardType.CLOZE and text.strip():
            tnode = node.items["text"][1]
            try:
                if not cloze.deletions(text):
                    ctx.at(
                        tnode,
                        "the cloze text has no deletion",
                        "wrap the hidden words in {{…}}",
                        card_id,
                    )
            except cloze.ClozeError as e:
                ctx.at(tnode, f"bad cloze text: {e}", "see docs/deck-format.md (cloze)", card_id)
        card_tags = self.tags(node, card_id)
        ref = self.source_ref(node, card_id, sources)
        return Card(
            deck_id=deck_id,
            id=card_id,
            type=ctype,
            prompt=prompt,
            answer=answer,
            accept=accept,
            choices=choices,
            text=text,
            explanation=explanation,
            tags=tuple(dict.fromkeys((*deck_tags, *card_tags))),
            source=ref,
            line=node.line,
        )

    def choices(self, node: _Node, card_id: str) -> tuple[Choice, ...]:
        ctx = self.ctx
        if not isinstance(node, _Seq):
            ctx.at(
                node,
                f"`choices` must be a list, not {_kind(node)}",
                "write each option as `- {text: …, correct: true, why: …}`",
                card_id,
            )
            return ()
        out: list[Choice] = []
        seen: dict[str, int] = {}
        for child in node.items:
            if not isinstance(child, _Map):
                ctx.at(
                    child,
                    f"each choice must be a mapping, not {_kind(child)}",
                    "write `- {text: …, correct: false, why: …}`",
                    card_id,
                )
                continue
            self.keys(child, CHOICE_KEYS, "a choice", card_id)
            self.required(child, CHOICE_REQUIRED, "this choice", "choice", card_id)
            text = self.text(child, "text", card_id, required=True, prefix="choice")
            why = self.text(child, "why", card_id, required=True, prefix="choice")
            correct = False
            citem = child.items.get("correct")
            if citem is not None:
                cnode = citem[1]
                if (
                    isinstance(cnode, _Scalar)
                    and cnode.tag in (None, _STD_TAG + "bool")
                    and cnode.value.lower() in ("true", "false")
                    and (cnode.plain or cnode.tag is not None)
                ):
                    correct = cnode.value.lower() == "true"
                else:
                    shown = cnode.value if isinstance(cnode, _Scalar) else _kind(cnode)
                    ctx.at(
                        cnode,
                        f"`correct` must be true or false, not `{shown}`",
                        "write `correct: true` (unquoted) or leave it out for a wrong option",
                        card_id,
                    )
            key = text.strip()
            if key and key in seen:
                ctx.at(
                    child.items["text"][1],
                    f"option `{key}` appears twice (first at line {seen[key]})",
                    "option texts are unique within a card",
                    card_id,
                )
            elif key:
                seen[key] = child.items["text"][1].line
            out.append(Choice(text=text, correct=correct, why=why))
        if len(node.items) < MIN_CHOICES:
            ctx.at(
                node,
                f"an mcq needs at least {MIN_CHOICES} choices, this one has {len(node.items)}",
                "add wrong options with `why:` explaining each",
                card_id,
            )
        elif len(node.items) > MAX_CHOICES:
            ctx.at(
                node,
                f"an mcq has at most {MAX_CHOICES} choices, this one has {len(node.items)}",
                "split it into two cards or drop the weakest distractors",
                card_id,
            )
        if out and not any(c.correct for c in out):
            ctx.at(
                node,
                "no choice is marked correct",
                "mark the right option with `correct: true`",
                card_id,
            )
        return tuple(out)

    def source_ref(self, card: _Map, card_id: str, sources: dict[str, Source]) -> SourceRef | None:
        item = card.items.get("source")
        if item is None:
            return None
        node = item[1]
        if not isinstance(node, _Map):
            self.ctx.at(
                node,
                f"`source` must be a mapping, not {_kind(node)}",
                'write `source: {id: my-source, quote: "…", ref: "[1]"}`',
                card_id,
            )
            return None
        self.keys(node, SOURCE_REF_KEYS, "a card's source", card_id)
        self.required(node, SOURCE_REF_REQUIRED, "the card's source", "ref", card_id)
        sid = self.text(node, "id", card_id, required=True, prefix="ref")
        quote = self.text(node, "quote", card_id, required=True, prefix="ref")
        ref = self.text(node, "ref", card_id)
        if sid and sid not in sources:
            known = ", ".join(f"`{s}`" for s in sources)
            self.ctx.at(
                node.items["id"][1],
                f"unknown source `{sid}`",
                f"known sources: {known}" if known else "add it under `sources:` in the deck",
                card_id,
            )
        elif sid and quote.strip() and sources[sid].file:
            self.quote_checks.append(_QuoteCheck(card_id, sid, quote, node.items["quote"][1]))
        return SourceRef(source_id=sid, quote=quote, ref=ref)

    # -- quotes (check mode)

    def check_quotes(self, sources: dict[str, Source]) -> None:
        ctx = self.ctx
        folder = ctx.path.parent.resolve()
        texts: dict[str, str | None] = {}
        for sid, src in sources.items():
            if not src.file or sid not in self.source_nodes:
                continue
            fnode = self.source_nodes[sid].items["file"][1]
            if posixpath.isabs(src.file) or ntpath.isabs(src.file) or _escapes_folder(src.file):
                texts[sid] = None  # already reported
                continue
            target = (ctx.path.parent / src.file).resolve()
            if not target.is_relative_to(folder):
                ctx.at(
                    fnode,
                    f"source file `{src.file}` leads outside the deck's folder (symlink?)",
                    "file references cannot leave the deck's folder",
                )
                texts[sid] = None
                continue
            if not target.exists():
                ctx.at(
                    fnode,
                    f"source file `{src.file}` does not exist",
                    f"put the document at {target} or fix the path (relative to the deck)",
                )
                texts[sid] = None
                continue
            if target.is_dir():
                ctx.at(fnode, f"source file `{src.file}` is a folder", "name a text file")
                texts[sid] = None
                continue
            if not target.is_file():  # a FIFO or device would block: never read it
                ctx.at(fnode, f"source file `{src.file}` is not a regular file", "name a text file")
                texts[sid] = None
                continue
            try:
                texts[sid] = target.read_bytes().decode("utf-8-sig", errors="replace")
            except OSError as e:
                ctx.at(fnode, f"cannot read source file `{src.file}`: {e.strerror}")
                texts[sid] = None
        normalised: dict[str, str] = {}
        for qc in self.quote_checks:
            source_text = texts.get(qc.source_id)
            if source_text is None:
                continue
            if qc.source_id not in normalised:
                normalised[qc.source_id] = quotes.normalise(source_text)
            if quotes.quote_in_normalised(qc.quote, normalised[qc.source_id]):
                continue
            closest = quotes.closest_sentence(qc.quote, source_text)
            hint = (
                f"closest sentence in the source: “{closest}”"
                if closest
                else "copy the sentence verbatim from the source"
            )
            ctx.at(
                qc.node,
                f"quote not found in source `{qc.source_id}` ({sources[qc.source_id].file})",
                hint,
                qc.card_id,
            )


# ---------------------------------------------------------------------------- fast path
#
# PyYAML builds Python objects at about 1–2 MB/s; the Rust parser of `yaml-rs` is an
# order of magnitude faster. A deck that is valid in the ordinary way is loaded by
# `_fast_load`: parse with yaml-rs, then accept only what the precise path above would
# accept with the same result. Anything unusual or wrong — a parse error, a text field
# that YAML 1.2 turned into a number/bool/null, tags, anchors, aliases, merge keys,
# characters PyYAML refuses, any validation problem, card lines that cannot be located
# with certainty — returns None, and the precise event path loads the file instead, so
# messages keep file:line:col and text stays exactly as written. yaml-rs refuses
# duplicate keys itself (DuplicateKeyPolicy.Error).

_PRINTABLE_ASCII = bytes([9, 10, 13, *range(0x20, 0x7F)])
# C1 controls and U+FFFE/U+FFFF (PyYAML refuses them); NEL, U+2028 and U+2029 (line
# breaks to PyYAML's YAML 1.1, ordinary characters to yaml-rs's YAML 1.2).
_BAD_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]|\xe2\x80[\xa8\xa9]")
_RISKY = re.compile(r"(?:^|[\s\[{,:?-])[!&*][^\s,\]}]|<<")
# One pattern per leading character: a literal first character lets `re` skip ahead fast.
_FLOW_ODD = tuple(
    re.compile(p) for p in (r"\[\s*[|>?:]", r"\{\s*[|>?:]", r",\s*[|>?:]", r":[\]},]")
)
# `{b: |x}`: a `|`/`>` after `: ` that is not a block scalar header (header, then end of line)
# and `{b: :x}` / `{b: ?x}` (plain scalars libyaml refuses in flow context)
_ODD_BAR = re.compile(r": +(?:[|>][0-9+-]*+(?![ ]*(?:#|$))|[?:]\S)", re.M)
_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*[ ]*(?:#.*)?$")
_FORMAT_LINE = re.compile(r"^format[ \t]*:[ \t]+1[ \t]*(?:#.*)?$", re.M)
_CARDS_LINE = re.compile(r"^cards[ \t]*:[ \t]*(?:#.*)?$", re.M)
_FIRST_ITEM = re.compile(r"^([ ]*)-(?:[ \t]|$)", re.M)
_CONTENT_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)
_TEXT = str


def _yaml_rs() -> object | None:
    """The yaml-rs module, or None to use the PyYAML path.

    yaml-rs 0.1.6 segfaults when it is first imported in a thread that then exits and is
    used from another thread (as successive TUI sync workers would). So it is only ever
    imported on the main thread; a worker uses it only when the main thread already has.
    """
    module = sys.modules.get("yaml_rs")
    if module is not None:
        return module
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency; PyYAML still works
        return None
    return yaml_rs


def _risky(text: str) -> bool:
    """Constructs the fast path leaves to PyYAML: tags, anchors, aliases, merge keys, and
    flow-context scalars yaml-rs reads more leniently than libyaml (`[>x]`, `{a: |x}`,
    `[?x]`, `[x:]`). False alarms only cost speed."""
    if ("!" in text or "&" in text or "*" in text or "<<" in text) and _RISKY.search(text):
        return True
    if any(p.search(text) for p in _FLOW_ODD):
        return True
    return _ODD_BAR.search(text) is not None


def _ending_ok(text: str) -> bool:
    """yaml-rs and libyaml disagree on a block scalar that ends the document (its final
    line break when the file has none; an empty `k: |`), so such files go to PyYAML."""
    if not text.endswith("\n"):
        return False
    last = text.rstrip().rpartition("\n")[2]
    return _BLOCK_HEADER.search(last) is None


def _chars_ok(data: bytes) -> bool:
    """No character PyYAML refuses (it only accepts printable characters)."""
    rest = data.translate(None, _PRINTABLE_ASCII)
    if not rest:
        return True
    if rest.translate(None, bytes(range(0x80, 0x100))):
        return False  # a control character
    return _BAD_UTF8.search(data) is None


def _card_lines(text: str, cards: list[dict[str, object]]) -> list[tuple[int, int, int]] | None:
    """(line, start, end) of each card: the 1-based line of its mapping (as the event path
    records it) and its item's span in `text`; None when not certain.

    The items of the block sequence under the top-level `cards:` are the lines starting
    with `-` at the first item's indentation, up to the first line indented less. The
    count must equal the number of cards and each card's id must appear in its own item,
    else None (the precise path then records the lines).
    """
    head = _CARDS_LINE.search(text)
    if head is None:
        return None
    first = _FIRST_ITEM.search(text, head.end())
    content = _CONTENT_LINE.search(text, head.end())
    if first is None or content is None or content.start() != first.start():
        return None
    indent = first.group(1)
    # Patterns start with a literal "\n" + indentation so `re` scans for it quickly.
    item = re.compile(rf"\n{indent}-(?:[ \t]+([^\s#])|[ \t]*(?:#[^\n]*)?(?=\n|\Z))")
    stop = re.compile(
        r"\n(?!-(?:[ \t]|\n|\Z))[^\s#]" if not indent else rf"\n {{0,{len(indent) - 1}}}[^\s#]"
    )
    end_match = stop.search(text, first.start())
    end = end_match.start() if end_match else len(text)
    starts = [
        (m.start() + 1, m.group(1) is not None) for m in item.finditer(text, first.start() - 1, end)
    ]
    if len(starts) != len(cards):
        return None
    lines: list[tuple[int, int, int]] = []
    line = 1
    pos = 0
    count = text.count
    find = text.find
    for i, (start, inline) in enumerate(starts):
        line += count("\n", pos, start)
        pos = start
        stop_at = starts[i + 1][0] if i + 1 < len(starts) else end
        cid = cards[i]["id"]
        if type(cid) is int:  # `id: 2024` is the text "2024" (or as written) to the precise path
            cid = str(cid)
        if type(cid) is not str or find(cid, start, stop_at) < 0:
            return None
        if inline:
            lines.append((line, start, stop_at))
        else:
            nxt = _CONTENT_LINE.search(text, find("\n", start) + 1, stop_at)
            if nxt is None:
                return None
            lines.append((line + count("\n", start, nxt.start()), start, stop_at))
    return lines


class _Reject(Exception):
    """The fast path declines; the precise path decides."""


class CardKit(NamedTuple):
    """What the fast path builds from a card it validated, instead of `Card`s (sync builds
    its rows straight from the fields). Each is called with the arguments of the model
    class it replaces: `card` like `Card(...)` (all twelve fields, positionally, with
    `choices` and `source` as built by `choice` and `ref`), `choice` like `Choice(text,
    correct, why)`, `ref` like `SourceRef(id, quote, ref)`; `from_card` turns a `Card` of
    the precise path into the same thing."""

    card: Callable[..., Any]
    choice: Callable[[str, bool, str], Any]
    ref: Callable[[str, str, str], Any]
    from_card: Callable[[Card], Any]


def _t(value: object, *, required: bool = False) -> str:
    if type(value) is not _TEXT:
        raise _Reject
    if required and not value.strip():  # type: ignore[union-attr]
        raise _Reject
    return value  # type: ignore[return-value]


def _opt(d: dict[str, object], key: str, *, required: bool = False) -> str:
    if key not in d:
        return ""
    return _t(d[key], required=required)


def _str_list(value: object) -> list[str]:
    if value is None:
        return []
    if type(value) is not list:
        raise _Reject
    for v in value:
        if type(v) is not _TEXT:
            raise _Reject
    return value  # type: ignore[return-value]


def _tag_tuple(value: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in (x.strip() for x in _str_list(value)) if t))


def _keys_ok(d: dict[str, object], allowed: frozenset[str], required: frozenset[str]) -> None:
    keys = d.keys()
    if not (keys <= allowed and required <= keys):
        raise _Reject


_TOP_ALLOWED = frozenset(TOP_KEYS)
_SOURCE_ALLOWED = frozenset(SOURCE_KEYS)
_REF_ALLOWED = frozenset(SOURCE_REF_KEYS)
_CHOICE_ALLOWED = frozenset(CHOICE_KEYS)
_CARD_ALLOWED = {t: frozenset(k) for t, k in CARD_KEYS_BY_TYPE.items()}
_CARD_REQUIRED = {t: frozenset(CARD_COMMON_REQUIRED + r) for t, r in CARD_REQUIRED_BY_TYPE.items()}
_TOP_REQUIRED = frozenset(TOP_REQUIRED)
_SOURCE_REQUIRED = frozenset(SOURCE_REQUIRED)
_REF_REQUIRED = frozenset(SOURCE_REF_REQUIRED)
_CHOICE_REQUIRED = frozenset(CHOICE_REQUIRED)
_TYPES = {t.value: t for t in CardType}


def _fast_sources(value: object) -> dict[str, Source]:
    if value is None:
        return {}
    if type(value) is not dict:
        raise _Reject
    out: dict[str, Source] = {}
    for sid, src in value.items():
        if type(sid) is not _TEXT or not _SOURCE_ID_RE.match(sid) or len(sid) > ID_MAX_LENGTH:
            raise _Reject
        if type(src) is not dict:
            raise _Reject
        _keys_ok(src, _SOURCE_ALLOWED, _SOURCE_REQUIRED)
        file_ref = _opt(src, "file")
        if file_ref and (
            posixpath.isabs(file_ref)
            or ntpath.isabs(file_ref)
            or file_ref.startswith("~")
            or _escapes_folder(file_ref)
        ):
            raise _Reject
        out[sid] = Source(
            id=sid,
            title=_opt(src, "title", required=True),
            author=_opt(src, "author"),
            publisher=_opt(src, "publisher"),
            date=_opt(src, "date"),
            url=_opt(src, "url"),
            file=file_ref,
        )
    return out


def _fast_choices(value: object, make_choice: Callable[..., Any] = Choice) -> tuple[Any, ...]:
    if type(value) is not list or not MIN_CHOICES <= len(value) <= MAX_CHOICES:
        raise _Reject
    out: list[Any] = []
    seen: set[str] = set()
    any_correct = False
    for ch in value:
        if type(ch) is not dict:
            raise _Reject
        keys = ch.keys()
        if not (keys <= _CHOICE_ALLOWED and keys >= _CHOICE_REQUIRED):
            raise _Reject
        text = ch["text"]
        why = ch["why"]
        correct = ch.get("correct", False)
        if type(text) is not str or type(why) is not str or type(correct) is not bool:
            raise _Reject
        key = text.strip()
        if not key or not why.strip() or key in seen:
            raise _Reject
        seen.add(key)
        any_correct = any_correct or correct
        out.append(make_choice(text, correct, why))
    if not any_correct:
        raise _Reject
    return tuple(out)


def _fast_card(
    c: object,
    deck_id: str,
    deck_tags: tuple[str, ...],
    sources: dict[str, Source],
    line: int,
    kit: CardKit | None = None,
) -> Any:
    """One card, or _Reject (the same rules as `_Validator.card`, minus the messages),
    built by `kit` (a `Card` by default)."""
    if type(c) is not dict:
        raise _Reject
    ctype = _TYPES.get(c.get("type"))  # type: ignore[arg-type]
    if ctype is None:
        raise _Reject
    keys = c.keys()
    if not (keys <= _CARD_ALLOWED[ctype] and _CARD_REQUIRED[ctype] <= keys):
        raise _Reject
    card_id = c["id"]
    if type(card_id) is not str or len(card_id) > ID_MAX_LENGTH or not _CARD_ID_RE.match(card_id):
        raise _Reject
    explanation = c["explanation"]
    prompt = c.get("prompt", "")
    answer = c.get("answer", "")
    text = c.get("text", "")
    if (
        type(explanation) is not str
        or type(prompt) is not str
        or type(answer) is not str
        or type(text) is not str
        or not explanation.strip()
    ):
        raise _Reject
    if ctype is CardType.CLOZE:
        if not text.strip():
            raise _Reject
        try:
            if not ords_and_plain(text)[0]:
                raise _Reject
        except cloze.ClozeError:
            raise _Reject from None
        choices: tuple[Any, ...] = ()
    else:
        # prompt is required for these types; answer, where allowed, may not be empty
        if not prompt.strip() or ("answer" in keys and not answer.strip()):
            raise _Reject
        choices = (
            _fast_choices(c["choices"], kit.choice if kit else Choice)
            if ctype is CardType.MCQ
            else ()
        )
    ref = c["source"]
    if type(ref) is not dict:
        raise _Reject
    rkeys = ref.keys()
    if not (rkeys <= _REF_ALLOWED and rkeys >= _REF_REQUIRED):
        raise _Reject
    sid = ref["id"]
    quote = ref["quote"]
    refmark = ref.get("ref", "")
    if (
        type(sid) is not str
        or type(quote) is not str
        or type(refmark) is not str
        or sid not in sources
        or not quote.strip()
    ):
        raise _Reject
    card_tags = _tag_tuple(c["tags"]) if "tags" in keys else ()
    make_card, make_ref = (kit.card, kit.ref) if kit else (Card, SourceRef)
    return make_card(
        deck_id,
        card_id,
        ctype,
        prompt,
        answer,
        tuple(_str_list(c["accept"])) if "accept" in keys else (),
        choices,
        text,
        explanation,
        tuple(dict.fromkeys((*deck_tags, *card_tags))) if card_tags else deck_tags,
        make_ref(sid, quote, refmark),
        line,
    )


def _precise_card(
    item: str,
    index: int,
    deck_id: str,
    deck_tags: tuple[str, ...],
    sources: dict[str, Source],
    path: Path,
) -> Card | None:
    """One card's item text (`- id: …` lines) through the precise path; None on problems."""
    ctx = _Ctx(str(path), path)
    root = _build("cards:\n" + item, ctx)
    if ctx.problems or not isinstance(root, _Map) or list(root.items) != ["cards"]:
        return None
    seq = root.items["cards"][1]
    if not isinstance(seq, _Seq) or len(seq.items) != 1:
        return None
    card = _Validator(ctx).card(seq.items[0], index, deck_id, deck_tags, sources, {})
    return None if ctx.problems else card


def _fast_load(data: bytes, text: str, path: Path, kit: CardKit | None = None) -> Deck | None:
    """The deck, when yaml-rs can load it with exactly the precise path's result; else None."""
    yaml_rs = _yaml_rs()
    # Tabs: libyaml refuses some that yaml-rs takes (indentation), so leave them to PyYAML.
    if yaml_rs is None or "\t" in text or not _chars_ok(data):
        return None
    if _risky(text) or not _ending_ok(text):
        return None
    # Building ~a million small objects: the cyclic GC would run hundreds of times for
    # nothing (none of them can form a cycle), so it is paused for the parse and build.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _fast_build(text, path, yaml_rs, kit)
    finally:
        if paused:
            gc.enable()


def _fast_build(text: str, path: Path, yaml_rs: object, kit: CardKit | None = None) -> Deck | None:
    """The deck (its cards built by `kit`: `Card`s by default), or None to decline."""
    try:
        root = yaml_rs.loads(text, parse_datetime=False)  # type: ignore[attr-defined]
    except Exception:
        return None
    try:
        if type(root) is not dict:
            raise _Reject
        _keys_ok(root, _TOP_ALLOWED, _TOP_REQUIRED)
        if "format" in root:
            fmt = root["format"]
            if type(fmt) is not int or fmt != FORMAT_VERSION or not _FORMAT_LINE.search(text):
                raise _Reject
        deck_id = root["id"]
        if (
            type(deck_id) is not _TEXT
            or not _DECK_ID_RE.match(deck_id)
            or len(deck_id) > ID_MAX_LENGTH
        ):
            raise _Reject
        title = _t(root["title"], required=True)
        description = _opt(root, "description")
        deck_tags = _tag_tuple(root.get("tags"))
        sources = _fast_sources(root.get("sources"))
        raw_cards = root["cards"]
        if type(raw_cards) is not list or not raw_cards:
            raise _Reject
        for c in raw_cards:
            if type(c) is not dict:
                raise _Reject
        spans = _card_lines(text, raw_cards)
        if spans is None:
            raise _Reject
        cards: list[Any] = []
        ids: set[str] = set()
        for index, (c, (line, start, end)) in enumerate(zip(raw_cards, spans, strict=True), 1):
            try:
                cards.append(_fast_card(c, deck_id, deck_tags, sources, line, kit))
                ids.add(c["id"])  # text: _fast_card checked it
            except (_Reject, KeyError, TypeError, AttributeError):
                # e.g. `answer: 35` (an int to YAML 1.2): this card alone takes the precise path
                card = _precise_card(text[start:end], index, deck_id, deck_tags, sources, path)
                if card is None:
                    raise _Reject from None
                card = replace(card, line=line)
                cards.append(kit.from_card(card) if kit else card)
                ids.add(card.id)
        if len(ids) != len(cards):
            raise _Reject
    except (_Reject, KeyError, TypeError, AttributeError):
        return None
    return Deck(
        id=deck_id,
        title=title,
        description=description,
        tags=deck_tags,
        sources=sources,
        cards=cards,
        path=path,
    )


# ---------------------------------------------------------------------------- API


def _load(
    data: bytes,
    path: Path,
    *,
    check_quotes: bool,
    ctx: _Ctx | None = None,
    fast: bool = False,
    kit: CardKit | None = None,
) -> tuple[Deck, LoadInfo]:
    """Validate deck bytes. `fast` tries the yaml-rs path first (not for `check`: quote
    checks and LoadInfo need node positions); a deck it declines takes the precise path.
    With `kit`, the deck's `cards` are what `kit` built (see `CardKit`)."""
    ctx = ctx or _Ctx(str(path), path)
    if len(data) > MAX_DECK_BYTES:
        ctx.add(
            0,
            0,
            f"the file is too large ({len(data)} bytes; the limit is {MAX_DECK_BYTES})",
            "split the deck, or raise QUIZAPP_MAX_DECK_MB",
        )
        raise ctx.fail()
    text = _decode(data, ctx)
    if text is None:
        raise ctx.fail()
    if fast:
        deck = _fast_load(data, text, path, kit)
        if deck is not None:
            return deck, LoadInfo()
    root = _build(text, ctx)
    validator = _Validator(ctx)
    deck = validator.deck(root)
    if check_quotes and isinstance(root, _Map):
        validator.check_quotes(validator.found_sources)
    if ctx.problems or deck is None:
        raise ctx.fail()
    if kit is not None:
        deck.cards = [kit.from_card(card) for card in deck.cards]
    return deck, validator.info


def load_deck_with_info(path: Path, *, check_quotes: bool = False) -> tuple[Deck, LoadInfo]:
    """`load_deck`, also returning where the deck id was written (for cross-file checks)."""
    return _load_path(path, check_quotes=check_quotes, fast=False)


def _load_path(path: Path, *, check_quotes: bool, fast: bool) -> tuple[Deck, LoadInfo]:
    path = Path(path)
    ctx = _Ctx(str(path), path)
    try:
        if path.is_dir():
            ctx.add(0, 0, "this is a folder, not a deck file", "name a .yaml file")
            raise ctx.fail()
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # a FIFO, socket or device would block or never end: never open it
            ctx.add(0, 0, "this is not a regular file", "name a .yaml deck file")
            raise ctx.fail()
        size = st.st_size
        if size > MAX_DECK_BYTES:
            ctx.add(
                0,
                0,
                f"the file is too large ({size} bytes; the limit is {MAX_DECK_BYTES})",
                "split the deck, or raise QUIZAPP_MAX_DECK_MB",
            )
            raise ctx.fail()
        with path.open("rb") as f:
            data = f.read(MAX_DECK_BYTES + 1)
    except FileNotFoundError:
        ctx.add(0, 0, "no such file", "check the path")
        raise ctx.fail() from None
    except RuntimeError:  # pathlib's "symlink loop"
        ctx.add(0, 0, "a symlink loop", "point the link at a real deck file")
        raise ctx.fail() from None
    except OSError as e:
        ctx.add(0, 0, f"cannot read the file: {e.strerror or e}", "check the path and permissions")
        raise ctx.fail() from None
    return _load(data, path, check_quotes=check_quotes, ctx=ctx, fast=fast)


def load_deck(path: Path, *, check_quotes: bool = False) -> Deck:
    """Load and validate one deck file.

    Raises `DeckError` listing every problem found in the file (never another exception for
    bad content). With `check_quotes`, each card's quote is looked up in its source's `file`.
    """
    return _load_path(path, check_quotes=check_quotes, fast=not check_quotes)[0]


def load_deck_built(data: bytes, path: Path, kit: CardKit) -> tuple[Deck, list[Any]]:
    """`load_deck_text` (fast path first), with the cards built by `kit`: the deck (its
    `cards` empty) and one `kit` result per card, in file order. Raises `DeckError`."""
    deck, _info = _load(data, Path(path), check_quotes=False, fast=True, kit=kit)
    built, deck.cards = deck.cards, []
    return deck, built


def load_deck_text(text: str | bytes, path: Path, *, check_quotes: bool = False) -> Deck:
    """Validate deck text as if read from `path` (used in messages; quote files relative to it)."""
    path = Path(path)
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as e:
            ctx = _Ctx(str(path), path)
            ctx.add(0, 0, f"the text cannot be encoded as UTF-8 ({e.reason})", "remove it")
            raise ctx.fail() from None
    else:
        data = bytes(text)
    return _load(data, path, check_quotes=check_quotes, fast=not check_quotes)[0]
