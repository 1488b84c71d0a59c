"""Lessons 05-06 in a real JupyterLab: a student sets up scenarios in the legality analyser and builds a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backchannels.debate import MOTIONS
from tests.support.lab import KERNEL_IDLE, LabServer, cell_errors, open_notebook

pytestmark = pytest.mark.browser


def _run_all_until(page: Any, selector: str, timeout_ms: int = 120_000) -> None:
    """Run all cells and wait until the widget matching selector is on the page.

    JupyterLab 4 virtualises long notebooks, so off-screen cells show no execution count; waiting for
    the lesson's own widget is a reliable sign that the cells above it have run.
    """
    # open_notebook can return while the status bar still says "No Kernel | Initializing".
    page.wait_for_function("() => { const t = document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar');"
                           " const s = t ? t.closest('#jp-main-statusbar, .jp-StatusBar-Widget').innerText"
                           " : document.body.innerText; return !/No Kernel|Initializing|Starting/.test(s); }",
                           timeout=timeout_ms)
    dialog = page.locator(".jp-Dialog button:has-text('Select')")
    if dialog.count():
        dialog.first.click()
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
    page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def _select(container: Any, label_text: str, option_label: str) -> None:
    """Choose an option in the ipywidgets Dropdown whose label contains label_text."""
    container.locator(f".widget-dropdown:has(label:has-text('{label_text}')) select").select_option(label=option_label)


def test_student_sets_up_a_transition_scenario_and_reads_the_conclusion(
        lab: LabServer, page: Any, results_dir: Path) -> None:
    open_notebook(page, lab, "notebooks/06_the_law.ipynb")
    _run_all_until(page, ".bc-legal-analyser")
    assert cell_errors(page) == []
    # JupyterLab may re-attach a cell's output while scrolling; pick the rendered copy and wait for it.
    analyser = page.locator(".bc-legal-analyser").filter(has_text="Teaching tool").first
    analyser.wait_for(state="visible")
    analyser.scroll_into_view_if_needed()
    analyser.locator(".bc-legal-summary").wait_for(state="visible")
    assert "Teaching tool, not legal advice" in analyser.text_content()

    _select(analyser, "Who acts", "a member of the president-elect's transition team")
    _select(analyser, "With whose authority", "approved only by the president-elect")
    _select(analyser, "Towards whom", "a foreign government (at peace with the US) or its officials")
    _select(analyser, "Intending", "to defeat the measures of the United States")
    logan = "document.querySelector(\"tr.bc-law-row[data-rule='logan_act']\")"
    # Default intent is limb (a); wait until the widget shows the limb (b) the student chose.
    page.wait_for_function("() => document.querySelector('.bc-legal-result').parentElement.textContent"
                           ".includes('Limb (b)')")
    page.wait_for_function(f"() => {logan} && {logan}.dataset.verdict === 'engaged'")
    row = analyser.locator("tr.bc-law-row[data-rule='logan_act']")
    assert "A Logan Act question" in (row.text_content() or "")  # textContent: immune to content-visibility
    assert "Limb (b)" in analyser.text_content()
    assert "Either way it is a Logan Act question, not treason" in analyser.text_content()

    analyser.locator(".widget-checkbox:has-text('Later lied to Congress') input").check()
    page.wait_for_function("() => document.querySelector(\"tr.bc-law-row[data-rule='false_statements']\")")
    verdicts = dict(zip(analyser.locator("tr.bc-law-row").evaluate_all("rows => rows.map(r => r.dataset.rule)"),
                        analyser.locator("tr.bc-law-row").evaluate_all("rows => rows.map(r => r.dataset.verdict)")))
    assert verdicts["false_statements"] == "engaged" and verdicts["logan_act"] == "engaged", verdicts
    assert "18 U.S.C. § 1001" in analyser.text_content()
    analyser.locator(".bc-legal-result").scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "legal_analyser_transition.png"))

    # Topic is not intent: the same facts without the intent element leave the Logan Act out.
    _select(analyser, "Intending", "no such intent (courtesy, information, business)")
    page.wait_for_function(f"() => {logan}.dataset.verdict === 'not_engaged'")

    scenario_question = page.locator(".bc-question").filter(has_text="Classify the scenario").first
    scenario_question.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "legal_scenario_question.png"))

    analyser.scroll_into_view_if_needed()
    _select(analyser, "Load a scenario", "Speaker Pelosi meets President Assad (2007)")
    page.wait_for_function(f"() => {logan}.dataset.verdict === 'unclear'")
    assert "never been applied" in analyser.text_content()
    assert "Brewster" in analyser.text_content()  # Speech or Debate gives no immunity for a meeting abroad
    _select(analyser, "Load a scenario", "Invented: an NGO mediator trains a designated armed group")
    page.wait_for_function("() => document.querySelector(\"tr.bc-law-row[data-rule='material_support']\")")
    assert "irrespective of recognition" in analyser.text_content()
    analyser.locator(".bc-legal-result").scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "legal_analyser_insurgent.png"))


def test_student_builds_a_case_and_sees_warnings(lab: LabServer, page: Any, results_dir: Path) -> None:
    open_notebook(page, lab, "notebooks/07_debate_workshop.ipynb")
    _run_all_until(page, ".bc-argument-builder")
    cards = page.locator(".bc-evidence-cards").filter(has_text="l_con_6").first
    cards.wait_for(state="visible")
    cards.scroll_into_view_if_needed()
    assert "Abie Nathan" in (cards.text_content() or "")
    page.screenshot(path=str(results_dir / "evidence_cards_logan.png"))
    assert cell_errors(page) == []
    builder = page.locator(".bc-argument-builder").filter(has_text="Choose a motion").first
    builder.wait_for(state="visible")
    builder.scroll_into_view_if_needed()
    builder.locator(".bc-case").wait_for(state="visible")
    _select(builder, "Motion", MOTIONS["logan"])
    builder.locator("button:has-text('Proposition')").click()
    _select(builder, "Claim 1", "[pro] A nation must speak to the world with one voice, and the Supreme Court has made "
                                "it the President's.")
    output = builder.locator(".bc-case").first  # the builder's own (quiz case texts share the class)
    builder.locator(".bc-case", has_text="without evidence").first.wait_for()
    evidence = builder.locator(".widget-select-multiple:has(label:has-text('Evidence 1')) select")
    labels = evidence.locator("option").all_text_contents()
    evidence.select_option(label=next(text for text in labels if text.startswith("l_con_4:")))
    builder.locator(".bc-case", has_text="cuts the other way").first.wait_for()
    assert "Claim:" in output.text_content() and "Link:" in output.text_content()
    output.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "argument_builder_warning.png"))
