"""nbgrader preprocessors named in exercises/nbgrader_config.py (kept apart: they need nbconvert).

The grading command line does not import this module, so it starts its workers without first
paying for nbconvert; nbgrader imports it in the workers, where nbconvert is loaded anyway.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Integer

from backchannels.grading import HIDDEN_BEGIN, HIDDEN_END


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
            if output.get("output_type") == "error":
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


