"""The drafting interface and the rule-based drafter.

A `Drafter` turns a document's facts into candidate cards. `draft_deck` runs one, then
holds every candidate to the same bar whatever made it: `grounding.check` (dropped and
counted when it fails), near-duplicates dropped, stable ids and fact keys given. Another
drafter (a language model, later) plugs in by implementing `Drafter`.

`RuleDrafter`, per fact-bearing sentence, at most `max_per_fact` cards, each testing a
different span (so no two cards ask the same thing):
1. each figure (at most two) → a typed card; the second figure becomes an mcq when the
   document gives at least two other figures of its kind;
2. the best one or two key terms → one cloze card;
3. the next key term with at least two same-kind terms elsewhere in the document → an mcq.
A list → one fact per item (cloze or typed when the item is a sentence of its own) and a
"which of the following" multi-answer mcq when the document has other lists to draw
wrong options from. `variants` gives the other forms of one fact's spans, for review.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz

from quizapp.decks.add_ids import slugify
from quizapp.decks.quotes import normalise
from quizapp.draft import grounding
from quizapp.draft.cards import (
    Alternative,
    Candidate,
    cloze_card,
    list_card,
    mcq_card,
    typed_card,
)
from quizapp.draft.extract import Document
from quizapp.draft.facts import Fact, facts_of
from quizapp.draft.terms import Figure, Term, TermIndex, figures, terms

__all__ = ["DraftDeck", "Drafter", "RuleDrafter", "draft_deck", "fact_slug"]

EXTRA_CLOZE_SCORE = 4.0  # a third card's term must be at least this salient
NEAR_DUPLICATE = 0.85  # question texts at least this similar, with the same answer


class Drafter(Protocol):
    """Makes candidate cards from a document's facts (ids and fact keys come later)."""

    name: str

    def draft(self, doc: Document, facts: Sequence[Fact], source_id: str) -> list[Candidate]: ...

    def variants(
        self, fact: Fact, facts: Sequence[Fact], source_id: str, title: str = ""
    ) -> list[Candidate]: ...


@dataclass(slots=True)
class _Analysis:
    index: TermIndex
    figures: dict[int, list[Figure]]
    terms: dict[int, list[Term]]
    alt_figures: dict[str, list[Alternative]]
    alt_terms: dict[str, list[Alternative]]


_FIGURE_LABEL = {
    "percent": "percentage",
    "duration": "time span",
    "dose": "amount",
    "count": "number",
    "ratio": "proportion",
    "p-value": "p-value",
}
_TERM_LABEL = {
    "procedure": "procedure",
    "treatment": "treatment",
    "condition": "condition",
    "test": "test",
    "outcome": "outcome",
    "people": "group",
}


def _tags(fact: Fact) -> list[str]:
    return [s for s in (slugify(h, 40) for h in fact.headings[-2:]) if s and s != "card"]


class RuleDrafter:
    name = "rules"

    def __init__(self, max_per_fact: int = 3) -> None:
        self.max_per_fact = max_per_fact
        self._cache: tuple[Sequence[Fact], _Analysis] | None = None

    def analyse(self, facts: Sequence[Fact], title: str = "") -> _Analysis:
        cached = self._cache
        if cached is not None and cached[0] is facts:
            return cached[1]
        result = self._analyse(facts, title)
        self._cache = (facts, result)
        return result

    def _analyse(self, facts: Sequence[Fact], title: str) -> _Analysis:
        index = TermIndex((f.text for f in facts), title)
        figs: dict[int, list[Figure]] = {}
        tms: dict[int, list[Term]] = {}
        alt_f: dict[str, list[Alternative]] = defaultdict(list)
        alt_t: dict[str, list[Alternative]] = defaultdict(list)
        for f in facts:
            figs[f.index] = figures(f.text)
            tms[f.index] = terms(f.text, index, [(g.start, g.end) for g in figs[f.index]])
            for g in figs[f.index]:
                alt_f[g.kind].append(Alternative(g.text, g.kind, g.values, f))
            for t in tms[f.index]:
                if t.kind and t.kind != "claim":
                    alt_t[t.kind].append(Alternative(t.text, t.kind, (), f))
        return _Analysis(index, figs, tms, alt_f, alt_t)

    def draft(self, doc: Document, facts: Sequence[Fact], source_id: str) -> list[Candidate]:
        a = self.analyse(facts, doc.title)
        out: list[Candidate] = []
        for f in facts:
            out.extend(self._fact_cards(f, a, source_id)[: self.max_per_fact])
        out.extend(self._list_cards(facts, source_id))
        return out

    def variants(
        self, fact: Fact, facts: Sequence[Fact], source_id: str, title: str = ""
    ) -> list[Candidate]:
        """Every form of every span of `fact`: typed and mcq for figures, cloze and mcq for
        terms (the drafted cards first)."""
        a = self.analyse(facts, title)
        out: list[Candidate] = list(self._fact_cards(fact, a, source_id))
        tags = _tags(fact)
        for g in a.figures[fact.index]:
            alts = self._figure_alts(fact, g, a)
            card = mcq_card(
                fact, g.start, g.end, _FIGURE_LABEL[g.kind], alts, source_id, tags, True
            )
            if card:
                out.append(Candidate(card, fact, "mcq", ((g.start, g.end),)))
            out.append(
                Candidate(typed_card(fact, g, source_id, tags), fact, "typed", ((g.start, g.end),))
            )
        for t in a.terms[fact.index][:4]:
            card = cloze_card(fact, [t], source_id, tags)
            if card:
                out.append(Candidate(card, fact, "cloze", ((t.start, t.end),)))
            if t.kind in _TERM_LABEL:
                card = mcq_card(
                    fact,
                    t.start,
                    t.end,
                    _TERM_LABEL[t.kind],
                    self._term_alts(fact, t, a),
                    source_id,
                    tags,
                )
                if card:
                    out.append(Candidate(card, fact, "mcq", ((t.start, t.end),)))
        unique: list[Candidate] = []
        seen: set[str] = set()
        for c in out:
            key = repr(sorted((k, str(v)) for k, v in c.card.items()))
            if key not in seen:
                seen.add(key)
                unique.append(c)
        return unique

    @staticmethod
    def _figure_alts(fact: Fact, g: Figure, a: _Analysis) -> list[Alternative]:
        return _nearest(
            a.alt_figures[g.kind],
            fact.index,
            lambda x: x.fact.index != fact.index and bool(x.values) and x.values != g.values,
        )

    @staticmethod
    def _term_alts(fact: Fact, t: Term, a: _Analysis) -> list[Alternative]:
        return _nearest(
            a.alt_terms[t.kind],
            fact.index,
            lambda x: x.fact.index != fact.index and x.text.casefold() != t.text.casefold(),
        )

    def _fact_cards(self, f: Fact, a: _Analysis, source_id: str) -> list[Candidate]:
        tags = _tags(f)
        out: list[Candidate] = []
        figs = a.figures[f.index][:2]
        for i, g in enumerate(figs):
            alts = self._figure_alts(f, g, a)
            card = None
            if i == 1 and len({x.values for x in alts}) >= 2:
                card = mcq_card(
                    f, g.start, g.end, _FIGURE_LABEL[g.kind], alts, source_id, tags, True
                )
                if card:
                    out.append(Candidate(card, f, "mcq", ((g.start, g.end),)))
            if card is None:
                out.append(
                    Candidate(typed_card(f, g, source_id, tags), f, "typed", ((g.start, g.end),))
                )
        words = len(f.text.split())
        chosen: list[Term] = []
        for t in a.terms[f.index]:
            if len(chosen) == 2:
                break
            if any(_shares_word(t, c) for c in chosen):
                continue
            if f.text.casefold().count(t.text.casefold()) > 1:
                continue  # shown elsewhere in the sentence: it would give itself away
            if chosen and (
                t.kind == "claim"
                or sum(len(c.text.split()) for c in chosen) + len(t.text.split()) > words * 0.4
            ):
                continue
            chosen.append(t)
        if chosen:
            card = cloze_card(f, chosen, source_id, tags)
            if card:
                out.append(Candidate(card, f, "cloze", tuple((t.start, t.end) for t in chosen)))
        for t in a.terms[f.index]:
            if t in chosen or t.kind not in _TERM_LABEL or any(_shares_word(t, c) for c in chosen):
                continue
            if a.index.is_topic(t.text):
                continue  # the document's own subject: every option would fit the page
            card = mcq_card(
                f, t.start, t.end, _TERM_LABEL[t.kind], self._term_alts(f, t, a), source_id, tags
            )
            if card:
                out.append(Candidate(card, f, "mcq", ((t.start, t.end),)))
                break
        # room left: one more cloze on the best key term no card of this sentence tests yet
        # (a separate card, so it may share a word with the others' answers)
        tested = [span for c in out for span in c.tested]
        for t in a.terms[f.index]:
            if len(out) >= self.max_per_fact or t.score < EXTRA_CLOZE_SCORE:
                break
            if t.kind == "claim" or any(t.start < e and t.end > s for s, e in tested):
                continue
            if f.text.casefold().count(t.text.casefold()) > 1:
                continue
            card = cloze_card(f, [t], source_id, tags)
            if card:
                out.append(Candidate(card, f, "cloze", ((t.start, t.end),)))
            break
        return out

    def _list_cards(self, facts: Sequence[Fact], source_id: str) -> list[Candidate]:
        by_list: dict[int, list[Fact]] = defaultdict(list)
        for f in facts:
            if f.kind == "item":
                by_list[f.list_id].append(f)
        items = [f for f in facts if f.kind == "item"]
        out: list[Candidate] = []
        for members in by_list.values():
            others = [o for o in items if o.list_id != members[0].list_id]
            card = list_card(members, others, source_id, _tags(members[0]))
            if card:
                out.append(Candidate(card, members[0], "list", (), tuple(members)))
        return out


def _nearest(
    alts: Sequence[Alternative], index: int, keep: Callable[[Alternative], bool], limit: int = 8
) -> list[Alternative]:
    """Up to `limit` alternatives that `keep` accepts, the nearest to fact `index` in the
    document first (its neighbouring statements are the likeliest same-kind items)."""
    pos = bisect.bisect_left(alts, index, key=lambda x: x.fact.index)
    out: list[Alternative] = []
    lo, hi = pos - 1, pos
    while (lo >= 0 or hi < len(alts)) and len(out) < limit:
        d_lo = index - alts[lo].fact.index if lo >= 0 else None
        d_hi = alts[hi].fact.index - index if hi < len(alts) else None
        if d_hi is None or (d_lo is not None and d_lo <= d_hi):
            x, lo = alts[lo], lo - 1
        else:
            x, hi = alts[hi], hi + 1
        if keep(x):
            out.append(x)
    return out


def _shares_word(a: Term, b: Term) -> bool:
    wa = {w.lower().rstrip("s") for w in re.findall(r"[\w-]+", a.text) if len(w) > 3}
    wb = {w.lower().rstrip("s") for w in re.findall(r"[\w-]+", b.text) if len(w) > 3}
    return bool(wa & wb)


# ---------------------------------------------------------------------------- the pipeline


@dataclass(slots=True)
class DraftDeck:
    """The cards of a draft, in document order, each grounded, with ids and fact keys."""

    facts: list[Fact]
    cards: list[Candidate]
    rejected: list[tuple[Candidate, list[str]]] = field(default_factory=list)
    duplicates: int = 0


def fact_slug(fact: Fact, a_terms: Sequence[Term], a_figs: Sequence[Figure]) -> str:
    parts: list[str] = []
    if a_figs:
        parts.append(a_figs[0].text)
    for t in sorted(a_terms[:2], key=lambda t: t.start):
        parts.append(t.text)
    basis = " ".join(parts) if parts else " ".join(fact.text.split()[:6])
    return slugify(basis, 40)


def _question(c: Candidate) -> str:
    """The question's text, normalised once per candidate."""
    q = c.question_text
    if q is None:
        q = normalise(str(c.card.get("prompt", "")) + " " + str(c.card.get("text", ""))).casefold()
        c.question_text = q
    return q


def _answer(c: Candidate) -> str:
    text = c.fact.text
    return " | ".join(normalise(text[s:e]).casefold() for s, e in c.tested)


def draft_deck(doc: Document, source_id: str, drafter: Drafter | None = None) -> DraftDeck:
    """Draft `doc`: candidates from `drafter` (rules by default), grounded, de-duplicated,
    with stable ids (`<fact>-<form>`) and `fact:` keys (shared by one sentence's cards)."""
    drafter = drafter or RuleDrafter()
    facts = facts_of(doc)
    text = doc.text()
    result = DraftDeck(facts=facts, cards=[])
    kept: list[Candidate] = []
    by_answer: dict[str, list[Candidate]] = defaultdict(list)  # near-duplicates share one
    by_span: set[tuple[int, tuple[int, int]]] = set()
    for c in drafter.draft(doc, facts, source_id):
        problems = grounding.check(c.card, c.sentence, text)
        if problems:
            result.rejected.append((c, problems))
            continue
        spans = {(c.fact.index, span) for span in c.tested}
        answer = _answer(c)
        if (spans & by_span) or (
            c.form != "list" and any(_near_duplicate(c, k) for k in by_answer[answer])
        ):
            result.duplicates += 1
            continue
        by_span |= spans
        by_answer[answer].append(c)
        kept.append(c)
    # ids and fact keys: from the fact's own words, so a re-draft gives the same ones
    rules = drafter if isinstance(drafter, RuleDrafter) else RuleDrafter()
    analysis = rules.analyse(facts) if kept else None
    fact_keys: dict[int, str] = {}
    taken_facts: set[str] = set()
    taken_ids: set[str] = set()
    for c in sorted(kept, key=lambda c: (c.fact.index, c.form == "list")):
        if c.form == "list":
            key = slugify("list " + (c.fact.intro or (c.fact.headings or ("items",))[-1]), 40)
            key = _unique(key, taken_facts)
        elif c.fact.index in fact_keys:
            key = fact_keys[c.fact.index]
        else:
            assert analysis is not None
            key = _unique(
                fact_slug(c.fact, analysis.terms[c.fact.index], analysis.figures[c.fact.index]),
                taken_facts,
            )
            fact_keys[c.fact.index] = key
        card_id = _unique(f"{key}-{c.form if c.form != 'list' else 'which'}"[:64], taken_ids)
        ordered: dict[str, Any] = {"id": card_id}
        ordered.update(c.card)
        ordered["fact"] = key
        ordered["draft"] = True
        source = ordered.pop("source")
        ordered["source"] = source
        c.card = ordered
        result.cards.append(c)
    return result


def _near_duplicate(a: Candidate, b: Candidate) -> bool:
    """Two cards with the same answer whose questions are nearly the same text."""
    return fuzz.ratio(_question(a), _question(b)) >= NEAR_DUPLICATE * 100


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: 64 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate
