"""What an Anki card template shows: which fields are the prompt, the answer and extras.

Anki renders a card from its note type's templates; quizapp turns the same decision into
data (docs/anki.md, "Templates decide prompt and answer"):

* the fields the **front** template shows are the prompt (in template order);
* the fields the **back** template adds after ``{{FrontSide}}`` are the answer (in template
  order; without ``{{FrontSide}}``: the fields it shows that the front does not). Fields
  named like an explanation (Extra, Back Extra, Notes…) or a source stay out of the answer
  when another field is in it;
* ``{{type:Field}}`` makes a typed card whose answer is Field; ``{{cloze:Field}}`` on a
  cloze note type is the cloze text;
* a field used only in a conditional (``{{#Field}}…{{/Field}}``, ``{{^Field}}``) is a
  switch, not content (the "Add Reverse" of Basic (optional reversed card));
* every other field is an extra, written into the explanation with a readable label
  (``bottom_line`` → "Bottom line").

Filters (``{{text:Field}}``, ``{{hint:Field}}``, ``{{furigana:Field}}``…) name the field after
the last colon; special fields (FrontSide, Tags, Deck, Subdeck, Card, CardFlag, Type) are
not note fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizapp.model import CardType

SPECIAL = frozenset({"frontside", "tags", "deck", "subdeck", "card", "cardflag", "type"})
EXTRA_NAMES = frozenset(
    {"extra", "back extra", "explanation", "notes", "note", "remarks", "comments", "comment",
     "details", "more", "additional notes"}
)  # fmt: skip
SOURCE_NAMES = frozenset({"source", "sources", "reference", "references", "ref", "citation"})

_TAG = re.compile(r"\{\{\{?\s*([^{}]*?)\s*\}?\}\}")


@dataclass(frozen=True, slots=True)
class Shown:
    """The field references of one template side, in order."""

    fields: tuple[str, ...]  # displayed fields (filters stripped), first use order
    after_front: tuple[str, ...]  # displayed after {{FrontSide}} (back only; all if none)
    has_front_side: bool
    typed: str | None  # the field of {{type:Field}} / {{type:cloze:Field}}
    cloze: str | None  # the field of {{cloze:Field}}
    conditions: tuple[str, ...]  # fields used in {{#…}} / {{^…}} sections


def shown(template: str) -> Shown:
    fields: list[str] = []
    after: list[str] = []
    conditions: list[str] = []
    typed = cloze = None
    seen_front = False
    for m in _TAG.finditer(template):
        inner = m.group(1).strip()
        if not inner or inner.startswith("!"):
            continue
        if inner[0] in "#^/":
            if inner[0] != "/":
                conditions.append(inner[1:].strip())
            continue
        parts = [p.strip() for p in inner.split(":")]
        name = parts[-1]
        filters = [p.casefold() for p in parts[:-1]]
        if name.casefold() == "frontside" and not filters:
            seen_front = True
            continue
        if name.casefold() in SPECIAL and not filters:
            continue
        if "type" in filters:
            typed = typed or name
        if "cloze" in filters or "cloze-only" in filters:
            cloze = cloze or name
        if name not in fields:
            fields.append(name)
        if seen_front and name not in after:
            after.append(name)
    return Shown(
        tuple(fields),
        tuple(after) if seen_front else tuple(fields),
        seen_front,
        typed,
        cloze,
        tuple(dict.fromkeys(conditions)),
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """Which note fields (by index) make a card of one template."""

    kind: CardType
    prompt: tuple[int, ...]
    answer: tuple[int, ...]
    extras: tuple[tuple[int, str], ...]  # (field, label; "" = unlabelled), explanation order
    switches: tuple[int, ...]  # fields only used as conditions


def label(name: str) -> str:
    """A readable label for a field name: `bottom_line` → "Bottom line", `primaryOutcome` →
    "Primary outcome"; names with capitals or spaces stay as written."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name.strip())
    words = re.sub(r"[_\s]+", " ", words).strip()
    if words == name.strip() and not name.islower():
        return name.strip()
    return words[:1].upper() + words[1:].lower()


def plan(
    fields: tuple[str, ...],
    front: str,
    back: str,
    *,
    is_cloze: bool = False,
    others: tuple[str, ...] = (),
) -> Plan:
    """The plan of the card rendered by `front` / `back` on a note type with `fields`;
    `others`: the note type's other templates (a field they only test is a switch here
    too, like "Add Reverse" on the first card of Basic (optional reversed card))."""
    index = {f: i for i, f in enumerate(fields)}
    folded = {f.casefold(): i for i, f in enumerate(fields)}

    def idx(names: tuple[str, ...]) -> list[int]:
        out: list[int] = []
        for n in names:
            i = index.get(n, folded.get(n.casefold()))
            if i is not None and i not in out:
                out.append(i)
        return out

    q, a = shown(front), shown(back)
    kind = CardType.BASIC
    if is_cloze:
        kind = CardType.CLOZE
        text = idx((q.cloze or a.cloze or fields[0],))
        prompt = text or [0]
        answer: list[int] = []
    else:
        prompt = idx(q.fields)
        typed = idx((q.typed,)) if q.typed else []
        if typed:
            kind = CardType.TYPED
            prompt = [i for i in prompt if i not in typed]
            answer = typed
        else:
            answer = [i for i in idx(a.after_front) if i not in prompt]
            if len(answer) > 1:
                core = [i for i in answer if fields[i].casefold() not in EXTRA_NAMES | SOURCE_NAMES]
                answer = core or answer[:1]
        if not prompt:
            prompt = [next((i for i in range(len(fields)) if i not in answer), 0)]
        if not answer:  # the back shows nothing new: the next field that is not an extra
            answer = [
                i
                for i in range(len(fields))
                if i not in prompt and fields[i].casefold() not in EXTRA_NAMES | SOURCE_NAMES
            ][:1]
    used = set(prompt) | set(answer)
    shown_anywhere = set(idx(q.fields + a.fields))
    conditions = q.conditions + a.conditions
    for other in others:
        o = shown(other)
        conditions += tuple(c for c in o.conditions if c not in o.fields)
    switches = [i for i in idx(conditions) if i not in shown_anywhere | used]
    used |= set(switches)
    rest = [i for i in range(len(fields)) if i not in used]
    extras: list[tuple[int, str]] = []
    unlabelled = next((i for i in rest if fields[i].casefold() in EXTRA_NAMES), None)
    if unlabelled is not None:
        extras.append((unlabelled, ""))
    extras += [
        (i, label(fields[i]))
        for i in rest
        if i != unlabelled and fields[i].casefold() not in SOURCE_NAMES
    ]
    extras += [(i, "Source") for i in rest if fields[i].casefold() in SOURCE_NAMES]
    return Plan(kind, tuple(prompt), tuple(answer), tuple(extras), tuple(switches))
