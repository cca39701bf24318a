"""The one scope: which study items a session, a quiz block or a report draws from.

A scope is a set of decks (None: every deck) and optional tags (an item matches if it
carries any of them). `sql(alias)` gives the WHERE fragment over the `cards` table; every
consumer — study session, quiz blocks, advisor, backlog, reports — builds its filter here,
so a learner's study scope and report scope select the same cards.

Tags. The `cards.tags` column holds the tags space-separated and space-padded
(" a b "). A tag matches with `tags LIKE '% tag %' ESCAPE '\\'`, the tag's `%`, `_` and
`\\` escaped: the tag's own characters, as a whole word, ASCII letters in any case
(SQLite's LIKE). Before, study used LIKE without escaping (a `_` in a tag matched any
character, `%` anything) and reports used `instr` (case-sensitive); now both use this.

Inactive cards and decks. A card removed from its deck file stays in the database
(`cards.active = 0`) with its history; a deck no longer loaded has `decks.active = 0`.

* `sql(alias)` — the default — is what can be studied now: active cards, of the given
  decks, or of every active deck when no deck is given. Study, quiz and the present-tense
  figures of reports (card counts, forecast, predicted recall, hardest cards) use it or
  narrow further (reports also require the card's deck to be active).
* `sql(alias, include_inactive=True)` is what has been studied: the deck and tag filters
  only, over every card, active or not. Reports use it for history figures (reviews,
  study time, true retention, calibration, activity, study days and streak, per-deck and
  per-tag review numbers, quiz accuracy, the review log): a review stays in the record
  after its card leaves its file. With no filter it is the SQL "1" (no condition).
"""

from __future__ import annotations

from dataclasses import dataclass


def like_word(tag: str) -> str:
    """The LIKE pattern matching `tag` as one word of the space-padded tags column."""
    escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped} %"


@dataclass(frozen=True, slots=True)
class Scope:
    """Which items a session draws from: decks (None = all) and optional tags."""

    deck_ids: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()

    @property
    def filtered(self) -> bool:
        """A deck or tag filter is set (with neither, history covers every card)."""
        return self.deck_ids is not None or bool(self.tags)

    def sql(self, alias: str = "c", *, include_inactive: bool = False) -> tuple[str, list[object]]:
        """WHERE fragment and parameters over `cards {alias}` (see the module docstring)."""
        clauses: list[str] = [] if include_inactive else [f"{alias}.active = 1"]
        params: list[object] = []
        if self.deck_ids is not None:
            clauses.append(
                f"{alias}.deck_id IN ({', '.join('?' for _ in self.deck_ids)})"
                if self.deck_ids
                else "0"
            )
            params.extend(self.deck_ids)
        elif not include_inactive:
            clauses.append(f"{alias}.deck_id IN (SELECT id FROM decks WHERE active = 1)")
        if self.tags:
            ors = " OR ".join(f"{alias}.tags LIKE ? ESCAPE '\\'" for _ in self.tags)
            clauses.append(f"({ors})")
            params.extend(like_word(t) for t in self.tags)
        return (" AND ".join(clauses) or "1"), params
