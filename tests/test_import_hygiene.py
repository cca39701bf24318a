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
    "quizapp.store.integrity",
    "quizapp.store.sync",
    "quizapp.store.deck_rows",
    "quizapp.store.sync_pool",
    "quizapp.decks.cloze_parts",
    "quizapp.store.progress",
    "quizapp.store.queries",
    "quizapp.optimize",
    "quizapp.simulate",
    "quizapp.lineio",
    "quizapp.quiz.blocks",
    "quizapp.quiz.results",
    "quizapp.quiz.plain",
    "quizapp.personal.optimise_store",
    "quizapp.personal.exam",
    "quizapp.personal.advisor",
    "quizapp.personal.backlog",
    "quizapp.personal.leeches",
    "quizapp.reports.metrics",
    "quizapp.reports.cohort",
    "quizapp.reports.csv_out",
    "quizapp.reports.json_out",
    "quizapp.reports.md_out",
    "quizapp.reports.html_out",
    "quizapp.reports.xapi_out",
    "quizapp.reports.output",
    "quizapp.interop.apkg_read",
    "quizapp.interop.convert",
    "quizapp.interop.apkg_write",
    "quizapp.interop.text_import",
    "quizapp.interop.progress_import",
    "quizapp.decks.add_ids",
    "quizapp.decks.discovery",
    "quizapp.decks.errors",
    "quizapp.decks.quotes",
    "quizapp.decks.schema",
    "quizapp.interop.htmltext",
    "quizapp.interop.yaml_out",
    "quizapp.personal.memory",
    "quizapp.reports.reviewlog",
    "quizapp.store.items",
    "quizapp.store.learners",
    "quizapp.store.migrations",
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


def test_every_core_module_is_listed() -> None:
    """A new core module must be added above, so the hygiene check covers it."""
    import pkgutil

    import quizapp

    found = {
        m.name
        for m in pkgutil.walk_packages(quizapp.__path__, "quizapp.")
        if not m.ispkg
        and not m.name.startswith("quizapp.tui")
        and not m.name.startswith("quizapp.commands.")
        and m.name != "quizapp.__main__"
    }
    unlisted = sorted(found - set(CORE_MODULES))
    assert unlisted == [], f"add to CORE_MODULES: {unlisted}"


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
