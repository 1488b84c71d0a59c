"""The offline decks and reading pages (``make slides`` / ``make html``) as a reader meets them, in a
real Chromium (issue 20): maths is typeset (no raw ``$...$``), no bibliography key shows raw, every
slide fits a 1280x720 screen, every interactive tool is a still with its live line, and the indexes
list lessons by title, minutes and guiding question. Requests that would leave the machine are
blocked and recorded (the test fails on any), and axe finds no serious or critical problem.

The export is built once per test run and shared with the other export tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from backchannels.render.citations import cited_keys
from backchannels.render.tools import tool_for_source
from tests.support.layout import LESSONS, OUTSIDE, RAW_TEX, SCREENS, missing_lesson_listings
from tests.support.modes import NetworkGuard, built, describe, serious_violations

pytestmark = pytest.mark.browser


def _deck_outputs(kind: str) -> dict[str, Path]:
    """Return lesson stem -> exported file of one kind (one export shared by the module tests)."""
    return {e.lesson.stem: e.output for e in built()[1] if e.kind == kind}


def test_offline_decks_typeset_maths_cite_and_show_tool_stills(page: Any, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    page.set_viewport_size(SCREENS[0])
    shot_formula = False
    for lesson in LESSONS:
        deck = _deck_outputs("slides")[lesson.stem]
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_selector("html.bc-deck-ready", state="attached", timeout=30_000)
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")
        text = page.locator(".reveal .slides").inner_text()
        raw = RAW_TEX.search(text)
        assert raw is None, f"{deck.name}: maths shows as raw TeX: {raw.group(0) if raw else ''}"
        keys = cited_keys(text)
        assert not keys, f"{deck.name}: raw bibliography keys on the slides: {keys[:5]}"
        outside = page.evaluate(OUTSIDE)
        assert not outside, f"{deck.name}: content outside the slide:\n" + "\n".join(outside)
        tools = [t for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"
                 and (t := tool_for_source(c.source)) is not None]
        stills = page.locator(".bc-static-tool").count()
        assert stills >= len(tools), f"{deck.name}: {len(tools)} tools but {stills} stills"
        if tools:
            assert page.locator(".bc-static-tool .bc-live-note").count() >= len(tools), "a still lacks its live line"
        formula = page.evaluate("""() => { const m = document.querySelector('.reveal .slides mjx-container[display="true"]') || document.querySelector('.reveal .slides mjx-container');
            if (!m) return false; const ix = Reveal.getIndices(m.closest('section')); Reveal.slide(ix.h, ix.v, 999); return true; }""")
        if formula and not shot_formula:
            shot_formula = True
            page.wait_for_timeout(400)
            page.screenshot(path=str(results_dir / "layout-deck-formula-1280x720.png"))
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"
    assert not guard.failed, f"requests failed: {guard.failed}"
    # (axe re-reads style sheets by XHR, which file:// pages refuse: check requests before it runs.)
    found = serious_violations(page, {"include": [[".reveal .slides section.present"]]})
    assert not found, describe(found)


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_export_indexes_list_lessons_by_title_minutes_and_question_and_cite_no_raw_keys(
        page: Any, kind: str, results_dir: Path) -> None:
    guard = NetworkGuard().attach(page)
    folder = built()[0] / kind
    page.goto((folder / "index.html").as_uri())
    missing = missing_lesson_listings(page.locator("main").inner_text())
    assert not missing, f"{kind} index misses {missing[0]!r}"
    styled = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Times" not in styled, "the index page is unstyled"
    page.screenshot(path=str(results_dir / f"layout-{kind}-index.png"))
    found = serious_violations(page)
    assert not found, describe(found)
    for path in _deck_outputs(kind).values():
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        visible = page.locator("body").inner_text()
        keys = cited_keys(visible)
        assert not keys, f"{path.name}: raw bibliography keys: {keys[:5]}"
        if kind == "html":
            raw = RAW_TEX.search(visible)
            assert raw is None, f"{path.name}: maths shows as raw TeX: {raw.group(0) if raw else ''}"
    assert not guard.left_machine, f"requests left the machine: {guard.left_machine}"
