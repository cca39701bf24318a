"""Loading decks from worker threads (the TUI syncs in thread workers).

yaml-rs 0.1.6 segfaults when first imported in a thread that exits and then used from
another thread; the loader must never import it off the main thread.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[1] / "decks" / "sts-recurrence.yaml"

SCRIPT = f"""
import sys, threading
from pathlib import Path
from quizapp.decks.loader import load_deck

def work():
    assert len(load_deck(Path({str(BUNDLED)!r})).cards) == 44

for _ in range(5):  # successive short-lived workers, as successive TUI syncs
    t = threading.Thread(target=work)
    t.start()
    t.join()
print("yaml_rs" in sys.modules)
work()  # the main thread may use the fast parser…
for _ in range(5):  # …and workers after it
    t = threading.Thread(target=work)
    t.start()
    t.join()
print("done")
"""


def test_worker_threads_never_crash_the_loader() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "done"]
