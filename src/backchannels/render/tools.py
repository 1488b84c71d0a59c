"""The interactive tools as static HTML of their default state, for pages that have no kernel.

Each tool is built exactly as a lesson builds it (``model_explorer()``, ``case_browser()``,
``show_legality_analyser()``), then its widget tree is written out: HTML parts as they are, each
control as 'label: value' with its range or choices, buttons left out. So the picture always
matches what a student first sees, and a change to a tool shows up here without a second copy.
A line under the picture says that it is a still and where the tool runs live.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

LIVE_DEFAULT = ("Open this lesson in JupyterLab (<code>make lab</code>), the self-study app "
                "(<code>make app</code>), a class JupyterHub or Binder to use it.")


@dataclass(frozen=True)
class Tool:
    """One interactive tool: the call that lessons make, a display name and where to build it."""

    call: str
    name: str
    modules: tuple[str, ...]  # where the builder may live, newest layout first
    hint: str  # what a reader would do with it live

    def build(self) -> Any:
        """Import the tool's builder and return a fresh tool in its default state."""
        return _import(self.modules, self.call)()


TOOLS: dict[str, Tool] = {
    tool.call: tool for tool in (
        Tool("model_explorer", "Model explorer", ("backchannels.model.widgets",),
             "move the sliders and watch the verdict and the chart change"),
        Tool("case_browser", "Case browser", ("backchannels.cases",),
             "choose any case from the list to read its card"),
        Tool("show_legality_analyser", "Legality analyser",
             ("backchannels.law.widgets",),
             "describe a scenario or load one of the prepared ones and read the legal walk-through"),
        Tool("show_argument_builder", "Argument builder", ("backchannels.debate",),
             "pick evidence cards and build your argument"),
    )
}
_CALL = re.compile(r"^\s*(?:[A-Za-z_][\w.]*\s*=\s*)?(?:[A-Za-z_][\w]*\.)*([A-Za-z_]\w*)\s*\(\s*\)\s*;?\s*$")


def _import(modules: tuple[str, ...], name: str) -> Callable[[], Any]:
    """Return ``name`` from the first of ``modules`` that can be imported and has it."""
    for module in modules:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise ImportError(f"No module of {list(modules)} provides {name}().")


def tool_for_source(source: str) -> Tool | None:
    """Return the tool a code cell builds when its last statement is a bare tool call, else None."""
    lines = [line for line in source.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return None
    match = _CALL.match(lines[-1])
    return TOOLS.get(match.group(1)) if match else None


def _number(value: float, fmt: str) -> str:
    """Format a slider value with the widget's own readout format (d3-style '.2f', 'd')."""
    spec = fmt if fmt and fmt[-1] in "dfeg%" else ".2f"
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


def _control(widget: Any) -> str | None:
    """Return one control as a table row 'label | value | what it can be', or None if not a control."""
    import ipywidgets as w

    label = escape(getattr(widget, "description", "") or "").rstrip(":")
    if isinstance(widget, (w.FloatSlider, w.IntSlider, w.FloatLogSlider)):
        fmt = getattr(widget, "readout_format", ".2f")
        value = _number(widget.value, fmt)
        extent = f"from {_number(widget.min, fmt)} to {_number(widget.max, fmt)}"
    elif isinstance(widget, (w.FloatRangeSlider, w.IntRangeSlider)):
        fmt = getattr(widget, "readout_format", ".2f")
        value = "–".join(_number(v, fmt) for v in widget.value)
        extent = f"from {_number(widget.min, fmt)} to {_number(widget.max, fmt)}"
    elif isinstance(widget, (w.Dropdown, w.RadioButtons, w.Select, w.ToggleButtons)):
        labels = list(widget._options_labels)
        value = escape(str(widget.label)) if widget.label is not None else "(none)"
        items = "".join(f"<li>{escape(str(x))}</li>" for x in labels)
        extent = f"<details><summary>one of {len(labels)} choices</summary><ul>{items}</ul></details>"
    elif isinstance(widget, (w.SelectMultiple,)):
        value = escape(", ".join(widget.label)) or "(none)"
        extent = f"any of {len(widget._options_labels)} choices"
    elif isinstance(widget, (w.Checkbox, w.ToggleButton)):
        value, extent = ("yes" if widget.value else "no"), "yes or no"
    elif isinstance(widget, (w.Text, w.Textarea)):
        value = escape(widget.value) or "(empty)"
        extent = "typed text"
        label = label or escape(getattr(widget, "placeholder", "") or "")
    elif isinstance(widget, (w.BoundedFloatText, w.BoundedIntText, w.FloatText, w.IntText)):
        value, extent = escape(str(widget.value)), "a number"
    else:
        return None
    return (f"<tr><th scope='row'>{label or 'Setting'}</th><td>{value}</td>"
            f"<td class='bc-static-range'>{extent}</td></tr>")


def _output_html(widget: Any) -> str:
    """Return what an Output widget holds: its HTML, else its images, else its text."""
    parts = []
    for output in getattr(widget, "outputs", ()):
        data = output.get("data", {})
        if "text/html" in data:
            parts.append(data["text/html"])
        elif "image/svg+xml" in data:
            parts.append(data["image/svg+xml"])
        elif "image/png" in data:
            parts.append(f'<img alt="figure" src="data:image/png;base64,{data["image/png"]}">')
        elif "text/plain" in data:
            parts.append(f"<pre>{escape(data['text/plain'])}</pre>")
        elif output.get("output_type") == "stream":
            parts.append(f"<pre>{escape(output.get('text', ''))}</pre>")
    return "".join(parts)


def widget_html(widget: Any) -> str:
    """Return a widget tree as static HTML: text parts as shown, controls as a table, no buttons."""
    import ipywidgets as w

    pieces: list[str] = []
    rows: list[str] = []

    def flush() -> None:
        """Write the controls collected so far as one table."""
        if rows:
            pieces.append("<table class='bc-static-controls'><thead><tr><th scope='col'>Control</th>"
                          "<th scope='col'>Set to</th><th scope='col'>Range</th></tr></thead>"
                          f"<tbody>{''.join(rows)}</tbody></table>")
            rows.clear()

    def walk(node: Any) -> None:
        """Add one widget (and its children) to the page, in display order."""
        if isinstance(node, w.Box):
            for child in node.children:
                walk(child)
            return
        if isinstance(node, (w.HTML, w.HTMLMath)):
            if node.value.strip():
                flush()
                pieces.append(f"<div class='bc-static-part'>{node.value}</div>")
            return
        if isinstance(node, w.Label):
            flush()
            pieces.append(f"<p>{escape(node.value)}</p>")
            return
        if isinstance(node, w.Output):
            flush()
            pieces.append(_output_html(node))
            return
        if isinstance(node, (w.Button, w.Image)) or isinstance(node, w.Valid):
            return
        row = _control(node)
        if row is not None:
            rows.append(row)

    walk(widget)
    flush()
    return "".join(pieces)


def live_line(tool: Tool, live_href: str | None = None, where: str | None = None) -> str:
    """Return the note under a still: what it is, what to do live, and a link where it runs live."""
    target = (f' <a class="bc-live-link" href="{escape(live_href, quote=True)}">'
              f"{escape(where or 'Open it live')}</a>.") if live_href else f" {LIVE_DEFAULT}"
    return (f"<p class='bc-live-note'><strong>Still picture of the {escape(tool.name.lower())}</strong> "
            f"in its default state: it runs live in the notebook, where you can {escape(tool.hint)}."
            f"{target}</p>")


def static_tool_html(call: str, live_href: str | None = None, where: str | None = None) -> str:
    """Return a tool (by the function lessons call, e.g. 'model_explorer') as a static figure with its live line."""
    tool = TOOLS.get(call)
    if tool is None:
        raise ValueError(f"Unknown tool {call!r}; known tools: {', '.join(TOOLS)}.")
    body = widget_html(tool.build())
    return (f"<figure class='bc-static-tool' data-tool='{escape(call, quote=True)}'>"
            f"<figcaption>{escape(tool.name)} (still)</figcaption>"
            f"<div class='bc-static-body'>{body}</div>{live_line(tool, live_href, where)}</figure>")


def with_tool_stills(notebook: Any, live_href: str | None = None, where: str | None = None) -> Any:
    """Return a copy of an (executed or not) notebook whose tool cells show the tool's still instead.

    Every code cell whose last statement builds a known tool gets one ``text/html`` output: the
    still with its live line. Other cells are untouched. Use before an export drops widget views.
    """
    import copy

    import nbformat

    result = copy.deepcopy(notebook)
    stills: dict[str, str] = {}
    for cell in result.cells:
        if cell.get("cell_type") != "code":
            continue
        tool = tool_for_source(cell.get("source", ""))
        if tool is None:
            continue
        if tool.call not in stills:
            stills[tool.call] = static_tool_html(tool.call, live_href, where)
        cell["outputs"] = [nbformat.v4.new_output(
            "display_data", data={"text/html": stills[tool.call], "text/plain": f"{tool.name} (still)"})]
    return result
