"""One deck's node tree → `Deck`, or problems with file:line:col, a fix hint and the card.

The keys, required keys, value kinds, blank rules, id patterns and limits come from the
format table in `quizapp.decks.rules`, which the fast path reads too; this module adds the
wording of each problem and the checks a table cannot hold (here: the format version,
source ids, `file` staying in the deck's folder; per card: `validate_card`). Every problem
in the file is collected; none stops the walk. Quotes are checked against source files by
`quizapp.decks.source_files` when asked (`quizapp decks check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.decks.errors import ProblemLog
from quizapp.decks.nodes import STD_TAG, Map, Node, Scalar, Seq, is_null, kind_of
from quizapp.decks.rules import DECK, SOURCE, Field, escapes_folder, is_absolute_ref
from quizapp.decks.validate_card import CardValidator, QuoteCheck
from quizapp.model import Card, Deck, Source

__all__ = ["LoadInfo", "QuoteCheck", "Validator"]

_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")


@dataclass
class LoadInfo:
    """Extra facts about a loaded deck for `check` (where the deck id was written)."""

    id_line: int = 0
    id_column: int = 0


class Validator(CardValidator):
    """Walks one deck's node tree, recording problems in `log`; `deck()` is the result.

    After the walk, `info`, `quote_checks`, `source_nodes` and `found_sources` hold what a
    quote check (`source_files.check_quotes`) and `quizapp decks check` need."""

    def __init__(self, log: ProblemLog) -> None:
        super().__init__(log)
        self.info = LoadInfo()
        self.source_nodes: dict[str, Map] = {}
        self.found_sources: dict[str, Source] = {}

    def deck(self, root: Node | None) -> Deck | None:
        ctx = self.ctx
        if root is None:
            if not ctx.problems:
                ctx.add(0, 0, "the file has no content", "a deck needs `id:`, `title:`, `cards:`")
            return None
        if not isinstance(root, Map):
            ctx.at(
                root,
                "a deck file must hold one mapping (`id:`, `title:`, `cards:`), "
                f"not {kind_of(root)}",
                "start the file with `id: my-deck` rather than `- …`"
                if isinstance(root, Seq)
                else "see docs/deck-format.md for an example",
            )
            return None
        fields = DECK.fields
        self.record(root, DECK, "the deck")
        fmt = root.items.get("format")
        if fmt is not None:
            self.format(fmt[1], fields["format"])
        deck_id = self.ident(
            root, "deck", fields["id"], "use lowercase letters, digits, `.`, `_`, `-`"
        )
        if "id" in root.items:
            id_node = root.items["id"][1]
            self.info = LoadInfo(id_node.line, id_node.col)
        title = self.text(root, "title", fields["title"])
        description = self.text(root, "description", fields["description"])
        deck_tags = self.tags(root)
        sources = self.sources(root, fields["sources"])
        cards: list[Card] = []
        item = root.items.get("cards")
        if item is not None:
            node = item[1]
            if not isinstance(node, Seq):
                ctx.at(
                    node,
                    f"`cards` must be a list, not {kind_of(node)}",
                    "write each card as `- id: …` under `cards:`",
                )
            elif len(node.items) < fields["cards"].min_items:
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

    def format(self, node: Node, rule: Field) -> None:
        """`format:` is a whole number (YAML 1.1 int: `+1`, `0_1`), and the supported one."""
        if not (
            isinstance(node, Scalar)
            and node.tag in (None, STD_TAG + "int")
            and _INT_RE.match(node.value)
        ):
            self.ctx.at(node, "`format` must be a whole number", f"write `format: {rule.const}`")
        elif int(node.value.replace("_", "")) != rule.const:
            self.ctx.at(
                node,
                f"deck format {node.value} is not supported (this quizapp reads format "
                f"{rule.const})",
                "update quizapp, or write the deck in format 1",
            )

    def sources(self, root: Map, rule: Field) -> dict[str, Source]:
        item = root.items.get("sources")
        if item is None or is_null(item[1]):
            return {}
        node = item[1]
        if not isinstance(node, Map):
            self.ctx.at(
                node,
                f"`sources` must be a mapping of source id → source, not {kind_of(node)}",
                "write `sources:` then `  my-source: {title: …}` on the next line",
            )
            return {}
        fields = SOURCE.fields
        out: dict[str, Source] = {}
        for sid, (key, value) in node.items.items():
            if not re.match(rule.pattern, sid) or len(sid) > rule.max_length:
                self.ctx.at(
                    key,
                    f"source id `{sid}` is not valid",
                    f"use letters, digits, `.`, `_`, `-`, at most {rule.max_length} characters",
                )
            if not isinstance(value, Map):
                self.ctx.at(
                    value,
                    f"source `{sid}` must be a mapping, not {kind_of(value)}",
                    "give it at least `title:`",
                )
                continue
            self.record(value, SOURCE, f"source `{sid}`")
            file_ref = self.text(value, "file", fields["file"])
            if file_ref:
                fnode = value.items["file"][1]
                if is_absolute_ref(file_ref):
                    self.ctx.at(
                        fnode,
                        f"source file `{file_ref}` is an absolute path",
                        "file references cannot leave the deck's folder: give a path "
                        "relative to the deck, e.g. `sources/name.txt`",
                    )
                elif escapes_folder(file_ref):
                    self.ctx.at(
                        fnode,
                        f"source file `{file_ref}` is outside the deck's folder",
                        "file references cannot leave the deck's folder: move the file "
                        "next to the deck (e.g. into `sources/`)",
                    )
            self.source_nodes[sid] = value
            out[sid] = Source(
                id=sid,
                title=self.text(value, "title", fields["title"]),
                author=self.text(value, "author", fields["author"]),
                publisher=self.text(value, "publisher", fields["publisher"]),
                date=self.text(value, "date", fields["date"]),
                url=self.text(value, "url", fields["url"]),
                file=file_ref,
            )
        self.found_sources = out
        return out
