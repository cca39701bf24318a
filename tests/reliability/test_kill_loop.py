"""Crash safety in CI: a short run of scripts/kill_loop.py (the full loop is 100+ kills)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sigkill_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "kill_loop.py"),
            "--kills",
            "12",
            "--max-delay",
            "2.5",  # late enough that most kills land mid-session on a busy machine
            "--work",
            str(tmp_path),
            "--json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.stdout, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    report = out.stdout[-3000:] + out.stderr[-3000:]
    assert figures["kills"] == 12, report
    assert figures["answers_lost"] == 0, report
    assert figures["extra_reviews"] == 0, report
    assert figures["grade_mismatches"] == 0, report
    assert figures["integrity_failures"] == 0, report
    assert figures["resume_failures"] == 0, report
    assert figures["answers_acknowledged"] > 0, report  # the kills did land mid-session
    assert out.returncode == 0, report
