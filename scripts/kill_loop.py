#!/usr/bin/env python3
"""Crash-safety loop: SIGKILL a scripted `quizapp study --plain` session at random moments.

Each round starts `python -m quizapp --db DB --decks DECKS study --plain --learner k
--deck kill`, feeds answers through a pipe (Enter to reveal, a random grade 1-4), and
SIGKILLs it after a random delay (sometimes during start-up or deck sync, mostly in the
middle of answering). Then it checks, from the stdout received before the kill:

* every acknowledged answer (a `Saved: <grade>; next in …` line) is in the database,
  with the same grade, in the same order;
* at most one more review than acknowledged (the in-flight answer may have committed
  without its acknowledgement being read) — never more;
* the next session resumes on the crashed file (it opens it, answers, exits 0);
* `PRAGMA integrity_check` is `ok`.

Some rounds first append a card to the deck file so the killed session is also syncing.

    python scripts/kill_loop.py --kills 100            # the full loop (about 2-3 minutes)
    python scripts/kill_loop.py --kills 15 --json      # what CI runs; last line is JSON

Exit status 0 when no answer was lost and every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEARNER = "k"
DECK_ID = "kill"
GRADES = {"Again": 1, "Hard": 2, "Good": 3, "Easy": 4}
SAVED = re.compile(r"Saved: (Again|Hard|Good|Easy); next in ")


@dataclass
class Figures:
    seed: int
    kills: int = 0
    killed_while_running: int = 0  # the process was still alive when SIGKILL arrived
    answers_acknowledged: int = 0
    answers_lost: int = 0
    in_flight_committed: int = 0  # committed, acknowledgement not read before the kill
    extra_reviews: int = 0  # reviews beyond acknowledged + 1 (must be 0)
    grade_mismatches: int = 0
    integrity_failures: int = 0
    resume_failures: int = 0
    syncs_interrupted: int = 0
    reviews_in_db: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.answers_lost
            or self.extra_reviews
            or self.grade_mismatches
            or self.integrity_failures
            or self.resume_failures
        )


def card_yaml(i: int) -> str:
    return (
        f"  - id: c{i}\n    type: basic\n    prompt: Question number {i}?\n"
        f"    answer: Answer {i}\n    explanation: Because {i}.\n"
        f"    source: {{id: s, quote: q{i}}}\n"  # one fact per card (equal quotes: one fact)
    )


def write_deck(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kill.yaml"
    head = f"id: {DECK_ID}\ntitle: Kill loop deck\nsources: {{s: {{title: S}}}}\ncards:\n"
    path.write_text(head + "".join(card_yaml(i) for i in range(n)), encoding="utf-8")
    return path


def quizapp_cmd(db: Path, decks: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "quizapp", "--db", str(db), "--decks", str(decks), *args]


def study_cmd(db: Path, decks: Path) -> list[str]:
    return quizapp_cmd(db, decks, "study", "--plain", "--learner", LEARNER, "--deck", DECK_ID)


def child_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "QUIZAPP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("QUIZAPP_DECKS", None)
    return env


def prepare(work: Path, cards: int) -> tuple[Path, Path, dict[str, str]]:
    decks = work / "decks"
    write_deck(decks, cards)
    db = work / "progress.db"
    env = child_env(work / "home")
    out = subprocess.run(
        quizapp_cmd(db, decks, "learners", "add", LEARNER),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if out.returncode != 0:
        raise SystemExit(f"setup failed: {out.stderr}")
    conn = sqlite3.connect(db)
    # No daily limits: the session must not run out of cards before it is killed.
    conn.execute(
        "UPDATE learners SET new_per_day = 1000000, reviews_per_day = 1000000 WHERE name = ?",
        [LEARNER],
    )
    conn.commit()
    conn.close()
    return db, decks, env


def review_rows(db: Path, after_id: int) -> list[tuple[int, int]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT id, rating FROM reviews WHERE id > ? ORDER BY id", [after_id]
        ).fetchall()
    finally:
        conn.close()


def max_review_id(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def acknowledged(stdout: str) -> list[int]:
    """Grades of the `Saved: <grade>; …` lines, in order."""
    # The prompt is not followed by a newline (input is not echoed through a pipe), so the
    # acknowledgement shares the prompt's line.
    return [GRADES[m.group(1)] for m in SAVED.finditer(stdout)]


def answers_stream(rng: random.Random, n: int = 4000) -> bytes:
    return "".join(f"\n{rng.randint(1, 4)}\n" for _ in range(n)).encode()


def killed_session(
    db: Path, decks: Path, env: dict[str, str], delay: float, feed: bytes
) -> tuple[str, bool]:
    """Run a study session, SIGKILL it after `delay` s; (stdout before the kill, was alive)."""
    proc = subprocess.Popen(
        study_cmd(db, decks),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    chunks: list[bytes] = []
    errs: list[bytes] = []

    def feed_in() -> None:
        try:
            assert proc.stdin is not None
            proc.stdin.write(feed)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def read(stream, sink: list[bytes]) -> None:  # type: ignore[no-untyped-def]
        for block in iter(lambda: stream.read1(65536), b""):
            sink.append(block)

    threads = [
        threading.Thread(target=feed_in, daemon=True),
        threading.Thread(target=read, args=(proc.stdout, chunks), daemon=True),
        threading.Thread(target=read, args=(proc.stderr, errs), daemon=True),
    ]
    for t in threads:
        t.start()
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    for t in threads[1:]:
        t.join(timeout=30)
    err = b"".join(errs).decode("utf-8", "replace")
    if not alive and proc.returncode != 0:
        raise RuntimeError(f"session failed before the kill: {err[-2000:]}")
    if "Traceback" in err:
        raise RuntimeError(f"traceback before the kill: {err[-2000:]}")
    return b"".join(chunks).decode("utf-8", "replace"), alive


def resume_session(db: Path, decks: Path, env: dict[str, str], answers: int) -> str | None:
    """A normal session on the crashed file; None if it resumed and saved `answers`."""
    out = subprocess.run(
        study_cmd(db, decks),
        input="\n3\n" * answers,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    saved = len(acknowledged(out.stdout))
    if out.returncode != 0 or "Traceback" in out.stderr or saved != answers:
        return f"exit {out.returncode}, saved {saved}/{answers}: {out.stderr[-1000:]}"
    return None


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def run(
    kills: int,
    seed: int,
    work: Path,
    *,
    cards: int = 3000,
    min_delay: float = 0.05,
    max_delay: float = 1.6,
    resume_answers: int = 1,
    log=print,  # type: ignore[no-untyped-def]
) -> Figures:
    rng = random.Random(seed)
    fig = Figures(seed=seed)
    started = time.monotonic()
    db, decks, env = prepare(work, cards)
    next_card = cards
    for round_ in range(1, kills + 1):
        if rng.random() < 0.1:  # make the killed session sync a changed deck file
            with (decks / "kill.yaml").open("a", encoding="utf-8") as f:
                f.write(card_yaml(next_card))
            next_card += 1
            fig.syncs_interrupted += 1
        last = max_review_id(db)
        delay = rng.uniform(min_delay, max_delay)
        stdout, alive = killed_session(db, decks, env, delay, answers_stream(rng))
        fig.kills += 1
        fig.killed_while_running += int(alive)
        acked = acknowledged(stdout)
        fig.answers_acknowledged += len(acked)
        # The next session opens the crashed file (hot WAL) before anything else does.
        problem = resume_session(db, decks, env, resume_answers)
        if problem:
            fig.resume_failures += 1
            fig.failures.append(f"round {round_}: resume failed: {problem}")
        rows = review_rows(db, last)
        from_killed = rows[: len(rows) - resume_answers] if not problem else rows
        ratings = [r for _, r in from_killed]
        lost = max(0, len(acked) - len(ratings))
        fig.answers_lost += lost
        if len(ratings) == len(acked) + 1:
            fig.in_flight_committed += 1
        extra = max(0, len(ratings) - len(acked) - 1)
        fig.extra_reviews += extra
        if ratings[: len(acked)] != acked[: len(ratings)]:
            fig.grade_mismatches += 1
            fig.failures.append(f"round {round_}: grades {ratings[: len(acked)]} != {acked}")
        if lost or extra:
            fig.failures.append(
                f"round {round_}: acknowledged {len(acked)}, in database {len(ratings)}"
            )
        check = integrity(db)
        if check != "ok":
            fig.integrity_failures += 1
            fig.failures.append(f"round {round_}: integrity_check: {check}")
        log(
            f"round {round_:3d}: kill at {delay:.2f}s{'' if alive else ' (already gone)'}, "
            f"{len(acked)} acknowledged, {len(ratings)} in db, integrity {check}"
        )
    conn = sqlite3.connect(db)
    fig.reviews_in_db = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    conn.close()
    fig.seconds = round(time.monotonic() - started, 1)
    return fig


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=100, help="number of SIGKILLs (default 100)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    ap.add_argument("--max-delay", type=float, default=1.6, help="latest kill, seconds")
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: temp)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON last")
    ap.add_argument("--quiet", action="store_true", help="no line per round")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"kill loop: {args.kills} kills, seed {seed}", flush=True)
    log = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, flush=True))
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        fig = run(args.kills, seed, args.work, max_delay=args.max_delay, log=log)
    else:
        with tempfile.TemporaryDirectory(prefix="quizapp-kill-") as tmp:
            fig = run(args.kills, seed, Path(tmp), max_delay=args.max_delay, log=log)
    print(
        f"kills: {fig.kills} ({fig.killed_while_running} mid-session, "
        f"{fig.syncs_interrupted} with a deck sync); answers acknowledged: "
        f"{fig.answers_acknowledged}; answers lost: {fig.answers_lost}; in-flight answers "
        f"committed unacknowledged: {fig.in_flight_committed}; extra reviews: "
        f"{fig.extra_reviews}; integrity failures: {fig.integrity_failures}; resume failures: "
        f"{fig.resume_failures}; reviews in db: {fig.reviews_in_db}; {fig.seconds}s; "
        f"seed {seed}"
    )
    for f in fig.failures:
        print(f"FAIL {f}")
    if args.json:
        print(json.dumps({**asdict(fig), "ok": fig.ok}))
    return 0 if fig.ok else 1


if __name__ == "__main__":
    sys.exit(main())
