"""New-card limits per deck and in all, the limit message, and study more: extra new
cards today, review ahead, cram without rescheduling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.model import Rating
from quizapp.personal.limits import grant_extra_new, limited_counts
from quizapp.store.db import StoreError
from quizapp.store.learners import Learner, ensure_learner, set_deck_new_limit, update_settings
from quizapp.store.queries.decks import deck_counts
from quizapp.store.sync import sync_paths
from quizapp.study.more import cram, review_ahead
from quizapp.study.session import StudySession, session_for
from tests.conftest import FakeClock


def deck_yaml(deck_id: str, n: int) -> str:
    # each card quotes a sentence of its own: a fact of its own (~c0, ~c1, …)
    cards = "\n".join(
        f"""  - id: c{i}
    type: basic
    prompt: Question {i} of {deck_id}
    answer: Answer {i}
    explanation: Because.
    source: {{id: src, quote: "Sentence number {i} of {deck_id}."}}"""
        for i in range(n)
    )
    return f"""\
id: {deck_id}
title: Deck {deck_id}
tags: [{deck_id}]
sources:
  src:
    title: A test source
    file: source.txt
cards:
{cards}
"""


@pytest.fixture
def learner(db: Database, write_deck: Callable[..., Path]) -> Learner:
    write_deck(deck_yaml("bundled", 44), name="bundled.yaml")
    folder = write_deck(deck_yaml("mine", 5), name="mine.yaml").parent
    report = sync_paths(db, [folder])
    assert sorted(report.deck_ids) == ["bundled", "mine"] and not report.problems, report.problems
    return ensure_learner(db, "ann")


def sess(db: Database, learner: Learner, clock: FakeClock, *decks: str) -> StudySession:
    return session_for(db, learner, list(decks), clock=clock, tz=UTC, fuzz=False)


def study_new(s: StudySession, n: int) -> list[str]:
    """Answer items Good until `n` new ones were answered (or the session has none);
    the decks of the new ones (learning steps due meanwhile are answered too)."""
    decks: list[str] = []
    for _ in range(3 * n + 10):
        item = s.next_item()
        if item is None or len(decks) == n:
            break
        if s.memory(item).is_new:
            decks.append(item.deck_id)
        s.answer(item, Rating.GOOD)
    return decks


def new_by_deck(db: Database, learner: Learner, clock: FakeClock) -> dict[str, tuple[int, int]]:
    rows = limited_counts(
        db, learner, deck_counts(db, learner, None, now=clock.now, tz=UTC), clock.now, UTC
    )
    return {r.deck_id: (r.new, r.new_all or 0) for r in rows}


def test_a_small_deck_gets_its_own_new_cards_after_19_of_another(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    assert study_new(sess(db, learner, clock, "bundled"), 19) == ["bundled"] * 19
    counts = new_by_deck(db, learner, clock)
    assert counts == {"bundled": (1, 25), "mine": (5, 5)}  # 20 − 19 left; mine untouched
    mine = sess(db, learner, clock, "mine")
    assert mine.counts().new == 5
    served = study_new(mine, 10)
    assert served == ["mine"] * 5  # what the row said is what the session gave
    assert mine.next_item() is None and mine.limit_note() is None  # none wait: no message
    assert new_by_deck(db, learner, clock)["mine"] == (0, 0)


def test_several_decks_share_the_total_and_each_keeps_its_own_limit(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    learner = set_deck_new_limit(db, learner.id, "bundled", 3)
    both = sess(db, learner, clock, "bundled", "mine")
    assert both.counts().new == 8  # bundled 3 (its own limit) + mine 5, total 20
    assert sorted(study_new(both, 20)) == ["bundled"] * 3 + ["mine"] * 5
    note = both.limit_note()
    assert note is not None and note.deck == "bundled" and note.limit == 3
    assert note.text() == "new-card limit of bundled reached: 3 today (41 new waiting)"
    assert new_by_deck(db, learner, clock)["bundled"] == (0, 41)
    deck_row = [
        r
        for r in limited_counts(
            db,
            learner,
            deck_counts(db, learner, ["bundled"], now=clock.now, tz=UTC),
            clock.now,
            UTC,
        )
    ]
    assert deck_row[0].limit_reached
    # the learner's total binds a several-deck session: 2 in all
    learner = update_settings(db, learner.id, new_per_day=2)
    set_deck_new_limit(db, learner.id, "bundled", None)
    clock.advance(days=1)
    learner = ensure_learner(db, "ann")
    both = sess(db, learner, clock, "bundled", "mine")
    assert both.counts().new == 2 and len(study_new(both, 5)) == 2
    note = both.limit_note()
    assert note is not None and note.deck is None and note.limit == 2
    assert note.text().startswith("new-card limit reached: 2 today")
    # the next day, a new day's limits
    clock.advance(days=1)
    assert sess(db, learner, clock, "bundled", "mine").counts().new == 2


def test_deck_limits_are_validated(db: Database, learner: Learner) -> None:
    with pytest.raises(StoreError, match="between 0 and 9999"):
        set_deck_new_limit(db, learner.id, "mine", -1)
    with pytest.raises(StoreError, match="must be"):
        update_settings(db, learner.id, deck_limits={"mine": {"new": "many"}})
    with pytest.raises(StoreError, match="must map"):
        update_settings(db, learner.id, deck_limits=[1])
    assert set_deck_new_limit(db, learner.id, "mine", 0).settings["deck_limits"] == {
        "mine": {"new": 0}
    }


def test_extra_new_cards_raise_todays_limit(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    learner = update_settings(db, learner.id, new_per_day=2)
    s = sess(db, learner, clock, "bundled")
    assert len(study_new(s, 5)) == 2
    note = s.limit_note()
    assert note is not None and note.limit == 2 and note.waiting == 42
    learner = grant_extra_new(db, learner, 3, clock.now, UTC)
    s.reload_learner()
    assert s.counts().new == 3 and s.new_limit() == 5
    assert len(study_new(s, 10)) == 3  # exactly the three extra
    note = s.limit_note()
    assert note is not None and note.extra == 3
    assert note.text() == "new-card limit reached: 5 today, 3 extra included (39 new waiting)"
    # another deck's session gets the same extra today, the next day none
    clock.advance(days=1)
    assert sess(db, ensure_learner(db, "ann"), clock, "bundled").counts().new == 2
    with pytest.raises(StoreError, match="from 1 to"):
        grant_extra_new(db, learner, 0, clock.now, UTC)


def test_extra_new_in_a_several_deck_session_gives_exactly_n_more(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    set_deck_new_limit(db, learner.id, "bundled", 2)
    learner = set_deck_new_limit(db, learner.id, "mine", 1)
    s = sess(db, learner, clock, "bundled", "mine")
    assert len(study_new(s, 10)) == 3  # 2 + 1 under a total of 20
    grant_extra_new(db, learner, 2, clock.now, UTC)
    s.reload_learner()
    assert s.counts().new == 2 and len(study_new(s, 10)) == 2


def test_review_ahead_serves_tomorrows_reviews_scheduled_normally(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    s = sess(db, learner, clock, "mine")
    study_new(s, 5)  # learning step 2 (10 min); the learn-ahead window graduates them
    while (item := s.next_item()) is not None:
        s.answer(item, Rating.GOOD)
    dues = [r[0] for r in db.execute("SELECT due FROM card_state ORDER BY due")]
    first_due = dues[0] / 1000
    # the day before the first falls due: nothing to review today
    clock.now = clock.now.fromtimestamp(first_due - 86_400, UTC)
    normal = sess(db, learner, clock, "mine")
    assert normal.next_item() is None and normal.counts().review == 0
    tomorrow = sum(1 for d in dues if d / 1000 < first_due + 86_400 * 0.5)
    ahead = review_ahead(normal, 1)
    assert ahead.counts().review == tomorrow >= 1 and ahead.counts().new == 0
    item = ahead.next_item()
    assert item is not None
    before = db.execute(
        "SELECT due, reps FROM card_state WHERE card_pk = ?", [item.card_pk]
    ).fetchone()
    reviews = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    ahead.answer(item, Rating.GOOD)
    after = db.execute(
        "SELECT due, reps FROM card_state WHERE card_pk = ?", [item.card_pk]
    ).fetchone()
    assert after[1] == before[1] + 1 and after[0] > before[0]  # rescheduled normally
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == reviews + 1
    assert ahead.counts().review == tomorrow - 1
    with pytest.raises(ValueError, match="1 to 365"):
        review_ahead(normal, 0)


def test_cram_leaves_every_card_state_row_unchanged(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    s = sess(db, learner, clock, "mine")
    study_new(s, 3)
    state = db.execute("SELECT * FROM card_state ORDER BY card_pk").fetchall()
    reviews = db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    c = cram(s, deck_ids=("mine",))
    assert c.counts().review == 5  # studied and new alike
    seen = []
    while (item := c.next_item()) is not None and len(seen) < 20:
        seen.append(item.card_id)
        c.answer(
            item,
            Rating.AGAIN if item.card_id == "c1" and seen.count("c1") == 1 else Rating.GOOD,
            correct=True,
        )
    assert seen == ["c0", "c1", "c2", "c3", "c4", "c1"]  # Again comes back once more
    assert c.summary.answered == 3 + 6
    assert db.execute("SELECT * FROM card_state ORDER BY card_pk").fetchall() == state
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == reviews
    back = c.undo()
    assert back is not None and back.card_id == "c1" and c.summary.answered == 8
    assert c.counts().review == 1
    # by fact: c2 quotes a sentence of its own (~c2)
    one = cram(s, deck_ids=("mine",), facts=("~c2",))
    item = one.next_item()
    assert item is not None and item.card_id == "c2" and one.counts().review == 1
    # by tag
    assert cram(s, deck_ids=None, tags=("bundled",)).counts().review == 44
    assert c.preview(item)[Rating.AGAIN] == c.preview(item)[Rating.EASY]
    assert c.MODE == "cram" and timedelta(0) <= c.preview(item)[Rating.GOOD]


def run_plain(db: Database, s: StudySession, lines: list[str]) -> str:
    import io

    from quizapp.plain.study import PlainStudy

    out = io.StringIO()
    PlainStudy(s, io.StringIO("\n".join(lines) + "\n"), out).run()
    return out.getvalue()


def test_plain_mode_names_the_limit_and_studies_more_with_m(
    db: Database, learner: Learner, clock: FakeClock
) -> None:
    learner = update_settings(db, learner.id, new_per_day=1)
    s = sess(db, learner, clock, "mine")
    # one new card: Enter reveals, 4 Easy graduates it; then the limit; `:m`, `n 1`
    text = run_plain(db, s, ["", "4", ":m", "n 1", "", "4", ""])
    assert (
        "All done: new-card limit reached: 1 today (4 new waiting) — :m study more, or "
        "raise it in settings." in text
    )
    assert "1 more new card(s) today." in text
    assert "new-card limit reached: 2 today, 1 extra included (3 new waiting)" in text
    assert text.count("Saved: Easy") == 2
    assert "Session over: 2 answered" in text
    # cram from `:m`: answers counted, nothing saved
    before = db.execute("SELECT * FROM card_state ORDER BY card_pk").fetchall()
    s2 = sess(db, ensure_learner(db, "ann"), clock, "mine")
    text = run_plain(db, s2, [":m", "c tag:mine", "", "3", "", "3", ":q"])
    assert "Cram: 5 card(s); answers do not change the schedule." in text
    assert text.count("Cram: Good (schedule unchanged).") == 2
    assert "Cram answers are not saved to the schedule." in text
    assert db.execute("SELECT * FROM card_state ORDER BY card_pk").fetchall() == before


def test_study_command_flags(tmp_path: Path, write_deck: Callable[..., Path]) -> None:
    from click.testing import CliRunner

    from quizapp.cli.main import cli

    folder = write_deck(deck_yaml("mine", 5), name="mine.yaml").parent
    base = ["--db", str(tmp_path / "p.db"), "--decks", str(folder)]
    runner = CliRunner()
    out = runner.invoke(
        cli, [*base, "study", "--plain", "--learner", "bo", "--cram", "--tag", "mine"], input=":q\n"
    )
    assert out.exit_code == 0, out.output
    assert "Cram answers are not saved" in out.output
    out = runner.invoke(
        cli, [*base, "study", "--plain", "--learner", "bo", "--extra-new", "3"], input=":q\n"
    )
    assert out.exit_code == 0 and "3 more new card(s) today for bo." in out.output
    out = runner.invoke(cli, [*base, "study", "--plain", "--ahead", "2", "--cram"])
    assert out.exit_code != 0 and "choose one of --ahead and --cram" in out.output
    out = runner.invoke(cli, [*base, "study", "--plain", "--fact", "x"])
    assert out.exit_code != 0 and "add --cram" in out.output
    out = runner.invoke(cli, [*base, "decks", "limit", "mine", "2", "--learner", "bo"])
    assert out.exit_code == 0 and "mine: 2 new cards per day for bo." in out.output
    out = runner.invoke(cli, [*base, "decks", "limit", "mine", "lots", "--learner", "bo"])
    assert out.exit_code != 0 and "not a number" in out.output
    out = runner.invoke(cli, [*base, "decks", "limit", "--learner", "bo"])
    assert "mine: 2 (own)" in out.output
    # a learner without extra cards today: a limit of 0 is reached at once
    out = runner.invoke(cli, [*base, "decks", "limit", "mine", "0", "--learner", "cy"])
    listed = runner.invoke(cli, [*base, "decks", "list", "--learner", "cy"])
    assert "     0*     5  Deck mine" in listed.output
    assert "* new-card limit reached today" in listed.output
