"""Anki text files with headers, plain CSV/TSV, and the HTML → text conversion."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.decks.loader import load_deck
from quizapp.interop.apkg_read import AnkiImportError
from quizapp.interop.convert import card_id_for_guid
from quizapp.interop.htmltext import html_to_text, safe_media_name
from quizapp.interop.importer import import_file
from quizapp.model import CardType


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_headers_html_tags_guid_and_deck_columns(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        "export.txt",
        "#separator:tab\n#html:true\n#guid column:1\n#deck column:2\n#tags column:5\n"
        "abc123\tCardio::Basics\tWhat is <b>HR</b>?\t60&ndash;100<br>bpm\tcardio vitals\n"
        "x/y+z\tCardio::Basics\tNo\tyes\t\n"
        "q9\tRenal\tNormal K?\t3.5-5.0\trenal\n",
    )
    result = import_file(src, tmp_path / "out")
    assert result.deck_ids == ["cardio-basics", "renal"]
    assert result.notes == 3 and result.cards == 3 and not result.skipped
    deck = load_deck(tmp_path / "out" / "cardio-basics.yaml")
    assert deck.title == "Cardio::Basics"
    c = deck.cards[0]
    assert c.id == card_id_for_guid("abc123")
    assert (c.prompt, c.answer, c.tags) == ("What is HR?", "60–100\nbpm", ("cardio", "vitals"))
    assert deck.cards[1].prompt == "No" and deck.cards[1].answer == "yes"  # strings, not booleans


def test_columns_notetype_and_global_tags(tmp_path: Path) -> None:
    src = _write(
        tmp_path,
        "cloze.csv",
        "#separator:Semicolon\n#notetype:Cloze\n#deck:Pharm\n#tags:imported pharm\n"
        "#columns:Text;Back Extra\n"
        '"Adrenaline is given {{c1::IM}} in {{c2::anaphylaxis}}";"0.5 mg"\n',
    )
    result = import_file(src, tmp_path / "out")
    deck = load_deck(result.decks[0])
    card = deck.cards[0]
    assert card.type is CardType.CLOZE
    assert card.text == "Adrenaline is given {{c1::IM}} in {{c2::anaphylaxis}}"
    assert card.explanation == "0.5 mg"
    assert card.tags == ("imported", "pharm")
    assert card.id.startswith("txt-")


def test_html_false_keeps_markup_as_text(tmp_path: Path) -> None:
    src = _write(tmp_path, "t.txt", "#separator:Pipe\n#html:false\n<b>bold</b>|a & b\n")
    deck = load_deck(import_file(src, tmp_path / "out").decks[0])
    assert deck.cards[0].prompt == "<b>bold</b>" and deck.cards[0].answer == "a & b"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("plain.tsv", "Front side\tBack side\tt1 t2\nSecond\tAnswer 2\t\n"),
        ("plain.csv", 'Front side,"Back, with comma",t1 t2\nSecond,Answer 2,\n'),
        ("named.csv", 'front,back,tags\nFront side,"Back, with comma",t1 t2\nSecond,Answer 2,\n'),
    ],
)
def test_plain_csv_tsv(tmp_path: Path, name: str, body: str) -> None:
    result = import_file(_write(tmp_path, name, body), tmp_path / "out")
    deck = load_deck(result.decks[0])
    assert deck.id == Path(name).stem
    assert [c.prompt for c in deck.cards] == ["Front side", "Second"]
    assert deck.cards[0].tags == ("t1", "t2")
    assert deck.cards[1].explanation == "Imported from Anki."


def test_reimport_keeps_text_ids_and_skips_duplicates(tmp_path: Path) -> None:
    a = import_file(_write(tmp_path, "d.tsv", "Q1\tA1\nQ2\tA2\nQ1\tagain\n"), tmp_path / "o")
    assert len(a.skipped) == 1 and "earlier row" in a.skipped[0]
    first = [c.id for c in load_deck(a.decks[0]).cards]
    b = import_file(_write(tmp_path, "d.tsv", "Q1\tA1 edited\nQ2\tA2\n"), tmp_path / "o")
    assert [c.id for c in load_deck(b.decks[0]).cards] == first


def test_bad_text_files(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9\tx\n".encode("latin-1"))
    with pytest.raises(AnkiImportError, match="not UTF-8"):
        import_file(bad, tmp_path / "o")
    with pytest.raises(AnkiImportError, match="columns are numbered from 1"):
        import_file(_write(tmp_path, "c.txt", "#tags column:0\na\tb\n"), tmp_path / "o")
    with pytest.raises(AnkiImportError, match="separator"):
        import_file(_write(tmp_path, "s.txt", "#separator:weird\na\tb\n"), tmp_path / "o")
    r = import_file(_write(tmp_path, "e.tsv", "only front\t\n"), tmp_path / "o")
    assert r.cards == 0 and r.skipped


def test_html_to_text() -> None:
    text, media = html_to_text(
        "<div>One</div><div>Two &amp; <i>three</i></div><ul><li>a</li><li>b</li></ul>"
        '<style>.x{}</style><script>evil()</script><img src="../../etc/passwd">'
        '<img src="a%20b.png"> [sound:../x.mp3]'
    )
    assert text == "One\nTwo & three\n• a\n• b\n[image: passwd][image: a b.png] [sound: x.mp3]"
    assert media == ["passwd", "a b.png", "x.mp3"]
    assert safe_media_name("..hidden") == "hidden"
    assert safe_media_name("C:\\x\\y.png") == "y.png"
    assert safe_media_name("../..") == ""
