"""Deck loader: good decks, every bad-deck fixture with line and message, limits, fuzzing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.decks import loader
from quizapp.decks.errors import DeckError, Problem
from quizapp.decks.loader import load_deck, load_deck_text
from quizapp.model import CardType, Deck

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good_decks"
BAD = FIXTURES / "bad_decks"

# file name → (line of a reported problem, substring of that problem's message or hint)
EXPECTED: dict[str, tuple[int, str]] = {
    "accept_on_basic.yaml": (12, "`accept` is only for typed and cloze cards"),
    "alias_bomb.yaml": (15, "too many aliases (alias bomb?)"),
    "answer_list.yaml": (9, "`answer` must be text, not a list"),
    "bad_card_id.yaml": (6, "card id `-c1` is not valid"),
    "bad_deck_id.yaml": (1, "deck id `Bad Deck` is not valid"),
    "binary.yaml": (2, "binary file (NUL byte at offset 8)"),
    "card_id_spaces.yaml": (6, "card id `my card` is not valid"),
    "card_not_mapping.yaml": (6, "card 1 must be a mapping"),
    "cards_mapping.yaml": (4, "`cards` must be a list"),
    "cloze_empty_deletion.yaml": (10, "is empty; put the hidden words inside"),
    "cloze_mixed.yaml": (10, "mixes numbered"),
    "cloze_no_deletion.yaml": (10, "wrap the hidden words in {{…}}"),
    "cloze_with_answer.yaml": (8, "`answer` is not a key of a cloze card"),
    "custom_tag.yaml": (9, "tags are not allowed (found `!secret`)"),
    "deep_nesting.yaml": (9, "nesting deeper than 20 levels"),
    "duplicate_card_id.yaml": (12, "duplicate card id `c1` (first at line 6)"),
    "duplicate_key.yaml": (9, "duplicate key `prompt` (first at line 8)"),
    "empty.yaml": (0, "the file is empty"),
    "empty_cards.yaml": (3, "`cards` is empty"),
    "empty_explanation.yaml": (10, "add `explanation:` with a sentence saying why"),
    "format_2.yaml": (1, "deck format 2 is not supported"),
    "format_text.yaml": (1, "`format` must be a whole number"),
    "long_deck_id.yaml": (1, "at most 64 characters"),
    "many_problems.yaml": (6, "card #1 has no `id`"),
    "mcq_choice_string.yaml": (11, "each choice must be a mapping"),
    "mcq_correct_quoted.yaml": (11, "`correct` must be true or false, not `true`"),
    "mcq_correct_yes.yaml": (11, "`correct` must be true or false, not `yes`"),
    "mcq_duplicate_option.yaml": (11, "option `a` appears twice"),
    "mcq_eleven_choices.yaml": (11, "at most 10 choices"),
    "mcq_missing_choices.yaml": (6, "has no `choices`"),
    "mcq_missing_why.yaml": (11, "this choice has no `why`"),
    "mcq_no_correct.yaml": (11, "mark the right option with `correct: true`"),
    "mcq_one_choice.yaml": (11, "at least 2 choices, this one has 1"),
    "merge_key.yaml": (7, "merge keys (`<<:`) are not supported"),
    "missing_cards.yaml": (1, "the deck has no `cards`"),
    "missing_explanation.yaml": (6, "add `explanation:` with a sentence saying why"),
    "missing_id.yaml": (6, "card #1 has no `id`"),
    "missing_source.yaml": (6, "has no `source`"),
    "missing_title.yaml": (1, "the deck has no `title`"),
    "missing_type.yaml": (6, "has no `type`"),
    "non_string_key.yaml": (7, "a key must be text, not a list"),
    "non_utf8.yaml": (2, "not valid UTF-8: byte 0xE9 at offset 18"),
    "only_comments.yaml": (0, "the file has no content"),
    "python_tag.yaml": (9, "tags are not allowed (found `!!python/object/apply:os.system`)"),
    "quote_not_in_source.yaml": (11, "closest sentence in the source: “Aspirin irreversibly"),
    "source_file_absolute.yaml": (4, "file references cannot leave the deck's folder"),
    "source_file_escape.yaml": (4, "file references cannot leave the deck's folder"),
    "source_file_folder.yaml": (4, "source file `sources` is a folder"),
    "source_file_missing.yaml": (4, "source file `sources/nope.txt` does not exist"),
    "source_missing_quote.yaml": (11, "the card's source has no `quote`"),
    "source_no_title.yaml": (4, "source `doc` has no `title`"),
    "source_string.yaml": (11, "`source` must be a mapping"),
    "source_unknown_key.yaml": (4, "did you mean `author`?"),
    "sources_list.yaml": (4, "`sources` must be a mapping"),
    "tabs.yaml": (7, "indent with spaces, not tabs"),
    "tags_not_list.yaml": (3, "`tags` must be a list"),
    "title_mapping.yaml": (2, "`title` must be text, not a mapping"),
    "top_list.yaml": (1, "must hold one mapping"),
    "top_scalar.yaml": (1, "must hold one mapping"),
    "two_documents.yaml": (12, "one YAML document"),
    "typed_accept_mapping.yaml": (12, "`accept` must be a list, not a mapping"),
    "unknown_card_key.yaml": (11, "unknown key `promt` in a basic card — did you mean `prompt`?"),
    "unknown_source.yaml": (11, "unknown source `dco` — known sources: `doc`"),
    "unknown_top_key.yaml": (3, "did you mean `title`?"),
    "unknown_type.yaml": (7, "did you mean `mcq`?"),
    "utf16.yaml": (1, "UTF-16 is not supported"),
    "yaml_colon.yaml": (8, 'put text containing ": " in quotes'),
    "yaml_syntax.yaml": (8, "YAML syntax error"),
}


def test_every_bad_fixture_has_an_expectation() -> None:
    names = {p.name for p in BAD.glob("*.yaml")}
    assert names == set(EXPECTED)
    assert len(names) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_deck(name: str) -> None:
    line, text = EXPECTED[name]
    with pytest.raises(DeckError) as info:
        load_deck(BAD / name, check_quotes=True)
    problems = info.value.problems
    assert problems
    assert all(isinstance(p, Problem) and p.file == str(BAD / name) for p in problems)
    assert any(p.line == line and text in str(p) for p in problems), str(info.value)
    # str(DeckError) is one line per problem, each starting with file:line:col
    assert str(info.value).splitlines()[0].startswith(f"{BAD / name}:")


def test_all_problems_are_reported_not_just_the_first() -> None:
    with pytest.raises(DeckError) as info:
        load_deck(BAD / "many_problems.yaml")
    messages = [(p.line, p.card_id, p.message) for p in info.value.problems]
    assert len(messages) == 3
    assert [m[0] for m in messages] == sorted(m[0] for m in messages)
    assert any(cid == "c2" and "explanation" in msg for _, cid, msg in messages)
    assert any(cid == "c3" and "correct" in msg for _, cid, msg in messages)


def test_good_deck_fields() -> None:
    deck = load_deck(GOOD / "sts.yaml", check_quotes=True)
    assert isinstance(deck, Deck)
    assert deck.id == "sts-recurrence"
    assert deck.path == GOOD / "sts.yaml"
    assert deck.tags == ("oncology", "sarcoma")
    assert deck.sources["medscape-sts"].date == "2018-12-03"
    assert deck.sources["medscape-sts"].file == "sources/medscape-sts.txt"
    by_id = {c.id: c for c in deck.cards}
    assert [c.id for c in deck.cards] == [
        "recurrence-rate",
        "lung-mets-3y-survival",
        "nodal-dissection",
        "normal-nodes",
        "Time.1",
    ]
    typed = by_id["recurrence-rate"]
    assert typed.type is CardType.TYPED
    assert typed.answer == "35%"
    assert typed.accept == ("35 percent", "35")
    assert typed.tags == ("oncology", "sarcoma", "epidemiology")  # merged, deduplicated
    assert typed.source is not None and typed.source.ref == "[47]"
    assert typed.line == 15 and typed.deck_id == "sts-recurrence"
    mcq = by_id["lung-mets-3y-survival"]
    assert [(c.text, c.correct) for c in mcq.choices] == [
        ("38%", True),
        ("80%", False),
        ("5%", False),
    ]
    assert not mcq.multiple
    assert by_id["nodal-dissection"].text.startswith("Dissection of {{")
    # YAML 1.1 would turn these into False / 5400 / True: text fields stay as written
    assert by_id["normal-nodes"].answer == "No"
    assert by_id["Time.1"].answer == "1:30"
    assert by_id["Time.1"].explanation == "yes"


def test_bom_deck_loads() -> None:
    deck = load_deck(GOOD / "bom.yaml")
    assert deck.id == "bom-deck"
    assert deck.cards[0].answer == "35"
    assert deck.cards[0].line == 4


def test_missing_file_and_folder_are_deck_errors(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="no such file"):
        load_deck(tmp_path / "nope.yaml")
    with pytest.raises(DeckError, match="is a folder"):
        load_deck(tmp_path)


def test_huge_file_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # sparse: cheap to make
        f.truncate(loader.MAX_DECK_BYTES + 1)
    with pytest.raises(DeckError, match="too large"):
        load_deck(big)


def test_size_limit_can_be_lowered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(loader, "MAX_DECK_BYTES", 100)
    text = (GOOD / "sts.yaml").read_bytes()
    with pytest.raises(DeckError, match="too large"):
        load_deck_text(text, tmp_path / "x.yaml")


def test_env_sets_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZAPP_MAX_DECK_MB", "2")
    assert loader._max_bytes_from_env() == 2 * 1024 * 1024
    monkeypatch.setenv("QUIZAPP_MAX_DECK_MB", "junk")
    assert loader._max_bytes_from_env() == 64 * 1024 * 1024


def test_str_with_surrogates_is_a_deck_error() -> None:
    with pytest.raises(DeckError):
        load_deck_text("id: a\ud800\n", Path("x.yaml"))


def test_problem_str_format() -> None:
    p = Problem("d.yaml", 3, 5, "bad thing", "fix it", "c1")
    assert str(p) == "d.yaml:3:5: [card c1] bad thing — fix it"
    assert str(Problem("d.yaml", 0, 0, "bad")) == "d.yaml:0:0: bad"
    err = DeckError([p, Problem("d.yaml", 4, 1, "other")])
    assert str(err) == "d.yaml:3:5: [card c1] bad thing — fix it\nd.yaml:4:1: other"


def test_generated_deck_is_linear_enough() -> None:
    card = (
        "  - id: c{i}\n    type: mcq\n    prompt: Question {i}?\n    choices:\n"
        "      - {{text: a, correct: true, why: w}}\n      - {{text: b, why: w}}\n"
        "    explanation: e\n    source: {{id: s, quote: q}}\n"
    )
    text = "id: g\ntitle: G\nsources: {s: {title: S}}\ncards:\n" + "".join(
        card.format(i=i) for i in range(1000)
    )
    deck = load_deck_text(text, Path("g.yaml"))
    assert len(deck.cards) == 1000
    assert deck.cards[-1].line == 4 + 999 * 8 + 1


# ---------------------------------------------------------------------------- fuzzing

_GOOD_TEXT = (GOOD / "sts.yaml").read_text(encoding="utf-8")


def _outcome(data: str | bytes) -> None:
    try:
        deck = load_deck_text(data, Path("fuzz.yaml"))
    except DeckError as e:
        assert e.problems
        for p in e.problems:
            assert isinstance(p, Problem) and p.line >= 0 and p.column >= 0
    else:
        assert isinstance(deck, Deck)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data: bytes) -> None:
    _outcome(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_fuzz_random_text(text: str) -> None:
    _outcome(text)


_SNIPPETS = [
    "\t",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "!!python/none",
    "\n",
    "'",
    '"',
    "---\n",
    "<<: ",
    "#",
    "\x00",
    "yes",
    "~",
    "{{",
    "}}",
    "\ud7ff",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_GOOD_TEXT)),
            st.integers(0, 30),
            st.sampled_from(_SNIPPETS) | st.text(max_size=5),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_mutated_good_deck(edits: list[tuple[int, int, str]]) -> None:
    text = _GOOD_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    _outcome(text)
