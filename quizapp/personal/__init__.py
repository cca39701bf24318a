"""Personalised scheduling: per-learner FSRS parameters, retention advice, exam plans,
backlog order and leeches.

Pure core over the store (no Textual). Modules:

* :mod:`~quizapp.personal.memory` — a learner's parameters, decay and time zone;
* :mod:`~quizapp.personal.optimise_store` — import review logs, fit, save, reschedule;
* :mod:`~quizapp.personal.advisor` — workload / knowledge per desired retention;
* :mod:`~quizapp.personal.exam` — exam-date plans: interval caps, new-card pace, report;
* :mod:`~quizapp.personal.backlog` — retrievability order of overdue reviews, days to clear;
* :mod:`~quizapp.personal.leeches` — detect, tag and suspend leeches.

Submodules import :mod:`quizapp.study` lazily, so ``study`` can import them.
"""
