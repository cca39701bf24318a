"""A deck with a long clinical vignette (240 words), long option reasons and a
select-all question: for the long-question tests of the TUI and the plain mode."""

from __future__ import annotations

import json

VIGNETTE = " ".join(
    ["A 58-year-old man returns to clinic two years after resection of a thigh sarcoma."]
    + [f"Finding{i} was noted on examination and imaging at visit {i}." for i in range(1, 23)]
    + ["What do you tell him?"]
)
REASON = " ".join(f"why{i}" for i in range(1, 40))  # a reason of several lines

DECK = f"""\
id: long
title: Long deck
tags: [case]
sources:
  src:
    title: A test source
cards:
  - id: case-1
    type: mcq
    prompt: {json.dumps(VIGNETTE)}
    choices:
      - {{text: "Recurrence is likely within five years", correct: true, why: {json.dumps(REASON)}}}
      - {{text: "Recurrence never happens after surgery", why: {json.dumps(REASON)}}}
      - {{text: "Only radiation matters", why: "Not stated."}}
    explanation: Most recurrences come early.
    source: {{id: src, quote: "Sentence one."}}
  - id: multi-1
    type: mcq
    prompt: Which of these apply?
    choices:
      - {{text: "First", correct: true, why: "Yes."}}
      - {{text: "Second", correct: true, why: "Yes."}}
      - {{text: "Third", why: "No."}}
    explanation: The first two.
    source: {{id: src, quote: "Sentence two."}}
  - id: basic-1
    type: basic
    prompt: Front one
    answer: Back one
    explanation: Because one.
    source: {{id: src, quote: "Sentence three."}}
"""
