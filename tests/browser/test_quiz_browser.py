"""The demo quiz in real JupyterLab and Chromium: every type wrong then right, keyboard, timing.

The notebook is written into a temporary server root, so no committed notebook is involved.
Screenshots go to test-results/quiz-demo-*.png.
"""

from __future__ import annotations

import json
import shutil
import statistics
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import expect

from tests.support.lab import KERNEL_IDLE, cell_errors, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "tests" / "fixtures" / "questions" / "demo.yml"
FEEDBACK_MS = 10_000
TIMED_CLICKS = 24

# In-page timing: a capturing click listener stamps the click, a MutationObserver stamps the
# moment the question's feedback text appears, so Playwright's own overhead is not counted.
TIMER_JS = """(box) => {
    window.__bc = {t0: null, t1: null};
    const feedback = box.querySelectorAll('.widget-html')[box.querySelectorAll('.widget-html').length - 2];
    const check = [...box.querySelectorAll('button')].find(b => b.textContent === 'Check');
    check.addEventListener('click', () => { window.__bc.t0 = performance.now(); }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
        if (feedback.textContent.includes('Not quite')) { window.__bc.t1 = performance.now(); observer.disconnect(); }
    });
    observer.observe(feedback, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture
def quiz_page(
    page: Any,
    lab_server_factory: Callable[..., Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    results_dir: Path,
) -> Any:
    """Open a fresh notebook showing the demo quiz in JupyterLab and run it."""
    data = tmp_path / "data" / "questions"
    data.mkdir(parents=True)
    shutil.copy(DEMO, data / "demo.yml")
    root = tmp_path / "root"
    root.mkdir()
    # A kernelspec, or JupyterLab asks which kernel to start and the dialog blocks the page.
    notebook = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Demo quiz"),
        nbformat.v4.new_code_cell("from backchannels.quiz import show_quiz"),
        nbformat.v4.new_code_cell('show_quiz("demo", seed=11)'),
    ]
    nbformat.write(notebook, root / "quiz.ipynb")
    # The server's kernels inherit these: this checkout's package, the demo bank, a fresh progress folder.
    monkeypatch.setenv("PYTHONPATH", str(REPO / "src"))
    monkeypatch.setenv("BACKCHANNELS_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("BACKCHANNELS_USER_DIR", str(tmp_path / "user"))
    server = lab_server_factory(root)
    start_kernels_without_asking(server)
    open_notebook(page, server, "quiz.ipynb")
    run_all_when_connected(page)
    page.wait_for_function("document.querySelectorAll('.bc-question').length === 9", timeout=60_000)
    assert cell_errors(page) == []
    return page


def start_kernels_without_asking(server: Any) -> None:
    """Turn on 'start the preferred kernel' so Run All never stops at a Select Kernel dialog."""
    body = json.dumps({"raw": json.dumps({"autoStartDefaultKernel": True})}).encode()
    request = urllib.request.Request(
        f"{server.base_url}/lab/api/settings/@jupyterlab/notebook-extension:tracker"
        f"?token={server.token}",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 204)


STARTED_JS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
FINISHED_JS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .every(p => /\\[\\d+\\]/.test(p.textContent))"""


def run_all_when_connected(page: Any, attempts: int = 6) -> None:
    """Run all cells, repeating Run All until the kernel takes it.

    open_notebook returns on the execution indicator's first 'idle', which JupyterLab can show
    before the kernel is connected; a Run All in that gap does nothing, so try again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(1, attempts + 1):
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_function(STARTED_JS, timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts:
                dialogs = page.locator(".jp-Dialog").all_inner_texts()
                raise AssertionError(f"Run All never started; dialogs: {dialogs}") from None
    page.wait_for_function(FINISHED_JS, timeout=120_000)
    page.wait_for_selector(KERNEL_IDLE, timeout=120_000)


def box(page: Any, number: int) -> Any:
    """Return the n-th question (1-based) of the demo quiz."""
    return page.locator(".bc-question").nth(number - 1)


def press(question: Any, label: str) -> None:
    """Click one of the question's buttons by its visible text."""
    question.get_by_role("button", name=label, exact=True).click()


def feedback(question: Any, expected: str) -> str:
    """Wait until the question's feedback contains the expected words; return the feedback text."""
    locator = question.locator(".bc-feedback")
    locator.filter(has_text=expected).wait_for(timeout=FEEDBACK_MS)
    return locator.inner_text()


def pick_radio(group: Any, label: str) -> None:
    """Click the radio button whose label is this text."""
    group.locator("label", has_text=label).locator("input").click()


def single(q: Any, right: bool) -> None:
    pick_radio(
        q,
        "Secret talks between two governments' authorised envoys"
        if right
        else "A televised summit",
    )


def multiple(q: Any, right: bool) -> None:
    for text in ("Authorised officials", "Secrecy", "A neutral venue"):
        checkbox = q.get_by_role("checkbox", name=text)
        if checkbox.is_checked() != ((text != "A neutral venue") == right):
            checkbox.click()


def true_false(q: Any, right: bool) -> None:
    pick_radio(q, "False" if right else "True")


def matching(q: Any, right: bool) -> None:
    q.get_by_label("Back channel").select_option(label="Authorised officials talking in secret")
    q.get_by_label("Track-two diplomacy").select_option(label="Unofficial experts exploring ideas")
    q.get_by_label("Mediation").select_option(
        label="A third party helps the sides talk"
        if right
        else "A trade agreement ratified by parliament"
    )


def ordering(q: Any, right: bool) -> None:
    """Answer by keyboard only: focus each position list and type its number."""
    order = {
        "The Cuban Missile Crisis": "1",
        "Kissinger's secret trip to Beijing": "2",
        "The Oslo Accords are signed": "3" if right else "4",
        "The Good Friday Agreement": "4" if right else "3",
    }
    for item, position in order.items():
        select = q.get_by_label(item)
        # After "Try again" the lists stay disabled until the kernel answers; a key pressed on a
        # disabled list is lost (press, unlike click, does not wait for it), so wait as a student would.
        expect(select).to_be_enabled(timeout=10_000)
        select.focus()
        select.press(position)
        # The kernel may answer a swap a moment later on a busy machine; wait for the settled value.
        expect(select).to_have_value(position, timeout=10_000)


def numeric(q: Any, right: bool) -> None:
    q.get_by_label("Answer").fill("1962" if right else "1961")


def short_text(q: Any, right: bool) -> None:
    q.get_by_label("Answer").fill(" oslo " if right else "Stockholm")


def scenario(q: Any, right: bool) -> None:
    pick_radio(q.locator(".widget-radio").nth(0), "Track two" if right else "Back channel")
    pick_radio(q.locator(".widget-radio").nth(1), "The participants hold no office")


FLOWS = [
    (2, multiple, "you ticked 0 of the 2 right options", "you ticked all 2 right options"),
    (3, true_false, "No: they hold no office", "Right: unofficial participants"),
    (4, matching, "2 of 3 matches are right", "all 3 matches are right"),
    (5, ordering, "2 of 4 are in the right place", "all 4 are in the right order"),
    (6, numeric, "1961 is not the answer", "1962."),
    (7, short_text, "“Stockholm” is not one of the answers we accept", "Oslo."),
    (
        8,
        scenario,
        "that reason is right, but it leads to a different verdict",
        "Track two, and for the right reason",
    ),
]


def active_text(page: Any) -> str:
    """Return the focused element's text (or its label's, for inputs)."""
    return page.evaluate("""() => { const a = document.activeElement;
        return a.tagName === 'INPUT' ? (a.closest('label') || a).textContent : a.textContent; }""")


def tab_until(page: Any, text: str, *, backwards: bool = False, limit: int = 15) -> None:
    """Press Tab (or Shift+Tab) until the focused element shows this text."""
    for _ in range(limit):
        if active_text(page).strip().startswith(text):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"keyboard focus never reached {text!r}; it is on {active_text(page)!r}")


def test_demo_quiz_in_jupyterlab(quiz_page: Any, results_dir: Path) -> None:
    page = quiz_page
    companion = page.locator(".bc-static-companion")
    assert companion.count() == 1, "the static companion output is missing"
    expect(companion).to_be_hidden()  # the widget's style hides it in a live notebook
    screenshot(page, results_dir / "quiz-demo-start.png")

    # Question 1 by keyboard alone: Space selects, Enter presses, focus follows the flow.
    q1 = box(page, 1)
    q1.locator("label", has_text="A televised summit").locator("input").focus()
    page.keyboard.press("Space")
    tab_until(page, "Check")
    page.keyboard.press("Enter")
    assert feedback(q1, "✗ Not quite —").startswith("✗ Not quite — That is open summitry")
    page.wait_for_function("document.activeElement.textContent === 'Try again'")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.textContent === 'Check'")
    tab_until(page, "Secret talks", backwards=True)
    page.keyboard.press("Space")
    tab_until(page, "Check")
    page.keyboard.press("Enter")
    assert "Yes: official, authorised, and secret." in feedback(q1, "✓ Correct —")

    for number, answer, wrong, right in FLOWS:
        q = box(page, number)
        expect(q.get_by_role("button", name="Reveal answer")).to_be_disabled()
        answer(q, right=False)
        press(q, "Check")
        assert wrong in feedback(q, "✗ Not quite —")
        expect(q.get_by_role("button", name="Reveal answer")).to_be_enabled()
        press(q, "Try again")
        answer(q, right=True)
        press(q, "Check")
        assert right in feedback(q, "✓ Correct —")

    q6 = box(page, 6)
    press(q6, "Show hint")
    assert "Hint: Early in the 1960s." in q6.locator(".bc-hint").inner_text()
    q9 = box(page, 9)
    q9.get_by_label("Your reflection").fill(
        "Secrecy lets envoys explore ideas without losing face at home."
    )
    press(q9, "Save")
    assert "Saved — 10 words." in feedback(q9, "Saved")
    expect(page.locator(".bc-score")).to_have_text("Lesson demo score: 8 of 8 answered correctly")

    q2 = box(page, 2)  # a reveal after a wrong try, for the screenshot
    press(q2, "Try again")
    multiple(q2, right=False)
    press(q2, "Check")
    feedback(q2, "✗ Not quite —")
    press(q2, "Reveal answer")
    assert "Answer: Authorised officials; Secrecy" in q2.locator(".bc-answer").inner_text()
    screenshot(page, results_dir / "quiz-demo-answered.png")

    timings = click_to_feedback(page, box(page, 6))
    print(
        f"\nclick → feedback over {len(timings)} clicks: median {statistics.median(timings):.0f} ms, "
        f"worst {max(timings):.0f} ms, best {min(timings):.0f} ms"
    )
    assert statistics.median(timings) < 1000


def screenshot(page: Any, path: Path) -> None:
    """Save the whole quiz; the notebook scrolls inside its panel, so grow the window to fit it."""
    height = page.locator(".bc-quiz").evaluate("element => element.scrollHeight")
    page.set_viewport_size({"width": 1100, "height": height + 400})
    page.locator(".bc-quiz").screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 900})


def click_to_feedback(page: Any, question: Any) -> list[float]:
    """Time Check (real mouse clicks) until the wrong-answer feedback is on the page."""
    timings = []
    for _ in range(TIMED_CLICKS):
        press(question, "Try again")
        question.locator(".bc-feedback").wait_for(state="detached")
        question.get_by_label("Answer").fill("1961")
        question.evaluate(TIMER_JS)
        press(question, "Check")
        page.wait_for_function("window.__bc.t1 !== null", timeout=FEEDBACK_MS)
        timings.append(page.evaluate("window.__bc.t1 - window.__bc.t0"))
    return timings
