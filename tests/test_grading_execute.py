"""The grader's execution step on its own: a kernel that stops answering costs the cells after it,
not a timeout each (the hostile-class test grades the same trick inside the sandbox)."""

from __future__ import annotations

import nbformat
import pytest

pytestmark = pytest.mark.nbgrader


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_cells_after_a_kernel_stops_answering_are_not_run_and_say_why() -> None:
    from backchannels.grading.preprocessors import ResilientExecute

    nb = _notebook("answer = 42",
                   "import builtins\nbuiltins.isinstance = lambda *a, **k: True",  # breaks the kernel's messaging
                   "x = 1", "y = 2", "z = 3")
    done, _ = ResilientExecute(timeout=4, probe_timeout=2).preprocess(nb, {"metadata": {"path": "."}})
    names = [[o.get("ename") for o in c.outputs if o.get("output_type") == "error"] for c in done.cells]
    assert names[0] == [], "the cell before the breakage ran normally"
    assert "CellTimeoutError" in names[1], names
    assert names[2] == names[3] == names[4] == ["KernelUnresponsive"], names
    assert "stopped answering after cell 2" in done.cells[2].outputs[0]["evalue"]


def test_an_endless_loop_is_interrupted_and_the_next_cells_still_run() -> None:
    from backchannels.grading.preprocessors import ResilientExecute

    nb = _notebook("while True:\n    pass", "answer = 42\nanswer")
    done, _ = ResilientExecute(timeout=3, probe_timeout=2).preprocess(nb, {"metadata": {"path": "."}})
    assert any(o.get("ename") == "CellTimeoutError" for o in done.cells[0].outputs)
    assert done.cells[1].outputs and done.cells[1].outputs[0]["data"]["text/plain"] == "42", \
        "an interrupted but healthy kernel goes on grading"
