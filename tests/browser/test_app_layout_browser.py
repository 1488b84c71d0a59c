"""The self-study app (``make app``) as a student meets it, in a real Chromium (issue 20): the start
page lists every lesson by title, minutes and guiding question and opens one from the keyboard; at
390x844 no lesson scrolls sideways and no button is cut or too small to tap; the timeline switches
to its phone drawing with readable text; prose stays in a readable column. Requests that would leave
the machine are blocked and recorded (the test fails on any), and axe finds no serious or critical
problem in our content.

One Voila server for the whole module; lessons come from the notebooks folder and data/lessons.csv,
never from a list of file names here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from backchannels.export import is_instructor_cell
from backchannels.render.citations import cited_keys
from tests.support.layout import (FIGURE_TEXT_PX, IDS, LESSONS, PHONE, PHONE_TEXT_PX, lesson_with,
                                  missing_lesson_listings)
from tests.support.modes import (NOTEBOOKS, NetworkGuard, VoilaServer, answer_first_exercise, describe,
                                 first_lesson_with_exercise, headings_skipping_a_level, serious_violations)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_server() -> Iterator[VoilaServer]:
    """One self-study app server (``make app``) for every test of this module."""
    with VoilaServer(NOTEBOOKS) as server:
        yield server


def test_app_start_page_lists_lessons_and_opens_one_from_the_keyboard(
        page: Any, app_server: VoilaServer, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    page.set_viewport_size(PHONE)
    page.goto(app_server.base_url + "/")
    missing = missing_lesson_listings(page.locator("main").inner_text())
    assert not missing, f"start page misses {missing[0]!r}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(results_dir / "layout-app-start-390x844.png"), full_page=True)
    found = serious_violations(page)
    assert not found, describe(found)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href') || ''")
    assert "/voila/render/" in focused, f"Tab did not reach a lesson link (focus on {focused!r})"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/voila/render/"), timeout=30_000)
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_app_lesson_on_a_phone_has_no_sideways_scroll_and_whole_buttons(
        page: Any, app_server: VoilaServer, lesson: Path, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    page.set_viewport_size(PHONE)
    page.goto(app_server.url(lesson.name))
    page.wait_for_selector("#rendered_cells", state="visible", timeout=90_000)
    page.wait_for_timeout(800)
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{lesson.name}: the page scrolls {wide}px sideways at 390px"
    cut = page.evaluate("""() => [...document.querySelectorAll('#rendered_cells button, #rendered_cells select, #rendered_cells input[type=radio]')]
        .filter(b => b.offsetParent !== null).map(b => [b, b.getBoundingClientRect()])
        .filter(([b, r]) => (b.tagName === 'BUTTON' && b.scrollWidth > b.clientWidth + 1) || r.left < -1
                            || r.right > window.innerWidth + 1 || (b.tagName !== 'INPUT' && r.height < 40))
        .map(([b, r]) => `${b.tagName} "${b.innerText || b.value}" ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    assert not cut, f"{lesson.name}: controls cut or too small to tap at 390px: {cut}"
    prose = " ".join(page.locator("#rendered_cells .jp-RenderedMarkdown").all_inner_texts())
    assert not cited_keys(prose), f"{lesson.name}: raw bibliography keys in the prose: {cited_keys(prose)[:5]}"
    if lesson == LESSONS[min(1, len(LESSONS) - 1)]:
        page.locator(".bc-question").first.scroll_into_view_if_needed()
        page.screenshot(path=str(results_dir / "layout-app-lesson-390x844.png"))
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_app_timeline_on_a_phone_uses_the_narrow_drawing_and_readable_text(
        page: Any, app_server: VoilaServer, results_dir: Path) -> None:
    lesson = lesson_with("show_timeline(")
    if lesson is None:
        pytest.skip("no lesson shows the timeline")
    page.set_viewport_size(PHONE)
    page.goto(app_server.url(lesson.name))
    page.wait_for_selector("#rendered_cells .bc-slide-part img", state="visible", timeout=90_000)
    parts = page.evaluate(FIGURE_TEXT_PX, False)
    assert parts and all(p["narrow"] for p in parts), "a phone should get the narrow drawing"
    small = [round(p["px"], 1) for p in parts if p["px"] < PHONE_TEXT_PX]
    assert not small, f"timeline text at 390px is {small}px (at least {PHONE_TEXT_PX})"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert all(p["shown"] <= PHONE["width"] for p in parts), "a timeline part is wider than the phone"
    page.locator(".bc-slide-part img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(results_dir / "layout-app-timeline-390x844.png"))
    print("timeline text px at 390x844:", [round(p["px"], 1) for p in parts])


def test_app_prose_runs_in_a_readable_column(page: Any, app_server: VoilaServer) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(app_server.url(LESSONS[-1].name))
    page.wait_for_selector("#rendered_cells", state="visible", timeout=90_000)
    chars = page.evaluate("""() => { const p = [...document.querySelectorAll('#rendered_cells .jp-RenderedMarkdown p')]
        .find(p => p.innerText.length > 200); const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(p); c.font = `${s.fontSize} ${s.fontFamily}`;
        const sample = 'the quick brown fox jumps over the lazy dog and ';
        return p.clientWidth / (c.measureText(sample).width / sample.length); }""")
    assert chars <= 90, f"prose lines hold about {chars:.0f} characters; a readable column holds 60-80"


def test_self_study_app_runs_an_exercise_offline(page: Any, app_server: VoilaServer, results_dir: Path) -> None:
    lesson = first_lesson_with_exercise()
    guard = NetworkGuard().attach(page)
    page.goto(app_server.url(lesson.name))
    page.wait_for_selector("#rendered_cells", state="visible", timeout=60_000)
    # No code cells, no instructor notes.
    assert page.locator(".jp-InputArea-editor:visible").count() == 0
    shown = " ".join(page.locator("#rendered_cells").inner_text().split())
    for cell in nbformat.read(lesson, as_version=4).cells:
        if is_instructor_cell(cell):
            words = " ".join(cell.source.replace("*", "").replace(">", "").split())[:60]
            assert words not in shown, f"instructor note shown to students: {words}"
    feedback = answer_first_exercise(page)
    assert feedback, "the exercise gave no feedback"
    page.screenshot(path=str(results_dir / "modes-app.png"), full_page=False)
    found = serious_violations(page)
    assert not found, describe(found)
    assert not headings_skipping_a_level(page)
    icons = page.evaluate("""() => [...document.styleSheets].some(
        s => (s.href || '').includes('/static/fontawesome/') && s.cssRules.length > 100)""")
    assert icons, "Font Awesome did not load from the local copy"
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"
