"""Answer checking: mcq, choice input, typed answers (numbers, typos, unicode), typed cloze."""

from __future__ import annotations

import pytest

from quizapp.model import Card, CardType, Choice, Rating
from quizapp.study.grading import (
    GradeResult,
    grade_cloze,
    grade_mcq,
    grade_typed,
    letters,
    parse_choice_input,
    self_graded,
)
from quizapp.study.matching import match_text, normalize_text, parse_number


def typed(answer: str, *accept: str) -> Card:
    return Card(deck_id="d", id="t", type=CardType.TYPED, prompt="?", answer=answer, accept=accept)


def mcq(*correct: bool) -> Card:
    choices = tuple(Choice(text=f"option {i}", correct=c, why="…") for i, c in enumerate(correct))
    return Card(deck_id="d", id="m", type=CardType.MCQ, prompt="?", choices=choices)


def cloze(text: str) -> Card:
    return Card(deck_id="d", id="c", type=CardType.CLOZE, text=text)


SINGLE = mcq(False, True, False, False)  # B is right
MULTI = mcq(True, False, True, False)  # A and C are right

# ---------------------------------------------------------------------------
# mcq


@pytest.mark.parametrize(
    ("card", "selected", "correct", "response", "partial", "feedback"),
    [
        (SINGLE, [1], True, "B", None, ""),
        (SINGLE, [0], False, "A", None, ""),
        (SINGLE, [1, 2], False, "B,C", None, "choose one option"),
        (SINGLE, [], False, "", None, "no option chosen"),
        (MULTI, [2, 0], True, "A,C", 1.0, ""),
        (MULTI, [0], False, "A", 0.75, "1 of 2 correct options chosen"),
        (
            MULTI,
            [0, 1, 2],
            False,
            "A,B,C",
            0.75,
            "2 of 2 correct options chosen, 1 wrong option chosen",
        ),
        (MULTI, [1, 3], False, "B,D", 0.0, "0 of 2 correct options chosen, 2 wrong options chosen"),
        (MULTI, [0, 0, 2], True, "A,C", 1.0, ""),
    ],
)
def test_grade_mcq(
    card: Card,
    selected: list[int],
    correct: bool,
    response: str,
    partial: float | None,
    feedback: str,
) -> None:
    result = grade_mcq(card, selected)
    assert result.correct is correct
    assert result.suggested == (Rating.GOOD if correct else Rating.AGAIN)
    assert result.response == response
    assert result.partial == partial
    assert result.feedback == feedback


def test_mcq_expected_names_the_letters_and_texts() -> None:
    assert grade_mcq(SINGLE, [0]).expected == "B. option 1"
    assert grade_mcq(MULTI, [0]).expected == "A. option 0; C. option 2"


def test_mcq_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        grade_mcq(SINGLE, [4])
    with pytest.raises(ValueError):
        grade_mcq(typed("x"), [0])


def test_letters() -> None:
    assert letters(4) == ["A", "B", "C", "D"]
    assert letters(10)[-1] == "J"
    with pytest.raises(ValueError):
        letters(11)


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("a", 4, [0]),
        ("B", 4, [1]),
        (" c ", 4, [2]),
        ("a,c", 4, [0, 2]),
        ("a c", 4, [0, 2]),
        ("ac", 4, [0, 2]),
        ("CA", 4, [0, 2]),
        ("a, c, a", 4, [0, 2]),
        ("a and c", 4, [0, 2]),
        ("(b)", 4, [1]),
        ("b)", 4, [1]),
        ("1", 4, [0]),
        ("1 3", 4, [0, 2]),
        ("1,3", 4, [0, 2]),
        ("10", 10, [9]),
        ("j", 10, [9]),
        ("", 4, None),
        ("   ", 4, None),
        ("e", 4, None),
        ("5", 4, None),
        ("0", 4, None),
        ("none", 4, None),
        ("?!", 4, None),
        ("é", 4, None),
    ],
)
def test_parse_choice_input(text: str, n: int, expected: list[int] | None) -> None:
    assert parse_choice_input(text, n) == expected


# ---------------------------------------------------------------------------
# typed answers: the main table


@pytest.mark.parametrize(
    ("given", "answer", "accept", "correct", "typo"),
    [
        # exact, case, whitespace, punctuation, articles
        ("lymphadenectomy", "lymphadenectomy", (), True, False),
        ("LymphAdenectomy", "lymphadenectomy", (), True, False),
        ("  lymph   node  ", "lymph node", (), True, False),
        ("lymph node.", "lymph node", (), True, False),
        ('"lymph node"', "lymph node", (), True, False),
        ("the lymph node", "lymph node", (), True, False),
        ("a lymph node", "Lymph node", (), True, False),
        ("an abscess", "abscess", (), True, False),
        ("Crohns disease", "Crohn's disease", (), True, False),
        ("Crohn’s disease", "Crohn's disease", (), True, False),
        ("biopsy proven tumor positive", "biopsy-proven tumor-positive", (), True, False),
        ("biopsy–proven", "biopsy-proven", (), True, False),
        ("Vitamin A", "vitamin A", (), True, False),
        # typos
        ("lymphadenctomy", "lymphadenectomy", (), True, True),
        ("lymphadenecotmy", "lymphadenectomy", (), False, False),  # 2 edits on 15 letters
        ("metastatik disease elswhere", "metastatic disease elsewhere", (), True, True),
        ("livr", "liver", (), True, True),
        ("lver", "liver", (), True, True),
        ("iris", "irs", (), False, False),  # expected shorter than 5: no tolerance
        ("adduction", "abduction", (), False, False),
        ("dysphasia", "dysphagia", (), False, False),
        ("efferent", "afferent", (), False, False),
        ("ilium", "ileum", (), False, False),
        ("typical hyperplasia", "atypical hyperplasia", (), False, False),
        ("hypokalemia", "hyperkalemia", (), False, False),
        ("cholecystostomy tube", "cholecystectomy tube", (), False, False),
        ("no metastatic disease elsewhere", "metastatic disease elsewhere", (), False, False),
        # spelling variants (not typos)
        ("hemorrhage", "haemorrhage", (), True, False),
        ("oesophagus", "esophagus", (), True, False),
        ("tumour", "tumor", (), True, False),
        # numbers
        ("35%", "35%", (), True, False),
        ("35", "35%", (), True, False),
        ("35 %", "35%", (), True, False),
        ("35 percent", "35%", (), True, False),
        ("35 per cent", "35%", (), True, False),
        ("thirty-five percent", "35%", (), True, False),
        ("thirty five", "35%", (), True, False),
        ("about 35%", "35%", (), True, False),
        ("up to 35%", "35%", (), True, False),
        ("35.0", "35%", (), True, False),
        ("36%", "35%", (), False, False),
        ("36", "35%", (), False, False),
        ("3.5", "35%", (), False, False),
        ("35 years", "35%", (), False, False),
        ("thirty-six", "35", (), False, False),
        ("3", "3 years", (), True, False),
        ("three years", "3 years", (), True, False),
        ("3 yrs", "3 years", (), True, False),
        ("3 months", "3 years", (), False, False),
        ("3 years", "3", (), True, False),
        ("2,5 mg", "2.5 mg", (), True, False),
        ("1000", "1,000", (), True, False),
        ("one hundred and five", "105", (), True, False),
        ("twenty", "20", (), True, False),
        ("many", "35%", (), False, False),
        ("-2", "−2", (), True, False),
        # several numbers: text, after number words become digits
        ("3 or 4", "three or four", (), True, False),
        ("three or four", "3 or 4", (), True, False),
        ("3 or 5", "three or four", (), False, False),
        ("3-4", "3–4", (), True, False),
        ("3 - 4", "3-4", (), True, False),
        ("120/80", "120/80 mmHg", (), False, False),
        # text with digits: digits must match, typos elsewhere allowed
        ("T4 tumour", "T4 tumor", (), True, False),
        ("T4 tumr", "T4 tumor", (), True, True),
        ("T5 tumor", "T4 tumor", (), False, False),
        ("stage three", "stage 3", (), True, False),
        ("cd4+", "CD4+", (), True, False),
        ("A-", "A+", (), False, False),
        # comparators are part of the claim
        ("at least 35", "≥ 35", (), True, False),
        (">=35", "≥ 35", (), True, False),
        ("35", "≥ 35", (), False, False),
        ("more than thirty", "> 30", (), True, False),
        # unicode and accents
        ("Meniere disease", "Ménière disease", (), True, False),
        ("ménière", "Meniere", (), True, False),
        ("ＣＯＰＤ", "COPD", (), True, False),
        ("Sjogren syndrome", "Sjögren syndrome", (), True, False),
        # accept list
        ("RLQ", "right lower quadrant", ("RLQ", "right iliac fossa"), True, False),
        ("right iliac fosa", "right lower quadrant", ("RLQ", "right iliac fossa"), True, True),
        ("LLQ", "right lower quadrant", ("RLQ",), False, False),
        # empty answers are wrong
        ("", "liver", (), False, False),
        ("   ", "35%", (), False, False),
        ("...", "liver", (), False, False),
    ],
)
def test_grade_typed(
    given: str, answer: str, accept: tuple[str, ...], correct: bool, typo: bool
) -> None:
    result = grade_typed(typed(answer, *accept), given)
    assert result.correct is correct, (given, answer, result)
    assert result.suggested == (Rating.GOOD if correct else Rating.AGAIN)
    assert result.expected == answer
    assert result.response == given.strip()
    assert ("accepted with a typo" in result.feedback) is typo


def test_typed_feedback_notes() -> None:
    assert grade_typed(typed("liver"), "").feedback == "no answer given"
    assert grade_typed(typed("35%"), "35 years").feedback == "unit differs: expected 35%"
    assert grade_typed(typed("35%"), "many").feedback == "expected a number"
    typo = grade_typed(typed("lymphadenectomy"), "lymphadenctomy")
    assert typo.feedback == "accepted with a typo: the spelling is 'lymphadenectomy'"


def test_exact_alternative_beats_a_typo_of_the_main_answer() -> None:
    result = grade_typed(
        typed("right lower quadrant", "right lower quadrnt"), "right lower quadrnt"
    )
    assert result.correct is True
    assert result.feedback == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("35", 35.0),
        ("35%", 35.0),
        ("35 percent", 35.0),
        ("35 per cent", 35.0),
        ("thirty-five", 35.0),
        ("Thirty five %", 35.0),
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("0,25", 0.25),
        (".5", 0.5),
        ("1,000", 1000.0),
        ("1,000,000", 1_000_000.0),
        ("-2", -2.0),
        ("about 35", 35.0),
        ("3 years", 3.0),
        ("a hundred", 100.0),
        ("two thousand three hundred", 2300.0),
        ("zero", 0.0),
        ("35 patients", 35.0),
        ("≥ 35", None),
        ("more than 35", None),
        ("3 or 4", None),
        ("3-4", None),
        ("1/2", None),
        ("stage 3", None),
        ("35% of patients", None),
        ("", None),
        ("many", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  The  Ménière’s   Disease! ", "menieres disease"),
        ("thirty-five per cent", "35 per cent"),
        ("35 %", "35%"),
        ("1,500", "1500"),
        ("3 – 4", "3-4"),
        ("A", "a"),  # a lone article stays: nothing would remain
        ("≥35", "≥ 35"),
    ],
)
def test_normalize_text(text: str, normal: str) -> None:
    assert normalize_text(text) == normal


def test_match_text_returns_a_pair() -> None:
    assert match_text("35", "35%") == (True, "")
    assert match_text("", "35%") == (False, "no answer given")


# ---------------------------------------------------------------------------
# typed cloze

ONE = cloze("Dissection of {{biopsy-proven tumor-positive}} lymph nodes is recommended.")
TWO = cloze("The {{c1::femoral}} nerve and the {{c1::obturator}} nerve; {{c2::L2}}–{{c3::L4}}.")
THREE = cloze("{{c1::Surgery}}, {{c1::radiation}} and {{c1::chemotherapy}} are combined.")
NUMBERS = cloze("Survival was {{c1::38%}} at 3 years and {{c1::25%}} at 5 years.")


@pytest.mark.parametrize(
    ("card", "ord_", "given", "correct", "feedback"),
    [
        (ONE, 1, "biopsy-proven tumor-positive", True, ""),
        (ONE, 1, "Biopsy proven, tumour positive", True, ""),
        (ONE, 1, "biopsy proven tumor positiv", True, "typo"),
        (ONE, 1, "tumor-positive", False, ""),
        (ONE, 1, "", False, "no answer given"),
        (TWO, 1, "femoral; obturator", True, ""),
        (TWO, 1, "femoral, obturator", True, ""),
        (TWO, 1, "femoral … obturator", True, ""),
        (TWO, 1, "femoral...obturator", True, ""),
        (TWO, 1, "femoral obturator", True, ""),  # the full joined text
        (TWO, 1, "Femorl; obturator", True, "blank 1: accepted with a typo"),
        (TWO, 1, "obturator; femoral", False, "0 of 2 blanks right"),
        (TWO, 1, "femoral; sciatic", False, "1 of 2 blanks right"),
        (TWO, 1, "femoral", False, "type the answers in order"),
        (TWO, 2, "L2", True, ""),
        (TWO, 3, "l4", True, ""),
        (TWO, 3, "L5", False, ""),
        (THREE, 1, "surgery, radiation, chemotherapy", True, ""),
        (THREE, 1, "surgery; radiotherapy; chemotherapy", False, "2 of 3 blanks right"),
        (NUMBERS, 1, "38; 25", True, ""),
        (NUMBERS, 1, "38%, 25%", True, ""),
        (NUMBERS, 1, "thirty-eight percent; twenty-five percent", True, ""),
        (NUMBERS, 1, "38; 26", False, "1 of 2 blanks right"),
    ],
)
def test_grade_cloze(card: Card, ord_: int, given: str, correct: bool, feedback: str) -> None:
    result = grade_cloze(card, ord_, given)
    assert result.correct is correct, (given, result)
    assert result.suggested == (Rating.GOOD if correct else Rating.AGAIN)
    assert result.response == given.strip()
    if feedback == "typo":
        assert "accepted with a typo" in result.feedback
    elif feedback:
        assert feedback in result.feedback
    else:
        assert result.feedback == ""


def test_cloze_expected_joins_the_blanks() -> None:
    assert grade_cloze(TWO, 1, "x").expected == "femoral … obturator"
    with pytest.raises(ValueError):
        grade_cloze(TWO, 9, "x")


def test_self_graded() -> None:
    assert self_graded("the back") == GradeResult(
        correct=None, suggested=Rating.GOOD, response="", expected="the back"
    )


# -- shown order and cloze accept lists ------------------------------------------------


def _mcq4() -> Card:
    return Card(
        deck_id="d",
        id="m4",
        type=CardType.MCQ,
        prompt="?",
        choices=tuple(Choice(f"opt{i}", correct=i == 0) for i in range(4)),
    )


def test_grade_reads_letters_as_shown() -> None:
    from quizapp.store.items import StudyItem
    from quizapp.study.grading import grade
    from quizapp.study.presentation import Order

    card = _mcq4()
    item = StudyItem(card_pk=1, deck_id="d", deck_title="D", card_id="m4", ord=0, card=card)
    order = Order((2, 0, 3, 1))  # the key (card option 0) is shown second: B
    assert grade(item, "a", order).correct is False
    right = grade(item, "b", order)
    assert right.correct is True
    assert right.response == "A"  # logged as the card's own option
    assert right.expected == "B. opt0"  # named as the learner saw it
    assert grade(item, [1], order).correct is True


def test_cloze_accept_lists_per_deletion() -> None:
    card = Card(
        deck_id="d",
        id="c",
        type=CardType.CLOZE,
        text="Resect when {{c1::technically amenable}} after {{c2::evaluation}}.",
        cloze_accept=((1, ("technically feasible", "resectable")),),
    )
    assert grade_cloze(card, 1, "technically feasible").correct is True
    assert grade_cloze(card, 1, "resectible").correct is True  # typo of an accepted answer
    assert grade_cloze(card, 1, "inoperable").correct is False
    assert grade_cloze(card, 2, "technically feasible").correct is False  # not c2's


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("more than 35%", "at most 35%"),
        ("at least 35%", "at most 35%"),
        ("less than 35%", "at most 35%"),
        ("more than 3 or 4", "fewer than 3 or 4"),
        ("> 5 cm", "< 5 cm"),
        ("technically impossible", "technically possible"),
        ("inoperable tumour", "operable tumour"),
    ],
)
def test_a_typo_never_turns_a_claim_around(given: str, expected: str) -> None:
    assert match_text(given, expected)[0] is False


def test_comparators_still_match_their_own_wording() -> None:
    assert match_text("at most 35 %", "at most 35%")[0] is True
    assert match_text("fewer than three or four", "fewer than 3 or 4")[0] is True
