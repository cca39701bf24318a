"""Image and occlusion cards in the deck format: loading, `decks check`, rows, grading."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from quizapp.decks.errors import DeckError
from quizapp.decks.loader import load_deck
from quizapp.decks.media import MediaError, open_image, resolve_image
from quizapp.decks.occlusion import ShapeError, parse_shape, shape_text
from quizapp.model import CardImage, CardType, Shape
from quizapp.store.deck_rows import card_data, item_rows
from quizapp.store.items import StudyItem, card_from_data
from quizapp.study.grading import grade

EXAMPLE = Path(__file__).resolve().parents[1] / "decks" / "examples" / "images"

DECK = """\
id: pics
title: Pictures
sources:
  s: {{title: Notes}}
cards:
  - id: c1
    type: basic
    prompt: What is shown?
    answer: A square.
    image: {{file: {file}, alt: A red square}}
    explanation: It is a square.
    source: {{id: s, quote: "A square."}}
"""


def _png(path: Path, size: tuple[int, int] = (8, 6)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "red").save(path)
    return path


def _deck(tmp_path: Path, file: str) -> Path:
    deck = tmp_path / "deck" / "pics.yaml"
    deck.parent.mkdir(parents=True, exist_ok=True)
    deck.write_text(DECK.format(file=file))
    return deck


def _check_problems(deck: Path) -> list[str]:
    with pytest.raises(DeckError) as e:
        load_deck(deck, check_quotes=True)
    return [str(p) for p in e.value.problems]


def _bomb_png(path: Path, side: int = 30_000) -> None:
    """A PNG whose header says side×side pixels (the pixel data is tiny and truncated)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    data += chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    path.write_bytes(data)


def test_the_example_deck_checks_clean() -> None:
    deck = load_deck(EXAMPLE / "images.yaml", check_quotes=True)
    occ = next(c for c in deck.cards if c.type is CardType.OCCLUSION)
    assert occ.image == CardImage(
        "images/heart.png",
        "Schematic heart: two atria above, two ventricles below, the septum down the middle.",
    )
    assert [s.kind for s in occ.shapes] == ["rect", "rect", "polygon", "ellipse"]
    assert [s.group for s in occ.shapes] == [1, 2, 3, 4]
    basic = next(c for c in deck.cards if c.id == "ecg-qrs-meaning")
    assert basic.answer_image is not None and basic.image is None
    for png in (EXAMPLE / "images").glob("*.png"):
        assert png.stat().st_size < 50_000


def test_a_good_image_loads_and_checks(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "img/a.png")
    _png(deck.parent / "img" / "a.png")
    card = load_deck(deck, check_quotes=True).cards[0]
    assert card.image == CardImage("img/a.png", "A red square")


def test_missing_alt_is_a_problem_with_position(tmp_path: Path) -> None:
    deck = tmp_path / "d.yaml"
    deck.write_text(DECK.format(file="a.png").replace(", alt: A red square", ""))
    with pytest.raises(DeckError) as e:
        load_deck(deck)
    (problem,) = e.value.problems
    assert (problem.line, problem.message) == (10, "the card's `image` has no `alt`")
    assert "alt:" in problem.hint


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("../outside.png", "image file `../outside.png` is outside the deck's folder"),
        ("/etc/passwd", "image file `/etc/passwd` is an absolute path"),
    ],
)
def test_a_path_escaping_the_folder_is_refused_even_without_check(
    tmp_path: Path, file: str, message: str
) -> None:
    deck = _deck(tmp_path, file)
    with pytest.raises(DeckError) as e:
        load_deck(deck)
    (problem,) = e.value.problems
    assert problem.message == message
    assert str(problem).startswith(f"{deck}:10:")


def test_a_symlink_out_of_the_folder_is_one_clear_error(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "link.png")
    (deck.parent / "link.png").symlink_to(_png(tmp_path / "elsewhere" / "x.png"))
    assert load_deck(deck).cards[0].image is not None  # loading does not open files
    (problem,) = _check_problems(deck)
    assert "pics.yaml:10:" in problem and "[card c1]" in problem
    assert "image file `link.png` leads outside the deck's folder (symlink?)" in problem


def test_a_missing_image_is_one_clear_error(tmp_path: Path) -> None:
    (problem,) = _check_problems(_deck(tmp_path, "nope.png"))
    assert "image file `nope.png` does not exist" in problem


def test_a_truncated_png_is_one_clear_error(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "cut.png")
    whole = _png(tmp_path / "whole.png", (64, 64)).read_bytes()
    (deck.parent / "cut.png").write_bytes(whole[: len(whole) // 2])
    (problem,) = _check_problems(deck)
    assert "image `cut.png` cannot be decoded" in problem
    assert "re-export it as PNG or JPEG" in problem


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "bomb.png")
    _bomb_png(deck.parent / "bomb.png")
    (problem,) = _check_problems(deck)
    assert "image `bomb.png` has too many pixels (more than 40,000,000)" in problem


def test_an_image_over_the_pixel_limit_but_under_pillows_hard_limit(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    _bomb_png(path, side=7_000)  # 49 MP: over our 40 MP, under Pillow's own 2x error
    with pytest.raises(MediaError, match=r"7000×7000 = 49.0 megapixels \(at most 40\)"):
        open_image(path)


def test_an_image_over_20_mb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(MediaError, match=r"big.png` is 20.0 MB \(at most 20 MB\)"):
        open_image(path)


def test_resolve_image_keeps_inside_the_folder(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "a.png")
    png = _png(deck.parent / "a.png")
    assert resolve_image(deck, "a.png") == png.resolve()
    with pytest.raises(MediaError, match="outside"):
        resolve_image(deck, "../a.png")


# ------------------------------------------------------------------- occlusion cards

OCC = """\
id: occ
title: Occlusion
sources:
  s: {title: Notes}
cards:
  - id: o1
    type: occlusion
    image: {file: a.png, alt: A square}
    mode: hide-one
    shapes:
      - {group: 2, label: top, shape: rect 0 0 1 0.5}
      - {group: 1, label: bottom, shape: "polygon 0,0.5 1,0.5 1,1"}
      - {group: 2, label: top too, shape: ellipse 0.1 0.1 0.2 0.2}
    explanation: Halves.
    source: {id: s, quote: "Halves."}
"""


def test_occlusion_card_gives_one_item_per_group(tmp_path: Path) -> None:
    path = tmp_path / "occ.yaml"
    path.write_text(OCC)
    deck = load_deck(path)
    card = deck.cards[0]
    assert card.mode == "hide-one"
    assert card.shapes[1] == Shape(1, "bottom", "polygon", (0.0, 0.5, 1.0, 0.5, 1.0, 1.0))
    rows = item_rows(deck)
    assert [(r[1], r[2], r[3]) for r in rows] == [("o1", 1, "occlusion"), ("o1", 2, "occlusion")]
    assert "top too" in rows[0][6] and "a square" in rows[0][6]  # search: labels and alt
    back = card_from_data("occ", "o1", card_data(card))
    assert back.shapes == card.shapes and back.image == card.image and back.mode == card.mode


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("circle 0 0 1 1", "unknown shape `circle`"),
        ("rect 0 0 1", "rect needs 4 numbers"),
        ("rect 0.5 0 0.6 1", "reaches past the image's edge"),
        ("rect 0 0 2 1", "2 is outside 0–1"),
        ("polygon 0,0 1,1", "at least 3 points"),
        ("polygon 0,0 1 1,1", "polygon point `1` is not `x,y`"),
    ],
)
def test_bad_shapes_are_refused(tmp_path: Path, shape: str, message: str) -> None:
    path = tmp_path / "occ.yaml"
    path.write_text(OCC.replace("rect 0 0 1 0.5", f'"{shape}"'))
    with pytest.raises(DeckError) as e:
        load_deck(path)
    (problem,) = e.value.problems
    assert problem.line == 11 and message in problem.message


def test_occlusion_needs_shapes_and_an_image_and_other_cards_refuse_shapes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "occ.yaml"
    text = OCC.replace("    image: {file: a.png, alt: A square}\n", "")
    text += text.split("cards:\n")[1].replace("o1", "o2").replace("occlusion", "basic", 1)
    path.write_text(text)
    with pytest.raises(DeckError) as e:
        load_deck(path)
    messages = [p.message for p in e.value.problems]
    assert "card o1 has no `image`" in messages
    assert "`shapes` is not a key of a basic card" in messages
    assert "bad group" not in " ".join(messages)


def test_group_must_be_a_whole_number(tmp_path: Path) -> None:
    path = tmp_path / "occ.yaml"
    path.write_text(OCC.replace("group: 2, label: top,", "group: 0, label: top,"))
    with pytest.raises(DeckError, match="`group` must be a whole number from 1, not `0`"):
        load_deck(path)


def test_shape_text_round_trips() -> None:
    for text in ("rect 0.1 0.2 0.3 0.4", "ellipse 0 0 1 1", "polygon 0,0 0.5,1 1,0.25"):
        assert shape_text(*parse_shape(text)) == text
    with pytest.raises(ShapeError):
        parse_shape("")


def _item(tmp_path: Path, ord_: int) -> StudyItem:
    path = tmp_path / "occ.yaml"
    path.write_text(OCC)
    card = load_deck(path).cards[0]
    return StudyItem(card_pk=1, deck_id="occ", card_id="o1", ord=ord_, card=card)


def test_occlusion_grading_reveals_or_matches_the_label(tmp_path: Path) -> None:
    top = _item(tmp_path, 2)
    revealed = grade(top, None)
    assert revealed.correct is None and revealed.expected == "top; top too"
    assert grade(top, "top").correct is True
    assert grade(top, "top too").correct is True
    assert grade(top, "bottom").correct is False
    assert grade(_item(tmp_path, 1), "botom").correct is True  # a typo is tolerated
    assert grade(_item(tmp_path, 1), "").correct is None


def test_copying_the_example_deck_keeps_it_valid(tmp_path: Path) -> None:
    copy = tmp_path / "ex"
    shutil.copytree(EXAMPLE, copy)
    assert len(load_deck(copy / "images.yaml", check_quotes=True).cards) == 3


def test_sync_stores_one_item_per_group_and_the_deck_path(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from quizapp.decks.fastpath import fast_load
    from quizapp.store.items import load_items
    from quizapp.store.sync import sync_paths

    path = EXAMPLE / "images.yaml"
    data = path.read_bytes()
    fast = fast_load(data, data.decode(), path)
    assert fast is not None and fast.cards == load_deck(path).cards  # images: precise cards
    sync_paths(db, [EXAMPLE])
    pks = [r[0] for r in db.conn.execute("SELECT id FROM cards ORDER BY id")]
    items = load_items(db, pks)
    assert [(i.card_id, i.ord) for i in items] == [
        ("heart-chambers", 1),
        ("heart-chambers", 2),
        ("heart-chambers", 3),
        ("heart-chambers", 4),
        ("ecg-qrs", 0),
        ("ecg-qrs-meaning", 0),
    ]
    assert Path(items[0].deck_path) == path.resolve()
    assert items[0].card.shapes == load_deck(path).cards[0].shapes


def test_display_decoding_scales_down_and_is_cached(tmp_path: Path) -> None:
    from quizapp.study import images

    path = tmp_path / "big.jpg"
    Image.new("RGB", (1600, 1000), "blue").save(path)
    small = images.decoded(path, (200, 100))
    assert small.width <= 200 and small.height <= 100 and small.mode == "RGBA"
    assert images.decoded(path, (200, 100)) is small  # the session's cache
    assert images.decoded(path).size == (1600, 1000)  # full size: another entry
