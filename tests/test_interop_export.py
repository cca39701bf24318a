"""quizapp deck → .apkg (genanki) → Anki's own importer → our reader."""

from __future__ import annotations

import zipfile
from pathlib import Path

import genanki
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS

from quizapp.interop.apkg_read import read_apkg
from quizapp.interop.apkg_write import (
    MODEL_ID_BASIC,
    anki_deck_id,
    export_apkg,
    numbered_cloze,
)
from quizapp.interop.convert import package_to_decks
from quizapp.model import Card, CardType, Choice, Deck, Source, SourceRef

_ALWAYS = IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS


def _deck(answer: str = "35%") -> Deck:
    src = SourceRef("medscape", "As many as 35% of patients develop recurrence", "[47]")
    d = "sts"
    return Deck(
        id=d,
        title="Sarcoma::Recurrence",
        description="Test deck",
        tags=("oncology",),
        sources={"medscape": Source(id="medscape", title="Medscape STS", publisher="Medscape")},
        cards=[
            Card(
                d,
                "basic-1",
                CardType.BASIC,
                prompt="Is <b> shown literally?",
                answer="No",
                explanation="Deck text is data.",
                tags=("html test",),
                source=src,
            ),
            Card(
                d,
                "typed-1",
                CardType.TYPED,
                prompt="Recurrence rate?",
                answer=answer,
                accept=("35",),
                explanation="Up to 35%.",
                source=src,
            ),
            Card(
                d,
                "mcq-1",
                CardType.MCQ,
                prompt="3-year survival after metastasectomy?",
                choices=(
                    Choice("38%", True, "Reported figure."),
                    Choice("80%", False, "Too high."),
                ),
                explanation="See source.",
                source=src,
            ),
            Card(
                d,
                "cloze-1",
                CardType.CLOZE,
                text="Dissect {{tumor-positive}} nodes & {{only}} those.",
                explanation="Nodes.",
                source=src,
            ),
            Card(
                d,
                "cloze-2",
                CardType.CLOZE,
                text="The {{c1::heart::organ}} beats {{c2::1:30}}.",
                explanation="Numbered.",
                source=src,
                prompt="context line",
            ),
            Card(
                d,
                "img-1",
                CardType.BASIC,
                prompt="What is shown? [image: ecg.png]",
                answer="ECG",
                explanation="A picture.",
                source=src,
            ),
        ],
    )


def test_numbered_cloze() -> None:
    assert numbered_cloze("a {{x}} b {{y}}") == "a {{c1::x}} b {{c2::y}}"
    assert numbered_cloze("a {{c3::x::h}}") == "a {{c3::x::h}}"


def test_stable_ids() -> None:
    assert anki_deck_id("sts") == anki_deck_id("sts")
    assert anki_deck_id("sts") != anki_deck_id("sts2")
    assert 1 << 30 <= anki_deck_id("x") < 1 << 31


def _import_into_anki(apkg: Path, root: Path) -> Collection:
    col = Collection(str(root / "collection.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(apkg),
            options=ImportAnkiPackageOptions(
                with_scheduling=False,
                update_notes=_ALWAYS,
            ),
        )
    )
    return col


def test_round_trip_through_anki(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (media / "ecg.png").write_bytes(b"\x89PNG fake")
    apkg = export_apkg(_deck(), tmp_path / "sts.apkg", include_media_dir=media)
    with zipfile.ZipFile(apkg) as z:
        assert "collection.anki2" in z.namelist()

    col = _import_into_anki(apkg, tmp_path)
    try:
        nids = col.find_notes("")
        assert len(nids) == 6
        notes = {col.get_note(n).guid: col.get_note(n) for n in nids}
        basic = notes[genanki.guid_for("sts", "basic-1")]
        assert basic.note_type()["name"] == "quizapp Basic"
        assert basic["Front"] == "Is &lt;b&gt; shown literally?"
        assert basic["Back"] == "No"
        assert "Deck text is data." in basic["Explanation"]
        assert "[47]" in basic["Source"] and "Medscape STS" in basic["Source"]
        assert sorted(basic.tags) == ["html_test", "oncology"]
        typed = notes[genanki.guid_for("sts", "typed-1")]
        assert typed.note_type()["name"] == "quizapp Typed"
        assert "{{type:Back}}" in typed.note_type()["tmpls"][0]["qfmt"]
        mcq = notes[genanki.guid_for("sts", "mcq-1")]
        assert "<li>38%</li>" in mcq["Options"] and "<li>80%</li>" in mcq["Options"]
        assert mcq["Correct"] == "A" and "Too high." in mcq["Reasons"]
        c1 = notes[genanki.guid_for("sts", "cloze-1")]
        assert c1["Text"] == "Dissect {{c1::tumor-positive}} nodes &amp; {{c2::only}} those."
        assert len(c1.cards()) == 2
        c2 = notes[genanki.guid_for("sts", "cloze-2")]
        assert c2["Text"] == "The {{c1::heart::organ}} beats {{c2::1:30}}."
        img = notes[genanki.guid_for("sts", "img-1")]
        assert img["Front"] == 'What is shown? <img src="ecg.png">'
        assert col.media.have("ecg.png")
        assert col.decks.by_name("Sarcoma::Recurrence") is not None
        assert col.card_count() == 8  # two cloze notes with two deletions each
    finally:
        col.close()


def test_read_back_with_our_reader(tmp_path: Path) -> None:
    apkg = export_apkg(_deck(), tmp_path / "sts.apkg")
    decks = package_to_decks(read_apkg(apkg))
    assert [d.title for d in decks] == ["Sarcoma::Recurrence"]
    cards = {c.prompt or c.text: c for c in decks[0].cards}
    assert cards["Is <b> shown literally?"].answer == "No"
    assert cards["Recurrence rate?"].type is CardType.TYPED
    assert cards["Recurrence rate?"].answer == "35%"
    assert "Dissect {{tumor-positive}} nodes & {{only}} those." in cards  # restored as written
    assert "Deck text is data." in cards["Is <b> shown literally?"].explanation


def test_reexport_updates_same_notes(tmp_path: Path) -> None:
    # Anki updates a note only from a newer package: give the re-export a later time
    first = export_apkg(_deck(), tmp_path / "a.apkg", timestamp=1_700_000_000)
    second = export_apkg(_deck(answer="35 %"), tmp_path / "b.apkg", timestamp=1_700_000_100)
    col = _import_into_anki(first, tmp_path)
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=str(second),
                options=ImportAnkiPackageOptions(update_notes=_ALWAYS),
            )
        )
        assert len(col.find_notes("")) == 6
        guid = genanki.guid_for("sts", "typed-1")
        typed = next(n for n in (col.get_note(i) for i in col.find_notes("")) if n.guid == guid)
        assert typed["Back"] == "35 %"
        assert col.models.get(MODEL_ID_BASIC) is not None or col.models.by_name("quizapp Basic")
    finally:
        col.close()
