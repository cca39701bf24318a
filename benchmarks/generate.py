"""A realistic large collection for the benchmarks (written under benchmarks/data/).

    .venv/bin/python -m benchmarks.generate [--cards 50000] [--reviews 1000000] [--force]

* 30 YAML decks of mixed types (basic, typed, mcq with 4–5 options and reasons, cloze
  with 1–3 deletions), realistic text lengths, a source per deck (no `file`, so quotes
  are not looked up); every deck passes `quizapp decks check`.
* `bench.db`: the decks synced with quizapp's own sync, one learner (`bench-big`) with
  1,000,000 reviews over two years and 20 learners (`cohort-01`…) with smaller
  histories. Reviews are simulated with an FSRS-like memory model and written with
  executemany in the store's schema: every review has its state before (JSON, as
  `progress.record_answer` writes it), state after, elapsed days and predicted
  retrievability; `card_state` is the state after each item's last review.

Generation is cached: nothing is rebuilt while `data/meta.json` names the same
generator version and parameters (pass --force to rebuild).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from quizapp.store.progress import STATE_COLUMNS

GENERATOR_VERSION = 4
ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"
DECKS = DATA / "decks"
DB = DATA / "bench.db"
META = DATA / "meta.json"

N_DECKS = 30
BIG_LEARNER = "bench-big"
COHORT = 20
DAY_MS = 86_400_000
MIN_MS = 60_000

SYSTEMS = [
    "cardiology",
    "pulmonology",
    "nephrology",
    "gastroenterology",
    "hepatology",
    "endocrinology",
    "haematology",
    "oncology",
    "infectious-disease",
    "neurology",
    "psychiatry",
    "dermatology",
    "rheumatology",
    "immunology",
    "pharmacology",
    "microbiology",
    "pathology",
    "anatomy",
    "physiology",
    "biochemistry",
    "genetics",
    "paediatrics",
    "obstetrics",
    "gynaecology",
    "surgery",
    "emergency-medicine",
    "ophthalmology",
    "otolaryngology",
    "urology",
    "radiology",
]
NOUNS = (
    "patient",
    "artery",
    "vein",
    "ventricle",
    "atrium",
    "valve",
    "nephron",
    "glomerulus",
    "hepatocyte",
    "alveolus",
    "bronchus",
    "neuron",
    "synapse",
    "receptor",
    "enzyme",
    "hormone",
    "cytokine",
    "antibody",
    "antigen",
    "lymphocyte",
    "macrophage",
    "platelet",
    "erythrocyte",
    "neutrophil",
    "fibroblast",
    "collagen",
    "membrane",
    "channel",
    "transporter",
    "gradient",
    "pressure",
    "volume",
    "clearance",
    "infusion",
    "dose",
    "biopsy",
    "lesion",
    "tumour",
    "metastasis",
    "infarct",
    "embolus",
    "thrombus",
    "aneurysm",
    "stenosis",
    "regurgitation",
    "murmur",
    "effusion",
    "oedema",
    "fibrosis",
    "necrosis",
    "apoptosis",
    "inflammation",
    "infection",
    "sepsis",
    "shock",
    "syndrome",
    "deficiency",
    "mutation",
    "deletion",
    "translocation",
    "marker",
    "titre",
    "culture",
    "smear",
    "electrocardiogram",
    "echocardiogram",
    "angiogram",
    "catheter",
    "stent",
    "graft",
    "resection",
    "anastomosis",
    "ligament",
    "tendon",
    "cartilage",
    "bone",
    "marrow",
    "spleen",
    "thymus",
    "thyroid",
    "adrenal",
    "pituitary",
    "pancreas",
)
ADJECTIVES = (
    "acute",
    "chronic",
    "primary",
    "secondary",
    "bilateral",
    "unilateral",
    "proximal",
    "distal",
    "anterior",
    "posterior",
    "systemic",
    "focal",
    "diffuse",
    "benign",
    "malignant",
    "congenital",
    "acquired",
    "idiopathic",
    "hereditary",
    "recurrent",
    "refractory",
    "asymptomatic",
    "severe",
    "mild",
    "progressive",
    "transient",
    "elevated",
    "reduced",
    "normal",
    "abnormal",
    "first-line",
    "second-line",
)
VERBS = (
    "causes",
    "reduces",
    "increases",
    "inhibits",
    "activates",
    "blocks",
    "stimulates",
    "predicts",
    "indicates",
    "follows",
    "precedes",
    "accompanies",
    "mimics",
    "excludes",
    "confirms",
    "suggests",
    "worsens",
    "improves",
    "requires",
    "prevents",
)
DRUGS = (
    "amiodarone",
    "metoprolol",
    "lisinopril",
    "furosemide",
    "spironolactone",
    "warfarin",
    "heparin",
    "apixaban",
    "aspirin",
    "clopidogrel",
    "atorvastatin",
    "metformin",
    "insulin",
    "levothyroxine",
    "prednisolone",
    "methotrexate",
    "rituximab",
    "vancomycin",
    "ceftriaxone",
    "amoxicillin",
    "doxycycline",
    "azithromycin",
    "ondansetron",
    "omeprazole",
    "morphine",
    "naloxone",
    "haloperidol",
    "lithium",
    "sertraline",
    "valproate",
    "levetiracetam",
    "phenytoin",
    "adrenaline",
    "atropine",
)
UNITS = ("mg", "mmol/L", "mL/min", "mmHg", "%", "g/dL", "kg", "hours", "days", "years")
PUBLISHERS = ("Medscape", "StatPearls", "UpToDate", "BMJ Best Practice", "NICE", "WHO")

_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _sentence(rng: random.Random, lo: int, hi: int, end: str = ".") -> str:
    words: list[str] = []
    n = rng.randint(lo, hi)
    while len(words) < n:
        pick = rng.random()
        if pick < 0.45:
            words.append(rng.choice(NOUNS))
        elif pick < 0.7:
            words.append(rng.choice(ADJECTIVES))
        elif pick < 0.85:
            words.append(rng.choice(VERBS))
        elif pick < 0.93:
            words.append(rng.choice(DRUGS))
        else:
            words.append(f"{rng.randint(1, 500)} {rng.choice(UNITS)}")
        if rng.random() < 0.08 and len(words) < n - 1:
            words[-1] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + end


def _yaml_text(s: str) -> str:
    """A scalar as a careful author writes it: plain when safe, else double-quoted."""
    plain_ok = (
        s
        and s[0].isalpha()
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and s.strip() == s
        and s.lower() not in _SPECIAL
        and not any(ch in s for ch in "{}[]\"'`|>&*!%@\\")
    )
    if plain_ok:
        return s
    return json.dumps(s, ensure_ascii=False)


def _folded(s: str, indent: str, width: int = 88) -> str:
    """`>-` block: the text wrapped at `width`, each line indented."""
    lines: list[str] = []
    line = ""
    for word in s.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ">-\n" + "\n".join(indent + ln for ln in lines)


def _card_yaml(rng: random.Random, n: int, deck_tags: list[str]) -> tuple[str, int]:
    """One card as YAML lines under `cards:`; returns (text, number of study items)."""
    r = rng.random()
    kind = "basic" if r < 0.25 else "typed" if r < 0.45 else "mcq" if r < 0.8 else "cloze"
    out = [f"  - id: card-{n:05d}", f"    type: {kind}"]
    items = 1
    if kind in ("basic", "typed", "mcq"):
        prompt = _sentence(rng, 8, 22, "?")
        if rng.random() < 0.3:
            out.append("    prompt: " + _folded(prompt, "      "))
        else:
            out.append("    prompt: " + _yaml_text(prompt))
    if kind == "basic":
        out.append("    answer: " + _yaml_text(_sentence(rng, 2, 12)))
    elif kind == "typed":
        value = rng.choice(
            [
                str(rng.randint(2, 400)),
                f"{rng.randint(1, 99)}%",
                rng.choice(DRUGS),
                f"{rng.randint(1, 50)} {rng.choice(UNITS)}",
            ]
        )
        out.append("    answer: " + json.dumps(value))  # numbers quoted, as the docs advise
        if rng.random() < 0.6:
            accept = [json.dumps(f"{value} approx"), json.dumps(value.upper())]
            out.append(f"    accept: [{', '.join(accept)}]")
    elif kind == "mcq":
        out.append("    choices:")
        k = rng.choice((4, 5))
        right = rng.randrange(k)
        texts: set[str] = set()
        for i in range(k):
            text = _sentence(rng, 1, 7, "")
            while text in texts:
                text += f" {rng.choice(NOUNS)}"
            texts.add(text)
            why = _sentence(rng, 4, 10)
            if rng.random() < 0.5:
                out.append(f"      - text: {_yaml_text(text)}")
                if i == right:
                    out.append("        correct: true")
                out.append(f"        why: {_yaml_text(why)}")
            else:
                corr = ", correct: true" if i == right else ""
                out.append(f"      - {{text: {json.dumps(text)}{corr}, why: {json.dumps(why)}}}")
    else:
        words = _sentence(rng, 10, 26).split(" ")
        items = rng.choice((1, 1, 2, 2, 3))
        spots = sorted(rng.sample(range(1, len(words) - 1), items))
        for spot in spots:
            words[spot] = "{{" + words[spot].rstrip(",") + "}}"
        out.append("    text: " + json.dumps(" ".join(words)))
        if rng.random() < 0.3:
            out.append("    prompt: " + _yaml_text(_sentence(rng, 4, 12)))
    explanation = " ".join(_sentence(rng, 6, 16) for _ in range(rng.choice((1, 1, 1, 2))))
    out.append("    explanation: " + _folded(explanation, "      "))
    tags = rng.sample(deck_tags, rng.randint(0, 2))
    if tags:
        out.append(f"    tags: [{', '.join(tags)}]")
    quote = _sentence(rng, 6, 14)
    out.append(
        f'    source: {{id: src, quote: {json.dumps(quote)}, ref: "[{rng.randint(1, 120)}]"}}'
    )
    return "\n".join(out) + "\n", items


def write_decks(cards: int, seed: int) -> int:
    """Write the deck files; returns the number of study items (cloze deletions count)."""
    if DECKS.exists():
        shutil.rmtree(DECKS)
    DECKS.mkdir(parents=True)
    rng = random.Random(seed)
    items = 0
    per_deck = [cards // N_DECKS + (1 if i < cards % N_DECKS else 0) for i in range(N_DECKS)]
    n = 0
    for d, system in enumerate(SYSTEMS[:N_DECKS]):
        tags = [f"{system}-{t}" for t in ("core", "clinical", "exam", "pharm", "path")]
        head = [
            "# yaml-language-server: $schema=../../../quizapp/decks/deck.schema.json",
            "format: 1",
            f"id: bench-{system}",
            f"title: {system.replace('-', ' ').title()} question bank",
            "description: " + _folded(" ".join(_sentence(rng, 15, 30) for _ in range(3)), "  "),
            f"tags: [{system}]",
            "sources:",
            "  src:",
            f"    title: {_yaml_text(_sentence(rng, 5, 12, ''))}",
            f"    publisher: {PUBLISHERS[d % len(PUBLISHERS)]}",
            f'    date: "20{10 + d % 14:02d}-0{1 + d % 9}-1{d % 10}"',
            "",
            "cards:",
        ]
        body = []
        for _ in range(per_deck[d]):
            n += 1
            text, k = _card_yaml(rng, n, tags)
            body.append(text)
            items += k
        (DECKS / f"{d:02d}-{system}.yaml").write_text("\n".join(head) + "\n" + "".join(body))
    return items


# ---------------------------------------------------------------------------- reviews

STATE_KEYS = STATE_COLUMNS  # the card_state columns the store writes


def _recall(elapsed_days: float, stability: float) -> float:
    # FSRS-6 forgetting curve with the default decay (0.1542).
    decay = 0.1542
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** -decay


def simulate_item(rng: random.Random, start_ms: int, now_ms: int, grow: float) -> list[tuple]:
    """One item's reviews from `start_ms` until now: (t, rating, before, after, elapsed, R)."""
    t = start_ms
    state: dict | None = None
    out: list[tuple] = []
    diff = min(10.0, max(1.0, rng.gauss(5.0, 1.8)))
    while t < now_ms:
        before = state
        if state is None:
            rating = rng.choices((1, 2, 3, 4), (15, 10, 65, 10))[0]
            s = {1: 0.4, 2: 1.2, 3: 2.3, 4: 8.0}[rating]
            cur = dict.fromkeys(STATE_KEYS, 0)
            cur.update(stability=s, difficulty=diff, reps=0, lapses=0, step=0, state=1)
            elapsed = None
            retr = None
        else:
            cur = dict(state)
            elapsed = (t - state["last_review"]) / DAY_MS
            retr = _recall(elapsed, state["stability"])
            if state["state"] == 2:
                rating = 1 if rng.random() > retr else rng.choices((2, 3, 4), (12, 78, 10))[0]
            else:
                rating = rng.choices((1, 2, 3, 4), (20, 10, 62, 8))[0]
        cur["reps"] += 1
        cur["last_review"] = t
        s = cur["stability"]
        if cur["state"] in (1, 3):
            if rating == 1:
                cur["step"], due = 0, t + MIN_MS
            elif rating == 2:
                due = t + 6 * MIN_MS
            elif rating == 3 and (cur["state"] == 1 and cur["step"] == 0):
                cur["step"], due = 1, t + 10 * MIN_MS
            else:
                cur["state"], cur["step"] = 2, None
                cur["stability"] = s = s * (1.3 if rating == 4 else 1.0)
                due = t + int(max(1.0, s) * DAY_MS)
        else:  # review
            if rating == 1:
                cur["lapses"] += 1
                cur["state"], cur["step"] = 3, 0
                cur["stability"] = max(0.3, s * 0.25)
                cur["difficulty"] = min(10.0, cur["difficulty"] + 0.6)
                due = t + 10 * MIN_MS
            else:
                gain = {2: 1.15, 3: grow, 4: grow * 1.5}[rating] * (1.2 - cur["difficulty"] / 25)
                cur["stability"] = s = s * max(1.05, gain)
                due = t + int(max(1.0, s) * DAY_MS)
        cur["due"] = due
        out.append((t, rating, before, cur, elapsed, retr))
        state = cur
        # the learner comes back when it is due, give or take (same day for learning steps)
        if cur["state"] == 2:
            t = due + int(rng.expovariate(1 / (0.6 * DAY_MS)))
        else:
            t = due + int(rng.random() * 20 * MIN_MS)
    return out


def _insert_learner(conn: sqlite3.Connection, name: str, created: int) -> int:
    cur = conn.execute(
        "INSERT INTO learners (name, created_at, new_per_day, reviews_per_day) "
        "VALUES (?, ?, 50, 9999)",
        [name, created],
    )
    return int(cur.lastrowid or 0)


def write_history(
    conn: sqlite3.Connection,
    learner_id: int,
    items: list[int],
    target: int,
    days: int,
    now_ms: int,
    rng: random.Random,
    grow: float = 1.55,
) -> int:
    """Reviews for `learner_id`: items introduced in queue order over `days` days until
    `target` reviews exist. Returns the number of reviews written."""
    start = now_ms - days * DAY_MS
    # about 26 reviews per item over two years (fewer over shorter histories)
    per_item = max(8.0, 25.0 * math.sqrt(days / 730))
    per_day = max(1, min(len(items) // days, round(target / (per_item * days))))
    reviews: list[tuple] = []
    states: list[tuple] = []
    total = 0
    dumps = json.dumps
    for i, pk in enumerate(items):
        if total >= target:
            break
        intro = start + (i // per_day) * DAY_MS + rng.randint(8, 20) * 3_600_000
        if intro >= now_ms:
            break
        seq = simulate_item(rng, intro, now_ms, grow)
        if total + len(seq) > target:
            seq = seq[: target - total]
        if not seq:
            continue
        for t, rating, before, after, elapsed, retr in seq:
            correct = None if rng.random() < 0.4 else int(rating > 1)
            reviews.append(
                (
                    learner_id,
                    pk,
                    t,
                    rating,
                    rng.randint(2_000, 40_000),
                    "",
                    correct,
                    dumps(before) if before else None,
                    None,
                    after["state"],
                    after["stability"],
                    after["difficulty"],
                    after["due"],
                    elapsed,
                    retr,
                )
            )
        total += len(seq)
        last = seq[-1][3]
        states.append((learner_id, pk, *(last[k] for k in STATE_KEYS)))
        if len(reviews) >= 200_000:
            _flush(conn, reviews, states)
    _flush(conn, reviews, states)
    return total


def _flush(conn: sqlite3.Connection, reviews: list[tuple], states: list[tuple]) -> None:
    conn.execute("BEGIN")
    conn.executemany(
        """INSERT INTO reviews (learner_id, card_pk, reviewed_at, rating, duration_ms,
               response, correct, state_before, undo_extra, state, stability, difficulty,
               due, elapsed_days, retrievability)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        reviews,
    )
    conn.executemany(
        f"INSERT OR REPLACE INTO card_state (learner_id, card_pk, {', '.join(STATE_KEYS)}) "
        f"VALUES (?, ?, {', '.join('?' for _ in STATE_KEYS)})",
        states,
    )
    conn.execute("COMMIT")
    reviews.clear()
    states.clear()


# ---------------------------------------------------------------------------- main


def params(cards: int, reviews: int, seed: int) -> dict:
    return {"version": GENERATOR_VERSION, "cards": cards, "reviews": reviews, "seed": seed}


def is_current(cards: int = 50_000, reviews: int = 1_000_000, seed: int = 7) -> bool:
    if not (META.exists() and DB.exists() and DECKS.is_dir()):
        return False
    try:
        meta = json.loads(META.read_text())
    except ValueError:
        return False
    return {k: meta.get(k) for k in ("version", "cards", "reviews", "seed")} == params(
        cards, reviews, seed
    )


def generate(
    cards: int = 50_000, reviews: int = 1_000_000, seed: int = 7, *, force: bool = False
) -> dict:
    if not force and is_current(cards, reviews, seed):
        return json.loads(META.read_text())
    from quizapp.store import open_database
    from quizapp.store.sync import sync_paths

    t0 = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    META.unlink(missing_ok=True)
    items = write_decks(cards, seed)
    t_decks = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(str(DB) + suffix).unlink(missing_ok=True)
    db = open_database(DB)
    report = sync_paths(db, [DECKS])
    if report.problems:
        raise SystemExit(f"generated decks have problems: {report.problems[:3]}")
    t_sync = time.perf_counter()
    conn = db.conn
    queue = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM cards WHERE active = 1 ORDER BY deck_id, position, ord"
        )
    ]
    rng = random.Random(seed + 1)
    now_ms = int(time.time() * 1000)
    created = now_ms - 731 * DAY_MS
    big = _insert_learner(conn, BIG_LEARNER, created)
    big_reviews = write_history(conn, big, queue, reviews, 730, now_ms, rng)
    cohort_reviews = 0
    for k in range(1, COHORT + 1):
        lid = _insert_learner(conn, f"cohort-{k:02d}", created)
        days = rng.randint(60, 400)
        target = int(reviews * rng.uniform(0.005, 0.03))
        # each learner works through one or two systems' decks, as a study group does
        start = rng.randrange(0, max(1, len(queue) - 6000))
        cohort_reviews += write_history(
            conn, lid, queue[start : start + 6000], target, days, now_ms, rng
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    meta = {
        **params(cards, reviews, seed),
        "study_items": items,
        "big_learner": BIG_LEARNER,
        "big_reviews": big_reviews,
        "cohort_learners": COHORT,
        "cohort_reviews": cohort_reviews,
        "generated_at_ms": now_ms,
        "deck_bytes": sum(p.stat().st_size for p in DECKS.glob("*.yaml")),
        "seconds": {
            "decks": round(t_decks - t0, 2),
            "sync": round(t_sync - t_decks, 2),
            "reviews": round(time.perf_counter() - t_sync, 2),
        },
    }
    META.write_text(json.dumps(meta, indent=2))
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=50_000)
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--force", action="store_true", help="rebuild even when cached")
    args = ap.parse_args(argv)
    meta = generate(args.cards, args.reviews, args.seed, force=args.force)
    json.dump(meta, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
