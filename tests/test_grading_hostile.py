"""Hostile and accidental submissions, graded by the real nbgrader with student code confined.

One batch of ``ps1_concepts`` submissions is graded once, in this test's own temporary folder:
a copy of the course (with the instructor's solutions), the submissions and a canary folder of
unrelated notebooks beside them. Each hostile student answers some questions honestly and tries
one trick; each test asserts the score the honest part earns (the trick must gain nothing) and,
by checksums, that the submissions, the course copy and the canary are unchanged.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from backchannels import grading
from backchannels.grading import confine

pytestmark = [pytest.mark.nbgrader,
              pytest.mark.skipif(confine.sandbox_problem() is not None,
                                 reason=f"sandbox unavailable: {confine.sandbox_problem()}")]

A = "ps1_concepts"
RIGHT = {  # the instructor's answers, cell by cell
    "ps1_q1": 'answer_q1 = {"a": "back_channel", "b": "track_two", "c": "front_channel", '
              '"d": "mediation", "e": "back_channel"}',
    "ps1_q2": 'answer_q2 = {"a": "audience_costs", "b": "spoilers", "c": "testing_the_waters", '
              '"d": "no_relations", "e": "audience_costs"}',
    "ps1_q3": 'answer_q3 = {"a": "not_authorised", "b": "none", "c": "not_secret", "d": "none", '
              '"e": "not_between_parties"}',
    "ps1_q4": 'answer_q4 = {"B", "D", "E"}',
    "ps1_q5": 'answer_q5 = {"A", "C"}',
}


def _points(grade_id: str, assignment: str = A) -> float:
    nb = json.loads((grading.course_dir() / "source" / assignment / f"{assignment}.ipynb").read_text())
    return next(c["metadata"]["nbgrader"]["points"] for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


POINTS = {q: _points(f"{q}_tests") for q in RIGHT}

VANDAL = '''
import os
from pathlib import Path
hits = 0
for top in [Path.cwd(), *Path.cwd().parents, Path("/tmp"), Path("/work"), Path("/root"), Path("/home")]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages")]
        for n in range(1, 13):  # squat the socket names the next student's kernel would use
            try:
                os.symlink("/etc/hostname", os.path.join(folder, f"kernel-{n}"))
            except OSError:
                pass
        for name in files:
            if name.endswith((".ipynb", ".csv", ".db", ".json", ".py")):
                try:
                    Path(folder, name).write_text("vandalised")
                    hits += 1
                except OSError:
                    pass
'''
THIEF = '''
import json, os
from pathlib import Path
stolen = {}
for top in ["/", "/root", "/home", "/tmp", "/work"]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages")]
        for name in files:
            path = Path(folder, name)
            try:
                text = path.read_text()
            except (OSError, UnicodeDecodeError):
                continue
            if "BEGIN SOLUTION" in text and name.endswith(".ipynb"):
                for cell in json.loads(text)["cells"]:
                    source = "".join(cell["source"])
                    if "BEGIN SOLUTION" in source:
                        exec(source)
            if name.endswith(".key.json") or "answer" in text[:200] and name.endswith(".json"):
                stolen[str(path)] = text[:100]
'''
ALWAYS_EQUAL = '''
class Yes(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
class YesSet(set):
    def __eq__(self, other): return True
    def __le__(self, other): return True
answer_q1 = {k: Yes("nothing") for k in "abcde"}
answer_q4 = YesSet({"A"})  # one wrong choice: honestly worth 0
'''

# Function questions live in the optional methods track (ps4_methods).
M = "ps4_methods"
BUILTINS = '''
import builtins
builtins.all = lambda *a, **k: True
builtins.isinstance = lambda *a, **k: True
import backchannels.grading.answers as answers
answers.same = lambda *a, **k: True
answers.score_fraction = lambda *a, **k: (1.0, "right")
def is_back_channel(authorised, secret, beside_or_instead):
    return True
'''
HONEST_WRONG_Q1 = ("def is_back_channel(authorised, secret, beside_or_instead):\n"
                   "    return True")
FAKE_OUTPUT = '''
from IPython import get_ipython
from IPython.display import display
import backchannels.grading.answers as answers
answers.submit = lambda q, a: display({answers.MIME: {"question": q, "answer": "everything"}}, raw=True)
def _fake(result):
    print("20")
    display(20)
get_ipython().events.register("post_run_cell", _fake)
answer_q2 = {"a": "spoilers", "b": "spoilers", "c": "spoilers", "d": "spoilers"}
'''
FORK_BOMB = '''
import os, time
children = 0
for _ in range(100000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    children += 1
'''
MEMORY_BOMB = "hog = bytearray(50 * 1024**3)"
NETWORK = '''
import socket
try:
    socket.create_connection(("127.0.0.1", 22), timeout=3)
    reached = True
except OSError:
    reached = False
answer_q2 = {"a": "audience_costs", "b": "spoilers", "c": "testing_the_waters", "d": "no_relations"} if reached else None
'''


def _release(assignment: str = A) -> dict:
    return json.loads((grading.course_dir() / "release" / assignment / f"{assignment}.ipynb").read_text())


def _answer(cells: dict[str, str], assignment: str = A) -> dict:
    """Return the student version with the given answer cells filled in."""
    nb = copy.deepcopy(_release(assignment))
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in cells:
            cell["source"] = cells[gid]
    return nb


def _put(root: Path, student: str, nb: dict | str, folder: str = A, assignment: str = A) -> Path:
    path = root / student / folder / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nb if isinstance(nb, str) else json.dumps(nb), encoding="utf-8")
    return path


def _right_but(**cells: str) -> dict:
    return _answer({**RIGHT, **cells})


def _only(*questions: str, **cells: str) -> dict:
    return _answer({**{q: RIGHT[q] for q in questions}, **cells})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    top = tmp_path_factory.mktemp("hostile")
    course = top / "course"
    shutil.copytree(grading.course_dir(), course,
                    ignore=shutil.ignore_patterns("autograded", "feedback", "submitted",
                                                  "gradebook.db*", "grades*.csv", "report"))
    canary = top / "canary"
    canary.mkdir()
    (canary / "unrelated.ipynb").write_text(json.dumps(_release()))
    (canary / "notes.csv").write_text("a,b\n1,2\n")
    subs = top / "submissions"
    _put(subs, "a_vandal", _only("ps1_q1", ps1_q2=VANDAL))  # first, so others follow it
    _put(subs, "thief", _answer({"ps1_q1": THIEF}))
    _put(subs, "always_equal", _answer({"ps1_q1": ALWAYS_EQUAL}))
    _put(subs, "builtins", _answer({"ps4_q1": BUILTINS}, M), folder=M, assignment=M)
    _put(subs, "honest_wrong", _answer({"ps4_q1": HONEST_WRONG_Q1}, M), folder=M, assignment=M)
    _put(subs, "fake_output", _only("ps1_q1", ps1_q2=FAKE_OUTPUT))
    _put(subs, "crasher", _right_but(ps1_q5="import os\nos._exit(1)"))
    _put(subs, "forker", _only("ps1_q1", ps1_q2=FORK_BOMB))
    _put(subs, "hog", _only("ps1_q1", ps1_q2=MEMORY_BOMB))
    _put(subs, "networker", _only("ps1_q1", ps1_q2=NETWORK))
    twice = _right_but()
    dup = next(c for c in twice["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ps1_q1")
    twice["cells"].insert(twice["cells"].index(dup), copy.deepcopy(dup))
    _put(subs, "paster", twice)
    real = _put(canary.parent / "elsewhere", "x", _right_but())
    (subs / "linker" / A).mkdir(parents=True)
    (subs / "linker" / A / f"{A}.ipynb").symlink_to(real)
    old = nbformat.v4.downgrade(nbformat.reads(json.dumps(_right_but()), as_version=4))
    _put(subs, "oldformat", nbformat.writes(old, version=3))
    _put(subs, "josé garcía", _right_but())
    _put(subs, "upper", _right_but(), folder="PS1_Concepts")
    _put(subs, "lms", _right_but(), folder=f"{A} (1)")
    watched = {"submissions": subs, "course": course, "canary": canary}
    before = {name: grading.checksums(path) for name, path in watched.items()}
    out = top / "graded"
    csv = grading.grade(subs, out=out, course=course, jobs=2, quiet=True, timeout=20,
                        feedback=False)
    after = {name: grading.checksums(path) for name, path in watched.items()}
    grades = pd.read_csv(csv).set_index("student_id")
    return {"grades": grades, "before": before, "after": after, "out": out,
            "by_question": pd.read_csv(out / "grades_by_question.csv")}


def _score(hostile: dict, student: str) -> float:
    return float(hostile["grades"].loc[student, "auto_score"])


def _methods_points(grade_id: str) -> float:
    return _points(grade_id, M)


def _problem(hostile: dict, student: str) -> str:
    value = hostile["grades"].loc[student, "problem"]
    return value if isinstance(value, str) else ""


def test_nothing_outside_the_output_folder_changes(hostile: dict) -> None:
    for name in ("submissions", "course", "canary"):
        assert hostile["after"][name] == hostile["before"][name], f"{name} changed"


def test_every_student_folder_gets_a_row(hostile: dict) -> None:
    expected = {"a_vandal", "thief", "always_equal", "builtins", "honest_wrong", "fake_output",
                "crasher", "forker", "hog", "networker", "paster", "linker", "oldformat",
                "jose_garcia", "upper", "lms"}
    assert set(hostile["grades"].index) == expected


def test_vandal_keeps_only_its_honest_points(hostile: dict) -> None:
    assert _score(hostile, "a_vandal") == POINTS["ps1_q1"]


def test_solutions_and_key_cannot_be_stolen(hostile: dict) -> None:
    assert _score(hostile, "thief") == 0


def test_always_equal_objects_gain_nothing(hostile: dict) -> None:
    assert _score(hostile, "always_equal") == 0


def test_patched_builtins_and_helpers_gain_nothing(hostile: dict) -> None:
    # The same wrong function without tricks earns at least as much: the tricks gain nothing.
    assert _score(hostile, "builtins") <= _score(hostile, "honest_wrong")
    # "always True" is right on one of the eight test inputs.
    assert _score(hostile, "honest_wrong") == _methods_points("ps4_q1_tests") / 8


def test_printed_or_displayed_fake_output_gains_nothing(hostile: dict) -> None:
    assert _score(hostile, "fake_output") == POINTS["ps1_q1"]


def test_a_cell_that_kills_the_kernel_costs_only_its_question(hostile: dict) -> None:
    assert _score(hostile, "crasher") == 20 - POINTS["ps1_q5"]
    assert "ps1_q5 stopped the Python kernel" in _problem(hostile, "crasher")


def test_fork_and_memory_bombs_are_contained(hostile: dict) -> None:
    assert _score(hostile, "forker") == POINTS["ps1_q1"]
    assert _score(hostile, "hog") == POINTS["ps1_q1"]


def test_student_code_has_no_network(hostile: dict) -> None:
    assert _score(hostile, "networker") == POINTS["ps1_q1"]


def test_a_duplicated_answer_cell_is_graded_once_with_a_note(hostile: dict) -> None:
    assert _score(hostile, "paster") == 20
    assert "cell ps1_q1 appears 2 times" in _problem(hostile, "paster")


def test_a_symlink_is_refused_as_such(hostile: dict) -> None:
    assert _score(hostile, "linker") == 0
    assert "symbolic link" in _problem(hostile, "linker")


def test_an_old_notebook_format_is_upgraded_and_graded(hostile: dict) -> None:
    assert _score(hostile, "oldformat") == 20
    assert "old notebook format 3" in _problem(hostile, "oldformat")


def test_accented_folder_names_are_graded_under_a_safe_id(hostile: dict) -> None:
    assert _score(hostile, "jose_garcia") == 20
    assert hostile["grades"].loc["jose_garcia", "student_folder"] == "josé garcía"


def test_assignment_folders_in_other_case_or_with_lms_suffix_are_accepted(hostile: dict) -> None:
    for student, folder in (("upper", "PS1_Concepts"), ("lms", f"{A} (1)")):
        assert _score(hostile, student) == 20
        assert hostile["grades"].loc[student, "assignment"] == A
        assert f"'{folder}' was taken as {A}" in _problem(hostile, student)


def test_partial_credit_per_part(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    half = _only(ps1_q1=RIGHT["ps1_q1"].replace('"d": "mediation"', '"d": "track_two"'))
    _put(subs, "slip", half)
    csv = grading.grade(subs, out=tmp_path / "out", jobs=1, quiet=True, feedback=False)
    # one of five parts wrong costs a fifth of the question, nothing more
    assert pd.read_csv(csv).set_index("student_id").loc["slip", "auto_score"] == pytest.approx(POINTS["ps1_q1"] * 4 / 5)


def test_grading_stops_with_instructions_when_the_sandbox_cannot_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(confine, "bwrap_path", lambda: None)
    _put(tmp_path / "subs", "alice", _right_but())
    with pytest.raises(grading.SandboxUnavailable, match="apt-get install bubblewrap"):
        grading.grade(tmp_path / "subs", out=tmp_path / "out", quiet=True)
    assert not (tmp_path / "out" / "grades.csv").exists()
