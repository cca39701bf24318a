"""Shared bits of the quiz tests (no tests here): a deck with every card type, answer helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlite_utils import Database

from quizapp.decks import cloze
from quizapp.model import CardType
from quizapp.quiz import Question
from quizapp.store.learners import Learner, ensure_learner
from quizapp.store.sync import sync_paths

QUIZ_DECK = """\
id: qd
title: Quiz deck
tags: [test]
sources:
  src:
    title: A test source
    file: source.txt
cards:
  - id: basic-1
    type: basic
    prompt: Front one
    answer: Back one
    explanation: Because one.
    source: {id: src, quote: "Sentence one."}
  - id: typed-1
    type: typed
    prompt: How many percent?
    answer: 35%
    explanation: It says 35%.
    tags: [epi]
    source: {id: src, quote: "As many as 35% recur.", ref: "[47]"}
  - id: mcq-1
    type: mcq
    prompt: Pick the survival rate
    choices:
      - {text: "38%", correct: true, why: "Stated."}
      - {text: "80%", why: "That is the share within 5 years."}
    explanation: The 3-year rate was 38%.
    tags: [epi, prog]
    source: {id: src, quote: "Survival was 38%."}
  - id: cloze-1
    type: cloze
    text: "Dissect {{positive}} nodes when there is no {{metastatic disease}}."
    explanation: Only proven nodes.
    tags: [nodes]
    source: {id: src, quote: "Dissect positive nodes."}
  - id: mcq-2
    type: mcq
    prompt: Which two?
    choices:
      - {text: "alpha", correct: true, why: "A reason."}
      - {text: "beta", correct: true, why: "B reason."}
      - {text: "gamma", why: "C reason."}
    explanation: Two of them.
    tags: [nodes]
    source: {id: src, quote: "Alpha and beta."}
  - id: typed-2
    type: typed
    prompt: Which organ?
    answer: lung
    explanation: The lung.
    tags: [prog]
    source: {id: src, quote: "The lung."}
"""

BASIC_ONLY = """\
id: bo
title: Basic only
sources:
  src: {title: A test source, file: source.txt}
cards:
  - id: b1
    type: basic
    prompt: Front
    answer: Back
    explanation: Why
    source: {id: src, quote: "Sentence one."}
"""


def quiz_setup(db: Database, write_deck: Callable[..., Path], text: str = QUIZ_DECK) -> Learner:
    path = write_deck(text, name="quiz.yaml")
    report = sync_paths(db, [path.parent])
    assert not report.problems, report.problems
    return ensure_learner(db, "ann")


def right(q: Question) -> str | Sequence[int]:
    card = q.item.card
    if q.type == CardType.MCQ:
        return q.shown.to_display([i for i, c in enumerate(card.choices) if c.correct])
    if q.type == CardType.CLOZE:
        return "; ".join(cloze.answers_for(card.text, q.item.ord))
    return card.answer


def wrong(q: Question) -> str | Sequence[int]:
    card = q.item.card
    if q.type == CardType.MCQ:
        return q.shown.to_display([i for i, c in enumerate(card.choices) if not c.correct])
    return "nothing like it"
