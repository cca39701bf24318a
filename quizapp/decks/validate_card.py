"""One card's node → `Card`, or problems worded with the card's id, line and a fix hint.

The card's keys, required keys, kinds and blank rules are its type's record in
`quizapp.decks.rules` (`CARDS`); this adds what the table cannot hold: unique option
texts, at least one correct option, cloze deletions and the card's source naming one of
the deck's sources. Duplicate card ids are found with the deck's `seen` map.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from quizapp.decks import cloze
from quizapp.decks.errors import ProblemLog
from quizapp.decks.image_fields import ImageCheck, read_media
from quizapp.decks.node_fields import FieldReader
from quizapp.decks.nodes import STD_TAG, Map, Node, Scalar, Seq, is_null, kind_of
from quizapp.decks.rules import (
    ALL_CARD_KEYS,
    ANKI_REF,
    CARD_COMMON_REQUIRED,
    CARD_FIELDS,
    CARD_KEYS_BY_TYPE,
    CARDS,
    CHOICE,
    SOURCE_REF,
    Field,
    Kind,
)
from quizapp.model import AnkiRef, Card, CardType, Choice, Source, SourceRef

_TYPES = CARD_FIELDS["type"].enum
#: A whole number as YAML 1.2 writes one (what the fast path's parser reads as an int).
_WHOLE = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
#: The card fields read as text or lists of text, in the order their problems are found.
_CARD_TEXTS = ("prompt", "answer", "explanation", "accept", "text")
#: Per card type: the message for each key that belongs to other card types only.
_OTHER_TYPES_KEY: dict[CardType, dict[str, str]] = {
    ctype: {
        k: f"`{k}` is only for "
        + " and ".join(t.value for t, ks in CARD_KEYS_BY_TYPE.items() if k in ks)
        + f" cards; remove it (this card is {ctype.value})"
        for k in ALL_CARD_KEYS
        if k not in record.fields
    }
    for ctype, record in CARDS.items()
}


@dataclass
class QuoteCheck:
    """A card's quote to look up in its source's `file` (check mode)."""

    card_id: str
    source_id: str
    quote: str
    node: Scalar
    ref: str = ""  # the card's `ref`, checked against the marker after the quote
    ref_node: Node | None = None


class CardValidator(FieldReader):
    """The card-level checks; `quote_checks` collects the quotes to look up in check mode."""

    def __init__(self, log: ProblemLog) -> None:
        super().__init__(log)
        self.quote_checks: list[QuoteCheck] = []
        self.image_checks: list[ImageCheck] = []

    def card(
        self,
        node: Node,
        index: int,
        deck_id: str,
        deck_tags: tuple[str, ...],
        sources: dict[str, Source],
        seen: dict[str, int],
    ) -> Card | None:
        ctx = self.ctx
        if not isinstance(node, Map):
            ctx.at(
                node,
                f"card {index} must be a mapping (`id:`, `type:`, …), not {kind_of(node)}",
                "indent the card's keys under its `- `",
            )
            return None
        card_id = self.ident(node, "card", CARD_FIELDS["id"], "use letters, digits, `.`, `_`, `-`")
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
        ctype = self.card_type(node, card_id)
        if ctype is None:
            self.keys(node, ALL_CARD_KEYS, what, card_id)
            self.required(node, CARD_COMMON_REQUIRED, CARD_FIELDS, what, card_id)
            return None
        shape = CARDS[ctype]
        self.keys(node, shape.keys, f"a {ctype.value} card", card_id, _OTHER_TYPES_KEY[ctype])
        self.required(node, shape.required, shape.fields, what, card_id)
        # every text field is read, allowed here or not, so its own problems show too
        texts: dict[str, str] = {}
        accept: tuple[str, ...] = ()
        by_deletion: dict[int, tuple[Scalar, tuple[str, ...]]] = {}
        for name in _CARD_TEXTS:
            rule = shape.fields.get(name) or CARD_FIELDS[name]
            if rule.kind is Kind.TEXT_LIST:
                accept = tuple(self.text_list(node, name, card_id))
            elif rule.kind is Kind.TEXT_LIST_MAP:
                by_deletion = self.deletion_lists(node, name, rule, card_id)
            else:
                texts[name] = self.text(node, name, rule, card_id)
        text = texts["text"]
        fact = self.pattern_text(
            node, "fact", CARD_FIELDS["fact"], "use letters, digits, `.`, `_`, `-`", card_id
        )
        draft = self.boolean(
            node, "draft", "write `draft: true` (unquoted), or leave it out", card_id
        )
        choices: tuple[Choice, ...] = ()
        if ctype is CardType.MCQ and "choices" in node.items:
            choices = self.choices(node.items["choices"][1], shape.fields["choices"], card_id)
        if ctype is CardType.CLOZE and text.strip():
            ords = self.cloze(node.items["text"][1], text, card_id)
            for number, (key, _answers) in by_deletion.items():
                if ords and number not in ords:
                    self.ctx.at(
                        key,
                        f"cloze `accept` names deletion {number}, which the text does not have",
                        "use the deletion's number: "
                        + ", ".join(str(o) for o in ords)
                        + " ({{c2::…}} is 2; plain {{…}} count 1, 2, … in order)",
                        card_id,
                    )
        card_tags = self.tags(node, card_id)
        ref = self.source_ref(node, card_id, sources)
        anki = self.anki_ref(node, card_id)
        media = read_media(self, node, ctype, card_id, self.image_checks)
        return Card(
            deck_id=deck_id,
            id=card_id,
            type=ctype,
            prompt=texts["prompt"],
            answer=texts["answer"],
            accept=accept,
            choices=choices,
            text=text,
            explanation=texts["explanation"],
            tags=tuple(dict.fromkeys((*deck_tags, *card_tags))),
            source=ref,
            line=node.line,
            anki=anki,
            fact=fact,
            cloze_accept=tuple((n, v[1]) for n, v in sorted(by_deletion.items())),
            draft=draft,
            image=media.image,
            answer_image=media.answer_image,
            shapes=media.shapes,
            mode=media.mode,
        )

    def deletion_lists(
        self, parent: Map, name: str, rule: Field, card_id: str
    ) -> dict[int, tuple[Scalar, tuple[str, ...]]]:
        """A cloze card's `accept`: deletion number → (its key node, other answers)."""
        item = parent.items.get(name)
        if item is None or is_null(item[1]):
            return {}
        node = item[1]
        if not isinstance(node, Map):
            self.ctx.at(
                node, f"cloze `{name}` must be a mapping, not {kind_of(node)}", rule.hint, card_id
            )
            return {}
        out: dict[int, tuple[Scalar, tuple[str, ...]]] = {}
        for written, (key, _value) in node.items.items():
            if not re.match(rule.pattern, written):
                self.ctx.at(
                    key,
                    f"cloze `{name}` key `{written}` is not a deletion number",
                    "write the number alone: `1:` for {{c1::…}} or the first {{…}}",
                    card_id,
                )
                continue
            out[int(written)] = (key, tuple(self.text_list(node, written, card_id)))
        return out

    def card_type(self, node: Map, card_id: str) -> CardType | None:
        titem = node.items.get("type")
        if titem is None:
            return None
        tnode = titem[1]
        tval = tnode.value if isinstance(tnode, Scalar) else ""
        if tval in _TYPES:
            return CardType(tval)
        close = difflib.get_close_matches(tval, _TYPES, n=1, cutoff=0.5)
        self.ctx.at(
            tnode,
            f"unknown card type `{tval}`" if tval else "`type` must be text",
            (f"did you mean `{close[0]}`? " if close else "") + "use one of: " + ", ".join(_TYPES),
            card_id,
        )
        return None

    def cloze(self, node: Node, text: str, card_id: str) -> list[int]:
        """The deletion numbers of a cloze text ([] with a problem when there are none)."""
        try:
            found = cloze.deletions(text)
        except cloze.ClozeError as e:
            self.ctx.at(node, f"bad cloze text: {e}", "see docs/deck-format.md (cloze)", card_id)
            return []
        if not found:
            self.ctx.at(
                node,
                "the cloze text has no deletion",
                "wrap the hidden words in {{…}}",
                card_id,
            )
        return sorted({d.ord for d in found})

    def choices(self, node: Node, rule: Field, card_id: str) -> tuple[Choice, ...]:
        ctx = self.ctx
        if not isinstance(node, Seq):
            ctx.at(
                node,
                f"`choices` must be a list, not {kind_of(node)}",
                "write each option as `- {text: …, correct: true, why: …}`",
                card_id,
            )
            return ()
        fields = CHOICE.fields
        out: list[Choice] = []
        seen: dict[str, int] = {}
        for child in node.items:
            if not isinstance(child, Map):
                ctx.at(
                    child,
                    f"each choice must be a mapping, not {kind_of(child)}",
                    "write `- {text: …, correct: false, why: …}`",
                    card_id,
                )
                continue
            self.keys(child, CHOICE.keys, "a choice", card_id)
            self.required(child, CHOICE.required, fields, "this choice", card_id)
            text = self.text(child, "text", fields["text"], card_id)
            why = self.text(child, "why", fields["why"], card_id)
            correct = self.boolean(
                child,
                "correct",
                "write `correct: true` (unquoted) or leave it out for a wrong option",
                card_id,
            )
            fixed = self.boolean(
                child,
                "fixed",
                "write `fixed: true` (unquoted) to keep this option in place, or leave it out",
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
            out.append(Choice(text=text, correct=correct, why=why, fixed=fixed))
        count = len(node.items)
        if count < rule.min_items:
            ctx.at(
                node,
                f"an mcq needs at least {rule.min_items} choices, this one has {count}",
                "add wrong options with `why:` explaining each",
                card_id,
            )
        elif count > rule.max_items:
            ctx.at(
                node,
                f"an mcq has at most {rule.max_items} choices, this one has {count}",
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

    def source_ref(self, card: Map, card_id: str, sources: dict[str, Source]) -> SourceRef | None:
        item = card.items.get("source")
        if item is None:
            return None
        node = item[1]
        if not isinstance(node, Map):
            self.ctx.at(
                node,
                f"`source` must be a mapping, not {kind_of(node)}",
                'write `source: {id: my-source, quote: "…", ref: "[1]"}`',
                card_id,
            )
            return None
        fields = SOURCE_REF.fields
        self.keys(node, SOURCE_REF.keys, "a card's source", card_id)
        self.required(node, SOURCE_REF.required, fields, "the card's source", card_id)
        sid = self.text(node, "id", fields["id"], card_id)
        quote = self.text(node, "quote", fields["quote"], card_id)
        ref = self.text(node, "ref", fields["ref"], card_id)
        if sid and sid not in sources:
            known = ", ".join(f"`{s}`" for s in sources)
            self.ctx.at(
                node.items["id"][1],
                f"unknown source `{sid}`",
                f"known sources: {known}" if known else "add it under `sources:` in the deck",
                card_id,
            )
        elif sid and quote.strip() and sources[sid].file:
            ref_item = node.items.get("ref")
            self.quote_checks.append(
                QuoteCheck(
                    card_id,
                    sid,
                    quote,
                    node.items["quote"][1],  # type: ignore[arg-type]
                    ref,
                    ref_item[1] if ref_item else None,
                )
            )
        return SourceRef(source_id=sid, quote=quote, ref=ref)

    def anki_ref(self, card: Map, card_id: str) -> AnkiRef | None:
        """The card's `anki:` mapping (rules.ANKI_REF), or None."""
        item = card.items.get("anki")
        if item is None:
            return None
        node = item[1]
        if not isinstance(node, Map):
            self.ctx.at(
                node,
                f"`anki` must be a mapping, not {kind_of(node)}",
                "write `anki: {guid: …, ord: 0, notetype: Basic}` or remove it",
                card_id,
            )
            return None
        fields = ANKI_REF.fields
        self.record(node, ANKI_REF, "a card's `anki`", card_id)
        guid = self.text(node, "guid", fields["guid"], card_id)
        notetype = self.text(node, "notetype", fields["notetype"], card_id)
        numbers: dict[str, int] = {}
        for name in ("ord", "notetype_id"):
            sub = node.items.get(name)
            if sub is None:
                continue
            value = sub[1]
            if (
                isinstance(value, Scalar)
                and value.plain
                and value.tag in (None, STD_TAG + "int")
                and _WHOLE.match(value.value)
            ):
                raw = value.value.lstrip("+-")
                number = int(raw, 0) if raw[:2] in ("0o", "0x") else int(raw)
                if value.value.startswith("-"):
                    number = -number
                numbers[name] = number
            if numbers.get(name, 0) < 0 or name not in numbers:
                shown = value.value if isinstance(value, Scalar) else kind_of(value)
                self.ctx.at(
                    value,
                    f"`{name}` must be a whole number (0 or more), not `{shown}`",
                    f"write `{name}: 0` (unquoted) or remove it",
                    card_id,
                )
        return AnkiRef(guid, numbers.get("ord", 0), notetype, numbers.get("notetype_id", 0))
