"""xAPI export of a cohort: study reviews, quiz answers and finished blocks, each
statement checked against the xAPI 1.0.3 rules it touches; ids stable across runs and
copies of the file."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from quizapp.cli.main import cli
from quizapp.reports import xapi_out
from tests.test_reports_items import ITEMS, NOW_ISO, build_cohort

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
LANG_MAP = re.compile(r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching",
                     "performance", "sequencing", "likert", "numeric", "other"}  # fmt: skip
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp",
                  "stored", "authority", "version", "attachments"}  # fmt: skip


def language_map(m: Any) -> None:
    assert isinstance(m, dict) and m
    assert all(LANG_MAP.match(k) and isinstance(v, str) for k, v in m.items())


def check_activity(a: dict[str, Any]) -> dict[str, Any]:
    assert a["objectType"] == "Activity" and IRI.match(a["id"])
    d = a["definition"]
    assert IRI.match(d["type"])
    language_map(d["name"])
    if "interactionType" in d:
        assert d["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        kind = d["interactionType"]
        assert kind in INTERACTION_TYPES
        patterns = d.get("correctResponsesPattern", [])
        assert isinstance(patterns, list) and all(isinstance(p, str) for p in patterns)
        if kind == "choice":
            ids = [c["id"] for c in d["choices"]]
            assert len(ids) == len(set(ids)) and all(i and " " not in i for i in ids)
            for c in d["choices"]:
                language_map(c["description"])
            for p in patterns:
                assert set(p.split("[,]")) <= set(ids)
        else:
            assert "choices" not in d
        if kind == "numeric":
            for p in patterns:
                for bound in p.split("[:]"):
                    assert bound == "" or float(bound) == float(bound)
    return d


def check_statement(s: dict[str, Any]) -> None:
    """The xAPI 1.0.3 rules a statement of ours touches (Data section 2.4)."""
    assert set(s) <= STATEMENT_KEYS
    assert UUID.match(s["id"]) and s["version"] == "1.0.3"
    actor = s["actor"]
    assert actor["objectType"] == "Agent"
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    assert ifis == ["account"]  # exactly one inverse functional identifier
    assert set(actor["account"]) == {"homePage", "name"} and IRI.match(actor["account"]["homePage"])
    assert IRI.match(s["verb"]["id"])
    language_map(s["verb"]["display"])
    d = check_activity(s["object"])
    res = s["result"]
    assert ISO_DURATION.match(res["duration"])
    if "success" in res:
        assert isinstance(res["success"], bool)
    if "score" in res:
        sc = res["score"]
        assert sc["min"] <= sc["raw"] <= sc["max"]
        assert "scaled" not in sc or -1 <= sc["scaled"] <= 1
    if "response" in res:
        assert isinstance(res["response"], str)
        if d.get("interactionType") == "choice":
            assert set(res["response"].split("[,]")) <= {c["id"] for c in d["choices"]}
        if d.get("interactionType") == "numeric":
            float(res["response"])
    assert ISO_UTC.match(s["timestamp"])
    ctx = s["context"]
    assert ctx["platform"] == "quizapp"
    if "registration" in ctx:
        assert UUID.match(ctx["registration"])
    for kind, acts in ctx.get("contextActivities", {}).items():
        assert kind in {"parent", "grouping", "category", "other"} and isinstance(acts, list)
        for a in acts:
            check_activity(a)
    assert all(IRI.match(k) for k in ctx.get("extensions", {}))


def export(paths: list[Path], *extra: str) -> list[dict[str, Any]]:
    args = [x for p in paths for x in ("--db", str(p))]
    res = CliRunner().invoke(
        cli, [*args, "report", "--all", "--now", NOW_ISO, "--format", "xapi", *extra]
    )
    assert res.exit_code == 0, res.stderr
    return [json.loads(line) for line in res.stdout.splitlines()]


def test_quiz_answers_blocks_and_reviews_all_exported(tmp_path: Path) -> None:
    paths = build_cohort(tmp_path)
    stmts = export(paths)
    for s in stmts:
        check_statement(s)
    blocks = [s for s in stmts if s["verb"]["id"].endswith("/completed")]
    answers = [s for s in stmts if s["verb"]["id"].endswith("/answered")]
    quiz = [s for s in answers if "registration" in s["context"]]
    reviews = [s for s in answers if "registration" not in s["context"]]
    n_items = len(ITEMS)
    assert len(reviews) == 30 * n_items  # 10 even learners × 1 + 10 odd × 2 reviews per item
    assert len(quiz) == 10 * n_items  # every quiz answer of the 10 even learners
    assert len(blocks) == 10 and len(stmts) == len(answers) + 10
    assert len({s["id"] for s in stmts}) == len(stmts)
    # a quiz answer to the lure, shown reversed, answered "B" in the card's order
    lure = next(
        s for s in quiz
        if s["object"]["id"] == "urn:quizapp:card:bank:lure" and s["actor"]["name"] == "L02"
    )  # fmt: skip
    assert lure["result"]["response"] == "c1" and lure["result"]["success"] is False
    assert lure["object"]["definition"]["correctResponsesPattern"] == ["c0"]
    assert lure["result"]["duration"] == "PT20S"
    parent = lure["context"]["contextActivities"]["parent"][0]
    block = next(b for b in blocks if b["actor"]["name"] == "L02")
    assert parent["id"] == block["object"]["id"]
    assert lure["context"]["registration"] == block["context"]["registration"]
    right = sum(1 for s in quiz if s["actor"]["name"] == "L02" and s["result"]["success"])
    assert block["result"]["score"] == {
        "raw": right, "min": 0, "max": n_items, "scaled": round(right / n_items, 4),
    }  # fmt: skip
    assert block["result"]["completion"] is True and block["result"]["duration"] == "PT600S"
    # the typed answer is free text (not a number): fill-in
    hard = next(s for s in quiz if s["object"]["id"] == "urn:quizapp:card:bank:hard")
    assert hard["object"]["definition"]["interactionType"] == "fill-in"


def test_ids_are_stable_across_runs_and_copies(tmp_path: Path) -> None:
    paths = build_cohort(tmp_path)
    first = [s["id"] for s in export(paths)]
    assert first == [s["id"] for s in export(paths)]
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    copies = [Path(shutil.copy(p, elsewhere / p.name)) for p in paths]
    assert first == [s["id"] for s in export(copies)]  # moving the file changes nothing


def test_numeric_interaction() -> None:
    d = xapi_out.definition("typed", {"answer": "35%"}, 0, "How many?")
    assert d["interactionType"] == "numeric" and d["correctResponsesPattern"] == ["35"]
    assert xapi_out.response_of("typed", {"answer": "35%"}, "thirty-five") == "35"
    assert xapi_out.response_of("typed", {"answer": "35%"}, "lots") is None
    assert xapi_out.response_of("mcq", {"choices": [{}, {}, {}]}, "A,C") == "c0[,]c2"
