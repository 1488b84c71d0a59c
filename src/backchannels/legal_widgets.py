"""The legality analyser widget: controls that describe a scenario, and the walk-through of the law."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from backchannels.legal import (
    ACTORS,
    AUTHORITIES,
    CAVEAT,
    FOREIGN_PARTIES,
    SUBJECTS,
    TIMINGS,
    Analysis,
    Scenario,
    analyse,
    load_scenarios,
)

_MARK = {"met": "✔ met", "not met": "✘ not met", "unclear": "? unclear"}
_COLOUR = {"met": "#8a1c1c", "not met": "#1f5f2a", "unclear": "#7a5a00"}
_ENGAGED = {"met": "engaged", "not met": "not engaged", "unclear": "unclear"}
_BANNER = {"lawful": "#e3f1e5", "logan_act": "#fbe9d0", "other_law": "#f6dada", "unclear": "#f3f0d2"}


def analysis_html(analysis: Analysis) -> str:
    """Render an analysis as HTML: the conclusion, its reasons, each rule's elements, notes, caveat."""
    parts = [
        (f"<div class='bc-legal-result' style='border:1px solid #888;border-radius:6px;padding:10px;"
         f"background:{_BANNER[analysis.conclusion]};max-width:60em'>"),
        (f"<p style='font-size:1.15em;margin:0 0 6px 0'><b>Conclusion: "
         f"<span class='bc-legal-conclusion'>{escape(analysis.label)}</span></b></p>"),
        "<ul style='margin-top:0'>" + "".join(f"<li>{escape(r)}</li>" for r in analysis.reasons) + "</ul>",
        "</div>",
    ]
    for rule in analysis.rules:
        parts.append(f"<h4 style='margin:12px 0 4px 0'>{escape(rule.rule)} "
                     f"<small>({escape(rule.citation)}): {_ENGAGED[rule.engaged]}</small></h4>")
        rows = "".join(
            f"<tr><td style='padding:3px 8px;text-align:left'>{escape(e.element)}</td>"
            f"<td style='padding:3px 8px;white-space:nowrap;color:{_COLOUR[e.status]}'><b>{_MARK[e.status]}</b></td>"
            f"<td style='padding:3px 8px;text-align:left'>{escape(e.why)}</td></tr>"
            for e in rule.elements)
        parts.append("<table style='border-collapse:collapse;max-width:60em'><thead><tr>"
                     "<th style='text-align:left;padding:3px 8px'>Element</th>"
                     "<th style='text-align:left;padding:3px 8px'>Status</th>"
                     "<th style='text-align:left;padding:3px 8px'>Why</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
        parts.append(f"<p style='margin:2px 0 0 8px'><i>{escape(rule.summary)}</i></p>")
    if analysis.notes:
        parts.append("<h4 style='margin:12px 0 4px 0'>Notes</h4><ul>"
                     + "".join(f"<li>{escape(n)}</li>" for n in analysis.notes) + "</ul>")
    parts.append(f"<p class='bc-legal-caveat' style='border-left:4px solid #555;padding-left:8px'>"
                 f"<b>Caveat:</b> {escape(CAVEAT)}</p>")
    return "".join(parts)


def _options(choices: dict[str, str]) -> list[tuple[str, str]]:
    """Return (label, value) pairs for a Dropdown."""
    return [(label, value) for value, label in choices.items()]


class LegalityAnalyser(widgets.VBox):
    """Controls for a scenario and a live walk-through of the rules it engages."""

    def __init__(self) -> None:
        """Build the controls, the optional preset picker and the result area."""
        self._loading = False
        style = {"description_width": "13em"}
        layout = widgets.Layout(width="46em")
        self.presets = {row.scenario_id: row for row in load_scenarios()}
        self.preset = widgets.Dropdown(
            options=[("(describe your own)", "")] + [(row.title, sid) for sid, row in self.presets.items()],
            value="", description="Load a scenario:", style=style, layout=layout)
        self.actor = widgets.Dropdown(options=_options(ACTORS), value="private_citizen",
                                      description="Who acts:", style=style, layout=layout)
        self.authority = widgets.Dropdown(options=_options(AUTHORITIES), value="none",
                                          description="With whose authority:", style=style, layout=layout)
        self.foreign_party = widgets.Dropdown(options=_options(FOREIGN_PARTIES), value="government",
                                              description="Foreign party:", style=style, layout=layout)
        self.subject = widgets.Dropdown(options=_options(SUBJECTS), value="dispute",
                                        description="About what:", style=style, layout=layout)
        self.timing = widgets.Dropdown(options=_options(TIMINGS), value="private_life",
                                       description="When:", style=style, layout=layout)
        self.lied = widgets.Checkbox(value=False, description="Later lied to investigators about it",
                                     indent=False)
        self.agent = widgets.Checkbox(value=False, description="Acted as an unregistered foreign agent",
                                      indent=False)
        self.statute = widgets.Checkbox(value=False, description="Acted against an express statutory ban",
                                        indent=False)
        self.description = widgets.HTML()
        self.result = widgets.HTML()
        for control in (self.actor, self.authority, self.foreign_party, self.subject, self.timing,
                        self.lied, self.agent, self.statute):
            control.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        caveat = widgets.HTML(f"<p><b>Teaching tool, not legal advice.</b> {escape(CAVEAT)}</p>")
        super().__init__([caveat, self.preset, self.description, self.actor, self.authority,
                          self.foreign_party, self.subject, self.timing,
                          widgets.HBox([self.lied, self.agent, self.statute]), self.result])
        self.add_class("bc-legal-analyser")
        self._on_change()

    def scenario(self) -> Scenario:
        """Return the scenario the controls describe."""
        return Scenario(actor=self.actor.value, authority=self.authority.value,
                        foreign_party=self.foreign_party.value, subject=self.subject.value,
                        timing=self.timing.value, lied_to_investigators=self.lied.value,
                        unregistered_foreign_agent=self.agent.value, defied_statute=self.statute.value)

    def analysis(self) -> Analysis:
        """Return the analysis of the current scenario."""
        return analyse(self.scenario())

    def _on_change(self, change: object = None) -> None:
        """Re-analyse after any control changes."""
        if self._loading:
            return
        if change is not None and self.preset.value:
            self.preset.value = ""
        self.result.value = analysis_html(self.analysis())

    def _on_preset(self, change: dict) -> None:
        """Copy a scenario from data/scenarios.csv into the controls."""
        row = self.presets.get(change["new"])
        if row is None:
            self.description.value = ""
            return
        self._loading = True
        s = row.scenario
        self.actor.value, self.authority.value = s.actor, s.authority
        self.foreign_party.value, self.subject.value, self.timing.value = s.foreign_party, s.subject, s.timing
        self.lied.value, self.agent.value = s.lied_to_investigators, s.unregistered_foreign_agent
        self.statute.value = s.defied_statute
        self._loading = False
        self.description.value = f"<p style='max-width:60em'><i>{escape(row.description)}</i></p>"
        self.result.value = analysis_html(self.analysis())


def show_legality_analyser() -> LegalityAnalyser:
    """Return a legality analyser (displayed when it is the last line of a cell)."""
    return LegalityAnalyser()
