"""Typed-answer matching: is this text an acceptable answer for that one? Pure functions.

Typed answers (`match_text`, used by `grade_typed` and `grade_cloze`)
---------------------------------------------------------------------
Both texts are normalised the same way (`normalize_text`):

1. Unicode NFKC, dashes and quotes unified, casefolded, accents removed (NFKD with the
   combining marks dropped: "Ménière" = "meniere").
2. Numbers: a comma followed by exactly three digits groups thousands ("1,000" = 1000);
   any other comma between digits is a decimal comma ("3,5" = 3.5); "3 - 4" = "3-4".
3. Punctuation becomes a space, except where it carries meaning: the decimal point,
   "%", a minus sign or a range dash between numbers, "/" between digits ("120/80"),
   "+" or "-" at the end of a word ("A+", "Rh-", "CD4+"), "°", and the comparators
   ≥ ≤ < > (">=" and "at least" are written "≥", "more than" ">", and so on).
   Apostrophes vanish ("Crohn's" = "crohns"); hyphens between words become spaces.
4. Number words become digits: zero–nineteen, the tens, "hundred", "thousand" and their
   combinations ("thirty-five" = 35, "one hundred and five" = 105).
5. Whitespace collapsed; one leading article ("the", "a", "an") dropped unless nothing
   would remain. (Caveat: an answer starting with the letter A as a symbol, such as
   blood group "A positive", loses it; write it "group A positive" or "A+".)

Then:

* **Numbers compare as numbers.** When the expected answer is a single number with an
  optional unit — "35%", "35 percent", "3 years", "2.5 mg", "about 35" — the given
  answer must be a single number of the same value (difference < 1e-9) and must not
  carry a different unit: "35" and "thirty-five percent" match "35%", "35 years" does
  not; "3 months" does not match "3 years" (units are named, never converted: "72 hours"
  is not "3 days"; "µg" = "mcg", "yrs" = "years", "per cent" = "%"). A unit on the given
  answer alone is fine ("3 years" for an expected "3"). Hedges before a number
  ("about", "approximately", "around", "roughly", "up to", "as many as" …) are
  ignored; comparators are not:
  "≥ 35" or "more than 35" is a different claim, so `parse_number` returns ``None``
  and the text is compared as text ("≥35" = "at least 35"). An expected text with
  several numbers ("3 or 4", "T2 N0") is text, compared after step 4 ("three or four"
  = "3 or 4"). Typos are never tolerated in a number.
* **Text** must be equal after normalisation, or after folding British to American
  spelling ("haemorrhage" = "hemorrhage", "tumour" = "tumor", "oesophagus",
  "centre", "-isation", "sulph-").
* **Small typos** are tolerated when the expected text has at least 5 characters: a
  Levenshtein distance of at most max(1, length // 8) (1 up to 15 characters, 2 up to
  23, …), reported as "accepted with a typo". Never when a comparator differs ("> 35%"
  for "≤ 35%", "more than" for "fewer than"), never when the digits differ ("T4" vs
  "T5"), never when a negation (no, not, non, without, absent, negative) is added or
  dropped, and never when the answer is closer to a known confusable medical word than
  to the expected one (hypo/hyper, abduction/adduction, afferent/efferent,
  dysphagia/dysphasia, ileum/ilium, peroneal/perineal, -ectomy/-ostomy/-otomy,
  inter/intra, -itis/-osis, -emia/-uria, typical/atypical, septic/aseptic …).
* An empty answer is wrong (suggested Again), not an error.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["match_text", "normalize_text", "parse_number"]

NUMBER_TOLERANCE = 1e-9
TYPO_MIN_LENGTH = 5
TYPO_FEEDBACK = "accepted with a typo"


# ---------------------------------------------------------------------------
# Normalisation

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_RANGE = re.compile(r"(?<=\d)\s*-\s*(?=\d)")
_SPACES = re.compile(r"\s+")
_PERCENT = re.compile(r"(?<=\d) %")
_COMPARATOR_SIGNS = (("≥", ">=", "=>"), ("≤", "<=", "=<"))
_COMPARATOR_WORDS = (
    ("≤", ("no more than", "not more than", "at most")),
    ("≥", ("no less than", "not less than", "at least")),
    (">", ("more than", "greater than")),
    ("<", ("less than", "fewer than")),
)
_ARTICLES = ("the", "a", "an")

_UNIT_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS_WORDS = {
    w: 10 * i
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def _punctuation(s: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        boundary_before = not prev or prev.isspace()
        boundary_after = not nxt or nxt.isspace() or nxt in ',;:)]}"'
        if ch.isalnum() or ch.isspace():
            out.append(ch)
        elif ch == "'":
            continue  # Crohn's = crohns
        elif ch == ".":
            keep = nxt.isdigit() and (prev.isdigit() or boundary_before or prev == "-")
            out.append("." if keep else " ")
        elif ch == "-":
            if nxt.isdigit() and (prev.isdigit() or boundary_before):
                out.append("-")  # range 3-4, or a negative number
            elif prev.isalnum() and boundary_after:
                out.append("-")  # Rh-, A-
            else:
                out.append(" ")
        elif ch == "+":
            out.append("+" if prev.isalnum() else " ")
        elif ch == "/":
            out.append("/" if prev.isdigit() and nxt.isdigit() else " ")
        elif ch == "°":
            out.append("°")
        elif ch in "%≥≤<>":
            out.append(f" {ch} ")
        else:
            out.append(" ")
    return "".join(out)


def _below_hundred(toks: list[str], i: int) -> tuple[int, int] | None:
    if i >= len(toks):
        return None
    t = toks[i]
    if t in _TENS_WORDS:
        value = _TENS_WORDS[t]
        if i + 1 < len(toks) and 1 <= _UNIT_WORDS.get(toks[i + 1], 0) <= 9:
            return value + _UNIT_WORDS[toks[i + 1]], i + 2
        return value, i + 1
    if t in _UNIT_WORDS:
        return _UNIT_WORDS[t], i + 1
    return None


def _hundreds(toks: list[str], i: int) -> tuple[int, int] | None:
    first = _below_hundred(toks, i)
    value, j = first if first else (None, i)
    if j < len(toks) and toks[j] == "hundred" and value != 0:
        value = (value or 1) * 100
        j += 1
        k = j + 1 if j < len(toks) and toks[j] == "and" else j
        rest = _below_hundred(toks, k)
        if rest and rest[0] > 0:
            value, j = value + rest[0], rest[1]
    return None if value is None else (value, j)


def _number_word(toks: list[str], i: int) -> tuple[int, int] | None:
    """A run of number words starting at toks[i]: (value, index after it)."""
    first = _hundreds(toks, i)
    value, j = first if first else (None, i)
    if j < len(toks) and toks[j] == "thousand" and value != 0:
        value = (value or 1) * 1000
        j += 1
        k = j + 1 if j < len(toks) and toks[j] == "and" else j
        rest = _hundreds(toks, k)
        if rest and rest[0] > 0:
            value, j = value + rest[0], rest[1]
    return None if value is None else (value, j)


def _number_words(text: str) -> str:
    toks = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(toks):
        found = _number_word(toks, i)
        if found is None:
            out.append(toks[i])
            i += 1
        else:
            out.append(str(found[0]))
            i = found[1]
    return " ".join(out)


def normalize_text(text: str) -> str:
    """The comparable form of an answer (see the module docstring for the steps)."""
    s = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    s = _strip_accents(s.casefold())
    for sign, *spellings in _COMPARATOR_SIGNS:
        for spelling in spellings:
            s = s.replace(spelling, sign)
    s = _THOUSANDS.sub("", s)
    s = _DECIMAL_COMMA.sub(".", s)
    s = _RANGE.sub("-", s)
    s = _punctuation(s)
    s = _SPACES.sub(" ", s).strip()
    s = _number_words(s)
    s = _PERCENT.sub("%", s)
    padded = f" {s} "
    for sign, phrases in _COMPARATOR_WORDS:
        for phrase in phrases:
            padded = padded.replace(f" {phrase} ", f" {sign} ")
    s = padded.strip()
    first, _, rest = s.partition(" ")
    if first in _ARTICLES and rest:
        s = rest
    return s


# ---------------------------------------------------------------------------
# Numbers

_HEDGES = (
    "about",
    "approximately",
    "approx",
    "around",
    "roughly",
    "circa",
    "ca",
    "nearly",
    "almost",
    "some",
    "up to",
    "as many as",
    "as much as",
    "as high as",
)
_QUANTITY = re.compile(
    r"^(?:(?:" + "|".join(re.escape(h) for h in _HEDGES) + r") )?"
    r"(-?(?:\d+(?:\.\d+)?|\.\d+))(?: ?(.*))?$"
)
_UNIT_NAMES: dict[str, tuple[str, ...]] = {
    "%": ("%", "percent", "per cent", "pct", "percentage"),
    "year": ("y", "yr", "yrs", "year", "years", "years old", "year old", "yo", "y o"),
    "month": ("mo", "mos", "month", "months"),
    "week": ("wk", "wks", "week", "weeks"),
    "day": ("d", "day", "days"),
    "hour": ("h", "hr", "hrs", "hour", "hours"),
    "minute": ("min", "mins", "minute", "minutes"),
    "second": ("s", "sec", "secs", "second", "seconds"),
    "mg": ("mg", "milligram", "milligrams"),
    "g": ("g", "gram", "grams"),
    "kg": ("kg", "kilogram", "kilograms", "kilo", "kilos"),
    "mcg": ("mcg", "μg", "ug", "microgram", "micrograms"),
    "ml": ("ml", "millilitre", "millilitres", "milliliter", "milliliters"),
    "l": ("l", "litre", "litres", "liter", "liters"),
    "mm": ("mm", "millimetre", "millimetres", "millimeter", "millimeters"),
    "cm": ("cm", "centimetre", "centimetres", "centimeter", "centimeters"),
    "mmhg": ("mmhg", "mm hg"),
    "times": ("times", "x", "fold"),
}
_UNITS = {name: canon for canon, names in _UNIT_NAMES.items() for name in names}
_NOT_UNIT_WORDS = frozenset(
    [
        "or",
        "and",
        "to",
        "more",
        "less",
        "than",
        "plus",
        "minus",
        "over",
        "under",
        "of",
        "per",
        "cent",
        "with",
        "without",
        "in",
    ]
)


def _unit(rest: str) -> str | None:
    """The canonical unit of what follows a number, "" for none, None if it is not a unit."""
    rest = rest.strip()
    if not rest:
        return ""
    if rest in _UNITS:
        return _UNITS[rest]
    words = rest.split(" ")
    if len(words) > 3 or any(
        w in _NOT_UNIT_WORDS or w in "≥≤<>" or not re.fullmatch(r"[^\W\d_][\w°/+-]*|°\w*", w)
        for w in words
    ):
        return None
    if (
        len(words) == 1
        and len(rest) > 3
        and rest.endswith("s")
        and not rest.endswith(("ss", "us", "is"))
    ):
        rest = rest[:-1]  # patients = patient
    return rest


def _quantity(normalized: str) -> tuple[float, str] | None:
    m = _QUANTITY.match(normalized)
    if not m:
        return None
    unit = _unit(m.group(2) or "")
    if unit is None:
        return None
    return float(m.group(1)), unit


def parse_number(text: str) -> float | None:
    """The value of an answer that is one number with an optional unit, else None.

    "35", "35%", "35 percent", "thirty-five", "3.5", "3,5" (decimal comma), "1,000"
    (thousands), "-2", "about 35", "3 years" → a number. "≥ 35", "more than 35",
    "3 or 4", "3-4", "1/2", "stage 3" → None (a comparator, several numbers or text).
    """
    q = _quantity(normalize_text(text))
    return None if q is None else q[0]


# ---------------------------------------------------------------------------
# Text matching

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NEGATIONS = frozenset(["no", "not", "non", "without", "absent", "negative", "never", "none"])
_SPELLING = (
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"tre\b"), "ter"),
    (re.compile(r"is(e|es|ed|ing|ation|ations)\b"), r"iz\1"),
    (re.compile(r"sulph"), "sulf"),
)
# Pairs that differ by a few letters and mean different things: (part, other part, word
# start only). A "typo" that turns one into the other is not tolerated.
_CONFUSABLE: tuple[tuple[str, str, bool], ...] = (
    ("hypo", "hyper", False),
    ("ab", "ad", True),
    ("af", "ef", True),
    ("phagia", "phasia", False),
    ("phagic", "phasic", False),
    ("ileum", "ilium", False),
    ("ileo", "ilio", False),
    ("perone", "perine", False),
    ("prostat", "prostrat", False),
    ("inter", "intra", False),
    ("ante", "anti", True),
    ("ectomy", "ostomy", False),
    ("ectomy", "otomy", False),
    ("ostomy", "otomy", False),
    ("itis", "osis", False),
    ("emia", "uria", False),
    ("", "a", True),
    ("", "an", True),
    ("", "im", True),  # possible / impossible
    ("", "in", True),  # operable / inoperable
    ("", "non", True),
    ("", "un", True),
)


def _fold_spelling(s: str) -> str:
    for pattern, repl in _SPELLING:
        s = pattern.sub(repl, s)
    return s


def _confusable_variants(s: str) -> set[str]:
    """`s` with one confusable part swapped for its partner, every way that applies."""
    out: set[str] = set()
    for x, y, word_start in _CONFUSABLE:
        for src, dst in ((x, y), (y, x)):
            if not src and not word_start:
                continue
            prefix = r"(?<![^\W\d_])" if word_start else ""
            pattern = prefix + (re.escape(src) if src else r"(?=[^\W\d_])")
            for m in re.finditer(pattern, s):
                out.add(s[: m.start()] + dst + s[m.end() :])
    out.discard(s)
    return out


_COMPARATORS = re.compile(r"[≤≥<>]")


def _typo_tolerated(given: str, expected: str) -> bool:
    if len(expected) < TYPO_MIN_LENGTH:
        return False
    if _DIGITS.findall(given) != _DIGITS.findall(expected):
        return False
    if _COMPARATORS.findall(given) != _COMPARATORS.findall(expected):
        return False  # "> 35%" is another claim than "≤ 35%", however close the spelling
    negations = [sum(1 for w in s.split(" ") if w in _NEGATIONS) for s in (given, expected)]
    if negations[0] != negations[1]:
        return False
    limit = max(1, len(expected) // 8)
    from rapidfuzz.distance import Levenshtein  # (loaded by the first typo check, not at start)

    distance = Levenshtein.distance(given, expected, score_cutoff=limit)
    if distance > limit:
        return False
    return all(
        Levenshtein.distance(given, other, score_cutoff=distance) >= distance
        for other in _confusable_variants(expected)
    )


def match_text(given: str, expected: str) -> tuple[bool, str]:
    """Whether `given` is an acceptable answer for `expected`, and a short note."""
    g, e = normalize_text(given), normalize_text(expected)
    if not g:
        return False, "no answer given"
    want = _quantity(e)
    if want is not None:
        got = _quantity(g)
        if got is None:
            return False, "expected a number"
        if abs(got[0] - want[0]) >= NUMBER_TOLERANCE:
            return False, ""
        if got[1] and want[1] and got[1] != want[1]:
            return False, f"unit differs: expected {expected.strip()}"
        return True, ""
    if g == e:
        return True, ""
    gf, ef = _fold_spelling(g), _fold_spelling(e)
    if gf == ef:
        return True, ""
    if _typo_tolerated(gf, ef):
        return True, f"{TYPO_FEEDBACK}: the spelling is '{expected.strip()}'"
    return False, ""
