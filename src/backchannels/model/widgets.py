"""Lesson 02 helpers: the slider explorer for the secrecy model and the real cases placed on it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from backchannels.model import core as models
from backchannels.figures import figure_html, show_figure
from backchannels.model.core import Scenario
from backchannels.paths import data_dir

MODEL_CASES_FILE = "model_cases.csv"
PARAMETERS = ["value", "success", "audience_cost", "spoiler", "leak", "exposure_cost"]
SLIDERS: dict[str, tuple[str, float, float, float]] = {
    # name: (label, min, max, step)
    "value": ("Value of a deal (V)", 0.0, 10.0, 0.5),
    "success": ("Chance of success (p)", 0.0, 1.0, 0.05),
    "audience_cost": ("Audience cost if talks fail (A)", 0.0, 10.0, 0.5),
    "spoiler": ("Spoiler strength (s)", 0.0, 1.0, 0.05),
    "leak": ("Chance of a leak (ℓ)", 0.0, 1.0, 0.05),
    "exposure_cost": ("Cost if the secret leaks (B)", 0.0, 10.0, 0.5),
}


def load_model_cases() -> pd.DataFrame:
    """Return data/model_cases.csv with each row checked as a valid Scenario."""
    path = data_dir() / MODEL_CASES_FILE
    frame = pd.read_csv(path, keep_default_na=False)
    missing = [c for c in ["case_id", "label", *PARAMETERS, "rationale", "sources"] if c not in frame]
    if missing:
        raise ValueError(f"{path.name} lacks the column(s) {missing}.")
    for row in frame.itertuples():
        try:
            scenario_for(row._asdict())
        except ValueError as error:
            raise ValueError(f"{path.name}, case {row.case_id}: {error}") from None
    return frame


def scenario_for(row: dict[str, Any]) -> Scenario:
    """Return the Scenario held in a mapping with the six parameter names."""
    return Scenario(**{name: row[name] for name in PARAMETERS})


def model_cases_table() -> pd.DataFrame:
    """Return the cases with their chosen parameters, the model's payoffs and its verdict."""
    frame = load_model_cases()
    rows = []
    for row in frame.to_dict("records"):
        sc = scenario_for(row)
        rows.append({"Case": row["label"], "V": sc.value, "p": sc.success, "A": sc.audience_cost,
                     "s": sc.spoiler, "ℓ": sc.leak, "B": sc.exposure_cost,
                     "EU public": round(models.expected_public(sc), 2),
                     "EU secret": round(models.expected_secret(sc), 2),
                     "Verdict": models.verdict(sc), "Why these numbers": row["rationale"],
                     "Sources": row["sources"]})
    return pd.DataFrame(rows)


def show_model_cases() -> None:
    """Display the cases table with wrapped text and (Author Year) sources."""
    from IPython.display import HTML, display

    from backchannels.render.citations import cite_keys_html

    styled = (model_cases_table().style.hide(axis="index").format(precision=2)
              .format(cite_keys_html, subset=["Sources"])
              .set_properties(**{"text-align": "left", "vertical-align": "top", "white-space": "normal"}))
    display(HTML(styled.to_html()))


def leak_curve(sc: Scenario, title: str | None = None) -> Figure:
    """Return a figure of both expected payoffs as the chance of a leak runs from 0 to 1."""
    leaks = np.linspace(0.0, 1.0, 101)
    secret = [models.expected_secret(Scenario(**{**_fields(sc), "leak": x})) for x in leaks]
    public = models.expected_public(sc)
    fig = Figure(figsize=(7.0, 4.2))
    ax = fig.subplots()
    ax.plot(leaks, secret, color="#b2182b", lw=2.5, label="secret channel")
    ax.axhline(public, color="#2166ac", lw=2.5, ls="--", label="public talks")
    ax.axvline(sc.leak, color="0.3", lw=1, ls=":")
    ax.scatter([sc.leak], [models.expected_secret(sc)], color="#b2182b", zorder=3, s=60)
    ax.annotate(f"now: ℓ = {sc.leak:.2f}", (sc.leak, models.expected_secret(sc)),
                xytext=(8, 8) if sc.leak <= 0.7 else (-80, 8), textcoords="offset points", fontsize=10)
    be = models.break_even_leak(sc)
    if be is not None and 0 < be < 1:
        ax.axvline(be, color="0.6", lw=1)
        ax.annotate(f"break-even ℓ = {be:.2f}", (be, public), xytext=(6, 10),
                    textcoords="offset points", fontsize=9, color="0.3")
    ax.set_xlabel("Chance that the secret channel leaks (ℓ)")
    ax.set_ylabel("Expected payoff for the leader (model points)")
    ax.set_title(title or "Teaching model: secret channel vs public talks")
    ax.legend(loc="upper right", frameon=False)
    ax.set_xlim(0, 1)
    # Fixed margins (what tight_layout finds for these labels): one layout pass less per slider move.
    fig.subplots_adjust(left=0.094, right=0.963, top=0.913, bottom=0.139)
    return fig


def _fields(sc: Scenario) -> dict[str, float]:
    """Return the six parameters of a scenario as a dict."""
    return {name: getattr(sc, name) for name in PARAMETERS}


def leak_curve_alt(sc: Scenario) -> str:
    """Return alt text describing the leak-curve figure for a scenario."""
    be = models.break_even_leak(sc)
    where = ("the lines never cross" if be is None or not 0 < be < 1
             else f"the lines cross at a leak chance of {be:.2f}")
    return (f"Line chart. The dashed line (public talks) stays at {models.expected_public(sc):.2f}; the "
            f"solid line (secret channel) falls from {models.expected_secret(Scenario(**{**_fields(sc), 'leak': 0.0})):.2f} "
            f"at no leak to {models.expected_secret(Scenario(**{**_fields(sc), 'leak': 1.0})):.2f} at a sure leak; "
            f"{where}. Current leak chance {sc.leak:.2f}.")


def show_case_curve(case_id: str) -> None:
    """Display the leak curve of one case from data/model_cases.csv."""
    frame = load_model_cases().set_index("case_id")
    if case_id not in frame.index:
        raise ValueError(f"Unknown case {case_id!r}; choose from {frame.index.tolist()}.")
    row = frame.loc[case_id].to_dict()
    sc = scenario_for(row)
    show_figure(leak_curve(sc, f"{row['label']}: secret channel vs public talks"), leak_curve_alt(sc))


def model_explorer(**start: float) -> Any:
    """Return a widget: six labelled sliders, a verdict text and a leak-curve plot that update together."""
    import ipywidgets as w

    initial = Scenario(**start)
    sliders = {}
    for name, (label, low, high, step) in SLIDERS.items():
        sliders[name] = w.FloatSlider(value=getattr(initial, name), min=low, max=high, step=step,
                                      description=label, continuous_update=False, readout_format=".2f",
                                      style={"description_width": "16em"},
                                      layout=w.Layout(width="46em"))
    verdict = w.HTML(layout=w.Layout(width="46em"))
    verdict.add_class("bc-model-verdict")
    plot = w.HTML()
    plot.add_class("bc-model-plot")

    def update(_change: Any = None) -> None:
        sc = Scenario(**{name: s.value for name, s in sliders.items()})
        # The chart first, so that once the verdict text changes everything shown is up to date.
        plot.value = figure_html(leak_curve(sc), leak_curve_alt(sc))
        verdict.value = (f'<p role="status" aria-live="polite" style="line-height:1.4">'
                         f'{models.verdict_text(sc)}</p>')

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    box = w.VBox([w.HTML("<b>Teaching model</b> (not a finding of the literature): move a slider, "
                         "then read the verdict and the chart."), *sliders.values(), verdict, plot])
    box.sliders = sliders  # for headless tests
    box.verdict = verdict
    return box
