"""`make bench`: every performance figure of quizapp on a large collection.

    .venv/bin/python -m benchmarks.run [--runs 5] [--only NAME ...] [--no-anki]

Generates (or reuses) the collection of `benchmarks.generate`, then measures each
figure `--runs` times after a warm-up and reports the median (answer latencies: the
p95 of each run's ≥ 500 answers, median over runs). Prints a table and writes
`benchmarks/results/latest.json`. What each figure measures is in `FIGURES` below and
in README.md (Performance).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import generate as gen
from benchmarks import textual_baseline

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "latest.json"
WORK = gen.DATA / "work"

# key: (target, unit, what is measured)
FIGURES: dict[str, tuple[float | None, str, str]] = {
    "startup_plain_s": (
        0.5,
        "s",
        "process start → first card's prompt line of `quizapp study --plain`, "
        "decks unchanged since the last run",
    ),
    "startup_tui_s": (
        0.8,
        "s",
        "process start → first card shown by the TUI (headless run_test; Enter "
        "pressed as soon as home is ready), decks unchanged since the last run",
    ),
    "textual_baseline_s": (
        None,
        "s",
        "a bare Textual app (header, 31-row DataTable, footer) to its first idle frame, "
        "run_test 120×40, fresh process (benchmarks.textual_baseline), beside each TUI start",
    ),
    "startup_tui_ratio": (
        1.3,
        "×",
        "startup_tui_s ÷ textual_baseline_s, measured in the same run (machine-independent)",
    ),
    "sync_first_s": (3.0, "s", "first sync of the 50,000 cards (30 YAML files) into a fresh db"),
    "sync_unchanged_s": (0.05, "s", "sync when no deck file changed"),
    "answer_p95_ms": (
        2.0,
        "ms",
        "StudySession.answer + next_item, p95 per run of 100 answers (5 runs), big learner",
    ),
    "tui_answer_ms": (
        50.0,
        "ms",
        "TUI: keypress (grade) → next card painted and settled, median (benchmarks.tui_probe)",
    ),
    "tui_answer_p95_ms": (80.0, "ms", "TUI: the same, p95 of all answers of all runs"),
    "tui_reveal_ms": (
        50.0,
        "ms",
        "TUI: keypress (Space, a letter, Enter) → answer side painted and settled, median",
    ),
    "quiz_next_ms": (
        50.0,
        "ms",
        "TUI quiz: ] or [ → next/previous question painted and settled, median "
        "(20-question timed block)",
    ),
    "counts_ms": (20.0, "ms", "store.queries.deck_counts for all decks, big learner"),
    "forecast_ms": (100.0, "ms", "30-day due forecast (reports.cards.forecast)"),
    "report_csv_s": (2.0, "s", "`quizapp report --all --format csv`, 21 learners"),
    "report_html_s": (4.0, "s", "`quizapp report --all --format html`, 21 learners"),
    "items_s": (3.0, "s", "`quizapp report --all --items --format csv`, 21 learners"),
    "peak_rss_mb": (200.0, "MB", "peak RSS of the TUI process (first card + 20 answers)"),
    "anki_ratio": (1.0, "×", "quizapp time / Anki time per task (add, due queue, answer)"),
    "image_card_ms": (
        100.0,
        "ms",
        "TUI: keypress (grade) → next card's 2 MP JPEG drawn in half-blocks, median "
        "(benchmarks.image_probe; a new file per card)",
    ),
    "image_extra_ms": (
        None,
        "ms",
        "image_card_ms minus the same cards with QUIZAPP_IMAGES=off (the picture's own cost)",
    ),
}


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def repeat(fn: Callable[[], float], runs: int, warmup: int = 1) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    samples = [fn() for _ in range(runs)]
    return median(samples), samples


def quizapp_cmd(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "quizapp", "--db", str(db), "--decks", str(gen.DECKS), *args]


def fresh_copy(name: str) -> Path:
    """A private copy of the generated database (the benchmarks write to it)."""
    WORK.mkdir(parents=True, exist_ok=True)
    dest = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    shutil.copyfile(gen.DB, dest)
    # Written back to disk before anything is timed: the first fsync a measured process
    # makes (its first commit) would otherwise wait for the OS to flush this fresh copy
    # (~0.5 GB), which showed as a 0.6–0.8 s first answer in the TUI figures.
    os.sync()
    return dest


# ---------------------------------------------------------------------------- figures


def bench_sync(runs: int) -> dict[str, Any]:
    from quizapp.store import open_database
    from quizapp.store.sync import sync_paths

    dbs: list[Path] = []

    def first() -> float:
        path = Path(tempfile.mkdtemp(dir=WORK)) / "sync.db"
        db = open_database(path)
        t = time.perf_counter()
        report = sync_paths(db, [gen.DECKS])
        elapsed = time.perf_counter() - t
        assert not report.problems and report.added, report.problems[:3]
        db.conn.close()
        dbs.append(path)
        return elapsed

    first_s, first_runs = repeat(first, runs)
    db = open_database(dbs[-1])

    def unchanged() -> float:
        t = time.perf_counter()
        report = sync_paths(db, [gen.DECKS])
        elapsed = time.perf_counter() - t
        assert report.unchanged == gen.N_DECKS and not report.parsed
        return elapsed

    unchanged_s, unchanged_runs = repeat(unchanged, runs)
    db.conn.close()
    for p in dbs:
        shutil.rmtree(p.parent, ignore_errors=True)
    return {
        "sync_first_s": (first_s, first_runs),
        "sync_unchanged_s": (unchanged_s, unchanged_runs),
    }


def bench_startup_plain(runs: int) -> dict[str, Any]:
    db = fresh_copy("plain.db")
    cmd = quizapp_cmd(db, "study", "--plain", "--learner", gen.BIG_LEARNER)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}

    def once() -> float:
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        assert proc.stdout is not None
        header_seen = False
        try:
            for line in proc.stdout:
                if header_seen:  # the first card's prompt (or cloze question) line
                    return time.perf_counter() - t
                header_seen = line.startswith("[") and " new]  " in line
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"no card printed by {' '.join(cmd)}: {err[-2000:]}")
        finally:
            proc.kill()
            proc.wait()

    value, samples = repeat(once, runs)
    return {"startup_plain_s": (value, samples)}


def bench_tui(runs: int, answers: int = 20, moves: int = 18) -> dict[str, Any]:
    db = WORK / "tui.db"
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.tui_probe",
        str(db),
        str(gen.DECKS),
        gen.BIG_LEARNER,
        str(answers),
        str(moves),
    ]
    answer_ms: list[float] = []
    reveal_ms: list[float] = []
    move_ms: list[float] = []
    rss: list[float] = []
    baseline: list[float] = []  # a bare Textual app, started just before each TUI start

    # Decks unchanged since the last run, as for the plain start-up: the bundled deck the
    # TUI adds is synced into the base copy once, before any timed run.
    base = fresh_copy("tui-base.db")
    from quizapp.decks.discovery import bundled_decks_dir
    from quizapp.store import open_database
    from quizapp.store.sync import sync_paths

    base_db = open_database(base)
    sync_paths(base_db, [bundled_decks_dir(), gen.DECKS])
    base_db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    base_db.conn.close()

    def once() -> float:
        baseline.append(textual_baseline.first_frame()[0])
        for suffix in ("-wal", "-shm"):  # every run starts from the same collection
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(base, db)
        os.sync()  # the copy written back first: not the first answer's cost
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT.parent
        )
        assert proc.stdout is not None
        first = None
        for line in proc.stdout:
            msg = json.loads(line)
            if msg["event"] == "card":
                first = time.perf_counter() - t
            elif msg["event"] == "answers":
                answer_ms.extend(msg["ms"])
            elif msg["event"] == "reveals":
                reveal_ms.extend(msg["ms"])
            elif msg["event"] == "quiz_moves":
                move_ms.extend(msg["ms"])
            elif msg["event"] == "rss":
                rss.append(msg["mb"])
        proc.wait(timeout=120)
        if first is None:
            raise RuntimeError(
                f"TUI probe failed: {proc.stderr.read()[-3000:] if proc.stderr else ''}"
            )
        return first

    value, samples = repeat(once, runs)
    bare = median(baseline[1:])  # (the first ran with the warm-up)
    return {
        "startup_tui_s": (value, samples),
        "textual_baseline_s": (bare, baseline[1:]),
        "startup_tui_ratio": (
            value / bare,
            [s / b for s, b in zip(samples, baseline[1:], strict=True)],
        ),
        "tui_answer_ms": (median(answer_ms), [p95(answer_ms), max(answer_ms)]),
        "tui_answer_p95_ms": (p95(answer_ms), [len(answer_ms)]),
        "tui_reveal_ms": (median(reveal_ms), [p95(reveal_ms), max(reveal_ms)]),
        "quiz_next_ms": (median(move_ms), [p95(move_ms), max(move_ms)]),
        "peak_rss_mb": (max(rss), rss),
    }


def bench_images(runs: int, answers: int = 10) -> dict[str, Any]:
    def probe(mode: str) -> list[float]:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.image_probe", str(answers), mode],
            capture_output=True, text=True, cwd=ROOT.parent, timeout=600, check=True,
        )  # fmt: skip
        return [float(x) for x in json.loads(out.stdout.splitlines()[-1])["ms"]]

    drawn: list[float] = []
    off: list[float] = []
    for _ in range(max(1, runs // 2)):
        drawn += probe("halfblock")
        off += probe("off")
    return {
        "image_card_ms": (median(drawn), [p95(drawn), max(drawn)]),
        "image_extra_ms": (median(drawn) - median(off), [median(off)]),
    }


def bench_core(runs: int, answers: int = 100) -> dict[str, Any]:
    from quizapp.model import Rating
    from quizapp.reports.cards import forecast as due_forecast
    from quizapp.store import open_database
    from quizapp.store.learners import get_learner
    from quizapp.store.queries.decks import deck_counts
    from quizapp.store.scope import Scope
    from quizapp.study.session import session_for

    path = fresh_copy("core.db")
    db = open_database(path)
    learner = get_learner(db, gen.BIG_LEARNER)
    assert learner is not None
    out: dict[str, Any] = {}

    def counts() -> float:
        t = time.perf_counter()
        rows = deck_counts(db, learner)
        elapsed = (time.perf_counter() - t) * 1000
        assert len(rows) >= gen.N_DECKS
        return elapsed

    out["counts_ms"] = repeat(counts, max(runs, 10))

    def forecast() -> float:
        now = datetime.now(UTC)
        t = time.perf_counter()
        due_forecast(db, learner, Scope(), now, None)
        return (time.perf_counter() - t) * 1000

    out["forecast_ms"] = repeat(forecast, max(runs, 10))

    session = session_for(db, learner, fuzz=False)
    pooled: list[float] = []
    ratings = [Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.AGAIN, Rating.EASY]

    def one_run() -> float:
        lat: list[float] = []
        item = session.next_item()
        for i in range(answers):
            assert item is not None
            t = time.perf_counter()
            session.answer(item, ratings[i % len(ratings)], duration_ms=5000)
            item = session.next_item()
            lat.append((time.perf_counter() - t) * 1000)
        pooled.extend(lat)
        return p95(lat)

    one_run()  # warm-up
    p95s = [one_run() for _ in range(runs)]  # runs × answers ≥ 500 answers in all
    out["answer_p95_ms"] = (median(p95s), p95s)
    db.conn.close()
    return out


def bench_reports(runs: int) -> dict[str, Any]:
    probe = subprocess.run(
        [sys.executable, "-m", "quizapp", "report", "--help"], capture_output=True, text=True
    )
    if probe.returncode != 0 or "--all" not in probe.stdout:
        note = "not available: `quizapp report --all` does not exist in this build"
        return {key: (None, note) for key in ("report_csv_s", "report_html_s", "items_s")}
    db = fresh_copy("report.db")
    out: dict[str, Any] = {}
    for key, fmt, extra in (
        ("report_csv_s", "csv", ()),
        ("report_html_s", "html", ()),
        ("items_s", "csv", ("--items",)),
    ):
        dest = WORK / f"report-{key}.{fmt}"

        def once(fmt: str = fmt, dest: Path = dest, extra: tuple[str, ...] = extra) -> float:
            t = time.perf_counter()
            with dest.open("wb") as f:
                subprocess.run(
                    quizapp_cmd(db, "report", "--all", *extra, "--format", fmt),
                    stdout=f,
                    stderr=subprocess.PIPE,
                    check=True,
                )
            return time.perf_counter() - t

        warm = once()
        target = FIGURES[key][0] or 1.0
        # Far over target: 3 runs instead of `runs`, so `make bench` stays under 15 minutes.
        n = runs if warm < 5 * target else 3
        samples = [once() for _ in range(n)]
        out[key] = (median(samples), samples)
    return out


def bench_anki(runs: int, sync_first: float | None, answers: int = 1000) -> dict[str, Any]:
    """The same work in Anki's backend and in quizapp, in this run."""
    try:
        from anki.collection import AddNoteRequest, Collection
    except ImportError:
        return {"anki_ratio": (None, "not available: the `anki` package is not installed")}
    from quizapp.decks.loader import load_deck
    from quizapp.model import CardType, Rating
    from quizapp.store import open_database
    from quizapp.store.learners import ensure_learner, update_settings
    from quizapp.store.sync import sync_paths
    from quizapp.study.session import session_for

    cards = [c for p in sorted(gen.DECKS.glob("*.yaml")) for c in load_deck(p).cards]
    fields = [
        (c.text if c.type is CardType.CLOZE else c.prompt, c.answer or c.explanation) for c in cards
    ]

    def anki_once() -> dict[str, float]:
        root = Path(tempfile.mkdtemp(dir=WORK))
        col = Collection(str(root / "collection.anki2"))
        try:
            basic = col.models.by_name("Basic")
            did = col.decks.id("Bench")
            col.decks.select(did)
            conf = col.decks.config_dict_for_deck_id(did)
            conf["new"]["perDay"] = 9999
            conf["rev"]["perDay"] = 9999
            col.decks.update_config(conf)
            t = time.perf_counter()
            reqs = []
            for front, back in fields:
                n = col.new_note(basic)
                n["Front"], n["Back"] = front, back
                reqs.append(AddNoteRequest(note=n, deck_id=did))
            col.add_notes(reqs)
            add = time.perf_counter() - t
            t = time.perf_counter()
            col.sched.get_queued_cards(fetch_limit=1)
            queue = time.perf_counter() - t
            t = time.perf_counter()
            for _ in range(answers):
                qc = col.sched.get_queued_cards(fetch_limit=1).cards[0]
                card = col.get_card(qc.card.id)
                card.start_timer()
                ans = col.sched.build_answer(card=card, states=qc.states, rating=3)
                col.sched.answer_card(ans)
            answer = time.perf_counter() - t
            return {"add": add, "queue": queue, "answer": answer}
        finally:
            col.close()
            shutil.rmtree(root, ignore_errors=True)

    def quizapp_once() -> dict[str, float]:
        root = Path(tempfile.mkdtemp(dir=WORK))
        db = open_database(root / "q.db")
        try:
            t = time.perf_counter()
            sync_paths(db, [gen.DECKS])
            add = time.perf_counter() - t
            learner = update_settings(
                db, ensure_learner(db, "anki-peer").id, new_per_day=9999, reviews_per_day=9999
            )
            session = session_for(db, learner, fuzz=False)
            t = time.perf_counter()
            session.counts()
            session.next_item()
            queue = time.perf_counter() - t
            t = time.perf_counter()
            for _ in range(answers):
                item = session.next_item()
                assert item is not None
                session.answer(item, Rating.GOOD)
            answer = time.perf_counter() - t
            return {"add": add, "queue": queue, "answer": answer}
        finally:
            db.conn.close()
            shutil.rmtree(root, ignore_errors=True)

    a_runs = [anki_once() for _ in range(runs + 1)][1:]
    warm = quizapp_once()
    # quizapp's 1,000 answers take tens of seconds while answering is slow: 3 runs then,
    # so `make bench` stays under 15 minutes.
    n = runs if sum(warm.values()) < 20 else 3
    q_runs = [quizapp_once() for _ in range(n)]
    ratios = {}
    detail = {}
    for task in ("add", "queue", "answer"):
        a = median([r[task] for r in a_runs])
        q = median([r[task] for r in q_runs])
        ratios[task] = round(q / a, 3) if a else None
        detail[task] = {"quizapp_s": round(q, 4), "anki_s": round(a, 4)}
    return {"anki_ratio": (ratios, detail)}


# ---------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "ram_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def verdict(key: str, value: Any) -> str:
    target = FIGURES[key][0]
    if value is None:
        return "n/a"
    if target is None:
        return "—"
    if isinstance(value, dict):
        vals = [v for v in value.values() if v is not None]
        return "ok" if vals and all(v <= target for v in vals) else "miss"
    return "ok" if value <= target else "miss"


def show(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:.2f}" for k, v in value.items() if v is not None)
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(results: dict[str, Any]) -> str:
    rows = [("figure", "value", "target", "")]
    for key, (target, unit, _what) in FIGURES.items():
        if key not in results:
            continue
        value = results[key]
        tgt = "—" if target is None else f"≤ {target:g} {unit}"
        rows.append((key, show(value), tgt, verdict(key, value)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_group(group: str, runs: int, raw: dict[str, Any]) -> None:
    if group == "sync":
        raw.update(bench_sync(runs))
    elif group == "plain":
        raw.update(bench_startup_plain(runs))
    elif group == "tui":
        raw.update(bench_tui(runs))
    elif group == "core":
        raw.update(bench_core(runs))
    elif group == "reports":
        raw.update(bench_reports(runs))
    elif group == "images":
        raw.update(bench_images(runs))
    elif group == "anki":
        raw.update(bench_anki(runs, raw.get("sync_first_s", (None,))[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="quizapp benchmarks")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--only", nargs="*", default=None, help="sync plain tui images core reports anki"
    )
    ap.add_argument("--no-anki", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="do not write results/latest.json")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    print(
        "collection:", "cached" if gen.is_current() else "generating (a few minutes)…", flush=True
    )
    meta = gen.generate()
    WORK.mkdir(parents=True, exist_ok=True)
    # Bring the cached collection to this quizapp's schema once (new migrations since it
    # was generated), so no figure pays a one-time migration.
    from quizapp.store import open_database

    open_database(gen.DB).conn.close()
    for old in gen.DATA.glob("bench.db.bak-*"):
        old.unlink()
    # Start-up figures are those of an installed quizapp, whose modules are byte-compiled
    # (pip compiles on install; an editable install's first run writes __pycache__).
    # Compiled here explicitly: PYTHONDONTWRITEBYTECODE, set on some machines, would
    # otherwise have every measured start re-compile quizapp's ~100 modules.
    compileall.compile_dir(ROOT.parent / "quizapp", quiet=1)
    groups = args.only or ["sync", "plain", "tui", "images", "core", "reports", "anki"]
    if args.no_anki and "anki" in groups:
        groups.remove("anki")
    raw: dict[str, Any] = {}
    for group in groups:
        t = time.perf_counter()
        print(f"… {group}", end="", flush=True)
        try:
            run_group(group, args.runs, raw)
        except Exception as e:  # one broken figure must not lose the others
            print(f" FAILED: {type(e).__name__}: {e}", end="")
            raw[f"error_{group}"] = (None, f"{type(e).__name__}: {e}")
        print(f" {time.perf_counter() - t:.1f} s", flush=True)
    shutil.rmtree(WORK, ignore_errors=True)
    results = {
        k: (round(v[0], 4) if isinstance(v[0], float) else v[0])
        for k, v in raw.items()
        if k in FIGURES
    }
    print()
    print(table(results))
    total = time.perf_counter() - t0
    print(f"\n{args.runs} runs per figure (median), total {total:.0f} s")
    if not args.no_write and args.only is None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            **results,
            "targets": {k: v[0] for k, v in FIGURES.items()},
            "status": {k: verdict(k, results[k]) for k in results},
            "errors": {k: v[1] for k, v in raw.items() if k.startswith("error_")},
            "measured": {k: FIGURES[k][2] for k in results},
            "runs": {k: v[1] for k, v in raw.items() if k in FIGURES},
            "collection": {
                k: meta.get(k)
                for k in (
                    "cards",
                    "study_items",
                    "big_reviews",
                    "cohort_learners",
                    "cohort_reviews",
                    "deck_bytes",
                    "version",
                )
            },
            "machine": machine(),
            "runs_per_figure": args.runs,
            "total_s": round(total, 1),
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        RESULTS.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
