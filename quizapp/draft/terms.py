"""What a sentence tests: its figures and its key terms, found by rule and by salience.

Figures: percentages, counts, durations, doses and thresholds, p-values — written in
digits or words ("Eighty percent", "three or four"). A comparator or hedge before a
figure ("fewer than", "as many as", "up to") stays outside it, so a card keeps the hedge
in its prompt and asks only for the number.

Terms: noun-phrase chunks found without a tagger (runs of content words between
function words and verbs), scored by salience — rarity in general English (wordfreq's
Zipf frequency, shipped in its wheel), frequency in this document, medical word forms
(-ectomy, -oma, -itis, …), eponyms and capitalised names, acronyms. Stop-words, verbs,
adverbs and whole clauses are never terms.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Figure", "Term", "TermIndex", "figures", "number_value", "term_kind"]

_UNITS = {
    "digit": "",
}
_WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "half": 0.5,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_WORDNUM = (
    rf"(?:(?:{_TENS})(?:-(?:{_UNITS_WORDS}))?|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    rf"sixteen|seventeen|eighteen|nineteen|{_UNITS_WORDS}|one\s+hundred|a\s+hundred|hundred)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUM = rf"(?:{_DIGITS}|{_WORDNUM})"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to|or|and)\s*{_NUM})?"
_TIME = r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)"
_DOSE = (
    r"(?:mg/kg|mg/dL|mmol/L|g/dL|µg|mcg|mg|kg|g|mL|ml|L|cm|mm|µm|m|mmHg|mm\s?Hg|bpm|IU|U/L|"
    r"°C|°F|Gy|cGy|mSv|kcal)"
)

_FIGURE = re.compile(
    rf"""(?ix)
    (?<![\w.\[/-])(?:
        (?P<p>p\s*[<=>≤≥]\s*0?\.\d+)                                   # p-value
      | (?P<pct>{_RANGE}\s*(?:%|percent\b|per\s+cent\b))               # percentage
      | (?P<dur>{_RANGE}(?:-|\s)(?:{_TIME})(?:-old)?\b)                 # duration, age
      | (?P<dose>{_RANGE}\s?{_DOSE}(?![\w/]))                           # dose, size, threshold
      | (?P<ratio>{_NUM}\s+(?:in|of|out\s+of)\s+(?:every\s+)?{_NUM}\b(?!\s*%)) # 1 in 4
      | (?P<count>{_RANGE})(?=\s+(?:[a-z]+\s+){{0,2}}[a-z]+s\b)          # count of things
    )"""
)
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DIGIT_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str  # "percent" | "duration" | "dose" | "count" | "ratio" | "p-value"
    values: tuple[float, ...]


def number_value(word: str) -> float | None:
    w = word.lower().replace(",", "")
    try:
        return float(w)
    except ValueError:
        pass
    if w in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[w])
    if "-" in w:
        a, _, b = w.partition("-")
        if a in _WORD_NUMBERS and b in _WORD_NUMBERS:
            return float(_WORD_NUMBERS[a] + _WORD_NUMBERS[b])
    if w in ("a hundred", "one hundred"):
        return 100.0
    return None


_NUMBER_WORDS = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:-[A-Za-z]+)?")


@lru_cache(maxsize=8192)
def numbers_in(text: str) -> tuple[float, ...]:
    """Every number written in `text` (digits or whole number words), as values."""
    out: list[float] = []
    for m in _NUMBER_WORDS.finditer(text):
        word = m.group(0)
        if word[0].isdigit():
            try:
                out.append(float(word.rstrip(",").replace(",", "")))
            except ValueError:
                continue
        else:
            v = number_value(word)
            if v is not None and word.lower() != "half":
                out.append(v)
    return tuple(out)


_KIND_OF = {
    "p": "p-value",
    "pct": "percent",
    "dur": "duration",
    "dose": "dose",
    "ratio": "ratio",
    "count": "count",
}


def figures(sentence: str) -> list[Figure]:
    """The figures of a sentence, left to right, without overlap."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(sentence):
        kind = _KIND_OF[m.lastgroup or "count"]
        text = m.group(0)
        if kind == "count" and (_YEAR.match(text) or text.lower() in ("one", "a hundred")):
            continue  # a year, or "one" as a pronoun ("one study")
        start = m.start()
        if start > 0 and sentence[start - 1] in "([" and kind == "count":
            continue
        out.append(Figure(start, m.end(), text, kind, numbers_in(text)))
    return out


def digit_form(fig: Figure) -> str:
    """The figure with its number words as digits ("Eighty percent" → "80 percent"), or ""
    when it has none."""

    def swap(m: re.Match[str]) -> str:
        v = number_value(" ".join(m.group(0).split()))
        if v is None or not m.group(0)[:1].isalpha():
            return m.group(0)
        return str(int(v)) if v == int(v) else str(v)

    out = re.sub(rf"(?i)\b{_WORDNUM}\b", swap, fig.text)
    if out == fig.text:
        return ""
    return re.sub(r"(?i)(\d)\s*(?:percent|per cent)\b", r"\1%", out)


# ------------------------------------------------------------------------------------ terms

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "for",
        "of",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "with",
        "without",
        "within",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "above",
        "below",
        "between",
        "among",
        "through",
        "during",
        "before",
        "after",
        "since",
        "until",
        "than",
        "as",
        "like",
        "such",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "this",
        "these",
        "those",
        "it",
        "its",
        "their",
        "there",
        "here",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "none",
        "all",
        "any",
        "both",
        "each",
        "either",
        "neither",
        "every",
        "few",
        "many",
        "more",
        "most",
        "much",
        "other",
        "others",
        "some",
        "same",
        "several",
        "own",
        "only",
        "also",
        "very",
        "too",
        "just",
        "even",
        "still",
        "then",
        "thus",
        "hence",
        "therefore",
        "however",
        "although",
        "though",
        "whereas",
        "while",
        "if",
        "unless",
        "because",
        "whether",
        "via",
        "per",
        "versus",
        "vs",
        "etc",
        "i.e",
        "e.g",
        "than",
        "rather",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "having",
        "get",
        "gets",
        "got",
        "make",
        "makes",
        "made",
        "one",
        "ones",
        "whenever",
        "whatever",
        "generally",
        "usually",
        "often",
        "sometimes",
        "typically",
        "especially",
        "particularly",
        "mainly",
        "mostly",
        "first",
        "second",
        "third",
        "new",
        "newer",
        "older",
        "further",
        "well",
        "less",
        "least",
        "better",
        "best",
        "worse",
        "worst",
        "great",
        "greater",
        "certain",
        "various",
        "following",
        "according",
        "regarding",
        "concerning",
    ]
)
_VERBS = frozenset(
    [
        "develop",
        "develops",
        "developed",
        "developing",
        "yield",
        "yields",
        "yielded",
        "show",
        "shows",
        "showed",
        "shown",
        "achieve",
        "achieves",
        "achieved",
        "recommend",
        "recommended",
        "recommends",
        "remain",
        "remains",
        "remained",
        "conduct",
        "conducted",
        "pursue",
        "pursued",
        "report",
        "reported",
        "observe",
        "observed",
        "treat",
        "treated",
        "include",
        "includes",
        "included",
        "including",
        "suggest",
        "suggests",
        "suggested",
        "indicate",
        "indicates",
        "indicated",
        "increase",
        "increases",
        "increased",
        "decrease",
        "decreases",
        "decreased",
        "reduce",
        "reduces",
        "reduced",
        "improve",
        "improves",
        "improved",
        "cause",
        "causes",
        "caused",
        "lead",
        "leads",
        "led",
        "occur",
        "occurs",
        "occurred",
        "require",
        "requires",
        "required",
        "need",
        "needs",
        "needed",
        "use",
        "uses",
        "used",
        "given",
        "give",
        "gives",
        "found",
        "find",
        "finds",
        "investigate",
        "investigated",
        "study",
        "studied",
        "evaluate",
        "evaluated",
        "compare",
        "compared",
        "demonstrate",
        "demonstrated",
        "fail",
        "failed",
        "failing",
        "associated",
        "consider",
        "considered",
        "describe",
        "described",
        "seem",
        "seems",
        "appear",
        "appears",
        "become",
        "becomes",
        "became",
        "present",
        "presents",
        "presented",
        "receive",
        "received",
        "undergo",
        "undergoes",
        "underwent",
        "perform",
        "performed",
        "provide",
        "provided",
        "allow",
        "allows",
        "allowed",
        "help",
        "helps",
        "prevent",
        "prevents",
        "prevented",
        "affect",
        "affects",
        "affected",
        "involve",
        "involves",
        "involved",
        "exist",
        "exists",
        "known",
        "range",
        "ranges",
        "ranged",
        "results",
        "resulted",
        "account",
        "accounts",
        "accounted",
        "tend",
        "tends",
        "remain",
        "see",
        "seen",
    ]
)
_WEAK_EDGE = frozenset(
    [
        "some",
        "other",
        "most",
        "many",
        "more",
        "better",
        "new",
        "newer",
        "several",
        "such",
        "certain",
        "both",
        "each",
        "all",
        "any",
        "no",
        "this",
        "these",
        "those",
        "their",
        "its",
        "overall",
        "total",
        "potential",
        "possible",
        "particular",
        "specific",
        "various",
        "additional",
        "major",
        "minor",
        "common",
        "rare",
        "usual",
        "similar",
        "different",
    ]
)
_MEDICAL = re.compile(
    r"(?i)(?:ectomy|otomy|ostomy|plasty|scopy|graphy|gram|oma|omas|itis|osis|oses|emia|aemia|"
    r"pathy|plasia|trophy|algia|genic|cyte|cytes|blast|lysis|therapy|therapies|phylaxis|"
    r"adjuvant|metasta\w*|carcinoma|sarcoma\w*|syndrome|lymph\w*|neoplas\w*|tumou?r\w*|"
    r"cardi\w*|pulmonar\w*|renal|hepat\w*|neur\w*|vascular|arter\w*|venous|mab|nib|"
    r"cillin|mycin|azole|pril|sartan|olol|statin|vir|parin|transplant\w*|resection|"
    r"dissection|biopsy|chemotherap\w*|radiotherap\w*|radiation|diagnos\w*|prognos\w*|"
    r"infection|inflammat\w*|insufficiency|failure|disease|disorder)$"
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9'’]*(?:-[A-Za-zÀ-ÿ0-9'’]+)*")
MAX_TERM_WORDS = 4


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def rarity(word: str) -> float:
    """0 (everyday English) … about 5 (never seen): how unusual a word is in general."""
    parts = [p for p in word.lower().split("-") if p]
    if not parts:
        return 0.0
    return max(0.0, min(5.0, 6.0 - min(zipf(p) for p in parts)))


@dataclass(frozen=True, slots=True)
class Term:
    start: int
    end: int
    text: str
    score: float
    head: str  # its last word, lower case
    kind: str  # what kind of thing it names (for same-kind alternatives), or ""


_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "procedure",
        re.compile(
            r"(?i)(?:ectomy|otomy|ostomy|plasty|resection|dissection|excision|"
            r"removal|transplantation|transplant|surgery|biopsy|amputation|"
            r"repair|bypass|ablation|lymphadenectomy|metastasectomy)s?$"
        ),
    ),
    (
        "treatment",
        re.compile(
            r"(?i)(?:therapy|therapies|chemotherapy|radiotherapy|treatment|"
            r"mab|nib|cillin|mycin|azole|pril|sartan|olol|statin|drugs?|"
            r"inhibitors?|agents?|blockers?|diuretics?|regimens?)$"
        ),
    ),
    (
        "condition",
        re.compile(
            r"(?i)(?:oma|omas|sarcomas?|carcinomas?|tumou?rs?|syndromes?|"
            r"diseases?|disorders?|itis|osis|oses|emia|aemia|pathy|"
            r"metastases|metastasis|recurrences?|infections?|failure|"
            r"insufficiency|involvement|relapse|cancers?)$"
        ),
    ),
    (
        "test",
        re.compile(
            r"(?i)(?:tomography|CT|MRI|ultrasound|ultrasonography|scan|scans|"
            r"imaging|graphy|scopy|test|tests|assay|biopsy|marker|markers)$"
        ),
    ),
    (
        "outcome",
        re.compile(
            r"(?i)(?:survival|mortality|outcomes?|response|responses|rates?|"
            r"risk|prognosis|morbidity|remission|complications?)$"
        ),
    ),
    (
        "people",
        re.compile(
            r"(?i)(?:patients|children|adults|women|men|infants|neonates|"
            r"adolescents|elderly|population|populations|cohort)$"
        ),
    ),
)


_NOT_CONDITIONS = frozenset(("diagnosis", "prognosis", "diagnoses", "prognoses"))


def term_kind(text: str) -> str:
    last = text.split()[-1] if text.split() else ""
    if last.lower() in _NOT_CONDITIONS:
        return ""
    for kind, pattern in _KINDS:
        if pattern.search(last):
            return kind
    return ""


class TermIndex:
    """Document frequencies of content words, for salience ("frequent here, rare in
    general English")."""

    def __init__(self, sentences: Iterable[str], title: str = "") -> None:
        # the title's words name the document's subject: a term made only of them is what
        # every sentence is about, a poor blank ("soft-tissue sarcomas" in a sarcoma page)
        self.topic = frozenset(w.lower() for w in _TOKEN.findall(title))
        self.doc_freq: Counter[str] = Counter()
        for s in sentences:
            self.doc_freq.update({w.lower() for w in _TOKEN.findall(s)})

    def is_topic(self, term: str) -> bool:
        words = _TOKEN.findall(term)
        return bool(self.topic) and bool(words) and all(w.lower() in self.topic for w in words)

    def salience(self, words: Sequence[str], capitalised_inside: bool) -> float:
        total = 0.0
        for w in words:
            r = rarity(w)
            df = self.doc_freq.get(w.lower(), 1)
            total += r * (1.0 + 0.35 * math.log(df))
        score = total / math.sqrt(len(words))
        text = " ".join(words)
        if any(_MEDICAL.search(w) for w in words):
            score += 1.5
        if capitalised_inside or any(w.isupper() and len(w) >= 2 for w in words):
            score += 1.0  # eponyms, names, acronyms
        if re.search(r"(?i)'s$", words[0]) or "’s" in text:
            score += 0.5
        if self.topic and all(w.lower() in self.topic for w in words):
            score *= 0.5
        return score


def _is_content(tok: str, prev: str) -> bool:
    low = tok.lower()
    if low in _STOP or low in _VERBS:
        return False
    if low.endswith("ly") and len(low) > 4 and zipf(low) > 2.0:
        return False  # an adverb
    if low.endswith("ed") and prev.lower() in (
        "has",
        "have",
        "had",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
    ):
        return False
    return not (low.endswith("ing") and prev.lower() in ("is", "are", "was", "were", "be"))


def terms(sentence: str, index: TermIndex, avoid: Sequence[tuple[int, int]] = ()) -> list[Term]:
    """Candidate key terms of `sentence`, best first (never overlapping `avoid` spans)."""
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    runs: list[list[tuple[str, int, int]]] = []
    run: list[tuple[str, int, int]] = []
    prev = ""
    for i, (tok, s, e) in enumerate(toks):
        gap = sentence[toks[i - 1][2] : s] if i else ""
        joined = bool(run) and gap.strip() == ""
        if _is_content(tok, prev) and not any(s < b and e > a for a, b in avoid):
            if run and not joined:
                runs.append(run)
                run = []
            run.append((tok, s, e))
        else:
            if run:
                runs.append(run)
            run = []
        prev = tok
    if run:
        runs.append(run)
    out: list[Term] = []
    n_words = len(toks)
    for r in runs:
        while r and r[0][0].lower() in _WEAK_EDGE:
            r = r[1:]
        while r and r[-1][0].lower().endswith("ing") and zipf(r[-1][0].lower()) > 3.5:
            r = r[:-1]
        if len(r) > MAX_TERM_WORDS:
            r = r[-MAX_TERM_WORDS:]
        if not r:
            continue
        words = [t for t, _, _ in r]
        if len(words) == 1 and zipf(words[0].lower()) > 4.9 and not words[0].isupper():
            continue  # one everyday word ("patients", "study") is not a key term
        if len(words) > max(1, n_words * 0.5):
            continue  # a whole clause
        start, end = r[0][1], r[-1][2]
        text = sentence[start:end]
        cap_inside = any(w[:1].isupper() for w in words) and start > 0
        score = index.salience(words, cap_inside)
        if score < 2.0:
            continue
        out.append(Term(start, end, text, score, words[-1].lower(), term_kind(text)))
    for pattern in _CLAIMS:
        for m in pattern.finditer(sentence):
            s, e = m.span("claim")
            if any(s < b and e > a for a, b in avoid) or any(
                s < t.end and e > t.start for t in out
            ):
                continue
            words = m.group("claim").split()
            out.append(
                Term(
                    s, e, m.group("claim"), 2.5 + rarity(words[-1]) / 2, words[-1].lower(), "claim"
                )
            )
    out.sort(key=lambda t: (-t.score, t.start))
    return out


# What a sentence claims when it names no term: its verdict ("have been mixed", "remains
# controversial") or its negation ("have not been reported", "failed to show").
_CLAIMS = (
    re.compile(
        r"(?i)\b(?:is|are|was|were|been|be|remains?|remained|seems?|appears?)\s+"
        r"(?P<claim>(?:not\s+)?[a-z][a-z-]{3,})\s*[.!]?$"
    ),
    re.compile(r"(?i)\b(?:has|have|had)\s+(?P<claim>(?:not|never)\s+been\s+[a-z]{4,})\b"),
    re.compile(r"(?i)\b(?P<claim>failed\s+to\s+[a-z]{3,})\b"),
)
