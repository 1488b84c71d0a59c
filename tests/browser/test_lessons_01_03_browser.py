"""Lessons 01-03 in a real JupyterLab: run each lesson, answer one exercise, move a slider in 02."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "test-results"
LESSONS = ["01_what_is_a_back_channel", "02_why_back_channels", "03_costs_and_risks"]


def _render_every_cell(server: LabServer) -> None:
    """Switch off JupyterLab's windowed notebook on the test server.

    In long lessons the windowed view leaves off-screen cells unrendered, so the shared
    ``run_all_cells`` (which waits for every prompt to show a count) would never return.
    """
    url = (f"{server.base_url}/lab/api/settings/@jupyterlab/notebook-extension:tracker"
           f"?token={server.token}")
    body = json.dumps({"raw": json.dumps({"windowingMode": "none"})}).encode()
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)


def _open_and_run(page: Any, server: LabServer, lesson: str) -> None:
    """Open a lesson with every cell rendered, run it all, and check that no cell failed."""
    _render_every_cell(server)
    open_notebook(page, server, f"notebooks/{lesson}.ipynb")
    # Right after the kernel turns idle the Run-All command can still be a no-op; give it a moment.
    page.wait_for_timeout(3000)
    run_all_cells(page)
    assert cell_errors(page) == []


def _first_single_choice(lesson: str) -> tuple[str, str]:
    """Return (the start of the prompt, the right option's text) of the lesson's first single-choice question.

    Read from the bank and the notebook, so rewording or retiring a question never breaks this test.
    """
    import json
    import re

    from backchannels.quiz.bank import SingleChoice, load_bank

    nb = json.loads((REPO / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    shown = [qid for cell in nb["cells"] for qid in
             re.findall(r'show_question\("([^"]+)"\)', "".join(cell["source"]))]
    bank = {q.id: q for q in load_bank(lesson[:2]).questions}
    question = next(bank[qid] for qid in shown if isinstance(bank.get(qid), SingleChoice))
    right = next(o for o in question.options if o.correct)
    def plain(text: str) -> str:
        return re.sub(r"[*_`]", "", text).split("\n")[0][:40]

    return plain(question.prompt), plain(right.text)


def _answer_exercise(page: Any, lesson: str) -> str:
    """Pick the correct option of the lesson's chosen question, press Check, return the feedback."""
    prompt, option = _first_single_choice(lesson)
    question = page.locator(".bc-question", has_text=prompt).first
    question.scroll_into_view_if_needed()
    question.locator(".widget-radio-box label", has_text=option).first.click()
    question.locator("button.jupyter-button", has_text="Check").first.click()
    feedback = question.locator(".bc-feedback").first
    feedback.wait_for(timeout=15_000)
    question.screenshot(path=str(RESULTS / f"{lesson}-exercise.png"))
    return feedback.inner_text()


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_and_an_exercise_answers(lab: LabServer, page: Any, results_dir: Path,
                                             lesson: str) -> None:
    _open_and_run(page, lab, lesson)
    text = _answer_exercise(page, lesson)
    assert text.startswith("✓"), f"expected the 'right' feedback, got {text!r}"
    if lesson.startswith("01"):
        img = page.locator("img[alt^='Scatter chart placing nine kinds']")
        img.scroll_into_view_if_needed()
        assert img.count() == 1
        img.screenshot(path=str(results_dir / f"{lesson}-map.png"))


def test_lesson_02_slider_changes_the_verdict(lab: LabServer, page: Any, results_dir: Path) -> None:
    _open_and_run(page, lab, "02_why_back_channels")
    verdict = page.locator(".bc-model-verdict").first
    verdict.scroll_into_view_if_needed()
    assert "secret channel is the better bet" in verdict.inner_text()
    leak = page.locator(".widget-slider", has_text="Chance of a leak").first
    readout = leak.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.9")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.bc-model-verdict').innerText.includes('now 90%')",
        timeout=15_000)
    assert verdict.inner_text().startswith("Verdict: public talks are the better bet")
    chart = page.locator(".bc-model-plot img").first
    assert "Current leak chance 0.90" in (chart.get_attribute("alt") or "")
    explorer = page.locator(".widget-vbox:has(.bc-model-verdict)").first
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=str(results_dir / "02_why_back_channels-slider.png"))
