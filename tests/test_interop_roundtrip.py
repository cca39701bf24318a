"""Round trips with Anki's own backend as the oracle: identity (GUIDs, ids) and meaning
(card types, options, answers) survive Anki → quizapp → Anki and quizapp → Anki → quizapp."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS

from quizapp.decks.discovery import bundled_decks_dir
from quizapp.decks.loader import load_deck
from quizapp.interop.apkg_write import export_apkg
from quizapp.interop.importer import import_file
from quizapp.interop.notetype_file import NOTETYPES_FILE, read_notetypes
from quizapp.interop.templates import label, plan
from quizapp.model import CardType

_ALWAYS = IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS


def _export(col: Collection, out: Path, *, legacy: bool) -> Path:
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_media=True, legacy=legacy, with_deck_configs=False
        ),
        limit=None,
    )
    return out


def _import(col: Collection, apkg: Path):  # type: ignore[no-untyped-def]
    return col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(apkg), options=ImportAnkiPackageOptions(update_notes=_ALWAYS)
        )
    ).log


def _fill(col: Collection) -> dict[str, str]:
    """One note of every stock note type and a custom one; label → GUID."""
    guids: dict[str, str] = {}
    deck = col.decks.id("Med::Cardio")

    def add(nt_name: str, label_: str, **fields: str) -> None:
        n = col.new_note(col.models.by_name(nt_name))
        for k, v in fields.items():
            n[k] = v
        n.tags = ["t1"]
        col.add_note(n, deck)
        guids[label_] = n.guid

    add("Basic", "basic", Front="Normal HR?", Back="60–100 bpm")
    add("Basic (and reversed card)", "reversed", Front="Tachycardia", Back="HR above 100")
    add("Basic (optional reversed card)", "optional", Front="Bradycardia", Back="HR below 60",
        **{"Add Reverse": "y"})  # fmt: skip
    add("Basic (type in the answer)", "typed", Front="K upper limit?", Back="5.0")
    add("Cloze", "cloze", Text="The {{c1::SA node}} paces; {{c2::AV node}} delays.",
        **{"Back Extra": "Conduction."})  # fmt: skip
    mm = col.models
    custom = mm.new("Trial")
    for name in ("primary_outcome", "bottom_line", "population"):
        mm.add_field(custom, mm.new_field(name))
    t = mm.new_template("Card 1")
    t["qfmt"] = "{{primary_outcome}}{{#population}}<br>{{population}}{{/population}}"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{bottom_line}}"
    mm.add_template(custom, t)
    mm.add(custom)
    add("Trial", "custom", primary_outcome="Mortality at 30 days", bottom_line="No benefit",
        population="")  # fmt: skip
    return guids


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "latest"])
def test_anki_to_quizapp_to_anki_updates_the_same_notes(tmp_path: Path, legacy: bool) -> None:
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        guids = _fill(col)
        notes_before = col.note_count()
        cards_before = col.card_count()
        apkg = _export(col, tmp_path / "src.apkg", legacy=legacy)
        result = import_file(apkg, tmp_path / "decks")
        deck = load_deck(result.decks[0])
        by_guid = {c.anki.guid for c in deck.cards if c.anki}
        assert by_guid == set(guids.values())
        custom = next(c for c in deck.cards if c.anki and c.anki.guid == guids["custom"])
        assert (custom.prompt, custom.answer) == ("Mortality at 30 days", "No benefit")
        assert "bottom_line" not in custom.explanation
        kinds = {c.id: c.type for c in deck.cards}
        assert sorted(kinds.values()).count(CardType.TYPED) == 1
        assert len(deck.cards) == 8  # 1 + 2 + 2 + 1 + 1 cloze + 1 custom
        notetypes = read_notetypes(tmp_path / "decks" / NOTETYPES_FILE)
        later = time.time() + 10  # Anki updates a note from a newer one only
        back = export_apkg(deck, tmp_path / "back.apkg", notetypes=notetypes, timestamp=later)
        log = _import(col, back)
        assert len(log.new) == 0 and len(log.conflicting) == 0
        assert len(log.updated) == notes_before
        assert col.note_count() == notes_before and col.card_count() == cards_before
    finally:
        col.close()


def _bundled():  # type: ignore[no-untyped-def]
    return load_deck(sorted(bundled_decks_dir().glob("*.yaml"))[0])


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert [(c.id, c.type) for c in a.cards] == [(c.id, c.type) for c in b.cards]
    for x, y in zip(a.cards, b.cards, strict=True):
        assert replace(x, line=0, anki=None) == replace(y, line=0, anki=None), x.id


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "latest"])
def test_quizapp_to_anki_to_quizapp_keeps_ids_types_and_meaning(
    tmp_path: Path, legacy: bool
) -> None:
    deck = _bundled()
    assert any(c.type is CardType.MCQ for c in deck.cards)
    ours = export_apkg(deck, tmp_path / "ours.apkg")
    direct = load_deck(import_file(ours, tmp_path / "a").decks[0])
    _same(deck, direct)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        _import(col, ours)
        assert col.note_count() == len(deck.cards)
        again = _export(col, tmp_path / "from-anki.apkg", legacy=legacy)
    finally:
        col.close()
    back = load_deck(import_file(again, tmp_path / "b").decks[0])
    assert back.id == deck.id
    _same(deck, back)
    # a second trip adds nothing: no provenance line accumulates
    twice = export_apkg(back, tmp_path / "twice.apkg")
    _same(deck, load_deck(import_file(twice, tmp_path / "c").decks[0]))


def test_reexport_of_reimported_cards_keeps_guids(tmp_path: Path) -> None:
    deck = _bundled()
    first = load_deck(import_file(export_apkg(deck, tmp_path / "1.apkg"), tmp_path / "a").decks[0])
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        _import(col, export_apkg(deck, tmp_path / "x.apkg", timestamp=1_700_000_000))
        log = _import(col, export_apkg(first, tmp_path / "y.apkg", timestamp=1_700_000_100))
        assert len(log.new) == 0 and len(log.updated) == len(deck.cards)
    finally:
        col.close()


F = ("Front", "Back", "Extra", "Source", "Add Reverse", "bottom_line")


@pytest.mark.parametrize(
    ("front", "back", "prompt", "answer", "extras"),
    [
        ("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}", (0,), (1,), (2, 5, 3)),
        ("{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}", (1,), (0,), (2, 5, 3)),
        ("{{Front}}", "{{FrontSide}}{{bottom_line}}<br>{{Extra}}", (0,), (5,), (2, 1, 3)),
        ("{{Front}}", "{{Front}}<hr>{{Back}}", (0,), (1,), (2, 5, 3)),  # no FrontSide
        ("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", "{{FrontSide}}{{Front}}", (1,), (0,),
         (2, 5, 3)),
        ("{{Front}}<br>{{type:Back}}", "{{Front}}<hr>{{type:Back}}", (0,), (1,), (2, 5, 3)),
        ("{{text:Front}} {{hint:Extra}}", "{{FrontSide}}{{Back}}{{Tags}}", (0, 2), (1,), (5, 3)),
    ],
)  # fmt: skip
def test_templates_decide_prompt_and_answer(
    front: str, back: str, prompt: tuple[int, ...], answer: tuple[int, ...], extras: tuple
) -> None:
    p = plan(F, front, back, others=("{{#Add Reverse}}{{Back}}{{/Add Reverse}}",))
    assert (p.prompt, p.answer) == (prompt, answer)
    assert tuple(i for i, _ in p.extras) == extras
    if "type:" in front:
        assert p.kind is CardType.TYPED
    if "#Add Reverse" in front:
        assert p.switches == (4,)


def test_cloze_plan_and_labels() -> None:
    p = plan(("Text", "Back Extra", "Note_2"), "{{cloze:Text}}", "{{cloze:Text}}{{Back Extra}}",
             is_cloze=True)  # fmt: skip
    assert p.kind is CardType.CLOZE and p.prompt == (0,)
    assert p.extras == ((1, ""), (2, "Note 2"))
    assert label("bottom_line") == "Bottom line"
    assert label("primaryOutcome") == "Primary outcome"
    assert label("Back Extra") == "Back Extra"


def _text(tmp_path: Path, name: str, body: str):  # type: ignore[no-untyped-def]
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return import_file(p, tmp_path / ("out-" + name.replace(".", "-")))


def test_text_header_matrix(tmp_path: Path) -> None:
    # no #html: header, but HTML in a field → read as HTML (as Anki guesses)
    r = _text(tmp_path, "h.txt", "Q<br>two\tA\n")
    assert load_deck(r.decks[0]).cards[0].prompt == "Q\ntwo"
    # a header row is not a card
    r = _text(tmp_path, "hdr.csv", "Question,Answer,Tags\nWhat?,This,t\n")
    cards = load_deck(r.decks[0]).cards
    assert [c.prompt for c in cards] == ["What?"] and cards[0].tags == ("t",)
    assert any("header" in w for w in r.warnings)
    # a wide CSV: nothing becomes tags silently
    r = _text(tmp_path, "wide.csv", "Stem?,A,B,C,D,E,F,G,H,I\n")
    card = load_deck(r.decks[0]).cards[0]
    assert card.tags == () and "Column 3: B" in card.explanation
    assert any("10 columns" in w for w in r.warnings)
    # reverse note type in the notetype column → two cards
    r = _text(tmp_path, "rev.txt", "#notetype column:1\nBasic (and reversed card)\tF\tB\n")
    cards = load_deck(r.decks[0]).cards
    assert [(c.prompt, c.answer) for c in cards] == [("F", "B"), ("B", "F")]
    # cloze Extra → explanation, unlabelled
    r = _text(tmp_path, "cl.txt", "#notetype:Cloze\nThe {{c1::SA node}} paces\tConduction\n")
    assert load_deck(r.decks[0]).cards[0].explanation == "Conduction"
    # a tab inside a quoted field stays a tab
    r = _text(tmp_path, "tab.csv", '#separator:Comma\n#html:false\n"a\tb",c\n')
    assert load_deck(r.decks[0]).cards[0].prompt == "a\tb"
    # duplicates: said so, and kept on request
    body = "Q\tA\nQ\tB\n"
    r = _text(tmp_path, "dup.tsv", body)
    assert r.cards == 1 and any("--keep-duplicates" in w for w in r.warnings)
    p = tmp_path / "dup2.tsv"
    p.write_text(body, encoding="utf-8")
    assert import_file(p, tmp_path / "o2", keep_duplicates=True).cards == 2


def test_anki_ref_record_matches_the_schema() -> None:
    from quizapp.decks.rules import ANKI_REF, CARD_FIELDS
    from tests.test_decks_rules import SCHEMA, _check_record

    _check_record(ANKI_REF, SCHEMA["$defs"]["ankiRef"])
    assert CARD_FIELDS["anki"].record == "ankiRef"
