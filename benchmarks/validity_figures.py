"""Study-validity figures, measured through the CLI only (so they also run on old trees).

    python -m benchmarks.validity_figures            # this checkout's quizapp
    QROOT=/old/checkout python -m benchmarks.validity_figures /old/venv/bin/python -m quizapp

Prints: the score of a learner who answers `a` to every question of 5 timed blocks of 40
four-option mcqs whose key is written first (chance: 25 %); same-fact neighbours in a
new-card session of the bundled deck; grade keys whose interval differs from the one
saved, over 20 new basic cards graded Easy. `ONLY=pos,fact,prev` picks some.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

CMD = sys.argv[1:] or [sys.executable, "-m", "quizapp"]
ROOT = Path(os.environ.get("QROOT", Path(__file__).resolve().parents[1]))
SOURCE = {"s": {"title": "S", "file": "s.txt"}}


def run(args: list[str], stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QUIZAPP_HOME=str(home), TZ="UTC", NO_COLOR="1", COLUMNS="200")
    env.pop("QUIZAPP_DECKS", None)
    return subprocess.run(
        CMD + args, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
    )


def write_deck(folder: Path, deck_id: str, cards: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s.txt").write_text(" ".join(f"Item {i}." for i in range(len(cards))))
    deck = {"format": 1, "id": deck_id, "title": deck_id, "sources": SOURCE, "cards": cards}
    (folder / f"{deck_id}.yaml").write_text(yaml.safe_dump(deck, sort_keys=False))


def source(i: int) -> dict[str, str]:
    return {"id": "s", "quote": f"Item {i}."}


def position_score(blocks: int = 5) -> None:
    mcqs = [
        {
            "id": f"q{i}",
            "type": "mcq",
            "prompt": f"Question {i}: which value is right for item {i}?",
            "choices": [{"text": f"right {i}", "correct": True, "why": "it is"}]
            + [{"text": f"wrong {i}-{k}", "why": "it is not"} for k in range(3)],
            "explanation": "x",
            "source": source(i),
        }
        for i in range(40)
    ]
    got = total = 0
    for b in range(blocks):
        with tempfile.TemporaryDirectory() as tmp:
            decks = Path(tmp) / "decks"
            write_deck(decks, "pos", mcqs)
            args = ["--decks", str(decks), "quiz", "--plain", "--timed", "--questions", "40"]
            out = run([*args, "--deck", "pos", "--learner", f"p{b}"], "a\n" * 40 + "y\n", Path(tmp))
            m = re.search(r"Score: (\d+)/(\d+)", out.stdout)
            if not m:
                print("no score:", out.stdout[-800:], out.stderr[-800:])
                return
            got, total = got + int(m.group(1)), total + int(m.group(2))
    print(
        f"position-only ('a' to every question): {got}/{total} = {got / total:.0%} over "
        f"{blocks} blocks of 40 four-option questions (chance 25%)"
    )


def same_fact_neighbours() -> None:
    deck = yaml.safe_load((ROOT / "decks" / "sts-recurrence.yaml").read_text())
    quote = {
        c["id"]: " ".join(c.get("source", {}).get("quote", "").lower().split())
        for c in deck["cards"]
    }
    fact = {c["id"]: c.get("fact") for c in deck["cards"]}
    with tempfile.TemporaryDirectory() as tmp:
        # every answer "x" then grade 3: mcq letters, typed and cloze text alike
        out = run(["study", "--plain", "--learner", "s"], "x\n3\n" * 400, Path(tmp))
    keys = re.findall(r"· sts-recurrence/([\w-]+)(?:#c\d+)?\n", out.stdout)
    transitions = same = 0
    for a, b in itertools.pairwise(keys):
        if a == b:
            continue
        transitions += 1
        qa, qb = quote.get(a, ""), quote.get(b, "")
        if (qa and qb and (qa in qb or qb in qa)) or (fact.get(a) and fact.get(a) == fact.get(b)):
            same += 1
    print(
        f"same-fact neighbours in a new-card session: {same} of {transitions} transitions "
        f"between different cards ({len(keys)} items served)"
    )


def preview_mismatch(n: int = 20) -> None:
    basics = [
        {
            "id": f"b{i}",
            "type": "basic",
            "prompt": f"Front {i}",
            "answer": f"Back {i}",
            "explanation": "x",
            "source": source(i),
        }
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        decks = Path(tmp) / "decks"
        write_deck(decks, "b", basics)
        args = ["--decks", str(decks), "study", "--plain", "--learner", "e", "--deck", "b"]
        out = run(args, "\n4\n" * n, Path(tmp))
    shown = re.findall(r"4 Easy (\S+?)[,\]]", out.stdout)
    saved = re.findall(r"Saved: Easy; next in (\S+?)\.", out.stdout)
    bad = sum(1 for a, b in zip(shown, saved, strict=False) if a != b)
    print(f"preview != saved: {bad} of {min(len(shown), len(saved))} new cards graded Easy")


if __name__ == "__main__":
    which = os.environ.get("ONLY", "pos,fact,prev").split(",")
    if "pos" in which:
        position_score()
    if "fact" in which:
        same_fact_neighbours()
    if "prev" in which:
        preview_mismatch()
