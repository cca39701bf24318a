"""Grounding: every drafted card passes the checks; the checks catch ungrounded cards;
the draft of the bundled source covers its facts and passes `decks check`."""

from __future__ import annotations

import shutil
from pathlib import Path

from quizapp.decks.check import check_paths
from quizapp.draft import grounding
from quizapp.draft.drafter import RuleDrafter, draft_deck
from quizapp.draft.extract import extract, parse_text
from quizapp.draft.facts import facts_of, split_sentences
from quizapp.draft.service import draft_file
from quizapp.draft.terms import figures

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "decks" / "sources" / "medscape-sts.txt"


def test_markers_attach_to_the_sentence_they_follow() -> None:
    got = split_sentences(
        "A first claim is made here. [47] Then a second one follows. [5, 6] "
        "A third has none. A fourth has a superscript.¹²"
    )
    assert got == [
        ("A first claim is made here.", "[47]"),
        ("Then a second one follows.", "[5, 6]"),
        ("A third has none.", ""),
        ("A fourth has a superscript.", "¹²"),
    ]


def test_figures_keep_hedges_outside_and_know_their_kind() -> None:
    s = "The presence of fewer than three or four nodules within 5 years gave p < 0.05 in 38%."
    got = [(f.text, f.kind) for f in figures(s)]
    assert got == [
        ("three or four", "count"),
        ("5 years", "duration"),
        ("p < 0.05", "p-value"),
        ("38%", "percent"),
    ]
    assert [f.text for f in figures("In 2018, one study of Eighty percent")] == ["Eighty percent"]


def _card(**kw: object) -> dict[str, object]:
    quote = "As many as 35% of patients develop local recurrence."
    base: dict[str, object] = {
        "id": "x",
        "type": "typed",
        "prompt": "As many as _____ of patients develop it?",
        "answer": "35%",
        "explanation": quote,
        "source": {"id": "s", "quote": quote},
    }
    base.update(kw)
    return base


DOC = "Title\n\nAs many as 35% of patients develop local recurrence. Other text follows here.\n"
SENT = "As many as 35% of patients develop local recurrence."


def test_check_passes_a_grounded_card_and_names_each_fault() -> None:
    assert grounding.check(_card(), SENT, DOC) == []
    assert "the answer is not inside the quote" in grounding.check(_card(answer="40%"), SENT, DOC)
    assert any("accepted answer" in p for p in grounding.check(_card(accept=["45%"]), SENT, DOC))
    assert any(
        "prompt has a number" in p
        for p in grounding.check(_card(prompt="In 2019, how many?"), SENT, DOC)
    )
    bad_quote = _card(source={"id": "s", "quote": "As many as 36% of patients."})
    assert grounding.check(bad_quote, SENT, DOC) == ["the quote is not in the document"]
    cloze = {
        "id": "c",
        "type": "cloze",
        "explanation": SENT,
        "source": {"id": "s", "quote": SENT},
        "text": "As many as 35% of patients develop {{local relapse}}.",
    }
    problems = grounding.check(cloze, SENT, DOC)
    assert any("deletion" in p for p in problems) and "the cloze text is not the quote" in problems
    mcq = {
        "id": "m",
        "type": "mcq",
        "prompt": "Which?",
        "explanation": SENT,
        "source": {"id": "s", "quote": SENT},
        "choices": [
            {"text": "35%", "correct": True, "why": "says so"},
            {"text": "50%", "why": "invented"},
        ],
    }
    assert any("not the document's text" in p for p in grounding.check(mcq, SENT, DOC))
    wrong_ref = _card(source={"id": "s", "quote": SENT, "ref": "[9]"})
    assert any("ref" in p for p in grounding.check(wrong_ref, SENT, DOC))


def test_every_card_of_the_bundled_draft_is_grounded() -> None:
    doc = extract(BUNDLED)
    result = draft_deck(doc, "sts")
    assert result.rejected == []
    text = doc.text()
    for c in result.cards:
        assert grounding.check(c.card, c.sentence, text) == [], c.card["id"]
        assert c.card["draft"] is True and c.card["fact"]
        assert c.card["explanation"] == c.fact.text or c.form == "list"
    by_fact: dict[int, set[str]] = {}
    for c in result.cards:
        by_fact.setdefault(c.fact.index, set()).add(str(c.card["fact"]))
    assert all(len(keys) == 1 for keys in by_fact.values())  # one sentence, one fact key
    ids = [c.card["id"] for c in result.cards]
    assert len(ids) == len(set(ids))
    again = draft_deck(extract(BUNDLED), "sts")
    assert [c.card["id"] for c in again.cards] == ids  # stable slugs


def test_bundled_draft_covers_every_sentence_and_keeps_hedges(tmp_path: Path) -> None:
    src = tmp_path / "medscape-sts.txt"
    shutil.copy(BUNDLED, src)
    result = draft_file(src, deck_id="sts-draft")
    decks, problems = check_paths([result.deck_path])
    assert problems == [] and decks
    facts = result.draft.facts
    assert len(facts) == 16  # the five paragraphs' sentences; title and author line are not
    assert {c.fact.index for c in result.draft.cards} == {f.index for f in facts}
    cards = {c.id: c for c in decks[0].cards}
    typed = {c.answer: c for c in cards.values() if c.type.value == "typed"}
    assert {"35%", "Eighty percent", "5 years", "three or four"} <= set(typed)
    assert "As many as _____" in typed["35%"].prompt
    assert "fewer than _____" in typed["three or four"].prompt
    assert typed["Eighty percent"].accept == ("80%",)
    refs = {c.source.quote.split()[0]: c.source.ref for c in cards.values() if c.source}
    assert refs["As"] == "[47]" and refs["Eighty"] == "[5]" and refs["The"] == ""


def test_variants_offer_other_forms_of_the_same_span() -> None:
    text = extract(BUNDLED).text()
    facts = facts_of(parse_text(text))
    fact = next(f for f in facts if f.text.startswith("In one study"))
    forms = {(c.form, c.card["type"]) for c in RuleDrafter().variants(fact, facts, "s")}
    assert ("mcq", "mcq") in forms and ("typed", "typed") in forms and ("cloze", "cloze") in forms
    for c in RuleDrafter().variants(fact, facts, "s"):
        assert grounding.check(c.card, fact.text, text) == []
