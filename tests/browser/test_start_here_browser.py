"""The start page in real JupyterLab and Chromium: run it, answer its first exercise wrongly then rightly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells


def test_start_page_exercise_gives_feedback_in_the_browser(lab: LabServer, page: Any, results_dir: Path) -> None:
    open_notebook(page, lab, "notebooks/00_start_here.ipynb")
    run_all_cells(page)
    assert cell_errors(page) == []

    question = page.locator(".bc-question").first
    question.wait_for()
    assert "Which of these is a back channel?" in question.inner_text()
    score = page.locator(".bc-score").first
    assert "0 of" in score.inner_text()

    question.locator(".widget-radio-box label", has_text="Retired diplomats").click()
    question.locator("button", has_text="Check").click()
    feedback = question.get_by_text("Not quite")
    feedback.wait_for()
    assert "track-two" in question.inner_text()

    question.locator("button", has_text="Try again").click()
    question.locator(".widget-radio-box label", has_text="authorised envoys").click()
    question.locator("button", has_text="Check").click()
    question.get_by_text("Correct —").wait_for()
    page.wait_for_function(
        "() => /\\b1 of \\d+/.test(document.querySelector('.bc-score').innerText)")

    # The progress table counts the answer too, once its cell is run again.
    page.locator(".bc-question").first.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "00_start_here.png"), full_page=False)
