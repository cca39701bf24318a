"""Fact groups in use: sync stores each item's fact, a study session keeps related items
apart (never back to back; by default one item of a fact per day), a quiz block asks one
card per fact while it can, and `decks check` verifies `ref` markers."""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks.check import check_paths
from quizapp.model import Rating
from quizapp.quiz.library import build_block, fact_note
from quizapp.store import open_database
from quizapp.store.db import Database, StoreError
from quizapp.store.learners import bool_setting, ensure_learner, update_settings
from quizapp.store.sync import sync_paths
from quizapp.study.session import StudySession, session_for
from tests.conftest import FakeClock

SOURCE = "Alpha is first. Beta comes second. Gamma is third. Delta is last.\n"


def _deck(groups: list[int], *, explicit: bool = True, deck_id: str = "f") -> str:
    """A deck with one card per entry of `groups` (the entry is the card's fact number):
    explicit `fact:` keys, or (explicit False) quotes of the fact's sentence; every fourth
    card a cloze card with two deletions."""
    sentences = ["Alpha is first.", "Beta comes second.", "Gamma is third.", "Delta is last."]
    lines = [f"id: {deck_id}", "title: Facts", "sources:", "  s: {title: S, file: src.txt}"]
    lines.append("cards:")
    for i, g in enumerate(groups):
        quote = sentences[g % 4] if not explicit else f"Card {i} says something."
        lines.append(f"  - id: c{i}")
        if i % 4 == 3:
            lines += ["    type: cloze", f'    text: "{{{{x{i}}}}} and {{{{y{i}}}}}"']
        else:
            lines += ["    type: typed", f"    prompt: Q{i}", f"    answer: A{i}"]
        if explicit:
            lines.append(f"    fact: fact-{g}")
        lines += ["    explanation: E.", f'    source: {{id: s, quote: "{quote}"}}']
    return "\n".join(lines) + "\n"


def _setup(tmp_path: Path, text: str, name: str = "db.sqlite") -> tuple[Database, Path]:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    (folder / "src.txt").write_text(SOURCE)
    (folder / "f.yaml").write_text(text)
    db = open_database(tmp_path / name)
    report = sync_paths(db, [folder])
    assert not report.problems, report.problems
    return db, folder


def _facts(db: Database) -> dict[int, str]:
    return dict(db.conn.execute("SELECT id, fact FROM cards WHERE active = 1").fetchall())


def _others_available(
    db: Database, session: StudySession, fact: str, new_left: int, now_ms: int
) -> bool:
    """Whether any item of another fact could be served now (independent SQL)."""
    lid = session.learner.id
    learning = db.conn.execute(
        """SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card_pk
           WHERE s.learner_id = ? AND s.state IN (1, 3) AND s.due <= ? AND c.fact != ?
             AND s.buried_until <= ? AND s.suspended = 0""",
        [lid, now_ms + 20 * 60_000, fact, now_ms],
    ).fetchone()[0]
    new = db.conn.execute(
        """SELECT count(*) FROM cards c
           LEFT JOIN card_state s ON s.card_pk = c.id AND s.learner_id = ?
           WHERE c.active = 1 AND s.state IS NULL AND coalesce(s.buried_until, 0) <= ?
             AND c.fact != ?""",
        [lid, now_ms, fact],
    ).fetchone()[0]
    return bool(learning or (new and new_left > 0))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    groups=st.lists(st.integers(0, 3), min_size=2, max_size=14),
    bury=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_related_items_are_never_served_back_to_back(
    tmp_path_factory: pytest.TempPathFactory, groups: list[int], bury: bool, seed: int
) -> None:
    tmp_path = tmp_path_factory.mktemp("adjacent")
    db, _ = _setup(tmp_path, _deck(groups))
    clock = FakeClock()
    learner = ensure_learner(db, "ann")
    learner = update_settings(db, learner.id, new_per_day=999, bury_related=bury)
    session = session_for(db, learner, ["f"], clock=clock, fuzz=False)
    facts = _facts(db)
    rng = random.Random(seed)
    prev = None
    for _ in range(120):
        item = session.next_item()
        if item is None:
            break
        if prev is not None and facts[item.card_pk] == facts[prev]:
            new_done, _ = session.done_today()
            now_ms = int(clock().timestamp() * 1000)
            left = session.new_limit() - new_done
            assert not _others_available(db, session, facts[prev], left, now_ms)
        session.answer(item, rng.choice([Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.EASY]))
        prev = item.card_pk
        clock.advance(seconds=rng.choice([5, 30, 90]))
    db.conn.close()


def _served_today(session: StudySession, clock: FakeClock) -> list[int]:
    served: list[int] = []
    while (item := session.next_item()) is not None:
        served.append(item.card_pk)
        session.answer(item, Rating.EASY)  # straight to review: not back today
        clock.advance(seconds=10)
    return served


def test_one_item_of_a_fact_per_day_by_default(tmp_path: Path) -> None:
    # Key-less cards: facts come from quotes (same sentence of the source file).
    db, _ = _setup(tmp_path, _deck([0, 0, 1, 0, 1, 2], explicit=False))
    facts = _facts(db)
    assert len(set(facts.values())) == 3
    clock = FakeClock()
    learner = update_settings(db, ensure_learner(db, "ann").id, new_per_day=99)
    assert bool_setting(learner, "bury_related")
    session = session_for(db, learner, ["f"], clock=clock, fuzz=False)
    served = _served_today(session, clock)
    assert sorted(facts[pk] for pk in served) == sorted(set(facts.values()))
    clock.advance(days=1)
    session = session_for(db, learner, ["f"], clock=clock, fuzz=False)
    tomorrow = _served_today(session, clock)
    assert tomorrow and all(pk not in served for pk in tomorrow)
    assert len({facts[pk] for pk in tomorrow}) == len(tomorrow)  # again one per fact


def test_with_burying_off_related_items_come_the_same_day(tmp_path: Path) -> None:
    db, _ = _setup(tmp_path, _deck([0, 0, 1, 0, 1, 2], explicit=False))
    clock = FakeClock()
    learner = ensure_learner(db, "ann")
    with pytest.raises(StoreError, match="bury_related must be on or off"):
        update_settings(db, learner.id, bury_related="sometimes")
    learner = update_settings(db, learner.id, new_per_day=99, bury_related="off")
    assert learner.settings["bury_related"] is False
    session = session_for(db, learner, ["f"], clock=clock, fuzz=False)
    served = _served_today(session, clock)
    facts = _facts(db)
    # every item but one deletion of the cloze card c3 (cloze siblings stay buried)
    assert len(served) == len(facts) - 1 == len(set(served))
    assert all(facts[a] != facts[b] for a, b in pairwise(served))


def test_burying_is_one_indexed_lookup(tmp_path: Path) -> None:
    db, _ = _setup(tmp_path, _deck([0, 0, 1]))
    plan = " ".join(
        str(r[-1])
        for r in db.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM cards WHERE deck_id = 'f' AND fact = 'fact-0'"
            " AND fact != '' AND id != 1 AND +active = 1"
        )
    )
    assert "cards_fact" in plan


def test_undo_unburies_related_items(tmp_path: Path) -> None:
    db, _ = _setup(tmp_path, _deck([0, 0, 1]))
    clock = FakeClock()
    learner = update_settings(db, ensure_learner(db, "ann").id, new_per_day=99)
    session = session_for(db, learner, ["f"], clock=clock, fuzz=False)
    first = session.next_item()
    assert first is not None and first.card.fact == "fact-0"
    session.answer(first, Rating.GOOD)
    assert session.counts().new == 1  # c1 (same fact) buried, c2 left
    session.undo()
    assert session.counts().new == 3


# ---------------------------------------------------------------------------- quiz


def _quiz_deck(groups: list[int]) -> str:
    lines = ["id: q", "title: Quiz", "sources:", "  s: {title: S}", "cards:"]
    for i, g in enumerate(groups):
        lines += [
            f"  - id: q{i}",
            "    type: typed",
            f"    prompt: Q{i}",
            f"    answer: A{i}",
            f"    fact: k{g}",
            "    explanation: E.",
            f'    source: {{id: s, quote: "Quote {i}."}}',
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(5))
def test_quiz_block_draws_one_card_per_fact(tmp_path: Path, seed: int) -> None:
    db, _ = _setup(tmp_path, _quiz_deck([0, 0, 0, 1, 1, 2, 3, 3, 4]))
    learner = ensure_learner(db, "ann")
    block = build_block(db, learner, n=5, pool="all", rng_seed=seed)
    facts = [q.item.card.fact for q in block.all_questions()]
    assert sorted(facts) == ["k0", "k1", "k2", "k3", "k4"]
    assert fact_note(block) == ""


def test_quiz_block_fills_up_and_says_facts_are_shared(tmp_path: Path) -> None:
    db, _ = _setup(tmp_path, _quiz_deck([0, 0, 0, 1, 1, 2]))
    learner = ensure_learner(db, "ann")
    block = build_block(db, learner, n=5, pool="all", rng_seed=1)
    assert len(block.all_questions()) == 5
    assert {q.item.card.fact for q in block.all_questions()} == {"k0", "k1", "k2"}
    assert fact_note(block) == "only 3 distinct facts in this pool: some questions share a fact"


# ---------------------------------------------------------------------------- sync


def test_draft_cards_are_not_studied(tmp_path: Path) -> None:
    text = _quiz_deck([0, 1, 2]).replace("  - id: q1\n", "  - id: q1\n    draft: true\n")
    db, folder = _setup(tmp_path, text)
    ids = [r[0] for r in db.conn.execute("SELECT card_id FROM cards WHERE active = 1")]
    assert ids == ["q0", "q2"]
    decks, problems = check_paths([folder])
    assert not problems and [c.draft for c in decks[0].cards] == [False, True, False]


def test_a_v5_database_gets_its_facts_at_the_next_sync(tmp_path: Path) -> None:
    from sqlite_utils import Database as Raw

    from quizapp.store import deck_rows
    from quizapp.store.migrations import migrations

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "src.txt").write_text(SOURCE)
    deck = folder / "f.yaml"
    deck.write_text(_deck([0, 0, 1, 2, 1], explicit=False))
    prepared = deck_rows.prepare_file(str(deck))
    assert prepared.kind == "ok" and prepared.deck and prepared.rows
    old = Raw(tmp_path / "p.db")
    migrations.apply(old, stop_before="0006_facts_and_presentations")
    st = deck.stat()
    old.execute(
        """INSERT INTO decks (id, title, description, tags, sources, path, file_size,
               file_mtime_ns, file_hash, card_count, active, synced_at)
           VALUES ('f', 'Facts', '', '[]', '{}', ?, ?, ?, ?, 5, 1, 0)""",
        [str(deck.resolve()), st.st_size, st.st_mtime_ns, prepared.digest],
    )
    old.conn.executemany(
        """INSERT INTO cards (deck_id, card_id, ord, type, content_hash, tags, search, data,
               position, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
        [r[:9] for r in prepared.rows],
    )
    old.execute("INSERT INTO learners (id, name, created_at) VALUES (1, 'ann', 0)")
    old.execute("INSERT INTO card_state (learner_id, card_pk, state, due) VALUES (1, 1, 2, 0)")
    old.conn.commit()
    old.conn.close()

    db = open_database(tmp_path / "p.db")
    assert set(_facts(db).values()) == {""}
    report = sync_paths(db, [folder])
    assert report.parsed == ["f"] and report.updated == len(prepared.rows)
    assert _facts(db) == {i + 1: r[9] for i, r in enumerate(prepared.rows)}
    assert len(set(_facts(db).values())) == 3
    assert db.conn.execute("SELECT state FROM card_state WHERE card_pk = 1").fetchone() == (2,)


# ---------------------------------------------------------------------------- decks check


def test_check_reports_a_ref_that_does_not_follow_the_quote(
    write_deck: Callable[..., Path],
) -> None:
    text = (
        _quiz_deck([0, 1, 2])
        .replace("  s: {title: S}", "  s: {title: S, file: source.txt}")
        .replace('"Quote 0."}', '"Sentence one.", ref: "[47]"}')
        .replace('"Quote 1."}', '"As many as 35% recur.", ref: "[47]"}')
        .replace('"Quote 2."}', '"Survival was 38%.", ref: "[5]"}')
    )
    path = write_deck(text, name="refs.yaml")
    (path.parent / "source.txt").write_text(
        "Sentence one. [5] As many as 35% recur. [47] Survival was 38%. Next.\n"
    )
    _decks, problems = check_paths([path])
    lines = text.splitlines()

    def at(quote: str, ref: str) -> str:
        n = next(i for i, line in enumerate(lines) if quote in line)
        return f"{path}:{n + 1}:{lines[n].index(ref) + 1}"

    first, second = at("Sentence one.", '"[47]"'), at("Survival was", '"[5]"')
    assert [str(p) for p in problems] == [
        f"{first}: [card q0] ref [47] does not follow this quote in "
        'the source (the sentence ends with [5]) — write `ref: "[5]"`',
        f"{second}: [card q2] ref [5] does not follow this quote in "
        "the source (no marker follows this sentence) — remove `ref`",
    ]


def test_the_bundled_deck_passes_check_with_its_facts() -> None:
    from quizapp.decks.discovery import bundled_decks_dir

    decks, problems = check_paths([bundled_decks_dir()])
    assert not problems
    cards = decks[0].cards
    assert all(c.fact for c in cards)
    assert sum(1 for c in cards if c.cloze_accept) == 12
