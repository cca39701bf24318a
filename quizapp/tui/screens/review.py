"""Reviewing a deck's draft cards (`quizapp decks review DECK`).

One draft at a time: accept (a), edit inline (e: the card's YAML in a text area, ctrl+s
saves after the same re-check as `decks check`, Esc cancels), edit in $EDITOR (E),
reject (r), next variant (v: the fact's card in another form), skip (s), quit (q).
Every change is saved to the deck file at once, comments and card order kept. Deck text
is shown as data (no markup).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from quizapp.draft.errors import DraftError
from quizapp.draft.review import ReviewDeck, card_yaml, describe, parse_card


class ReviewScreen(Screen[None]):
    """Walk the drafts of one deck file."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept"),
        Binding("e", "edit", "Edit"),
        Binding("E", "edit_external", "$EDITOR", show=False),
        Binding("r", "reject", "Reject"),
        Binding("v", "variant", "Variant"),
        Binding("s", "skip", "Skip"),
        Binding("q", "quit_review", "Quit"),
        Binding("ctrl+s", "save_edit", "Save edit", priority=True),
        Binding("escape", "cancel_edit", "Cancel edit"),
    ]

    DEFAULT_CSS = """
    ReviewScreen #review-status { height: auto; padding: 0 1; background: $boost; }
    ReviewScreen #review-card { padding: 1 2; }
    ReviewScreen #review-editor { display: none; height: 1fr; }
    ReviewScreen.editing #review-editor { display: block; }
    ReviewScreen.editing #review-scroll { display: none; }
    ReviewScreen #review-message { height: auto; padding: 0 1; color: $warning; }
    """

    def __init__(self, deck: ReviewDeck) -> None:
        super().__init__()
        self.deck = deck
        self.skipped: set[str] = set()
        self.current: int | None = None
        self.counts = {"accepted": 0, "rejected": 0, "edited": 0}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-status", markup=False)
        with VerticalScroll(id="review-scroll"):
            yield Static(id="review-card", markup=False)
        yield TextArea(id="review-editor", language=None, soft_wrap=True)
        yield Static(id="review-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Review drafts"
        self.sub_title = str(self.deck.path)
        self.show_next()

    # -- what is shown -----------------------------------------------------------------

    def pending(self) -> list[int]:
        return [
            i for i in self.deck.drafts() if str(self.deck.cards[i].get("id")) not in self.skipped
        ]

    def show_next(self, message: str = "") -> None:
        pending = self.pending()
        total = len(self.deck.drafts())
        status = self.query_one("#review-status", Static)
        card = self.query_one("#review-card", Static)
        self.query_one("#review-message", Static).update(message)
        if not pending:
            self.current = None
            c = self.counts
            status.update(
                f"Done: {c['accepted']} accepted, {c['edited']} edited, {c['rejected']} "
                f"rejected; {total} draft(s) left. Press q to quit."
            )
            card.update("")
            return
        self.current = pending[0]
        status.update(f"Draft {total - len(pending) + 1} of {total}  ·  {self.deck.path.name}")
        card.update(Content("\n".join(describe(self.deck.card(self.current)))))

    def _say(self, message: str) -> None:
        self.query_one("#review-message", Static).update(message)

    @property
    def editing(self) -> bool:
        return self.has_class("editing")

    _EDIT_ACTIONS = frozenset(("save_edit", "cancel_edit"))
    _CARD_ACTIONS = frozenset(("accept", "edit", "edit_external", "reject", "variant", "skip"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows the keys of the current mode: the card's, or the editor's."""
        if action in self._EDIT_ACTIONS:
            return self.editing
        if action in self._CARD_ACTIONS or action == "quit_review":
            return not self.editing
        return True

    # -- actions -----------------------------------------------------------------------

    def action_accept(self) -> None:
        if self.current is None or self.editing:
            return
        cid = self.deck.cards[self.current].get("id")
        self._guard(lambda i: self.deck.accept(i))
        self.counts["accepted"] += 1
        self.show_next(f"Accepted {cid}.")

    def action_reject(self) -> None:
        if self.current is None or self.editing:
            return
        cid = self.deck.cards[self.current].get("id")
        self._guard(lambda i: self.deck.reject(i))
        self.counts["rejected"] += 1
        self.show_next(f"Rejected {cid} (removed from the deck).")

    def action_skip(self) -> None:
        if self.current is None or self.editing:
            return
        self.skipped.add(str(self.deck.cards[self.current].get("id")))
        self.show_next()

    def action_variant(self) -> None:
        if self.current is None or self.editing:
            return
        variant = self.deck.next_variant(self.current)
        if variant is None:
            self._say("No other variant for this fact.")
            return
        problems = self._replace(variant)
        self.show_next(
            f"Now {variant['id']} ({variant['type']})."
            if not problems
            else "Variant refused: " + "; ".join(problems)
        )

    def action_edit(self) -> None:
        if self.current is None or self.editing:
            return
        editor = self.query_one("#review-editor", TextArea)
        editor.text = card_yaml(self.deck.card(self.current))
        self.add_class("editing")
        self.refresh_bindings()
        editor.focus()
        self._say("Editing: ctrl+s saves (after the checks), Esc cancels.")

    def action_edit_external(self) -> None:
        if self.current is None or self.editing:
            return
        import click

        with self.app.suspend():
            text = click.edit(card_yaml(self.deck.card(self.current)), extension=".yaml")
        if text is None:
            self._say("Unchanged.")
            return
        self._apply_edit(text)

    def action_save_edit(self) -> None:
        if not self.editing:
            return
        self._apply_edit(self.query_one("#review-editor", TextArea).text)

    def action_cancel_edit(self) -> None:
        if self.editing:
            self.remove_class("editing")
            self.refresh_bindings()
            self._say("Edit cancelled; the card is unchanged.")

    def action_quit_review(self) -> None:
        if self.editing:
            return
        self.app.exit()

    # -- helpers -----------------------------------------------------------------------

    def _apply_edit(self, text: str) -> None:
        try:
            problems = self._replace(parse_card(text))
        except DraftError as e:
            problems = [str(e)]
        if problems:
            self._say("Not saved: " + "; ".join(problems))
            return
        self.remove_class("editing")
        self.refresh_bindings()
        self.counts["edited"] += 1
        self.show_next("Saved the edited card (still a draft: accept it to study it).")

    def _replace(self, card: dict[str, object]) -> list[str]:
        assert self.current is not None
        try:
            return self.deck.replace(self.current, card)
        except DraftError as e:
            return [str(e)]

    def _guard(self, change: object) -> None:
        assert self.current is not None and callable(change)
        try:
            change(self.current)
        except DraftError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)


class ReviewApp(App[None]):
    """A small app holding only the review screen (no progress database needed)."""

    TITLE = "quizapp"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.deck = ReviewDeck(path)

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.deck))
