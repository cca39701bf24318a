"""Where quizapp keeps its data. Functions, not constants, so tests can redirect them.

`QUIZAPP_HOME` overrides the platform's user data dir; `--db FILE` overrides the
database file; `QUIZAPP_DECKS` (os.pathsep-separated) adds deck folders.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    home = os.environ.get("QUIZAPP_HOME")
    if home:
        return Path(home).expanduser()
    return user_data_path("quizapp", appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "progress.db"


def env_deck_dirs() -> list[Path]:
    raw = os.environ.get("QUIZAPP_DECKS", "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]
