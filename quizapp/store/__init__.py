"""The progress store: SQLite via sqlite-utils (schema, sync, learners, progress)."""

from quizapp.store.db import StoreError, backup, open_database

__all__ = ["StoreError", "backup", "open_database"]
