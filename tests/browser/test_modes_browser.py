"""Teaching modes in a real Chromium: offline slide decks with speaker notes, the offline HTML
reading pages and JupyterLab's presentation mode, each checked with axe-core for serious or critical
accessibility problems in our content. (An exercise answered in the Voila self-study app and in the
live lecture slides: test_app_layout_browser.py and test_lecture_layout_browser.py, on their servers.)"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest

from backchannels.export import is_instructor_cell
from tests.support.lab import open_notebook, run_all_cells
from tests.support.modes import (
    NOTEBOOKS,
    NetworkGuard,
    answer_first_exercise,
    built,
    describe,
    first_lesson_with_exercise,
    headings_skipping_a_level,
    lessons,
    serious_violations,
)

pytestmark = pytest.mark.browser

# Our content inside JupyterLab: rendered markdown, outputs and widgets (not the upstream UI).
OUR_CONTENT_IN_LAB = {"include": [[".jp-RenderedMarkdown"], [".jp-OutputArea-output"]]}


def _outputs(kind: str) -> dict[str, Path]:
    """Return lesson stem -> exported file of one kind."""
    return {e.lesson.stem: e.output for e in built()[1] if e.kind == kind}


def _accept_kernel_dialog(page: Any) -> None:
    """Accept JupyterLab's "Select Kernel" dialog when it appears (it sometimes does on open)."""
    button = page.locator(".jp-Dialog button:has-text('Select')")
    try:
        button.wait_for(state="visible", timeout=3_000)
    except Exception:  # noqa: BLE001 - no dialog is the normal case
        return
    button.click()
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def test_slide_decks_initialise_offline_and_keep_instructor_notes_as_speaker_notes(
        page: Any, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    for lesson in lessons():
        deck = _outputs("slides")[lesson.stem]
        page.goto(deck.as_uri())
        page.wait_for_function("() => window.Reveal && window.Reveal.isReady && window.Reveal.isReady()",
                               timeout=20_000)
        notes = page.evaluate("() => Reveal.getSlides().map(s => Reveal.getSlideNotes(s) || '')")
        expected = [c.source for c in nbformat.read(lesson, as_version=4).cells if is_instructor_cell(c)]
        joined = " ".join(" ".join(n.split()) for n in notes)
        for note in expected:
            words = " ".join(note.replace("*", "").replace(">", "").split())[:40]
            assert words.split()[-1] in joined, f"{lesson.name}: note not a speaker note: {words}"
        # Speaker notes never show on the projected slide.
        assert page.locator("aside.notes:visible").count() == 0
        shown = " ".join(page.locator(".reveal .slides").inner_text().split())
        for note in expected:
            words = " ".join(note.replace("*", "").replace(">", "").split())[:60]
            assert words not in shown, f"{lesson.name}: a speaker note shows on a slide: {words}"
        if lesson == lessons()[0]:
            page.screenshot(path=str(results_dir / "modes-slide-title.png"))
            figure = page.evaluate("""() => Reveal.getSlides().findIndex(s => s.querySelector('img'))""")
            widget = page.evaluate("""() => Reveal.getSlides().findIndex(
                s => /Run the notebook|Choose one|Check/.test(s.innerText))""")
            for name, index in (("figure", figure), ("exercise", widget)):
                if index >= 0:
                    page.evaluate("i => { const s = Reveal.getSlides()[i]; Reveal.slide(...Object.values(Reveal.getIndices(s))); }", index)
                    page.wait_for_timeout(900)
                    page.screenshot(path=str(results_dir / f"modes-slide-{name}.png"))
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"
    assert not guard.failed, f"requests failed: {guard.failed}"


def test_html_pages_are_offline_readable_and_accessible(page: Any, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    problems = {}
    for index, (stem, path) in enumerate(sorted(_outputs("html").items())):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        found = serious_violations(page)
        if found:
            problems[stem] = describe(found)
        skipped = headings_skipping_a_level(page)
        assert not skipped, f"{stem}: headings skip a level: {skipped}"
        if index == 0:
            page.screenshot(path=str(results_dir / "modes-html.png"), full_page=False)
    assert not problems, "\n".join(f"{k}:\n{v}" for k, v in problems.items())
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_lecture_in_jupyterlab_presentation_mode(page: Any, lab_server_factory: Any, tmp_path: Path,
                                                  results_dir: Path) -> None:
    lesson = first_lesson_with_exercise()
    # A copy of the lessons: JupyterLab autosaves a run notebook, outputs and all, and the
    # committed lessons must stay clean.
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    server = lab_server_factory(tmp_path)
    open_notebook(page, server, f"notebooks/{lesson.name}")
    _accept_kernel_dialog(page)
    run_all_cells(page)
    # What the lecturer does: View > Appearance > Simple Interface, then > Presentation Mode.
    for command in ("application:toggle-mode", "application:toggle-presentation-mode"):
        page.click("li.lm-MenuBar-item:has-text('View')")
        page.hover("li.lm-Menu-item:has-text('Appearance')")
        page.click(f"li.lm-Menu-item[data-command='{command}']")
    page.wait_for_selector(".jp-mod-presentationMode", state="attached")
    page.keyboard.press("Control+b")  # hide the file browser (View > Left Sidebar)
    feedback = answer_first_exercise(page, ".jp-NotebookPanel")
    assert feedback
    page.screenshot(path=str(results_dir / "modes-lab-presentation.png"))
    found = serious_violations(page, OUR_CONTENT_IN_LAB)
    assert not found, describe(found)
