"""nbgrader preprocessors named in exercises/nbgrader_config.py (kept apart: they need nbconvert).

The grading command line does not import this module, so it starts its workers without first
paying for nbconvert; nbgrader imports it in the workers, where nbconvert is loaded anyway.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_async

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from backchannels.grading.answers import HIDDEN_BEGIN, HIDDEN_END, find_payloads, score_fraction


class HideHiddenTests(Preprocessor):
    """Remove hidden-test code, and the tracebacks that quote it, from feedback notebooks."""

    enabled = Bool(True, help="On unless switched off in the config.").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        """Strip hidden regions from a test cell and replace its error outputs by a short line."""
        if cell.cell_type != "code" or HIDDEN_BEGIN not in cell.source:
            return cell, resources
        kept, hidden = [], False
        for line in cell.source.split("\n"):
            if HIDDEN_BEGIN in line:
                hidden = True
                kept.append("# (hidden tests run here when your work is graded)")
            elif HIDDEN_END in line:
                hidden = False
            elif not hidden:
                kept.append(line)
        cell.source = "\n".join(kept)
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") in ("execute_result", "display_data"):
                outputs.append(output)  # the points and the note from CompareAnswers
            elif output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: a test in this cell failed."]
                output["evalue"] = ""
                outputs.append(output)
        cell.outputs = outputs
        return cell, resources


class CapOutputSize(Preprocessor):
    """Cut any single output longer than ``max_chars`` characters (huge prints, huge images)."""

    enabled = Bool(True, help="On unless switched off in the config.").tag(config=True)
    max_chars = Integer(20_000, help="Largest output kept, in characters.").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        """Truncate stream text and drop oversized rich outputs of one cell."""
        if cell.cell_type != "code":
            return cell, resources
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and len(output.get("text", "")) > self.max_chars:
                output["text"] = output["text"][: self.max_chars] + "\n... Output truncated ...\n"
            elif output.get("output_type") in ("display_data", "execute_result"):
                size = sum(len(str(v)) for v in output.get("data", {}).values())
                if size > self.max_chars * 50:
                    output["data"] = {"text/plain": "... Output truncated (too large) ..."}
            kept.append(output)
        cell.outputs = kept
        return cell, resources




def _grade_id(cell: Any) -> str:
    """Return a cell's nbgrader grade id, or ''."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


class ResilientExecute(Execute):
    """nbgrader's Execute, except that a cell that kills the kernel costs only that cell.

    When the kernel dies (``os._exit``, a crash, the CPU or memory limit), the notebook runs again
    from the top in a fresh kernel with that cell skipped, so the other questions are still graded.
    When a cell times out and the interrupted kernel then does not even answer a ``kernel_info``
    request (student code broke its messaging, for instance by patching ``isinstance``), the cells
    after it are not run: each would only wait out its own timeout.
    """

    max_crashes = Integer(3, help="Cells that may kill the kernel before the notebook is given up.").tag(config=True)
    probe_timeout = Integer(5, help="Seconds an interrupted kernel has to answer before it counts as unresponsive.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        """Execute the notebook, skipping each cell that killed the kernel on an earlier try."""
        original = copy.deepcopy(nb)
        self._skipped: dict[int, str] = {}
        while True:
            self._current = -1
            self._unresponsive_after = ""
            try:
                return super().preprocess(copy.deepcopy(original), resources, km)
            except DeadKernelError:
                if self._current < 0 or len(self._skipped) >= self.max_crashes:
                    raise
                cell = original.cells[self._current]
                self._skipped[self._current] = _grade_id(cell) or f"cell {self._current + 1}"
                self.log.warning("%s stopped the kernel; running the notebook again without it",
                                 self._skipped[self._current])

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        """Interrupt as nbgrader does, then check that the kernel still answers at all."""
        reply = await super()._async_handle_timeout(timeout, cell)
        if not await self._kernel_answers():
            self._unresponsive_after = _grade_id(cell) or f"cell {self._current + 1}"
            self.log.warning("the kernel stopped answering after %s timed out; the cells after it are not run",
                             self._unresponsive_after)
        return reply

    async def _kernel_answers(self) -> bool:
        """Return whether the kernel replies to a kernel_info request within ``probe_timeout`` seconds."""
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.probe_timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return False
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        """Run one cell, or record why it was skipped."""
        if self._unresponsive_after and cell.cell_type == "code":
            cell.outputs = [from_dict({
                "output_type": "error", "ename": "KernelUnresponsive",
                "evalue": f"not run: the kernel stopped answering after {self._unresponsive_after} timed out",
                "traceback": [(f"KernelUnresponsive: after {self._unresponsive_after} ran out of time, the "
                               "Python kernel no longer answered at all (something in the notebook broke "
                               "it), so this cell was not run.")]})]
            return cell, resources
        if index in self._skipped and cell.cell_type == "code":
            cell.outputs = [from_dict({
                "output_type": "error", "ename": "KernelDied",
                "evalue": "this cell stopped the Python kernel, so it was skipped when grading",
                "traceback": [("KernelDied: this cell stopped the Python kernel (for example "
                               "os._exit or too much memory), so it was skipped; the other "
                               "cells were graded without it.")]})]
            return cell, resources
        self._current = index
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            if not self._unresponsive_after:
                raise
            # nbclient gave up waiting for the output of the cell that broke the kernel: record it.
            cell.outputs.append(from_dict({
                "output_type": "error", "ename": "CellTimeoutError",
                "evalue": "no reply from the kernel before the time limit",
                "traceback": ["CellTimeoutError: no reply from the kernel before the time limit"]}))
            return cell, resources


class CompareAnswers(Preprocessor):
    """Score test cells by comparing the answers they recorded with the key, outside the kernel.

    Runs right after execution. For every test cell that the key knows, the cell's outputs are
    replaced by the points earned (a result nbgrader reads as partial credit) and a line saying
    why; whatever else the student's code printed or displayed there is dropped.
    """

    enabled = Bool(True, help="On unless switched off in the config.").tag(config=True)
    key_file = Unicode("", help="JSON answer key made by backchannels.grading.generate.").tag(config=True)
    course_root = Unicode("", help="Course folder whose solutions make the key when key_file is not set.").tag(config=True)

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Load this notebook's part of the key (made from the solutions if need be), then score."""
        path = Path(self.key_file) if self.key_file else None
        if path is None and self.course_root:
            from backchannels.grading.generate import answer_key

            path = answer_key(Path(self.course_root))
        keys = json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else {}
        info = resources.get("nbgrader", {})
        self._key: dict[str, Any] = keys.get(info.get("assignment", ""), {}).get(info.get("notebook", ""), {})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        """Replace a keyed test cell's outputs by its score and a note."""
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            return cell, resources
        entry = self._key.get(_grade_id(cell))
        if entry is None:  # never full marks by default: a test without a key scores nothing
            cell.outputs = [
                from_dict({"output_type": "execute_result", "execution_count": cell.get("execution_count"),
                           "metadata": {}, "data": {"text/plain": "0"}}),
                from_dict({"output_type": "display_data", "metadata": {}, "data": {"text/plain":
                           f"{_grade_id(cell)}: not graded, the answer key has no entry for it "
                           "(grade with `python -m backchannels.grading grade`)"}})]
            return cell, resources
        points = float(cell.metadata["nbgrader"].get("points", 0))
        payloads = find_payloads(cell.get("outputs", []), entry["question"])
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if len(payloads) == 1:
            fraction, note = score_fraction(payloads[0], entry["answer"], entry.get("how", "auto"))
        elif payloads:
            fraction, note = 0.0, "the answer was recorded more than once, so it was not graded"
        elif errors:
            e = errors[-1]
            fraction, note = 0.0, f"no answer was recorded: {e.get('ename', 'Error')}: {e.get('evalue', '')}"
        else:
            fraction, note = 0.0, "no answer was recorded (was the answer cell run?)"
        earned = round(max(0.0, min(1.0, fraction)) * points, 2)
        cell.outputs = [
            from_dict({"output_type": "execute_result", "execution_count": cell.get("execution_count"),
                       "metadata": {}, "data": {"text/plain": f"{earned:g}"}}),
            from_dict({"output_type": "display_data", "metadata": {},
                       "data": {"text/plain": f"{entry['question']}: {earned:g} of {points:g} "
                                              f"points ({note})"}}),
        ]
        return cell, resources
