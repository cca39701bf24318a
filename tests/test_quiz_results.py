"""Quiz results on hand-made blocks: score, time, per-tag breakdown, earlier blocks, review."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.model import CardType
from quizapp.quiz import format_percent, quiz_accuracy_by_tag, results
from quizapp.store.learners import ensure_learner
from tests.test_quiz_support import quiz_setup

WriteDeck = Callable[..., Path]

# (card id, cloze ord, response, correct, time_ms)
Row = tuple[str, int, str | None, int | None, int]


def make_block(
    db: Database,
    learner_id: int,
    created_at: int,
    rows: list[Row],
    *,
    status: str = "submitted",
    mode: str = "timed",
) -> int:
    pks = {(r[0], r[1]): r[2] for r in db.conn.execute("SELECT card_id, ord, id FROM cards")}
    cur = db.conn.execute(
        "INSERT INTO quiz_blocks (learner_id, created_at, mode, time_limit_ms, elapsed_ms, "
        "status, current, submitted_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        [
            learner_id,
            created_at,
            mode,
            len(rows) * 90_000,
            sum(r[4] for r in rows),
            status,
            created_at + 60_000 if status == "submitted" else None,
        ],
    )
    block_id = int(cur.lastrowid or 0)
    for pos, (card_id, ord_, response, correct, time_ms) in enumerate(rows, start=1):
        db.conn.execute(
            "INSERT INTO quiz_answers (block_id, position, card_pk, learner_id, response, "
            "correct, flagged, time_ms, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                block_id,
                pos,
                pks[(card_id, ord_)],
                learner_id,
                response,
                correct,
                int(pos == 2),
                time_ms,
                None if response is None else created_at + pos,
            ],
        )
    return block_id


@pytest.fixture
def blocks(db: Database, write_deck: WriteDeck) -> tuple[int, int, int]:
    ann = quiz_setup(db, write_deck)
    bob = ensure_learner(db, "bob")
    earlier = make_block(
        db,
        ann.id,
        1_000,
        [
            ("typed-1", 0, "36", 0, 5_000),
            ("mcq-1", 0, "A", 1, 5_000),
            ("typed-2", 0, "lung", 1, 5_000),
        ],
    )
    # ignored: unfinished, or another learner's
    make_block(db, ann.id, 1_500, [("mcq-2", 0, "C", 0, 1)], status="active")
    make_block(db, bob.id, 1_200, [("mcq-2", 0, "C", 0, 1)])
    later = make_block(
        db,
        ann.id,
        2_000,
        [
            ("typed-1", 0, "thirty-five percent", 1, 10_000),
            ("mcq-1", 0, "B", 0, 20_000),
            ("cloze-1", 1, None, None, 0),
            ("mcq-2", 0, "A,B", 1, 30_000),
        ],
    )
    return ann.id, earlier, later


def test_score_time_tags_and_comparison(db: Database, blocks: tuple[int, int, int]) -> None:
    _, _, later = blocks
    r = results(db, later)
    assert (r.correct, r.total, r.answered, r.percent) == (2, 4, 3, 50)
    assert r.score_line == "Score: 2/4 (50%)"
    assert [e.time_ms for e in r.entries] == [10_000, 20_000, 0, 30_000]
    assert r.average_time_ms == 15_000 and r.elapsed_ms == 60_000
    assert r.flagged == (2,)
    got = {t.tag: (t.correct, t.total, t.previous_correct, t.previous_total) for t in r.tags}
    assert got == {
        "epi": (1, 2, 1, 2),
        "nodes": (1, 2, 0, 0),
        "prog": (0, 1, 2, 2),
        "test": (2, 4, 2, 3),  # the deck's tag is every card's tag
    }
    by = {t.tag: t for t in r.tags}
    assert by["nodes"].previous_percent is None and by["nodes"].change is None
    assert (by["prog"].previous_percent, by["prog"].change) == (100, -100)
    assert (by["test"].percent, by["test"].previous_percent, by["test"].change) == (50, 67, -17)
    assert by["epi"].previous_blocks == 1


def test_review_entries(db: Database, blocks: tuple[int, int, int]) -> None:
    _, _, later = blocks
    typed, mcq, clz, multi = results(db, later).entries
    assert typed.correct and typed.chosen == "thirty-five percent" and typed.expected == "35%"
    assert (typed.source_quote, typed.source_ref, typed.source_title) == (
        "As many as 35% recur.",
        "[47]",
        "A test source",
    )
    assert mcq.type == CardType.MCQ and not mcq.correct
    assert (mcq.chosen, mcq.expected) == ("B) 80%", "A) 38%")
    assert [(o.letter, o.correct, o.chosen, o.why) for o in mcq.options] == [
        ("A", True, False, "Stated."),
        ("B", False, True, "That is the share within 5 years."),
    ]
    assert mcq.explanation == "The 3-year rate was 38%." and mcq.flagged
    assert not clz.answered and not clz.correct and clz.chosen == ""
    assert clz.expected == "positive" and clz.prompt.startswith("Dissect [...] nodes")
    assert clz.full_text == "Dissect positive nodes when there is no metastatic disease."
    assert multi.correct and multi.expected == "A) alpha; B) beta" == multi.chosen


def test_accuracy_by_tag_for_reports(db: Database, blocks: tuple[int, int, int]) -> None:
    ann_id, _, _ = blocks
    assert quiz_accuracy_by_tag(db, ann_id) == {
        "epi": (2, 4),
        "nodes": (1, 2),
        "prog": (2, 3),
        "test": (4, 7),
    }
    later_submitted = 2_000 + 60_000
    assert quiz_accuracy_by_tag(db, ann_id, since_ms=later_submitted) == {
        "epi": (1, 2),
        "nodes": (1, 2),
        "prog": (0, 1),
        "test": (2, 4),
    }


@pytest.mark.parametrize(
    ("k", "n", "p"), [(2, 3, 67), (1, 3, 33), (1, 8, 13), (0, 5, 0), (5, 5, 100), (0, 0, 0)]
)
def test_format_percent(k: int, n: int, p: int) -> None:
    assert format_percent(k, n) == p
