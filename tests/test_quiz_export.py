"""Without a kernel the questions stay readable: a real `jupyter nbconvert --to html --execute`."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "fixtures" / "questions" / "demo.yml"

VISIBLE = [
    "Lesson demo quiz: Demo: every question type",
    "Which of these is a back channel?",
    "A televised summit of the two leaders",
    "Tick every feature that all back channels share.",
    "Match each term with its description.",
    "Choose from:",
    "Kissinger's secret trip to Beijing",
    "In which year did the Cuban Missile Crisis take place?",
    "Verdict:",
    "They reported to their foreign ministries",
    "Is secrecy in diplomacy ever justified?",
    "Question 1 of 6 — Choose one answer.",  # show_question("00_q1")
    "Read the case, then choose one answer. Case. In September 1977",
    "Claim: Israeli–Palestinian reliance on back channels",
    "strengthens / weakens / neither",
    "Written answer (self-marked)",
    "Mark it against these criteria:",
    "Model answer (read it after writing yours)",
]
ANSWERS = [
    "Yes: official, authorised, and secret.",
    "That is open summitry",
    "October 1962.",
    "Yes: authorised and secret; the king arranged it and was present",  # 00_q5's feedback
    "A secret text no one would own adds to the uncertainty",  # 03_q11's feedback
]


def visible_text(page: str) -> str:
    """Return what a reader sees: the HTML without scripts, styles and tags."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def export(tmp_path: Path, **env: str) -> str:
    """Export to HTML, executing a small notebook that shows the demo quiz and one question."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from backchannels.quiz import show_question, show_quiz"),
        nbformat.v4.new_code_cell(f"show_quiz({str(DEMO)!r}, seed=3)"),
        nbformat.v4.new_code_cell('show_question("00_q1")'),
        nbformat.v4.new_code_cell('show_question("00_q5")'),  # case
        nbformat.v4.new_code_cell('show_question("03_q11")'),  # evidence
        nbformat.v4.new_code_cell('show_question("02_q10")'),  # written, self-marked
    ]
    path = tmp_path / "quiz.ipynb"
    nbformat.write(notebook, path)
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "BACKCHANNELS_DATA": str(REPO / "data"),
        "BACKCHANNELS_USER_DIR": str(tmp_path / "user"),
        **env,
    }
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--execute", str(path)],
        check=True,
        env=environment,
        capture_output=True,
        timeout=300,
    )
    return (tmp_path / "quiz.html").read_text(encoding="utf-8")


@pytest.mark.timeout(300)
def test_static_html_export_shows_every_question(tmp_path):
    page = export(tmp_path)
    # The widget state is saved, so nbconvert picks the widget view for the widget's own output;
    # offline it draws nothing there, and the text must come from the static companion output.
    assert '<script type="application/vnd.jupyter.widget-state+json">' in page
    assert '<script type="application/vnd.jupyter.widget-view+json">' in page
    text = visible_text(page)
    for needle in VISIBLE:
        assert needle in text, needle
    for answer in ANSWERS:
        assert answer not in text, f"the export gives away an answer: {answer}"
    assert 'class="bc-static-companion"' in page
    assert ":has(.bc-static-companion)" not in re.sub(
        r"<script\b.*?</script>", "", page, flags=re.DOTALL
    ), "the rule hiding the companion must come only with a drawn widget"


@pytest.mark.timeout(300)
def test_under_nbgrader_the_notebook_has_text_and_no_widgets(tmp_path):
    page = export(tmp_path, NBGRADER_EXECUTION="autograde")
    assert "application/vnd.jupyter.widget-view+json" not in page
    assert "application/vnd.jupyter.widget-state+json" not in page
    text = visible_text(page)
    for needle in VISIBLE:
        assert needle in text, needle
