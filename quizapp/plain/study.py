"""Plain-terminal study: a line-based loop that works piped, over ssh and with a screen reader.

One line in per answer, plain lines out. Every answer is saved (committed) before the
next card is shown; end of input or Ctrl-C ends with a summary and nothing lost.
Deck text passes through `textsafe.inert`, so a deck cannot send escape sequences, and
its continuation lines are marked, so it cannot fake one of the loop's own lines.

At any prompt: `:u` undo the last answer, `:s` suspend, `:f` flag, `:b` bury, `:q` quit,
`:?` help.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from quizapp.decks import cloze
from quizapp.model import RATING_LABELS, CardType, Rating
from quizapp.plain.lineio import EndOfInput, read_line, say
from quizapp.scheduling.scheduler import format_interval
from quizapp.store.items import StudyItem
from quizapp.store.queries.study import is_flagged
from quizapp.study import grading, images
from quizapp.study.session import StudySession, elapsed_ms
from quizapp.textsafe import inert

HELP = (
    "Answer: mcq letters (a, or a,c for several), typed text, Enter to reveal.\n"
    "Grades: 1 Again, 2 Hard, 3 Good, 4 Easy; Enter accepts the suggestion.\n"
    "Commands: :u undo last answer, :s suspend, :f flag, :b bury, :q quit, :? help."
)
RULE = "─" * 60
CONTINUED = "\n  ┊ "


def _deck(text: str) -> str:
    """Deck text for the terminal: control characters made visible (`textsafe.inert`), and
    every line after the first marked, so a deck cannot print a line that looks like one of
    ours (a fake `Saved: …` acknowledgement or an answer prompt)."""
    return inert(text).replace("\n", CONTINUED)


_Quit = EndOfInput


class _Command(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


@dataclass(slots=True)
class PlainStudy:
    session: StudySession
    inp: TextIO
    out: TextIO
    style: Callable[[str, str], str] = lambda text, _kind: text
    open_image: Callable[[Path], object] | None = None  # `--open-images`: the system viewer

    def say(self, text: str = "") -> None:
        say(self.out, text)

    def ask(self, prompt: str) -> str:
        line = read_line(self.inp, self.out, prompt)
        cmd = line.strip().lower()
        if cmd in (":q", ":quit"):
            raise _Quit
        if cmd in (":?", ":h", ":help"):
            self.say(HELP)
            return self.ask(prompt)
        if cmd in (":u", ":s", ":f", ":b"):
            raise _Command(cmd[1])
        return line

    # -- the loop ------------------------------------------------------------------

    def run(self) -> int:
        s = self.session
        c = s.counts()
        self.say(
            f"Studying as {_deck(s.learner.name)} — {c.learning} learning, "
            f"{c.review} to review, {c.new} new today. Type :? for help."
        )
        item = s.next_item()
        try:
            while item is not None:
                try:
                    self.study_one(item)
                    item = s.next_item()
                except _Command as cmd:
                    item = self.command(cmd.name, item)
        except (_Quit, KeyboardInterrupt):
            pass
        self.summary()
        return 0

    def command(self, name: str, item: StudyItem) -> StudyItem | None:
        s = self.session
        if name == "u":
            back = s.undo()
            if back is None:
                self.say("Nothing to undo.")
                return item
            self.say("Undone.")
            return back
        if name == "s":
            s.suspend(item)
            self.say("Suspended.")
        elif name == "f":
            on = not self._flagged(item)
            s.flag(item, on)
            self.say("Flagged." if on else "Unflagged.")
            return item
        elif name == "b":
            s.bury(item)
            self.say("Buried until tomorrow.")
        return s.next_item()

    def _flagged(self, item: StudyItem) -> bool:
        return is_flagged(self.session.db, self.session.learner.id, item.card_pk)

    def study_one(self, item: StudyItem) -> None:
        card = item.card
        c = self.session.counts()
        self.say(RULE)
        self.say(
            f"[{c.learning} learning · {c.review} review · {c.new} new]  "
            f"{_deck(item.deck_title)} · {card.type.value} · {_deck(item.key)}"
        )
        self._picture(item, revealed=False)
        start = time.monotonic()
        if card.type == CardType.MCQ:
            result = self._mcq(item)
        elif card.type == CardType.TYPED:
            self.say(_deck(card.prompt))
            result = grading.grade(item, self.ask("Your answer> "))
        elif card.type == CardType.CLOZE:
            if card.prompt:
                self.say(_deck(card.prompt))
            self.say(_deck(cloze.render_question(card.text, item.ord)))
            result = grading.grade(item, self.ask("Fill the blank (Enter to reveal)> "))
        elif card.type == CardType.OCCLUSION:
            if card.prompt:
                self.say(_deck(card.prompt))
            result = grading.grade(item, self.ask("Name the red region (Enter to reveal)> "))
        else:
            self.say(_deck(card.prompt))
            self.ask("Press Enter to show the answer> ")
            result = grading.grade(item, None)
        duration = elapsed_ms(start)
        self.feedback(item, result)
        rating = self._grade(item, result.suggested)
        outcome = self.session.answer(
            item, rating, response=result.response, correct=result.correct, duration_ms=duration
        )
        nxt = outcome.after.due
        when = format_interval(nxt - self.session.now()) if nxt else "?"
        self.say(f"Saved: {RATING_LABELS[rating]}; next in {when}.")

    def _mcq(self, item: StudyItem) -> grading.GradeResult:
        card = item.card
        self.say(_deck(card.prompt))
        letters = grading.letters(len(card.choices))
        for letter, choice in zip(letters, card.choices, strict=False):
            self.say(f"  {letter}) {_deck(choice.text)}")
        hint = "letters, e.g. a,c" if card.multiple else "a letter"
        while True:
            try:
                return grading.grade(item, self.ask(f"Choose {hint}> "))
            except grading.NotAnAnswer:
                self.say(f"Please answer with {hint} from {letters[0]} to {letters[-1]}.")

    def feedback(self, item: StudyItem, result: grading.GradeResult) -> None:
        card = item.card
        if result.correct is True:
            self.say(self.style(f"✓ Correct — {_deck(result.expected)}", "ok"))
        elif result.correct is False:
            self.say(self.style(f"✗ Wrong — the answer is {_deck(result.expected)}", "bad"))
        else:
            self.say(f"Answer: {_deck(result.expected)}")
        if result.feedback:
            self.say(f"  ({_deck(result.feedback)})")
        if card.type == CardType.CLOZE:
            self.say(_deck(cloze.render_answer(card.text, item.ord)))
        if card.answer_image is not None or card.type == CardType.OCCLUSION:
            self._picture(item, revealed=True)
        if card.type == CardType.MCQ:
            letters = grading.letters(len(card.choices))
            for letter, choice in zip(letters, card.choices, strict=False):
                mark = "✓ right" if choice.correct else "✗ wrong"
                self.say(f"  {letter}) {mark}: {_deck(choice.text)} — {_deck(choice.why)}")
        if card.explanation:
            self.say(f"Why: {_deck(card.explanation)}")
        if card.source and card.source.quote:
            ref = f" {card.source.ref}" if card.source.ref else ""
            title = f" — {item.source.title}" if item.source and item.source.title else ""
            self.say(f'Source: "{_deck(card.source.quote)}"{_deck(ref)}{_deck(title)}')

    def _picture(self, item: StudyItem, revealed: bool) -> None:
        """The side's image as words (alt text, file); opened in the viewer on request."""
        text = images.text_for(item, revealed)
        if not text:
            return
        self.say(f"{'Answer image' if revealed else 'Image'}: {_deck(text)}")
        if self.open_image is None:
            return
        try:
            path = images.saved_picture(item, revealed)
        except images.MediaError as e:
            self.say(f"(cannot open the image: {_deck(str(e))})")
            return
        if path is not None:
            self.open_image(path)

    def _grade(self, item: StudyItem, suggested: Rating) -> Rating:
        intervals = self.session.preview(item)
        keys = ", ".join(
            f"{int(r)} {RATING_LABELS[r]} {format_interval(intervals[r])}" for r in Rating
        )
        while True:
            raw = self.ask(
                f"Grade [{keys}] (Enter = {int(suggested)} {RATING_LABELS[suggested]})> "
            ).strip()
            if not raw:
                return suggested
            if raw in ("1", "2", "3", "4"):
                return Rating(int(raw))
            self.say("Please type 1, 2, 3 or 4 (or Enter).")

    def summary(self) -> None:
        s = self.session.finish()
        self.say(RULE)
        acc = f", {s.accuracy:.0%} correct" if s.accuracy is not None else ""
        minutes = s.seconds / 60
        self.say(
            f"Session over: {s.answered} answered{acc}, {minutes:.1f} min. "
            f"Due by tomorrow: {s.due_tomorrow}."
        )
        later = self.session.learning_later_today()
        if later is not None:
            self.say(
                f"Learning cards are due again in {format_interval(later - self.session.now())}."
            )
