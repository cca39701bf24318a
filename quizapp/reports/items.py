"""Item analysis: classical test statistics per study item, per fact and per tag, over a
cohort (`quizapp report --all --items`). Definitions with formulas: docs/reports.md.

The observations are, for every learner and item, the learner's **first study answer**
(the earliest review of the item) and **every answered quiz question** of it; each is
labelled with its origin. A learner's *first attempt* at an item is the earliest of
those (a study answer first on a tie).

* ``learners``: learners with at least one observation of the item; ``attempts``: the
  observations (``study_answers`` + ``quiz_answers``).
* ``correct_rate`` (difficulty, *p*): the share of those learners whose first attempt
  was correct (auto-graded: the grader's verdict; self-graded: rated above Again).
* ``discrimination`` (point-biserial, r_pb): over the learners who answered the item and
  at least one other, r_pb = (M_p − M_q) / s · sqrt(p·q), where the learner's
  *rest score* is their first-attempt correct rate on every other item in scope, M_p /
  M_q the mean rest score of those right / wrong on this item, s the (population)
  standard deviation of the rest scores, p the share right, q = 1 − p.
* ``discrimination_27`` (upper-lower index, D): with the same learners sorted by rest
  score, D = p_upper − p_lower over the top and bottom k = ceil(0.27·n).
* Both are NA (None) below `MIN_LEARNERS` learners, or when everyone (or no one) got it
  right, or when the rest scores do not vary.
* MCQ options: the share of learners whose first attempt chose each option, by the
  option's text (responses are stored as letters in the card's order, whatever order
  they were shown in). A distractor (wrong option) chosen by fewer than
  `NONFUNCTIONING` of the learners is *non-functioning*.
* Typed and cloze: the most frequent wrong responses over all observations, normalised
  (`quizapp.study.matching.normalize_text`); MCQ: the distractors most chosen.
* Flags (a possibly flawed item): negative discrimination; a distractor chosen more
  often than the key (than the least-chosen key of a multiple-answer item).

Learners are merged by name across databases (`quizapp.reports.cohort`); items are
keyed by (deck id, card id, ord), so the same deck in several files is one item (shown
as the file of its first learner, by name, who answered it has it).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from quizapp.clock import dt_to_ms, utc
from quizapp.reports.labels import prompt_text
from quizapp.store.queries import reports_items as q
from quizapp.store.scope import Scope
from quizapp.study.matching import normalize_text

if TYPE_CHECKING:
    from quizapp.reports.cohort import CohortMember
    from quizapp.store.db import Database

#: Below this many learners an item has no discrimination figure (NA).
MIN_LEARNERS = 5
#: A distractor chosen by fewer than this share of learners is non-functioning.
NONFUNCTIONING = 0.05
#: Share of the learners in each tail of the upper-lower index.
TAIL = 0.27
#: Most frequent wrong responses kept per item.
TOP_WRONG = 3

FLAG_NEGATIVE = "negative discrimination"
FLAG_DISTRACTOR = "distractor chosen more than the key"

ItemKey = tuple[str, str, int]  # (deck id, card id, ord)


def item_label(key: ItemKey) -> str:
    deck_id, card_id, ord_ = key
    return f"{deck_id}/{card_id}#c{ord_}" if ord_ else f"{deck_id}/{card_id}"


class OptionShare(NamedTuple):
    """One MCQ option: its text, whether it is a key, and the learners choosing it."""

    text: str
    correct: bool
    chosen: int
    share: float | None

    @property
    def nonfunctioning(self) -> bool:
        return not self.correct and self.share is not None and self.share < NONFUNCTIONING


class ItemStats(NamedTuple):
    """One item's figures (named tuples: a report makes one per item, tens of thousands,
    and a tuple is built several times faster than a frozen dataclass)."""

    deck_id: str
    card_id: str
    ord: int
    type: str
    fact: str  # the fact key as written ('' when the item is its own fact)
    tags: tuple[str, ...]
    prompt: str
    learners: int
    study_answers: int
    quiz_answers: int
    first_correct: int
    discrimination: float | None  # point-biserial against the rest score
    discrimination_27: float | None  # upper-lower 27 % index
    options: tuple[OptionShare, ...] = ()
    top_wrong: tuple[tuple[str, int], ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def key(self) -> ItemKey:
        return (self.deck_id, self.card_id, self.ord)

    @property
    def label(self) -> str:
        return item_label(self.key)

    @property
    def fact_key(self) -> str:
        """The fact the item tests: `deck/fact`, or the item's own label."""
        return f"{self.deck_id}/{self.fact}" if self.fact else self.label

    @property
    def attempts(self) -> int:
        return self.study_answers + self.quiz_answers

    @property
    def correct_rate(self) -> float | None:
        return self.first_correct / self.learners if self.learners else None

    @property
    def nonfunctioning(self) -> tuple[str, ...]:
        return tuple(o.text for o in self.options if o.nonfunctioning)


class GroupStats(NamedTuple):
    """Items rolled up by fact or by tag."""

    key: str
    items: int
    learners: int
    attempts: int
    first_attempts: int  # learner × item first attempts
    first_correct: int
    discrimination: float | None  # mean r_pb of its items that have one
    hardest: str  # label of its item with the lowest correct rate

    @property
    def correct_rate(self) -> float | None:
        return self.first_correct / self.first_attempts if self.first_attempts else None


@dataclass(frozen=True, slots=True)
class LearnerScore:
    """A learner's first-attempt record over the scope (the total the rest score is of)."""

    name: str
    items: int
    correct: int

    @property
    def rate(self) -> float | None:
        return self.correct / self.items if self.items else None


@dataclass(frozen=True)
class ItemAnalysis:
    """The items' figures, the learners' scores, and the roll-ups per fact and per tag,
    computed when first asked for (the cohort view does not show them)."""

    items: tuple[ItemStats, ...]
    learners: tuple[LearnerScore, ...]
    min_learners: int = MIN_LEARNERS
    #: the learners with a first attempt, per item (the roll-ups count them distinct)
    who: Mapping[ItemKey, Collection[str]] = field(default_factory=dict, repr=False)
    #: set by `item_analysis(shown_only=True)`: every item answered, while `items`
    #: holds only those a cohort view shows (flagged, or answered by ≥ min_learners)
    answered: int | None = None

    @property
    def item_count(self) -> int:
        """How many items were answered."""
        return len(self.items) if self.answered is None else self.answered

    @cached_property
    def facts(self) -> tuple[GroupStats, ...]:
        return _groups(self._every_item(), lambda s: (s.fact_key,), self.who)

    @cached_property
    def tags(self) -> tuple[GroupStats, ...]:
        return _groups(self._every_item(), lambda s: s.tags, self.who)

    def _every_item(self) -> tuple[ItemStats, ...]:
        if self.answered is not None:
            raise ValueError("roll-ups need every item: item_analysis(shown_only=False)")
        return self.items

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(i for i in self.items if i.flags)

    def most_missed(self, n: int = 10) -> tuple[ItemStats, ...]:
        """Items answered by at least `min_learners`, lowest correct rate first."""
        rated = [
            i
            for i in self.items
            if i.learners >= self.min_learners and i.first_correct < i.learners
        ]
        rated.sort(key=lambda i: (i.correct_rate or 0.0, -i.learners, i.key))
        return tuple(rated[:n])

    @property
    def answers(self) -> int:
        return sum(i.attempts for i in self._every_item())


# -- gathering ---------------------------------------------------------------------


#: One observation: (study answer?, answered at ms, correct, response).
_Obs = tuple[bool, int, bool, str]


@dataclass(slots=True)
class _Item:
    """One item's card and what the cohort answered: each learner's first attempt, the
    number of study and quiz answers, and the responses of the wrong ones."""

    type: str
    fact: str
    tags: tuple[str, ...]
    prompt: str | None  # None: not read yet (read for the items shown only)
    choices: tuple[tuple[str, bool], ...]  # mcq: (text, key) in card order
    card: tuple[Database, int]  # where the card was read: database, card pk
    #: (member, file) index of the first learner answering it, in the members' order:
    #: a card in several files is shown as that learner's file has it
    rank: tuple[int, int] = (0, 0)
    first: dict[str, _Obs] = field(default_factory=dict)
    study: int = 0
    quiz: int = 0
    wrong: list[str] = field(default_factory=list)

    def observe(self, learner: str, obs: _Obs) -> None:
        """Count an observation; observations come in the order the first attempt's tie
        rule needs (a learner's files in order, in each its study answers first, then
        its quiz answers oldest first)."""
        study, at, correct, response = obs
        if study:
            self.study += 1
        else:
            self.quiz += 1
        if not correct:
            self.wrong.append(response)
        cur = self.first.get(learner)
        if cur is None or at < cur[1] or (at == cur[1] and study and not cur[0]):
            self.first[learner] = obs


def _prompt(ctype: str, ord_: int, prompt: object, text: object) -> str:
    """`prompt_text` of the card's prompt and cloze text (None: absent)."""
    if ctype == "cloze":
        fields = {"prompt": prompt, "text": text}
        return prompt_text(ctype, {k: v for k, v in fields.items() if v is not None}, ord_)
    return "" if prompt is None else str(prompt)  # prompt_text's rule, without a dict


def _item(
    card: tuple[Database, int],
    ctype: str,
    fact: str,
    tags: tuple[str, ...],
    ord_: int,
    prompt: object,
    text: object,
    choices: str | None,
    *,
    prompts: bool,
) -> _Item:
    shown = _prompt(ctype, ord_, prompt, text) if prompts else None
    options: tuple[tuple[str, bool], ...] = ()
    if choices is not None:
        parsed = json.loads(choices)
        options = tuple(
            (str(c.get("text", "")), bool(c.get("correct")))
            for c in (parsed if isinstance(parsed, list) else [])
            if isinstance(c, dict)
        )
    return _Item(ctype, fact, tags, shown, options, card)


def gather(
    members: Sequence[CohortMember],
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
    prompts: bool = True,
) -> dict[ItemKey, _Item]:
    """Every observation of every member, by item (see the module docstring): per
    database one query for the first study answers of all its learners and one for
    their quiz answers, then the fields shown of the cards answered, once per item
    (without the prompts when `prompts` is false: `with_prompts` reads them)."""
    scope = Scope(tuple(deck_ids) if deck_ids is not None else None, tuple(tags))
    since_ms = dt_to_ms(utc(since)) if since is not None else None
    now_ms = dt_to_ms(utc(now)) or 0
    # each database with the member name (and rank) of each of its learners
    by_db: dict[int, tuple[Database, dict[int, str]]] = {}
    ranks: dict[tuple[int, int], tuple[int, int]] = {}  # (db, learner id) → rank
    for i, m in enumerate(members):
        for j, part in enumerate(m.parts):
            db = part.source.db
            by_db.setdefault(id(db), (db, {}))[1][part.learner.id] = m.name
            ranks[(id(db), part.learner.id)] = (i, j)
    items: dict[ItemKey, _Item] = {}
    tag_sets: dict[str, tuple[str, ...]] = {}
    for db, names in by_db.values():
        study = q.first_study_answers(db, list(names), scope, since_ms, now_ms)
        quiz = q.cohort_quiz_answers(db, list(names), scope, since_ms, now_ms)
        if not study and not quiz:
            continue
        rank: dict[int, tuple[int, int]] = {}  # card pk → rank of its first learner here
        for lid, pk in [*((r[0], r[1]) for r in study), *((r[0], r[1]) for r in quiz)]:
            r = ranks[(id(db), lid)]
            if pk not in rank or r < rank[pk]:
                rank[pk] = r
        cards: dict[int, _Item] = {}
        for pk, deck_id, card_id, ord_, ctype, fact, tagcol, *fields in q.item_card_fields(
            db, rank, prompts=prompts
        ):
            key = (deck_id, card_id, ord_)
            it = items.get(key)
            if it is None or rank[pk] < it.rank:
                tags_of = tag_sets.get(tagcol)
                if tags_of is None:  # few distinct tag sets: each split once
                    tags_of = tag_sets[tagcol] = tuple(tagcol.split())
                card = _item((db, pk), ctype, fact, tags_of, ord_, *fields, prompts=prompts)
                card.rank = rank[pk]
                if it is None:
                    it = items[key] = card
                else:  # seen in an earlier file, first answered in this one
                    it.type, it.fact, it.tags = card.type, card.fact, card.tags
                    it.prompt, it.choices, it.card, it.rank = (
                        card.prompt,
                        card.choices,
                        card.card,
                        card.rank,
                    )
            cards[pk] = it
        for lid, pk, at, rating, correct, resp in study:
            ok = rating > 1 if correct is None else bool(correct)
            cards[pk].observe(names[lid], (True, at, ok, resp))
        for lid, pk, at, correct, resp in quiz:
            cards[pk].observe(names[lid], (False, at, bool(correct), resp))
    return items


# -- statistics --------------------------------------------------------------------


def option_indexes(response: str, n_options: int, texts: Sequence[str] = ()) -> list[int]:
    """The card-order option indexes of a stored mcq response ("A,C"); an older
    response holding an option's text maps to that option; anything else to none."""
    parts = [p.strip() for p in response.split(",") if p.strip()]
    out: list[int] = []
    if parts and all(len(p) == 1 and "A" <= p.upper() <= "Z" for p in parts):
        out = [ord(p.upper()) - 65 for p in parts]
        return [i for i in out if 0 <= i < n_options]
    if response in texts:
        return [list(texts).index(response)]
    return []


def point_biserial(xs: Sequence[bool], rest: Sequence[float]) -> float | None:
    """r_pb = (M_p − M_q) / s · sqrt(p·q) with s the population SD of `rest`."""
    n = len(xs)
    if n < MIN_LEARNERS:
        return None
    right = [r for x, r in zip(xs, rest, strict=True) if x]
    wrong = [r for x, r in zip(xs, rest, strict=True) if not x]
    if not right or not wrong:
        return None
    mean = sum(rest) / n
    s = math.sqrt(sum((r - mean) ** 2 for r in rest) / n)
    if s == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / s * math.sqrt(p * (1 - p))


def upper_lower(xs: Sequence[bool], rest: Sequence[float]) -> float | None:
    """D = p_upper − p_lower over the top and bottom k = ceil(0.27·n) by rest score.

    Learners tied on the rest score at a tail's edge share its last places: their group
    counts with weight (places left) / (group size), so no order among equals is made
    up."""
    n = len(xs)
    if n < MIN_LEARNERS or all(xs) or not any(xs):
        return None
    if max(rest) == min(rest):
        return None
    k = max(1, math.ceil(TAIL * n))
    groups: dict[float, list[bool]] = {}
    for x, r in zip(xs, rest, strict=True):
        groups.setdefault(r, []).append(x)

    def tail(scores: list[float]) -> float:
        left, got = float(k), 0.0
        for r in scores:
            g = groups[r]
            take = min(left, len(g))
            got += take * sum(g) / len(g)
            left -= take
            if left <= 0:
                break
        return got / k

    ordered = sorted(groups)
    return tail(ordered[::-1]) - tail(ordered)


def analyse(items: dict[ItemKey, _Item], *, shown_only: bool = False) -> ItemAnalysis:
    """The statistics of the gathered observations; with `shown_only`, of the items a
    cohort view shows only (flagged, or answered by ≥ MIN_LEARNERS learners: only those
    can be; an item answered by fewer can be flagged only as an mcq)."""
    # each learner's first-attempt totals over the scope (for the rest scores)
    totals: dict[str, list[int]] = {}
    for it in items.values():
        for name, o in it.first.items():
            t = totals.get(name)
            if t is None:
                t = totals[name] = [0, 0]
            t[0] += 1
            t[1] += o[2]
    learners = tuple(LearnerScore(n, t[0], t[1]) for n, t in sorted(totals.items()))
    if shown_only:
        shown = [
            key
            for key, it in items.items()
            if len(it.first) >= MIN_LEARNERS
            or (it.type == "mcq" and _distractor_over_key(it, _chosen(it)))
        ]
        stats = [_item_stats(key, items[key], totals) for key in sorted(shown)]
        return ItemAnalysis(
            items=with_prompts(stats, items), learners=learners, answered=len(items)
        )
    stats = [_item_stats(key, items[key], totals) for key in sorted(items)]
    return ItemAnalysis(
        items=tuple(stats), learners=learners, who={k: it.first for k, it in items.items()}
    )


def with_prompts(stats: Sequence[ItemStats], items: dict[ItemKey, _Item]) -> tuple[ItemStats, ...]:
    """The items' figures with the prompts not read yet read, one query per database."""
    wanted: dict[int, tuple[Database, dict[int, ItemKey]]] = {}
    for s in stats:
        it = items[s.key]
        if it.prompt is None:
            db, pk = it.card
            wanted.setdefault(id(db), (db, {}))[1][pk] = s.key
    for db, keys in wanted.values():
        for pk, ctype, ord_, prompt, text in q.item_prompts(db, keys):
            items[keys[pk]].prompt = _prompt(ctype, ord_, prompt, text)
    return tuple(s._replace(prompt=items[s.key].prompt or "") for s in stats)


def _item_stats(key: ItemKey, it: _Item, totals: dict[str, list[int]]) -> ItemStats:
    first = it.first
    names = sorted(first) if len(first) > 1 else list(first)
    r_pb: float | None = None
    d27: float | None = None
    if len(names) >= MIN_LEARNERS:  # fewer: both are NA, whatever the rest scores
        xs: list[bool] = []
        rest: list[float] = []
        for name in names:
            n, c = totals[name]
            if n > 1:
                x = first[name][2]
                xs.append(x)
                rest.append((c - x) / (n - 1))
        r_pb = point_biserial(xs, rest)
        d27 = upper_lower(xs, rest)
    options: tuple[OptionShare, ...] = ()
    top: tuple[tuple[str, int], ...] = ()
    flags: tuple[str, ...] = (FLAG_NEGATIVE,) if r_pb is not None and r_pb < 0 else ()
    if it.type == "mcq":
        chosen = _chosen(it)
        total = len(names)
        options = tuple(
            OptionShare(text, correct, k, k / total if total else None)
            for (text, correct), k in zip(it.choices, chosen, strict=True)
        )
        if _distractor_over_key(it, chosen):
            flags += (FLAG_DISTRACTOR,)
        wrong = sorted((o for o in options if not o.correct and o.chosen), key=lambda o: -o.chosen)
        top = tuple((o.text, o.chosen) for o in wrong[:TOP_WRONG])
    elif it.wrong and it.type in ("typed", "cloze"):
        counts = Counter(normalize_text(r) or "(blank)" for r in it.wrong)
        top = tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_WRONG])
    return ItemStats(
        key[0],
        key[1],
        key[2],
        it.type,
        it.fact,
        it.tags,
        it.prompt or "",
        len(names),
        it.study,
        it.quiz,
        sum(o[2] for o in first.values()),
        r_pb,
        d27,
        options,
        top,
        flags,
    )


def _chosen(it: _Item) -> list[int]:
    """Per option of an mcq (card order), the learners whose first attempt chose it."""
    texts = [t for t, _ in it.choices]
    chosen = [0] * len(texts)
    for o in it.first.values():
        for i in set(option_indexes(o[3], len(texts), texts)):
            chosen[i] += 1
    return chosen


def _distractor_over_key(it: _Item, chosen: Sequence[int]) -> bool:
    """A distractor chosen by more learners than the key (the least-chosen key)."""
    keys = [k for (_, correct), k in zip(it.choices, chosen, strict=True) if correct]
    return bool(keys) and any(
        not correct and k > min(keys) for (_, correct), k in zip(it.choices, chosen, strict=True)
    )


def _groups(
    stats: Sequence[ItemStats],
    keys: Callable[[ItemStats], Iterable[str]],
    who: Mapping[ItemKey, Collection[str]],
) -> tuple[GroupStats, ...]:
    grouped: dict[str, list[ItemStats]] = {}
    for s in stats:
        for k in keys(s):
            g = grouped.get(k)
            if g is None:
                grouped[k] = [s]
            else:
                g.append(s)
    out = []
    for k in sorted(grouped):
        members = grouped[k]
        if len(members) == 1:
            (s,) = members
            out.append(
                GroupStats(
                    key=k,
                    items=1,
                    learners=len(who[s.key]),
                    attempts=s.study_answers + s.quiz_answers,
                    first_attempts=s.learners,
                    first_correct=s.first_correct,
                    discrimination=s.discrimination,
                    hardest=s.label,
                )
            )
            continue
        learners: set[str] = set()
        for s in members:
            learners.update(who[s.key])
        rated = [s.discrimination for s in members if s.discrimination is not None]
        hardest = min(
            members, key=lambda s: (s.correct_rate if s.correct_rate is not None else 2.0, s.key)
        )
        out.append(
            GroupStats(
                key=k,
                items=len(members),
                learners=len(learners),
                attempts=sum(s.attempts for s in members),
                first_attempts=sum(s.learners for s in members),
                first_correct=sum(s.first_correct for s in members),
                discrimination=sum(rated) / len(rated) if rated else None,
                hardest=hardest.label,
            )
        )
    return tuple(out)


def item_analysis(
    members: Sequence[CohortMember],
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
    rename: dict[str, str] | None = None,
    shown_only: bool = False,
) -> ItemAnalysis:
    """`analyse(gather(...))`; `rename` maps member names to the names shown
    (pseudonyms). `shown_only`: what a cohort view shows — the flagged items and those
    answered by ≥ MIN_LEARNERS learners (their prompts alone are read), the learners'
    scores and the number of items answered (`item_count`); no roll-ups."""
    if rename:
        from dataclasses import replace

        members = [replace(m, name=rename.get(m.name, m.name)) for m in members]
    gathered = gather(
        members, deck_ids=deck_ids, tags=tags, since=since, now=now, prompts=not shown_only
    )
    return analyse(gathered, shown_only=shown_only)
