"""Lessons 02 and 05 in a real JupyterLab: the model's picture comes before its folded algebra, and the
comparison in lesson 05 section 4 is driven by dropdowns (no code edit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_case_browser import _render_every_cell, _start_run
from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells


def test_model_picture_first_algebra_folded(lab: LabServer, page: Any, results_dir: Path) -> None:
    _render_every_cell(lab)
    open_notebook(page, lab, "notebooks/02_why_back_channels.ipynb")
    _start_run(page)
    run_all_cells(page, timeout_ms=180_000)
    assert cell_errors(page) == [], "a cell raised an error"
    picture = page.locator("img[alt^='Decision tree']").first
    picture.scroll_into_view_if_needed()
    assert picture.evaluate("img => img.naturalWidth") > 0
    details = page.locator(".jp-RenderedMarkdown details:has(summary:has-text('The algebra'))").first
    assert details.get_attribute("open") is None, "the algebra starts folded"
    page.wait_for_timeout(300)
    page.screenshot(path=str(results_dir / "02_model_picture.png"))
    details.locator("summary").click()
    details.locator("table").first.wait_for(state="visible")
    assert details.get_attribute("open") is not None
    details.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(results_dir / "02_model_algebra_open.png"))


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
