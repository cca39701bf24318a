"""The deck JSON Schema (draft 2020-12) for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_PATH: Path = Path(__file__).resolve().parent / "deck.schema.json"


def load_schema() -> dict[str, Any]:
    """The parsed `deck.schema.json`."""
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data
