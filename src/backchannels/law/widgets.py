"""The legality analyser widget: controls that describe a scenario, and a verdict per law with reasons."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from backchannels.law.analyser import CAVEAT, Analysis, Scenario, analyse, load_scenarios
from backchannels.law.rules import CONTROL_VALUES, FACT_IDS, law_tables

_MARK = {"met": "✔ met", "not met": "✘ not met", "unclear": "? unclear"}
_COLOUR = {"met": "#8a1c1c", "not met": "#1f5f2a", "unclear": "#7a5a00"}
_VERDICT_MARK = {"engaged": "● ", "unclear": "? ", "not_engaged": "○ "}
_VERDICT_COLOUR = {"engaged": "#8a1c1c", "unclear": "#7a5a00", "not_engaged": "#1f5f2a"}
_CELL = "padding:3px 8px;text-align:left;vertical-align:top;line-height:1.35"
_CONTROL_LABELS = {"actor": "Who acts:", "authority": "With whose authority:", "foreign_party": "Towards whom:",
                   "intent": "Intending:"}


def _elements_table(elements: tuple) -> str:
    """Render a rule's elements as a table: element, status, why."""
    rows = "".join(
        f"<tr><td style='{_CELL}'>{escape(e.element)}</td>"
        f"<td style='{_CELL};white-space:nowrap;color:{_COLOUR[e.status]}'><b>{_MARK[e.status]}</b></td>"
        f"<td style='{_CELL}'>{escape(e.why)}</td></tr>" for e in elements)
    return ("<table style='border-collapse:collapse;max-width:62em'><thead><tr>"
            f"<th style='{_CELL}'>Element</th><th style='{_CELL}'>Status</th><th style='{_CELL}'>Why</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def analysis_html(analysis: Analysis) -> str:
    """Render an analysis: a summary, a verdict table (one row per law), the element walk-throughs, notes, caveat."""
    shown = [r for r in analysis.rules if r.verdict != "not_engaged" or r.rule_id in ("logan_act", "treason")]
    rows = "".join(
        f"<tr class='bc-law-row' data-rule='{escape(r.rule_id)}' data-verdict='{r.verdict}'>"
        f"<td style='{_CELL}'><b>{escape(r.rule)}</b><br><small>{escape(r.citation)}</small></td>"
        f"<td style='{_CELL};color:{_VERDICT_COLOUR[r.verdict]}'><b>{_VERDICT_MARK[r.verdict]}"
        f"<span class='bc-law-verdict'>{escape(r.label)}</span></b></td>"
        f"<td style='{_CELL}'>{escape(r.reason)}</td></tr>" for r in shown)
    hidden = [r.rule for r in analysis.rules if r not in shown]
    parts = [
        ("<div class='bc-legal-result' style='border:1px solid #888;border-radius:6px;padding:10px;"
         "background:#f7f7f2;max-width:62em'>"),
        f"<p style='font-size:1.1em;margin:0 0 6px 0'><b class='bc-legal-summary'>{escape(analysis.summary)}</b></p>",
        "<p style='margin:0 0 6px 0'><small>Each law gets its own verdict; none is ranked above another.</small></p>",
        "<table class='bc-law-verdicts' style='border-collapse:collapse'><thead><tr>"
        f"<th style='{_CELL}'>Law</th><th style='{_CELL}'>Verdict</th><th style='{_CELL}'>Reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]
    if hidden:
        parts.append(f"<p style='margin:4px 0 0 8px'><small>Not engaged: {escape('; '.join(hidden))}.</small></p>")
    parts.append("</div>")
    for rule in analysis.rules:
        if rule.elements:
            # Folded: the verdicts above stay on one screen (and one lecture slide); a click opens the walk.
            parts.append(f"<details class='bc-law-elements' data-rule='{escape(rule.rule_id)}' "
                         "style='margin:10px 0 0 0'><summary style='cursor:pointer'>"
                         f"<b>{escape(rule.rule)}</b> <small>({escape(rule.citation)})</small>, element by element"
                         f"</summary>{_elements_table(rule.elements)}</details>")
    if analysis.notes:
        parts.append("<h4 style='margin:12px 0 4px 0'>Notes</h4><ul style='max-width:62em'>"
                     + "".join(f"<li>{escape(n)}</li>" for n in analysis.notes) + "</ul>")
    parts.append(f"<p class='bc-legal-caveat' style='border-left:4px solid #555;padding-left:8px;max-width:62em'>"
                 f"<b>Caveat:</b> {escape(CAVEAT)}</p>")
    return "".join(parts)


class LegalityAnalyser(widgets.VBox):
    """Controls for a scenario and a live verdict for each law, with the Logan Act walked element by element."""

    def __init__(self) -> None:
        """Build the controls from the law tables, the preset picker and the result area."""
        self._loading = False
        tables = law_tables()
        style = {"description_width": "12em"}
        layout = widgets.Layout(width="48em")
        self.presets = {row.scenario_id: row for row in load_scenarios()}
        self.preset = widgets.Dropdown(
            options=[("(describe your own)", "")] + [(row.title, sid) for sid, row in self.presets.items()],
            value="", description="Load a scenario:", style=style, layout=layout)
        defaults = Scenario()
        self.controls: dict[str, widgets.Dropdown] = {
            name: widgets.Dropdown(options=[(tables.choices[name][v], v) for v in CONTROL_VALUES[name]],
                                   value=getattr(defaults, name), description=_CONTROL_LABELS[name],
                                   style=style, layout=layout)
            for name in CONTROL_VALUES}
        self.facts = {fact: widgets.Checkbox(value=False, description=tables.facts[fact], indent=False,
                                             layout=widgets.Layout(width="56em"))
                      for fact in FACT_IDS}
        self.description = widgets.HTML()
        self.result = widgets.HTML()
        for control in [*self.controls.values(), *self.facts.values()]:
            control.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        caveat = widgets.HTML(f"<p><b>Teaching tool, not legal advice.</b> {escape(CAVEAT)}</p>")
        caveat.add_class("bc-legal-caveat-top")
        facts_box = widgets.VBox([widgets.HTML("<b>Further facts</b> (tick any that apply):"),
                                  *self.facts.values()])
        # Controls and verdicts in two boxes: one column in a notebook, side by side on a lecture slide.
        controls = widgets.VBox([self.preset, self.description, *self.controls.values(), facts_box])
        controls.add_class("bc-legal-controls")
        self.result.add_class("bc-legal-output")
        super().__init__([caveat, controls, self.result])
        self.add_class("bc-legal-analyser")
        self._on_change()

    def scenario(self) -> Scenario:
        """Return the scenario the controls describe."""
        return Scenario(**{name: c.value for name, c in self.controls.items()},
                        facts=frozenset(f for f, box in self.facts.items() if box.value))

    def analysis(self) -> Analysis:
        """Return the analysis of the current scenario."""
        return analyse(self.scenario())

    def _on_change(self, change: object = None) -> None:
        """Re-analyse after any control changes; editing a control leaves the loaded scenario."""
        if self._loading:
            return
        if change is not None and self.preset.value:
            self.preset.value = ""
        self.result.value = analysis_html(self.analysis())

    def _on_preset(self, change: dict) -> None:
        """Copy a scenario from data/scenarios.csv into the controls and show its description."""
        row = self.presets.get(change["new"])
        if row is None:
            self.description.value = ""
            return
        self._loading = True
        for name, control in self.controls.items():
            control.value = getattr(row.scenario, name)
        for fact, box in self.facts.items():
            box.value = row.scenario.has(fact)
        self._loading = False
        # The expected reasoning is folded: it answers the question the scenario asks.
        self.description.value = (f"<p style='max-width:62em'><i>{escape(row.description)}</i></p>"
                                  "<details class='bc-legal-expected' style='max-width:62em'><summary "
                                  "style='cursor:pointer'><small><b>Expected reasoning</b> (data/scenarios.csv)"
                                  f"</small></summary><p><small>{escape(row.reason)}</small></p></details>")
        self.result.value = analysis_html(self.analysis())


def show_legality_analyser() -> LegalityAnalyser:
    """Return a legality analyser (displayed when it is the last line of a cell)."""
    return LegalityAnalyser()
