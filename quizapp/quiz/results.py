"""Results of a quiz block: score, time per question, per-tag breakdown with the learner's
earlier blocks, and a review entry for every question. Read-only; no Textual.

Counting rules (shared with `quiz_accuracy_by_tag`, which reports use):

* the score is correct answers over all questions of the block: an unanswered question
  counts as wrong;
* a question counts under every tag of its card (deck tags included, as stored);
* "earlier blocks" are the learner's submitted blocks created before this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.quiz.library import load_block
from quizapp.quiz.questions import Question
from quizapp.store.db import Database
from quizapp.store.queries import quiz as queries
from quizapp.study import grading


def format_percent(correct: int, total: int) -> int:
    """Whole percent, halves rounded up (2/3 → 67, 1/8 → 13); 0 for an empty total."""
    if total <= 0:
        return 0
    return (200 * correct + total) // (2 * total)


@dataclass(frozen=True, slots=True)
class OptionReview:
    letter: str
    text: str
    correct: bool  # the option is a right answer
    chosen: bool  # the learner picked it
    why: str


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One question as the results review shows it."""

    position: int
    key: str  # deck/card[#cN]
    type: CardType
    deck_title: str
    context: str  # cloze context line ("" otherwise)
    prompt: str  # the question (cloze: the sentence with the blank)
    full_text: str  # cloze: the sentence with every deletion shown; else the prompt
    answered: bool
    correct: bool  # False when unanswered
    chosen: str  # what the learner answered ("A) 38%"; typed text); "" when unanswered
    expected: str  # the right answer ("A) 38%"; typed answer; cloze words)
    feedback: str  # grading note ("accepted with a typo: …")
    options: tuple[OptionReview, ...]  # mcq only
    explanation: str
    source_quote: str
    source_ref: str
    source_title: str
    flagged: bool
    time_ms: int
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TagResult:
    tag: str
    correct: int
    total: int
    previous_correct: int = 0  # over the learner's earlier submitted blocks
    previous_total: int = 0
    previous_blocks: int = 0  # how many earlier blocks asked this tag

    @property
    def percent(self) -> int:
        return format_percent(self.correct, self.total)

    @property
    def previous_percent(self) -> int | None:
        if not self.previous_total:
            return None
        return format_percent(self.previous_correct, self.previous_total)

    @property
    def change(self) -> int | None:
        """Percentage points against the earlier blocks (None when there were none)."""
        prev = self.previous_percent
        return None if prev is None else self.percent - prev


@dataclass(frozen=True, slots=True)
class BlockResults:
    block_id: int
    learner_id: int
    mode: str
    status: str
    created_at: int
    submitted_at: int | None
    time_limit_ms: int | None
    elapsed_ms: int
    correct: int
    total: int
    answered: int
    entries: tuple[ReviewEntry, ...] = ()
    tags: tuple[TagResult, ...] = ()
    flagged: tuple[int, ...] = field(default=())  # positions

    @property
    def percent(self) -> int:
        return format_percent(self.correct, self.total)

    @property
    def score_line(self) -> str:
        return f"Score: {self.correct}/{self.total} ({self.percent}%)"

    @property
    def average_time_ms(self) -> int:
        return sum(e.time_ms for e in self.entries) // len(self.entries) if self.entries else 0


def _letter_text(card_choices: Iterable[tuple[str, str]], picked: Iterable[int]) -> str:
    opts = list(card_choices)
    return "; ".join(f"{opts[i][0]}) {opts[i][1]}" for i in picked if 0 <= i < len(opts))


def review_entry(q: Question) -> ReviewEntry:
    """One question's review: the chosen answer beside the right one, every option with its
    reason, the explanation and the source. Also what a tutor-mode UI shows after an answer.
    An mcq's options are listed, and lettered, as the question showed them."""
    card = q.item.card
    options: tuple[OptionReview, ...] = ()
    chosen = q.response or ""
    if card.type == CardType.MCQ:
        letters = grading.letters(len(card.choices))
        shown = q.shown.shown
        picked = set(q.chosen_indexes())
        options = tuple(
            OptionReview(letter, c.text, c.correct, i in picked, c.why)
            for letter, i in zip(letters, shown, strict=True)
            for c in (card.choices[i],)
        )
        pairs = q.choices
        chosen = _letter_text(pairs, q.chosen_shown())
        expected = _letter_text(pairs, [d for d, i in enumerate(shown) if card.choices[i].correct])
    elif card.type == CardType.CLOZE:
        expected = " … ".join(cloze.answers_for(card.text, q.item.ord))
    else:
        expected = card.answer
    regraded = q.regrade()
    feedback = regraded.feedback if regraded is not None else ""
    src = card.source
    return ReviewEntry(
        position=q.position,
        key=q.item.key,
        type=card.type,
        deck_title=q.item.deck_title,
        context=q.context,
        prompt=q.text,
        full_text=(
            cloze.render_answer(card.text, q.item.ord)
            if card.type == CardType.CLOZE
            else card.prompt
        ),
        answered=q.answered,
        correct=bool(q.answered and q.correct),
        chosen=chosen,
        expected=expected,
        feedback=feedback,
        options=options,
        explanation=card.explanation,
        source_quote=src.quote if src else "",
        source_ref=src.ref if src else "",
        source_title=q.item.source.title if q.item.source else "",
        flagged=q.flagged,
        time_ms=q.time_ms,
        tags=card.tags,
    )


def results(db: Database, block_id: int) -> BlockResults:
    """Everything the results screen shows for a block (best read after submit)."""
    block = load_block(db, block_id)  # the clock is not used: nothing is timed here
    entries = [review_entry(q) for q in block.all_questions()]
    per_tag: dict[str, list[int]] = {}
    for e in entries:
        for tag in e.tags:
            counts = per_tag.setdefault(tag, [0, 0])
            counts[0] += int(e.correct)
            counts[1] += 1
    earlier = _tag_counts(
        queries.submitted_answers(db, block.learner_id, before=(block.created_at, block.id))
    )
    tags = tuple(
        TagResult(
            tag=tag,
            correct=c,
            total=t,
            previous_correct=earlier.get(tag, (0, 0, 0))[0],
            previous_total=earlier.get(tag, (0, 0, 0))[1],
            previous_blocks=earlier.get(tag, (0, 0, 0))[2],
        )
        for tag, (c, t) in sorted(per_tag.items())
    )
    return BlockResults(
        block_id=block.id,
        learner_id=block.learner_id,
        mode=block.mode,
        status=block.status,
        created_at=block.created_at,
        submitted_at=block.submitted_at,
        time_limit_ms=block.time_limit_ms,
        elapsed_ms=block.elapsed_ms,
        correct=sum(e.correct for e in entries),
        total=len(entries),
        answered=sum(e.answered for e in entries),
        entries=tuple(entries),
        tags=tags,
        flagged=tuple(e.position for e in entries if e.flagged),
    )


def _tag_counts(rows: Iterable[tuple[int, object, str | None]]) -> dict[str, tuple[int, int, int]]:
    """tag → (correct, total, blocks) over (block_id, correct, tags) answer rows."""
    counts: dict[str, list[int]] = {}
    blocks: dict[str, set[int]] = {}
    for block_id, correct, tag_text in rows:
        for tag in (tag_text or "").split():
            entry = counts.setdefault(tag, [0, 0])
            entry[0] += int(bool(correct))
            entry[1] += 1
            blocks.setdefault(tag, set()).add(block_id)
    return {tag: (c, t, len(blocks[tag])) for tag, (c, t) in counts.items()}


def quiz_accuracy_by_tag(
    db: Database, learner_id: int, since_ms: int | None = None
) -> dict[str, tuple[int, int]]:
    """tag → (correct, total) over the learner's submitted blocks (submitted at or after
    `since_ms` when given). Unanswered questions of a submitted block count as wrong."""
    rows = queries.submitted_answers(db, learner_id, since_ms=since_ms)
    return {tag: (c, t) for tag, (c, t, _) in sorted(_tag_counts(rows).items())}
