"""Teaching modes in a real Chromium: offline slide decks with speaker notes, the offline HTML
reading pages, the Voila self-study app, live lecture slides, and JupyterLab's presentation mode,
each checked with axe-core for serious or critical accessibility problems in our content."""

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
    VoilaServer,
    built,
    describe,
    lessons,
    serious_violations,
)

pytestmark = pytest.mark.browser

RADIO = ".widget-radio-box input[type=radio]"
# Our content inside JupyterLab: rendered markdown, outputs and widgets (not the upstream UI).
OUR_CONTENT_IN_LAB = {"include": [[".jp-RenderedMarkdown"], [".jp-OutputArea-output"]]}


def _outputs(kind: str) -> dict[str, Path]:
    """Return lesson stem -> exported file of one kind."""
    return {e.lesson.stem: e.output for e in built()[1] if e.kind == kind}


def _first_lesson_with_exercise() -> Path:
    """Return the first lesson (in teaching order) that shows an exercise."""
    for lesson in lessons():
        if "show_question(" in lesson.read_text() or "show_quiz(" in lesson.read_text() or \
                "RadioButtons" in lesson.read_text():
            return lesson
    raise AssertionError("no lesson shows an exercise")


def _answer_first_exercise(page: Any, root: str = "body", dispatch: bool = False) -> str:
    """Pick the first option of the first exercise, press its Check button, return the feedback.

    ``dispatch`` sends the click to the button itself: in a scaled reveal.js slide Playwright's
    hit test lands on the deck's container although the button is where a mouse click reaches it.
    """
    label = page.locator(f"{root} .widget-radio-box label").first
    label.wait_for(state="attached", timeout=60_000)
    label.scroll_into_view_if_needed()
    question = label.locator("xpath=ancestor::div[contains(@class,'bc-question')][1]")
    box = question if question.count() else label.locator(
        "xpath=ancestor::div[contains(@class,'widget-box') or contains(@class,'jupyter-widgets')][last()]")
    before = box.inner_text()
    if dispatch:
        label.evaluate("l => (l.querySelector('input') || l).click()")
    else:
        label.click()
    button = box.locator("button.jupyter-button", has_text="Check").first
    if dispatch:
        button.evaluate("b => b.click()")
    else:
        button.click()
    page.wait_for_function("([el, before]) => el.innerText.trim() !== before.trim()",
                           arg=[box.element_handle(), before], timeout=15_000)
    feedback = box.locator(".bc-feedback")
    if feedback.count():
        return feedback.first.inner_text().strip()
    after = box.inner_text()
    return after.replace(before, "").strip() or after


def _accept_kernel_dialog(page: Any) -> None:
    """Accept JupyterLab's "Select Kernel" dialog when it appears (it sometimes does on open)."""
    button = page.locator(".jp-Dialog button:has-text('Select')")
    try:
        button.wait_for(state="visible", timeout=3_000)
    except Exception:  # noqa: BLE001 - no dialog is the normal case
        return
    button.click()
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)


def _headings_in_order(page: Any) -> list[str]:
    """Return headings that skip a level (an h2 followed by an h4, say), empty when in order."""
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4, main h5, main h6, #rendered_cells h1, #rendered_cells h2,"
        " #rendered_cells h3, #rendered_cells h4",
        "els => els.filter(e => e.offsetParent !== null || true).map(e => [Number(e.tagName[1]), e.innerText])")
    skipped, previous = [], 0
    for level, text in levels:
        if previous and level > previous + 1:
            skipped.append(f"h{previous} -> h{level} {text[:40]}")
        previous = level
    return skipped


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
        skipped = _headings_in_order(page)
        assert not skipped, f"{stem}: headings skip a level: {skipped}"
        if index == 0:
            page.screenshot(path=str(results_dir / "modes-html.png"), full_page=False)
    assert not problems, "\n".join(f"{k}:\n{v}" for k, v in problems.items())
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_self_study_app_runs_an_exercise_offline(page: Any, results_dir: Path) -> None:
    lesson = _first_lesson_with_exercise()
    guard = NetworkGuard().attach(page)
    with VoilaServer(NOTEBOOKS) as server:
        page.goto(server.url(lesson.name))
        page.wait_for_selector("#rendered_cells", state="visible", timeout=60_000)
        # No code cells, no instructor notes.
        assert page.locator(".jp-InputArea-editor:visible").count() == 0
        shown = " ".join(page.locator("#rendered_cells").inner_text().split())
        for cell in nbformat.read(lesson, as_version=4).cells:
            if is_instructor_cell(cell):
                words = " ".join(cell.source.replace("*", "").replace(">", "").split())[:60]
                assert words not in shown, f"instructor note shown to students: {words}"
        feedback = _answer_first_exercise(page)
        assert feedback, "the exercise gave no feedback"
        page.screenshot(path=str(results_dir / "modes-app.png"), full_page=False)
        found = serious_violations(page)
        assert not found, describe(found)
        assert not _headings_in_order(page)
        icons = page.evaluate("""() => [...document.styleSheets].some(
            s => (s.href || '').includes('/static/fontawesome/') && s.cssRules.length > 100)""")
        assert icons, "Font Awesome did not load from the local copy"
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_live_lecture_slides_have_working_widgets_offline(page: Any, results_dir: Path) -> None:
    lesson = _first_lesson_with_exercise()
    guard = NetworkGuard().attach(page)
    with VoilaServer(NOTEBOOKS, slides=True) as server:
        page.goto(server.url(lesson.name))
        page.wait_for_selector(".reveal.ready, .reveal .slides section", timeout=60_000)
        page.wait_for_selector(RADIO, state="attached", timeout=60_000)
        # Go to the slide holding the first exercise, as the lecturer would with the arrow keys.
        for _ in range(60):
            if page.locator(RADIO).first.evaluate(
                    "r => !!r.closest('section') && r.closest('section').classList.contains('present')"):
                break
            page.keyboard.press("Space")  # next slide, down the vertical stacks first
            page.wait_for_timeout(150)
        feedback = _answer_first_exercise(page, dispatch=True)
        assert feedback
        assert page.locator("aside.notes:visible").count() == 0
        page.screenshot(path=str(results_dir / "modes-live-slides.png"))
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_lecture_in_jupyterlab_presentation_mode(page: Any, lab_server_factory: Any, tmp_path: Path,
                                                  results_dir: Path) -> None:
    lesson = _first_lesson_with_exercise()
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
    feedback = _answer_first_exercise(page, ".jp-NotebookPanel")
    assert feedback
    page.screenshot(path=str(results_dir / "modes-lab-presentation.png"))
    found = serious_violations(page, OUR_CONTENT_IN_LAB)
    assert not found, describe(found)
