"""Question banks: the real banks validate; every kind of broken bank names file, id and fix."""

from __future__ import annotations

import importlib.util
import logging
import sys
import types
from pathlib import Path

import pytest

from backchannels import cli
from backchannels.quiz.bank import (
    BankError,
    Matching,
    check_banks,
    check_report,
    find_question,
    load_all_banks,
    load_bank,
)

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "fixtures" / "questions" / "demo.yml"

VALID = """\
lesson: "x1"
title: "A test lesson"
objectives:
  - "Recognise a back channel"
  - "Distinguish track two"
questions:
  - id: "x1_q1"
    type: single_choice
    objective: 1
    level: remember
    prompt: "Which is a back channel?"
    hint: "Who authorised it?"
    explanation: "Official and secret."
    options:
      - text: "Secret talks of authorised envoys"
        correct: true
        feedback: "Yes."
      - text: "A workshop of retired officials"
        feedback: "Track two."
  - id: "x1_q2"
    type: matching
    objective: 2
    level: analyse
    prompt: "Match them."
    hint: "Who talks?"
    explanation: "Authority and secrecy."
    pairs:
      - left: "Back channel"
        right: "Authorised and secret"
      - left: "Track two"
        right: "Unofficial experts"
"""


@pytest.fixture(autouse=True)
def module_data(monkeypatch):
    """Point the package at this checkout's data folder, whatever the layout around it."""
    monkeypatch.setenv("BACKCHANNELS_DATA", str(REPO / "data"))


def write(folder: Path, text: str, name: str = "x1.yml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, text: str, name: str = "x1.yml") -> str:
    """Return check_banks' problems for one file as one string, checking load_bank agrees."""
    path = write(tmp_path, text, name)
    problems = check_banks([path])
    assert problems, "the broken bank was accepted"
    with pytest.raises(BankError) as raised:
        load_bank(path)
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == "\n".join(problems)
    return "\n".join(problems)


def test_module_banks_are_valid():
    assert check_banks(None) == []
    banks = load_all_banks()
    assert [b.lesson for b in banks][:1] == ["00"]


def test_start_here_bank_covers_every_objective():
    bank = load_bank("00")
    assert 3 <= len(bank.questions) <= 6  # the start page stays short
    assert {q.objective for q in bank.questions} == set(range(1, len(bank.objectives) + 1))


def test_demo_bank_has_one_question_of_every_type():
    assert check_report([DEMO]).schema == []
    bank = load_bank(DEMO)
    assert sorted(q.kind for q in bank.questions) == sorted(
        [
            "single_choice",
            "multiple_select",
            "true_false",
            "matching",
            "ordering",
            "numeric",
            "short_text",
            "scenario",
            "reflection",
        ]
    )
    assert isinstance(bank.question("demo_q4"), Matching)


def test_valid_text_is_valid(tmp_path):
    assert check_banks([write(tmp_path, VALID)]) == []
    bank = load_bank(tmp_path / "x1.yml")
    assert [q.id for q in bank.questions] == ["x1_q1", "x1_q2"]
    assert bank.question("x1_q1").line == 7


def test_misspelt_key_suggests_the_nearest(tmp_path):
    text = problems_for(tmp_path, VALID.replace('    prompt: "Which', '    promt: "Which'))
    assert (
        "x1.yml:7: question x1_q1: unknown key 'promt'. Fix: did you mean 'prompt'? Rename the key"
        in text
    )
    assert "'prompt' is missing or empty. Fix: add prompt: ..." in text


def test_misspelt_option_key_names_the_option(tmp_path):
    text = problems_for(
        tmp_path, VALID.replace('        feedback: "Yes."', '        feedbak: "Yes."')
    )
    assert "question x1_q1, option 1: unknown key 'feedbak'. Fix: did you mean 'feedback'?" in text


def test_unknown_type_suggests_the_nearest(tmp_path):
    text = problems_for(tmp_path, VALID.replace("type: single_choice", "type: single-choice"))
    assert (
        "x1.yml:7: question x1_q1: unknown type 'single-choice'. Fix: did you mean 'single_choice'?"
        in text
    )


def test_no_correct_answer(tmp_path):
    text = problems_for(tmp_path, VALID.replace("        correct: true\n", ""))
    assert (
        "question x1_q1: no entry in 'options' is marked correct. Fix: mark the right one with correct: true"
        in text
    )


def test_two_correct_answers_in_single_choice(tmp_path):
    broken = VALID.replace(
        '        feedback: "Track two."', '        feedback: "Track two."\n        correct: true'
    )
    text = problems_for(tmp_path, broken)
    assert "2 entries in 'options' are marked correct; exactly one must be" in text
    assert "or use type: multiple_select" in text


def test_matching_pair_that_points_nowhere(tmp_path):
    text = problems_for(tmp_path, VALID.replace('        right: "Unofficial experts"\n', ""))
    assert text.count("\n") == 0, "one problem, reported once"
    assert (
        "x1.yml:30: question x1_q2: pair 2 ('Track two') points nowhere: it has no 'right' item. "
        "Fix: add right: ... under left: Track two"
    ) in text


def test_duplicate_id_in_one_file(tmp_path):
    text = problems_for(tmp_path, VALID.replace('id: "x1_q2"', 'id: "x1_q1"'))
    assert (
        "x1.yml:20: question x1_q1: id 'x1_q1' is already used on line 7. Fix: give this question a new id"
        in text
    )


def test_duplicate_id_across_files(tmp_path):
    first = write(tmp_path, VALID)
    second = write(tmp_path, VALID.replace('"x1"', '"x2"').replace("x1_q2", "x2_q2"), "x2.yml")
    problems = check_banks([first, second])
    expected = (
        f"{second}:7: question x1_q1: id 'x1_q1' is already used in {first}:7. "
        "Fix: give one of them a new id (ids are unique across the module and never reused)"
    )
    assert problems == [expected]


def test_duplicate_id_across_the_module_stops_load_all_banks(tmp_path, monkeypatch):
    (tmp_path / "questions").mkdir()
    write(tmp_path / "questions", VALID)
    write(tmp_path / "questions", VALID.replace('"x1"', '"x2"').replace("x1_q2", "x2_q2"), "x2.yml")
    monkeypatch.setenv("BACKCHANNELS_DATA", str(tmp_path))
    with pytest.raises(
        BankError, match=r"x2\.yml:7: question x1_q1: id 'x1_q1' is already used in .*x1\.yml:7"
    ):
        load_all_banks()


def test_objective_out_of_range(tmp_path):
    text = problems_for(tmp_path, VALID.replace("objective: 2", "objective: 3"))
    assert (
        "x1.yml:20: question x1_q2: objective 3 is out of range (the lesson has 2). "
        "Fix: use a number from 1 to 2, or add the objective to 'objectives'"
    ) in text


def test_objective_without_a_question(tmp_path):
    text = problems_for(
        tmp_path,
        VALID.replace(
            '  - "Distinguish track two"\n',
            '  - "Distinguish track two"\n  - "Argue about secrecy"\n',
        ),
    )
    assert (
        'x1.yml:1: bank: objective 3 ("Argue about secrecy") has no question. '
        "Fix: add a question with objective: 3, or remove the objective"
    ) in text


def test_yaml_syntax_error_names_the_line(tmp_path):
    text = problems_for(
        tmp_path, VALID.replace('prompt: "Match them."', 'prompt: "Match them." extra"')
    )
    assert text.startswith(f"{tmp_path / 'x1.yml'}:24: YAML syntax error:")
    assert "Fix: check indentation and quoting near line 24" in text


def test_yes_and_no_read_as_booleans_need_quotes(tmp_path):
    text = problems_for(
        tmp_path, VALID.replace('text: "A workshop of retired officials"', "text: No")
    )
    assert (
        "option 2: 'text' was read as false, not as text. Fix: put the text in quotes: text: \"No\""
        in text
    )


def test_lesson_must_match_file_name(tmp_path):
    text = problems_for(tmp_path, VALID, name="x9.yml")
    assert (
        "bank: lesson 'x1' does not match the file name x9.yml. Fix: write lesson: \"x9\" or rename"
        in text
    )


def test_key_written_twice(tmp_path):
    text = problems_for(
        tmp_path,
        VALID.replace('    hint: "Who talks?"', '    hint: "Who talks?"\n    hint: "Again"'),
    )
    assert "question x1_q2: key 'hint' is written twice. Fix: keep only one of them" in text


def test_key_of_another_type(tmp_path):
    text = problems_for(
        tmp_path,
        VALID.replace('    hint: "Who talks?"', '    hint: "Who talks?"\n    tolerance: 2'),
    )
    assert (
        "unknown key 'tolerance'. Fix: remove it; 'tolerance' belongs to other question types, not matching"
        in text
    )


def test_ordering_items_must_be_listed_in_order(tmp_path):
    bank = (
        VALID
        + """\
  - id: "x1_q3"
    type: ordering
    objective: 2
    level: remember
    prompt: "Order them."
    hint: "h"
    explanation: "e"
    items:
      - text: "Oslo"
        year: 1993
      - text: "Cuba"
        year: 1962
"""
    )
    text = problems_for(tmp_path, bank)
    assert (
        "question x1_q3: items must be listed in the correct order, but 'Cuba' (1962) comes after 'Oslo' (1993)"
        in text
    )


def test_scenario_answer_must_be_a_verdict(tmp_path):
    bank = (
        VALID
        + """\
  - id: "x1_q3"
    type: scenario
    objective: 2
    level: apply
    prompt: "Classify."
    scenario: "Someone talks."
    hint: "h"
    explanation: "e"
    verdicts:
      - {id: legal, label: Legal}
      - {id: illegal, label: Illegal}
    answer: ilegal
    reasons:
      - {text: "No authority", correct: true}
      - {text: "Secret"}
"""
    )
    text = problems_for(tmp_path, bank)
    assert (
        "answer 'ilegal' is not one of the verdict ids (legal, illegal). Fix: did you mean 'illegal'?"
        in text
    )


def test_missing_hint_is_a_warning_not_a_problem(tmp_path, caplog):
    path = write(tmp_path, VALID.replace('    hint: "Who talks?"\n', ""))
    with caplog.at_level(logging.WARNING, logger="backchannels.quiz.bank"):
        assert check_banks([path]) == []
    assert "question x1_q2: no hint. Fix: add hint: ..." in caplog.text
    load_bank(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"- just\n- a list\n",
        b"lesson: [unclosed\n",
        b"questions: 12\n",
    ],
)
def test_garbage_is_reported_never_raised(tmp_path, content):
    path = tmp_path / "x1.yml"
    path.write_bytes(content)
    problems = check_banks([path])
    assert problems and all(str(path) in p and "Fix:" in p for p in problems)


def test_missing_file_is_reported(tmp_path):
    expected = f"{tmp_path / 'nope.yml'}: file not found. Fix: check the path or the lesson number"
    assert check_banks([tmp_path / "nope.yml"]) == [expected]
    with pytest.raises(
        BankError, match=r"no question bank for 'zz'\. Fix: use a lesson that has a bank \(00"
    ):
        load_bank("zz")


def test_find_question_by_id():
    bank, question = find_question("00_q2")
    assert bank.lesson == "00" and question.id == "00_q2"
    with pytest.raises(BankError, match="no question with id '00_q99'"):
        find_question("00_q99")


def test_edits_are_picked_up_without_a_restart(tmp_path):
    path = write(tmp_path, VALID)
    assert load_bank(path).title == "A test lesson"
    write(tmp_path, VALID.replace("A test lesson", "Renamed lesson!"))
    assert load_bank(path).title == "Renamed lesson!"


@pytest.fixture
def data_checker(monkeypatch):
    """Stand in for the data checker of the data branch when this branch does not have it yet."""
    if importlib.util.find_spec("backchannels.data") is None:
        stub = types.ModuleType("backchannels.data")
        stub.check_all = lambda folder=None: []  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "backchannels.data", stub)


def test_cli_check_reports_problems_and_exit_code(tmp_path, capsys, data_checker):
    broken = write(tmp_path, VALID.replace("objective: 2", "objective: 5"))
    assert cli.main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "question x1_q2: objective 5 is out of range" in err
    assert (
        'objective 2 ("Distinguish track two") has no question' in err
        and "2 problem(s) found." in err
    )
    assert cli.main(["check", str(write(tmp_path, VALID, "x2.yml").rename(tmp_path / "x1.yml"))]) == 0
    out = capsys.readouterr().out
    assert "All data tables and question banks are valid." in out
    assert "| x1 | 1 | 0 | 0 | 1 | 0 | 0 | 2 | 50% |" in out


def _case_rows() -> list[dict[str, str]]:
    """Return the rows of data/cases.csv."""
    import csv

    with open(REPO / "data" / "cases.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def test_04_q19_states_the_case_data_correctly():
    """04_q19 quotes counts computed here from data/cases.csv; if the coding changes, the question must too."""
    rows = _case_rows()

    def agreements(kind: str) -> tuple[str, str]:
        outcomes = [r["outcome"] for r in rows if r["channel_type"] == kind]
        return NUMBER_WORDS[outcomes.count("agreement")], NUMBER_WORDS[len(outcomes)]

    state, direct = agreements("via_state_intermediary"), agreements("direct_secret")
    question = load_bank("05").question("04_q19")
    prompt = " ".join(question.prompt.split())
    assert f"{state[0]} of the {state[1]} channels that ran through a third state ended in an agreement" in prompt
    assert f"against {direct[0]} of the {direct[1]} direct secret channels" in prompt
    both = int(NUMBER_WORDS.index(state[1])) + int(NUMBER_WORDS.index(direct[1]))
    assert NUMBER_WORDS[both].capitalize() in question.options[0].text
    wrong = " ".join(o.feedback for o in question.options)
    assert f"{state[0]} of the {state[1]} as agreements" in wrong
    assert f"{state[0].capitalize()} of {state[1]} against {direct[0]} of {direct[1]}" in wrong


def test_04_q23_facts_state_the_case_data_correctly():
    """04_q23's facts about the case data (counts, diplomatic relations, US involvement) hold in data/cases.csv."""
    rows = _case_rows()
    state = [r for r in rows if r["channel_type"] == "via_state_intermediary"]
    direct = [r for r in rows if r["channel_type"] == "direct_secret"]
    facts = [" ".join(f.text.split()) for f in load_bank("05").question("04_q23").facts]
    count = lambda group: sum(r["outcome"] == "agreement" for r in group)  # noqa: E731
    assert facts[0].startswith(
        f"{NUMBER_WORDS[count(state)].capitalize()} of the {NUMBER_WORDS[len(state)]} third-state channels"
    )
    assert f"against {NUMBER_WORDS[count(direct)]} of the {NUMBER_WORDS[len(direct)]} direct ones" in facts[0]
    assert all(r["formal_relations"] == "no" for r in state) and "Every third-state channel" in facts[1]
    assert sum(r["formal_relations"] == "yes" for r in direct) * 2 == len(direct) and "half of the direct" in facts[1]
    with_us = sum("United States" in r["parties"] for r in state)
    assert with_us * 2 == len(state) and facts[3].startswith("Half of the third-state channels")


def test_04_q12_key_is_computed_from_the_case_data():
    """04_q12's key is the RFK–Dobrynin channel's years to disclosure in data/cases.csv."""
    row = next(r for r in _case_rows() if r["case_id"] == "cmc_rfk_dobrynin_1962")
    question = load_bank("05").question("04_q12")
    years = int(row["became_public_year"]) - int(row["start_year"])
    assert question.answer == years
    assert f"{row['became_public_year']} − {row['start_year']} = {years}" in question.explanation


def test_check_fails_on_a_notebook_that_shows_an_undefined_or_retired_id(tmp_path):
    """A show_question cell for an id no bank defines (or a retired one) is a check problem, not a crash in class."""
    import json

    from backchannels.quiz.bank import load_all_banks, notebook_id_problems

    cells = [
        {"cell_type": "code", "source": ['show_question("01_q1")\n', 'show_question("03_q3")']},
        {"cell_type": "code", "source": "show_question('09_q1')"},
        {"cell_type": "code", "source": 'show_quiz("00")\nshow_quiz(lesson="42")'},
        {"cell_type": "markdown", "source": 'show_question("99_q9") in prose is not a call'},
    ]
    (tmp_path / "01_x.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    problems = notebook_id_problems(list(load_all_banks()), tmp_path)
    assert len(problems) == 3, problems
    assert 'show_question("03_q3")' in problems[0] and "it was retired" in problems[0]
    assert 'show_question("09_q1")' in problems[1] and "no bank defines it" in problems[1]
    assert 'show_quiz("42")' in problems[2] and "cell 2" in problems[2]


def test_module_notebooks_show_only_questions_the_banks_define():
    from backchannels.quiz.bank import load_all_banks, notebook_calls, notebook_id_problems

    assert len(notebook_calls()) > 50  # the scan finds the lessons' cells
    assert notebook_id_problems(list(load_all_banks())) == []


@pytest.mark.parametrize("lesson", ["00", "01", "02", "03", "04", "05", "06", "07"])
def test_bank_objectives_are_the_notebooks_objectives_word_for_word(lesson):
    """The bank assesses the objectives the student reads: same wording, same number, same order."""
    import json
    import re

    path = next((REPO / "notebooks").glob(f"{lesson}_*.ipynb"))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    opening = next("".join(c["source"]) for c in cells if "## Learning objectives" in "".join(c["source"]))
    listed = [
        re.sub(r"\*\*", "", item).strip().rstrip(".")
        for item in re.findall(r"^\d+\. (.+)$", opening, re.MULTILINE)
    ]
    assert listed == list(load_bank(lesson).objectives)


def test_04_q25_pairs_differ_as_the_question_says():
    """04_q25's keyed pair differs from each other only in legal issue in data/cases.csv; the others do not isolate it."""
    rows = {r["case_id"]: r for r in _case_rows()}

    def attributes(case_id: str) -> tuple[str, str, int, str]:
        r = rows[case_id]
        return r["channel_type"], r["outcome"], int(r["became_public_year"]) - int(r["start_year"]), r["legal_issue"]

    def differences(a: str, b: str) -> list[int]:
        return [i for i, (x, y) in enumerate(zip(attributes(a), attributes(b))) if x != y]

    assert differences("oslo_channel_1993", "us_cuba_secret_talks") == [3]
    assert rows["oslo_channel_1993"]["legal_issue"] != "none" and rows["us_cuba_secret_talks"]["legal_issue"] == "none"
    assert "none" not in (rows["kushner_kislyak_channel_2016"]["legal_issue"], rows["flynn_kislyak_calls_2016"]["legal_issue"])
    assert len(differences("iran_contra_1985", "oslo_channel_1993")) >= 3
    assert rows["cmc_rfk_dobrynin_1962"]["legal_issue"] == rows["kissinger_le_duc_tho_1969"]["legal_issue"] == "none"
    assert differences("cmc_rfk_dobrynin_1962", "kissinger_le_duc_tho_1969") == [2]
    question = load_bank("05").question("04_q25")
    assert next(o for o in question.options if o.correct).text.startswith("Oslo and the US–Cuba talks")


def test_a_renumbered_lesson_keeps_its_question_ids_through_id_prefix(tmp_path, caplog):
    """Lesson 05 was split from 04: its bank says id_prefix "04", and only ids that differ from it warn."""
    text = (REPO / "data" / "questions" / "05.yml").read_text(encoding="utf-8")
    assert 'id_prefix: "04"' in text
    with caplog.at_level(logging.WARNING, logger="backchannels.quiz.bank"):
        assert check_banks([REPO / "data" / "questions" / "05.yml"]) == []
    assert "does not start with" not in caplog.text
    moved = tmp_path / "05.yml"
    moved.write_text(text.replace('id_prefix: "04"\n', ""), encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="backchannels.quiz.bank"):
        check_banks([moved])
    assert "does not start with '05_'" in caplog.text and "id_prefix" in caplog.text
