"""Item-writing lint: each rule is caught on its fixture, opt-outs need a reason and are listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from backchannels import cli
from backchannels.quiz.bank import check_report, load_all_banks, load_bank
from backchannels.quiz.lint import lint_banks

REPO = Path(__file__).resolve().parents[1]
LINT = REPO / "tests" / "fixtures" / "questions" / "lint"


@pytest.fixture(autouse=True)
def module_data(monkeypatch):
    """Point the package at this checkout's data folder."""
    monkeypatch.setenv("BACKCHANNELS_DATA", str(REPO / "data"))


def findings(*names: str) -> list[tuple[str, str]]:
    """Return (rule, question id) for every finding over the named fixture banks."""
    report = lint_banks([load_bank(LINT / f"{n}.yml") for n in names])
    return sorted((f.rule, f.question.id) for f in report.findings)


def test_clean_bank_has_no_findings():
    assert findings("clean") == []
    assert check_report([LINT / "clean.yml"]).problems == []


def test_right_option_clearly_longest():
    assert findings("longest") == [("longest_right", "longest_q1")]


def test_absolute_words_in_wrong_options_and_false_statements():
    assert findings("absolute") == [
        ("absolute_wrong", "absolute_q1"),
        ("absolute_wrong", "absolute_q2"),
    ]
    lines = check_report([LINT / "absolute.yml"]).problems
    assert any("'always' in a wrong option" in line for line in lines)
    assert any("'never' in the false statement" in line for line in lines)


def test_hints_that_repeat_the_answer():
    assert findings("hint") == [
        ("hint_cue", "hint_q1"),
        ("hint_cue", "hint_q2"),
        ("hint_cue", "hint_q3"),
    ]


def test_tick_all_with_all_or_all_but_one_right():
    assert findings("tickall") == [("tick_all", "tickall_q1"), ("tick_all", "tickall_q2")]


def test_near_duplicate_prompts_across_banks():
    assert findings("dup_a") == [] and findings("dup_b") == []
    assert findings("dup_a", "dup_b") == [
        ("near_duplicate", "dup_a_q1"),
        ("near_duplicate", "dup_b_q1"),
    ]
    lines = check_report([LINT / "dup_a.yml", LINT / "dup_b.yml"]).problems
    assert any("dup_b_q1: [near_duplicate] the prompt nearly repeats dup_a_q1's" in x for x in lines)


def test_near_duplicate_cases_worded_differently():
    """Two questions that test the same case (names, years, counts) are caught however they are worded."""
    assert findings("samecase_a") == [] and findings("samecase_b") == []
    assert findings("samecase_a", "samecase_b") == [
        ("near_duplicate", "samecase_a_q1"),
        ("near_duplicate", "samecase_b_q1"),
    ]
    lines = check_report([LINT / "samecase_a.yml", LINT / "samecase_b.yml"]).problems
    assert any("samecase_b_q1: [near_duplicate] it tests the same case as samecase_a_q1" in x for x in lines)
    assert any("names shared: 136, 1955, 1970" in x for x in lines)


def test_case_names_skip_sentence_openers_and_offices():
    from backchannels.quiz.lint import case_names

    assert case_names("The President met Dobrynin in Washington in 1962. Then Kennedy wrote.") == {
        "Dobrynin",
        "Washington",
        "1962",
        "Kennedy",
    }


def test_absolute_words_include_ever_whatever_and_alone():
    from backchannels.quiz.lint import absolute_words

    assert absolute_words("No court has ever ruled on it") == ["ever"]
    assert absolute_words("It is treason, whatever is discussed") == ["whatever"]
    assert absolute_words("for the talks alone") == ["alone"]


def test_hedging_figures_compare_right_and_wrong_options():
    from backchannels.quiz.lint import hedged

    assert hedged("Back channels can bring breakthroughs") and not hedged("Back channels bring breakthroughs")
    figures = lint_banks(load_all_banks()).figures
    right = int(figures["hedged right options"].split("%")[0].rsplit("(", 1)[1])
    wrong = int(figures["hedged wrong options"].split("%")[0].rsplit("(", 1)[1])
    assert abs(right - wrong) <= 10, "qualifiers do not give the right option away"
    true, false = map(int, figures["hedged true/false statements true:false"].split(":"))
    assert not (true >= 2 and false == 0), "hedged statements are not all true"


def test_opt_out_with_reason_passes_and_is_listed(capsys):
    report = check_report([LINT / "optout.yml"])
    assert report.problems == []
    assert report.opt_outs == [
        "optout_q1: longest_right (the right option is clearly the longest); reason: The right "
        "answer has to name both marks; shortening it would make it vague."
    ]
    assert cli.main(["check", str(LINT / "optout.yml")]) == 0
    out = capsys.readouterr().out
    assert "Lint opt-outs (1):" in out and "optout_q1: longest_right" in out


def test_opt_out_needs_a_known_rule_and_a_real_reason(tmp_path):
    text = (LINT / "optout.yml").read_text(encoding="utf-8")
    short = tmp_path / "short.yml"
    short.write_text(
        text.replace('lesson: "optout"', 'lesson: "short"').replace(
            "The right answer has to name both marks; shortening it would make it vague.", "fine"
        ),
        encoding="utf-8",
    )
    assert any("reason 'fine' is too short" in p for p in check_report([short]).problems)
    unknown = tmp_path / "unknown.yml"
    unknown.write_text(
        text.replace('lesson: "optout"', 'lesson: "unknown"').replace(
            "rule: longest_right", "rule: longest"
        ),
        encoding="utf-8",
    )
    problems = check_report([unknown]).problems
    assert any("unknown rule 'longest'. Fix: use one of longest_right" in p for p in problems)


def test_unused_opt_out_is_reported_as_removable(tmp_path):
    text = (LINT / "optout.yml").read_text(encoding="utf-8")
    path = tmp_path / "unused.yml"
    path.write_text(
        text.replace('lesson: "optout"', 'lesson: "unused"').replace(
            "A back channel, because the leaders authorised it and it was kept secret from the public",
            "A back channel",
        ),
        encoding="utf-8",
    )
    report = check_report([path])
    assert report.problems == []
    assert report.opt_outs and "not triggered, the opt-out can go" in report.opt_outs[0]


def test_module_banks_are_lint_clean_and_figures_are_measured():
    report = lint_banks(load_all_banks())
    assert report.findings == []
    figures = report.figures
    assert figures["right option clearly longest (lint)"].startswith("0 of ")
    assert figures["wrong options with absolute words"].startswith("0 of ")
    assert figures["hints repeating the answer"] == "0"
    true, false = map(int, figures["true/false answers true:false"].split(":"))
    assert abs(true - false) <= 2, "true/false answers are balanced across the module"
    # Every opt-out in the module carries a written reason.
    for line in report.opt_out_lines():
        assert "reason: " in line and len(line.split("reason: ", 1)[1].split()) >= 5
