"""Lesson 05's Logan Act timeline comes from data/logan_timeline.csv, which a lecturer can edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backchannels import data as d
from backchannels import legal_plots
from tests.test_data_validation import edit_cell, failure, read_rows, write_rows

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the data folder that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_every_entry_is_sourced_and_drawn_in_year_order() -> None:
    timeline = legal_plots.load_logan_timeline(DATA)
    assert timeline["year"].is_monotonic_increasing
    assert all(timeline["sources"].map(len) > 0)
    assert set(timeline["kind"]) <= set(legal_plots._STYLE)
    alt = legal_plots.timeline_alt_text(timeline)
    for row in timeline.itertuples():
        assert f"{row.year}: {row.label}" in alt


def test_title_and_caption_follow_the_data(copy: Path) -> None:
    timeline = legal_plots.load_logan_timeline(copy)
    assert legal_plots.timeline_title(timeline).startswith("The Logan Act, 1798–2018: two indictments")
    rows = read_rows(copy / "logan_timeline.csv")
    rows.append(["hypothetical_2024", "2024", "indictment", "A hypothetical third indictment", "crs2018logan", ""])
    write_rows(copy / "logan_timeline.csv", rows)
    edited = legal_plots.load_logan_timeline(copy)
    assert legal_plots.timeline_title(edited) == (
        "The Logan Act, 1798–2024: three indictments, no conviction, many accusations")
    html = legal_plots.show_logan_timeline(copy).data
    assert "Three indictments, none ending in a conviction" in html
    assert "2024: A hypothetical third indictment" in html  # in the alt text


def test_a_mistyped_kind_names_the_row_and_the_allowed_values(copy: Path) -> None:
    edit_cell(copy, "logan_timeline", 3, "kind", "indicted")
    message = failure(copy, "logan_timeline")
    assert "logan_timeline.csv, row 3, column 'kind'" in message
    assert "origin, law, indictment, invoked" in message


def test_a_label_too_long_for_the_figure_is_refused(copy: Path) -> None:
    edit_cell(copy, "logan_timeline", 2, "label", "x" * 61)
    message = failure(copy, "logan_timeline")
    assert "row 2, column 'label'" in message and "limit is 60" in message


def test_an_entry_without_a_known_source_is_refused(copy: Path) -> None:
    edit_cell(copy, "logan_timeline", 2, "sources", "nosuchkey2099")
    assert "'nosuchkey2099' is not a key in references.bib" in failure(copy, "logan_timeline")


def test_the_table_is_part_of_the_data_package() -> None:
    assert "logan_timeline" in d.TABLES
    assert not d.table_problems("logan_timeline", DATA)
