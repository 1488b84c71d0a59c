"""Reading aids of lessons 00-04: key-terms boxes and bibliographies generated from the data, and every
glossary term defined (bold, or in a key-terms box) at or before its first use in the module."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backchannels import glossary
from backchannels.references import BIB_END, BIB_START, expected_closing, get_reference

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("0[0-5]_*.ipynb"))
RAW_KEY = re.compile(r"`[a-z][a-z0-9_]*\d[a-z0-9_]*`")  # `wanisstjohn2006backchannel`-style keys


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _markdown_cells(path: Path) -> list[dict]:
    return [c for c in _nb(path)["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_key_terms_box_is_generated_from_the_glossary(path: Path) -> None:
    found = glossary.key_terms_cell(_nb(path))
    assert found is not None, f"{path.name} has no key-terms box"
    cell, terms = found
    assert terms, "a key-terms box lists at least one term"
    text = "".join(cell["source"])
    assert glossary.expected_box(text, terms) == text, "key-terms box is stale: python -m backchannels.course --write"
    first_markdown = [c for c in _nb(path)["cells"] if c["cell_type"] == "markdown"][:4]
    assert cell in first_markdown, "the key-terms box sits at the top of the lesson"


def test_glossary_page_is_up_to_date() -> None:
    page = (REPO / "notebooks" / glossary.PAGE).read_text(encoding="utf-8")
    assert page == glossary.glossary_page(), "notebooks/glossary.md is stale: python -m backchannels.course --write"


def test_unknown_key_term_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not in data/glossary.csv: no such term"):
        glossary.key_terms_markdown(["no such term"])


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_bibliography_is_formatted_from_the_references(path: Path) -> None:
    closing = _markdown_cells(path)[-1]
    text = "".join(closing["source"])
    meta = closing["metadata"]["backchannels"]["bibliography"]
    for key in meta["reading"] + meta["sources"]:
        get_reference(key)  # raises with the closest keys when a key is wrong
    assert expected_closing(text, closing["metadata"]["backchannels"]) == text, \
        "bibliography is stale: python -m backchannels.course --write"
    block = text[text.index(BIB_START):text.index(BIB_END)]
    assert "## Further reading" in block and not RAW_KEY.search(text), "no raw BibTeX keys in the closing cell"


def _reading_text() -> str:
    """Return what a student reads in lessons 00-04 from each key-terms box on, in order.

    The title and objectives cells above the box only announce topics; generated bibliographies are
    references, not prose; in a key-terms box only the bold terms count (their definitions use other words).
    """
    parts = []
    for path in LESSONS:
        started = False
        for cell in _markdown_cells(path):
            text = "".join(cell["source"])
            if "key_terms" in cell.get("metadata", {}).get("backchannels", {}):
                started = True
                parts.append(" ".join(re.findall(r"\*\*[^*]+\*\*", text)))
                continue
            if started:
                if BIB_START in text:
                    text = text[:text.index(BIB_START)] + text[text.index(BIB_END):]
                parts.append(text)
    return "\n".join(parts)


def test_every_glossary_term_is_defined_at_or_before_first_use() -> None:
    """A term's first use must not come before its first bold (defining) appearance or key-terms entry."""
    text = _reading_text()
    problems = []
    for term in glossary.load_glossary():
        pattern = glossary.term_pattern(term)
        first = pattern.search(text)
        if first is None:
            continue
        defined = [m for m in pattern.finditer(text) if text[max(0, m.start() - 2):m.start()] == "**"]
        if not defined or defined[0].start() > first.start():
            context = text[max(0, first.start() - 60):first.end() + 20].replace("\n", " ")
            problems.append(f"{term!r} is used before it is defined: ...{context}...")
    assert not problems, "\n".join(problems)


def test_course_write_regenerates_a_stale_box_and_bibliography(tmp_path: Path) -> None:
    import shutil

    from backchannels.course import write_reading_aids

    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    target = tmp_path / "notebooks" / "02_why_back_channels.ipynb"
    notebook = _nb(target)
    cell, _ = glossary.key_terms_cell(notebook)
    cell["source"] = ["<!-- key-terms:start -->\n", "stale\n", "<!-- key-terms:end -->"]
    closing = [c for c in notebook["cells"] if c["cell_type"] == "markdown"][-1]
    closing["source"] = [s.replace("## Further reading", "## Further readings") for s in closing["source"]]
    target.write_text(json.dumps(notebook), encoding="utf-8")
    assert write_reading_aids(tmp_path) == [target]
    assert _nb(target) == _nb(REPO / "notebooks" / target.name)
    assert write_reading_aids(tmp_path) == [], "a second run changes nothing"
