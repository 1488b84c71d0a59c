"""Broken copies of the data must fail loudly, naming the file, the spreadsheet row and the column."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from backchannels import data as d

DATA = Path(__file__).resolve().parents[1] / "data"


def read_rows(path: Path) -> list[list[str]]:
    """Read a CSV file as lists of cells."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows back and move the modification time so caches notice."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))


def edit_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts like a spreadsheet (the header is row 1)."""
    rows = read_rows(folder / f"{table}.csv")
    rows[row - 1][rows[0].index(column)] = value
    write_rows(folder / f"{table}.csv", rows)


def failure(folder: Path, table: str) -> str:
    """Load a table that must fail and return the error message."""
    with pytest.raises(d.DataValidationError) as info:
        d.load_table(table, folder)
    return str(info.value)


def test_missing_column(copy: Path) -> None:
    rows = [row[:10] + row[11:] for row in read_rows(copy / "cases.csv")]  # drop 'outcome'
    write_rows(copy / "cases.csv", rows)
    message = failure(copy, "cases")
    assert "cases.csv, row 1, column 'outcome'" in message
    assert "missing" in message and "How to fix" in message


def test_columns_out_of_order(copy: Path) -> None:
    rows = [[row[1], row[0], *row[2:]] for row in read_rows(copy / "glossary.csv")]
    write_rows(copy / "glossary.csv", rows)
    message = failure(copy, "glossary")
    assert "glossary.csv, row 1" in message and "different order" in message


def test_malformed_date(copy: Path) -> None:
    edit_cell(copy, "events", 4, "date", "27/10/1962")
    message = failure(copy, "events")
    assert "events.csv, row 4, column 'date'" in message and "YYYY-MM-DD" in message


def test_impossible_date(copy: Path) -> None:
    edit_cell(copy, "events", 3, "date", "1799-02-30")
    message = failure(copy, "events")
    assert "events.csv, row 3, column 'date'" in message and "not a real calendar date" in message


def test_date_and_precision_disagree(copy: Path) -> None:
    edit_cell(copy, "events", 3, "date_precision", "month")
    assert "events.csv, row 3, column 'date_precision'" in failure(copy, "events")


def test_unknown_category(copy: Path) -> None:
    edit_cell(copy, "cases", 2, "outcome", "success")
    message = failure(copy, "cases")
    assert "cases.csv, row 2, column 'outcome'" in message
    assert "'success' is not one of the allowed values" in message and "agreement" in message


def test_unknown_item_in_a_list_column(copy: Path) -> None:
    edit_cell(copy, "cases", 5, "legal_issue", "logan_act;piracy")
    message = failure(copy, "cases")
    assert "cases.csv, row 5, column 'legal_issue'" in message and "'piracy'" in message


def test_broken_foreign_key(copy: Path) -> None:
    edit_cell(copy, "events", 6, "case_id", "no_such_case")
    message = failure(copy, "events")
    assert "events.csv, row 6, column 'case_id'" in message
    assert "'no_such_case' does not match any 'case_id' in cases.csv" in message


def test_broken_channel_type(copy: Path) -> None:
    edit_cell(copy, "cases", 3, "channel_type", "carrier_pigeon")
    assert "cases.csv, row 3, column 'channel_type'" in failure(copy, "cases")


def test_unknown_citation_key(copy: Path) -> None:
    edit_cell(copy, "glossary", 2, "sources", "fearon1994domestic;nobody2099")
    message = failure(copy, "glossary")
    assert (
        "glossary.csv, row 2, column 'sources'" in message
        and "'nobody2099' is not a key in references.bib" in message
    )


def test_row_without_sources(copy: Path) -> None:
    edit_cell(copy, "legal_sources", 4, "sources", "")
    message = failure(copy, "legal_sources")
    assert "legal_sources.csv, row 4, column 'sources'" in message and "required" in message


def test_empty_file(copy: Path) -> None:
    (copy / "cases.csv").write_text("", encoding="utf-8")
    message = failure(copy, "cases")
    assert "cases.csv" in message and "empty" in message


def test_file_that_is_not_utf8(copy: Path) -> None:
    text = (copy / "glossary.csv").read_text(encoding="utf-8")
    (copy / "glossary.csv").write_bytes(text.encode("cp1252", errors="replace"))
    message = failure(copy, "glossary")
    assert "glossary.csv, row" in message and "not UTF-8" in message and "CSV UTF-8" in message


def test_duplicate_primary_key(copy: Path) -> None:
    rows = read_rows(copy / "events.csv")
    write_rows(copy / "events.csv", rows + [rows[1]])
    message = failure(copy, "events")
    assert f"events.csv, row {len(rows) + 1}, column 'event_id'" in message
    assert "first used in row 2" in message


def test_row_with_too_many_cells(copy: Path) -> None:
    rows = read_rows(copy / "channel_types.csv")
    rows[2].append("extra")
    write_rows(copy / "channel_types.csv", rows)
    assert "channel_types.csv, row 3" in failure(copy, "channel_types")


def test_number_out_of_range(copy: Path) -> None:
    edit_cell(copy, "channel_types", 2, "secrecy", "1.5")
    message = failure(copy, "channel_types")
    assert "channel_types.csv, row 2, column 'secrecy'" in message and "maximum" in message


def test_year_that_is_not_a_number(copy: Path) -> None:
    edit_cell(copy, "cases", 2, "start_year", "c. 1961")
    message = failure(copy, "cases")
    assert "cases.csv, row 2, column 'start_year'" in message and "four-digit year" in message


def test_end_before_start(copy: Path) -> None:
    edit_cell(copy, "cases", 2, "end_year", "1700")  # the case starts in 1798
    assert "cases.csv, row 2, column 'end_year'" in failure(copy, "cases")


def test_event_outside_its_case_without_note(copy: Path) -> None:
    rows = read_rows(copy / "events.csv")
    row = next(i for i, r in enumerate(rows) if r[0] == "cmc_jupiters_turkey_down_1963")
    rows[row][rows[0].index("note")] = ""
    write_rows(copy / "events.csv", rows)
    message = failure(copy, "events")
    assert (
        f"events.csv, row {row + 1}, column 'note'" in message
        and "outside its case's span" in message
    )


def test_see_also_must_name_a_glossary_term(copy: Path) -> None:
    edit_cell(copy, "glossary", 2, "see_also", "back channel;no such term")
    assert "glossary.csv, row 2, column 'see_also'" in failure(copy, "glossary")


def test_many_problems_are_summarised(copy: Path) -> None:
    for row in range(2, 10):
        edit_cell(copy, "cases", row, "outcome", "won")
    message = failure(copy, "cases")
    assert "more; run `backchannels check`" in message


def test_an_edit_is_seen_without_restarting(copy: Path) -> None:
    assert d.load_glossary(copy).loc[0, "definition"] != "Edited."
    edit_cell(copy, "glossary", 2, "definition", "Edited.")
    assert d.load_glossary(copy).loc[0, "definition"] == "Edited."


Breaker = Callable[[Path], None]
BREAKERS: dict[str, Breaker] = {
    "bad category": lambda p: edit_cell(p, "cases", 2, "outcome", "success"),
    "empty file": lambda p: (p / "events.csv").write_text("", encoding="utf-8"),
    "broken descriptor": lambda p: (p / "datapackage.json").write_text(
        "{ not json", encoding="utf-8"
    ),
    "broken bibliography": lambda p: (p / "references.bib").write_text(
        "@article{x, title = {unclosed", encoding="utf-8"
    ),
}


@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_check_all_reports_and_never_raises(copy: Path, breaker: str) -> None:
    BREAKERS[breaker](copy)
    problems = d.check_all(copy)
    assert problems and all(isinstance(p, str) for p in problems)


def test_check_all_on_a_missing_folder(tmp_path: Path) -> None:
    assert d.check_all(tmp_path / "nowhere")


def test_changed_file_is_reported_with_the_rehash_command(copy: Path) -> None:
    edit_cell(copy, "glossary", 2, "definition", "A changed but valid definition.")
    problems = d.check_all(copy)
    assert len(problems) == 1 and "glossary.csv" in problems[0] and "--rehash" in problems[0]
    assert d.rehash(copy) == ["glossary"]
    assert d.check_all(copy) == []
    assert (
        json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))["resources"][4]["bytes"]
        > 0
    )


def test_command_line_exit_codes(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert d.main(["--data", str(copy)]) == 0
    edit_cell(copy, "cases", 2, "outcome", "success")
    assert d.main(["--data", str(copy)]) == 1
    assert "cases.csv, row 2, column 'outcome'" in capsys.readouterr().err


def test_bibliography_entries_need_titles_and_urls(copy: Path) -> None:
    bib = (copy / "references.bib").read_text(encoding="utf-8")
    bib = bib.replace("  url          = {https://cycivic.com/},\n", "", 1)
    (copy / "references.bib").write_text(bib, encoding="utf-8")
    assert any("'cycivic_source' has no url" in p for p in d.check_all(copy))
