"""Reviewing drafted cards in place: accept, edit, reject, or swap for another variant.

The deck file is read and written with ruamel.yaml's round trip, so comments, key order,
quoting and the order of cards survive; every change is saved at once (temporary file
beside the deck, then renamed). An edited or swapped card is re-checked before it is
kept: the grounding checks against the deck's source text, then the deck loader itself
(with quotes verified), exactly as `decks check` would.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from quizapp.decks.quotes import normalise
from quizapp.draft import grounding
from quizapp.draft.errors import DraftError
from quizapp.draft.writer import write_atomic

__all__ = ["ReviewDeck", "describe", "parse_card"]


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    from quizapp.decks.add_ids import _sequence_indent

    sequence, offset = _sequence_indent(text)
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    return yaml


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def describe(card: Mapping[str, Any]) -> list[str]:
    """A card as lines of plain text, as a reviewer reads it."""
    lines = [f"{card.get('id', '?')}  ({card.get('type', '?')}, fact {card.get('fact', '—')})"]
    ctype = card.get("type")
    if card.get("prompt"):
        lines.append(f"Prompt: {card['prompt']}")
    if ctype == "cloze":
        lines.append(f"Text: {card.get('text', '')}")
    if ctype in ("typed", "basic"):
        lines.append(f"Answer: {card.get('answer', '')}")
        if card.get("accept"):
            lines.append("Also accepted: " + "; ".join(str(a) for a in card["accept"]))
    if ctype == "mcq":
        for i, ch in enumerate(card.get("choices") or ()):
            mark = "✓" if ch.get("correct") else " "
            lines.append(f"  {chr(97 + i)}) [{mark}] {ch.get('text', '')}")
            lines.append(f"        why: {ch.get('why', '')}")
    lines.append(f"Explanation: {card.get('explanation', '')}")
    src = card.get("source") or {}
    ref = f" {src.get('ref')}" if src.get("ref") else ""
    lines.append(f"Quote: “{src.get('quote', '')}”{ref}")
    return lines


def parse_card(text: str) -> dict[str, Any]:
    """One card from YAML text (what an editor hands back); DraftError when it is not."""
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as e:
        raise DraftError(f"the edited card is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise DraftError("the edited card must be a mapping (id:, type:, …)")
    return data


def card_yaml(card: Mapping[str, Any]) -> str:
    out = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.dump(_to_commented(card), out)
    return out.getvalue()


def _to_commented(value: Any) -> Any:
    if isinstance(value, Mapping):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_commented(v)
        return m
    if isinstance(value, list):
        s = CommentedSeq()
        s.extend(_to_commented(v) for v in value)
        return s
    return value


class ReviewDeck:
    """A deck file open for review; positions are indices into its `cards:` list."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            raw = self.path.read_bytes()
        except OSError as e:
            raise DraftError(f"{path}: cannot read it ({e.strerror or e})") from None
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DraftError(f"{path}: not UTF-8 text") from None
        self.yaml = _yaml(text)
        try:
            self.data: Any = self.yaml.load(text)
        except YAMLError as e:
            raise DraftError(f"{path}: not valid YAML ({e}); fix it, then review") from None
        cards = self.data.get("cards") if isinstance(self.data, CommentedMap) else None
        if not isinstance(cards, CommentedSeq):
            raise DraftError(f"{path}: no `cards:` list; is this a deck file?")
        self.cards: CommentedSeq = cards
        self._source_text: str | None = None
        self._variant_cursor: dict[str, int] = {}

    # -- reading -----------------------------------------------------------------------

    def drafts(self) -> list[int]:
        return [
            i
            for i, c in enumerate(self.cards)
            if isinstance(c, CommentedMap) and c.get("draft") is True
        ]

    def card(self, i: int) -> dict[str, Any]:
        return dict(_plain(self.cards[i]))

    def source_text(self) -> str:
        """The text of the deck's source file (for the checks and the variants)."""
        if self._source_text is None:
            self._source_text = ""
            sources = self.data.get("sources") or {}
            for entry in sources.values():
                ref = entry.get("file") if isinstance(entry, Mapping) else None
                if ref:
                    try:
                        self._source_text = (self.path.parent / str(ref)).read_text(
                            encoding="utf-8-sig"
                        )
                    except (OSError, UnicodeDecodeError):
                        continue
                    break
        return self._source_text

    # -- changes (each saved at once) --------------------------------------------------

    def accept(self, i: int) -> None:
        del self.cards[i]["draft"]
        self.save()

    def reject(self, i: int) -> None:
        del self.cards[i]
        self.save()

    def check(self, i: int, card: Mapping[str, Any]) -> list[str]:
        """What would be wrong with `card` in place of card `i` ([] when it passes)."""
        problems: list[str] = []
        text = self.source_text()
        if text:
            problems += grounding.check(card, None, text)
        if card.get("id") != self.cards[i].get("id") and any(
            c.get("id") == card.get("id") for j, c in enumerate(self.cards) if j != i
        ):
            problems.append(f"card id {card.get('id')!r} is already used in this deck")
        if problems:
            return problems
        return self._load_problems(i, card)

    def replace(self, i: int, card: Mapping[str, Any]) -> list[str]:
        """Put `card` in place of card `i` when it passes `check`; its problems otherwise."""
        problems = self.check(i, card)
        if problems:
            return problems
        self.cards[i] = _to_commented(card)
        self.save()
        return []

    def variants(self, i: int) -> list[dict[str, Any]]:
        """Every form of card `i`'s fact (typed ↔ mcq for a figure, cloze ↔ mcq for a
        term), drafted again from the deck's source text, in a stable order; [] when the
        quote is not a sentence of the source."""
        from quizapp.draft.drafter import RuleDrafter
        from quizapp.draft.extract import parse_text
        from quizapp.draft.facts import facts_of

        current = self.card(i)
        quote = normalise(str((current.get("source") or {}).get("quote", "")))
        text = self.source_text()
        if not text or not quote:
            return []
        doc = parse_text(text)
        facts = facts_of(doc)
        fact = next((f for f in facts if normalise(f.text) == quote), None)
        if fact is None:
            return []
        sid = str((current.get("source") or {}).get("id", ""))
        out: list[dict[str, Any]] = []
        for cand in RuleDrafter().variants(fact, facts, sid, doc.title):
            ordered: dict[str, Any] = {"id": "", **cand.card}
            if current.get("fact"):
                ordered["fact"] = current["fact"]
            ordered["draft"] = True
            ordered["source"] = ordered.pop("source")
            out.append(ordered)
        return out

    def next_variant(self, i: int) -> dict[str, Any] | None:
        """The next variant of card `i` that asks something no card of the deck asks
        (cycling through the fact's forms), with a fresh id; None when there is none."""
        options = self.variants(i)
        if not options:
            return None
        current = self.card(i)
        others = [self.card(j) for j in range(len(self.cards)) if j != i]
        key = str(current.get("fact") or current.get("id"))
        start = self._variant_cursor.get(key, 0)
        for step in range(len(options)):
            n = (start + step) % len(options)
            option = options[n]
            if _same_question(option, current) or any(_same_question(option, o) for o in others):
                continue
            self._variant_cursor[key] = n + 1
            ids = {str(o.get("id")) for o in others}
            base = f"{current.get('fact') or current.get('id')}-{option['type']}"[:60]
            new_id, k = base, 2
            while new_id in ids:
                new_id = f"{base}-{k}"
                k += 1
            option["id"] = new_id
            return option
        return None

    def save(self) -> None:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        text = ("\ufeff" if self.bom else "") + out.getvalue()
        try:
            write_atomic(self.path, text)
        except OSError as e:
            raise DraftError(f"cannot write {self.path}: {e.strerror or e}") from None

    def _load_problems(self, i: int, card: Mapping[str, Any]) -> list[str]:
        from quizapp.decks.errors import DeckError
        from quizapp.decks.loader import load_deck

        saved = self.cards[i]
        self.cards[i] = _to_commented(card)
        try:
            out = io.StringIO()
            self.yaml.dump(self.data, out)
        finally:
            self.cards[i] = saved
        with tempfile.NamedTemporaryFile(
            "w",
            dir=self.path.parent,
            prefix=f".{self.path.stem}.",
            suffix=".check.yaml",
            encoding="utf-8",
            delete=False,
        ) as fh:
            fh.write(out.getvalue())
            tmp = Path(fh.name)
        try:
            load_deck(tmp, check_quotes=True)
        except DeckError as e:
            return [
                f"line {p.line}: {p.message}" + (f" — {p.hint}" if p.hint else "")
                for p in e.problems
            ]
        finally:
            tmp.unlink(missing_ok=True)
        return []


def _same_question(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    keys = ("type", "prompt", "answer", "text", "choices")
    return all(_plain(a.get(k)) == _plain(b.get(k)) for k in keys)
