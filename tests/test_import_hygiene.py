"""The core runs without Textual: importing every core module must not import textual."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "quizapp.cli",
    "quizapp.model",
    "quizapp.cloze",
    "quizapp.clock",
    "quizapp.paths",
    "quizapp.grading",
    "quizapp.scheduling",
    "quizapp.study",
    "quizapp.plain",
    "quizapp.textsafe",
    "quizapp.decks.loader",
    "quizapp.decks.check",
    "quizapp.store.db",
    "quizapp.store.sync",
    "quizapp.store.progress",
    "quizapp.store.queries",
    "quizapp.optimize",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {CORE_MODULES!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_core_module_listed_exists() -> None:
    import importlib

    for m in CORE_MODULES:
        assert importlib.import_module(m) is not None
