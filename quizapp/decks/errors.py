"""Deck problems: what is wrong, where (file:line:col), in which card, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


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


class Located(Protocol):
    """Anything with a 1-based position (the loader's YAML nodes)."""

    line: int
    col: int


@dataclass
class ProblemLog:
    """The problems found so far in one file, in the order found; `fail` sorts them into
    file order. Shared by the reading, parsing and validating steps so that one load
    reports everything at once."""

    file: str
    path: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, col: int, message: str, hint: str = "", card_id: str = "") -> None:
        self.problems.append(Problem(self.file, line, col, message, hint, card_id))

    def at(self, node: Located, message: str, hint: str = "", card_id: str = "") -> None:
        self.add(node.line, node.col, message, hint, card_id)

    def fail(self) -> DeckError:
        return DeckError(sorted(self.problems, key=lambda p: (p.line, p.column)))
