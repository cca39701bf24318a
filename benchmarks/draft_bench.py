"""Drafting: speed on a large PDF and quality on the bundled source (figures, not tests).

    python -m benchmarks.draft_bench [--words 25000] [--runs 3] [--json FILE]

1. Builds a ~25,000-word PDF at run time (fpdf2) from varied text — headings, paragraphs
   of sentences with figures, hedges, reference markers, eponyms, lists introduced by
   "the following:" — and times `quizapp draft` on it in a fresh process (import, PDF
   text extraction, segmentation, drafting, grounding, writing), median of `--runs`.
2. Drafts the bundled source (decks/sources/medscape-sts.txt) and matches the draft
   against the fact table of docs/bundled-deck.md: a row is *quoted* when a card quotes
   the sentence holding it, *tested* when a card's answer (typed answer, correct options,
   cloze deletions) falls inside the row's own words.
3. Counts, over both drafts: cards whose answer is not inside their quote, cards failing
   `grounding.check`, and the share of near-duplicate cards (another card with the same
   answer and a question at least 85% similar).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "decks" / "sources" / "medscape-sts.txt"
FACT_TABLE = ROOT / "docs" / "bundled-deck.md"

_CONDITIONS = [
    "community-acquired pneumonia",
    "heart failure",
    "atrial fibrillation",
    "type 2 diabetes",
    "chronic kidney disease",
    "Crohn disease",
    "Kawasaki disease",
    "Guillain-Barré syndrome",
    "sepsis",
    "osteoporosis",
    "rheumatoid arthritis",
    "Hodgkin lymphoma",
    "pulmonary embolism",
    "acute pancreatitis",
    "Addison disease",
    "multiple sclerosis",
]
_TREATMENTS = [
    "intravenous immunoglobulin",
    "low-molecular-weight heparin",
    "metformin",
    "bisphosphonate therapy",
    "cholecystectomy",
    "corticosteroids",
    "radiofrequency ablation",
    "beta blockers",
    "ACE inhibitors",
    "methotrexate",
    "laparoscopic appendectomy",
    "plasma exchange",
    "anticoagulation",
    "cardiac resynchronization therapy",
]
_TESTS = [
    "computed tomography",
    "magnetic resonance imaging",
    "echocardiography",
    "serum lipase",
    "D-dimer testing",
    "bone densitometry",
    "colonoscopy",
    "lumbar puncture",
    "troponin measurement",
]
_HEDGES = ["As many as", "Up to", "Approximately", "In one study,", "About", "Nearly"]
_UNITS = ["years", "months", "weeks", "days"]


def _sentence(rng: random.Random, n: int) -> str:
    c, t, x = rng.choice(_CONDITIONS), rng.choice(_TREATMENTS), rng.choice(_TESTS)
    pct, k, unit = rng.randint(5, 95), rng.randint(2, 12), rng.choice(_UNITS)
    forms = [
        f"{rng.choice(_HEDGES)} {pct}% of patients with {c} respond to {t} within {k} {unit}.",
        f"{t.capitalize()} may reduce mortality in {c} when started within {k} {unit}.",
        f"Diagnosis of {c} is usually confirmed with {x} after clinical assessment.",
        f"In patients with {c}, {t} is recommended unless contraindications are present.",
        f"The actuarial {k}-year survival rate after {t} for {c} was {pct}%.",
        f"Fewer than {k} episodes per year is a favorable prognostic factor in {c}.",
        f"Randomized trials comparing {t} with placebo in {c} have not been reported.",
        f"The results of studies of {t} in {c} have been mixed, with p < 0.05 in one.",
    ]
    marker = f" [{n % 90 + 1}]" if rng.random() < 0.3 else ""
    return rng.choice(forms) + marker


def build_pdf(path: Path, words: int, seed: int = 7) -> int:
    from fpdf import FPDF

    rng = random.Random(seed)

    class _PDF(FPDF):
        def multi_cell(self, w: float, h: float, text: str, **kw: Any) -> Any:  # type: ignore[override]
            return super().multi_cell(w, h, text, new_x="LMARGIN", new_y="NEXT", **kw)

    pdf = _PDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    count, n = 0, 0
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, "Clinical review: diagnosis and treatment")
    pdf.set_font("Helvetica", size=10)
    while count < words:
        aspect = rng.choice(["management", "diagnosis", "prognosis", "evidence"])
        heading = f"{rng.choice(_CONDITIONS).capitalize()}: {aspect}"
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 6, heading)
        pdf.set_font("Helvetica", size=10)
        for _ in range(rng.randint(2, 4)):
            para = " ".join(_sentence(rng, n + i) for i in range(rng.randint(3, 6)))
            n += 6
            pdf.ln(2)
            pdf.multi_cell(0, 5, para.encode("latin-1", "replace").decode("latin-1"))
            count += len(para.split())
        if rng.random() < 0.3:
            pdf.ln(2)
            pdf.multi_cell(0, 5, "Options include the following:")
            for item in rng.sample(_TREATMENTS, 3):
                pdf.multi_cell(0, 5, f"- {item}")
                count += len(item.split())
    pdf.output(str(path))
    return count


def _answers(card: dict[str, Any]) -> list[str]:
    from quizapp.decks import cloze

    if card["type"] in ("typed", "basic"):
        return [str(card["answer"])]
    if card["type"] == "mcq":
        return [str(c["text"]) for c in card["choices"] if c.get("correct")]
    return [d.answer for d in cloze.deletions(str(card["text"]))]


def quality(cards: list[Any], text: str) -> dict[str, Any]:
    from quizapp.draft import grounding

    not_inside = sum(
        1
        for c in cards
        if not all(grounding.inside(a, c.card["source"]["quote"]) for a in _answers(c.card))
    )
    failing = sum(1 for c in cards if grounding.check(c.card, c.sentence, text))
    questions = [
        re.sub(
            r"\s+", " ", str(c.card.get("prompt", "")) + " " + str(c.card.get("text", ""))
        ).lower()
        for c in cards
    ]
    answers = [tuple(sorted(a.lower() for a in _answers(c.card))) for c in cards]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, a in enumerate(answers):
        groups.setdefault(a, []).append(i)
    dup = 0
    for i in range(len(cards)):
        for j in groups[answers[i]]:
            if i != j and difflib.SequenceMatcher(None, questions[i], questions[j]).ratio() >= 0.85:
                dup += 1
                break
    return {
        "cards": len(cards),
        "answer_not_in_quote": not_inside,
        "grounding_failures": failing,
        "near_duplicate_share": dup / max(1, len(cards)),
    }


def _rows() -> list[tuple[str, str]]:
    rows = []
    for line in FACT_TABLE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*(\[\d+\]|—)\s*\|", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def coverage() -> dict[str, Any]:
    from quizapp.decks.quotes import normalise
    from quizapp.draft.drafter import draft_deck
    from quizapp.draft.extract import extract

    doc = extract(BUNDLED)
    result = draft_deck(doc, "sts")
    sentences = [f.text for f in result.facts]
    quoted: set[str] = {normalise(c.card["source"]["quote"]) for c in result.cards}
    table = []
    for num, row in _rows():
        pieces = [p.strip(" .") for p in row.split("…") if p.strip(" .")]
        row_words = _words(" ".join(pieces))
        best = max(sentences, key=lambda s: len(_words(s) & row_words))
        cards = [c for c in result.cards if normalise(c.fact.text) == normalise(best)]
        tested = [
            str(c.card["id"])
            for c in cards
            if any(_words(a) and _words(a) <= row_words for a in _answers(c.card))
        ]
        table.append(
            {"row": int(num), "fact": row, "quoted": normalise(best) in quoted, "tested_by": tested}
        )
    q = quality(result.cards, doc.text())
    return {
        "rows": len(table),
        "rows_quoted": sum(r["quoted"] for r in table),
        "rows_tested": sum(bool(r["tested_by"]) for r in table),
        "table": table,
        "facts": len(result.facts),
        **{f"bundled_{k}": v for k, v in q.items()},
    }


def time_pdf(words: int, runs: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="draft-bench-"))
    try:
        pdf = tmp / "review.pdf"
        actual = build_pdf(pdf, words)
        times = []
        for r in range(runs):
            out = tmp / f"run{r}.yaml"
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            t0 = time.perf_counter()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "quizapp",
                    "draft",
                    str(pdf),
                    "-o",
                    str(out),
                    "--id",
                    f"run{r}",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr or proc.stdout)
        from quizapp.draft.drafter import draft_deck
        from quizapp.draft.extract import extract

        doc = extract(pdf)
        result = draft_deck(doc, "big")
        q = quality(result.cards, doc.text())
        return {
            "pdf_words": actual,
            "pdf_pages": len(__import__("pypdf").PdfReader(str(pdf)).pages),
            "pdf_draft_s": statistics.median(times),
            "pdf_runs_s": times,
            "pdf_facts": len(result.facts),
            "pdf_dropped_ungrounded": len(result.rejected),
            "pdf_dropped_near_duplicates": result.duplicates,
            **{f"pdf_{k}": v for k, v in q.items()},
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=25_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    cov = coverage()
    speed = time_pdf(args.words, args.runs)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"PDF: {speed['pdf_words']} words, {speed['pdf_pages']} pages → "
        f"{speed['pdf_facts']} facts, {speed['pdf_cards']} cards in "
        f"{speed['pdf_draft_s']:.2f} s (median of {args.runs}; target ≤ 10 s)"
    )
    print(
        f"  dropped while drafting: {speed['pdf_dropped_ungrounded']} failing the grounding "
        f"checks, {speed['pdf_dropped_near_duplicates']} near-duplicates"
    )
    print(
        f"  answer not in quote: {speed['pdf_answer_not_in_quote']}; grounding failures: "
        f"{speed['pdf_grounding_failures']}; near-duplicates: "
        f"{speed['pdf_near_duplicate_share']:.1%}"
    )
    print(
        f"Bundled source: {cov['facts']} facts, {cov['bundled_cards']} cards; fact table rows "
        f"quoted {cov['rows_quoted']}/{cov['rows']}, tested {cov['rows_tested']}/{cov['rows']}"
    )
    print(
        f"  answer not in quote: {cov['bundled_answer_not_in_quote']}; grounding failures: "
        f"{cov['bundled_grounding_failures']}; near-duplicates: "
        f"{cov['bundled_near_duplicate_share']:.1%}"
    )
    for r in cov["table"]:
        mark = "tested" if r["tested_by"] else ("quoted" if r["quoted"] else "MISSING")
        print(f"  {r['row']:>2} {mark:<7} {r['fact'][:60]:<60} {', '.join(r['tested_by'])}")
    if args.json:
        args.json.write_text(json.dumps({**cov, **speed}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
