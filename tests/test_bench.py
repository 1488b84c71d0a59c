"""The benchmark's pure parts on tiny inputs: verdicts, statistics, tables, JSON, import cells, answers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import nbformat
import pytest

from backchannels.bench import (
    Figure,
    Target,
    answer_plan,
    confinement_figures,
    floor_notebook,
    format_line,
    grading_unavailable,
    import_cells,
    is_import_cell,
    off_by_one,
    parse_args,
    percentile,
    pytest_summary,
    render_markdown,
    render_summary,
    rotate_strings,
    scores_identical,
    solution_text,
    summarize,
    vary_submission,
    widget_figures,
    write_results,
    write_submissions,
    wrong_answer,
)

MACHINE = {"when_utc": "2026-01-01T00:00:00Z", "cpus": 2, "load_average_1_5_15": [1.0, 1.0, 1.0],
           "python": "3.11", "platform": "Linux"}


# ------------------------------------------------------------ targets and verdicts

def test_absolute_target_is_strictly_below() -> None:
    target = Target(100)
    assert target.met(99.9, None) is True
    assert target.met(100, None) is False
    assert target.describe("ms") == "< 100 ms"


def test_relative_target_uses_the_floor_and_allows_equality() -> None:
    target = Target(1.5, relative=True)
    assert target.met(3.0, 2.0) is True
    assert target.met(3.01, 2.0) is False
    assert target.met(3.0, None) is None
    assert target.describe("s") == "≤ 1.5× floor"


def test_at_least_target_for_speed_ups() -> None:
    target = Target(1.8, at_least=True)
    assert target.met(1.8, None) is True
    assert target.met(1.79, None) is False


def test_figure_verdicts() -> None:
    assert Figure("x", "met", "ms", [50, 60, 70], target=Target(100)).verdict() == "met"
    assert Figure("x", "p95 not met", "ms", [10] * 18 + [500, 500], statistic="p95", target=Target(100)).verdict() == "NOT met"
    assert Figure("x", "no target", "s", [1.0]).verdict() == "no target"
    assert Figure("x", "rel", "s", [1.0], target=Target(1.5, relative=True)).verdict() == "no floor"
    assert Figure("x", "skip", "s", not_measured="no homework branch").verdict() == "not measured: no homework branch"
    assert Figure("x", "empty", "s").verdict() == "not measured: no samples"


def test_percentile_and_summary() -> None:
    samples = list(range(1, 101))
    assert percentile(samples, 50) == pytest.approx(50.5)
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 95))
    stats = summarize([3.0, 1.0, 2.0])
    assert (stats["n"], stats["median"], stats["min"], stats["max"]) == (3, 2.0, 1.0, 3.0)
    assert summarize([])["n"] == 0


# ------------------------------------------------------------ table and JSON

def _figures() -> list[Figure]:
    return [
        Figure("notebooks", "00_start_here.ipynb run time", "s", [2.0, 2.2, 2.1], floor=1.5,
               target=Target(1.5, relative=True)),
        Figure("widgets", "quiz click to feedback", "ms", [80, 90, 120], statistic="p95", target=Target(100),
               note="a | pipe"),
        Figure("grading", "10 submissions: speed-up", "×", not_measured="no grading/"),
    ]


def test_markdown_table_has_a_row_per_figure_with_verdicts() -> None:
    text = render_markdown(_figures(), MACHINE, {"quick": True})
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 3  # header + figures
    assert "| notebooks | 00_start_here.ipynb run time | median | 2.1 s | 2.1 | 2 | 2.2 | 3 | 1.5 | 1.4 | ≤ 1.5× floor | met |" in text
    assert "NOT met" in rows[2] and "a \\| pipe" in rows[2]
    assert "not measured: no grading/" in rows[3]
    assert "2 CPUs" in text


def test_write_results_writes_markdown_and_json(tmp_path: Path) -> None:
    md, js = write_results(_figures(), tmp_path / "bench", MACHINE, {"quick": True})
    assert md.read_text(encoding="utf-8").startswith("# Back Channels benchmark results")
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["machine"]["cpus"] == 2 and data["options"] == {"quick": True}
    first, second, third = data["figures"]
    assert first["median"] == 2.1 and first["min"] == 2.0 and first["max"] == 2.2 and first["verdict"] == "met"
    assert first["threshold"] == pytest.approx(2.25) and first["ratio_to_floor"] == pytest.approx(1.4)
    assert second["statistic"] == "p95" and second["verdict"] == "NOT met"
    assert third["value"] is None and third["median"] is None and third["verdict"].startswith("not measured")


def test_summary_lists_only_figures_with_a_target(tmp_path: Path) -> None:
    _, js = write_results(_figures(), tmp_path / "bench", MACHINE, {"quick": True})
    summary = render_summary(json.loads(js.read_text(encoding="utf-8")))
    rows = [line for line in summary.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| Figure | Measured | Floor | Target | Verdict |")
    assert "| notebooks: 00_start_here.ipynb run time | median 2.1 s (2–2.2, n=3) | 1.5 s (× 1.4) | ≤ 1.5× floor | met |" in rows
    assert "2 CPUs" in summary


def test_printed_line_names_value_target_and_verdict() -> None:
    line = format_line(_figures()[0])
    assert "median 2.1 s" in line and "floor 1.5 s" in line and "target ≤ 1.5× floor" in line and line.endswith("met")
    assert format_line(_figures()[2]) == "[grading] 10 submissions: speed-up: not measured: no grading/"


# ------------------------------------------------------------ import cells and floor notebooks

@pytest.mark.parametrize(("source", "expected"), [
    ("import pandas as pd", True),
    ("from backchannels.quiz import show_question, show_score", True),
    ("# the tools\nimport os\n\nfrom backchannels.cases import (\n    compare,\n    show_timeline,\n)\n", True),
    ("import os\nos.getcwd()", False),
    ("show_question('04_q1')", False),
    ("", False),
    ("# only a comment", False),
    ("%matplotlib inline\nimport os", False),
    ("from x import (", False),
])
def test_is_import_cell(source: str, expected: bool) -> None:
    assert is_import_cell(source) is expected


def test_floor_notebook_keeps_only_import_cells_and_the_kernelspec() -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\nimport nothing"),
                nbformat.v4.new_code_cell("from backchannels.quiz import show_question"),
                nbformat.v4.new_code_cell("show_question('00_q1')"),
                nbformat.v4.new_code_cell("import pandas as pd\nimport ipywidgets")]
    assert import_cells(nb) == ["from backchannels.quiz import show_question", "import pandas as pd\nimport ipywidgets"]
    floor = floor_notebook(nb)
    assert [c.source for c in floor.cells] == import_cells(nb)
    assert floor.metadata.kernelspec.name == "python3"
    nbformat.validate(floor)


def test_the_lessons_have_import_cells() -> None:
    for path in sorted(Path(__file__).resolve().parents[1].glob("notebooks/[0-9][0-9]_*.ipynb")):
        assert import_cells(nbformat.read(path, as_version=4)), f"{path.name} has no imports-only cell"


# ------------------------------------------------------------ widget and grading helpers

def test_answer_plan_is_complete_and_varies() -> None:
    controls = {"radio": [3, 2], "checkbox": [3], "select": [5, 5, 5, 5], "text": [1]}
    plans = [answer_plan(controls, k) for k in range(6)]
    for plan in plans:
        assert all(0 <= i < n for i, n in zip(plan["radio"], [3, 2], strict=True))
        assert any(plan["checkbox"])  # never all unticked: an empty answer gives no graded feedback
        assert sorted(plan["select"]) == [1, 2, 3, 4]  # ordering positions stay a permutation
    assert len({json.dumps(p, sort_keys=True) for p in plans}) == 6


def test_widget_figures_put_the_target_on_the_quiz_p95() -> None:
    figures = widget_figures([90.0, 95.0, math.nan], {"single choice": [70.0, 80.0], "numeric": [60.0]})
    p95 = next(f for f in figures if f.statistic == "p95" and f.name.startswith("quiz"))
    assert p95.target == Target(100) and p95.verdict() == "met"
    assert "1 click(s) timed out" in p95.note
    assert {f.name for f in figures} >= {"quiz click to feedback: numeric", "quiz click to feedback: single choice"}


def test_solution_text_strips_the_markers() -> None:
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION"
    assert solution_text(source) == "def f(x):\n    return x + 1"


def _instructor_and_release() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    instructor, release = nbformat.v4.new_notebook(), nbformat.v4.new_notebook()
    for n in range(8):
        meta = {"solution": True, "grade": False, "grade_id": f"q{n}"}
        full = nbformat.v4.new_code_cell(f'answer{n} = {{"a": "left", "b": "right", "n": {n}}}'
                                         if n % 2 else f"def f{n}():\n    ### BEGIN SOLUTION\n    return {n}\n    ### END SOLUTION")
        stub = nbformat.v4.new_code_cell("# YOUR CODE HERE\nraise NotImplementedError()")
        full.metadata["nbgrader"] = stub.metadata["nbgrader"] = meta
        instructor.cells.append(full)
        release.cells.append(stub)
    test = nbformat.v4.new_code_cell("assert f0() == 0")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "t0", "points": 1}
    instructor.cells.append(test)
    release.cells.append(nbformat.v4.new_code_cell(test.source, metadata=test.metadata))
    return instructor, release


def test_vary_submission_fills_the_release_with_right_stub_and_wrong_answers() -> None:
    instructor, release = _instructor_and_release()
    best = vary_submission(release, instructor, 0)
    assert best.cells[0].source == "def f0():\n    return 0"
    assert all("NotImplementedError" not in c.source for c in best.cells)
    others = [vary_submission(release, instructor, s) for s in range(1, 8)]
    sources = {c.source for other in others for c in other.cells[:8]}
    assert any("NotImplementedError" in src for src in sources)  # some left as the stub
    assert "def f2():\n    return 3" in sources or 'answer1 = {"a": "right", "b": "left", "n": 2}' in sources
    assert vary_submission(release, instructor, 3).cells[0].source == others[2].cells[0].source  # seeded
    assert release.cells[0].source.startswith("# YOUR CODE HERE")  # inputs untouched
    assert instructor.cells[0].source.count("BEGIN SOLUTION") == 1


def test_write_submissions_lays_out_student_folders(tmp_path: Path) -> None:
    instructor, release = _instructor_and_release()
    for kind, nb in (("source", instructor), ("release", release)):
        (tmp_path / "course" / kind / "hw").mkdir(parents=True)
        nbformat.write(nb, tmp_path / "course" / kind / "hw" / "hw.ipynb")
    students = write_submissions(tmp_path / "sub", tmp_path / "course", "hw", 3)
    assert students == ["bench000", "bench001", "bench002"]
    assert all((tmp_path / "sub" / s / "hw" / "hw.ipynb").exists() for s in students)


def test_wrong_answer_swaps_labels_and_shifts_numbers() -> None:
    assert rotate_strings('x = {"a": "b", "c": "d"}') == 'x = {"b": "c", "d": "a"}'
    assert rotate_strings('x = "same"') == 'x = "same"'
    assert wrong_answer('answer = ("yes", "no", 3)') == 'answer = ("no", "yes", 4)'


def test_off_by_one_changes_integer_literals_only() -> None:
    assert off_by_one("return x + 1  # 2.5 stays, v2 stays") == "return x + 2  # 2.5 stays, v2 stays"


def test_scores_identical() -> None:
    assert scores_identical({"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0})
    assert not scores_identical({"a": 1.0}, {"a": 1.5})
    assert not scores_identical({"a": 1.0}, {"b": 1.0})


def test_grading_reports_why_it_cannot_run(tmp_path: Path) -> None:
    assert "grading/" in (grading_unavailable(tmp_path) or "")


def test_cli_options() -> None:
    quick = parse_args(["--quick", "--only", "widgets,grading"])
    assert quick.parts == ["widgets", "grading"] and quick.repeat == 1 and quick.clicks == 50
    assert not quick.with_test_suite
    full = parse_args([])
    assert full.parts == ["notebooks", "widgets", "memory", "grading", "setup"] and full.repeat == 5
    assert full.with_test_suite and not parse_args(["--no-test-suite"]).with_test_suite
    with pytest.raises(SystemExit):
        parse_args(["--only", "speed"])


def test_a_failed_make_test_is_reported_by_pytest_summary_line() -> None:
    output = ("tests/test_a.py ..F\n=== short test summary info ===\nFAILED tests/test_a.py::test_x\n"
              "=========== 1 failed, 650 passed in 451.45s (0:07:31) ===========\n"
              "make[1]: Leaving directory '/tmp/clone'\n")
    assert pytest_summary(output) == "1 failed, 650 passed in 451.45s (0:07:31)"
    assert pytest_summary("make: *** No rule to make target 'test'.  Stop.\n").startswith("make: ***")


def test_confinement_cost_is_judged_against_its_target() -> None:
    cheap = confinement_figures(50, t_confined=60.0, t_unconfined=55.0, same=True)
    ratio = next(f for f in cheap if "confined / unconfined" in f.name)
    assert ratio.samples == [60.0 / 55.0] and ratio.target.met(ratio.samples[0], None)
    costly = next(f for f in confinement_figures(50, 80.0, 55.0, True) if "/" in f.name)
    assert not costly.target.met(costly.samples[0], None)
    differ = next(f for f in confinement_figures(50, 60.0, 55.0, False) if "/" in f.name)
    assert differ.not_measured
