"""Study shows each mcq presentation in an order of its own, grades and stores it as shown,
and saves exactly the interval its grade keys showed.

Through the real session and plain loop: a learner answering by position scores at chance;
the order survives undo and quit-and-resume and is drawn anew for the next presentation;
"None of the above" keeps its place; the interval on a grade key is the one saved.
"""

from __future__ import annotations

import io
import json
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.plain.study import PlainStudy
from quizapp.store.learners import ensure_learner, update_settings
from quizapp.study import grading
from quizapp.study.session import StudySession, session_for
from tests.conftest import FakeClock
from tests.shuffle_support import at_chance, pin_none_of_the_above, sync_mcq_deck


def _session(db: Database, clock: FakeClock, name: str = "ann", **kw: object) -> StudySession:
    learner = update_settings(db, ensure_learner(db, name).id, new_per_day=9999)
    return session_for(db, learner, ["pos"], clock=clock, **kw)  # type: ignore[arg-type]


class Thinking(io.StringIO):
    """Input lines that each take the learner a few seconds (the clock moves)."""

    def __init__(self, text: str, clock: FakeClock, seconds: int = 7) -> None:
        super().__init__(text)
        self.clock, self.seconds = clock, seconds

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        self.clock.advance(seconds=self.seconds)
        return super().readline(size)


def test_answering_a_to_everything_scores_at_chance_in_plain_study(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    n = 240
    sync_mcq_deck(db, tmp_path / "decks", n)
    session = _session(db, clock)
    out = io.StringIO()
    PlainStudy(session, Thinking("a\n\n" * n, clock), out).run()
    assert session.summary.answered == n
    right = session.summary.correct
    assert at_chance(right, n), f"{right}/{n} right by answering 'a' (chance: {n // 4})"
    rows = db.execute("SELECT response, correct, presentation FROM reviews ORDER BY id").fetchall()
    assert len(rows) == n and sum(r[1] for r in rows) == right
    for response, correct, shown in rows:
        order = json.loads(shown)
        # "a" is the option shown first; the log names it by the card's own letter
        assert response == grading.letters(4)[order[0]]
        assert bool(correct) == (order[0] == 0)
    # the printed options follow the order: the right option is not always A
    first_shown = re.findall(r"^  A\) (right|wrong) \d", out.getvalue(), flags=re.M)
    assert len(first_shown) >= n and 0 < first_shown[:n].count("right") < n


def test_order_is_kept_through_undo_and_resume_and_drawn_anew_after_an_answer(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    sync_mcq_deck(db, tmp_path / "decks", 12)
    session = _session(db, clock)
    item = session.next_item()
    assert item is not None
    first = session.presentation(item)
    assert sorted(first.shown) == [0, 1, 2, 3]
    out = session.answer(item, Rating.GOOD, order=first)
    stored = db.execute("SELECT presentation FROM reviews WHERE id = ?", [out.review_id])
    assert stored.fetchone()[0] == first.to_json()
    back = session.undo()
    assert back is not None and back.card_pk == item.card_pk
    assert session.presentation(back) == first  # undo: the same presentation again
    resumed = _session(db, clock)  # quit and come back
    again = resumed.next_item()
    assert again is not None and again.card_pk == item.card_pk
    assert resumed.presentation(again) == first

    # the next presentation of each card (after an answer) draws a new order
    changed = 0
    for _ in range(12):
        it = resumed.next_item()
        assert it is not None
        before = resumed.presentation(it)
        resumed.answer(it, Rating.EASY, order=before)
        changed += resumed.presentation(it) != before
    assert changed >= 6  # 1 in 24 draws repeats the order
    # another learner sees other orders
    bob = _session(db, clock, "bob")
    ann_orders = [draw.shown for draw in map(session.presentation, _items(session))]
    bob_orders = [draw.shown for draw in map(bob.presentation, _items(bob))]
    assert ann_orders != bob_orders


def _items(session: StudySession) -> list:  # type: ignore[type-arg]
    from quizapp.store.items import load_items

    pks = [r[0] for r in session.db.execute("SELECT id FROM cards ORDER BY position")]
    return load_items(session.db, pks)


def test_none_of_the_above_keeps_its_place(
    db: Database, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_none_of_the_above(monkeypatch)
    sync_mcq_deck(db, tmp_path / "decks", 30, none_last=True)
    session = _session(db, clock)
    orders = [session.presentation(it) for it in _items(session)]
    assert all(o.shown[3] == 3 for o in orders)  # pinned as D
    assert len({o.shown for o in orders}) > 1  # the others are shuffled
    out = io.StringIO()
    PlainStudy(session, io.StringIO("d\n\n"), out).run()
    assert "  D) None of the above" in out.getvalue()
    assert "✗ Wrong — the answer is" in out.getvalue()


def test_plain_feedback_lists_the_options_as_shown(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    sync_mcq_deck(db, tmp_path / "decks", 6)
    session = _session(db, clock)
    items = _items(session)
    # a card whose right option is not shown first
    target = next(it for it in items if session.presentation(it).shown[0] != 0)
    for it in items:
        if it.card_pk != target.card_pk:
            session.bury(it)
    order = session.presentation(target)
    right_letter = grading.letters(4)[order.to_display([0])[0]]
    out = io.StringIO()
    PlainStudy(session, io.StringIO(f"{right_letter.lower()}\n\n"), out).run()
    text = out.getvalue()
    assert f"✓ Correct — {right_letter}. {target.card.choices[0].text}" in text
    listed = re.findall(r"^  ([A-D])\) (?:✓ right|✗ wrong): (\S+ \S+)", text, flags=re.M)
    shown_texts = [target.card.choices[i].text for i in order.shown]
    assert [t for _, t in listed] == shown_texts
    assert [letter for letter, _ in listed] == ["A", "B", "C", "D"]
    assert session.summary.correct == 1
    assert db.execute("SELECT response FROM reviews").fetchone()[0] == "A"  # the card's A


# -- preview == saved ---------------------------------------------------------------------


def test_every_grade_saves_the_interval_it_showed(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    """New, learning, review and relearning cards, every grade, with time passing between
    the preview and the answer (which would change a review's interval if it were computed
    again), over several weeks: the saved interval (due minus the time of the answer) is the
    one the grade key showed."""
    sync_mcq_deck(db, tmp_path / "decks", 25)
    session = _session(db, clock, fuzz=True)
    rng = random.Random(11)
    checked: dict[int | None, int] = {}
    for _day in range(40):
        for _ in range(400):
            item = session.next_item()
            if item is None:
                break
            state = session.memory(item).state
            shown = session.preview(item)
            rating = rng.choice(list(Rating))
            # thinking about the grade: seconds, or the screen left open for hours
            clock.advance(seconds=rng.choice([3, 40, 150, 3 * 3600, 9 * 3600]))
            out = session.answer(item, rating, order=session.presentation(item))
            assert out.interval == shown[rating]
            due, at = db.execute(
                "SELECT due, reviewed_at FROM reviews WHERE id = ?", [out.review_id]
            ).fetchone()
            assert timedelta(milliseconds=due - at) == shown[rating]
            checked[state] = checked.get(state, 0) + 1
        clock.advance(days=rng.randint(1, 4))
    assert set(checked) >= {None, 1, 2, 3}, checked  # new, learning, review, relearning


def test_a_changed_card_is_scheduled_anew_not_from_a_stale_preview(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    sync_mcq_deck(db, tmp_path / "decks", 3)
    session = _session(db, clock)
    other = _session(db, clock)  # another window on the same learner
    item = session.next_item()
    assert item is not None
    session.preview(item)
    other.answer(item, Rating.GOOD)  # the card moved on meanwhile
    out = session.answer(item, Rating.GOOD)
    assert out.before.reps == 1 and out.after.reps == 2  # from the state it is in now


def test_plain_study_prints_the_interval_the_grade_key_showed(
    db: Database, tmp_path: Path, clock: FakeClock
) -> None:
    sync_mcq_deck(db, tmp_path / "decks", 30)
    session = _session(db, clock, fuzz=True)
    rng = random.Random(5)
    pairs = 0
    for _day in range(12):
        lines = "".join(f"b\n{rng.choice('1234')}\n" for _ in range(200))
        out = io.StringIO()
        PlainStudy(session, Thinking(lines, clock, seconds=rng.randint(1, 50)), out).run()
        text = out.getvalue()
        keys = re.findall(r"Grade \[(.*?)\] \(Enter", text)
        saved = re.findall(r"Saved: (\w+); next in (\S+)\.", text)
        assert len(saved) == session.summary.answered - pairs
        for shown, (label, when) in zip(keys, saved, strict=False):
            offered = dict((lab, val) for _, lab, val in (k.split(" ") for k in shown.split(", ")))
            assert offered[label] == when, (shown, label, when)
        pairs = session.summary.answered
        clock.advance(days=rng.randint(1, 3))
    assert pairs > 100
