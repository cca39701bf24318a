"""The progress store: SQLite via sqlite-utils (schema, sync, learners, progress).

    from quizapp.store import open_database, StoreError, backup

The names load on first use (PEP 562), so `quizapp.store.integrity` can start the
start-up check before sqlite-utils (~0.1 s to import) is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizapp.store.db import StoreError, backup, open_database

__all__ = ["StoreError", "backup", "open_database"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from quizapp.store import db

    value = getattr(db, name)
    globals()[name] = value
    return value
