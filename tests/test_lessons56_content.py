"""Lessons 05-06: notebooks, question banks and the legal citations agree with each other and with the data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
LESSONS = {"05": "05_the_law.ipynb", "06": "06_debate_workshop.ipynb"}


def _cells(number: str) -> list[dict]:
    return json.loads((REPO / "notebooks" / LESSONS[number]).read_text(encoding="utf-8"))["cells"]


def _markdown(number: str) -> str:
    return "\n".join("".join(c["source"]) for c in _cells(number) if c["cell_type"] == "markdown")


def _bank(number: str) -> dict:
    return yaml.safe_load((REPO / "data" / "questions" / f"{number}.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_objectives_match_the_bank_and_each_is_checked(number: str) -> None:
    bank = _bank(number)
    opening = "".join(_cells(number)[1]["source"])
    objectives = re.findall(r"^\d+\. \*\*(\w+)\*\* (.+)$", opening, re.M)
    assert [f"{verb} {rest}" for verb, rest in objectives] == bank["objectives"]
    for index in range(1, len(bank["objectives"]) + 1):
        assert any(q["objective"] == index for q in bank["questions"]), f"objective {index} has no question"


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_every_question_is_shown_once_inline_after_its_section(number: str) -> None:
    bank = _bank(number)
    ids = [q["id"] for q in bank["questions"]]
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(rf"{number}_q\d+", i) for i in ids)
    shown = re.findall(r'show_question\("([^"]+)"\)',
                       "\n".join("".join(c["source"]) for c in _cells(number) if c["cell_type"] == "code"))
    assert sorted(shown) == sorted(ids)


def test_banks_have_the_required_question_types() -> None:
    assert any(q["type"] == "scenario" for q in _bank("05")["questions"])
    assert any(q["type"] == "reflection" for q in _bank("06")["questions"])


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_sections_match_the_overview(number: str) -> None:
    text = _markdown(number)
    sections = re.findall(r"^## (\d+)\. ", text, re.M)
    overview = "".join(_cells(number)[0]["source"])
    assert sections == [str(i) for i in range(1, len(sections) + 1)]
    assert re.findall(r"\((\d+)\)", overview) == sections


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_instructor_notes_are_marked_as_notes(number: str) -> None:
    notes = [c for c in _cells(number) if "".join(c["source"]).startswith("> **Instructor notes**")]
    assert notes
    for cell in notes:
        assert cell["metadata"] == {"slideshow": {"slide_type": "notes"}, "tags": ["instructor"]}
    assert all("slideshow" in c["metadata"] for c in _cells(number))


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_further_reading_keys_exist(number: str) -> None:
    closing = "".join(_cells(number)[-1]["source"])
    keys = re.findall(r"\(`([a-z0-9]+)`\)", closing)
    assert keys
    bib = "".join(p.read_text(encoding="utf-8") for p in (REPO / "data").glob("references*.bib"))
    known = set(re.findall(r"@\w+\{([^,]+),", bib))
    missing = set(keys) - known
    if not (REPO / "data" / "references.bib").exists():
        missing -= {"wanisstjohn2006backchannel"}  # in the data branch's references.bib
    assert not missing, f"unknown reference keys {sorted(missing)}"


# --- Legal citations: every one in the lessons must be in data/legal_sources.csv -------------------------

CITATION_PATTERNS = [
    r"\d+ U\.S\.C\. §§? ?\d+",                       # 18 U.S.C. § 953
    r"Art(?:icle|\.) [IVX]+, § \d+",                  # Art. III, § 3
    r"(?:VCLT|VCDR) Art\. \d+",                       # VCLT Art. 7
    r"United States v\. Curtiss-Wright",               # case names
    r"Zivotofsky v\. Kerry",
    r"Boland Amendment",                              # named statutes and treaties
    r"Foreign Agents Registration Act",
    r"Presidential Records Act",
    r"Vienna Convention on the Law of Treaties",
    r"Vienna Convention on Diplomatic Relations",
]


def _normalise(text: str) -> str:
    text = text.replace("Article", "Art.").replace("Section", "§").replace("U.S. Const.", "")
    return re.sub(r"[\s.,§]+", "", text).lower()


def lesson_citations() -> set[str]:
    """Return every legal citation found in the markdown of lessons 05-06 and the evidence cards."""
    text = _markdown("05") + _markdown("06")
    with open(REPO / "data" / "evidence_cards.csv", encoding="utf-8") as handle:
        text += "\n".join(row["legal_citation"] for row in csv.DictReader(handle))
    found: set[str] = set()
    for pattern in CITATION_PATTERNS:
        found.update(m.strip() for m in re.findall(pattern, text))
    return found


def test_citation_extractor_finds_the_core_citations() -> None:
    found = lesson_citations()
    for expected in ("18 U.S.C. § 953", "18 U.S.C. § 1001", "18 U.S.C. § 951", "Art. III, § 3", "Art. II, § 2",
                     "VCLT Art. 7", "VCDR Art. 41", "Zivotofsky v. Kerry"):
        assert expected in found


def test_every_legal_citation_is_in_legal_sources() -> None:
    table = REPO / "data" / "legal_sources.csv"
    if not table.exists():
        pytest.fail("data/legal_sources.csv is missing: merge the data branch", pytrace=False)
    haystack = _normalise(table.read_text(encoding="utf-8"))
    missing = sorted(c for c in lesson_citations() if _normalise(c) not in haystack)
    assert not missing, f"cited in lessons 05-06 but not in data/legal_sources.csv: {missing}"
