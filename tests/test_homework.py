"""Homework tests: run the real nbgrader on the course in exercises/ (generate, autograde, feedback).

One batch of submissions is graded once (two worker processes) and shared by the tests: the
instructor version of every assignment, the unanswered student version, and broken ps1
submissions (not JSON, an endless loop, a cell that kills the kernel, a deleted answer cell, an
edited test cell, a huge output, a missing file). A smaller batch is graded again sequentially to
compare scores.
"""

from __future__ import annotations

import copy
import html
import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from backchannels import grading
from backchannels.grading.check import _text
from backchannels.grading.preprocessors import HideHiddenTests

pytestmark = pytest.mark.nbgrader

EXERCISES = grading.course_dir()
HAS_DATA = importlib.util.find_spec("backchannels.data") is not None
ASSIGNMENTS = [a for a in grading.assignments() if HAS_DATA or a != "ps2_cases"]
BROKEN = {"carl": "not JSON", "dora": "endless loop", "eve": "kernel exit", "fay": "deleted cell",
          "gus": "edited test", "hal": "huge output", "ivy": "missing file"}


def _nb(kind: str, assignment: str) -> dict:
    return json.loads((EXERCISES / kind / assignment / f"{assignment}.ipynb").read_text())


def _set(nb: dict, grade_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
    return nb


def _put(root: Path, student: str, assignment: str, nb: dict | None, raw: str | None = None) -> None:
    folder = root / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if nb is not None or raw is not None:
        (folder / f"{assignment}.ipynb").write_text(raw if raw is not None else json.dumps(nb))


def _region_lines(assignment: str, begin: str, end: str) -> set[str]:
    """Lines inside begin/end regions of the source that never appear outside such a region."""
    inside, outside = set(), set()
    for cell in _nb("source", assignment)["cells"]:
        state = False
        for line in _text(cell["source"]).split("\n"):
            if begin in line:
                state = True
            elif end in line:
                state = False
            elif line.strip() and len(line.strip()) > 4:
                (inside if state else outside).add(line.strip())
    return inside - outside


def _points(grade_id: str, assignment: str = "ps1_concepts") -> float:
    return next(c["metadata"]["nbgrader"]["points"] for c in _nb("source", assignment)["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _auto_max(assignment: str) -> float:
    return sum(c["metadata"]["nbgrader"].get("points", 0) for c in _nb("source", assignment)["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade")
               and c["cell_type"] == "code")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("submissions")
    for a in ASSIGNMENTS:
        _put(root, "alice", a, _nb("source", a))
        _put(root, "bob", a, _nb("release", a))
    a, src, rel = "ps1_concepts", _nb("source", "ps1_concepts"), _nb("release", "ps1_concepts")
    _put(root, "carl", a, None, raw='{"cells": [ this is not json')
    _put(root, "dora", a, _set(src, "ps1_q2", "while True:\n    pass"))
    _put(root, "eve", a, _set(src, "ps1_q2", "import os\nos._exit(1)"))
    deleted = copy.deepcopy(src)
    deleted["cells"] = [c for c in deleted["cells"]
                        if c["metadata"].get("nbgrader", {}).get("grade_id") != "ps1_q3"]
    _put(root, "fay", a, deleted)
    _put(root, "gus", a, _set(rel, "ps1_q1_tests", "assert True"))
    _put(root, "hal", a, _set(src, "ps1_q2", "print('x' * 3_000_000)\nfor i in range(50_000):\n"
                                              "    print(i)"))
    _put(root, "ivy", a, None)
    before = grading.checksums(root)
    out = tmp_path_factory.mktemp("graded")
    csv = grading.grade(root, out=out, jobs=2, quiet=True, timeout=15)
    return {"root": root, "out": out, "grades": pd.read_csv(csv), "before": before}


def test_instructor_versions_score_full_autograded_marks(batch: dict) -> None:
    g = batch["grades"].set_index(["student_id", "assignment"])
    for a in ASSIGNMENTS:
        assert g.loc[("alice", a), "auto_score"] == pytest.approx(_auto_max(a)), a
        assert pd.isna(g.loc[("alice", a), "problem"]), g.loc[("alice", a), "problem"]
    if not HAS_DATA:
        pytest.skip("ps2_cases needs backchannels.data (branch data); merge it to test ps2")


def test_unanswered_student_versions_score_zero_without_grader_error(batch: dict) -> None:
    g = batch["grades"].set_index(["student_id", "assignment"])
    for a in ASSIGNMENTS:
        assert g.loc[("bob", a), "auto_score"] == 0, a
        assert pd.isna(g.loc[("bob", a), "problem"]), g.loc[("bob", a), "problem"]
        assert (batch["out"] / "autograded" / "bob" / a / f"{a}.ipynb").is_file()


@pytest.mark.parametrize("assignment", grading.assignments())
def test_student_version_has_no_solution_and_no_hidden_test(assignment: str) -> None:
    text = (EXERCISES / "release" / assignment / f"{assignment}.ipynb").read_text()
    release_lines = {line.strip() for cell in _nb("release", assignment)["cells"]
                     for line in _text(cell["source"]).split("\n")}
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    secret = (_region_lines(assignment, "### BEGIN SOLUTION", "### END SOLUTION")
              | _region_lines(assignment, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
    assert secret, "the source should have solutions and hidden tests"
    leaked = sorted(secret & release_lines)
    assert not leaked, leaked


def test_committed_student_versions_match_what_the_sources_generate(tmp_path: Path) -> None:
    fresh = grading.generate(release=tmp_path / "release")
    for a in grading.assignments():
        new = json.loads((fresh / a / f"{a}.ipynb").read_text())
        old = _nb("release", a)
        keep = ("cell_type", "source", "metadata")
        assert [{k: c.get(k) for k in keep} for c in new["cells"]] == \
               [{k: c.get(k) for k in keep} for c in old["cells"]], \
               f"{a}: run `make assignments` and commit exercises/release"
        assert new["metadata"] == old["metadata"]


def test_feedback_does_not_reveal_hidden_tests(batch: dict) -> None:
    pages = sorted((batch["out"] / "feedback").rglob("*.html"))
    assert any("alice" in str(p) for p in pages) and any("bob" in str(p) for p in pages)
    for page in pages:
        raw = page.read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
        shown = {line.strip() for line in text.split("\n")}
        assignment = page.parent.name
        assert "HIDDEN TESTS" not in text, page
        hidden = _region_lines(assignment, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        assert hidden
        leaked = sorted(hidden & shown)
        assert not leaked, f"{page}: hidden test lines shown: {leaked}"


def test_broken_batch_grades_to_completion_with_stated_problems(batch: dict) -> None:
    g = batch["grades"]
    assert set(g["student_id"]) == {"alice", "bob", *BROKEN}
    ps1 = g[g["assignment"] == "ps1_concepts"].set_index("student_id")
    for student, what in BROKEN.items():
        assert isinstance(ps1.loc[student, "problem"], str) and ps1.loc[student, "problem"], what
    assert "JSON" in ps1.loc["carl", "problem"]
    assert "time limit" in ps1.loc["dora", "problem"]
    assert "ps1_q2 stopped the Python kernel" in ps1.loc["eve", "problem"]
    assert ps1.loc["eve", "auto_score"] == 20 - _points("ps1_q2_tests")  # only the question whose cell killed the kernel
    assert "deleted: ps1_q3" in ps1.loc["fay", "problem"]
    assert "edited: ps1_q1_tests" in ps1.loc["gus", "problem"]
    assert "huge output" in ps1.loc["hal", "problem"]
    assert "missing" in ps1.loc["ivy", "problem"]
    # The grader restored the edited test and ran the hidden tests: gus wrote no answer.
    assert ps1.loc["gus", "auto_score"] == 0
    # Only the broken question is lost.
    assert ps1.loc["dora", "auto_score"] == 20 - _points("ps1_q2_tests")
    assert ps1.loc["fay", "auto_score"] == 20 - _points("ps1_q3_tests")
    assert grading.checksums(batch["root"]) == batch["before"], "submitted files were changed"


def test_parallel_grading_gives_the_same_scores_as_sequential(batch: dict,
                                                               tmp_path: Path) -> None:
    subset = tmp_path / "subset"
    for student in ("alice", "fay", "gus"):
        (subset / student).mkdir(parents=True)
        src = batch["root"] / student / "ps1_concepts"
        (subset / student / "ps1_concepts").mkdir()
        for f in src.iterdir():
            (subset / student / "ps1_concepts" / f.name).write_bytes(f.read_bytes())
    grading.grade(subset, out=tmp_path / "seq", jobs=1, quiet=True, timeout=15)
    seq = pd.read_csv(tmp_path / "seq" / "grades_by_question.csv")
    par = pd.read_csv(batch["out"] / "grades_by_question.csv")
    par = par[par["student_id"].isin(["alice", "fay", "gus"])
              & (par["assignment"] == "ps1_concepts")]
    key = ["student_id", "assignment", "grade_id"]
    assert len(seq) == len(par) > 0
    pd.testing.assert_frame_equal(seq.sort_values(key).reset_index(drop=True),
                                  par.sort_values(key).reset_index(drop=True))
    # nothing lost or double-counted in the merged gradebook
    full = pd.read_csv(batch["out"] / "grades_by_question.csv")
    assert not full.duplicated(key).any()


def test_class_report_builds(batch: dict, tmp_path: Path) -> None:
    md = grading.report(graded=batch["out"], out=tmp_path / "report")
    text = md.read_text()
    assert "ps1_q1" in text and "O1" in text and "Submissions with a problem" in text
    assert (tmp_path / "report" / "report.html").is_file()
    assert (tmp_path / "report" / "questions.png").stat().st_size > 1000
    assert (tmp_path / "report" / "ps1_concepts_scores.png").is_file()
    # By level: alice (all right) and bob (nothing) share the class, so every level earns between.
    levels = text.split("## Results by cognitive level")[1].split("## Results by learning objective")[0]
    rows = {line.split("|")[1].strip(): line for line in levels.splitlines() if line.startswith("| ")}
    assert {"remember", "understand", "apply", "evaluate"} <= set(rows), levels
    assert "## Results by learning objective" in text and "ps3_legality O1" in text


def _table(text: str) -> list[tuple[str, str, int]]:
    rows = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[2].isdigit():
            rows.append((cells[0], cells[1], int(cells[2])))
    return rows


def test_memo_rubric_agrees_in_notebook_markdown_and_yaml() -> None:
    spec = yaml.safe_load((EXERCISES / "rubrics" / "ps3_legality_memo.yml").read_text())
    expected = [(c["id"], c["criterion"], c["points"]) for c in spec["criteria"]]
    assert sum(p for *_, p in expected) == spec["total_points"]
    assert _table((EXERCISES / "rubrics" / "ps3_legality_memo.md").read_text()) == expected
    for kind in ("source", "release"):
        cells = _nb(kind, "ps3_legality")["cells"]
        prompt = next(c for c in cells if c["metadata"]["nbgrader"]["grade_id"] == "ps3_memo_prompt")
        assert _table(_text(prompt["source"])) == expected
        memo = next(c for c in cells if c["metadata"]["nbgrader"]["grade_id"] == "ps3_memo")
        assert memo["metadata"]["nbgrader"]["points"] == spec["total_points"]
        assert memo["cell_type"] == "markdown" and memo["metadata"]["nbgrader"]["solution"]


def test_every_question_has_a_stable_id_and_an_objective() -> None:
    for a in grading.assignments():
        nb = _nb("source", a)
        objectives = nb["metadata"]["backchannels"]["objectives"]
        graded = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        assert graded
        for cell in graded:
            meta = cell["metadata"]
            assert re.fullmatch(r"ps\d[a-z]?_(q\d+|memo|essay)(_tests)?", meta["nbgrader"]["grade_id"])
            assert meta["backchannels"]["objective"] in objectives
        assert "ipywidgets" not in json.dumps(nb)
    from backchannels.grading.report import LEVELS, levels

    found = levels()
    graded_ids = {(a, c["metadata"]["nbgrader"]["grade_id"]) for a in grading.assignments()
                  for c in _nb("source", a)["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}
    assert graded_ids == set(found), "every graded question needs backchannels.level metadata"
    assert set(found.values()) <= set(LEVELS)


def test_hide_hidden_tests_removes_hidden_code_and_its_traceback() -> None:
    import nbformat

    cell = nbformat.v4.new_code_cell("assert x == 1\n### BEGIN HIDDEN TESTS\nassert secret_check(x)\n"
                                     "### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="secret_check",
                                           traceback=["assert secret_check(x)"]),
                    nbformat.v4.new_output("stream", name="stdout", text="secret_check\n")]
    out, _ = HideHiddenTests().preprocess_cell(cell, {}, 0)
    assert "secret_check" not in json.dumps(out)
    assert "assert x == 1" in out.source and out.outputs[0]["ename"] == "AssertionError"


def test_ps1_q4_key_agrees_with_the_risks_table() -> None:
    """The documented risks PS1 Q4 keys are exactly the letters whose risks.csv row is 'sourced'."""
    from backchannels.data import load_records
    from backchannels.grading.generate import answer_key

    support = {r["risk_id"]: r["support"] for r in load_records("risks")}
    prompt = next(c for c in _nb("source", "ps1_concepts")["cells"]
                  if c["metadata"]["nbgrader"]["grade_id"] == "ps1_q4_prompt")
    letters = prompt["metadata"]["backchannels"]["risk_ids"]
    documented = {letter for letter, risk in letters.items() if risk and support[risk] == "sourced"}
    key = json.loads(answer_key().read_text())["ps1_concepts"]["ps1_concepts"]["ps1_q4_tests"]
    assert set(key["answer"]["__set__"]) == documented


@pytest.mark.parametrize(("assignment", "grade_id", "rubric"), [
    ("ps3_legality", "ps3_memo", "ps3_legality_memo"), ("ps2_comparison", "ps2c_essay", "ps2_comparison_essay")])
def test_written_answer_rubrics_agree_in_notebook_markdown_and_yaml(assignment: str, grade_id: str,
                                                                     rubric: str) -> None:
    spec = yaml.safe_load((EXERCISES / "rubrics" / f"{rubric}.yml").read_text())
    expected = [(c["id"], c["criterion"], c["points"]) for c in spec["criteria"]]
    assert sum(p for *_, p in expected) == spec["total_points"] and spec["grade_id"] == grade_id
    assert _table((EXERCISES / "rubrics" / f"{rubric}.md").read_text()) == expected
    for kind in ("source", "release"):
        cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in _nb(kind, assignment)["cells"]}
        assert _table(_text(cells[f"{grade_id}_prompt"]["source"])) == expected
        assert cells[grade_id]["metadata"]["nbgrader"]["points"] == spec["total_points"]


def test_comparison_table_agrees_with_the_case_data() -> None:
    """The six-case table of ps2_comparison states what data/cases.csv codes (checked by case id)."""
    from backchannels.data import load_records

    rows = {r["case_id"]: r for r in load_records("cases")}
    meta = _nb("source", "ps2_comparison")["metadata"]["backchannels"]["table_cases"]
    for case_id, codes in meta.items():
        for column, value in codes.items():
            assert str(rows[case_id][column] or "") == value, (case_id, column)
    # the keyed answers follow from those codes
    third = [c for c, v in meta.items() if v["channel_type"] == "via_state_intermediary"]
    direct = [c for c, v in meta.items() if v["channel_type"] == "direct_secret"]
    assert all(meta[c]["outcome"] == "agreement" for c in third)
    assert all(meta[c]["outcome"] == "no_agreement" for c in direct)
    alike = [(a, b) for a in meta for b in meta if a < b
             and meta[a]["channel_type"] == meta[b]["channel_type"]
             and meta[a]["authorised"] == meta[b]["authorised"]
             and meta[a]["formal_relations"] != meta[b]["formal_relations"]]
    assert alike == [], "question 1's key says no pair isolates diplomatic relations"
