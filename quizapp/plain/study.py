"""Plain-terminal study: a line-based loop that works piped, over ssh and with a screen reader.

One line in per answer, plain lines out. Every answer is saved (committed) before the
next card is shown; end of input or Ctrl-C ends with a summary and nothing lost.
Deck text passes through `textsafe.inert`, so a deck cannot send escape sequences, and
is word-wrapped to the terminal's width with its continuation lines marked (`  ┊ `, or
the marker under a hanging indent), so it cannot fake one of the loop's own lines.

At any prompt: `:u` undo the last answer, `:s` suspend, `:f` flag, `:b` bury, `:m` study
more (extra new cards today, review ahead, cram), `:q` quit, `:?` help. When new cards wait
but today's new-card limit is used up, the end says so and offers `:m`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from quizapp.decks import cloze
from quizapp.model import RATING_LABELS, CardType, Rating
from quizapp.plain.lineio import CONTINUED as _MARK
from quizapp.plain.lineio import EndOfInput, fill, read_line, say, terminal_width
from quizapp.scheduling.scheduler import format_interval
from quizapp.store.db import StoreError
from quizapp.store.items import StudyItem
from quizapp.store.queries.study import is_flagged
from quizapp.study import grading, images
from quizapp.study.labels import undone_note
from quizapp.study.presentation import Order
from quizapp.study.session import StudySession, elapsed_ms
from quizapp.textsafe import inert

HELP = (
    "Answer: mcq letters (a, or a,c for several), typed text, Enter to reveal.\n"
    "Grades: 1 Again, 2 Hard, 3 Good, 4 Easy; Enter accepts the suggestion.\n"
    "Commands: :u undo last answer, :s suspend, :f flag, :b bury, :m study more, :q quit,"
    " :? help."
)
RULE = "─" * 60
CONTINUED = "\n" + _MARK
DROP_QUESTION = "Drop your answer to this card and undo the previous one? [y/N]> "


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
    width: int = 0  # columns to wrap deck text to (0: the terminal's width)
    open_image: Callable[[Path], object] | None = None  # `--open-images`: the system viewer

    def say(self, text: str = "") -> None:
        say(self.out, text)

    def fill(self, prefix: str, text: str, hang: int | None = None) -> str:
        """`prefix` and deck text (made inert), wrapped to the width, continuations marked
        (`hang`: their indent, see `lineio.fill`)."""
        return fill(prefix, inert(text), self.width or terminal_width(), hang)

    def ask(self, prompt: str) -> str:
        line = read_line(self.inp, self.out, prompt)
        cmd = line.strip().lower()
        if cmd in (":q", ":quit"):
            raise _Quit
        if cmd in (":?", ":h", ":help"):
            self.say(HELP)
            return self.ask(prompt)
        if cmd in (":u", ":s", ":f", ":b", ":m"):
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
            while True:
                while item is not None:
                    current = item
                    try:
                        self.study_one(current)
                        item = self.session.next_item()
                    except _Command as cmd:
                        item = self.command(cmd.name, current)
                item = self.all_done()
                if item is None:
                    break
        except (_Quit, KeyboardInterrupt):
            pass
        self.summary()
        return 0

    def all_done(self) -> StudyItem | None:
        """Nothing left: when new cards wait behind today's limit, say so and offer to
        study more; the next item then (None: the session ends)."""
        note = self.session.limit_note()
        if note is None:
            return None
        self.say(f"All done: {note.text()} — :m study more, or raise it in settings.")
        try:
            while True:
                try:
                    answer = self.ask("Study more (:m), or Enter to finish> ").strip()
                except _Command as cmd:
                    if cmd.name != "m":
                        continue
                    return self.study_more()
                if not answer:
                    return None
                if answer.lower() in ("m", "more"):
                    return self.study_more()
        except _Quit:
            return None

    def study_more(self) -> StudyItem | None:
        """`:m`: extra new cards today, review ahead or cram; the next item to study."""
        from quizapp.personal.limits import grant_extra_new
        from quizapp.study.more import cram, review_ahead

        s = self.session
        self.say(
            "Study more: n N = N more new cards today · a N = review ahead, the reviews due "
            "in the next N days · c [deck:ID] [tag:T] [fact:F] = cram these cards without "
            "changing their schedule · Enter = back"
        )
        while True:
            raw = self.ask("Study more> ").strip()
            if not raw:
                return s.next_item()
            kind, _, rest = raw.partition(" ")
            kind = kind.lower()
            try:
                if kind in ("n", "new"):
                    n = int(rest)
                    grant_extra_new(s.db, s.learner, n, s.now(), s.tz)
                    s.reload_learner()
                    self.say(f"{n} more new card(s) today.")
                elif kind in ("a", "ahead"):
                    self.session = review_ahead(s, int(rest))
                    self.say(
                        f"Reviewing ahead: {self.session.counts().review} due within "
                        f"{int(rest)} day(s)."
                    )
                elif kind in ("c", "cram"):
                    chosen = _cram_choice(rest)
                    self.session = cram(
                        s,
                        deck_ids=chosen["deck_ids"] or s.scope.deck_ids,
                        tags=chosen["tags"] or None,
                        facts=chosen["facts"],
                    )
                    self.say(
                        f"Cram: {self.session.counts().review} card(s); answers do not "
                        "change the schedule."
                    )
                else:
                    self.say("Type n N, a N or c [deck:ID] [tag:T] [fact:F] (Enter: back).")
                    continue
            except ValueError as e:
                self.say(f"Not understood ({e}); for example: n 10, a 3, c tag:surgery")
                continue
            except StoreError as e:
                self.say(f"Error: {e}")
                continue
            return self.session.next_item()

    def command(self, name: str, item: StudyItem) -> StudyItem | None:
        s = self.session
        if name == "m":
            return self.study_more() or s.next_item()
        if name == "u":
            back = s.undo()
            if back is None:
                self.say("Nothing to undo.")
                return item
            self.say(self.fill("", undone_note(back)))
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
            self.fill(
                f"[{c.learning} learning · {c.review} review · {c.new} new]  ",
                f"{item.deck_title} · {card.type.value} · {item.key}",
            )
        )
        self._picture(item, revealed=False)
        start = time.monotonic()
        order = self.session.presentation(item)
        if card.type == CardType.MCQ:
            result = self._mcq(item, order)
        elif card.type == CardType.TYPED:
            self.say(self.fill("", card.prompt))
            result = grading.grade(item, self.ask("Your answer> "))
        elif card.type == CardType.CLOZE:
            if card.prompt:
                self.say(self.fill("", card.prompt))
            self.say(self.fill("", cloze.render_question(card.text, item.ord)))
            result = grading.grade(item, self.ask("Fill the blank (Enter to reveal)> "))
        elif card.type == CardType.OCCLUSION:
            if card.prompt:
                self.say(_deck(card.prompt))
            result = grading.grade(item, self.ask("Name the red region (Enter to reveal)> "))
        else:
            self.say(self.fill("", card.prompt))
            self.ask("Press Enter to show the answer> ")
            result = grading.grade(item, None)
        duration = elapsed_ms(start)
        self.feedback(item, result, order)
        rating = self._grade(item, result.suggested)
        outcome = self.session.answer(
            item,
            rating,
            response=result.response,
            correct=result.correct,
            duration_ms=duration,
            order=order,
        )
        if self.session.MODE == "cram":
            self.say(f"Cram: {RATING_LABELS[rating]} (schedule unchanged).")
        else:
            when = format_interval(outcome.interval) if outcome.after.due else "?"
            self.say(f"Saved: {RATING_LABELS[rating]}; next in {when}.")

    def _mcq(self, item: StudyItem, order: Order) -> grading.GradeResult:
        """The options in the order of this presentation, lettered as shown."""
        card = item.card
        self.say(self.fill("", card.prompt))
        letters = grading.letters(len(card.choices))
        for letter, i in zip(letters, order.shown, strict=False):
            self.say(self.fill(f"  {letter}) ", card.choices[i].text))
        hint = "letters, e.g. a,c" if card.multiple else "a letter"
        while True:
            try:
                return grading.grade(item, self.ask(f"Choose {hint}> "), order)
            except grading.NotAnAnswer:
                self.say(f"Please answer with {hint} from {letters[0]} to {letters[-1]}.")

    def feedback(
        self, item: StudyItem, result: grading.GradeResult, order: Order | None = None
    ) -> None:
        card = item.card
        if result.correct is True:
            self.say(self.style(self.fill("✓ Correct — ", result.expected), "ok"))
        elif result.correct is False:
            self.say(self.style(self.fill("✗ Wrong — the answer is ", result.expected), "bad"))
        else:
            self.say(self.fill("Answer: ", result.expected))
        if result.feedback:
            self.say(self.fill("  (", f"{result.feedback})"))
        if card.type == CardType.CLOZE:
            self.say(self.fill("", cloze.render_answer(card.text, item.ord)))
        if card.answer_image is not None or card.type == CardType.OCCLUSION:
            self._picture(item, revealed=True)
        if card.type == CardType.MCQ:
            letters = grading.letters(len(card.choices))
            shown = order or Order.identity(len(card.choices))
            for letter, i in zip(letters, shown.shown, strict=False):
                choice = card.choices[i]
                mark = "✓ right" if choice.correct else "✗ wrong"
                self.say(
                    self.fill(
                        f"  {letter}) {mark}: ",
                        f"{choice.text} — {choice.why}",
                        hang=len(f"  {letter}) "),
                    )
                )
        if card.explanation:
            self.say(self.fill("Why: ", card.explanation))
        if card.source and card.source.quote:
            ref = f" {card.source.ref}" if card.source.ref else ""
            title = f" — {item.source.title}" if item.source and item.source.title else ""
            self.say(self.fill('Source: "', f'{card.source.quote}"{ref}{title}'))

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
            try:
                raw = self.ask(
                    f"Grade [{keys}] (Enter = {int(suggested)} {RATING_LABELS[suggested]})> "
                ).strip()
            except _Command as cmd:
                # `:u` here would drop this answer (not saved yet) as well: ask first.
                if cmd.name == "u" and not self._drop_answer():
                    continue
                raise

            if not raw:
                return suggested
            if raw in ("1", "2", "3", "4"):
                return Rating(int(raw))
            self.say("Please type 1, 2, 3 or 4 (or Enter).")

    def _drop_answer(self) -> bool:
        """Asked when `:u` comes after an answer and before its grade."""
        if not self.session.can_undo:
            self.say("Nothing to undo.")
            return False
        if read_line(self.inp, self.out, DROP_QUESTION).strip().lower() in ("y", "yes"):
            return True
        self.say("Kept your answer; grade it.")
        return False

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
        if self.session.MODE == "cram":
            self.say("Cram answers are not saved to the schedule.")
        note = self.session.limit_note()
        if note is not None:
            self.say(
                f"{note.text()[0].upper()}{note.text()[1:]} — `quizapp study --plain "
                "--extra-new N` studies more, or raise it in settings."
            )


def _cram_choice(text: str) -> dict[str, tuple[str, ...]]:
    """`deck:ID tag:T fact:F …` → the keywords of `quizapp.study.more.cram`."""
    picked: dict[str, list[str]] = {"deck_ids": [], "tags": [], "facts": []}
    names = {"deck": "deck_ids", "tag": "tags", "fact": "facts"}
    for word in text.split():
        key, sep, value = word.partition(":")
        if not sep or key.lower() not in names or not value:
            raise ValueError(f"{word!r} is not deck:ID, tag:T or fact:F")
        picked[names[key.lower()]].append(value)
    return {k: tuple(v) for k, v in picked.items()}
