"""Shared helpers for the reliability tests: CLI runs, generated decks, database fingerprints."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAVED = re.compile(r"Saved: (Again|Hard|Good|Easy); next in ")


def env(**extra: str) -> dict[str, str]:
    e = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **extra}
    e.pop("QUIZAPP_DECKS", None)
    return e


def quizapp(
    *args: str | Path, stdin: str = "", timeout: float = 120, **kw
) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """Run `python -m quizapp ARGS` (a real process: real exit status, real stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "quizapp", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=kw.pop("env", None) or env(),  # type: ignore[arg-type]
        timeout=timeout,
        **kw,
    )


def basic_cards(n: int, start: int = 0) -> str:
    return "".join(
        f"  - id: c{i}\n    type: basic\n    prompt: Question {i}?\n    answer: Answer {i}\n"
        f"    explanation: Because {i}.\n    source: {{id: s, quote: q{i}}}\n"
        for i in range(start, start + n)
    )


def write_basic_deck(folder: Path, n: int, deck_id: str = "rel", name: str = "rel.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(
        f"id: {deck_id}\ntitle: Reliability deck\nsources: {{s: {{title: S}}}}\ncards:\n"
        + basic_cards(n),
        encoding="utf-8",
    )
    return p


def no_limits(db: Path, *learners: str) -> None:
    """Lift the daily limits so a scripted session never runs out of cards."""
    from quizapp.store import open_database
    from quizapp.store.learners import ensure_learner

    database = open_database(db)
    for name in learners:
        ensure_learner(database, name)
    database.conn.execute("UPDATE learners SET new_per_day = 1000000, reviews_per_day = 1000000")
    database.conn.close()


def fingerprint(db: Path) -> str:
    """A hash of the database's data (schema and rows), independent of page layout."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for line in conn.iterdump():
            h.update(line.encode())
        return h.hexdigest()
    finally:
        conn.close()


def file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def clean(out: subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr, for assertion messages."""
    return (
        f"exit {out.returncode}\n--- stdout\n{out.stdout[-3000:]}\n--- stderr\n{out.stderr[-3000:]}"
    )
