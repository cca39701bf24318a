"""Reading Anki packages made at test time by Anki's own backend (the `anki` package)."""

from __future__ import annotations

import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from anki.collection import Collection, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer

from quizapp.decks import cloze
from quizapp.decks.loader import load_deck
from quizapp.interop.apkg_read import AnkiImportError, read_apkg
from quizapp.interop.convert import card_id_for_guid, package_to_decks
from quizapp.interop.importer import import_file
from quizapp.model import CardType

CARD_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
DECK_ID = r"^[a-z0-9][a-z0-9._-]*$"


@dataclass
class Built:
    legacy: Path
    latest: Path
    updated: Path  # latest format, after editing one note
    guids: dict[str, str]  # label → note guid
    answered: int  # reviews made


def _export(col: Collection, out: Path, *, legacy: bool) -> Path:
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_media=True, legacy=legacy, with_deck_configs=False
        ),
        limit=None,
    )
    return out


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("anki")
    col = Collection(str(root / "collection.anki2"))
    try:
        guids: dict[str, str] = {}
        child = col.decks.id("Parent::Child")
        default = col.decks.id("Default")
        basic = col.models.by_name("Basic")
        n = col.new_note(basic)
        n["Front"] = "What is the <b>normal</b> adult heart rate?<br>(at rest)"
        n["Back"] = '60&ndash;100 bpm <img src="ecg.png"><script>alert(1)</script>'
        n.tags = ["cardio", "vitals::hr"]
        col.add_note(n, child)
        guids["basic"] = n.guid
        basic_nid = n.id

        rev = col.models.by_name("Basic (and reversed card)")
        n = col.new_note(rev)
        n["Front"] = "Tachycardia"
        n["Back"] = "Heart rate above 100 bpm [sound:beat.mp3]"
        col.add_note(n, default)
        guids["reversed"] = n.guid

        typed = col.models.by_name("Basic (type in the answer)")
        n = col.new_note(typed)
        n["Front"] = "Normal potassium upper limit (mmol/L)?"
        n["Back"] = "5.0"
        col.add_note(n, default)
        guids["typed"] = n.guid

        cl = col.models.by_name("Cloze")
        n = col.new_note(cl)
        n["Text"] = "The {{c1::SA node::pacemaker}} sets the rate; the {{c2::AV node}} delays it."
        n["Back Extra"] = "Conduction <i>system</i>."
        n.tags = ["cardio"]
        col.add_note(n, default)
        guids["cloze"] = n.guid

        # a custom note type with named fields
        mm = col.models
        custom = mm.new("Med Q")
        for name in ("Question", "Answer", "Explanation", "Source", "Mnemonic"):
            mm.add_field(custom, mm.new_field(name))
        t = mm.new_template("Card 1")
        t["qfmt"] = "{{Question}}"
        t["afmt"] = "{{FrontSide}}<hr id=answer>{{Answer}}"
        mm.add_template(custom, t)
        mm.add(custom)
        custom = mm.by_name("Med Q")
        n = col.new_note(custom)
        n["Question"] = "First-line drug for anaphylaxis?"
        n["Answer"] = "IM adrenaline"
        n["Explanation"] = "0.5 mg IM in adults."
        n["Source"] = "Resuscitation Council UK"
        n["Mnemonic"] = "A for anaphylaxis"
        col.add_note(n, child)
        guids["custom"] = n.guid

        n = col.new_note(basic)
        n["Front"] = ""
        n["Back"] = "orphan back"
        col.add_note(n, default)
        guids["empty"] = n.guid

        col.media.write_data("ecg.png", b"\x89PNG\r\n\x1a\nfake-png")
        col.media.write_data("beat.mp3", b"ID3fake-mp3")

        answered = 0
        for _ in range(4):
            card = col.sched.getCard()
            if card is None:
                break
            states = col._backend.get_scheduling_states(card.id)
            col.sched.answer_card(
                col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
            )
            answered += 1

        legacy = _export(col, root / "legacy.apkg", legacy=True)
        latest = _export(col, root / "latest.apkg", legacy=False)
        note = col.get_note(basic_nid)
        note["Back"] = "60 to 100 bpm"
        col.update_note(note)
        updated = _export(col, root / "updated.apkg", legacy=False)
    finally:
        col.close()
    return Built(legacy, latest, updated, guids, answered)


@pytest.fixture(params=["legacy", "latest"])
def package(request: pytest.FixtureRequest, built: Built) -> Path:
    return getattr(built, request.param)


def test_package_versions(built: Built) -> None:
    assert read_apkg(built.legacy).version == 2
    latest = read_apkg(built.latest)
    assert latest.version == 3
    assert latest.schema >= 18


def test_reader_reads_notes_cards_revlog_decks(package: Path, built: Built) -> None:
    calls: list[tuple[int, int]] = []
    pkg = read_apkg(package, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert {n.guid for n in pkg.notes} == set(built.guids.values())
    assert "Parent::Child" in pkg.decks.values()
    names = {nt.name for nt in pkg.notetypes.values()}
    assert {"Basic", "Cloze", "Med Q"} <= names
    cloze_nt = next(nt for nt in pkg.notetypes.values() if nt.name == "Cloze")
    assert cloze_nt.is_cloze and cloze_nt.fields == ("Text", "Back Extra")
    basic = next(n for n in pkg.notes if n.guid == built.guids["basic"])
    assert basic.tags == ("cardio", "vitals::hr")
    assert basic.fields[1].startswith("60&ndash;100 bpm")
    assert len(pkg.revlog) == built.answered
    assert all(r.ease == 3 for r in pkg.revlog)
    # 1 basic + 2 reversed + 1 typed + 2 cloze + 1 custom + 1 empty
    assert len(pkg.cards) == 8
    assert {"ecg.png", "beat.mp3"} <= set(pkg.media)


def _by_guid(decks: list, guid: str):  # type: ignore[no-untyped-def]
    cid = card_id_for_guid(guid)
    for d in decks:
        for c in d.cards:
            if c.id == cid:
                return d, c
    raise AssertionError(f"no card for {guid}")


def test_conversion_field_by_field(package: Path, built: Built) -> None:
    decks = package_to_decks(read_apkg(package))
    assert [d.id for d in decks] == ["default", "parent-child"]
    child = decks[1]
    assert child.title == "Parent::Child"
    assert child.sources["anki"].title == package.name
    assert child.sources["anki"].publisher == "Anki package"

    deck, card = _by_guid(decks, built.guids["basic"])
    assert deck.id == "parent-child"
    assert card.type is CardType.BASIC
    assert card.prompt == "What is the normal adult heart rate?\n(at rest)"
    assert card.answer == "60–100 bpm [image: ecg.png]"  # entity decoded, script dropped
    assert card.tags == ("cardio", "vitals::hr")
    assert card.explanation == "Imported from Anki."
    assert card.source is not None and card.source.source_id == "anki"
    assert card.source.quote == card.prompt

    deck, card = _by_guid(decks, built.guids["cloze"])
    assert deck.id == "default"
    assert card.type is CardType.CLOZE
    assert card.text == (
        "The {{c1::SA node::pacemaker}} sets the rate; the {{c2::AV node}} delays it."
    )
    assert [d.ord for d in cloze.deletions(card.text)] == [1, 2]
    assert card.explanation == "Conduction system."

    _, card = _by_guid(decks, built.guids["typed"])
    assert card.type is CardType.TYPED and card.answer == "5.0"

    _, card = _by_guid(decks, built.guids["reversed"])
    assert card.answer == "Heart rate above 100 bpm [sound: beat.mp3]"
    default = decks[0]
    rev = next(c for c in default.cards if c.id == card.id + "-r")
    assert rev.prompt == card.answer and rev.answer == card.prompt

    _, card = _by_guid(decks, built.guids["custom"])
    assert card.prompt == "First-line drug for anaphylaxis?"
    assert card.answer == "IM adrenaline"
    assert card.explanation == (
        "0.5 mg IM in adults.\n\nMnemonic: A for anaphylaxis\n\nSource: Resuscitation Council UK"
    )


def test_import_file_writes_valid_yaml_media_and_revlog(
    package: Path, built: Built, tmp_path: Path
) -> None:
    result = import_file(package, tmp_path)
    assert sorted(p.name for p in result.decks) == ["default.yaml", "parent-child.yaml"]
    assert result.notes == 6
    assert result.cards == 6  # 5 importable notes + 1 reverse card
    assert len(result.skipped) == 1 and "empty 'Front'" in result.skipped[0]
    assert (tmp_path / "media" / "ecg.png").read_bytes() == b"\x89PNG\r\n\x1a\nfake-png"
    assert (tmp_path / "media" / "beat.mp3").read_bytes() == b"ID3fake-mp3"
    # the queue serves Default's cards: reversed, typed, cloze c1, then the empty note (skipped)
    assert built.answered == 4
    assert len(result.revlog) == 3
    cloze_id = card_id_for_guid(built.guids["cloze"])
    assert [(e.card_id, e.ord) for e in result.revlog] == [
        (card_id_for_guid(built.guids["reversed"]), 0),
        (card_id_for_guid(built.guids["typed"]), 0),
        (cloze_id, 1),
    ]
    all_ids = {(d, c) for d, c, *_ in result.schedule}
    for entry in result.revlog:
        assert (entry.deck_id, entry.card_id) in all_ids
        assert entry.ease == 3 and entry.reviewed_at_ms > 1_600_000_000_000
    for path in result.decks:
        loaded = load_deck(path)  # valid under `decks check`
        assert loaded.cards
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= {"format", "id", "title", "description", "tags", "sources", "cards"}
        assert data["cards"]
        for c in data["cards"]:
            assert list(c)[:2] == ["id", "type"]
            assert c["explanation"] and c["source"]["quote"]
            for key in ("prompt", "answer", "text", "explanation"):
                if key in c:
                    assert isinstance(c[key], str)


def test_reimport_of_updated_package_keeps_ids(built: Built, tmp_path: Path) -> None:
    first = import_file(built.latest, tmp_path)
    before = {c.id for d in package_to_decks(read_apkg(built.latest)) for c in d.cards}
    second = import_file(built.updated, tmp_path)
    after_decks = package_to_decks(read_apkg(built.updated))
    after = {c.id for d in after_decks for c in d.cards}
    assert before == after
    assert first.decks == second.decks
    _, card = _by_guid(after_decks, built.guids["basic"])
    assert card.answer == "60 to 100 bpm"
    assert "60 to 100 bpm" in (tmp_path / "parent-child.yaml").read_text(encoding="utf-8")


def test_ids_are_valid(package: Path) -> None:
    import re

    for d in package_to_decks(read_apkg(package), deck_id_prefix="Mine"):
        assert re.match(DECK_ID, d.id) and d.id.startswith("mine-")
        for c in d.cards:
            assert re.match(CARD_ID, c.id) and len(c.id) <= 64


def test_card_id_for_guid_is_deterministic_and_valid() -> None:
    import re

    for guid in ("I_fG^g8pE5", "bI)nXywQt=", "a/b+c", "x" * 80, "ünï"):
        cid = card_id_for_guid(guid)
        assert cid == card_id_for_guid(guid)
        assert re.match(CARD_ID, cid) and len(cid) <= 62
    assert card_id_for_guid("a") != card_id_for_guid("A")


# --- malformed packages ---


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    p.write_bytes(b"this is not a zip")
    with pytest.raises(AnkiImportError, match="not a zip"):
        read_apkg(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AnkiImportError, match="no such file"):
        read_apkg(tmp_path / "nope.apkg")


def test_zip_without_collection(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(AnkiImportError, match="no Anki collection"):
        read_apkg(p)


def test_meta_says_latest_but_collection_missing(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("meta", b"\x08\x03")
        z.writestr("collection.anki2", b"")
    with pytest.raises(AnkiImportError, match="no collection inside"):
        read_apkg(p)


def test_unsupported_version(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("meta", b"\x08\x09")
        z.writestr("collection.anki21b", b"")
    with pytest.raises(AnkiImportError, match="unsupported package version"):
        read_apkg(p)


def test_corrupt_sqlite(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("collection.anki21", b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(AnkiImportError, match="not a readable SQLite database"):
        read_apkg(p)


def test_corrupt_zstd(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("meta", b"\x08\x03")
        z.writestr("collection.anki21b", b"definitely not zstd")
    with pytest.raises(AnkiImportError, match="not valid zstd"):
        read_apkg(p)


def test_sqlite_without_anki_tables(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w") as z:
        z.write(db, "collection.anki21")
    with pytest.raises(AnkiImportError, match="not a readable SQLite database"):
        read_apkg(p)


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "a/../../evil", "C:/evil"])
def test_zip_slip_refused(tmp_path: Path, built: Built, name: str) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(built.legacy) as src, zipfile.ZipFile(p, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        z.writestr(name, b"pwned")
    with pytest.raises(AnkiImportError, match="unsafe member"):
        read_apkg(p)


def test_zip_bomb_ratio_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("collection.anki21", b"\x00" * (20 * 1024**2))
    with pytest.raises(AnkiImportError, match="zip bomb"):
        read_apkg(p)


def test_malicious_media_names_are_sanitised(tmp_path: Path, built: Built) -> None:
    # a legacy package whose media map points outside the media folder
    p = tmp_path / "x.apkg"
    with zipfile.ZipFile(built.legacy) as src, zipfile.ZipFile(p, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "media":
                data = b'{"0": "../../ecg.png", "1": "../../beat.mp3"}'
            z.writestr(info.filename, data)
    out = tmp_path / "out"
    result = import_file(p, out)
    assert sorted(x.name for x in result.media) == ["beat.mp3", "ecg.png"]
    assert all(x.parent == out / "media" for x in result.media)
    assert not (tmp_path / "ecg.png").exists()


def test_unknown_extension(tmp_path: Path) -> None:
    p = tmp_path / "deck.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(AnkiImportError, match="don't know how to import"):
        import_file(p, tmp_path / "out")


def test_cli_import_with_progress_replays_history(built: Built, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from quizapp.cli.main import cli

    db_path = tmp_path / "p.db"
    out = tmp_path / "decks"
    args = [
        "--db",
        str(db_path),
        "import",
        str(built.latest),
        "-o",
        str(out),
        "--learner",
        "zoe",
        "--with-progress",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    # one answered note has an empty front: the converter skips it with its review
    assert "Progress for zoe: 3 review(s) added (0 already present" in result.output
    conn = sqlite3.connect(db_path)
    n_reviews, n_states = conn.execute(
        "SELECT (SELECT count(*) FROM reviews), "
        "(SELECT count(*) FROM card_state WHERE state IS NOT NULL)"
    ).fetchone()
    assert built.answered == 4 and n_reviews == 3 and n_states == 3
    # the imported history is a valid chain: each review's stored state-before is the
    # state left by the previous one, and due dates are after the review
    for reviewed_at, due in conn.execute("SELECT reviewed_at, due FROM reviews"):
        assert due > reviewed_at
    conn.close()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert "0 review(s) added" in again.output  # importing twice does not duplicate
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
