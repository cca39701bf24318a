"""HTML export: one self-contained page, readable on screen and on paper.

Inline CSS and inline SVG charts drawn here (no script, no fonts, no images, nothing
fetched: a Content-Security-Policy meta tag forbids it anyway). Every chart is followed
by a table with the same numbers. Every string that comes from a deck, a learner or a
file name goes through `html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, timedelta

from quizapp.reports.figures import LearnerMetrics, Ratio
from quizapp.reports.labels import source_name
from quizapp.textsafe import inert

CSS = """
:root { --ink: #1d2330; --muted: #5b6475; --bar: #3867d6; --bar2: #20a39e; --line: #e15f41;
        --grid: #d9dde5; --bg: #ffffff; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem; color: var(--ink); background: var(--bg);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--grid); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; }
.tile { background: var(--panel); border-radius: .4rem; padding: .6rem .8rem; }
.tile b { display: block; font-size: 1.35rem; }
.tile span { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--grid); padding: .2rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.text { text-align: left; max-width: 30rem; overflow-wrap: anywhere; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .2rem; }
figure { margin: .5rem 0; }
figcaption { color: var(--muted); font-size: .85rem; }
svg { width: 100%; height: auto; max-width: 56rem; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.alt { max-height: 16rem; overflow-y: auto; }
.learner { page-break-before: always; break-before: page; }
.learner:first-of-type { page-break-before: auto; break-before: auto; }
.item { margin: 1rem 0; padding: .4rem .8rem; border-left: 3px solid var(--grid); }
.item h3 { margin: .2rem 0; } .item p { margin: .2rem 0; }
details.learner { page-break-before: auto; break-before: auto; border-top: 1px solid var(--grid); }
details.learner > summary { cursor: pointer; padding: .4rem 0; font-weight: 600; }
details.learner section.learner { page-break-before: auto; break-before: auto; }
.heat td.cell { text-align: center; min-width: 3rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  details > :not(summary) { display: block !important; }
  details::details-content { content-visibility: visible; display: block; }
  .item { break-inside: avoid; page-break-inside: avoid; }
  .alt { max-height: none; overflow: visible; }
  h2, h3, figure, table { break-inside: avoid; page-break-inside: avoid; }
  .tile { border: 1px solid var(--grid); }
}
"""

W, H = 720, 200
PAD_L, PAD_B, PAD_T, PAD_R = 40, 28, 10, 10


def esc(text: object) -> str:
    return html.escape(inert(str(text)), quote=True)


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


def ratio(r: Ratio) -> str:
    return "–" if not r.total else f"{pct(r.rate)} ({r.passed}/{r.total})"


def _short(name: str) -> str:
    """A day label without its year (2026-03-02 → 03-02); anything else as it is."""
    is_day = len(name) == 10 and name[4] == "-" and name[7] == "-" and name[:4].isdigit()
    return name[5:] if is_day else name


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if v <= step * 4:
            return step * 4 if v > step * 2 else step * 2 if v > step else step
    return float(v)


def _axes(ymax: float, fmt: str = "{:g}") -> list[str]:
    out = []
    for i in range(5):
        v = ymax * i / 4
        y = H - PAD_B - (H - PAD_B - PAD_T) * i / 4
        out.append(
            f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - PAD_R}" y2="{y:.1f}" '
            f'stroke="#d9dde5" stroke-width="1"/>'
            f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end">{esc(fmt.format(v))}</text>'
        )
    return out


def bar_chart(label: str, points: Sequence[tuple[str, float]], color: str = "#3867d6") -> str:
    """Vertical bars with every label that fits under the axis."""
    n = max(1, len(points))
    ymax = _nice_max(max((v for _, v in points), default=0))
    if all(float(v).is_integer() for _, v in points):
        ymax = max(4, -(-int(ymax) // 4) * 4)  # whole-number ticks
    slot = (W - PAD_L - PAD_R) / n
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{esc(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(label)}</title>',
        *_axes(ymax),
    ]
    every = max(1, round(n / 10))
    for i, (name, v) in enumerate(points):
        h = (H - PAD_B - PAD_T) * (v / ymax)
        x = PAD_L + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{H - PAD_B - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{color}"><title>{esc(name)}: {v:g}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{H - PAD_B + 14}" '
                f'text-anchor="middle">{esc(_short(name))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(label: str, points: Sequence[tuple[str, float | None]]) -> str:
    """A 0–100 % line; gaps where there is no value."""
    n = max(1, len(points))
    slot = (W - PAD_L - PAD_R) / max(1, n - 1)
    parts = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{esc(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(label)}</title>',
        *_axes(100, "{:g}%"),
    ]
    seg: list[str] = []
    every = max(1, round(n / 8))

    def flush() -> None:
        if len(seg) > 1:
            parts.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="#e15f41" '
                f'stroke-width="2"/>'
            )
        seg.clear()

    for i, (name, v) in enumerate(points):
        x = PAD_L + i * slot if n > 1 else (W + PAD_L) / 2
        if i % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{H - PAD_B + 14}" text-anchor="middle">'
                f"{esc(_short(name))}</text>"
            )
        if v is None:
            flush()
            continue
        y = H - PAD_B - (H - PAD_B - PAD_T) * v
        seg.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#e15f41">'
            f"<title>{esc(name)}: {pct(v)}</title></circle>"
        )
    flush()
    parts.append("</svg>")
    return "".join(parts)


def calibration_chart(label: str, points: Sequence[tuple[float, float, int]]) -> str:
    """Predicted (x) against actual (y) recall; the diagonal is perfect calibration."""
    size = 260
    pad = 34
    span = size - 2 * pad
    parts = [
        f'<svg viewBox="0 0 {size} {size}" role="img" aria-label="{esc(label)}" '
        f'style="max-width:22rem" xmlns="http://www.w3.org/2000/svg"><title>{esc(label)}</title>',
        f'<rect x="{pad}" y="{pad}" width="{span}" height="{span}" fill="none" stroke="#d9dde5"/>',
        f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#9aa3b2" '
        f'stroke-dasharray="4 3"/>',
        f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle">predicted</text>',
        f'<text x="10" y="{size / 2}" transform="rotate(-90 10 {size / 2})" '
        f'text-anchor="middle">actual</text>',
    ]
    for t in (0, 0.5, 1):
        parts.append(
            f'<text x="{pad + span * t:.1f}" y="{size - pad + 13}" text-anchor="middle">'
            f"{t:.0%}</text>"
            f'<text x="{pad - 4}" y="{size - pad - span * t + 4:.1f}" text-anchor="end">'
            f"{t:.0%}</text>"
        )
    biggest = max((n for _, _, n in points), default=1) or 1
    for pred, actual, n in points:
        r = 3 + 6 * (n / biggest) ** 0.5
        parts.append(
            f'<circle cx="{pad + span * pred:.1f}" cy="{size - pad - span * actual:.1f}" '
            f'r="{r:.1f}" fill="#3867d6" fill-opacity="0.7">'
            f"<title>predicted {pct(pred)}, actual {pct(actual)}, {n} reviews</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    text_cols: tuple[int, ...] = (),
) -> str:
    """A table; cells are escaped here."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = ' class="text"' if i in text_cols else ""
            cells.append(f"<td{cls}>{esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _figure(title: str, chart: str, tbl: str) -> str:
    return (
        f'<figure>{chart}<figcaption>{esc(title)}</figcaption></figure><div class="alt">{tbl}</div>'
    )


def _last_days(m: LearnerMetrics, n: int) -> list[tuple[str, int, float]]:
    by_day = {a.day: a for a in m.activity}
    today = date.fromisoformat(m.today)
    out = []
    for k in range(n - 1, -1, -1):
        d = (today - timedelta(days=k)).isoformat()
        a = by_day.get(d)
        out.append((d, a.reviews if a else 0, a.minutes if a else 0.0))
    return out


def _weekly_retention(m: LearnerMetrics, weeks: int = 12) -> list[tuple[str, Ratio]]:
    """True retention per 7-day block ending today, oldest first."""
    today = date.fromisoformat(m.today)
    first = (today - timedelta(days=7 * weeks - 1)).isoformat()
    by_day = {a.day: a.retention for a in m.activity if first <= a.day <= m.today}
    blocks: list[tuple[str, Ratio]] = []
    for w in range(weeks - 1, -1, -1):
        end = today - timedelta(days=7 * w)
        start = end - timedelta(days=6)
        r = Ratio()
        for k in range(7):
            day = (start + timedelta(days=k)).isoformat()
            if day in by_day:
                r = r + by_day[day]
        blocks.append((start.isoformat(), r))
    return blocks


def learner_section(m: LearnerMetrics) -> str:
    c = m.counts
    s = m.streak
    w30 = m.retention_window(30)
    tiles = [
        (pct(m.predicted_recall), "predicted recall now"),
        (ratio(w30.all).split(" ")[0], "true retention, 30 days"),
        (f"{c.mature}/{c.total}", "mature cards"),
        (str(m.forecast[0].due if m.forecast else 0), "due today"),
        (f"{s.current} d", f"streak (longest {s.longest})"),
        (f"{m.minutes:.0f} min", f"studied, {m.reviews} reviews"),
    ]
    out = [f'<section class="learner"><h1>Progress report: {esc(m.learner)}</h1>']
    meta = f"Study day {m.today} · report time {m.now}"
    if m.filters.since:
        meta += f" · reviews since {m.filters.since}"
    if m.filters.deck_ids is not None:
        meta += f" · decks: {', '.join(m.filters.deck_ids) or 'none'}"
    if m.filters.tags:
        meta += f" · tags: {', '.join(m.filters.tags)}"
    if m.sources:
        meta += f" · from {', '.join(source_name(s) for s in m.sources)}"
    out.append(f'<p class="meta">{esc(meta)}</p><div class="tiles">')
    out += [f'<div class="tile"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for v, k in tiles]
    out.append("</div>")

    out.append("<h2>Cards</h2>")
    out.append(
        table(
            "Cards by stage",
            ("New", "Learning", "Young", "Mature", "Suspended", "Leeches", "Seen", "Total"),
            [
                [
                    str(x)
                    for x in (
                        c.new,
                        c.learning,
                        c.young,
                        c.mature,
                        c.suspended,
                        c.leeches,
                        c.seen,
                        c.total,
                    )
                ]
            ],
        )
    )

    out.append("<h2>Activity</h2>")
    days = _last_days(m, 30)
    out.append(
        _figure(
            "Reviews per day, last 30 days",
            bar_chart("Reviews per day, last 30 days", [(d, n) for d, n, _ in days]),
            table(
                "Reviews per day",
                ("Day", "Reviews", "Minutes"),
                [[d, str(n), f"{mins:.1f}"] for d, n, mins in days],
            ),
        )
    )
    out.append(
        _figure(
            "Reviews due per day, next 30 days",
            bar_chart(
                "Reviews due per day, next 30 days", [(f.day, f.due) for f in m.forecast], "#20a39e"
            ),
            table(
                "Forecast (today includes overdue cards)",
                ("Day", "Due"),
                [[f.day, str(f.due)] for f in m.forecast],
            ),
        )
    )

    out.append("<h2>Retention</h2>")
    out.append(
        table(
            "True retention: pass rate of reviews of cards in review state "
            "(mature: interval of 21 days or more)",
            ("Window", "All", "Young", "Mature"),
            [
                [f"Last {w.days} days", ratio(w.all), ratio(w.young), ratio(w.mature)]
                for w in m.retention
            ],
        )
    )
    weekly = _weekly_retention(m)
    out.append(
        _figure(
            "True retention per week, last 12 weeks",
            line_chart("True retention per week", [(d, r.rate) for d, r in weekly]),
            table(
                "True retention per week",
                ("Week from", "Retention"),
                [[d, ratio(r)] for d, r in weekly],
            ),
        )
    )
    cal = [b for b in m.calibration if b.n]
    out.append(
        _figure(
            "Calibration: predicted recall at review time against the outcome",
            calibration_chart(
                "Calibration",
                [(b.mean_predicted or 0.0, b.actual or 0.0, b.n) for b in cal],
            ),
            table(
                "Calibration bins",
                ("Predicted", "Reviews", "Mean predicted", "Actual"),
                [
                    [f"{b.lo:.0%}–{b.hi:.0%}", str(b.n), pct(b.mean_predicted), pct(b.actual)]
                    for b in cal
                ],
            ),
        )
    )

    if m.tags:
        quiz = {q.tag: q.accuracy for q in m.quiz}
        out.append("<h2>Tags</h2>")
        out.append(
            _figure(
                "Mastery per tag (share of mature cards)",
                bar_chart(
                    "Mastery per tag, percent",
                    [(g.key, round((g.mastery or 0) * 100, 1)) for g in m.tags[:30]],
                    "#8854d0",
                ),
                table(
                    "Per tag",
                    ("Tag", "Cards", "Mature", "Mastery", "Retention", "Quiz accuracy"),
                    [
                        [
                            g.key,
                            str(g.counts.total),
                            str(g.counts.mature),
                            pct(g.mastery),
                            ratio(g.retention),
                            ratio(quiz.get(g.key, Ratio())),
                        ]
                        for g in m.tags
                    ],
                    text_cols=(0,),
                ),
            )
        )
    if m.decks:
        out.append("<h2>Decks</h2>")
        out.append(
            table(
                "Per deck",
                ("Deck", "Cards", "New", "Mature", "Mastery", "Retention", "Reviews", "Minutes"),
                [
                    [
                        g.title,
                        str(g.counts.total),
                        str(g.counts.new),
                        str(g.counts.mature),
                        pct(g.mastery),
                        ratio(g.retention),
                        str(g.reviews),
                        f"{g.minutes:.1f}",
                    ]
                    for g in m.decks
                ],
                text_cols=(0,),
            )
        )
    if m.hardest:
        out.append("<h2>Hardest cards</h2>")
        out.append(
            table(
                "Most lapses first, then lowest predicted recall",
                ("Card", "Prompt", "Lapses", "Reviews", "Recall now"),
                [[h.key, h.prompt, str(h.lapses), str(h.reps), pct(h.recall)] for h in m.hardest],
                text_cols=(0, 1),
            )
        )
    out.append("</section>")
    return "".join(out)


def render(learners: Sequence[LearnerMetrics], *, generated_at: str) -> str:
    title = (
        f"Progress report: {learners[0].learner}"
        if len(learners) == 1
        else "Cohort progress report"
    )
    body: list[str] = []
    if len(learners) != 1:
        body.append(f'<h1>{esc(title)}</h1><p class="meta">{esc(generated_at)}</p>')
        body.append(
            table(
                "Learners",
                (
                    "Learner",
                    "Reviews",
                    "Mature / total",
                    "Retention (30 d)",
                    "Streak",
                    "Recall now",
                ),
                [
                    [
                        m.learner,
                        str(m.reviews),
                        f"{m.counts.mature}/{m.counts.total}",
                        ratio(m.retention_window(30).all),
                        str(m.streak.current),
                        pct(m.predicted_recall),
                    ]
                    for m in learners
                ],
                text_cols=(0,),
            )
            if learners
            else "<p>No learners matched.</p>"
        )
    body += [learner_section(m) for m in learners]
    return page(title, body, generated_at=generated_at)


def page(title: str, body: Sequence[str], *, generated_at: str) -> str:
    """The self-contained page around `body` (already escaped HTML)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f'<meta name="generator" content="quizapp">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + f'\n<footer><p class="meta">Generated by quizapp at {esc(generated_at)}.</p></footer>'
        + "\n</body></html>\n"
    )
