"""Anki Image Occlusion ⇄ occlusion cards, with the `anki` package as the oracle.

Anki (the real library) makes a package with a stock Image Occlusion note; quizapp
imports it as an occlusion card, exports it back, and Anki reads the export as an Image
Occlusion note with the same shapes and the same cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anki.collection as anki_collection  # the oracle: a test dependency, never skipped
from PIL import Image

from quizapp.decks.loader import load_deck
from quizapp.interop.apkg_write import export_apkg
from quizapp.interop.importer import import_file
from quizapp.interop.occlusion import occlusion_field, parse_occlusions
from quizapp.model import CardType, Shape

OCCLUSIONS = (
    "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.1:oi=1}}<br>"
    "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.05:oi=1}}<br>"
    "{{c3::image-occlusion:polygon:left=.1:top=.6:points=.1,.6 .3,.6 .2,.8:oi=1}}<br>"
    "{{c3::image-occlusion:rect:left=.7:top=.1:width=.2:height=.2:oi=1}}<br>"
)


def _collection(path: Path) -> Any:
    return anki_collection.Collection(str(path))


def _io_notetype(col: Any) -> int:
    col._backend.add_image_occlusion_notetype()
    return next(m["id"] for m in col.models.all() if m.get("originalStockKind") == 6)


def _anki_package(tmp_path: Path) -> Path:
    """A package made by Anki itself: one Image Occlusion note over a 200×100 PNG."""
    png = tmp_path / "heart.png"
    Image.new("RGB", (200, 100), "white").save(png)
    col = _collection(tmp_path / "src.anki2")
    col.add_image_occlusion_note(
        _io_notetype(col), str(png), OCCLUSIONS, "Name the chamber", "Four chambers.", ["anat"]
    )
    out = tmp_path / "io.apkg"
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(with_scheduling=False, with_media=True),
        limit=None,  # the whole collection
    )
    col.close()
    return out


def _anki_read(apkg: Path, tmp_path: Path) -> list[tuple[Any, int]]:
    """(Anki's image occlusion note, card count) of each note Anki imports from `apkg`."""
    from anki.collection import ImportAnkiPackageRequest

    tmp_path.mkdir(parents=True, exist_ok=True)
    col = _collection(tmp_path / "dest.anki2")
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg)))
    out = []
    for nid in col.find_notes(""):
        resp = col.get_image_occlusion_note(nid)
        assert resp.WhichOneof("value") == "note", resp
        out.append((resp.note, len(col.get_note(nid).cards())))
    col.close()
    return out


def _shapes(note: Any) -> list[tuple[int, str, dict[str, str]]]:
    """Anki's parsed shapes: (ordinal, kind, properties rounded to 3 decimals)."""
    out = []
    for occ in note.occlusions:
        for shape in occ.shapes:
            props = {
                p.name: f"{float(p.value):.3f}" for p in shape.properties if p.name != "points"
            }
            props.update(
                {
                    p.name: " ".join(
                        ",".join(f"{float(v):.3f}" for v in xy.split(",")) for xy in p.value.split()
                    )
                    for p in shape.properties
                    if p.name == "points"
                }
            )
            out.append((occ.ordinal, shape.shape, props))
    return sorted(out, key=lambda s: (s[0], s[1]))


def test_anki_image_occlusion_round_trips(tmp_path: Path) -> None:
    original = _anki_package(tmp_path)
    ((before, cards_before),) = _anki_read(original, tmp_path / "a")

    out = tmp_path / "imported"
    import_file(original, out)
    (deck_file,) = out.glob("*.yaml")
    deck = load_deck(deck_file, check_quotes=True)  # the image is there and decodes
    (card,) = deck.cards
    assert card.type is CardType.OCCLUSION and card.mode == "hide-all"
    assert card.prompt == "Name the chamber" and card.image is not None
    assert (deck_file.parent / card.image.file).is_file()
    assert card.shapes == (
        Shape(1, "region 1", "rect", (0.1, 0.2, 0.3, 0.1)),
        Shape(2, "region 2", "ellipse", (0.5, 0.5, 0.2, 0.1)),
        Shape(3, "region 3", "polygon", (0.1, 0.6, 0.3, 0.6, 0.2, 0.8)),
        Shape(3, "region 3", "rect", (0.7, 0.1, 0.2, 0.2)),
    )

    again = export_apkg(deck, tmp_path / "back.apkg")
    ((after, cards_after),) = _anki_read(again, tmp_path / "b")
    assert _shapes(after) == _shapes(before)
    assert cards_after == cards_before == 3
    assert after.occlude_inactive == before.occlude_inactive is True
    assert after.header == "Name the chamber"


def test_labels_survive_a_round_trip_through_comments(tmp_path: Path) -> None:
    from shutil import copytree

    example = Path(__file__).resolve().parents[1] / "decks" / "examples" / "images"
    copytree(example, tmp_path / "ex")
    deck = load_deck(tmp_path / "ex" / "images.yaml")
    occ = deck.cards[0]
    apkg = export_apkg(deck, tmp_path / "ex.apkg")
    notes = _anki_read(apkg, tmp_path / "r")
    io_notes = [(n, c) for n, c in notes if n.occlusions]
    ((note, count),) = io_notes
    assert count == 4 and len(_shapes(note)) == 4
    out = tmp_path / "back"
    import_file(apkg, out)
    (deck_file,) = out.glob("*.yaml")
    back = next(c for c in load_deck(deck_file).cards if c.type is CardType.OCCLUSION)
    assert (back.deck_id, back.id) == (occ.deck_id, occ.id)  # same deck, same card
    assert back.shapes == occ.shapes  # labels included
    assert (occ.mode, back.mode) == ("", "hide-all")  # the default, written out


def test_occlusion_field_parses_back_to_the_same_shapes() -> None:
    from quizapp.model import Card

    shapes = (
        Shape(1, "a", "rect", (0.1, 0.2, 0.3, 0.1)),
        Shape(2, "b", "ellipse", (0.5, 0.5, 0.2, 0.1)),
        Shape(2, "b", "polygon", (0.1, 0.6, 0.3, 0.6, 0.2, 0.8)),
    )
    card = Card("d", "c", CardType.OCCLUSION, shapes=shapes, mode="hide-one")
    parsed = parse_occlusions(occlusion_field(card))
    assert [(g, k, c) for g, k, c, _ in parsed] == [(s.group, s.kind, s.coords) for s in shapes]
    assert not any(oi for *_, oi in parsed)  # hide-one: inactive shapes are not occluded


def test_pixel_coordinates_of_older_notes_are_scaled_by_the_image() -> None:
    from quizapp.interop.occlusion import occlusion_card

    fields = [
        "{{c1::image-occlusion:rect:left=20:top=10:width=100:height=50}}",
        '<img src="x.png">',
        "",
        "",
        "quizapp labels: 1 = aorta",
    ]
    (card,), reason = occlusion_card(
        fields, "d", "c", (), set(), lambda name: (200, 100), "anki", "Imported."
    )
    assert reason is None
    assert card.shapes == (Shape(1, "aorta", "rect", (0.1, 0.1, 0.5, 0.5)),)
    assert card.mode == "hide-one" and card.image is not None
    assert card.image.file == "media/x.png"


def test_an_img_that_is_a_whole_field_becomes_image(tmp_path: Path) -> None:
    import genanki

    png = tmp_path / "lv.png"
    Image.new("RGB", (30, 20), "red").save(png)
    model = genanki.Model(
        1_234_567,
        "Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    deck = genanki.Deck(7_654_321, "Pictures")
    deck.add_note(genanki.Note(model=model, fields=['<img src="lv.png">', "Left ventricle"]))
    deck.add_note(genanki.Note(model=model, fields=['See <img src="lv.png">', "Text stays"]))
    apkg = tmp_path / "p.apkg"
    genanki.Package(deck, media_files=[str(png)]).write_to_file(str(apkg))
    out = tmp_path / "out"
    import_file(apkg, out)
    (deck_file,) = out.glob("*.yaml")
    whole, inline = load_deck(deck_file, check_quotes=True).cards
    assert whole.image is not None and whole.image.file == "media/lv.png"
    assert "[image:" not in whole.prompt and whole.answer == "Left ventricle"
    assert inline.image is None and inline.prompt == "See [image: lv.png]"
