"""Build a quiz block: decks and/or a tag, size, pool (with counts), tutor or timed.

Offers the learner's unfinished block (`load_active_block`) first, if there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static

from quizapp.quiz import POOLS, QuizBlock, QuizError, build_block, load_active_block, pool_counts
from quizapp.quiz.blocks import DEFAULT_SECONDS_PER_QUESTION
from quizapp.quiz.library import fact_note
from quizapp.store.queries.browse import deck_titles
from quizapp.store.queries.decks import all_tags
from quizapp.tui.safe import lit
from quizapp.tui.widgets.footer import QuizFooter

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

POOL_NAMES = {
    "unused": "unused (never answered in a quiz)",
    "incorrect": "incorrect last time",
    "flagged": "flagged",
    "all": "all",
}
MODE_NAMES = {
    "tutor": "tutor: feedback after each question",
    "timed": "timed: a time limit, feedback at the end",
}
MAX_QUESTIONS = 200


def remaining_text(block: QuizBlock) -> str:
    """`12/20 answered, 14:05 left` (timed) or `12/20 answered` (tutor)."""
    text = f"{block.answered_count()}/{len(block)} answered"
    left = block.remaining_ms()
    if left is not None:
        secs = left // 1000
        text += f", {secs // 60}:{secs % 60:02d} left"
    return text


def _pool_options(counts: dict[str, int]) -> list[tuple[Content, str]]:
    return [(lit(f"{POOL_NAMES[p]}: {counts.get(p, 0)}"), p) for p in POOLS]


def _best_pool(current: str, counts: dict[str, int]) -> str:
    """Keep the chosen pool unless it is empty and another is not."""
    if counts.get(current) or not counts.get("all"):
        return current
    return "unused" if counts.get("unused") else "all"


class BuildBlockScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start block"),
        Binding("ctrl+r", "resume", "Resume unfinished block"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, decks: list[str] | None = None, tag: str | None = None) -> None:
        """`decks`: the decks selected on home (None: every deck); `tag` preselected."""
        super().__init__()
        self.home_decks = list(decks) if decks else None
        self.initial_tag = tag
        self.active: QuizBlock | None = None

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.quiz
        titles = dict(deck_titles(app.db, app.visible_decks))
        deck_opts: list[tuple[Content, str]] = []
        if self.home_decks:
            names = ", ".join(titles.get(d, d) for d in self.home_decks)
            deck_opts.append((lit(f"selected on home: {names}"), "selected"))
        deck_opts.append((lit(f"all decks ({len(titles)})"), "all"))
        yield Header()
        with Vertical(id="build-box"):
            yield Static(Content.from_markup("[b]Build a quiz block[/b]"), id="build-title")
            with Horizontal(id="build-active"):
                yield Static(id="build-active-text")
                yield Button("Resume (Ctrl+R)", id="build-resume", variant="primary")
            with Grid(id="build-grid"):
                yield Label("Decks")
                yield Select[str](
                    deck_opts, id="qb-decks", allow_blank=False, value=deck_opts[0][1]
                )
                yield Label("Tag")
                yield Select[str]([], prompt="any tag", id="qb-tag")
                yield Label(f"Questions (1–{MAX_QUESTIONS})")
                yield Input("20", id="qb-n", type="integer")
                yield Label("Pool")
                first = self.home_decks or app.visible_decks
                tags = (self.initial_tag,) if self.initial_tag else ()
                counts = pool_counts(app.db, app.learner, deck_ids=first, tags=tags)
                yield Select[str](
                    _pool_options(counts),
                    id="qb-pool",
                    allow_blank=False,
                    value=_best_pool("unused", counts),
                )
                yield Label("Mode")
                yield Select[str](
                    [(lit(v), k) for k, v in MODE_NAMES.items()],
                    id="qb-mode",
                    allow_blank=False,
                    value="tutor",
                )
                yield Label("Seconds per question (timed)")
                yield Input(str(DEFAULT_SECONDS_PER_QUESTION), id="qb-secs", type="integer")
            yield Static(id="build-msg")
            yield Button("Start block (Ctrl+S)", id="build-start", variant="success")
            yield Static(
                lit(
                    "mcq, typed and cloze cards are asked; basic cards are left out. "
                    "Quiz answers do not reschedule cards."
                ),
                classes="dim-note",
            )
        yield QuizFooter()

    def on_mount(self) -> None:
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        self.active = load_active_block(app.db, app.learner, clock=app.clock)
        if self.active is not None:
            self.active.pause()  # loading starts its clock: stop it until it is resumed
        box = self.query_one("#build-active")
        box.display = self.active is not None
        if self.active is not None:
            b = self.active
            self.query_one("#build-active-text", Static).update(
                Content.assemble(
                    ("Unfinished block: ", "bold"),
                    f"{b.mode}, {remaining_text(b)}. ",
                    ("Starting a new block leaves it unfinished.", "dim"),
                )
            )
        tags = all_tags(app.db, self._deck_ids() or [d for d, _ in deck_titles(app.db, None)])
        tag_select = self.query_one("#qb-tag", Select)
        with tag_select.prevent(Select.Changed):
            tag_select.set_options([(lit(f"{t} ({n})"), t) for t, n in tags[:300]])
            if self.initial_tag and any(t == self.initial_tag for t, _ in tags):
                tag_select.value = self.initial_tag
        self._fill_pools()
        self.query_one("#build-resume" if self.active else "#qb-n").focus()

    # -- form -----------------------------------------------------------------------------

    def _deck_ids(self) -> list[str] | None:
        choice = self.query_one("#qb-decks", Select).value
        if choice == "selected" and self.home_decks:
            return list(self.home_decks)
        return list(self.quiz.visible_decks) if self.quiz.visible_decks is not None else None

    def _tags(self) -> tuple[str, ...]:
        v = self.query_one("#qb-tag", Select).value
        return (v,) if isinstance(v, str) else ()

    def _fill_pools(self) -> None:
        app = self.quiz
        counts = pool_counts(app.db, app.learner, deck_ids=self._deck_ids(), tags=self._tags())
        select = self.query_one("#qb-pool", Select)
        current = select.value if isinstance(select.value, str) else "unused"
        with select.prevent(Select.Changed):
            select.set_options(_pool_options(counts))
            select.value = _best_pool(current, counts)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("qb-decks", "qb-tag"):
            self._fill_pools()

    def _int(self, field_id: str, lo: int, hi: int, what: str) -> int | None:
        text = self.query_one(field_id, Input).value.strip()
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            self._error(f"{what}: a whole number from {lo} to {hi}")
            return None
        return value

    def _error(self, text: str) -> None:
        self.query_one("#build-msg", Static).update(lit(f"✗ {text}", "$text-error"))

    # -- actions --------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "build-start":
            self.action_start()
        elif event.button.id == "build-resume":
            self.action_resume()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.active is not None
        return True

    def action_start(self) -> None:
        app = self.quiz
        n = self._int("#qb-n", 1, MAX_QUESTIONS, "Questions")
        if n is None:
            return
        secs = self._int("#qb-secs", 5, 3600, "Seconds per question")
        if secs is None:
            return
        pool = self.query_one("#qb-pool", Select).value
        mode = self.query_one("#qb-mode", Select).value
        try:
            block = build_block(
                app.db,
                app.learner,
                deck_ids=self._deck_ids(),
                tags=self._tags(),
                n=n,
                pool=pool if isinstance(pool, str) else "unused",  # type: ignore[arg-type]
                mode=mode if isinstance(mode, str) else "tutor",  # type: ignore[arg-type]
                seconds_per_question=secs,
                clock=app.clock,
            )
        except QuizError as e:
            self._error(str(e))
            return
        if len(block) < n:
            self.notify(f"Only {len(block)} question(s) in this pool.", timeout=4)
        note = fact_note(block)
        if note:
            self.notify(note[0].upper() + note[1:] + ".", timeout=6)
        self._open(block)

    def action_resume(self) -> None:
        if self.active is not None:
            self._open(self.active)

    def _open(self, block: QuizBlock) -> None:
        from quizapp.tui.screens.quiz import QuizScreen

        self.app.switch_screen(QuizScreen(block))

    def action_close(self) -> None:
        self.app.pop_screen()
