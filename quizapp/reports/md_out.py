"""Markdown export: a readable summary for a learner (one section per learner)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from quizapp.reports.figures import CardCounts, LearnerMetrics, Ratio
from quizapp.reports.labels import source_name
from quizapp.textsafe import inert

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(text: str) -> str:
    """Deck or learner text as literal Markdown: specials escaped, HTML brackets as
    entities, control characters made visible, one line."""
    text = inert(" ".join(str(text).split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def ratio(r: Ratio) -> str:
    return "–" if not r.total else f"{pct(r.rate)} ({r.passed}/{r.total})"


def minutes(x: float) -> str:
    if x < 60:
        return f"{x:.1f} min"
    return f"{int(x // 60)} h {round(x % 60):02d} min"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def _counts_row(c: CardCounts) -> list[str]:
    return [
        str(c.new),
        str(c.learning),
        str(c.young),
        str(c.mature),
        str(c.suspended),
        str(c.leeches),
        f"{c.seen} / {c.total}",
        pct(c.mastery),
    ]


COUNT_HEADER = ("New", "Learning", "Young", "Mature", "Suspended", "Leeches", "Seen", "Mastery")


def learner_section(m: LearnerMetrics, level: int = 1) -> list[str]:
    h = "#" * level
    out = [f"{h} Progress report: {md(m.learner)}", ""]
    src = f" · from {', '.join(md(source_name(s)) for s in m.sources)}" if m.sources else ""
    since = f" · reviews since {m.filters.since}" if m.filters.since else ""
    out += [f"Study day {m.today} (report time {m.now}){since}{src}.", ""]
    s = m.streak
    out += [
        f"- **Reviews:** {m.reviews} in {minutes(m.minutes)} over {len(m.activity)} study days",
        f"- **Streak:** {s.current} day(s) now, longest {s.longest}",
        f"- **Predicted recall now:** {pct(m.predicted_recall)} over {m.recall.n} card(s) "
        f"(target {pct(m.desired_retention)})",
        f"- **Due today:** {m.forecast[0].due if m.forecast else 0}; "
        f"next 7 days: {sum(f.due for f in m.forecast[:7])}",
        "",
        f"{h}# Cards",
        "",
        *_table(COUNT_HEADER, [_counts_row(m.counts)]),
        f"{h}# True retention",
        "",
        "Pass rate of reviews of cards in review state (mature: interval of 21 days or more).",
        "",
        *_table(
            ("Window", "All", "Young", "Mature"),
            [
                [f"Last {w.days} days", ratio(w.all), ratio(w.young), ratio(w.mature)]
                for w in m.retention
            ],
        ),
    ]
    if m.hardest:
        out += [f"{h}# Hardest cards", ""]
        out += _table(
            ("Card", "Prompt", "Lapses", "Recall now"),
            [[md(c.key), md(c.prompt[:120]), str(c.lapses), pct(c.recall)] for c in m.hardest],
        )
    if m.decks:
        out += [f"{h}# Decks", ""]
        out += _table(
            ("Deck", "Cards", "Mature", "Mastery", "Retention", "Reviews"),
            [
                [
                    md(g.title),
                    str(g.counts.total),
                    str(g.counts.mature),
                    pct(g.mastery),
                    ratio(g.retention),
                    str(g.reviews),
                ]
                for g in m.decks
            ],
        )
    if m.tags:
        quiz = {q.tag: q.accuracy for q in m.quiz}
        out += [f"{h}# Tags", ""]
        out += _table(
            ("Tag", "Cards", "Mastery", "Retention", "Quiz accuracy"),
            [
                [
                    md(g.key),
                    str(g.counts.total),
                    pct(g.mastery),
                    ratio(g.retention),
                    ratio(quiz.get(g.key, Ratio())),
                ]
                for g in m.tags
            ],
        )
    cal = [b for b in m.calibration if b.n]
    if cal:
        out += [f"{h}# Calibration", "", "Predicted recall at review time against the outcome.", ""]
        out += _table(
            ("Predicted", "Reviews", "Mean predicted", "Actual"),
            [
                [f"{b.lo:.0%}–{b.hi:.0%}", str(b.n), pct(b.mean_predicted), pct(b.actual)]
                for b in cal
            ],
        )
    return out


def render(learners: Sequence[LearnerMetrics]) -> str:
    if not learners:
        return "# Progress report\n\nNo learners matched.\n"
    if len(learners) == 1:
        return "\n".join(learner_section(learners[0])).rstrip() + "\n"
    out = ["# Cohort progress report", ""]
    out += _table(
        ("Learner", "Reviews", "Mature / total", "Retention (30 d)", "Streak", "Recall now"),
        [
            [
                md(m.learner),
                str(m.reviews),
                f"{m.counts.mature} / {m.counts.total}",
                ratio(m.retention_window(30).all),
                str(m.streak.current),
                pct(m.predicted_recall),
            ]
            for m in learners
        ],
    )
    for m in learners:
        out += learner_section(m, level=2)
    return "\n".join(out).rstrip() + "\n"
