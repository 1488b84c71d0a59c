"""Shared pieces of the teaching-mode layout tests (lecture, app and offline exports): the lessons,
screen sizes, the in-page checks and the helpers that open a lesson's live deck."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat

from backchannels.course import load_lessons
from backchannels.render.tools import tool_for_source
from tests.support.modes import VoilaServer, lessons

LESSONS = lessons()
IDS = [p.name[:2] for p in LESSONS]
SCREENS = ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080})
PHONE = {"width": 390, "height": 844}
# TeX left as text: $$...$$, or $...$ holding a backslash command, a sub/superscript or braces.
RAW_TEX = re.compile(r"\$\$|\$[^$\n]{0,120}?(\\[A-Za-z]+|[_^{}])[^$\n]{0,120}?\$")

# Every element of the current slide, with all fragments shown, that lies outside the slide.
OUTSIDE = """() => {
  const found = [];
  const box = document.querySelector('.reveal .slides').getBoundingClientRect();
  for (const s of window.bcLecture.leafSlides()) {
    const ix = Reveal.getIndices(s);
    Reveal.slide(ix.h, ix.v, 999);
    window.bcLecture.fit(s);
    for (const e of s.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      // Not drawn: no size, hidden, or folded away (the closed part of a <details>).
      if (!r.width || !r.height || !e.checkVisibility({checkVisibilityCSS: true, visibilityProperty: true})) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2) {
        found.push(`slide ${Reveal.getSlides().indexOf(s) + 1} "${s.innerText.trim().slice(0, 50)}": ` +
                   `${e.tagName.toLowerCase()}.${String(e.className).slice(0, 40)}`);
        break;
      }
    }
  }
  Reveal.slide(0, 0, 0);
  return found;
}"""



def open_deck(page: Any, lesson: Path, server: VoilaServer) -> None:
    """Open a lesson's live lecture deck and wait until its cells ran and every exercise is drawn."""
    page.goto(server.url(lesson.name))
    page.wait_for_selector("html.bc-deck-ready", state="attached", timeout=90_000)
    page.wait_for_function(
        "() => !document.querySelector('#loading') || getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=90_000)
    # Widgets render after the cells ran: wait for one question per exercise cell, then for the
    # number of widgets to stop changing.
    page.wait_for_function("""least => {
        if (document.querySelectorAll('.reveal .slides .bc-question').length < least) return false;
        const n = document.querySelectorAll('.reveal .slides .jupyter-widgets').length;
        const same = window.__bcCount === n; window.__bcCount = n; return same; }""",
                           arg=question_calls(lesson), polling=500, timeout=90_000)


def question_calls(lesson: Path) -> int:
    """Return how many exercise cells (show_question / show_quiz) the lesson has."""
    cells = nbformat.read(lesson, as_version=4).cells
    return sum(1 for c in cells if c.cell_type == "code" and re.match(r"\s*show_(question|quiz)\(", c.source))



def lesson_showing(tool: str) -> Path | None:
    """Return the first lesson with a code cell that shows an interactive tool (by its call name)."""
    for lesson in LESSONS:
        if any(c.cell_type == "code" and (t := tool_for_source(c.source)) is not None and t.call == tool
               for c in nbformat.read(lesson, as_version=4).cells):
            return lesson
    return None


def lesson_with(call: str) -> Path | None:
    """Return the first lesson whose code calls a function (found in the notebooks, not named here)."""
    for lesson in LESSONS:
        if any(c.cell_type == "code" and call in c.source for c in nbformat.read(lesson, as_version=4).cells):
            return lesson
    return None



# The smallest text drawn in each part of a figure split into parts (.bc-slide-part), in screen
# pixels: the font size of every <text> of the SVG the browser chose (wide or phone drawing),
# times the width the image is shown at, over the SVG's own width. Each part is shown first.
FIGURE_TEXT_PX = r"""async (show) => {
  const found = [];
  for (const img of document.querySelectorAll('.bc-slide-part img')) {
    if (show) { const s = img.closest('section'); const ix = Reveal.getIndices(s); Reveal.slide(ix.h, ix.v);
                window.bcLecture.fit(s); }
    else { img.scrollIntoView(); }
    await new Promise(r => setTimeout(r, 250));
    const src = img.currentSrc || img.src;
    const svg = new DOMParser().parseFromString(atob(src.split(',')[1]), 'image/svg+xml').documentElement;
    const width = parseFloat(svg.getAttribute('viewBox').split(/\s+/)[2]);
    const sizes = [...svg.querySelectorAll('text')].map(t => {
      const m = /font-size:\s*([0-9.]+)px/.exec(t.getAttribute('style') || ''); return m ? parseFloat(m[1]) : NaN; })
      .filter(x => !isNaN(x));
    const shown = img.getBoundingClientRect().width;
    found.push({narrow: src !== img.src, parts: img.closest('section') ?
                  img.closest('section').querySelectorAll('.bc-slide-part').length : 1,
                texts: sizes.length, px: Math.min(...sizes) * shown / width, shown: shown});
  }
  return found;
}"""
# Case names on a projector: at least this many screen pixels high at 1280x720 (about 11px before).
PROJECTOR_TEXT_PX = 18
PHONE_TEXT_PX = 11


def missing_lesson_listings(text: str) -> list[str]:
    """Return each served lesson's title, "N minutes" or guiding question that ``text`` lacks."""
    served = {p.name[:2] for p in LESSONS}
    text = " ".join(text.split())
    return [part for lesson in load_lessons() if lesson.number in served
            for part in (lesson.title, f"{lesson.minutes} minutes", lesson.guiding_question)
            if " ".join(part.split()) not in text]
