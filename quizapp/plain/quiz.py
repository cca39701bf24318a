"""Plain-terminal quiz: a block line by line (pipes, ssh, screen readers).

Tutor mode shows the feedback after each answer; timed mode shows the time left before
each question and all feedback at the end. Every answer, flag and move is saved before
the next line is read; end of input, Ctrl-C or `:q` pauses the block, which
`quizapp quiz --plain --resume` continues. Deck text passes through `textsafe.inert` and
is word-wrapped to the terminal's width, its continuation lines marked (`lineio.fill`).

Commands at any prompt: `:n` next, `:p` previous, `:g N` go to question N, `:f` flag,
`:l` list, `:z` pause, `:s` submit, `:q` quit, `:?` help. Enter on an unanswered
question moves on without answering.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from quizapp.model import CardType
from quizapp.plain.lineio import EndOfInput, fill, read_line, say, terminal_width
from quizapp.quiz.blocks import QuizBlock
from quizapp.quiz.questions import Question, QuizError, TimeUp
from quizapp.quiz.results import BlockResults, ReviewEntry, results, review_entry
from quizapp.textsafe import inert

HELP = (
    "Answer: mcq letters (a, or a,c for several), or type the answer; Enter skips.\n"
    "Commands: :n next, :p previous, :g N go to question N, :f flag, :l list,\n"
    "          :z pause, :s submit, :q quit (the block stays saved), :? help."
)
RULE = "─" * 60
RESUME_HINT = "quizapp quiz --plain --resume"


_Quit = EndOfInput


def clock_text(ms: int) -> str:
    """12:05, or 1:02:03 (seconds rounded up, so 0:00 means the time is really up)."""
    seconds = max(0, math.ceil(ms / 1000))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def seconds_text(ms: int) -> str:
    return f"{ms / 1000:.0f} s" if ms < 60_000 else clock_text(ms)


@dataclass(slots=True)
class PlainQuiz:
    block: QuizBlock
    inp: TextIO
    out: TextIO
    style: Callable[[str, str], str] = lambda text, _kind: text
    width: int = 0  # columns to wrap deck text to (0: the terminal's width)

    def say(self, text: str = "") -> None:
        say(self.out, text)

    def fill(self, prefix: str, text: str, hang: int | None = None) -> str:
        """`prefix` and deck text (made inert), wrapped to the width, continuations marked
        (`hang`: their indent, see `lineio.fill`)."""
        return fill(prefix, inert(text), self.width or terminal_width(), hang)

    def read(self, prompt: str) -> str:
        return read_line(self.inp, self.out, prompt)

    # -- the loop ------------------------------------------------------------------

    def run(self) -> BlockResults | None:
        """Run until the block is submitted (returns its results) or the learner quits
        (returns None; the block is paused and saved)."""
        b = self.block
        if b.paused:
            b.resume()
        kind = "timed" if b.timed else "tutor"
        limit = f", {clock_text(b.remaining_ms() or 0)} left" if b.timed else ""
        self.say(
            f"Quiz block {b.id}: {len(b)} questions, {kind} mode, "
            f"{b.answered_count()} answered{limit}. Type :? for help."
        )
        try:
            while not b.submitted:
                if b.expired():
                    self.say("Time is up: the block has been submitted.")
                    break
                self.question()
        except (_Quit, KeyboardInterrupt):
            b.pause()
            left = f", {clock_text(b.remaining_ms() or 0)} left" if b.timed else ""
            self.say(
                f"Block {b.id} saved ({b.answered_count()}/{len(b)} answered{left}). "
                f"Resume with: {RESUME_HINT}"
            )
            return None
        except TimeUp:
            self.say("Time is up: the block has been submitted.")
        return self.finish()

    def question(self) -> None:
        """Show the current question and handle lines until the learner moves or submits."""
        b = self.block
        q = b.question()
        self.show(q)
        while not b.submitted and b.current == q.position:
            line = self.read(self.prompt(q))
            cmd = line.strip().lower()
            if cmd.startswith(":"):
                if self.command(cmd, q):
                    return
                continue
            if not cmd:
                self.next()
                return
            if b.mode == "tutor" and q.answered:
                self.say("Already answered: Enter for the next question, or a command.")
                continue
            if b.expired():
                self.say("Time is up: the block has been submitted; that answer came too late.")
                return
            try:
                b.answer(q.position, line)
            except TimeUp:
                raise
            except QuizError as e:
                self.say(f"{e}.")
                continue
            if b.mode == "tutor":
                self.feedback(review_entry(b.question(q.position)))
            else:
                self.say("Saved.")
                self.next()
                return

    def prompt(self, q: Question) -> str:
        if q.answered and self.block.mode == "tutor":
            return "Enter for the next question> "
        if q.answered:
            return "Change your answer (Enter keeps it)> "
        if q.type == CardType.MCQ:
            return "Choose letters, e.g. a,c> " if q.multiple else "Choose a letter> "
        if q.type == CardType.CLOZE:
            return "Fill the blank> "
        return "Your answer> "

    def show(self, q: Question) -> None:
        b = self.block
        self.say(RULE)
        parts = [f"Question {q.position}/{len(b)}", q.type.value]
        if q.flagged:
            parts.append("flagged")
        if b.timed:
            parts.append(f"time left {clock_text(b.remaining_ms() or 0)}")
        parts.append(f"{b.answered_count()}/{len(b)} answered")
        self.say(" · ".join(parts))
        if q.context:
            self.say(self.fill("", q.context))
        self.say(self.fill("", q.text))
        for letter, text in q.choices:
            self.say(self.fill(f"  {letter}) ", text))
        if q.answered:
            if b.feedback_visible:
                self.feedback(review_entry(q))
            else:
                self.say(self.fill("Your answer: ", review_entry(q).chosen))

    def feedback(self, e: ReviewEntry) -> None:
        if not e.answered:
            self.say(self.style(self.fill("✗ Not answered — the answer is ", e.expected), "bad"))
        elif e.correct:
            self.say(self.style(self.fill("✓ Correct — ", e.expected), "ok"))
        else:
            self.say(
                self.style(
                    self.fill("✗ Wrong — you answered ", f"{e.chosen}; the answer is {e.expected}"),
                    "bad",
                )
            )
        if e.feedback:
            self.say(self.fill("  (", f"{e.feedback})"))
        if e.type == CardType.CLOZE:
            self.say(self.fill("", e.full_text))
        for o in e.options:
            mark = "✓ right" if o.correct else "✗ wrong"
            chosen = " (your choice)" if o.chosen else ""
            self.say(
                self.fill(
                    f"  {o.letter}) {mark}{chosen}: ",
                    f"{o.text} — {o.why}",
                    hang=len(f"  {o.letter}) "),
                )
            )
        if e.explanation:
            self.say(self.fill("Why: ", e.explanation))
        if e.source_quote:
            ref = f" {e.source_ref}" if e.source_ref else ""
            title = f" — {e.source_title}" if e.source_title else ""
            self.say(self.fill('Source: "', f'{e.source_quote}"{ref}{title}'))

    # -- moving and commands -------------------------------------------------------

    def next(self) -> None:
        b = self.block
        if b.current < len(b):
            b.goto(b.current + 1)
            return
        left = b.unanswered()
        if left and left != [b.current]:
            first = next(p for p in left if p != b.current)
            self.say(f"That was the last question; back to unanswered question {first}.")
            b.goto(first)
            return
        self.submit()

    def command(self, cmd: str, q: Question) -> bool:
        """Run a command; True when the question changed (or the block ended)."""
        b = self.block
        name, _, arg = cmd.partition(" ")
        if name in (":q", ":quit"):
            raise _Quit
        if name in (":?", ":h", ":help"):
            self.say(HELP)
        elif name == ":n":
            self.next()
            return True
        elif name == ":p":
            if q.position == 1:
                self.say("This is the first question.")
            else:
                b.goto(q.position - 1)
                return True
        elif name == ":g":
            try:
                b.goto(int(arg.strip()))
                return True
            except ValueError:
                self.say(f"Type :g and a question number from 1 to {len(b)}.")
            except QuizError as e:
                self.say(f"{e}.")
        elif name == ":f":
            on = not q.flagged
            b.flag(q.position, on)
            self.say(f"Question {q.position} {'flagged' if on else 'unflagged'}.")
        elif name == ":l":
            self.navigator()
        elif name == ":z":
            b.pause()
            self.read("Paused: the clock is stopped. Press Enter to resume> ")
            b.resume()
        elif name == ":s":
            self.submit()
            return b.submitted
        else:
            self.say("Unknown command; type :? for help.")
        return False

    def navigator(self) -> None:
        b = self.block
        cells: list[str] = []
        for n in b.questions():
            if not n.answered:
                mark = "·"
            elif n.correct is None:
                mark = "•"
            else:
                mark = "✓" if n.correct else "✗"
            cur = ">" if n.position == b.current else " "
            cells.append(f"{cur}{n.position:>3} {mark}{'F' if n.flagged else ' '}")
        for start in range(0, len(cells), 8):
            self.say("  ".join(cells[start : start + 8]))
        legend = "✓ right  ✗ wrong  " if b.feedback_visible else "• answered  "
        self.say(f"{legend}· unanswered  F flagged  > current")

    def submit(self) -> None:
        b = self.block
        left = b.unanswered()
        if left:
            shown = ", ".join(str(p) for p in left[:30]) + (" …" if len(left) > 30 else "")
            self.say(f"{len(left)} unanswered (counted wrong): {shown}")
            question = "Submit the block anyway? [y/N]> "
        else:
            question = f"All {len(b)} questions answered. Submit the block? [y/N]> "
        if self.read(question).strip().lower() in ("y", "yes"):
            if b.expired():  # time ran out while asking: submitted anyway
                return
            b.submit()
        else:
            self.say("Not submitted.")

    # -- the end -------------------------------------------------------------------

    def finish(self) -> BlockResults:
        b = self.block
        r = results(b.db, b.id)
        self.say(RULE)
        # timed: every question is reviewed now; tutor: only those never answered
        review = [e for e in r.entries if b.mode == "timed" or not e.answered]
        if review:
            self.say("Review:")
            for e in review:
                self.say()
                self.say(self.fill(f"Question {e.position}: ", e.prompt))
                self.feedback(e)
            self.say(RULE)
        if r.flagged:
            self.say("Flagged for review: " + ", ".join(str(p) for p in r.flagged))
        self.say(
            f"Time: {clock_text(r.elapsed_ms)}, {seconds_text(r.average_time_ms)} per question "
            f"on average."
        )
        self.say(r.score_line)
        for t in r.tags:
            before = ""
            if t.previous_percent is not None:
                blocks = "block" if t.previous_blocks == 1 else "blocks"
                before = (
                    f"; earlier {t.previous_percent}% ({t.previous_correct}/{t.previous_total} "
                    f"in {t.previous_blocks} {blocks}), {t.change:+d} points"
                )
            self.say(self.fill("  ", f"{t.tag}: {t.correct}/{t.total} ({t.percent}%){before}"))
        return r
