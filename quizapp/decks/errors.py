"""Deck problems: what is wrong, where (file:line:col), in which card, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a deck file. `line`/`column` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    card_id: str = ""

    def __str__(self) -> str:
        card = f"[card {self.card_id}] " if self.card_id else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {card}{self.message}{hint}"


class DeckError(Exception):
    """A deck that cannot be loaded; `problems` lists everything found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
