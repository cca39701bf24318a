"""The one study scope: which study items a session, a quiz block or a report draws from.

A scope is a set of decks (None: every active deck) and optional tags (an item matches if
it carries any of them). `sql()` gives the WHERE fragment over the `cards` table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """Which items a session draws from: decks (None = all active) and an optional tag."""

    deck_ids: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()

    def sql(self, alias: str = "c") -> tuple[str, list[object]]:
        clauses = [f"{alias}.active = 1"]
        params: list[object] = []
        if self.deck_ids is not None:
            clauses.append(
                f"{alias}.deck_id IN ({', '.join('?' for _ in self.deck_ids)})"
                if self.deck_ids
                else "0"
            )
            params.extend(self.deck_ids)
        else:
            clauses.append(f"{alias}.deck_id IN (SELECT id FROM decks WHERE active = 1)")
        if self.tags:
            ors = " OR ".join(f"{alias}.tags LIKE ?" for _ in self.tags)
            clauses.append(f"({ors})")
            params.extend(f"% {t} %" for t in self.tags)
        return " AND ".join(clauses), params
