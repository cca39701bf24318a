"""Item analysis on a generated cohort with planted items: a hard item, an attractive
distractor and a reversed-discrimination item; the statistics, the writers, the CLI,
the cohort view, privacy (no paths, pseudonyms)."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.reports import cohort, item_out
from quizapp.reports.items import (
    FLAG_DISTRACTOR,
    FLAG_NEGATIVE,
    ItemAnalysis,
    item_analysis,
    point_biserial,
    upper_lower,
)
from quizapp.store import open_database
from quizapp.store.db import Database
from quizapp.store.learners import add_learner
from tests.test_reports_data import NOW, add_card, add_deck, add_review, ms

NOW_ISO = "2026-03-02T09:00:00.000Z"
N = 20  # learners L00…L19, ability rising with the number
PRESENTED = json.dumps([3, 2, 1, 0])  # every mcq shown reversed: letters stay card order


def mcq(prompt: str, texts: list[str], key: int = 0) -> dict[str, Any]:
    return {
        "type": "mcq",
        "prompt": prompt,
        "choices": [{"text": t, "correct": i == key} for i, t in enumerate(texts)],
    }


# (pk, card id, data, tags, ord, fact)
ITEMS: list[tuple[int, str, dict[str, Any], tuple[str, ...], int, str]] = [
    *[
        (
            j,
            f"q{j}",
            mcq(
                f"Ordinary question {j}?", [f"Right {j}", f"Wrong {j}a", f"Wrong {j}b", f"Dud {j}"]
            ),
            ("cardio",),
            0,
            "",
        )
        for j in range(1, 11)
    ],
    (
        11,
        "hard",
        {
            "type": "typed",
            "prompt": "Vertigo, tinnitus, hearing loss?",
            "answer": "Meniere disease",
        },
        ("neuro",),
        0,
        "",
    ),
    (
        12,
        "lure",
        mcq("Which nerve?", ["Key nerve", "Attractive lure", "Other nerve", "Odd"]),
        ("neuro",),
        0,
        "",
    ),
    (
        13,
        "reversed",
        mcq("Trick question?", ["Keyed answer", "Better answer", "Filler", "Dud"]),
        ("renal",),
        0,
        "",
    ),
    (
        14,
        "cz",
        {"type": "cloze", "text": "The {{c1::vagus}} nerve is CN {{c2::X}}."},
        ("neuro",),
        1,
        "cn10",
    ),
    (
        15,
        "cz",
        {"type": "cloze", "text": "The {{c1::vagus}} nerve is CN {{c2::X}}."},
        ("neuro",),
        2,
        "cn10",
    ),
]


def outcome(i: int, pk: int) -> tuple[bool, str]:
    """Learner i's first answer to item pk: (correct, stored response)."""
    if pk <= 10:
        ok = i >= 2 * pk - 4 + pk % 3
        return ok, "A" if ok else ("B" if i % 2 else "C")
    if pk == 11:
        ok = i >= 18
        return ok, "Meniere disease" if ok else ("MENIERES" if i % 2 else " menieres! ")
    if pk == 12:
        ok = i >= 15
        return ok, "A" if ok else ("B" if i % 4 else "C")
    if pk == 13:
        ok = i < 10  # the weaker half gets it right: reversed discrimination
        return ok, "A" if ok else "B"
    ok = i >= 6
    return ok, ("vagus" if pk == 14 else "X") if ok else ("vagal" if pk == 14 else "ten")


def build_cohort(folder: Path) -> list[Path]:
    """a.db holds L00…L09, b.db L10…L19. Even learners met each item in a quiz block
    (then studied it, correctly: not a first attempt), odd ones in study."""
    paths = [folder / "a.db", folder / "b.db"]
    for f, path in enumerate(paths):
        db = open_database(path)
        db.conn.execute("BEGIN")
        add_deck(db, "bank", "Question bank")
        for pk, card_id, data, tags, ord_, fact in ITEMS:
            add_card(db, pk, "bank", card_id, data, tags, ord_)
            db.conn.execute("UPDATE cards SET fact = ? WHERE id = ?", [fact, pk])
        for i in range(f * 10, f * 10 + 10):
            who = add_learner(db, f"L{i:02d}")
            base = NOW - timedelta(days=10, minutes=i)
            if i % 2 == 0:
                block = db.conn.execute(
                    "INSERT INTO quiz_blocks (learner_id, created_at, mode, status, elapsed_ms,"
                    " submitted_at) VALUES (?, ?, 'timed', 'submitted', 600000, ?)",
                    [who.id, ms(base), ms(base + timedelta(minutes=20))],
                ).lastrowid
            for pos, (pk, *_rest) in enumerate(ITEMS):
                ok, resp = outcome(i, pk)
                at = base + timedelta(seconds=30 * pos + 1)
                pres = PRESENTED if pk in (*range(1, 11), 12, 13) else None
                if i % 2 == 0:
                    db.conn.execute(
                        "INSERT INTO quiz_answers (block_id, position, card_pk, learner_id,"
                        " response, correct, time_ms, answered_at, presentation)"
                        " VALUES (?, ?, ?, ?, ?, ?, 20000, ?, ?)",
                        [block, pos, pk, who.id, resp, int(ok), ms(at), pres],
                    )
                    later = at + timedelta(days=1)
                    add_review(db, who.id, pk, later, 3, 5000, response="A", correct=True)
                else:
                    add_review(db, who.id, pk, at, 3 if ok else 1, 8000, response=resp, correct=ok)
                    db.conn.execute(
                        "UPDATE reviews SET presentation = ? WHERE learner_id = ? AND card_pk = ?",
                        [pres, who.id, pk],
                    )
                    # a later review, right: not a first attempt, so it does not count
                    add_review(
                        db, who.id, pk, at + timedelta(days=2), 3, 4000, before=(2, 2.0),
                        response="A", correct=True,
                    )  # fmt: skip
        db.conn.execute("COMMIT")
        db.conn.close()
    return paths


@pytest.fixture(scope="module")
def cohort_dbs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_cohort(tmp_path_factory.mktemp("secret-folder-xyz"))


@pytest.fixture(scope="module")
def analysis(cohort_dbs: list[Path]) -> ItemAnalysis:
    sources = cohort.open_sources(cohort_dbs)
    try:
        return item_analysis(cohort.gather(sources), now=NOW)
    finally:
        for s in sources:
            s.db.conn.close()


def by_card(a: ItemAnalysis, card_id: str, ord_: int = 0) -> Any:
    return next(s for s in a.items if s.card_id == card_id and s.ord == ord_)


# -- the statistics --------------------------------------------------------------------


def test_every_item_counts_first_answers_and_quiz_answers(analysis: ItemAnalysis) -> None:
    assert len(analysis.items) == 15 and len(analysis.learners) == N
    for s in analysis.items:
        assert s.learners == N
        # every learner's first study answer (the even ones after their quiz) and every
        # quiz answer; later reviews left out
        assert (s.study_answers, s.quiz_answers) == (20, 10)
    q1 = by_card(analysis, "q1")
    assert q1.first_correct == sum(outcome(i, 1)[0] for i in range(N))


def test_planted_hard_item_is_the_most_missed(analysis: ItemAnalysis) -> None:
    hard = by_card(analysis, "hard")
    assert hard.correct_rate == pytest.approx(2 / N)
    assert analysis.most_missed(1) == (hard,)
    # wrong answers normalised: "MENIERES" and " menieres! " are one answer
    assert hard.top_wrong == (("menieres", 18),)  # first attempts; the later ones were right
    assert hard.discrimination is not None and hard.discrimination > 0.3


def test_planted_attractive_distractor_is_flagged(analysis: ItemAnalysis) -> None:
    lure = by_card(analysis, "lure")
    shares = {o.text: o.share for o in lure.options}
    # by option text, though every learner saw the options reversed
    assert shares["Attractive lure"] == pytest.approx(15 / N - 4 / N)
    assert shares["Key nerve"] == pytest.approx(5 / N)
    assert FLAG_DISTRACTOR in lure.flags and FLAG_NEGATIVE not in lure.flags
    assert lure.nonfunctioning == ("Odd",)
    assert lure.top_wrong[0] == ("Attractive lure", 11)


def test_planted_reversed_item_has_negative_discrimination(analysis: ItemAnalysis) -> None:
    rev = by_card(analysis, "reversed")
    assert rev.discrimination is not None and rev.discrimination < -0.5
    assert rev.discrimination_27 == pytest.approx(-1.0)
    assert FLAG_NEGATIVE in rev.flags
    ordinary = [by_card(analysis, f"q{j}") for j in range(2, 10)]
    assert all(s.discrimination is not None and s.discrimination > 0 for s in ordinary)
    # q2…q7: the key is the most chosen; q8…q10 are hard enough that a distractor
    # beats the key (q8: 7 of 20 against 6), and they are flagged for it
    assert all(not s.flags for s in ordinary[:6])
    assert {s.card_id for s in analysis.flagged} == {"lure", "reversed", "q8", "q9", "q10"}


def test_nonfunctioning_distractors(analysis: ItemAnalysis) -> None:
    q5 = by_card(analysis, "q5")
    assert q5.nonfunctioning == ("Dud 5",)
    assert [o.correct for o in q5.options] == [True, False, False, False]


def test_rollups_per_fact_and_tag(analysis: ItemAnalysis) -> None:
    facts = {g.key: g for g in analysis.facts}
    cn10 = facts["bank/cn10"]  # two cloze deletions of one fact
    assert cn10.items == 2 and cn10.learners == N and cn10.first_attempts == 2 * N
    assert cn10.correct_rate == pytest.approx(14 / N)
    assert facts["bank/hard"].items == 1  # its own fact
    tags = {g.key: g for g in analysis.tags}
    assert set(tags) == {"cardio", "neuro", "renal"}
    assert tags["neuro"].items == 4 and tags["neuro"].hardest == "bank/hard"


def test_point_biserial_matches_the_formula() -> None:
    xs = [True, True, False, False, True, False]
    rest = [0.9, 0.7, 0.4, 0.2, 0.6, 0.5]
    p = 0.5
    mean = sum(rest) / 6
    s = math.sqrt(sum((r - mean) ** 2 for r in rest) / 6)
    expected = ((0.9 + 0.7 + 0.6) / 3 - (0.4 + 0.2 + 0.5) / 3) / s * math.sqrt(p * (1 - p))
    assert point_biserial(xs, rest) == pytest.approx(expected)
    # it is Pearson's r of the 0/1 item score with the rest score
    xf = [float(x) for x in xs]
    mx = sum(xf) / 6
    cov = sum((a - mx) * (b - mean) for a, b in zip(xf, rest, strict=True)) / 6
    sx = math.sqrt(sum((a - mx) ** 2 for a in xf) / 6)
    assert point_biserial(xs, rest) == pytest.approx(cov / (sx * s))
    assert point_biserial(xs[:4], rest[:4]) is None  # fewer than 5 learners: NA
    assert point_biserial([True] * 6, rest) is None
    # D: k = ceil(0.27·6) = 2; upper {0.9, 0.7} both right, lower {0.2, 0.4} both wrong
    assert upper_lower(xs, rest) == pytest.approx(1.0)
    # ties at the edge share the place: two learners at 0.5, one right
    # (k = 2: upper = 0.9 (right) and half of the two at 0.5; lower = 0.1, 0.3, wrong)
    assert upper_lower([True, False, True, False, False], [0.5, 0.5, 0.9, 0.1, 0.3]) == 0.75


# -- writers and the CLI ------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def dbs(paths: list[Path]) -> list[str]:
    return [x for p in paths for x in ("--db", str(p))]


def test_items_csv_columns_and_rows(cohort_dbs: list[Path]) -> None:
    code, out, err = run(
        *dbs(cohort_dbs), "report", "--all", "--items", "--now", NOW_ISO, "--format", "csv"
    )
    assert code == 0, err
    assert "item analysis for 20 learners" in err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == 15
    need = {"deck_id", "card_id", "fact", "type", "learners", "attempts", "correct_rate",
            "discrimination", "top_wrong"}  # fmt: skip
    assert need <= set(rows[0])
    hard = next(r for r in rows if r["card_id"] == "hard")
    assert (hard["learners"], hard["attempts"], hard["correct_rate"]) == ("20", "30", "0.1")
    assert hard["top_wrong"] == "menieres (18)"
    lure = next(r for r in rows if r["card_id"] == "lure")
    assert "distractor chosen more than the key" in lure["flags"]
    assert "*Key nerve=0.25" in lure["options"]
    for by, n in (("fact", 14), ("tag", 3)):
        code, out, _ = run(
            *dbs(cohort_dbs), "report", "--all", "--items", "--by", by, "--format", "csv"
        )
        rows = list(csv.DictReader(io.StringIO(out, newline="")))
        assert code == 0 and len(rows) == n and by in rows[0]


def test_items_json_md_html(cohort_dbs: list[Path]) -> None:
    code, out, _ = run(*dbs(cohort_dbs), "report", "--all", "--items", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["min_learners"] == 5 and len(doc["items"]) == 15
    rev = next(i for i in doc["items"] if i["card_id"] == "reversed")
    assert rev["discrimination"] < 0 and rev["flags"] == ["negative discrimination"]
    code, out, _ = run(*dbs(cohort_dbs), "report", "--all", "--items", "--format", "md")
    assert code == 0 and "## Possibly flawed items" in out and "fewer than 5 learners" in out
    code, out, _ = run(*dbs(cohort_dbs), "report", "--all", "--items", "--format", "html")
    assert code == 0 and out.count('<div class="item">') >= 2 and "<script" not in out


def test_cohort_view_html_puts_the_class_first(cohort_dbs: list[Path]) -> None:
    code, page, err = run(*dbs(cohort_dbs), "report", "--all", "--now", NOW_ISO, "--format", "html")
    assert code == 0, err
    order = [
        page.index("Class summary"),
        page.index("Mastery per tag"),
        page.index("Items the class misses most"),
        page.index("Possibly flawed items"),
        page.index('<details class="learner">'),
    ]
    assert order == sorted(order)
    assert page.count('<details class="learner">') == N
    assert "Attractive lure" in page and "bank/reversed" in page
    assert "<script" not in page.lower() and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert "@media print" in page and "details::details-content" in page
    code, text, _ = run(*dbs(cohort_dbs), "report", "--all", "--now", NOW_ISO, "--format", "md")
    assert code == 0 and text.index("## Class summary") < text.index("## Possibly flawed items")
    assert text.count("<details>") == N


def test_no_path_in_any_format(cohort_dbs: list[Path], tmp_path: Path) -> None:
    folder = str(cohort_dbs[0].parent)
    assert "secret-folder-xyz" in folder
    runs = [
        ("csv",),
        ("json",),
        ("md",),
        ("html",),
        ("xapi",),
        ("csv", "--reviews"),
        ("csv", "--by", "tag"),
        ("csv", "--items"),
        ("json", "--items"),
        ("html", "--items"),
    ]
    for extra in runs:
        for learners in (("--all",), ("--learner", "L03")):
            code, out, err = run(
                *dbs(cohort_dbs), "report", *learners, "--now", NOW_ISO, "--format", *extra
            )
            assert code == 0, (extra, err)
            assert "secret-folder-xyz" not in out, (extra, learners)
            assert str(tmp_path.parent) not in out, (extra, learners)


def test_pseudonyms_are_stable_and_hide_names(cohort_dbs: list[Path], tmp_path: Path) -> None:
    salt = tmp_path / "salt.txt"
    salt.write_text("class-of-2026\n")
    outs = []
    for fmt, extra in (("csv", ()), ("html", ()), ("xapi", ()), ("json", ("--items",))):
        texts = []
        for how in (("--salt-file", str(salt)), ("--salt", "class-of-2026")):
            code, out, err = run(
                *dbs(cohort_dbs), "report", "--all", *extra, "--pseudonymize", *how,
                "--now", NOW_ISO, "--format", fmt,
            )  # fmt: skip
            assert code == 0, err
            texts.append(out)
        assert texts[0] == texts[1]  # stable: same salt, same ids, run after run
        outs.append(texts[0])
    for out in outs:
        assert not any(f"L{i:02d}" in out for i in range(N))
        assert "a.db" not in out and "b.db" not in out
    rows = list(csv.DictReader(io.StringIO(outs[0], newline="")))
    ids = [r["learner"] for r in rows]
    assert len(set(ids)) == N and all(x.startswith("L-") and len(x) == 14 for x in ids)
    assert {r["sources"] for r in rows} == {"file 1", "file 2"}
    code, other, _ = run(
        *dbs(cohort_dbs), "report", "--all", "--pseudonymize", "--salt", "another",
        "--now", NOW_ISO, "--format", "csv",
    )  # fmt: skip
    assert code == 0 and not set(ids) & {r["learner"] for r in csv.DictReader(io.StringIO(other))}


def test_cli_errors(cohort_dbs: list[Path]) -> None:
    res = CliRunner().invoke(
        cli, [*dbs(cohort_dbs), "report", "--all", "--pseudonymize", "--format", "csv"]
    )
    assert res.exit_code == 2 and "--salt" in res.stderr and "Traceback" not in res.stderr
    res = CliRunner().invoke(cli, [*dbs(cohort_dbs), "report", "--items", "--format", "xapi"])
    assert res.exit_code == 2 and "--items" in res.stderr
    res = CliRunner().invoke(cli, [*dbs(cohort_dbs), "report", "--by", "fact", "--format", "csv"])
    assert res.exit_code == 2 and "--items" in res.stderr
    res = CliRunner().invoke(
        cli,
        [*dbs(cohort_dbs), "report", "--pseudonymize", "--salt-file", "/nonexistent/salt",
         "--format", "csv"],
    )  # fmt: skip
    assert res.exit_code == 2 and "cannot read the salt file" in res.stderr


def test_item_writers_escape_deck_text(tmp_path: Path) -> None:
    db: Database = open_database(tmp_path / "h.db")
    db.conn.execute("BEGIN")
    add_deck(db, "d", "D")
    evil = "<script>alert(1)</script>"
    add_card(db, 1, "d", "x", mcq(evil, ["=HYPERLINK(1)", evil]), ("t",))
    who = add_learner(db, "=cmd")
    add_review(db, who.id, 1, NOW - timedelta(days=1), 1, 1000, response="B", correct=False)
    db.conn.execute("COMMIT")
    src = [cohort.DbSource("h.db", db)]
    a = item_analysis(cohort.gather(src), now=NOW)
    page = item_out.render_html(a, generated_at=NOW_ISO)
    assert "<script" not in page and "&lt;script&gt;" in page
    rows = list(csv.reader(io.StringIO(item_out.render_csv(a), newline="")))
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows[1:] for c in r)
    db.conn.close()


# -- the cohort-wide queries -----------------------------------------------------------


def test_first_study_answers_for_the_whole_cohort_match_each_learners_log(
    tmp_path: Path,
) -> None:
    """One query for every learner gives each learner's earliest review of each item in
    scope (ties: the lowest review id); a first review outside the window leaves the
    item out — a later one in the window does not stand in for it."""
    import random

    from quizapp.store.queries import reports_items as q
    from quizapp.store.scope import Scope

    db = open_database(tmp_path / "log.db")
    add_deck(db, "a", "A")
    add_deck(db, "b", "B")
    for pk in range(1, 13):
        add_card(db, pk, "a" if pk <= 8 else "b", f"c{pk}", {"type": "basic", "prompt": "?"})
    learners = [add_learner(db, f"P{i}").id for i in range(4)]
    rng = random.Random(5)
    log: list[tuple[int, int, int, int, int, int]] = []  # (id, learner, pk, at, rating, correct)
    ids = rng.sample(range(1, 10_000), 150)  # ids out of time order
    for rid in ids:
        lid, pk = rng.choice(learners[:3]), rng.randint(1, 12)  # P3 never studies
        at = NOW - timedelta(days=rng.randint(0, 40))  # whole days: ties
        rating, ok = rng.randint(1, 4), rng.random() < 0.5
        add_review(db, lid, pk, at, rating, 1000, response=f"r{rid}", correct=ok, review_id=rid)
        log.append((rid, lid, pk, ms(at), rating, int(ok)))
    since, now = NOW - timedelta(days=30), NOW - timedelta(days=2)
    for scope in (Scope(), Scope(("b",))):
        for window in ((None, ms(NOW)), (ms(since), ms(now))):
            got = q.first_study_answers(db, learners, scope, *window)
            firsts: dict[tuple[int, int], tuple[int, int, int, int, int, int]] = {}
            for row in sorted(log, key=lambda r: (r[3], r[0])):
                firsts.setdefault((row[1], row[2]), row)
            in_scope = [
                (lid, pk, at, rating, ok, f"r{rid}")
                for (lid, pk), (rid, _, _, at, rating, ok) in firsts.items()
                if scope.deck_ids is None or pk > 8
            ]
            lo, hi = window
            want = sorted(r for r in in_scope if (lo is None or r[2] >= lo) and r[2] <= hi)
            assert sorted(got) == want and want
            if lo is not None:  # some first answers fall before the window
                assert len(want) < len(in_scope)
            # the same rows as asking learner by learner
            assert sorted(got) == sorted(
                r for lid in learners for r in q.first_study_answers(db, [lid], scope, *window)
            )
    db.conn.close()


def test_cohort_view_analysis_beside_the_metrics_is_the_same_analysis(
    cohort_dbs: list[Path], analysis: ItemAnalysis
) -> None:
    """The cohort view's item analysis — the items it shows only, prompts read for
    those alone, computed on connections of its own while the learners' metrics are —
    gives the numbers of the full analysis; the page shows them."""
    sources = cohort.open_sources(cohort_dbs)
    try:
        members = cohort.gather(sources)
        used: list[object] = []

        def analyse_on(ms: Any) -> ItemAnalysis:
            used.extend(p.source.db for m in ms for p in m.parts)
            return item_analysis(ms, now=NOW, shown_only=True)

        result = cohort.beside(members, analyse_on)
        shown = result()
    finally:
        for s in sources:
            s.db.conn.close()
    assert used and not {id(d) for d in used} & {id(s.db) for s in sources}  # its own
    kept = tuple(s for s in analysis.items if s.flags or s.learners >= 5)
    assert shown.items == kept and shown.learners == analysis.learners
    assert all(s.prompt for s in shown.items)
    assert shown.item_count == analysis.item_count == len(analysis.items) == 15
    assert shown.flagged == analysis.flagged and shown.most_missed() == analysis.most_missed()
    with pytest.raises(ValueError, match="roll-ups"):
        _ = shown.facts
    code, page, err = run(*dbs(cohort_dbs), "report", "--all", "--now", NOW_ISO, "--format", "html")
    assert code == 0, err
    assert analysis.flagged and all(s.label in page for s in analysis.flagged)
    assert "<b>15</b><span>items answered" in page


def test_cohort_view_flags_an_mcq_answered_by_few(tmp_path: Path) -> None:
    """An mcq answered by fewer than 5 learners is still shown when a distractor beats
    the key (the cohort view reads the prompts of the items it shows only)."""
    db = open_database(tmp_path / "few.db")
    add_deck(db, "bank", "Bank")
    add_card(db, 1, "bank", "lure", mcq("Which lure?", ["Key", "Lure", "Other"]))
    add_card(db, 2, "bank", "fine", mcq("Which fine?", ["Key", "Lure", "Other"]))
    for i, resp in enumerate(("B", "B", "A")):
        lid = add_learner(db, f"F{i}").id
        add_review(db, lid, 1, NOW - timedelta(days=1), 1, 1000, response=resp, correct=False)
        add_review(db, lid, 2, NOW - timedelta(days=1), 3, 1000, response="A", correct=True)
    db.conn.close()
    sources = cohort.open_sources([tmp_path / "few.db"])
    try:
        members = cohort.gather(sources)
        full = item_analysis(members, now=NOW)
        shown = item_analysis(members, now=NOW, shown_only=True)
    finally:
        for s in sources:
            s.db.conn.close()
    assert [s.card_id for s in full.flagged] == ["lure"] and len(full.items) == 2
    assert shown.items == full.flagged and shown.items[0].prompt == "Which lure?"
    assert shown.item_count == 2


def test_a_card_in_two_files_is_shown_as_its_first_learners_file_has_it(
    tmp_path: Path,
) -> None:
    """Ann (in both files) answered the item in b.db only, Bob in a.db only: the item
    is shown as b.db has it — the file of the first learner, by name, who answered."""
    paths = [tmp_path / "a.db", tmp_path / "b.db"]
    for path, prompt in zip(paths, ("Old wording?", "New wording?"), strict=True):
        db = open_database(path)
        add_deck(db, "bank", "Bank")
        add_card(db, 1, "bank", "q", mcq(prompt, ["Key", "Lure"]))
        ann, bob = add_learner(db, "Ann").id, add_learner(db, "Bob").id
        who = bob if path.name == "a.db" else ann
        add_review(db, who, 1, NOW - timedelta(days=1), 3, 1000, response="A", correct=True)
        db.conn.close()
    sources = cohort.open_sources(paths)
    try:
        members = cohort.gather(sources)
        assert [m.name for m in members] == ["Ann", "Bob"]
        full = item_analysis(members, now=NOW)
    finally:
        for s in sources:
            s.db.conn.close()
    (item,) = full.items
    assert item.prompt == "New wording?" and item.learners == 2
