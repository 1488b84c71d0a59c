"""Load the module's data tables as typed pandas DataFrames, validated against datapackage.json.

Every table in ``data/`` is a UTF-8 CSV described by ``data/datapackage.json`` (a Frictionless
Data Package). This module checks a table against that description with its own small and fast
code (the frictionless library is used by the tests, not here, because it is slow to import), and
returns a DataFrame whose columns have useful types:

* whole numbers and years become nullable ``Int64``; numbers ``Float64``; yes/no ``boolean``;
* columns with a fixed list of values become ``Categorical`` (ordered where the order means
  something, for example ``secrecy_level``: public < discreet < secret);
* semicolon-separated cells (``parties``, ``sources``, ...) become Python lists;
* ``events.date`` stays as written (``1962``, ``1962-10`` or ``1962-10-27``) and gains the derived
  columns ``date_start``, ``date_end`` (the first and last day of that year, month or day) and
  ``year``.

:func:`load_records` returns the same checked rows as plain dictionaries, for code that draws or
lists a small table and should not make a kernel import pandas (about 30 MB) for it.

A malformed table raises :class:`DataValidationError`, whose message names the file, the row as a
spreadsheet shows it (the header is row 1), the column, what is wrong and how to fix it.
:func:`check_all` returns every problem as text instead (``backchannels check`` prints them).

After editing a CSV on purpose, refresh the recorded checksums with::

    python -m backchannels.data --rehash
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backchannels.paths import data_dir

if TYPE_CHECKING:
    import pandas as pd

DESCRIPTOR = "datapackage.json"
TABLES = ("cases", "events", "channel_types", "legal_sources", "glossary", "law_rules", "law_facts", "law_choices", "scenarios", "evidence_cards", "characteristics", "model_cases", "risks", "lessons", "logan_timeline")
REHASH_HINT = "python -m backchannels.data --rehash"
_MAX_LISTED = 5  # problems quoted in one exception message


class DataValidationError(ValueError):
    """A data file does not match datapackage.json (the message says where and how to fix it)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located as precisely as possible."""

    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        """Return 'file, row N, column 'x': what is wrong. How to fix: ...'."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        fix = f" How to fix: {self.fix}" if self.fix else ""
        return f"{where}: {self.message}{fix}"


@dataclass
class Table:
    """A parsed table: converted records (one dict per data row) and the row numbers they came from."""

    name: str
    file: str
    fields: list[dict[str, Any]]
    records: list[dict[str, Any]]
    rows: list[int]


# --------------------------------------------------------------------------- descriptor


def _dir(directory: Path | str | None) -> Path:
    """Return the data folder to use (the module's own unless one is given)."""
    return Path(directory) if directory is not None else data_dir()


def _stamp(path: Path) -> tuple[int, int]:
    """Return (modification time, size) so caches notice edits; (0, -1) for a missing file."""
    try:
        stat = path.stat()
    except OSError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _descriptor_cached(path: str, stamp: tuple[int, int]) -> dict[str, Any]:
    """Read and parse datapackage.json once per version of the file."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_descriptor(directory: Path | str | None = None) -> dict[str, Any]:
    """Return the parsed datapackage.json of a data folder."""
    path = _dir(directory) / DESCRIPTOR
    if not path.is_file():
        raise DataValidationError(
            f"{path}: datapackage.json is missing. Restore it from the repository."
        )
    try:
        return _descriptor_cached(str(path), _stamp(path))
    except json.JSONDecodeError as err:
        raise DataValidationError(
            f"{path}, line {err.lineno}: datapackage.json is not valid JSON ({err.msg}). "
            "How to fix: undo the last edit or check commas and quotes near that line."
        ) from err


def _resource(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    """Return one resource of the descriptor by name."""
    for resource in descriptor.get("resources", []):
        if resource.get("name") == name:
            return resource
    known = ", ".join(r.get("name", "?") for r in descriptor.get("resources", []))
    raise DataValidationError(
        f"datapackage.json has no table named {name!r}; known tables: {known}."
    )


def _fields(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a resource's field descriptors."""
    return list(resource.get("schema", {}).get("fields", []))


# --------------------------------------------------------------------------- reading files


def _read_text(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """Return the file's text, or problems when it is missing, empty or not UTF-8."""
    if not path.is_file():
        return None, [
            Problem(
                file,
                "the file is missing.",
                "restore it from the repository or fix the 'path' in datapackage.json.",
            )
        ]
    raw = path.read_bytes()
    if not raw.strip():
        return None, [
            Problem(
                file,
                "the file is empty (not even a header row).",
                "restore it from the repository.",
            )
        ]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(
                file,
                f"the file is not UTF-8 text (byte {err.start} cannot be decoded).",
                "save it again as 'CSV UTF-8 (comma delimited)' in your spreadsheet program.",
                row=row,
            )
        ]


def _parse_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split CSV text into the header and (spreadsheet row number, cells) pairs, skipping blank rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [row for row in reader]
    header = [cell.strip() for cell in rows[0]] if rows else []
    data = [
        (index + 2, row) for index, row in enumerate(rows[1:]) if any(cell.strip() for cell in row)
    ]
    return header, data


def _header_problems(header: list[str], fields: list[dict[str, Any]], file: str) -> list[Problem]:
    """Compare the header row with the field names of the descriptor."""
    expected = [f["name"] for f in fields]
    problems = [
        Problem(
            file,
            f"the column '{name}' is missing from the header row.",
            f"add a column headed '{name}'.",
            row=1,
            column=name,
        )
        for name in expected
        if name not in header
    ]
    problems += [
        Problem(
            file,
            f"the header has a column '{name}' that datapackage.json does not describe.",
            f"remove it or rename it to one of: {', '.join(expected)}.",
            row=1,
            column=name,
        )
        for name in header
        if name not in expected
    ]
    if not problems and header != expected:
        problems.append(
            Problem(
                file,
                "the columns are in a different order than datapackage.json lists them.",
                f"put them in this order: {', '.join(expected)}.",
                row=1,
            )
        )
    return problems


# --------------------------------------------------------------------------- cells


def _fail(file: str, row: int, column: str, message: str, fix: str) -> Problem:
    """Build a Problem for one cell."""
    return Problem(file, message, fix, row=row, column=column)


def _to_int(text: str) -> int:
    """Parse a whole number written without decimals."""
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(text)
    return int(text)


def _to_number(text: str) -> float:
    """Parse a decimal number (a dot as decimal separator)."""
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _to_bool(text: str) -> bool:
    """Parse true/false (also yes/no, 1/0)."""
    return _BOOLEANS[text.lower()]


def _to_date(text: str) -> dt.date:
    """Parse an ISO date YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


_CONVERTERS = {
    "integer": _to_int,
    "year": _to_int,
    "number": _to_number,
    "boolean": _to_bool,
    "date": _to_date,
}
_TYPE_FIX = {
    "integer": "type a whole number without decimals, for example 1962.",
    "year": "type a four-digit year, for example 1962.",
    "number": "type a number with a dot as decimal separator, for example 0.75.",
    "boolean": "type true or false.",
    "date": "type a date as YYYY-MM-DD, for example 1962-10-27.",
}


def _split_list(text: str, spec: dict[str, Any]) -> list[str]:
    """Split a list cell on its separator, dropping spaces around the items."""
    return [item.strip() for item in text.split(spec.get("separator", ";"))]


def _list_problems(
    items: list[str], spec: dict[str, Any], file: str, row: int, column: str
) -> list[Problem]:
    """Check the items of a semicolon-separated cell (no empty items, allowed values)."""
    if any(not item for item in items):
        return [
            _fail(
                file,
                row,
                column,
                "the list has an empty item (two semicolons in a row, or one at the end).",
                "remove the extra semicolon.",
            )
        ]
    allowed = spec.get("enum")
    bad = [item for item in items if allowed and item not in allowed]
    if bad:
        return [
            _fail(
                file,
                row,
                column,
                f"{', '.join(repr(b) for b in bad)} is not an allowed value.",
                f"use only these, separated by semicolons: {'; '.join(allowed)}.",
            )
        ]
    if len(set(items)) != len(items):
        return [
            _fail(file, row, column, "the list names the same item twice.", "remove the duplicate.")
        ]
    return []


def _constraint_problems(
    value: Any, text: str, field: dict[str, Any], file: str, row: int
) -> list[Problem]:
    """Check enum, pattern, length and range constraints of one non-empty cell."""
    name, con = field["name"], field.get("constraints", {})
    if "enum" in con and text not in con["enum"]:
        return [
            _fail(
                file,
                row,
                name,
                f"{text!r} is not one of the allowed values.",
                f"use one of: {', '.join(con['enum'])}.",
            )
        ]
    if "pattern" in con and not re.fullmatch(con["pattern"], text):
        return [
            _fail(
                file,
                row,
                name,
                f"{text!r} does not have the expected form.",
                field.get("x-patternHelp", f"match the pattern {con['pattern']}."),
            )
        ]
    if "maxLength" in con and len(text) > con["maxLength"]:
        return [
            _fail(
                file,
                row,
                name,
                f"the text is {len(text)} characters long; the limit is {con['maxLength']}.",
                "shorten it.",
            )
        ]
    if "minimum" in con and value < con["minimum"]:
        return [
            _fail(
                file,
                row,
                name,
                f"{text} is below the minimum {con['minimum']}.",
                f"use a value of at least {con['minimum']}.",
            )
        ]
    if "maximum" in con and value > con["maximum"]:
        return [
            _fail(
                file,
                row,
                name,
                f"{text} is above the maximum {con['maximum']}.",
                f"use a value of at most {con['maximum']}.",
            )
        ]
    return []


def _convert_cell(
    text: str, field: dict[str, Any], file: str, row: int
) -> tuple[Any, list[Problem]]:
    """Convert one cell to its Python value and report anything wrong with it."""
    name, kind = field["name"], field.get("type", "string")
    text = text.strip()
    if not text:
        required = field.get("constraints", {}).get("required", False)
        return None, (
            [
                _fail(
                    file,
                    row,
                    name,
                    "this cell is empty but the column is required.",
                    field.get("x-requiredHelp", "fill it in."),
                )
            ]
            if required
            else []
        )
    try:
        value = _CONVERTERS[kind](text) if kind in _CONVERTERS else text
    except (ValueError, KeyError):
        return None, [
            _fail(
                file,
                row,
                name,
                f"{text!r} is not a valid {kind}.",
                _TYPE_FIX.get(kind, "correct the value."),
            )
        ]
    problems = _constraint_problems(value, text, field, file, row)
    if "x-list" in field and not problems:
        value = _split_list(text, field["x-list"])
        problems = _list_problems(value, field["x-list"], file, row, name)
    return value, problems


# --------------------------------------------------------------------------- one table


def _row_problems(cells: list[str], header: list[str], file: str, row: int) -> list[Problem]:
    """Report rows with more or fewer cells than the header."""
    if len(cells) == len(header):
        return []
    return [
        Problem(
            file,
            f"this row has {len(cells)} cells but the header has {len(header)} columns.",
            "check for a missing comma, or quote a cell that contains a comma.",
            row=row,
        )
    ]


def _convert_rows(
    header: list[str], data: list[tuple[int, list[str]]], fields: list[dict[str, Any]], file: str
) -> tuple[list[dict[str, Any]], list[int], list[Problem]]:
    """Convert every data row; return records, their row numbers and the problems found."""
    records, rows, problems = [], [], []
    for row, cells in data:
        row_problems = _row_problems(cells, header, file, row)
        record: dict[str, Any] = {}
        for field in fields if not row_problems else []:
            value, cell_problems = _convert_cell(
                cells[header.index(field["name"])], field, file, row
            )
            record[field["name"]] = value
            row_problems += cell_problems
        problems += row_problems
        records.append(record)
        rows.append(row)
    return records, rows, problems


def _unique_problems(table: Table, columns: list[str], message: str) -> list[Problem]:
    """Report rows that repeat a value (or combination) that must be unique."""
    seen: dict[tuple[Any, ...], int] = {}
    problems = []
    for record, row in zip(table.records, table.rows):
        key = tuple(record.get(c) for c in columns)
        if not record or any(k is None for k in key):
            continue
        if key in seen:
            shown = ", ".join(str(k) for k in key)
            problems.append(
                Problem(
                    table.file,
                    f"{shown!r} {message} (first used in row {seen[key]}).",
                    "give each row its own value.",
                    row=row,
                    column=", ".join(columns),
                )
            )
        else:
            seen[key] = row
    return problems


def _key_problems(table: Table, resource: dict[str, Any]) -> list[Problem]:
    """Check the primary key and unique columns."""
    schema = resource.get("schema", {})
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    problems = (
        _unique_problems(table, pk, "is used as the identifier of another row too") if pk else []
    )
    for field in table.fields:
        if field.get("constraints", {}).get("unique") and [field["name"]] != pk:
            problems += _unique_problems(table, [field["name"]], "must be unique but appears twice")
    return problems


@functools.lru_cache(maxsize=32)
def _parse_table_cached(
    name: str, directory: str, stamp: tuple[Any, ...]
) -> tuple[Table, tuple[Problem, ...]]:
    """Parse and check one table once per version of the table and descriptor."""
    resource = _resource(read_descriptor(Path(directory)), name)
    path = Path(directory) / resource["path"]
    file, fields = str(path), _fields(resource)
    text, problems = _read_text(path, file)
    table = Table(name, file, fields, [], [])
    if text is None:
        return table, tuple(problems)
    header, data = _parse_csv(text)
    problems = _header_problems(header, fields, file)
    if problems:
        return table, tuple(problems)
    table.records, table.rows, problems = _convert_rows(header, data, fields, file)
    return table, tuple(problems + _key_problems(table, resource))


def parse_table(name: str, directory: Path | str | None = None) -> tuple[Table, list[Problem]]:
    """Parse one table and return it with the problems found inside it (not across tables)."""
    folder = _dir(directory)
    resource = _resource(read_descriptor(folder), name)
    stamp = (_stamp(folder / DESCRIPTOR), _stamp(folder / resource["path"]))
    table, problems = _parse_table_cached(name, str(folder), stamp)
    return table, list(problems)


# --------------------------------------------------------------------------- across tables


def _foreign_key_problems(table: Table, resource: dict[str, Any], folder: Path) -> list[Problem]:
    """Check each foreign key of a table against the table it points to."""
    problems = []
    for fk in resource.get("schema", {}).get("foreignKeys", []):
        own = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        target_name = fk["reference"]["resource"] or table.name
        target_field = fk["reference"]["fields"]
        target_field = target_field if isinstance(target_field, str) else target_field[0]
        target, _ = parse_table(target_name, folder)
        known = {r.get(target_field) for r in target.records}
        for record, row in zip(table.records, table.rows):
            value = record.get(own)
            if value is not None and value not in known:
                problems.append(
                    Problem(
                        table.file,
                        f"{value!r} does not match any '{target_field}' in {Path(target.file).name}.",
                        f"use an existing {target_field} or add that row to {Path(target.file).name} first.",
                        row=row,
                        column=own,
                    )
                )
    return problems


def _list_reference_problems(table: Table, folder: Path) -> list[Problem]:
    """Check list cells whose items must name rows of another table (x-list.foreignKey)."""
    problems = []
    for field in table.fields:
        ref = field.get("x-list", {}).get("foreignKey")
        if not ref:
            continue
        target, _ = parse_table(ref["resource"], folder)
        known = {r.get(ref["field"]) for r in target.records}
        for record, row in zip(table.records, table.rows):
            missing = [item for item in record.get(field["name"]) or [] if item not in known]
            if missing:
                problems.append(
                    Problem(
                        table.file,
                        f"{', '.join(repr(m) for m in missing)} is not a '{ref['field']}' in {Path(target.file).name}.",
                        f"use an existing {ref['field']} or add it to {Path(target.file).name}.",
                        row=row,
                        column=field["name"],
                    )
                )
    return problems


def _bib_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types that mean 'references.bib cannot be read' (imports pybtex)."""
    from pybtex.exceptions import PybtexError

    return (PybtexError, OSError, UnicodeDecodeError, ValueError)


def _bib_keys(folder: Path) -> tuple[set[str] | None, list[Problem]]:
    """Return the citation keys of references.bib, or a problem when it cannot be read."""
    from backchannels.references import bib_path, load_references

    try:
        return set(load_references(folder)), []
    except _bib_errors() as err:
        return None, [
            Problem(
                str(bib_path(folder)),
                f"the bibliography cannot be read ({err}).",
                "check the entry named in the message: braces, commas and duplicate keys.",
            )
        ]


def bib_entry_problems(folder: Path) -> list[Problem]:
    """Check each bibliography entry has a title, and each @online entry a url and urldate."""
    from backchannels.references import bib_path, load_references

    try:
        refs = load_references(folder)
    except _bib_errors():  # reported by _bib_keys
        return []
    file, problems = str(bib_path(folder)), []
    for key, ref in refs.items():
        needed = ["title"] + (["url", "urldate"] if ref.entry_type == "online" else [])
        for name in (n for n in needed if not ref.get(n)):
            problems.append(
                Problem(
                    file,
                    f"the entry {key!r} has no {name} field.",
                    f"add {name} = {{...}} to the entry.",
                )
            )
    return problems


def _source_key_problems(table: Table, folder: Path) -> list[Problem]:
    """Check that every key in a 'sources' list is an entry of references.bib."""
    fields = [f["name"] for f in table.fields if f.get("x-list", {}).get("bibtexKeys")]
    if not fields:
        return []
    keys, problems = _bib_keys(folder)
    if keys is None:
        return problems
    for name in fields:
        for record, row in zip(table.records, table.rows):
            missing = [k for k in record.get(name) or [] if k not in keys]
            if missing:
                problems.append(
                    Problem(
                        table.file,
                        f"{', '.join(repr(m) for m in missing)} is not a key in references.bib.",
                        "correct the key or add the entry to data/references.bib.",
                        row=row,
                        column=name,
                    )
                )
    return problems


def _case_problems(table: Table) -> list[Problem]:
    """Cases: the span runs forwards and the disclosure year is not before the start."""
    problems = []
    for r, row in zip(table.records, table.rows):
        start, end, public = r.get("start_year"), r.get("end_year"), r.get("became_public_year")
        if start is not None and end is not None and end < start:
            problems.append(
                Problem(
                    table.file,
                    f"end_year {end} is before start_year {start}.",
                    "swap or correct the years.",
                    row=row,
                    column="end_year",
                )
            )
        if start is not None and public is not None and public < start:
            problems.append(
                Problem(
                    table.file,
                    f"became_public_year {public} is before start_year {start}.",
                    "correct one of the years.",
                    row=row,
                    column="became_public_year",
                )
            )
        if r and public is None and not r.get("notes"):
            problems.append(
                Problem(
                    table.file,
                    "became_public_year is empty but no note explains why.",
                    "add the year, or say in 'notes' that it is unconfirmed.",
                    row=row,
                    column="notes",
                )
            )
    return problems


_PRECISION_LENGTH = {"year": 4, "month": 7, "day": 10}


def period_bounds(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of a partial ISO date ('1962', '1962-10' or '1962-10-27')."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


def _event_date_problems(table: Table) -> list[Problem]:
    """Events: a real calendar date whose form matches its stated precision."""
    problems = []
    for r, row in zip(table.records, table.rows):
        date, precision = r.get("date"), r.get("date_precision")
        if not date or not precision:
            continue
        try:
            period_bounds(date)
        except ValueError:
            problems.append(
                Problem(
                    table.file,
                    f"{date!r} is not a real calendar date.",
                    "check the month and day.",
                    row=row,
                    column="date",
                )
            )
            continue
        if len(date) != _PRECISION_LENGTH[precision]:
            problems.append(
                Problem(
                    table.file,
                    f"the date {date!r} does not match date_precision '{precision}'.",
                    "write YYYY for year, YYYY-MM for month, YYYY-MM-DD for day.",
                    row=row,
                    column="date_precision",
                )
            )
    return problems


def _event_span_problems(events: Table, cases: Table) -> list[Problem]:
    """Events fall inside their case's years, or a note says why not."""
    spans = {c["case_id"]: (c.get("start_year"), c.get("end_year")) for c in cases.records if c}
    problems = []
    for r, row in zip(events.records, events.rows):
        span = spans.get(r.get("case_id"))
        if not span or not r.get("date") or span[0] is None:
            continue
        year = int(r["date"][:4])
        end = span[1] if span[1] is not None else span[0]
        if not span[0] <= year <= end and not r.get("note"):
            problems.append(
                Problem(
                    events.file,
                    f"the event year {year} is outside its case's span {span[0]}-{end} and no note explains why.",
                    "correct the date or case_id, or explain in 'note' (for example: a later disclosure).",
                    row=row,
                    column="note",
                )
            )
    return problems


def _cross_problems(table: Table, folder: Path) -> list[Problem]:
    """Run the checks that need other tables or the bibliography."""
    resource = _resource(read_descriptor(folder), table.name)
    problems = _foreign_key_problems(table, resource, folder)
    problems += _list_reference_problems(table, folder) + _source_key_problems(table, folder)
    if table.name == "cases":
        problems += _case_problems(table)
    if table.name == "events":
        cases, _ = parse_table("cases", folder)
        problems += _event_date_problems(table) + _event_span_problems(table, cases)
    return problems


# --------------------------------------------------------------------------- hashes


def file_sha256(path: Path) -> str:
    """Return the hex sha256 digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hash_problems(resource: dict[str, Any], folder: Path) -> list[Problem]:
    """Compare a resource's recorded sha256 and size with the file on disk."""
    path = folder / resource["path"]
    if not path.is_file():
        return []
    recorded = str(resource.get("hash", "")).removeprefix("sha256:")
    if recorded != file_sha256(path) or resource.get("bytes") != path.stat().st_size:
        return [
            Problem(
                str(path),
                "the file has changed since its checksum was recorded in datapackage.json.",
                f"if you edited it on purpose, run `{REHASH_HINT}`; otherwise restore the file from the repository.",
            )
        ]
    return []


def rehash(directory: Path | str | None = None) -> list[str]:
    """Recompute every resource's sha256 and size in datapackage.json; return the names that changed."""
    folder = _dir(directory)
    path = folder / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    changed = []
    for resource in descriptor["resources"]:
        target = folder / resource["path"]
        digest, size = f"sha256:{file_sha256(target)}", target.stat().st_size
        if resource.get("hash") != digest or resource.get("bytes") != size:
            resource["hash"], resource["bytes"] = digest, size
            changed.append(resource["name"])
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


# --------------------------------------------------------------------------- public checks


def table_problems(name: str, directory: Path | str | None = None) -> list[Problem]:
    """Return every problem of one table, including its links to other tables and references.bib."""
    folder = _dir(directory)
    table, problems = parse_table(name, folder)
    if problems or not table.records and not table.rows:
        return problems
    return problems + _cross_problems(table, folder)


def check_all(data_dir: Path | None = None) -> list[str]:
    """Return every problem in the data folder as readable text; an empty list means all is valid."""
    try:
        folder = _dir(data_dir)
        descriptor = read_descriptor(folder)
        problems = [str(p) for name in TABLES for p in table_problems(name, folder)]
        problems += [
            str(p) for r in descriptor.get("resources", []) for p in _hash_problems(r, folder)
        ]
        _, bib_problems = _bib_keys(folder)
        problems += [str(p) for p in bib_problems + bib_entry_problems(folder)]
        return list(dict.fromkeys(problems))
    except Exception as err:  # noqa: BLE001 - the check command must report problems, never crash
        return [f"{_dir(data_dir) if data_dir else 'data'}: the data could not be checked ({err})."]


def _raise_problems(problems: list[Problem]) -> None:
    """Raise DataValidationError quoting the first few problems."""
    if not problems:
        return
    shown = "\n".join(str(p) for p in problems[:_MAX_LISTED])
    more = (
        f"\n(and {len(problems) - _MAX_LISTED} more; run `backchannels check` to list them all)"
        if len(problems) > _MAX_LISTED
        else ""
    )
    raise DataValidationError(shown + more)


# --------------------------------------------------------------------------- DataFrames


def _categories(field: dict[str, Any]) -> list[str] | None:
    """Return the allowed values of a fixed-list column, or None."""
    return field.get("constraints", {}).get("enum")


def _series(records: list[dict[str, Any]], field: dict[str, Any]) -> pd.Series:
    """Build one typed column from the converted records."""
    import pandas as pd

    name, kind = field["name"], field.get("type", "string")
    values = [r.get(name) for r in records]
    if "x-list" in field:
        return pd.Series([v if v is not None else [] for v in values], name=name, dtype=object)
    if kind in ("integer", "year"):
        return pd.Series(values, name=name, dtype="Int64")
    if kind == "number":
        return pd.Series(values, name=name, dtype="Float64")
    if kind == "boolean":
        return pd.Series(values, name=name, dtype="boolean")
    if kind == "date":
        return pd.Series(pd.to_datetime(values), name=name)
    if _categories(field):
        dtype = pd.CategoricalDtype(_categories(field), ordered=bool(field.get("x-ordered")))
        return pd.Series(values, name=name, dtype=dtype)
    return pd.Series(values, name=name, dtype="string")


def _frame(table: Table) -> pd.DataFrame:
    """Turn a checked table into a DataFrame with typed columns."""
    import pandas as pd

    frame = pd.DataFrame({f["name"]: _series(table.records, f) for f in table.fields})
    if table.name == "events":
        bounds = [period_bounds(d) for d in frame["date"]]
        frame["date_start"] = pd.to_datetime([b[0] for b in bounds])
        frame["date_end"] = pd.to_datetime([b[1] for b in bounds])
        frame["year"] = pd.Series([b[0].year for b in bounds], dtype="Int64")
    frame.attrs["source_file"] = table.file
    return frame


@functools.lru_cache(maxsize=32)
def _checked_table(name: str, folder: str, stamp: tuple[Any, ...]) -> Table:
    """Validate one table once per version of every file it depends on; raise on any problem."""
    _raise_problems(table_problems(name, Path(folder)))
    table, _ = parse_table(name, Path(folder))
    return table


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, folder: str, stamp: tuple[Any, ...]) -> pd.DataFrame:
    """Convert one checked table to a DataFrame once per version of every file it depends on."""
    return _frame(_checked_table(name, folder, stamp))


def _dependency_stamp(folder: Path) -> tuple[Any, ...]:
    """Return the (mtime, size) of every file a table's checks may read."""
    descriptor = read_descriptor(folder)
    paths = [folder / DESCRIPTOR] + [folder / r["path"] for r in descriptor.get("resources", [])]
    return tuple(_stamp(p) for p in paths)


def load_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return one validated table ('cases', 'events', ...) as a typed DataFrame (a fresh copy)."""
    if name not in TABLES:
        raise ValueError(f"Unknown table {name!r}; choose one of: {', '.join(TABLES)}.")
    folder = _dir(data_dir)
    return _load_cached(name, str(folder), _dependency_stamp(folder)).copy()


def load_records(name: str, data_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """Return one validated table as a list of rows (column name to converted value), without pandas."""
    if name not in TABLES:
        raise ValueError(f"Unknown table {name!r}; choose one of: {', '.join(TABLES)}.")
    folder = _dir(data_dir)
    rows = _checked_table(name, str(folder), _dependency_stamp(folder)).records
    return [{k: list(v) if isinstance(v, list) else v for k, v in row.items()} for row in rows]


def load_cases(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the back-channel cases (one row per case)."""
    return load_table("cases", data_dir)


def load_events(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the dated events, each tied to a case, with date_start/date_end/year columns added."""
    return load_table("events", data_dir)


def load_channel_types(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the channel types with their officialness and secrecy scores."""
    return load_table("channel_types", data_dir)


def load_legal_sources(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the statutes, constitutional clauses, court cases and treaties the lessons discuss."""
    return load_table("legal_sources", data_dir)


def load_glossary(data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return the glossary of terms used in the lessons."""
    return load_table("glossary", data_dir)


def data_dictionary(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """Return a table's columns with their type, whether required, and description (for lessons)."""
    import pandas as pd

    fields = _fields(_resource(read_descriptor(_dir(data_dir)), name))
    return pd.DataFrame(
        {
            "column": [f["name"] for f in fields],
            "type": [
                ("list of " if "x-list" in f else "") + f.get("type", "string") for f in fields
            ],
            "required": [bool(f.get("constraints", {}).get("required")) for f in fields],
            "description": [f.get("description", "") for f in fields],
        }
    )


# --------------------------------------------------------------------------- command line


def main(argv: Iterable[str] | None = None) -> int:
    """Command line: --rehash refreshes checksums, --check (default) lists problems."""
    parser = argparse.ArgumentParser(
        prog="python -m backchannels.data", description="Check or rehash the module's data tables."
    )
    parser.add_argument("--data", help="a data folder other than the module's own")
    parser.add_argument(
        "--rehash", action="store_true", help="record new checksums after an intended edit"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    folder = Path(args.data) if args.data else None
    if args.rehash:
        changed = rehash(folder)
        print(
            f"Checksums updated for: {', '.join(changed)}."
            if changed
            else "All checksums were already up to date."
        )
    problems = check_all(folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("All data tables are valid.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
