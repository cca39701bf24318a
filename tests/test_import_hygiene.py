"""The core runs without Textual: importing every core module must not import textual."""

from __future__ import annotations

import subprocess
import sys


def _core_modules() -> list[str]:
    """Every module of quizapp outside the Textual front end (found, not listed by hand)."""
    import pkgutil

    import quizapp

    return sorted(
        m.name
        for m in pkgutil.walk_packages(quizapp.__path__, "quizapp.")
        if not m.name.startswith("quizapp.tui") and m.name != "quizapp.__main__"
    )


def test_core_does_not_import_textual() -> None:
    modules = _core_modules()
    assert "quizapp.study.session" in modules and "quizapp.cli.main" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unchanged_start_up_does_not_load_the_deck_parsers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Syncing decks that did not change needs neither YAML nor the loader: start-up
    stays free of them (they cost ~0.1 s), and they load once a file did change."""
    from quizapp.decks.discovery import bundled_decks_dir

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quizapp.store import open_database\n"
        "from quizapp.store.sync import sync_paths\n"
        f"db = open_database(Path({str(tmp_path / 'q.db')!r}))\n"
        f"report = sync_paths(db, [Path({str(bundled_decks_dir())!r})])\n"
        "print(bool(report.added), report.unchanged, 'quizapp.decks.loader' in sys.modules,"
        " 'yaml' in sys.modules)\n"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
    assert first == ["True", "0", "True", "True"]
    again = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
    assert again == ["False", "1", "False", "False"]
