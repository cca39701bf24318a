"""Fact groups: explicit keys, same source sentence, quote containment."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.decks.facts import FactEntry, fact_keys

SOURCE = (
    "As many as 35% of patients develop local recurrence or distant metastases after "
    "combined surgical resection and adjuvant therapy. [47] Of these recurrences, 80% occur "
    "within 5 years. [5] Pulmonary metastasectomy is recommended when technically amenable."
)


def test_same_sentence_fragments_share_a_fact() -> None:
    entries = [
        FactEntry("rate", source_id="s", quote="As many as 35% of patients develop local"),
        FactEntry("after", source_id="s", quote="after combined surgical resection"),
        FactEntry("five", source_id="s", quote="80% occur within 5 years"),
        FactEntry("lung", source_id="s", quote="Pulmonary metastasectomy is recommended"),
    ]
    keys = fact_keys(entries, {"s": SOURCE})
    assert keys[0] == keys[1] == "~rate"
    assert len({keys[0], keys[2], keys[3]}) == 3


def test_sentences_without_markers_are_apart() -> None:
    text = "Sentence one. As many as 35% recur. Survival was 38%. Straße ends. Next one.\n"
    entries = [
        FactEntry("a", source_id="s", quote="Sentence one."),
        FactEntry("b", source_id="s", quote="As many as 35% recur."),
        FactEntry("c", source_id="s", quote="Survival was 38%."),
        FactEntry("d", source_id="s", quote="Sentence one"),
        FactEntry("e", source_id="s", quote="STRASSE ends"),
        FactEntry("f", source_id="s", quote="Next one."),
    ]
    assert fact_keys(entries, {"s": text}) == ["~a", "~b", "~c", "~a", "~e", "~f"]


def test_containment_without_the_source_text() -> None:
    entries = [
        FactEntry("a", source_id="s", quote="Of these recurrences, 80% occur within 5 years."),
        FactEntry("b", source_id="s", quote="“80% occur within 5 years”"),
        FactEntry("c", source_id="s", quote="80% occur within 50 years"),
        FactEntry("d", quote=""),
        FactEntry("e", quote=""),
    ]
    keys = fact_keys(entries)
    assert keys[0] == keys[1] == "~a"
    assert keys[2] == "~c" and keys[3] == "~d" and keys[4] == "~e"


def test_explicit_keys_win_and_attract_keyless_cards() -> None:
    entries = [
        FactEntry("x1", fact="window", quote="80% occur within 5 years"),
        FactEntry("x2", fact="share", quote="80% occur within 5 years"),
        FactEntry("y", quote="within 5 years"),
        FactEntry("z", fact="window", quote="something else entirely here"),
    ]
    keys = fact_keys(entries)
    assert keys == ["window", "share", "window", "window"]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_related_quotes_always_share_a_key(seed: int) -> None:
    """Property: any two key-less cards whose quotes are equal or nested share a key;
    cards with unrelated quotes never do."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(40)]
    base = [" ".join(rng.choice(vocab) for _ in range(rng.randint(4, 12))) for _ in range(8)]
    entries, origin = [], []
    for n in range(30):
        b = rng.randrange(len(base))
        words = base[b].split()
        lo = rng.randrange(len(words) - 2)
        hi = rng.randint(lo + 3, len(words))
        entries.append(FactEntry(f"c{n}", quote=" ".join(words[lo:hi])))
        origin.append(b)
    keys = fact_keys(entries)
    quotes = [f" {e.quote} " for e in entries]
    for i in range(len(entries)):
        for j in range(len(entries)):
            if quotes[i] in quotes[j]:
                assert keys[i] == keys[j]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab C.`'\u2019 \t\n\u00a0\u00adßİ\"…-")))
def test_quick_normalising_is_normalise(text: str) -> None:
    from quizapp.decks.facts import _EDGE, _norm
    from quizapp.decks.quotes import normalise

    assert _norm(text) == normalise(text).casefold().strip(_EDGE)


def _pairwise(quotes: dict[int, str]) -> list[tuple[int, int]]:
    """Every (i, j) whose quotes are equal or where j's contains i's, by comparing all pairs."""
    return [
        (i, j)
        for i, qi in quotes.items()
        for j, qj in quotes.items()
        if i != j and f" {qi} " in f" {qj} "
    ]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_trigram_index_finds_exactly_the_pairwise_relations(seed: int) -> None:
    """The trigram index gives the keys an all-pairs comparison gives: short quotes (under
    three words), equal quotes, nested quotes, explicit keys, empty quotes."""
    from quizapp.decks import facts

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(12)]
    base = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 9))) for _ in range(6)]
    entries = []
    for n in range(rng.randint(1, 40)):
        words = rng.choice(base).split()
        lo = rng.randrange(len(words))
        hi = rng.randint(lo, len(words))
        fact = rng.choice(["", "", "", "k1", "k2"])
        entries.append(FactEntry(f"c{n}", fact=fact, quote=" ".join(words[lo:hi])))
    quotes = {i: q for i, e in enumerate(entries) if (q := facts._norm(e.quote))}
    assert sorted(set(facts._containment_pairs(quotes))) == sorted(_pairwise(quotes))
