"""The new question kinds in real JupyterLab and Chromium: a case, an evidence item and a
self-marked written answer, answered as a student would, with screenshots.

Screenshots go to test-results/quiz-kinds-*.png.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser.test_quiz_browser import (
    box,
    feedback,
    pick_radio,
    press,
    run_all_when_connected,
    screenshot,
    start_kernels_without_asking,
)
from tests.support.lab import cell_errors, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
KINDS = REPO / "tests" / "fixtures" / "questions" / "kinds.yml"
FACTS = {
    "The secret pledge to remove the Jupiter missiles from Turkey was kept in April 1963": "weakens",
    "A promise the public never learns of cannot cost a leader votes if it is broken": "strengthens",
    "Khrushchev announced the withdrawal from Cuba in public on 28 October": "neither",
}


@pytest.fixture
def kinds_page(
    page: Any, lab_server_factory: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Path]:
    """Open a fresh notebook showing the kinds quiz in JupyterLab and run it."""
    data = tmp_path / "data"
    (data / "questions").mkdir(parents=True)
    shutil.copy(KINDS, data / "questions" / "kinds.yml")
    shutil.copy(REPO / "data" / "references.bib", data / "references.bib")
    root = tmp_path / "root"
    root.mkdir()
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Case, evidence and written answers"),
        nbformat.v4.new_code_cell("from backchannels.quiz import show_quiz"),
        nbformat.v4.new_code_cell('show_quiz("kinds", seed=5)'),
    ]
    nbformat.write(notebook, root / "kinds.ipynb")
    monkeypatch.setenv("PYTHONPATH", str(REPO / "src"))
    monkeypatch.setenv("BACKCHANNELS_DATA", str(data))
    server = lab_server_factory(root)
    start_kernels_without_asking(server)
    open_notebook(page, server, "kinds.ipynb")
    run_all_when_connected(page)
    page.wait_for_function("document.querySelectorAll('.bc-question').length === 3", timeout=60_000)
    assert cell_errors(page) == []
    # The server gives its kernels a fresh progress folder of its own (tests/support/lab.py).
    assert server._scratch is not None
    return page, Path(server._scratch.name) / "user"


def test_case_evidence_and_written_answer_in_jupyterlab(kinds_page: Any, results_dir: Path) -> None:
    page, user = kinds_page
    screenshot(page, results_dir / "quiz-kinds-start.png")

    case = box(page, 1)
    expect(case).to_contain_text("Case. On 16 September 1977")
    pick_radio(case, "Mediation: the king of a third country")
    press(case, "Check")
    assert "Hosting is not mediating" in feedback(case, "Not quite")
    press(case, "Try again")
    pick_radio(case, "A back channel: the leaders sent both men")
    press(case, "Check")
    feedback(case, "Correct")

    evidence = box(page, 2)
    expect(evidence).to_contain_text("Claim: A secret promise is not credible")
    for fact, effect in FACTS.items():
        evidence.get_by_label(fact).select_option(label="weakens" if effect == "neither" else effect)
    press(evidence, "Check")
    feedback(evidence, "2 of 3 facts judged right")
    press(evidence, "Try again")
    evidence.get_by_label("Khrushchev announced the withdrawal from Cuba in public on 28 October").select_option(
        label="neither"
    )
    press(evidence, "Check")
    feedback(evidence, "all 3 facts judged right")
    expect(page.locator(".bc-score")).to_have_text("Lesson kinds score: 2 of 2 answered correctly")

    written = box(page, 3)
    expect(written).to_contain_text("Written answer (self-marked)")
    written.get_by_label("Your answer").fill(
        "Sometimes. Kennedy kept his secret promise to remove the Jupiter missiles from Turkey in "
        "1963, although breaking it would have cost him nothing at home."
    )
    press(written, "Submit")
    written.locator(".bc-answer").filter(has_text="Model answer").wait_for(timeout=10_000)
    written.get_by_label("Takes a position").check()
    written.get_by_label("Uses a specific case").check()
    press(written, "Save my marks")
    written.locator(".bc-feedback").filter(has_text="2 of 3").wait_for(timeout=10_000)
    # The self-assessed marks are saved apart; the quiz score did not move.
    expect(page.locator(".bc-score")).to_have_text("Lesson kinds score: 2 of 2 answered correctly")
    page.wait_for_timeout(300)
    record = json.loads((user / "progress.json").read_text(encoding="utf-8"))["questions"]["kinds_q3"]
    assert (record["self_score"], record["self_max"]) == (2, 3) and "credited" not in record
    screenshot(page, results_dir / "quiz-kinds-answered.png")
