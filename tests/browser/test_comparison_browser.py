"""Lesson 05 in a real JupyterLab: the comparison in section 4 is driven by dropdowns (no code edit).
(Lesson 02's model picture and folded algebra are checked in test_lessons_01_03_browser.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_case_browser import _render_every_cell, _start_run
from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells


def test_comparison_is_chosen_with_dropdowns(lab: LabServer, page: Any, results_dir: Path) -> None:
    _render_every_cell(lab)
    open_notebook(page, lab, "notebooks/05_comparing_cases.ipynb")
    _start_run(page)
    run_all_cells(page, timeout_ms=180_000)
    assert cell_errors(page) == [], "a cell raised an error"
    explorer = page.locator(".bc-comparison-explorer").first
    explorer.scroll_into_view_if_needed()
    table = explorer.locator(".bc-compare-table")
    table.first.wait_for()
    assert "Link to public talks" in explorer.inner_text() and "Beside public talks" in table.inner_text()
    explorer.locator(".bc-compare-rows select").select_option(label="How it was made public or ratified")
    explorer.locator(".bc-compare-columns select").select_option(label="Kind of channel")
    explorer.locator(".bc-compare-table:has-text('Public signing')").wait_for()
    before = explorer.locator("p").first.inner_text()
    explorer.locator(".bc-compare-sure input[type=checkbox]").check()
    page.wait_for_function(
        "(b) => document.querySelector('.bc-comparison-explorer p').textContent !== b", arg=before)
    assert explorer.locator("p").first.inner_text() != before, "ticking the box leaves out doubtful cases"
    page.wait_for_timeout(300)
    explorer.screenshot(path=str(results_dir / "05_comparison_dropdowns.png"))
