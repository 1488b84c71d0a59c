"""Pure answer checking: every question type, right, wrong, partly right and unusable input."""

from __future__ import annotations

import pytest

from backchannels.quiz.bank import (
    Event,
    Matching,
    MultipleSelect,
    Numeric,
    Option,
    Ordering,
    Pair,
    Reflection,
    Scenario,
    ShortText,
    SingleChoice,
    TrueFalse,
    Verdict,
)
from backchannels.quiz.checking import answer_text, check, parse_number
from backchannels.quiz.normalise import normalise_text

COMMON = {"lesson": "t", "objective": 1, "prompt": "?", "explanation": "Because."}

SINGLE = SingleChoice(
    id="t_q1",
    options=(
        Option("Envoys in secret", True, "Yes: authorised and secret."),
        Option("Retired academics", False, "That is track two."),
    ),
    **COMMON,
)
MULTI = MultipleSelect(
    id="t_q2",
    options=(
        Option("Authorised", True, "Needed."),
        Option("Secret", True),
        Option("Neutral venue", False, "Only sometimes."),
    ),
    **COMMON,
)
TF = TrueFalse(
    id="t_q3",
    answer=False,
    feedback_true="No: track two.",
    feedback_false="Right: track two.",
    **COMMON,
)
MATCH = Matching(
    id="t_q4",
    pairs=(
        Pair("Back channel", "Secret official talks"),
        Pair("Track two", "Unofficial experts"),
        Pair("Mediation", "A third party helps"),
    ),
    distractors=("A treaty",),
    **COMMON,
)
ORDER = Ordering(
    id="t_q5", items=(Event("Cuba", 1962), Event("Beijing", 1971), Event("Oslo", 1993)), **COMMON
)
YEAR = Numeric(id="t_q6", answer=1962, **COMMON)
DISTANCE = Numeric(id="t_q6b", answer=2.5, tolerance=0.5, unit="km", **COMMON)
TEXT = ShortText(id="t_q7", accepted=("Track two", "Søren Kierkegaard"), **COMMON)
SCENARIO = Scenario(
    id="t_q8",
    scenario="...",
    answer="illegal",
    verdicts=(
        Verdict("legal", "Legal"),
        Verdict("illegal", "Illegal", "It breaks no law? Look again."),
        Verdict("unclear", "Unclear"),
    ),
    reasons=(
        Option("No authority", True, "Yes."),
        Option("It was secret", False, "Secrecy is lawful."),
    ),
    **COMMON,
)
REFLECT = Reflection(id="t_q9", min_words=5, lesson="t", objective=1, prompt="?")

SEC = "Envoys in secret"


@pytest.mark.parametrize(
    ("question", "answer", "score"),
    [
        (SINGLE, SEC, 1.0),
        (MULTI, ["Authorised", "Secret"], 1.0),
        (MULTI, ("Secret", "Authorised"), 1.0),
        (TF, False, 1.0),
        (
            MATCH,
            {
                "Back channel": "Secret official talks",
                "Track two": "Unofficial experts",
                "Mediation": "A third party helps",
            },
            1.0,
        ),
        (ORDER, {"Cuba": 1, "Beijing": 2, "Oslo": 3}, 1.0),
        (YEAR, "1962", 1.0),
        (YEAR, " 1962 ", 1.0),
        (YEAR, "1,962", 1.0),
        (YEAR, "1 962", 1.0),
        (YEAR, "１９６２", 1.0),
        (YEAR, 1962, 1.0),
        (DISTANCE, "2,9 km", 1.0),
        (DISTANCE, "2", 1.0),
        (TEXT, "track two", 1.0),
        (TEXT, "  TRACK-TWO. ", 1.0),
        (TEXT, "Track\u200b two", 1.0),
        (TEXT, "soren kierkegaard", 1.0),
        (
            ShortText(id="t_q7b", accepted=("Palais de l’Élysée", "U.S."), **COMMON),
            "palais de l elysee",
            1.0,
        ),
        (ShortText(id="t_q7b", accepted=("Palais de l’Élysée", "U.S."), **COMMON), "u s", 1.0),
        (SCENARIO, ("illegal", "No authority"), 1.0),
    ],
)
def test_right_answers(question, answer, score):
    feedback = check(question, answer)
    assert feedback.correct is True, feedback.message
    assert feedback.message.startswith("✓ Correct — ")
    assert feedback.score == score


@pytest.mark.parametrize(
    ("question", "answer", "score", "says"),
    [
        (SINGLE, "Retired academics", 0.0, "That is track two."),
        (MULTI, ["Authorised"], 0.5, "you ticked 1 of the 2 right options."),
        (MULTI, ["Authorised", "Secret", "Neutral venue"], 0.5, "and 1 that does not apply"),
        (MULTI, ["Neutral venue"], 0.0, "Only sometimes."),
        (TF, True, 0.0, "No: track two."),
        (
            MATCH,
            {
                "Back channel": "Unofficial experts",
                "Track two": "Secret official talks",
                "Mediation": "A third party helps",
            },
            1 / 3,
            "1 of 3 matches are right",
        ),
        (ORDER, {"Cuba": 2, "Beijing": 1, "Oslo": 3}, 1 / 3, "1 of 3 are in the right place"),
        (YEAR, "1961", 0.0, "1961 is not the answer"),
        (YEAR, "1962.5", 0.0, "1962.5 is not the answer"),
        (DISTANCE, "3.1 km", 0.0, "3.1 km is not the answer"),
        (TEXT, "trak twoo", 0.0, "is close — check the spelling"),
        (TEXT, "track one", 0.0, "is not one of the answers we accept"),
        (TEXT, "mediation", 0.0, "is not one of the answers we accept"),
        (SCENARIO, ("illegal", "It was secret"), 0.5, "the verdict is right, but not the reason"),
        (SCENARIO, ("legal", "No authority"), 0.5, "leads to a different verdict"),
        (SCENARIO, ("unclear", "It was secret"), 0.0, "Secrecy is lawful."),
    ],
)
def test_wrong_answers_say_why(question, answer, score, says):
    feedback = check(question, answer)
    assert feedback.correct is False
    assert feedback.message.startswith("✗ Not quite — ")
    assert says in feedback.message
    assert feedback.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("question", "answer", "says"),
    [
        (SINGLE, None, "Nothing selected yet"),
        (SINGLE, "", "Nothing selected yet"),
        (SINGLE, "An option that does not exist", "not one of the options"),
        (MULTI, [], "Nothing ticked yet"),
        (MULTI, ["Bogus"], "not one of the options"),
        (MULTI, None, "could not be read"),
        (TF, None, "choose True or False"),
        (TF, "yes", "Choose True or False"),
        (MATCH, {"Back channel": "Secret official talks"}, "2 are still empty"),
        (MATCH, {"Back channel": "x", "Track two": "y", "Mediation": "z"}, "from the list"),
        (MATCH, "not a mapping", "could not be read"),
        (ORDER, {"Cuba": 1, "Beijing": None, "Oslo": 3}, "1 is still empty"),
        (ORDER, {"Cuba": 1, "Beijing": 1, "Oslo": 3}, "Position 1 is given to more than one item"),
        (ORDER, {"Cuba": 1, "Beijing": 2, "Oslo": 9}, "Use the positions 1 to 3"),
        (YEAR, "", "Type a number first"),
        (YEAR, "   \t ", "Type a number first"),
        (YEAR, "nineteen sixty-two", "is not a number we can read — type it with digits"),
        (YEAR, "1962-1963", "is not a number"),
        (YEAR, "1e3", "is not a number"),
        (YEAR, "nan", "is not a number"),
        (YEAR, float("nan"), "is not a number"),
        (YEAR, "9" * 10_000, "far too long"),
        (YEAR, None, "Type a number"),
        (TEXT, "", "Type an answer first"),
        (TEXT, " \u200b\u202e \n", "Type an answer first"),
        (TEXT, "x" * 10_000, "much longer than a short answer (10,000 characters)"),
        (TEXT, None, "Type a word"),
        (SCENARIO, (None, None), "Choose a verdict first"),
        (SCENARIO, ("legal", None), "choose the reason"),
        (SCENARIO, ("nonsense", "No authority"), "from the options shown"),
        (SCENARIO, None, "could not be read"),
    ],
)
def test_unusable_input_is_explained_not_counted(question, answer, says):
    feedback = check(question, answer)
    assert feedback.correct is None
    assert says in feedback.message
    assert "Traceback" not in feedback.message


@pytest.mark.parametrize(
    "odd",
    [
        "🙂",
        "\x00\x07",
        "\ud800",
        "ﷺ",
        "\u0301\u0301",
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "١٩٦٢",
    ],
)
@pytest.mark.parametrize(
    "question", [SINGLE, MULTI, TF, MATCH, ORDER, YEAR, TEXT, SCENARIO, REFLECT]
)
def test_odd_unicode_never_raises(question, odd):
    feedback = check(question, odd)
    assert feedback.correct in (None, False, True)
    assert feedback.message


def test_student_text_is_quoted_with_markdown_escaped():
    message = check(TEXT, "**bold** [link](javascript:x)").message
    assert r"\*\*bold\*\* \[link\]" in message


def test_reflection_is_saved_never_graded():
    short = check(REFLECT, "Secrecy protects talks.")
    assert short.correct is None and short.saved
    assert "Saved — 3 words" in short.message and "at least 5 words" in short.message
    long = check(REFLECT, "Secrecy lets both sides explore without losing face.")
    assert long.saved and "at least" not in long.message
    assert not check(REFLECT, "   ").saved
    assert not check(REFLECT, "w " * 20_000).saved


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1962", 1962),
        ("+5", 5),
        ("−5", -5),
        ("3,5", 3.5),
        ("3.5", 3.5),
        (".5", 0.5),
        ("12,345.5", 12345.5),
        ("1\u202f962", 1962),
        ("١٩٦٢", 1962),
        ("1,234 567", None),
        ("1,23,4", None),
        ("inf", None),
        ("", None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_normalise_text_folds_case_accents_spacing_and_punctuation():
    assert (
        normalise_text("  Søren  KIERKEGAARD. ")
        == normalise_text("soren kierkegaard")
        == "soren kierkegaard"
    )
    assert normalise_text("Rød-Larsen") == "rod larsen"
    assert normalise_text("U.S.") == "us"
    assert normalise_text("Palais de l’Élysée") == "palais de lelysee"
    assert normalise_text("Cafe\u0301") == "cafe"


@pytest.mark.parametrize(
    ("question", "shows"),
    [
        (SINGLE, "**Answer:** Envoys in secret"),
        (MULTI, "Authorised; Secret"),
        (TF, "**Answer:** False"),
        (MATCH, "- Track two → Unofficial experts"),
        (ORDER, "1. Cuba (1962)\n2. Beijing (1971)"),
        (YEAR, "**Answer:** 1962"),
        (DISTANCE, "2.5 km (within ±0.5)"),
        (TEXT, "Track two / Søren Kierkegaard"),
        (SCENARIO, "Illegal, because no authority"),
    ],
)
def test_revealed_answer_includes_explanation(question, shows):
    text = answer_text(question)
    assert shows in text
    assert text.endswith("Because.")


def test_reflection_has_nothing_to_reveal():
    assert answer_text(REFLECT) == ""
