"""Item analysis writers: CSV, JSON, Markdown and HTML (`quizapp report --all --items`).

The statistics are `quizapp.reports.items`'s; docs/reports.md defines them. NA (an empty
CSV cell, JSON null, "NA" on a page) means too few learners or nothing to divide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from quizapp import __version__
from quizapp.reports import html_out as H
from quizapp.reports import md_out as D
from quizapp.reports.csv_out import Cell, _rate, _table
from quizapp.reports.items import (
    MIN_LEARNERS,
    NONFUNCTIONING,
    GroupStats,
    ItemAnalysis,
    ItemStats,
)

SCHEMA_VERSION = 1

ITEM_HEADER = (
    "deck_id",
    "card_id",
    "ord",
    "fact",
    "type",
    "tags",
    "prompt",
    "learners",
    "attempts",
    "study_answers",
    "quiz_answers",
    "first_correct",
    "correct_rate",
    "discrimination",
    "discrimination_27",
    "options",
    "nonfunctioning_distractors",
    "top_wrong",
    "flags",
)
GROUP_HEADER = (
    "items",
    "learners",
    "attempts",
    "first_attempts",
    "first_correct",
    "correct_rate",
    "discrimination",
    "hardest_item",
)


def _f(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def options_text(s: ItemStats) -> str:
    """`text=share` per option in card order, keys marked with `*`."""
    return "; ".join(
        f"{'*' if o.correct else ''}{o.text}={'' if o.share is None else round(o.share, 4)}"
        for o in s.options
    )


def wrong_text(s: ItemStats) -> str:
    return "; ".join(f"{text} ({n})" for text, n in s.top_wrong)


def nf_text(s: ItemStats) -> str:
    return "; ".join(s.nonfunctioning)


# -- CSV -----------------------------------------------------------------------------


def render_csv(a: ItemAnalysis, *, by: str = "item") -> str:
    """One row per item (`by="item"`), fact or tag."""
    if by in ("fact", "tag"):
        groups = a.facts if by == "fact" else a.tags
        return _table(
            (by, *GROUP_HEADER),
            (
                [
                    g.key,
                    g.items,
                    g.learners,
                    g.attempts,
                    g.first_attempts,
                    g.first_correct,
                    _rate(g.correct_rate),
                    _rate(g.discrimination),
                    g.hardest,
                ]
                for g in groups
            ),
        )
    return _table(ITEM_HEADER, _item_rows(a.items))


def _item_rows(items: Sequence[ItemStats]) -> Iterator[list[Cell]]:
    """The per-item CSV rows (a table of tens of thousands: the figures are read once
    each, and the option and answer columns only where the item has any)."""
    for s in items:
        n = s.learners
        options = s.options
        yield [
            s.deck_id,
            s.card_id,
            s.ord,
            s.fact or s.fact_key,
            s.type,
            " ".join(s.tags),
            s.prompt,
            n,
            s.study_answers + s.quiz_answers,
            s.study_answers,
            s.quiz_answers,
            s.first_correct,
            round(s.first_correct / n, 4) if n else "",
            _rate(s.discrimination),
            _rate(s.discrimination_27),
            options_text(s) if options else "",
            nf_text(s) if options else "",
            wrong_text(s) if s.top_wrong else "",
            "; ".join(s.flags),
        ]


# -- JSON ----------------------------------------------------------------------------


def item_doc(s: ItemStats) -> dict[str, Any]:
    return {
        "deck_id": s.deck_id,
        "card_id": s.card_id,
        "ord": s.ord,
        "key": s.label,
        "fact": s.fact_key,
        "type": s.type,
        "tags": list(s.tags),
        "prompt": s.prompt,
        "learners": s.learners,
        "attempts": s.attempts,
        "study_answers": s.study_answers,
        "quiz_answers": s.quiz_answers,
        "first_correct": s.first_correct,
        "correct_rate": _f(s.correct_rate),
        "discrimination": _f(s.discrimination),
        "discrimination_27": _f(s.discrimination_27),
        "options": [
            {
                "text": o.text,
                "correct": o.correct,
                "chosen": o.chosen,
                "share": _f(o.share),
                "nonfunctioning": o.nonfunctioning,
            }
            for o in s.options
        ],
        "top_wrong": [{"response": t, "count": n} for t, n in s.top_wrong],
        "flags": list(s.flags),
    }


def group_doc(g: GroupStats) -> dict[str, Any]:
    return {
        "key": g.key,
        "items": g.items,
        "learners": g.learners,
        "attempts": g.attempts,
        "first_attempts": g.first_attempts,
        "first_correct": g.first_correct,
        "correct_rate": _f(g.correct_rate),
        "discrimination": _f(g.discrimination),
        "hardest_item": g.hardest,
    }


def document(a: ItemAnalysis, *, generated_at: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"quizapp {__version__}",
        "generated_at": generated_at,
        "min_learners": a.min_learners,
        "nonfunctioning_below": NONFUNCTIONING,
        "learners": [
            {"learner": ls.name, "items": ls.items, "correct": ls.correct, "rate": _f(ls.rate)}
            for ls in a.learners
        ],
        "items": [item_doc(s) for s in a.items],
        "facts": [group_doc(g) for g in a.facts],
        "tags": [group_doc(g) for g in a.tags],
    }


def render_json(a: ItemAnalysis, *, generated_at: str) -> str:
    return json.dumps(document(a, generated_at=generated_at), indent=2, sort_keys=True) + "\n"


# -- shared page text ----------------------------------------------------------------


def num(x: float | None) -> str:
    return "NA" if x is None else f"{x:+.2f}"


NA_NOTE = (
    f"Discrimination is NA for items answered by fewer than {MIN_LEARNERS} learners, "
    "answered right (or wrong) by everyone, or whose learners' rest scores do not vary. "
    f"A distractor chosen by fewer than {NONFUNCTIONING:.0%} of learners is "
    "non-functioning (NF)."
)


def distractor_text(s: ItemStats) -> str:
    """Options with their shares, for a page: `B. text 45% (NF)`; keys marked ✓."""
    return " · ".join(
        f"{'✓ ' if o.correct else ''}{o.text} {H.pct(o.share)}{' (NF)' if o.nonfunctioning else ''}"
        for o in s.options
    )


def item_row(s: ItemStats) -> list[str]:
    detail = distractor_text(s) if s.options else wrong_text(s)
    return [
        s.label,
        s.type,
        s.prompt[:160],
        str(s.learners),
        str(s.attempts),
        H.pct(s.correct_rate),
        num(s.discrimination),
        num(s.discrimination_27),
        detail,
        "; ".join(s.flags),
    ]


ITEM_COLUMNS = (
    "Item",
    "Type",
    "Question",
    "Learners",
    "Attempts",
    "Correct (1st)",
    "r_pb",
    "D (27%)",
    "Options / wrong answers",
    "Flags",
)


def group_row(g: GroupStats) -> list[str]:
    return [
        g.key,
        str(g.items),
        str(g.learners),
        str(g.attempts),
        H.pct(g.correct_rate),
        num(g.discrimination),
        g.hardest,
    ]


def group_columns(what: str) -> tuple[str, ...]:
    return (what, "Items", "Learners", "Attempts", "Correct (1st)", "Mean r_pb", "Hardest item")


# -- Markdown ------------------------------------------------------------------------


def md_sections(a: ItemAnalysis, level: int = 2, *, full: bool = True) -> list[str]:
    h = "#" * level
    out: list[str] = []
    flagged = a.flagged
    out += [f"{h} Items the class misses most", ""]
    missed = a.most_missed()
    if missed:
        out += D._table([c for c in ITEM_COLUMNS], [[D.md(c) for c in item_row(s)] for s in missed])
    else:
        out += [f"No item answered by {a.min_learners} or more learners was missed.", ""]
    out += [f"{h} Possibly flawed items", ""]
    if flagged:
        out += D._table(ITEM_COLUMNS, [[D.md(c) for c in item_row(s)] for s in flagged])
    else:
        out += ["None flagged.", ""]
    if full:
        out += [f"{h} All items", "", NA_NOTE, ""]
        out += D._table(ITEM_COLUMNS, [[D.md(c) for c in item_row(s)] for s in a.items])
        out += [f"{h} Per fact", ""]
        out += D._table(group_columns("Fact"), [[D.md(c) for c in group_row(g)] for g in a.facts])
        if a.tags:
            out += [f"{h} Per tag", ""]
            out += D._table(group_columns("Tag"), [[D.md(c) for c in group_row(g)] for g in a.tags])
    else:
        out += [NA_NOTE, ""]
    return out


def render_md(a: ItemAnalysis, *, generated_at: str) -> str:
    out = [
        "# Item analysis",
        "",
        f"{len(a.learners)} learner(s), {len(a.items)} item(s), {a.answers} answer(s) "
        f"(first study answers and quiz answers). Generated {generated_at}.",
        "",
    ]
    out += md_sections(a)
    return "\n".join(out).rstrip() + "\n"


# -- HTML ----------------------------------------------------------------------------


def share_bars(s: ItemStats) -> str:
    """Horizontal bars: the share of learners choosing each option (keys in green)."""
    n = len(s.options)
    w, row, label_w = 560, 18, 300
    height = row * n + 6
    parts = [
        f'<svg viewBox="0 0 {w} {height}" role="img" style="max-width:35rem" '
        f'aria-label="{H.esc("Options chosen: " + s.label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{H.esc('Options chosen: ' + s.label)}</title>"
    ]
    for i, o in enumerate(s.options):
        y = 3 + i * row
        share = o.share or 0.0
        colour = "#20a39e" if o.correct else ("#e15f41" if not o.nonfunctioning else "#9aa3b2")
        text = o.text if len(o.text) <= 46 else o.text[:45] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">'
            f"{H.esc(('✓ ' if o.correct else '') + text)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{(w - label_w - 50) * share:.1f}" '
            f'height="{row - 5}" fill="{colour}"><title>{H.esc(o.text)}: {H.pct(o.share)}'
            f"</title></rect>"
            f'<text x="{label_w + (w - label_w - 50) * share + 4:.1f}" y="{y + 12}">'
            f"{H.pct(o.share)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def item_card(s: ItemStats) -> str:
    """One item, its figures and its distractor (or wrong answer) analysis."""
    head = (
        f"<h3>{H.esc(s.label)} <small>({H.esc(s.type)})</small></h3>"
        f'<p class="text">{H.esc(s.prompt)}</p>'
        f'<p class="meta">{s.learners} learners · {s.attempts} answers '
        f"({s.study_answers} first study, {s.quiz_answers} quiz) · correct at first attempt "
        f"{H.esc(H.pct(s.correct_rate))} · r_pb {H.esc(num(s.discrimination))} · "
        f"D {H.esc(num(s.discrimination_27))}"
        + (f" · <b>{H.esc('; '.join(s.flags))}</b>" if s.flags else "")
        + "</p>"
    )
    if s.options:
        body = share_bars(s) + H.table(
            "Options (share of learners choosing each at their first attempt)",
            ("Option", "Key", "Learners", "Share", "Non-functioning"),
            [
                [
                    o.text,
                    "✓" if o.correct else "",
                    str(o.chosen),
                    H.pct(o.share),
                    "NF" if o.nonfunctioning else "",
                ]
                for o in s.options
            ],
            text_cols=(0,),
        )
    elif s.top_wrong:
        body = H.table(
            "Most frequent wrong answers (normalised)",
            ("Answer", "Times"),
            [[t, str(n)] for t, n in s.top_wrong],
            text_cols=(0,),
        )
    else:
        body = ""
    return f'<div class="item">{head}{body}</div>'


def html_sections(a: ItemAnalysis, *, full: bool = True) -> list[str]:
    out: list[str] = ["<h2>Items the class misses most</h2>"]
    missed = a.most_missed()
    if missed:
        out.append(
            H._figure(
                "Correct at first attempt, the ten most missed items",
                H.bar_chart(
                    "Correct at first attempt, percent",
                    [(s.label, round((s.correct_rate or 0) * 100, 1)) for s in missed],
                    "#e15f41",
                ),
                H.table(
                    "Most missed",
                    ("Item", "Correct (1st)", "Learners"),
                    [[s.label, H.pct(s.correct_rate), str(s.learners)] for s in missed],
                    text_cols=(0,),
                ),
            )
        )
        out += [item_card(s) for s in missed]
    else:
        out.append(f"<p>No item answered by {a.min_learners} or more learners was missed.</p>")
    out.append("<h2>Possibly flawed items</h2>")
    out.append(
        '<p class="meta">Flagged: negative discrimination (stronger learners get it wrong '
        "more often than weaker ones), or a distractor chosen more often than the key.</p>"
    )
    flagged = a.flagged
    out += [item_card(s) for s in flagged] if flagged else ["<p>None flagged.</p>"]
    if full:
        out.append("<h2>All items</h2>")
        out.append(f'<p class="meta">{H.esc(NA_NOTE)}</p>')
        out.append(
            H.table(
                "Per item", ITEM_COLUMNS, [item_row(s) for s in a.items], text_cols=(0, 2, 8, 9)
            )
        )
        out.append("<h2>Per fact</h2>")
        out.append(
            H.table(
                "Items rolled up per fact",
                group_columns("Fact"),
                [group_row(g) for g in a.facts],
                text_cols=(0, 6),
            )
        )
        if a.tags:
            out.append("<h2>Per tag</h2>")
            out.append(
                H.table(
                    "Items rolled up per tag",
                    group_columns("Tag"),
                    [group_row(g) for g in a.tags],
                    text_cols=(0, 6),
                )
            )
    else:
        out.append(f'<p class="meta">{H.esc(NA_NOTE)}</p>')
    return out


def render_html(a: ItemAnalysis, *, generated_at: str) -> str:
    body = [
        "<h1>Item analysis</h1>",
        f'<p class="meta">{len(a.learners)} learner(s) · {len(a.items)} item(s) · '
        f"{a.answers} answer(s) (first study answers and quiz answers) · "
        f"{H.esc(generated_at)}</p>",
        *html_sections(a),
    ]
    return H.page("Item analysis", body, generated_at=generated_at)


def render(a: ItemAnalysis, fmt: str, *, generated_at: str, by: str = "item") -> list[str]:
    if fmt == "csv":
        return [render_csv(a, by=by)]
    if fmt == "json":
        return [render_json(a, generated_at=generated_at)]
    if fmt == "md":
        return [render_md(a, generated_at=generated_at)]
    if fmt == "html":
        return [render_html(a, generated_at=generated_at)]
    raise ValueError(f"item analysis has no {fmt!r} format")


__all__: Sequence[str] = ("render", "render_csv", "render_html", "render_json", "render_md")
