"""Concurrency: two `study --plain` processes on one database while a third one reads.

Phase 1: learners `a` and `b` study at the same time; phase 2: two processes study as the
same learner `a`. Meanwhile a reader process loops over `learners list` and `decks list`
(and `report` when that command exists). Every process must exit 0 with an empty stderr
(no "database is locked" reaches the user), every acknowledged answer is one review row
(none lost, none duplicated), and each card's state agrees with its review log.

CI answers 200 in total; set QUIZAPP_CONCURRENCY_ANSWERS=1000 for the full run.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.reliability.helpers import SAVED, env, no_limits, quizapp, write_basic_deck

TOTAL = int(os.environ.get("QUIZAPP_CONCURRENCY_ANSWERS", "200"))


def _study(db: Path, decks: Path, learner: str, answers: int, seed: int) -> subprocess.Popen[str]:
    rng = random.Random(seed)
    feed = "".join(f"\n{rng.randint(1, 4)}\n" for _ in range(answers))
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "quizapp", "--db", str(db), "--decks", str(decks)),
            *("study", "--plain", "--learner", learner, "--deck", "rel"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    proc._feed = feed  # type: ignore[attr-defined]
    return proc


def _reader(db: Path, decks: Path, stop: threading.Event, results: list) -> None:  # type: ignore[type-arg]
    has_report = "report" in quizapp("--help").stdout
    commands = [
        ["learners", "list"],
        ["decks", "list", "--learner", "a"],
    ]
    if has_report:
        commands.append(["report", "--all", "--format", "csv", "-o", "-"])
    i = 0
    while not stop.is_set():
        out = quizapp("--db", db, "--decks", decks, *commands[i % len(commands)])
        results.append((commands[i % len(commands)], out.returncode, out.stderr))
        i += 1


def _phase(db: Path, decks: Path, learners: list[str], per_process: int) -> list[int]:
    procs = [_study(db, decks, who, per_process, seed=n) for n, who in enumerate(learners)]
    outs = [p.communicate(p._feed, timeout=600) for p in procs]  # type: ignore[attr-defined]
    acked = []
    for p, (stdout, stderr) in zip(procs, outs, strict=True):
        assert p.returncode == 0, stderr
        assert stderr == "", stderr  # nothing at all reaches the user's error stream
        assert "locked" not in stdout
        acked.append(len(SAVED.findall(stdout)))
    return acked


def test_two_studying_processes_and_a_reader(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    write_basic_deck(decks, 600)
    db = tmp_path / "p.db"
    out = quizapp("--db", db, "--decks", decks, "decks", "list")  # create + sync once
    assert out.returncode == 0, out.stderr
    no_limits(db, "a", "b")

    stop = threading.Event()
    reads: list = []  # type: ignore[type-arg]
    reader = threading.Thread(target=_reader, args=(db, decks, stop, reads))
    reader.start()
    started = time.monotonic()
    try:
        quarter = TOTAL // 4
        acked = _phase(db, decks, ["a", "b"], quarter)  # different learners
        acked += _phase(db, decks, ["a", "a"], quarter)  # the same learner twice
    finally:
        stop.set()
        reader.join(timeout=120)
    elapsed = time.monotonic() - started

    assert acked == [quarter] * 4  # every answer fed was acknowledged
    assert reads, "the reader never ran"
    # `report` says where it wrote on stderr; anything like an error is a failure
    bad_reads = [
        (cmd, rc, err)
        for cmd, rc, err in reads
        if rc != 0 or any(w in err for w in ("locked", "Error", "Traceback", "busy"))
    ]
    assert not bad_reads, bad_reads[:3]

    conn = sqlite3.connect(db)
    n_reviews = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert n_reviews == sum(acked) == 4 * quarter  # none lost, none duplicated
    per_learner = dict(
        conn.execute(
            "SELECT l.name, count(*) FROM reviews r JOIN learners l ON l.id = r.learner_id "
            "GROUP BY l.name"
        ).fetchall()
    )
    assert per_learner == {"a": 3 * quarter, "b": quarter}
    # Each card's state was built on its latest review: reps equals the reviews logged,
    # and the state's due date is the one the latest review computed.
    mismatched = conn.execute(
        """SELECT s.learner_id, s.card_pk, s.reps, count(r.id), s.due,
                  (SELECT r2.due FROM reviews r2 WHERE r2.learner_id = s.learner_id
                     AND r2.card_pk = s.card_pk ORDER BY r2.id DESC LIMIT 1)
           FROM card_state s JOIN reviews r
             ON r.learner_id = s.learner_id AND r.card_pk = s.card_pk
           GROUP BY s.learner_id, s.card_pk
           HAVING s.reps != count(r.id) OR s.due IS NOT (
                  SELECT r2.due FROM reviews r2 WHERE r2.learner_id = s.learner_id
                     AND r2.card_pk = s.card_pk ORDER BY r2.id DESC LIMIT 1)"""
    ).fetchall()
    assert mismatched == [], mismatched[:5]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(f"{n_reviews} answers by 4 processes, {len(reads)} reads alongside, {elapsed:.1f}s")
