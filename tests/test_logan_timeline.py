"""Lesson 05's Logan Act timeline comes from data/logan_timeline.csv, which a lecturer can edit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backchannels import data as d
from backchannels.law import figures as legal_plots
from tests.test_data_validation import edit_cell, failure, read_rows, write_rows

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_entry_is_sourced_and_drawn_in_year_order() -> None:
    timeline = legal_plots.load_logan_timeline(DATA)
    years = [entry["year"] for entry in timeline]
    assert years == sorted(years) and all(isinstance(year, int) for year in years)
    assert all(entry["sources"] for entry in timeline)
    assert {entry["kind"] for entry in timeline} <= set(legal_plots._STYLE)
    alt = legal_plots.timeline_alt_text(timeline)
    for entry in timeline:
        assert f"{entry['year']}: {entry['label']}" in alt


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
    assert "origin, law, interpretation, indictment, invoked" in message


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


def test_lesson_05_figure_does_not_import_pandas() -> None:
    # pandas costs a kernel ~30 MB; lesson 05 has no other use for it (issue 11's memory target).
    code = ("import sys\nfrom backchannels.law.figures import show_logan_timeline\nshow_logan_timeline()\n"
            "print('pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_records_are_copies_a_caller_may_change() -> None:
    first = d.load_records("logan_timeline", DATA)
    first[0]["sources"].append("changed")
    first[0]["label"] = "changed"
    again = d.load_records("logan_timeline", DATA)
    assert "changed" not in again[0]["sources"] and again[0]["label"] != "changed"
