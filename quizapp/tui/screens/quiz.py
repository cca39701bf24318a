"""A quiz block: one question at a time, the navigator, the timer, flags, pause, submit.

Keys are chosen so they never collide with the mcq option letters A–J: `[` `]` move,
a digit opens "go to question", `!` (or Ctrl+F, also while typing) flags, `p` pauses,
Ctrl+S submits, Esc saves and leaves (from the answer field it only leaves the field).
Time comes from the injected clock: `tick()` runs every second, saves a checkpoint every
few seconds and submits the block when a timed block's time is up.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Static

from quizapp.model import CardType
from quizapp.quiz import QuizBlock, QuizError, TimeUp, review_entry
from quizapp.store.db import StoreError
from quizapp.tui.gc_freeze import freeze_long_lived
from quizapp.tui.safe import lit, part
from quizapp.tui.screens.study import (
    SCROLL_BINDINGS,
    TYPE_NAMES,
    _question_spans,
    can_scroll,
    scroll_card,
    scroll_to_verdict,
)
from quizapp.tui.widgets.card_image import CardPicture, chosen_mode
from quizapp.tui.widgets.card_scroll import CardScroll
from quizapp.tui.widgets.choices import ChoiceList
from quizapp.tui.widgets.footer import QuizFooter
from quizapp.tui.widgets.navigator import QuestionNavigator
from quizapp.tui.widgets.review import entry_verdict, review_content, seconds_text

if TYPE_CHECKING:
    from quizapp.tui.app import QuizApp

CHECKPOINT_SECONDS = 5
LOW_TIME_MS = 60_000


class QuizScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "move(-1)", "Previous"),
        Binding("right_square_bracket", "move(1)", "Next"),
        *(Binding(str(d), f"goto_prompt({d})", "Go to question", show=False) for d in range(1, 10)),
        Binding("exclamation_mark", "flag", "Flag"),
        Binding("ctrl+f", "flag", "Flag (also while typing)", show=False),
        Binding("p", "pause", "Pause"),
        Binding("enter", "next_question", "Next question"),
        Binding("ctrl+s", "submit_block", "Submit"),
        Binding("escape", "leave", "Save & leave"),
        *SCROLL_BINDINGS,
    ]
    # What the footer keeps first at 80 columns; the rest are under `?` and Ctrl+P.
    FOOTER_RANK: ClassVar[dict[str, int]] = {
        "next_question": 1,
        "move": 10,
        "submit_block": 20,
        "flag": 30,
        "leave": 40,
        "pause": 60,
    }

    def __init__(self, block: QuizBlock) -> None:
        super().__init__()
        self.block = block
        self.last_checkpoint: datetime | None = None
        self._timer_width = -1  # the timer's text length as last drawn

    @property
    def quiz(self) -> QuizApp:
        return cast("QuizApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="quiz-top"):
            yield Static(id="quiz-status")
            yield Static(id="quiz-timer")
        yield QuestionNavigator(len(self.block), id="nav")
        with CardScroll(id="card"):
            yield Static(id="meta")
            yield Static(id="prompt")
            yield CardPicture(chosen_mode(self.quiz.learner.settings.get("images")), id="picture")
            yield ChoiceList([], False, id="choices")
            yield Input(id="answer", placeholder="Type your answer; Enter saves it")
            yield Static(id="hint")
            yield Static(id="verdict")
            yield Static(id="feedback")
        yield Static(id="quiz-paused")
        yield QuizFooter()

    def on_mount(self) -> None:
        freeze_long_lived()  # no full garbage collection in the middle of a question
        app = self.quiz
        self.sub_title = f"learner: {app.learner.name}"
        if self.block.paused:
            self.block.resume()
        self.last_checkpoint = app.clock()
        self.set_interval(1.0, self.tick)
        self.show()

    def on_unmount(self) -> None:
        # Quitting the app mid-block: keep the time spent (it resumes from here).
        if not self.block.submitted:
            with suppress(StoreError):
                self.block.checkpoint()

    # -- drawing ---------------------------------------------------------------------------

    def show(self) -> None:
        """Draw the current question (and the navigator, status and timer)."""
        block = self.block
        q = block.question()
        card = q.item.card
        self._meta()
        prompt = self.query_one("#prompt", Static)
        if card.type == CardType.CLOZE:
            pieces: list[str | tuple[str, str] | Content] = []
            if card.prompt:
                pieces += [part(card.prompt, "italic"), "\n\n"]
            for fragment, target in _question_spans(card.text, q.item.ord):
                pieces.append(part(fragment, "bold reverse" if target else ""))
            prompt.update(Content.assemble(*pieces))
        else:
            prompt.update(lit(card.prompt))
        done = block.mode == "tutor" and q.answered  # tutor answers are final
        self.query_one("#picture", CardPicture).show(q.item, revealed=done)
        choices = self.query_one("#choices", ChoiceList)
        saved = q.chosen_shown() if not done else []  # options as this question shows them
        choices.set_choices([text for _, text in q.choices], card.multiple, saved)
        choices.display = card.type == CardType.MCQ and not done
        field = self.query_one("#answer", Input)
        field.value = (q.response or "") if card.type != CardType.MCQ and not done else ""
        field.display = card.type in (CardType.TYPED, CardType.CLOZE) and not done
        field.disabled = done
        hint = ""
        if not done:
            if card.type == CardType.MCQ:
                hint = (
                    "Several answers: toggle letters (or Space), then Enter."
                    if card.multiple
                    else "Press a letter, or arrows and Enter."
                )
            elif card.type == CardType.CLOZE:
                hint = "Fill the blank; Enter saves it. Esc leaves the field."
            else:
                hint = "Enter saves your answer. Esc leaves the field."
            if block.timed and q.answered:
                hint = "Answer saved; you may change it until you submit. " + hint
        self._hint(hint)
        verdict = self.query_one("#verdict", Static)
        fb = self.query_one("#feedback", Static)
        verdict.display = fb.display = done
        if done:
            entry = review_entry(q)
            words, _ = entry_verdict(entry)
            verdict.update(lit(words))
            verdict.set_classes("-correct" if entry.correct else "-wrong")
            fb.update(review_content(entry))
        self._paused_view()
        if not block.paused:  # (focus without scrolling: a long question opens at its top)
            if choices.display:
                choices.focus(scroll_visible=False)
            elif field.display:
                field.focus(scroll_visible=False)
            else:
                self.query_one("#card").focus(scroll_visible=False)
        self.query_one("#card").scroll_home(animate=False)
        self.refresh_status()

    def _meta(self) -> None:
        q = self.block.question()
        self.query_one("#meta", Static).update(
            Content.assemble(
                (f"Question {q.position} of {len(self.block)}", "bold"),
                ("  ·  ", "dim"),
                part(q.item.deck_title),
                ("  ·  ", "dim"),
                TYPE_NAMES[q.type],
                ("  ·  ⚑ flagged" if q.flagged else "", "bold $text-warning"),
            )
        )

    def _hint(self, text: str, error: bool = False) -> None:
        hint = self.query_one("#hint", Static)
        hint.update(lit(text, "$text-error" if error else ""))
        hint.display = bool(text)

    def _paused_view(self) -> None:
        paused = self.block.paused
        self.query_one("#card").display = not paused
        panel = self.query_one("#quiz-paused", Static)
        panel.display = paused
        if paused:
            panel.update(
                Content.assemble(
                    ("Paused", "bold"),
                    " — the clock is stopped and the question hidden.\n",
                    ("p", "bold"),
                    " resumes · ",
                    ("Ctrl+S", "bold"),
                    " submits · ",
                    ("Esc", "bold"),
                    " saves and leaves (resume it from home with q).",
                )
            )

    def refresh_status(self) -> None:
        block = self.block
        self.query_one("#nav", QuestionNavigator).show(block.questions(), block.current)
        flagged = sum(1 for e in block.questions() if e.flagged)
        mode = "timed" if block.timed else "tutor"
        self.query_one("#quiz-status", Static).update(
            Content.assemble(
                (f"{mode} block", "bold"),
                ("  ·  ", "dim"),
                f"{block.answered_count()}/{len(block)} answered",
                ("  ·  ", "dim"),
                f"{flagged} flagged",
            )
        )
        self._draw_timer()
        self.refresh_bindings()

    def _draw_timer(self) -> None:
        block = self.block
        timer = self.query_one("#quiz-timer", Static)
        left = block.remaining_ms()
        if block.paused:
            text = "paused"
        elif left is not None:
            text = f"time left {seconds_text(left)}"
        else:
            text = f"time {seconds_text(block.elapsed())}"
        if left is not None and block.paused:
            text += f" (time left {seconds_text(left)})"
        # The same width (a second ticking): a repaint, not a layout.
        timer.update(lit(text), layout=len(text) != self._timer_width)
        self._timer_width = len(text)
        timer.set_class(left is not None and left <= LOW_TIME_MS, "-low")

    # -- time ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Every second: the timer; a checkpoint every few seconds; submit when time is up."""
        block = self.block
        if block.submitted or not self.is_current:
            return
        now = self.quiz.clock()
        try:
            if block.expired(now):
                self.notify("Time is up: the block has been submitted.", title="Time", timeout=5)
                self.finish()
                return
            if (
                not block.paused
                and self.last_checkpoint is not None
                and (now - self.last_checkpoint).total_seconds() >= CHECKPOINT_SECONDS
            ):
                block.checkpoint(now)
                self.last_checkpoint = now
        except StoreError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)
        self._draw_timer()

    # -- answering -------------------------------------------------------------------------

    def on_choice_list_nothing_ticked(self, event: ChoiceList.NothingTicked) -> None:
        event.stop()
        self._hint(ChoiceList.TICK_FIRST, error=True)

    def on_choice_list_chosen(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        self.answer(event.indexes)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "answer":
            self.answer(event.value)

    def answer(self, response: str | Sequence[int]) -> None:
        block = self.block
        if block.paused or block.submitted:
            return
        pos = block.current
        try:
            block.answer(pos, response if isinstance(response, str) else list(response))
        except TimeUp:
            self.notify("Time is up: the block has been submitted.", title="Time", timeout=5)
            self.finish()
            return
        except QuizError as e:
            self._hint(str(e), error=True)
            return
        except StoreError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)
            return
        if block.mode == "tutor":
            self.show()  # the feedback; Enter goes on
            scroll_to_verdict(self)
            self._hint(
                "Enter: next question."
                if pos < len(block)
                else "Last question: Ctrl+S submits the block."
            )
        elif pos < len(block):
            self._go(pos + 1)
        else:
            self.show()
            self._hint("Answer saved. That was the last question: Ctrl+S submits; [ goes back.")

    # -- moving ----------------------------------------------------------------------------

    def _go(self, position: int) -> None:
        if not 1 <= position <= len(self.block):
            return
        try:
            self.block.goto(position)
        except (QuizError, StoreError) as e:
            self.notify(str(e), severity="warning", markup=False)
            return
        self.show()

    def on_question_navigator_jump(self, event: QuestionNavigator.Jump) -> None:
        if not self.block.paused:
            self._go(event.position)

    def action_scroll_card(self, how: str) -> None:
        scroll_card(self, how)

    def action_move(self, delta: int) -> None:
        self._go(self.block.current + delta)

    def action_next_question(self) -> None:
        if self.block.current < len(self.block):
            self._go(self.block.current + 1)
        else:
            self.action_submit_block()

    def action_goto_prompt(self, digit: int) -> None:
        def jump(position: int | None) -> None:
            if position is not None:
                self._go(position)

        self.app.push_screen(GotoScreen(str(digit), len(self.block)), jump)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        block = self.block
        if block.submitted:
            return action in ("leave",)
        if block.paused:
            return action in ("pause", "submit_block", "leave")
        if action == "scroll_card":
            return can_scroll(self, parameters)
        if action == "next_question":
            q = block.question()
            return block.mode == "tutor" and q.answered
        if action == "move":
            step = int(str(parameters[0])) if parameters else 0
            return 1 <= block.current + step <= len(block)
        return True

    # -- flag, pause, submit, leave ----------------------------------------------------------

    def action_flag(self) -> None:
        q = self.block.question()
        try:
            self.block.flag(q.position, not q.flagged)
        except StoreError as e:
            self.notify(str(e), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Question {q.position} {'flagged' if q.flagged else 'unflagged'}.", timeout=2)
        self._meta()
        self.refresh_status()

    def action_pause(self) -> None:
        block = self.block
        try:
            if block.paused:
                block.resume()
                self.last_checkpoint = self.quiz.clock()
                self.show()
                return
            block.pause()
        except (QuizError, StoreError) as e:
            self.notify(str(e), severity="warning", markup=False)
            return
        self._paused_view()
        self.refresh_status()

    def action_submit_block(self) -> None:
        def confirmed(ok: bool | None) -> None:
            if ok and not self.block.submitted:
                try:
                    self.block.submit()
                except StoreError as e:
                    self.notify(str(e), title="Not saved", severity="error", markup=False)
                    return
            if self.block.submitted:
                self.finish()

        self.app.push_screen(
            ConfirmSubmitScreen(self.block.unanswered(), len(self.block)), confirmed
        )

    def action_leave(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#card").focus()
            return
        if not self.block.submitted:
            try:
                self.block.pause()
            except StoreError as e:
                self.notify(str(e), title="Not saved", severity="error", markup=False)
            self.notify("Block saved; press q on the home screen to resume it.", timeout=4)
        self.app.pop_screen()

    def finish(self) -> None:
        from quizapp.tui.screens.quiz_results import QuizResultsScreen

        self.app.switch_screen(QuizResultsScreen(self.block.id))


class ConfirmSubmitScreen(ModalScreen[bool]):
    """Submit? Lists the unanswered questions (they count as wrong)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Submit"),
        Binding("n,escape", "answer(False)", "Keep going"),
    ]

    def __init__(self, unanswered: list[int], total: int) -> None:
        super().__init__()
        self.unanswered = unanswered
        self.total = total

    def compose(self) -> ComposeResult:
        if self.unanswered:
            listed = ", ".join(str(p) for p in self.unanswered[:40])
            if len(self.unanswered) > 40:
                listed += f", … ({len(self.unanswered) - 40} more)"
            text = Content.assemble(
                ("Submit the block?\n\n", "bold"),
                (f"{len(self.unanswered)} of {self.total} unanswered", "bold $text-warning"),
                " (they count as wrong): ",
                listed,
            )
        else:
            text = Content.assemble(
                ("Submit the block?\n\n", "bold"), f"All {self.total} questions are answered."
            )
        with Vertical(classes="dialog", id="submit-box"):
            yield Static(text, id="submit-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit (y)", id="submit-yes", variant="warning")
                yield Button("Keep going (n)", id="submit-no")

    def on_mount(self) -> None:
        self.query_one("#submit-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "submit-yes")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


class GotoScreen(ModalScreen[int | None]):
    """Go to question N (opened by typing a digit)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, first: str, total: int) -> None:
        super().__init__()
        self.first = first
        self.total = total

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="goto-box"):
            yield Static(lit(f"Go to question (1–{self.total}), Enter:"))
            yield Input(self.first, id="goto-input", type="integer")
            yield Static(id="goto-msg")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            n = int(event.value)
        except ValueError:
            n = 0
        if 1 <= n <= self.total:
            self.dismiss(n)
        else:
            self.query_one("#goto-msg", Static).update(
                lit(f"✗ a number from 1 to {self.total}", "$text-error")
            )

    def action_cancel(self) -> None:
        self.dismiss(None)
