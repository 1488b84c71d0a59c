"""Lessons 01-03 in a real JupyterLab: run each lesson, answer one exercise; in lesson 02 the model's
picture comes before its folded algebra and a slider changes the verdict.

Lesson 02 is opened and run once, in a tab that its three tests share (running a lesson in
JupyterLab is most of a test's cost)."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.lab import LabServer, cell_errors, open_notebook, run_all_cells

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "test-results"
LESSON_02 = "02_why_back_channels"


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


@pytest.fixture(scope="module")
def opened_lesson_02(lab_server_factory: Callable[[Path], LabServer], browser: Any,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Lesson 02 opened and run in JupyterLab once, on a copy of the lessons, for this module's tests."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    server = lab_server_factory(root)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        _open_and_run(tab, server, LESSON_02)
        yield tab
    finally:
        context.close()


@pytest.fixture
def lesson_02(opened_lesson_02: Any, request: pytest.FixtureRequest, results_dir: Path) -> Iterator[Any]:
    """The shared lesson-02 tab; a screenshot of it when the test fails."""
    yield opened_lesson_02
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        opened_lesson_02.screenshot(path=str(results_dir / f"FAILED-{request.node.name}.png"), full_page=True)


@pytest.mark.parametrize("lesson", ["01_what_is_a_back_channel", "03_costs_and_risks"])
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


def test_lesson_02_runs_and_an_exercise_answers(lesson_02: Any) -> None:
    text = _answer_exercise(lesson_02, LESSON_02)
    assert text.startswith("✓"), f"expected the 'right' feedback, got {text!r}"


def test_lesson_02_model_picture_first_algebra_folded(lesson_02: Any, results_dir: Path) -> None:
    page = lesson_02
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


def test_lesson_02_slider_changes_the_verdict(lesson_02: Any, results_dir: Path) -> None:
    page = lesson_02
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
