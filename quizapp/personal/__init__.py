"""Personalised scheduling: per-learner FSRS parameters, retention advice, exam plans,
backlog order and leeches.

Pure core over the store (no Textual). Modules:

* :mod:`~quizapp.personal.fitting` — import review logs, fit, save, reschedule;
  (the model itself — parameters, decay, time zone — is :mod:`quizapp.scheduling.memory`)
* :mod:`~quizapp.personal.advisor` — workload / knowledge per desired retention;
* :mod:`~quizapp.personal.exam` — exam-date plans: interval caps, new-card pace, report;
* :mod:`~quizapp.personal.backlog` — retrievability order of overdue reviews, days to clear;
* :mod:`~quizapp.personal.leeches` — detect, tag and suspend leeches.
"""
