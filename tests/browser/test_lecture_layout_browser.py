"""The live lecture (``make lecture``) as a lecturer meets it, in a real Chromium (issue 20): every
slide of every lesson fits a 1280x720 and a 1920x1080 screen (no element outside the slide); the
right arrow, pressed from the first slide, reaches every exercise, and an exercise answers on its
slide; keys on a focused slider, drop-down, checkbox or fold move the control, not the deck; figures split into parts keep projector-sized text;
requests that would leave the machine are blocked and recorded (the test fails on any), and axe
finds no serious or critical problem in our content.

One Voila server for the whole module. Each lesson's deck is opened once, in a tab of its own, and
the tests that look at the same lesson share that tab (a deck runs its lesson in a kernel, which is
most of a test's cost); lessons come from the notebooks folder, never from a list of names here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backchannels.render.citations import cited_keys
from tests.support.layout import (FIGURE_TEXT_PX, IDS, LESSONS, OUTSIDE, PROJECTOR_TEXT_PX, SCREENS,
                                  lesson_showing, lesson_with, open_deck, question_calls)
from tests.support.modes import (NOTEBOOKS, RADIO, NetworkGuard, VoilaServer, answer_first_exercise, describe,
                                 first_lesson_with_exercise, serious_violations)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lecture_server() -> Iterator[VoilaServer]:
    """One live lecture server (``make lecture``) for every test of this module."""
    with VoilaServer(NOTEBOOKS, slides=True) as server:
        yield server


class Decks:
    """Each lesson's live deck, opened on first use in a browser context of its own and kept open."""

    def __init__(self, browser: Any, server: VoilaServer) -> None:
        self.browser, self.server = browser, server
        self.tabs: dict[Path, tuple[Any, Any, NetworkGuard]] = {}
        self.used: list[Any] = []

    def open(self, lesson: Path) -> tuple[Any, NetworkGuard]:
        """Return the lesson's deck tab at 1280x720 (opened and run the first time) and its network guard."""
        if lesson not in self.tabs:
            context = self.browser.new_context(viewport=SCREENS[0])
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            guard = NetworkGuard().attach(tab)
            open_deck(tab, lesson, self.server)
            self.tabs[lesson] = (context, tab, guard)
        _, tab, guard = self.tabs[lesson]
        tab.set_viewport_size(SCREENS[0])
        self.used.append(tab)
        return tab, guard

    def close(self) -> None:
        """Close every tab."""
        for context, _, _ in self.tabs.values():
            context.close()


@pytest.fixture(scope="module")
def open_decks(browser: Any, lecture_server: VoilaServer) -> Iterator[Decks]:
    """The module's deck tabs, closed at the end."""
    decks = Decks(browser, lecture_server)
    try:
        yield decks
    finally:
        decks.close()


@pytest.fixture
def decks(open_decks: Decks, request: pytest.FixtureRequest, results_dir: Path) -> Iterator[Decks]:
    """The shared deck tabs; when the test fails, a screenshot of each tab it used."""
    open_decks.used = []
    yield open_decks
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for number, tab in enumerate(open_decks.used):
            tab.screenshot(path=str(results_dir / f"FAILED-{request.node.name}-{number}.png"))


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lecture_slides_fit_and_the_right_arrow_reaches_every_exercise(
        decks: Decks, lesson: Path) -> None:
    page, guard = decks.open(lesson)
    for screen in SCREENS:
        page.set_viewport_size(screen)
        page.wait_for_timeout(200)
        outside = page.evaluate(OUTSIDE)
        assert not outside, f"{lesson.name} at {screen}: content outside the slide:\n" + "\n".join(outside)
    page.set_viewport_size(SCREENS[0])
    page.wait_for_timeout(200)
    # The lecturer's walk: the right arrow only, from the first slide to the last.
    total = page.evaluate("""() => { const qs = [...document.querySelectorAll('.reveal .slides .bc-question')];
                                     qs.forEach((q, i) => q.dataset.bcWalk = i); return qs.length; }""")
    seen: set[str] = set()
    for _ in range(400):
        here, last = page.evaluate("""() => [[...Reveal.getCurrentSlide().querySelectorAll('.bc-question')]
            .map(q => q.dataset.bcWalk), Reveal.isLastSlide() && !Reveal.availableFragments().next]""")
        seen.update(here)
        if last:
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate("() => Reveal.isLastSlide()"), f"{lesson.name}: the right arrow did not reach the last slide"
    prose = " ".join(page.locator(".reveal .slides .jp-RenderedMarkdown").all_inner_texts())
    assert not cited_keys(prose), f"{lesson.name}: raw bibliography keys on the slides: {cited_keys(prose)[:5]}"
    if question_calls(lesson):
        assert total, f"{lesson.name}: no exercise rendered on the slides"
    assert len(seen) == total, f"{lesson.name}: the right arrow reached {len(seen)} of {total} exercises"
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"


def test_keys_on_a_focused_slider_move_the_slider_not_the_deck(
        decks: Decks, results_dir: Path) -> None:
    lesson = lesson_showing("model_explorer")
    if lesson is None:
        pytest.skip("no lesson shows the model explorer")
    page, _ = decks.open(lesson)
    page.evaluate("""() => { const s = document.querySelector('.reveal .slides .widget-slider').closest('section');
                             const ix = Reveal.getIndices(s); Reveal.slide(ix.h, ix.v); }""")
    page.wait_for_timeout(600)
    handle = page.locator("section.present .widget-slider [role=slider], section.present .widget-slider .noUi-handle").first
    handle.focus()
    before = page.evaluate("() => [Reveal.getIndices(), document.activeElement.getAttribute('aria-valuenow')]")
    page.screenshot(path=str(results_dir / "layout-lecture-model-1280x720.png"))
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    after = page.evaluate("() => [Reveal.getIndices(), document.activeElement.getAttribute('aria-valuenow')]")
    assert after[0] == before[0], "a key on a focused slider changed the slide"
    assert after[1] != before[1], "the arrow key did not move the focused slider"
    # The slide still fits with the slider's new value, and Esc hands the keys back to the deck.
    box = page.evaluate("""() => { const b = document.querySelector('.reveal .slides').getBoundingClientRect();
        return [...Reveal.getCurrentSlide().querySelectorAll('.widget-readout, .noUi-handle, img')].every(e => {
          const r = e.getBoundingClientRect(); return !r.width || (r.left >= b.left - 2 && r.right <= b.right + 2
            && r.top >= b.top - 2 && r.bottom <= b.bottom + 2); }); }""")
    assert box, "the model explorer's readouts, handles or chart lie outside the slide"
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("() => Reveal.getIndices()")
    assert moved != after[0], "after Esc the right arrow should move the deck again"
    found = serious_violations(page, {"include": [["section.present"]]})
    assert not found, describe(found)


def test_lecture_timeline_is_split_into_parts_with_projector_sized_text(
        decks: Decks, results_dir: Path) -> None:
    lesson = lesson_with("show_timeline(")
    if lesson is None:
        pytest.skip("no lesson shows the timeline")
    page, _ = decks.open(lesson)
    page.wait_for_selector(".reveal .slides section[data-bc-parts]", state="attached", timeout=30_000)
    parts = page.evaluate(FIGURE_TEXT_PX, True)
    assert len(parts) >= 2, "the timeline should come in parts (eras), one per slide"
    for number, part in enumerate(parts, start=1):
        assert part["parts"] == 1, f"timeline part {number} shares its slide with another part"
        assert not part["narrow"], "the projector got the phone drawing"
        assert part["texts"] > 10
        assert part["px"] >= PROJECTOR_TEXT_PX, (
            f"timeline part {number}: smallest text {part['px']:.1f}px at 1280x720 (at least {PROJECTOR_TEXT_PX})")
    page.evaluate("""() => { const s = document.querySelector('.reveal .slides .bc-slide-part').closest('section');
                             const ix = Reveal.getIndices(s); Reveal.slide(ix.h, ix.v); }""")
    page.wait_for_timeout(400)
    page.screenshot(path=str(results_dir / "layout-lecture-timeline-part1-1280x720.png"))
    print("timeline text px at 1280x720:", [round(p["px"], 1) for p in parts])


# The legality analyser on its slide must fit at this scale or larger (it shrank to about 0.4 stacked).
ANALYSER_SCALE = 0.8


def test_lecture_analyser_fits_its_slide_at_a_readable_scale_and_keeps_keys_on_its_controls(
        decks: Decks, results_dir: Path) -> None:
    lesson = lesson_showing("show_legality_analyser")
    if lesson is None:
        pytest.skip("no lesson shows the legality analyser")
    page, _ = decks.open(lesson)
    go = """() => { const s = document.querySelector('.reveal .slides .bc-legal-analyser').closest('section');
                    const ix = Reveal.getIndices(s); Reveal.slide(ix.h, ix.v, 999); window.bcLecture.fit(s);
                    return parseFloat(s.dataset.bcFit); }"""
    scales = {}
    for screen in SCREENS:
        page.set_viewport_size(screen)
        page.wait_for_timeout(300)
        scales[screen["width"]] = page.evaluate(go)
        assert not page.evaluate(OUTSIDE.replace("window.bcLecture.leafSlides()",
                                                 "[document.querySelector('.bc-legal-analyser').closest('section')]"))
    page.set_viewport_size(SCREENS[0])
    page.wait_for_timeout(300)
    scale = page.evaluate(go)
    assert scale >= ANALYSER_SCALE, f"the analyser fits its slide only at {scale:.0%} (at least {ANALYSER_SCALE:.0%})"
    page.screenshot(path=str(results_dir / "layout-lecture-analyser-1280x720.png"))
    here = page.evaluate("() => Reveal.getIndices()")
    result = page.locator("section.present .bc-legal-output")
    # Keys on a focused drop-down, checkbox and fold stay with the control: the slide never changes.
    select = page.locator("section.present .bc-legal-controls select").nth(1)
    before = select.input_value()
    select.focus()
    for key in ("ArrowDown", "ArrowRight", "Space", "PageDown"):
        page.keyboard.press(key)
    assert page.evaluate("() => Reveal.getIndices()") == here, "a key on a focused drop-down changed the slide"
    assert select.input_value() != before, "the arrow key did not change the drop-down"
    box = page.locator("section.present .bc-legal-controls input[type=checkbox]").first
    box.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert box.is_checked(), "Space did not tick the focused checkbox"
    assert page.evaluate("() => Reveal.getIndices()") == here, "a key on a focused checkbox changed the slide"
    page.wait_for_timeout(500)
    fold = result.locator("details.bc-law-elements summary").first
    fold.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => Reveal.getIndices()") == here, "a key on the element-by-element fold changed the slide"
    assert result.locator("details.bc-law-elements[open]").count() == 1, "Enter did not open the fold"
    changed = page.evaluate("() => { window.bcLecture.fit(Reveal.getCurrentSlide()); return parseFloat(Reveal.getCurrentSlide().dataset.bcFit); }")
    page.screenshot(path=str(results_dir / "layout-lecture-analyser-changed-1280x720.png"))
    # Every prepared scenario (descriptions, more laws engaged, notes) still fits at a readable scale.
    preset = page.locator("section.present .bc-legal-controls select").first
    fold_closed = "() => document.querySelectorAll('section.present details[open]').forEach(d => d.open = false)"
    presets = {}
    for index in range(1, preset.evaluate("s => s.options.length")):
        preset.select_option(index=index)
        page.wait_for_timeout(400)
        page.evaluate(fold_closed)
        presets[preset.evaluate("s => s.value")] = page.evaluate(go)
    worst = min(presets, key=presets.get)
    assert presets[worst] >= ANALYSER_SCALE, f"with scenario {worst} the analyser fits only at {presets[worst]:.0%}"
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => Reveal.getIndices()") != here, "after Esc the right arrow should move the deck"
    print(f"analyser scale: {scales} default, {changed} after a change with a fold open, "
          f"{min(presets.values())} to {max(presets.values())} over {len(presets)} scenarios")
    found = serious_violations(page, {"include": [[".reveal .slides .bc-legal-analyser"]]})
    assert not found, describe(found)


def test_lecture_screenshots_for_the_record(decks: Decks, results_dir: Path) -> None:
    """The timeline, a question, a wide table and a case card, as a lecturer sees them (axe on each)."""
    shots = (("timeline", "show_timeline(", "img"), ("question", "show_question(", ".bc-question"),
             ("table", "show_model_cases(", "table"), ("case-card", "case_browser(", ".bc-case-card"))
    guards = []
    for name, call, selector in shots:
        lesson = lesson_with(call)
        if lesson is None:
            continue
        page, guard = decks.open(lesson)
        guards.append(guard)
        found = page.evaluate("""([sel, call]) => {
            const e = [...document.querySelectorAll('.reveal .slides ' + sel)].find(x => sel !== 'table' || !x.closest('.jupyter-widgets, .bc-static, .bc-static-companion, .bc-question'));
            if (!e) return false;
            const ix = Reveal.getIndices(e.closest('section')); Reveal.slide(ix.h, ix.v, 999); return true; }""",
                              [selector, call])
        assert found, f"{lesson.name}: nothing matches {selector} on the slides"
        page.wait_for_timeout(500)
        page.screenshot(path=str(results_dir / f"layout-lecture-{name}-1280x720.png"))
        problems = serious_violations(page, {"include": [[".reveal .slides section.present"]]})
        assert not problems, describe(problems)
    left = [url for guard in guards for url in guard.left_machine]
    assert not left, f"requests left the machine: {left}"


def test_live_lecture_slides_have_working_widgets_offline(decks: Decks, results_dir: Path) -> None:
    lesson = first_lesson_with_exercise()
    page, guard = decks.open(lesson)
    page.evaluate("() => Reveal.slide(0, 0, 0)")
    page.wait_for_selector(RADIO, state="attached", timeout=60_000)
    # Go to the slide holding the first exercise, as the lecturer would with the arrow keys.
    for _ in range(60):
        if page.locator(RADIO).first.evaluate(
                "r => !!r.closest('section') && r.closest('section').classList.contains('present')"):
            break
        page.keyboard.press("Space")  # next slide, down the vertical stacks first
        page.wait_for_timeout(150)
    feedback = answer_first_exercise(page, dispatch=True)
    assert feedback
    assert page.locator("aside.notes:visible").count() == 0
    page.screenshot(path=str(results_dir / "modes-live-slides.png"))
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"
