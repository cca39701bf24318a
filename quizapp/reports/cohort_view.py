"""The cohort view (HTML and Markdown): what the class gets wrong and why, first; each
learner's own report after, folded.

Order: the class summary; a learners × tags mastery heatmap; the items the class
misses most, with their distractor (or wrong answer) analysis; the items flagged as
possibly flawed; then every learner's report in a `<details>` element. Charts are
inline SVG (no script, nothing fetched); printed, the folded reports are shown open.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from quizapp.reports import html_out as H
from quizapp.reports import item_out as I
from quizapp.reports import md_out as D
from quizapp.reports.figures import LearnerMetrics
from quizapp.reports.items import ItemAnalysis

#: Tags shown in the heatmap (those with the most cards first, then by name).
HEATMAP_TAGS = 24


def heat_tags(learners: Sequence[LearnerMetrics], limit: int = HEATMAP_TAGS) -> list[str]:
    cards: dict[str, int] = {}
    for m in learners:
        for g in m.tags:
            cards[g.key] = cards.get(g.key, 0) + g.counts.total
    return sorted(sorted(cards, key=lambda k: (-cards[k], k))[:limit])


def _mastery(m: LearnerMetrics) -> dict[str, float | None]:
    return {g.key: g.mastery for g in m.tags}


def _colour(x: float | None) -> str:
    """White for no cards; light red (0 %) to green (100 %)."""
    if x is None:
        return "#ffffff"
    lo, hi = (0xF8, 0xD7, 0xD0), (0x3C, 0xA5, 0x5C)
    return "#" + "".join(f"{round(a + (b - a) * x):02x}" for a, b in zip(lo, hi, strict=True))


def heatmap_svg(learners: Sequence[LearnerMetrics], tags: Sequence[str]) -> str:
    cell_w, cell_h, left, top = 46, 20, 150, 80
    w = left + cell_w * max(1, len(tags)) + 10
    h = top + cell_h * len(learners) + 10
    label = "Mastery per learner and tag"
    parts = [
        f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="{label}" '
        f'style="max-width:{w}px" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
    ]
    for j, tag in enumerate(tags):
        x = left + j * cell_w + cell_w / 2
        text = tag if len(tag) <= 18 else tag[:17] + "…"
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" transform="rotate(-45 {x:.1f} {top - 6})">'
            f"{H.esc(text)}</text>"
        )
    for i, m in enumerate(learners):
        y = top + i * cell_h
        name = m.learner if len(m.learner) <= 22 else m.learner[:21] + "…"
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{H.esc(name)}</text>')
        mastery = _mastery(m)
        for j, tag in enumerate(tags):
            x = left + j * cell_w
            v = mastery.get(tag)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{_colour(v)}" stroke="#d9dde5"><title>{H.esc(m.learner)}, '
                f"{H.esc(tag)}: {H.pct(v)}</title></rect>"
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + 13}" text-anchor="middle" '
                f'style="fill:#1d2330">{H.pct(v)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _summary_rows(
    learners: Sequence[LearnerMetrics], a: ItemAnalysis | None
) -> list[tuple[str, str]]:
    ret = [m.retention_window(30).all.rate for m in learners]
    ret_known = [r for r in ret if r is not None]
    mastery = [m.counts.mastery for m in learners if m.counts.mastery is not None]
    rows = [
        (str(len(learners)), "learners"),
        (str(sum(m.reviews for m in learners)), "reviews in all"),
        (H.pct(median(ret_known)) if ret_known else "–", "median true retention, 30 days"),
        (H.pct(median(mastery)) if mastery else "–", "median mastery"),
    ]
    if a is not None:
        rates = [ls.rate for ls in a.learners if ls.rate is not None]
        rows += [
            (str(a.item_count), "items answered"),
            (H.pct(median(rates)) if rates else "–", "median first-attempt score"),
            (str(len(a.flagged)), "items flagged"),
        ]
    return rows


def _learner_rows(learners: Sequence[LearnerMetrics], a: ItemAnalysis | None) -> list[list[str]]:
    scores = {ls.name: ls for ls in a.learners} if a is not None else {}
    out = []
    for m in learners:
        s = scores.get(m.learner)
        out.append(
            [
                m.learner,
                str(m.reviews),
                f"{m.counts.mature}/{m.counts.total}",
                H.ratio(m.retention_window(30).all),
                str(m.streak.current),
                H.pct(m.predicted_recall),
                f"{H.pct(s.rate)} ({s.correct}/{s.items})" if s else "–",
            ]
        )
    return out


LEARNER_COLUMNS = (
    "Learner",
    "Reviews",
    "Mature / total",
    "Retention (30 d)",
    "Streak",
    "Recall now",
    "First-attempt score",
)


def render_html(
    learners: Sequence[LearnerMetrics], a: ItemAnalysis | None, *, generated_at: str
) -> str:
    title = "Cohort report"
    body = [f"<h1>{title}</h1>"]
    if not learners:
        body.append("<p>No learners matched.</p>")
        return H.page(title, body, generated_at=generated_at)
    f = learners[0].filters
    meta = f"Report time {learners[0].now}"
    if f.since:
        meta += f" · reviews since {f.since}"
    if f.deck_ids is not None:
        meta += f" · decks: {', '.join(f.deck_ids) or 'none'}"
    if f.tags:
        meta += f" · tags: {', '.join(f.tags)}"
    body.append(f'<p class="meta">{H.esc(meta)}</p>')
    body.append('<h2>Class summary</h2><div class="tiles">')
    body += [
        f'<div class="tile"><b>{H.esc(v)}</b><span>{H.esc(k)}</span></div>'
        for v, k in _summary_rows(learners, a)
    ]
    body.append("</div>")
    body.append(H.table("Learners", LEARNER_COLUMNS, _learner_rows(learners, a), text_cols=(0,)))
    tags = heat_tags(learners)
    if tags:
        body.append("<h2>Mastery per tag</h2>")
        body.append(
            H._figure(
                "Mastery (share of mature cards) per learner and tag",
                heatmap_svg(learners, tags),
                H.table(
                    "Mastery per learner and tag",
                    ("Learner", *tags),
                    [[m.learner, *(H.pct(_mastery(m).get(t)) for t in tags)] for m in learners],
                    text_cols=(0,),
                ),
            )
        )
    if a is not None:
        body += I.html_sections(a, full=False)
    body.append("<h2>Learners</h2>")
    for m in learners:
        body.append(
            f'<details class="learner"><summary>{H.esc(m.learner)} — {m.reviews} reviews, '
            f"mastery {H.esc(H.pct(m.counts.mastery))}</summary>{H.learner_section(m)}</details>"
        )
    return H.page(title, body, generated_at=generated_at)


def render_md(learners: Sequence[LearnerMetrics], a: ItemAnalysis | None) -> str:
    out = ["# Cohort report", ""]
    if not learners:
        return "# Cohort report\n\nNo learners matched.\n"
    out += [f"Report time {learners[0].now}.", "", "## Class summary", ""]
    out += [f"- **{v}** {k}" for v, k in _summary_rows(learners, a)]
    out.append("")
    out += D._table(LEARNER_COLUMNS, [[D.md(c) for c in r] for r in _learner_rows(learners, a)])
    tags = heat_tags(learners)
    if tags:
        out += ["## Mastery per tag", "", "Share of mature cards per learner and tag.", ""]
        out += D._table(
            ["Learner", *(D.md(t) for t in tags)],
            [[D.md(m.learner), *(D.pct(_mastery(m).get(t)) for t in tags)] for m in learners],
        )
    if a is not None:
        out += I.md_sections(a, full=False)
    out += ["## Learners", ""]
    for m in learners:
        out += [f"<details><summary>{D.md(m.learner)}</summary>", ""]
        out += D.learner_section(m, level=3)
        out += ["</details>", ""]
    return "\n".join(out).rstrip() + "\n"
