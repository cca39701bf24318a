"""How reports write an instant and show a card's question."""

from __future__ import annotations

from datetime import datetime

from quizapp.clock import utc


def iso_utc(dt: datetime) -> str:
    """ISO 8601 UTC with a Z and milliseconds: 2026-03-02T09:00:00.000Z."""
    return utc(dt).strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc(dt).microsecond // 1000:03d}Z"


def source_name(label: str) -> str:
    """A database label as reports show it: the file's name, never its folders (a report
    is shared; the path of the learner's files is not the reader's business)."""
    name = label.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name or label


def prompt_text(card_type: str, data: dict[str, object], ord_: int) -> str:
    """The question as the learner saw it (cloze: the deletion blanked)."""
    if card_type == "cloze":
        from quizapp.decks.cloze import ClozeError, render_question

        text = str(data.get("text", ""))
        try:
            shown = render_question(text, ord_)
        except ClozeError:
            shown = text
        prompt = str(data.get("prompt", "") or "")
        return f"{prompt} {shown}".strip() if prompt else shown
    return str(data.get("prompt", ""))
