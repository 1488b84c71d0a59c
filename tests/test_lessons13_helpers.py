"""Lesson 01-03 helpers: characteristics table, channel map, risks table, model cases and widget."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from backchannels import channels
from backchannels.model import widgets as model_widgets
from backchannels.figures import figure_html
from backchannels.model.core import Scenario

REPO = Path(__file__).resolve().parents[1]


def test_characteristics_table_has_the_six_aspects_for_every_channel() -> None:
    table = channels.characteristics_table()
    assert list(table.index) == ["Definition", "Method", "Examples", "Advantages", "Disadvantages",
                                 "Legality", "Sources"]
    assert {"Back channel", "Front channel", "Track-two diplomacy", "Shuttle diplomacy",
            "Mediation"} <= set(table.columns)
    assert "authorise" in table.loc["Definition", "Back channel"]


def test_characteristics_table_can_pick_and_order_columns() -> None:
    table = channels.characteristics_table(["back_channel", "track_two"])
    assert list(table.columns) == ["Back channel", "Track-two diplomacy"]
    with pytest.raises(ValueError, match="Unknown channel type"):
        channels.characteristics_table(["embassy"])


def test_back_channel_is_official_and_secret_on_the_map() -> None:
    frame = channels.load_characteristics().set_index("channel_type")
    assert frame.loc["back_channel", "official_score"] > 0.5 < frame.loc["back_channel", "secrecy_score"]
    assert frame.loc["track_two", "official_score"] < 0.5
    assert frame.loc["front_channel", "secrecy_score"] < 0.5
    from backchannels.data import load_channel_types

    types = load_channel_types()
    fig = channels.channel_map()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert {t.get_text() for t in ax.texts} == set(types["label"])


def test_sources_in_my_tables_are_in_the_bibliography() -> None:
    bib = ""
    main = REPO / "data" / "references.bib"
    if main.exists():
        bib += main.read_text(encoding="utf-8")
    keys = set()
    for frame in (channels.load_characteristics(), channels.load_risks(), model_widgets.load_model_cases()):
        for cell in frame["sources"]:
            keys.update(k.strip() for k in cell.split(";") if k.strip())
    missing = sorted(k for k in keys if "{" + k + "," not in bib)
    assert not missing, f"keys not in any .bib: {missing}"


def test_bad_characteristics_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO / "data" / "characteristics.csv", tmp_path / "characteristics.csv")
    path = tmp_path / "characteristics.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",1.0,0.05,", ",1.7,0.05,"), encoding="utf-8")
    monkeypatch.setenv("BACKCHANNELS_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="official_score must be a number from 0 to 1"):
        channels.load_characteristics()


def test_risks_table_separates_sourced_risks_from_critics_arguments() -> None:
    table = channels.risks_table()
    status = dict(zip(table["Risk"], table["Status"]))
    assert status["Forum shopping"].startswith("critics' argument")
    assert status["Secrecy as an end in itself"].startswith("critics' argument")
    assert status["Exposure and loss of credibility"].startswith("supported")


def test_model_cases_give_the_expected_verdicts() -> None:
    table = model_widgets.model_cases_table().set_index("Case")
    assert table.loc["Oslo 1993", "Verdict"] == "secret"
    assert table.loc["US–Iran 2013", "Verdict"] == "secret"
    assert table.loc["Kushner 2016 (proposed)", "Verdict"] == "public"


def test_bad_model_case_names_the_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "data" / "model_cases.csv").read_text(encoding="utf-8")
    (tmp_path / "model_cases.csv").write_text(text.replace("Oslo 1993,8,0.4", "Oslo 1993,8,1.4"),
                                              encoding="utf-8")
    monkeypatch.setenv("BACKCHANNELS_DATA", str(tmp_path))
    with pytest.raises(ValueError, match="case oslo_channel_1993: The chance of success"):
        model_widgets.load_model_cases()


def test_leak_curve_and_alt_text() -> None:
    fig = model_widgets.leak_curve(Scenario())
    ax = fig.axes[0]
    assert "leak" in ax.get_xlabel() and ax.get_title()
    assert "cross at a leak chance of 0.47" in model_widgets.leak_curve_alt(Scenario())
    html = figure_html(model_widgets.leak_curve(Scenario()), "a chart")
    assert html.startswith("<img") and 'alt="a chart"' in html
    with pytest.raises(ValueError, match="alt text"):
        figure_html(model_widgets.leak_curve(Scenario()), " ")


def test_explorer_updates_the_verdict_when_a_slider_moves() -> None:
    box = model_widgets.model_explorer()
    assert "secret channel is the better bet" in box.verdict.value
    box.sliders["leak"].value = 0.9
    assert "public talks are the better bet" in box.verdict.value
    box.sliders["leak"].value = 0.1
    box.sliders["exposure_cost"].value = 10
    assert "Verdict:" in box.verdict.value
    assert len(box.sliders) == 6 and all(s.description for s in box.sliders.values())


def test_explorer_rejects_bad_start_values() -> None:
    with pytest.raises(ValueError, match="probability"):
        model_widgets.model_explorer(leak=2)
