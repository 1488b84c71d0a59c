"""Run-time tables and tools cite sources as (Author Year), never as raw BibTeX keys (issue 20).

The app and the live lecture show what the kernel draws; the export-time citation filters never see
it. So every code cell of every lesson that shows something (found in the notebooks, not listed
here) is run, its output and the HTML of every widget it returns are collected, and no key of
data/references.bib may appear in them. The legality analyser is also walked through every preset.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from backchannels.export import lesson_paths
from backchannels.references import load_references
from backchannels.render.citations import cite_keys_html, cited_keys, short_cite_html

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = lesson_paths(NOTEBOOKS)


def _widget_html(widget: widgets.Widget) -> list[str]:
    """Return every piece of text a widget tree draws (HTML values, options, descriptions, outputs)."""
    found: list[str] = []
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath, widgets.Label)):
        found.append(str(widget.value))
    if isinstance(widget, (widgets.Dropdown, widgets.RadioButtons, widgets.Select, widgets.SelectMultiple)):
        found.extend(str(label) for label, *_ in widget.options if isinstance(label, str)) if widget.options else None
    if getattr(widget, "description", None):
        found.append(str(widget.description))
    if isinstance(widget, widgets.Output):
        found.extend(str(o.get("data", o.get("text", ""))) for o in widget.outputs)
    for child in getattr(widget, "children", ()) or ():
        found.extend(_widget_html(child))
    return found


def _shown(value: Any, outputs: list[Any]) -> str:
    """Return the HTML a cell shows: what it displayed, plus its returned object's HTML or widget tree."""
    parts = [str(o.data) for o in outputs]
    if isinstance(value, widgets.Widget):
        parts += _widget_html(value)
        presets = getattr(value, "preset", None)
        if isinstance(presets, widgets.Dropdown):  # a tool with prepared scenarios: show each one
            for _, scenario in presets.options:
                presets.value = scenario
                parts += _widget_html(value)
    elif value is not None:
        html = getattr(value, "_repr_html_", None)
        parts.append(str(html() if html else getattr(value, "data", value)))
    return "\n".join(parts)


def _tool_cells(lesson: Path) -> list[str]:
    """Return the lesson's code cells that show something other than an exercise (imports run first)."""
    cells = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    return [s for s in cells if not re.match(r"\s*show_(question|quiz|score)\(", s)]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_no_raw_bibliography_key_in_what_a_lesson_draws(lesson: Path) -> None:
    InteractiveShell.instance()
    namespace: dict[str, Any] = {}
    for source in _tool_cells(lesson):
        *body, last = source.strip().splitlines() or [""]
        with capture_output() as captured:
            exec("\n".join(body), namespace)  # noqa: S102 - the lesson's own code cells
            value = eval(last, namespace) if last and not last.startswith(("from ", "import ")) else None
            if last.startswith(("from ", "import ")):
                exec(last, namespace)  # noqa: S102
        html = _shown(value, captured.outputs)
        keys = cited_keys(html)
        assert not keys, f"{lesson.name}: `{source.strip()[:60]}` shows raw keys {keys[:5]}"


def test_short_citation_links_to_the_reference_address_and_keeps_unknown_keys() -> None:
    refs = load_references()
    with_url = next(k for k, r in refs.items() if r.get("url"))
    without = next((k for k, r in refs.items() if not r.get("url") and not r.get("doi")), None)
    linked = short_cite_html(with_url)
    assert linked.startswith('<a class="bc-cite" href="') and refs[with_url].get("url") in linked
    assert with_url not in re.sub(r"<[^>]*>", "", linked)
    if without is not None:
        assert short_cite_html(without).startswith('<span class="bc-cite"')
    assert short_cite_html("no_such_key_1999") == "no_such_key_1999"
    assert cite_keys_html(f"{with_url}; {with_url}").count("bc-cite") == 2
    assert cite_keys_html(None) == "" and cite_keys_html("") == ""
