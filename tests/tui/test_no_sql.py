"""The Textual front end writes no SQL: every statement is a named query of
`quizapp.store` (store.queries.home, store.queries.browse, …), and no module of
`quizapp/tui` imports sqlite3 or sqlite_utils (the handle's type is
`quizapp.store.db.Database`). A cheap guard until import-linter enforces the layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import quizapp.tui

TUI = Path(quizapp.tui.__file__).parent
DRIVERS = {"sqlite3", "sqlite_utils"}
RUNS_SQL = {"execute", "executemany", "executescript"}
# Upper case, as the store writes SQL (UI text such as "Select a deck from…" passes).
SQL_TEXT = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA)\b", re.DOTALL
)


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"imports {n}" for n in names if n.split(".")[0] in DRIVERS]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr = node.func
            if attr.attr in RUNS_SQL:
                found.append(f"calls .{attr.attr}() (line {node.lineno})")
            if attr.attr in ("query", "table") and isinstance(attr.value, ast.Attribute | ast.Name):
                owner = attr.value.attr if isinstance(attr.value, ast.Attribute) else attr.value.id
                if owner == "db":
                    found.append(f"calls db.{attr.attr}() (line {node.lineno})")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_TEXT.search(node.value)
        ):
            found.append(f"SQL text (line {node.lineno})")
    return [f"{path.relative_to(TUI.parent.parent)}: {o}" for o in found]


def test_the_tui_writes_no_sql() -> None:
    modules = sorted(TUI.rglob("*.py"))
    assert any(p.name == "app.py" for p in modules)
    offences = [o for p in modules for o in _offences(p)]
    assert offences == []
