"""Cognitive levels: validated per question, objectives reached at their verb's level, the table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from backchannels import cli
from backchannels.quiz import question_levels
from backchannels.quiz.bank import check_report, load_all_banks, load_bank, retired_ids
from backchannels.quiz.levels import (
    LEVELS,
    MIN_HIGHER_SHARE,
    REFLECTIVE_VERBS,
    VERB_LEVELS,
    level_rows,
    objective_level,
    rank,
)

REPO = Path(__file__).resolve().parents[1]

BANK = """\
lesson: "lv"
title: "Levels"
objectives:
  - "Recognise a back channel"
  - "Classify a channel"
questions:
  - id: "lv_q1"
    type: true_false
    objective: 1
    level: remember
    prompt: "A back channel is secret."
    hint: "Think of the definition."
    explanation: "Yes."
    answer: true
  - id: "lv_q2"
    type: true_false
    objective: 2
    level: apply
    prompt: "Scholars meeting privately form a back channel."
    hint: "Who sent them?"
    explanation: "Track two."
    answer: false
"""


@pytest.fixture(autouse=True)
def module_data(monkeypatch):
    monkeypatch.setenv("BACKCHANNELS_DATA", str(REPO / "data"))


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "lv.yml"
    path.write_text(text, encoding="utf-8")
    return check_report([path]).problems


def test_valid_levels_pass(tmp_path):
    assert problems(tmp_path, BANK) == []


def test_level_is_required_and_validated(tmp_path):
    missing = problems(tmp_path, BANK.replace("    level: remember\n", ""))
    assert any("question lv_q1: 'level' is missing or empty. Fix: add level: ..." in p for p in missing)
    typo = problems(tmp_path, BANK.replace("level: remember", "level: rember"))
    assert any(
        "question lv_q1: level 'rember' is not one of remember, understand, apply, analyse, "
        "evaluate, create. Fix: did you mean 'remember'?" in p
        for p in typo
    )
    american = tmp_path / "us.yml"
    american.write_text(BANK.replace("level: apply", "level: analyze").replace('"lv"', '"us"'), encoding="utf-8")
    assert load_bank(american).question("lv_q2").level == "analyse"


def test_objective_below_its_verb_level_fails(tmp_path):
    text = BANK.replace("    level: apply\n", "    level: understand\n")
    found = problems(tmp_path, text)
    assert any(
        "objective 2 ('classify' asks for apply) has no assessed question at apply or above "
        "(its questions are at: understand)" in p
        for p in found
    )


def test_unknown_verb_fails_with_the_table(tmp_path):
    found = problems(tmp_path, BANK.replace("Classify a channel", "Ponder a channel"))
    assert any("starts with 'ponder', which is not in the verb table" in p for p in found)


def test_too_few_higher_order_questions_fails(tmp_path):
    extra = "".join(
        f"""  - id: "lv_q{n}"
    type: true_false
    objective: 1
    level: remember
    prompt: "Statement number {n} about secret talks and their envoys."
    hint: "Think of it."
    explanation: "Yes."
    answer: {"true" if n % 2 else "false"}
"""
        for n in range(3, 6)
    )
    found = problems(tmp_path, BANK + extra)
    assert any("only 1 of 5 assessed questions are at apply or above (20%)" in p for p in found)


def test_reflective_objective_is_covered_by_a_reflection(tmp_path):
    text = BANK.replace('  - "Classify a channel"\n', '  - "Classify a channel"\n  - "Reflect on secrecy"\n') + """\
  - id: "lv_q3"
    type: reflection
    objective: 3
    level: evaluate
    prompt: "Is secrecy ever justified?"
"""
    assert problems(tmp_path, text) == []
    assert objective_level("Reflect on secrecy") == "reflection"


def test_every_module_objective_is_reached_and_forty_percent_apply_or_above():
    banks = load_all_banks()
    for bank in banks:
        for number, objective in enumerate(bank.objectives, start=1):
            level = objective_level(objective)
            assert level, objective
            if level == "reflection":
                continue
            marked = [q for q in bank.questions if q.objective == number and (q.graded or q.self_marked)]
            assert any(rank(q.level) >= rank(level) for q in marked), (bank.lesson, objective)
    for row in level_rows(banks):
        assert row.higher_share >= MIN_HIGHER_SHARE, row


def test_check_prints_the_per_lesson_table(capsys):
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert "| lesson | remember | understand | apply | analyse | evaluate | create | assessed | apply+ |" in out
    for lesson in ("00", "01", "02", "03", "04", "05", "06", "07", "all"):
        assert re.search(rf"^\| {lesson} \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| \d+% \|$", out, re.M)


def test_verb_table_in_format_md_matches_the_code():
    text = (REPO / "data" / "questions" / "FORMAT.md").read_text(encoding="utf-8")
    block = text.split("<!-- verb-levels:start -->")[1].split("<!-- verb-levels:end -->")[0]
    rows = dict(re.findall(r"^\| ([a-z()]+) \| ([a-z, ]+) \|$", block, re.M))
    documented = {
        verb.strip(): level for level, verbs in rows.items() for verb in verbs.split(",") if level in LEVELS
    }
    assert documented == VERB_LEVELS
    assert set(rows["(reflection)"].split(", ")) == set(REFLECTIVE_VERBS)


def test_question_levels_for_the_class_report():
    levels = question_levels()
    assert levels["00_q9"] == {
        "lesson": "00",
        "kind": "case",
        "level": "analyse",
        "marking": "auto",
        "objective": 2,
        "objective_text": "Distinguish a back channel from track-two diplomacy, mediation and open summitry",
        "objective_level": "analyse",
    }
    assert levels["02_q10"]["marking"] == "self" and levels["06_q9"]["marking"] == "none"
    assert {v["level"] for v in levels.values()} <= set(LEVELS)


def test_retired_ids_are_never_reused(tmp_path):
    retired = retired_ids()
    assert "03_q8" in retired and retired["03_q8"]
    in_use = {q.id for b in load_all_banks() for q in b.questions}
    assert not in_use & set(retired)
    raw = yaml.safe_load((REPO / "data" / "questions" / "retired.yml").read_text(encoding="utf-8"))
    assert all(row.get("reason") for row in raw["retired"]), "every retired id says why"
    reused = tmp_path / "03.yml"
    reused.write_text(
        (REPO / "data" / "questions" / "03.yml").read_text(encoding="utf-8").replace('"03_q15"', '"03_q8"'),
        encoding="utf-8",
    )
    assert any("id '03_q8' was retired" in p for p in check_report([reused]).problems)
