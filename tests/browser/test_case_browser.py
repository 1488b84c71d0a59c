"""Lesson 04 in a real browser: run the lesson, pick two cases in the case browser, read their cards."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells

NOTEBOOK = "notebooks/04_case_studies.ipynb"


def _render_every_cell(lab: LabServer) -> None:
    """Switch off JupyterLab's notebook windowing, so cells far off screen stay in the page.

    With windowing on (the default), cells outside the viewport are not rendered: a long lesson's
    early prompts never show their execution count to ``run_all_cells``, and the case browser near
    the top is missing from the page once the run has scrolled to the end.
    """
    body = json.dumps({"raw": json.dumps({"windowingMode": "none"})}).encode()
    request = urllib.request.Request(
        f"{lab.base_url}/lab/api/settings/@jupyterlab/notebook-extension:tracker", data=body, method="PUT",
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)


def _start_run(page: Any, attempts: int = 4) -> None:
    """Click Run All until the first code cell gets an execution count.

    A Run All sent while the kernel connection is still settling is sometimes dropped, so retry.
    """
    first_prompt = ".jp-CodeCell .jp-InputPrompt >> nth=0"
    for _ in range(attempts):
        page.wait_for_timeout(1_500)
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_function(
                "() => /\\[\\d+\\]/.test(document.querySelector('.jp-CodeCell .jp-InputPrompt').textContent)",
                timeout=20_000)
            return
        except PlaywrightTimeoutError:  # the click was dropped: try again
            pass
    raise AssertionError(f"Run All never started the kernel; first prompt: {page.locator(first_prompt).inner_text()!r}")


def _choose(browser: Any, label_part: str) -> str:
    """Pick the dropdown option whose label contains ``label_part``; return that label."""
    select = browser.locator("select")
    # ipywidgets writes option text with no-break spaces; the value attribute keeps plain ones.
    labels = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    matches = [text for text in labels if label_part in text]
    assert matches, f"no case option contains {label_part!r}: {labels}"
    select.select_option(value=matches[0])
    return matches[0]


def test_student_picks_two_cases_and_reads_their_cards(lab: LabServer, page: Any, results_dir: Path) -> None:
    _render_every_cell(lab)
    open_notebook(page, lab, NOTEBOOK)
    _start_run(page)
    run_all_cells(page, timeout_ms=180_000)
    assert cell_errors(page) == [], "a cell raised an error"

    browser = page.locator(".bc-case-browser").first
    browser.scroll_into_view_if_needed()
    browser.wait_for(state="visible")
    # The dropdown is reachable by its visible label, as a screen reader announces it.
    assert browser.get_by_label("Case:").count() == 1
    options = browser.locator("select option").all_inner_texts()
    assert len(options) >= 12, "every case of the data set is offered"

    card = browser.locator(".bc-case-card")
    _choose(browser, "Oslo back channel")
    card.filter(has_text="Oslo back channel").wait_for()
    text = card.inner_text()
    assert "Terje Rød-Larsen" in text and "Back channel through a third state" in text and "1993" in text
    assert "Became public" in text and "Sources" in text
    page.wait_for_timeout(300)
    browser.screenshot(path=str(results_dir / "04_case_browser_oslo.png"))

    _choose(browser, "Kushner")
    card.filter(has_text="Kushner").wait_for()
    text = card.inner_text()
    assert "Sergey Kislyak" in text and "Logan Act question" in text and "Unauthorised private diplomacy" in text
    assert "Oslo" not in text, "the card was replaced, not appended"
    page.wait_for_timeout(300)
    browser.screenshot(path=str(results_dir / "04_case_browser_kushner.png"))

    timeline = page.locator("img[alt^='Timeline chart']").first
    timeline.scroll_into_view_if_needed()
    assert timeline.evaluate("img => img.naturalWidth") > 0
    timeline.screenshot(path=str(results_dir / "04_timeline.png"))
