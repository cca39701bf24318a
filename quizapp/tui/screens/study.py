"""Study: one card at a time, every card type; feedback; grades with their intervals."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, ProgressBar, Static

from quizapp.decks import cloze
from quizapp.model import RATING_LABELS, CardType, Rating
from quizapp.scheduling.scheduler import format_interval
from quizapp.store.db import StoreError
from quizapp.store.items import StudyItem
from quizapp.store.queries.browse import item_flags
from quizapp.study import grading
from quizapp.study.labels import undone_note
from quizapp.study.presentation import Order
from quizapp.study.session import StudySession
from quizapp.tui.gc_freeze import freeze_long_lived
from quizapp.tui.safe import lit, part
from quizapp.tui.widgets.card_image import CardPicture, chosen_mode, open_full
from quizapp.tui.widgets.card_scroll import CardScroll
from quizapp.tui.widgets.choices import ChoiceList
from quizapp.tui.widgets.feedback import feedback, verdict
from quizapp.tui.widgets.footer import QuizFooter
from quizapp.tui.widgets.grade_bar import GradeBar

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

TYPE_NAMES = {
    CardType.BASIC: "basic",
    CardType.TYPED: "typed answer",
    CardType.MCQ: "multiple choice",
    CardType.CLOZE: "cloze",
    CardType.OCCLUSION: "image occlusion",
}
#: Types answered in the text field (Enter on an empty field reveals, except typed).
_FIELD_TYPES = (CardType.TYPED, CardType.CLOZE, CardType.OCCLUSION)

# Scrolling a long question (a clinical vignette) from the keyboard, on the study and
# quiz screens. PageUp/PageDown always scroll it (they are priority keys: an option list
# or answer field does not take them); Home/End too, except in the answer field, where
# they move the cursor; j/k scroll when they are not option letters (j is option J of an
# mcq with ten options, and then it chooses J: the option list has the key first).
SCROLL_BINDINGS: list[BindingType] = [
    Binding(
        "pageup", "scroll_card('page_up')", "Scroll the question up", show=False, priority=True
    ),
    Binding(
        "pagedown",
        "scroll_card('page_down')",
        "Scroll the question down",
        show=False,
        priority=True,
    ),
    Binding(
        "home",
        "scroll_card('home')",
        "Top of the question (while typing: start of the answer)",
        show=False,
        priority=True,
    ),
    Binding(
        "end",
        "scroll_card('end')",
        "End of the question (while typing: end of the answer)",
        show=False,
        priority=True,
    ),
    Binding("j", "scroll_card('down')", "Scroll down a line (unless J is an option)", show=False),
    Binding("k", "scroll_card('up')", "Scroll up a line (not while typing)", show=False),
]


def scroll_card(screen: Screen[None], how: str) -> None:
    """Scroll the screen's `#card` (the question and its feedback)."""
    card = screen.query_one("#card", VerticalScroll)
    {
        "page_up": card.scroll_page_up,
        "page_down": card.scroll_page_down,
        "home": card.scroll_home,
        "end": card.scroll_end,
        "up": card.scroll_up,
        "down": card.scroll_down,
    }[how](animate=False)


def scroll_to_verdict(screen: Screen[None]) -> None:
    """After an answer: the verdict at the top of the card (below a long question, it
    would be out of sight; the question stays above it, PgUp/Home). The verdict was
    hidden until now, so the card scrolls once the screen has laid it out."""
    card = screen.query_one("#card", CardScroll)
    card.scroll_to_when_laid_out(screen.query_one("#verdict"))


def can_scroll(screen: Screen[None], parameters: tuple[object, ...]) -> bool:
    """Home/End belong to the answer field while it has focus (they move its cursor)."""
    how = str(parameters[0]) if parameters else ""
    return not (how in ("home", "end") and isinstance(screen.focused, Input))


DROP_QUESTION = "Drop your answer to this card and undo the previous one? [y/N]"


class ConfirmUndoScreen(ModalScreen[bool]):
    """Asked when `u` would drop an answer given but not graded yet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Drop it and undo"),
        Binding("n,escape", "answer(False)", "Keep my answer"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="undo-box"):
            yield Static(lit(DROP_QUESTION), id="undo-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Drop and undo (y)", id="undo-yes", variant="warning")
                yield Button("Keep (n)", id="undo-no")

    def on_mount(self) -> None:
        self.query_one("#undo-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "undo-yes")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


class StudyScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer"),
        Binding("enter", "enter", "Accept grade"),
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        Binding("3", "grade(3)", "Good"),
        Binding("4", "grade(4)", "Easy"),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("f", "flag", "Flag"),
        Binding("b", "bury", "Bury"),
        Binding("z", "zoom", "Full-screen image (in the answer field z is typed)", show=False),
        Binding("ctrl+z", "zoom", "Full-screen image, also while typing an answer", show=False),
        Binding("escape", "leave", "End session"),
        *SCROLL_BINDINGS,
    ]
    # What the footer keeps first at 80 columns; the rest are under `?` and Ctrl+P.
    FOOTER_RANK: ClassVar[dict[str, int]] = {
        "reveal": 1,
        "enter": 1,
        "grade": 10,
        "undo": 20,
        "leave": 30,
        "suspend": 60,
        "flag": 61,
        "bury": 62,
    }

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.item: StudyItem | None = None
        self.result: grading.GradeResult | None = None
        self.chosen: list[int] | None = None  # mcq: the options picked, as shown
        self.order = Order.identity(0)  # the option order of this presentation
        self.shown_at: datetime | None = None
        self.answered_at: datetime | None = None
        self.last_note = ""
        self._counts_width = -1  # the status line's width (cells) as last drawn

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    @property
    def answering(self) -> bool:
        """True once the answer side is shown (grades apply)."""
        return self.result is not None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="study-top"):
            yield ProgressBar(id="session-bar", show_eta=False, show_percentage=False)
            yield Static(id="counts")
        with CardScroll(id="card"):
            yield Static(id="meta")
            yield Static(id="prompt")
            mode = chosen_mode(self.session.learner.settings.get("images"))
            yield CardPicture(mode, id="picture")
            yield ChoiceList([], False, id="choices")
            yield Input(id="answer", placeholder="Type your answer, Enter to submit")
            yield Static(id="hint")
            yield Static(id="verdict")
            yield Static(id="feedback")
        yield GradeBar(id="grades")
        yield QuizFooter()

    def on_mount(self) -> None:
        freeze_long_lived()  # no full garbage collection in the middle of an answer
        self.sub_title = f"learner: {self.session.learner.name}"
        self.set_interval(1.0, self._tick)
        self.show(self.session.next_item())

    # -- showing a card -------------------------------------------------------------------

    def show(self, item: StudyItem | None) -> None:
        if item is None:
            self.finish()
            return
        self.item = item
        self.result = None
        self.chosen = None
        self.order = self.session.presentation(item)
        self.shown_at = self.quiz.clock()
        self.answered_at = None
        card = item.card
        self.query_one("#meta", Static).update(
            Content.assemble(
                part(item.deck_title, "bold"),
                ("  ·  ", "dim"),
                TYPE_NAMES[card.type],
                ("  ·  ", "dim"),
                part(item.key, "dim"),
            )
        )
        prompt = self.query_one("#prompt", Static)
        if card.type == CardType.CLOZE:
            pieces: list[str | tuple[str, str] | Content] = []
            if card.prompt:
                pieces += [part(card.prompt, "italic"), "\n\n"]
            for fragment, target in _question_spans(card.text, item.ord):
                pieces.append(part(fragment, "bold reverse" if target else ""))
            prompt.update(Content.assemble(*pieces))
        else:
            prompt.update(lit(card.prompt))
        self.query_one("#picture", CardPicture).show(item)
        new = self.query_one("#choices", ChoiceList)
        new.set_choices([card.choices[i].text for i in self.order.shown], card.multiple)
        new.display = card.type == CardType.MCQ
        field = self.query_one("#answer", Input)
        field.value = ""
        field.display = card.type in _FIELD_TYPES
        if field.display:  # hidden, it stays as the last answer left it (a restyle saved)
            field.disabled = False
        field.placeholder = (
            (
                "Fill the blank; Enter submits (empty Enter shows the answer)"
                if card.type == CardType.CLOZE
                else "Type your answer; Enter submits"
            )
            if card.type != CardType.OCCLUSION
            else ("Name the red region; Enter submits (empty Enter shows the answer)")
        )
        hint = {
            CardType.BASIC: "Recall the answer, then press Space (or Enter) to see it.",
            CardType.MCQ: (
                "Several answers: toggle letters (or Space), then Enter."
                if card.multiple
                else "Press a letter, or arrows and Enter."
            ),
            CardType.TYPED: "",
            CardType.CLOZE: "",
        }.get(card.type, "")
        hint_widget = self.query_one("#hint", Static)
        hint_widget.update(lit(hint))
        hint_widget.display = bool(hint)
        self.query_one("#verdict", Static).display = False
        self.query_one("#feedback", Static).display = False
        self.query_one("#grades", GradeBar).display = False
        # Focus without scrolling to the focused widget: a long question opens at its top.
        if card.type == CardType.MCQ:
            new.focus(scroll_visible=False)
        elif field.display:
            field.focus(scroll_visible=False)
        else:
            self.query_one("#card").focus(scroll_visible=False)
        self.query_one("#card").scroll_home(animate=False)
        self._update_progress()
        self.refresh_bindings()

    def _update_progress(self) -> None:
        c = self.session.counts()
        done = self.session.summary.answered
        bar = self.query_one("#session-bar", ProgressBar)
        bar.update(total=max(1, done + c.total), progress=done)
        self._counts = c
        self._tick()

    def _tick(self) -> None:
        c = getattr(self, "_counts", None)
        if c is None or self.shown_at is None:
            return
        end = self.answered_at or self.quiz.clock()
        secs = max(0, int((end - self.shown_at).total_seconds()))
        line = Content.assemble(
            (str(c.learning), "bold $text-warning"),
            " learning · ",
            (str(c.review), "bold $text-success"),
            " review · ",
            (str(c.new), "bold $text-primary"),
            " new",
            ("  ·  ", "dim"),
            f"{secs // 60}:{secs % 60:02d} on card",
            (f"  ·  {self.last_note}" if self.last_note else "", "dim"),
        )
        # The same width (the clock's second ticking): a repaint, not a layout.
        same = line.cell_length == self._counts_width
        self._counts_width = line.cell_length
        self.query_one("#counts", Static).update(line, layout=not same)

    # -- answering ------------------------------------------------------------------------------

    def on_choice_list_nothing_ticked(self, event: ChoiceList.NothingTicked) -> None:
        event.stop()
        hint = self.query_one("#hint", Static)
        hint.update(lit(ChoiceList.TICK_FIRST, "$text-error"))
        hint.display = True

    def on_choice_list_chosen(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        if self.item is None or self.answering:
            return
        self.chosen = event.indexes
        try:
            self.reveal(grading.grade(self.item, event.indexes, self.order))
        except grading.NotAnAnswer as e:
            self.notify(str(e), severity="warning")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.item is None or self.answering:
            return
        if self.item.card.type in _FIELD_TYPES:
            self.reveal(grading.grade(self.item, event.value))

    def reveal(self, result: grading.GradeResult) -> None:
        """Show the answer side: verdict, feedback and the grade bar."""
        assert self.item is not None
        self.result = result
        self.answered_at = self.quiz.clock()
        line, cls = verdict(result)
        v = self.query_one("#verdict", Static)
        v.update(line)
        v.set_classes(cls)
        v.display = True
        fb = self.query_one("#feedback", Static)
        fb.update(feedback(self.item, result, self.chosen, self.order))
        fb.display = True
        self.query_one("#picture", CardPicture).show(self.item, revealed=True)
        self.query_one("#choices", ChoiceList).display = False
        field = self.query_one("#answer", Input)
        field.disabled = True
        field.display = False
        self.query_one("#hint", Static).display = False
        bar = self.query_one("#grades", GradeBar)
        bar.show(self.session.preview(self.item), result.suggested)
        bar.display = True
        self.query_one("#card").focus(scroll_visible=False)
        scroll_to_verdict(self)
        self._tick()
        self.refresh_bindings()

    def on_grade_bar_chosen(self, event: GradeBar.Chosen) -> None:
        self.action_grade(int(event.rating))

    def action_reveal(self) -> None:
        if self.item is None or self.answering:
            return
        if self.item.card.type in (CardType.BASIC, CardType.CLOZE):
            self.reveal(grading.grade(self.item, None))  # shown without an answer

    def action_enter(self) -> None:
        if self.answering and self.result is not None:
            self.action_grade(int(self.result.suggested))
        else:
            self.action_reveal()

    def action_grade(self, rating: int) -> None:
        if self.item is None or self.result is None:
            return
        item, result = self.item, self.result
        end = self.answered_at or self.quiz.clock()
        duration = int((end - (self.shown_at or end)).total_seconds() * 1000)
        try:
            outcome = self.session.answer(
                item,
                Rating(rating),
                response=result.response,
                correct=result.correct,
                duration_ms=duration,
                order=self.order,
            )
        except StoreError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)
            return
        when = format_interval(outcome.interval) if outcome.after.due else "?"
        self.last_note = f"{RATING_LABELS[Rating(rating)]} → {when}"
        self.show(self.session.next_item())

    # -- card actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grade":
            return self.answering
        if action == "reveal":
            return (
                not self.answering
                and self.item is not None
                and self.item.card.type in (CardType.BASIC, CardType.CLOZE)
            )
        if action == "enter":
            if self.item is None:
                return False
            return self.answering or self.item.card.type == CardType.BASIC
        if action == "undo":
            return self.session.can_undo
        if action == "scroll_card":
            return can_scroll(self, parameters)
        return True

    def action_scroll_card(self, how: str) -> None:
        scroll_card(self, how)

    def action_undo(self) -> None:
        if self.answering and self.session.can_undo:
            # An answer given but not graded yet would be lost: ask first.
            def confirmed(ok: bool | None) -> None:
                if ok:
                    self._undo()

            self.app.push_screen(ConfirmUndoScreen(), confirmed)
            return
        self._undo()

    def _undo(self) -> None:
        try:
            back = self.session.undo()
        except StoreError as e:
            self.notify(str(e), title="Cannot undo", severity="warning", markup=False)
            return
        if back is None:
            self.notify("Nothing to undo.")
            return
        self.notify(undone_note(back), timeout=3, markup=False)
        self.show(back)

    def action_suspend(self) -> None:
        if self.item is None:
            return
        self.session.suspend(self.item)
        self.notify("Suspended (unsuspend in Browse, or press u).", timeout=3)
        self.show(self.session.next_item())

    def action_bury(self) -> None:
        if self.item is None:
            return
        self.session.bury(self.item)
        self.notify("Buried until tomorrow.", timeout=3)
        self.show(self.session.next_item())

    def action_flag(self) -> None:
        if self.item is None:
            return
        _, flagged = item_flags(self.session.db, self.session.learner.id, self.item.card_pk)
        self.session.flag(self.item, not flagged)
        self.notify("Unflagged." if flagged else "Flagged.", timeout=2)
        self.refresh_bindings()

    def action_zoom(self) -> None:
        if not open_full(self.query_one("#picture", CardPicture)):
            self.notify("This card has no image.", timeout=2)

    def action_leave(self) -> None:
        self.finish()

    def finish(self) -> None:
        from quizapp.tui.screens.summary import SummaryScreen

        self.app.switch_screen(SummaryScreen(self.session))


def _question_spans(text: str, ord_: int) -> list[tuple[str, bool]]:
    """The cloze question as (text, is_blank) pieces, so the blank can be highlighted."""
    sentinel = "\x00"
    pieces = cloze.render_question(text.replace(sentinel, ""), ord_, blank=sentinel)
    out: list[tuple[str, bool]] = []
    for i, fragment in enumerate(pieces.split(sentinel)):
        if i:
            out.append((cloze.BLANK, True))
        if fragment:
            out.append((fragment, False))
    return out
