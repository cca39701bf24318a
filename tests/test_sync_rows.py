"""Sync's row building and its worker processes.

* `deck_rows.card_json` writes exactly `json.dumps(card_data(card), …)` and its hash.
* `prepare_file` reports unreadable, identical and bad files without raising.
* A sync prepared in worker processes stores exactly what a sync prepared in-process
  stores (rows, reports, problems), also when a worker dies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks import cloze, facts, loader
from quizapp.decks.discovery import bundled_decks_dir
from quizapp.decks.errors import DeckError
from quizapp.model import Card, CardType, Choice, SourceRef
from quizapp.store import deck_rows, open_database, sync_pool
from quizapp.store.sync import SyncReport, sync_paths
from tests.conftest import SMALL_DECK

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_TEXTS = st.lists(_TEXT, max_size=3).map(tuple)


@st.composite
def cards(draw: st.DrawFn) -> Card:
    choices = draw(
        st.lists(st.builds(Choice, _TEXT, st.booleans(), _TEXT, st.booleans()), max_size=3)
    )
    cloze_accept = draw(
        st.dictionaries(st.integers(1, 12), _TEXTS, max_size=3).map(lambda d: tuple(d.items()))
    )
    source = draw(st.none() | st.builds(SourceRef, _TEXT, _TEXT, _TEXT))
    return Card(
        deck_id=draw(_TEXT),
        id=draw(_TEXT),
        type=draw(st.sampled_from(CardType)),
        prompt=draw(_TEXT),
        answer=draw(_TEXT),
        accept=draw(_TEXTS),
        choices=tuple(choices),
        text=draw(_TEXT),
        explanation=draw(_TEXT),
        tags=draw(_TEXTS),
        source=source,
        line=draw(st.integers(0, 10**6)),
        fact=draw(st.sampled_from(["", "fact-1", "é.x_2"])),
        cloze_accept=cloze_accept,
    )


@settings(max_examples=300, deadline=None)
@given(cards())
def test_card_json_is_json_dumps_of_card_data(card: Card) -> None:
    data = deck_rows.card_data(card)
    payload, digest = deck_rows.card_json(card)
    assert payload == json.dumps(data, ensure_ascii=False, sort_keys=True)
    del data["line"]
    expected = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    assert digest == hashlib.sha1(expected).hexdigest()


def test_prepare_file_outcomes(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    deck = write_deck()
    ok = deck_rows.prepare_file(str(deck))
    assert ok.kind == "ok" and ok.deck is not None and ok.deck[0] == "small"
    assert ok.digest == hashlib.sha256(deck.read_bytes()).hexdigest()
    assert ok.rows is not None and [(r[1], r[2]) for r in ok.rows][-2:] == [
        ("cloze-1", 1),
        ("cloze-1", 2),
    ]
    assert deck_rows.prepare_file(str(deck), ok.digest) == deck_rows.Prepared("same", ok.digest)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: [unclosed\n")
    got = deck_rows.prepare_file(str(bad))
    assert got.kind == "bad" and got.problems and got.problems[0].file == str(bad)
    got = deck_rows.prepare_file(str(tmp_path / "gone.yaml"))
    assert got.kind == "unreadable" and got.problems
    assert got.problems[0].message.startswith("cannot read:")


# ---------------------------------------------------------------------------- workers


def _spy(path: str, known_hash: str | None) -> deck_rows.Prepared:
    """prepare_file, noting which process ran it; a worker dies on a file named die-*."""
    log = Path(os.environ["QUIZAPP_TEST_SPY"])
    with log.open("a") as f:
        f.write(f"{os.getpid()}\n")
    if Path(path).name.startswith("die-") and os.getpid() != int(os.environ["QUIZAPP_TEST_PARENT"]):
        os._exit(3)
    return deck_rows.prepare_file(path, known_hash)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for p in sorted(bundled_decks_dir().glob("*.yaml")):
        shutil.copy(p, folder / p.name)
    for i in range(4):
        (folder / f"s{i}.yaml").write_text(SMALL_DECK.replace("id: small", f"id: small-{i}", 1))
    (folder / "die-a.yaml").write_text(SMALL_DECK.replace("id: small", "id: small-die", 1))
    (folder / "t-bad.yaml").write_text("id: bad\ntitle: [unclosed\n")
    (folder / "t-dup.yaml").write_text(SMALL_DECK.replace("id: small", "id: small-1", 1))
    return folder


def _state(db: Any, report: SyncReport) -> tuple[Any, ...]:
    cards = db.execute(
        "SELECT id, deck_id, card_id, ord, type, content_hash, tags, search, data, position, "
        "active FROM cards ORDER BY id"
    ).fetchall()
    decks = db.execute(
        "SELECT id, title, description, tags, sources, path, file_size, file_mtime_ns, "
        "file_hash, card_count, active FROM decks ORDER BY id"
    ).fetchall()
    rep = (
        report.deck_ids,
        report.parsed,
        report.unchanged,
        [str(p) for p in report.problems],
        report.added,
        report.updated,
        report.deactivated,
    )
    return rep, cards, decks


def _edit(folder: Path) -> None:
    s0 = folder / "s0.yaml"
    s0.write_text(s0.read_text().replace("Front one", "Front one, edited"))
    s2 = folder / "s2.yaml"
    text = s2.read_text()
    s2.write_text(text[: text.index("  - id: basic-1")] + text[text.index("  - id: typed-1") :])
    os.utime(folder / "s3.yaml", ns=(1, 1))  # touched, same bytes


@pytest.mark.parametrize("die", [False, True], ids=["workers", "a-worker-dies"])
def test_workers_store_what_the_serial_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, die: bool
) -> None:
    folder = _folder(tmp_path)
    if not die:
        (folder / "die-a.yaml").rename(folder / "s-a.yaml")
    spy = tmp_path / "spy.log"
    monkeypatch.setenv("QUIZAPP_TEST_SPY", str(spy))
    monkeypatch.setenv("QUIZAPP_TEST_PARENT", str(os.getpid()))
    monkeypatch.setattr(sync_pool, "prepare_file", _spy)
    monkeypatch.setattr(sync_pool, "_fork_is_safe", lambda: True)
    monkeypatch.setattr(sync_pool, "_cpus", lambda: 2)  # workers even on a one-core machine
    serial_db = open_database(tmp_path / "serial.db")
    pooled_db = open_database(tmp_path / "pooled.db")
    try:
        for step in range(2):
            monkeypatch.setattr(sync_pool, "PARALLEL_MIN_BYTES", 1 << 40)
            serial = _state(serial_db, sync_paths(serial_db, [folder]))
            assert set(spy.read_text().split()) == {str(os.getpid())}
            spy.unlink()
            monkeypatch.setattr(sync_pool, "PARALLEL_MIN_BYTES", 0)
            pooled = _state(pooled_db, sync_paths(pooled_db, [folder]))
            pids = spy.read_text().split()
            spy.unlink()
            assert any(pid != str(os.getpid()) for pid in pids)  # workers did prepare files
            if die and step == 0:
                assert str(os.getpid()) in pids  # …and this process finished the rest
            assert pooled[0] == serial[0]
            assert [r[1:] for r in pooled[1]] == [r[1:] for r in serial[1]]
            assert pooled[2] == serial[2]
            if step == 0:
                assert serial[0][4] > 0 and serial[0][3]  # cards added, problems reported
                _edit(folder)
            else:
                # s0: one card edited; s2: one card removed, the four after it moved up
                assert serial[0][5] == 5 and serial[0][6] == 1 and serial[0][2] >= 1
    finally:
        serial_db.conn.close()
        pooled_db.conn.close()


def test_no_fork_no_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_deck: Callable[..., Path]
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    def refuse(*a: object, **k: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    deck = write_deck()
    write_deck(SMALL_DECK.replace("id: small", "id: other", 1), name="other.yaml")
    monkeypatch.setattr(sync_pool, "_fork_is_safe", lambda: True)
    monkeypatch.setattr(sync_pool, "_cpus", lambda: 2)
    monkeypatch.setattr(sync_pool, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    db = open_database(tmp_path / "x.db")
    try:
        report = sync_paths(db, [deck.parent])  # prepared here instead
        assert report.parsed == ["other", "small"] and not report.problems
    finally:
        db.conn.close()


def test_workers_only_for_big_syncs(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = [("a.yaml", None), ("b.yaml", None)]
    big = [sync_pool.PARALLEL_MIN_BYTES] * 2
    monkeypatch.setattr(sync_pool, "_cpus", lambda: 2)
    monkeypatch.setattr(sync_pool, "_fork_is_safe", lambda: True)
    assert sync_pool.worker_count(jobs, big) == 2
    assert sync_pool.worker_count(jobs[:1], big[:1]) == 0  # one file
    assert sync_pool.worker_count(jobs, [10, 10]) == 0  # small files
    monkeypatch.setattr(sync_pool, "_cpus", lambda: 1)
    assert sync_pool.worker_count(jobs, big) == 0  # one core
    monkeypatch.setattr(sync_pool, "_cpus", lambda: 2)
    monkeypatch.setattr(sync_pool, "_fork_is_safe", lambda: False)
    assert sync_pool.worker_count(jobs, big) == 0  # another thread runs


def test_never_fork_beside_another_thread() -> None:
    assert sync_pool._fork_is_safe() == (threading.active_count() == 1)
    got: list[bool] = []
    t = threading.Thread(target=lambda: got.append(sync_pool._fork_is_safe()))
    t.start()
    t.join()
    assert got == [False]  # from a thread (the TUI syncs in one)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not sync_pool._fork_is_safe()  # nor while another thread runs
    finally:
        release.set()
        other.join()


# ---------------------------------------------------------------------------- one encoder

FIXTURES = Path(__file__).parent / "fixtures"
DECK_FILES = sorted((FIXTURES / "good_decks").glob("*.y*ml")) + sorted(
    bundled_decks_dir().glob("*.yaml")
)
_MIXED = """\
id: mixed
title: "Mixed \\"quotes\\" and \\\\ backslashes"
tags: [t1, t2]
sources: {s: {title: S}}
cards:
  - {id: a, type: basic, prompt: "p \\u00e9 \\t", answer: x, explanation: e,
     source: {id: s, quote: q}, fact: f-1}
  - id: b
    type: typed
    prompt: How many?
    answer: 35
    accept: ["35 %", thirty-five]
    explanation: The precise path reads `35` as written.
    tags: [t2, t3]
    source: {id: s, quote: q, ref: "[1]"}
  - id: c
    type: mcq
    prompt: Pick
    choices:
      - {text: "A \\"one\\"", correct: true, why: w}
      - {text: B, correct: true, why: "w\\nw"}
      - {text: C, why: w, fixed: true}
    explanation: e
    source: {id: s, quote: q}
  - id: d
    type: cloze
    text: "{{c2::b::hint}} then {{c1::a}} and {{c2::again}}"
    accept: {2: ["bee", "B"], "1": [ay]}
    prompt: context
    explanation: e
    source: {id: s, quote: q}
  - id: e
    type: basic
    prompt: yes
    answer: no
    explanation: e
    source: {id: s, quote: q}
  - id: f
    type: basic
    draft: true
    prompt: a draft
    answer: x
    explanation: e
    source: {id: s, quote: other}
"""


def _both(data: bytes, path: Path) -> bool:
    """Rows built from the validated fields == rows of the loaded `Card`s (or both fail)."""
    try:
        deck = loader.load_deck_text(data, path)
    except DeckError as e:
        with pytest.raises(DeckError) as built_error:
            loader.load_deck_built(data, path, deck_rows.SYNC_KIT)
        assert built_error.value.problems == e.problems
        return False
    built, entries = loader.load_deck_built(data, path, deck_rows.SYNC_KIT)
    assert deck_rows.entry_rows(built.id, entries) == deck_rows.item_rows(deck)
    assert deck_rows.deck_row(built, len(entries)) == deck_rows.deck_row(deck, len(deck.cards))
    return True


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_rows_from_fields_are_the_rows_of_cards(path: Path) -> None:
    _both(path.read_bytes(), path)


@pytest.mark.parametrize("tabs", [False, True], ids=["fast", "precise"])
def test_rows_from_fields_mixed_deck(tabs: bool) -> None:
    # a tab (in quotes): the whole file takes the precise path
    text = _MIXED.replace("prompt: Pick", 'prompt: "Pick\t(tab)"') if tabs else _MIXED
    fast = loader._fast_load(text.encode(), text, Path("mixed.yaml"))
    assert (fast is None) == tabs
    assert _both(text.encode(), Path("mixed.yaml"))
    _deck, entries = loader.load_deck_built(_MIXED.encode(), Path("m.yaml"), deck_rows.SYNC_KIT)
    assert [e[2] for e in entries] == [(0,), (0,), (0,), [1, 2], (0,), (0,)]
    assert [e[8] for e in entries] == [False] * 5 + [True]  # f is a draft: no row
    rows = deck_rows.entry_rows("mixed", entries)
    assert [r[1] for r in rows] == ["a", "b", "c", "d", "d", "e"]
    # a names its fact; b..e quote the same text "q": one fact, keyed by a's key
    assert {r[9] for r in rows} == {"f-1"}
    assert '"fixed": true' in entries[2][3]
    assert '"cloze_accept": [[1, ["ay"]], [2,' in entries[3][3]
    assert '"answer": "35"' in entries[1][3] and '"answer": "no"' in entries[4][3]


_FUZZ_BASE = _MIXED


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_FUZZ_BASE)),
            st.integers(0, 12),
            st.sampled_from(['"', "\\", "{{", "}}", "c1::", "35", "yes", "\n", ": ", "é", "\t"])
            | st.text(max_size=4),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_rows_from_fields_fuzzed(edits: list[tuple[int, int, str]]) -> None:
    text = _FUZZ_BASE
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return
    _both(data, Path("fuzz.yaml"))


def _reference_rows(deck: Any) -> list[tuple[Any, ...]]:
    """The rows as first specified: json.dumps of card_data, cloze.deletions, plain_text."""
    rows = []
    studied = [c for c in deck.cards if not c.draft]
    keys = facts.fact_keys(
        [
            facts.FactEntry(c.id, c.fact, c.source.source_id, c.source.quote)
            if c.source
            else facts.FactEntry(c.id, c.fact)
            for c in studied
        ],
        deck_rows.source_texts(deck),
    )
    for position, (card, fact) in enumerate(zip(studied, keys, strict=True)):
        data = deck_rows.card_data(card)
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        del data["line"]
        digest = hashlib.sha1(json.dumps(data, ensure_ascii=False, sort_keys=True).encode())
        parts = [card.id, card.prompt, card.answer, *card.accept, cloze.plain_text(card.text)]
        parts += [c.text for c in card.choices] + [card.explanation]
        search = " ".join(p for p in parts if p).casefold()
        tags = " " + " ".join(card.tags) + " "
        ords = [d.ord for d in cloze.deletions(card.text)] if card.type == "cloze" else [0]
        ctype, sha1 = str(card.type), digest.hexdigest()
        for o in ords:
            rows.append((deck.id, card.id, o, ctype, sha1, tags, search, payload, position, fact))
    return rows


@pytest.mark.parametrize("path", [*DECK_FILES, Path("mixed.yaml")], ids=lambda p: p.name)
def test_rows_match_their_specification(path: Path) -> None:
    data = _MIXED.encode() if path.name == "mixed.yaml" else path.read_bytes()
    deck = loader.load_deck_text(data, path)
    built, entries = loader.load_deck_built(data, path, deck_rows.SYNC_KIT)
    sources = deck_rows.source_texts(deck)
    assert deck_rows.entry_rows(built.id, entries, sources) == _reference_rows(deck)
