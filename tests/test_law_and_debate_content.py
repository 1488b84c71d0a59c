"""Lessons 06-07 (the law, the debate): notebooks, question banks and the legal citations agree with each other and with the data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
LESSONS = {"06": "06_the_law.ipynb", "07": "07_debate_workshop.ipynb"}
# Question ids keep the lesson numbers they had before lesson 04 was split in two (saved answers use them).
ID_PREFIX = {"06": "05", "07": "06"}


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
    objectives = re.findall(r"^\d+\. \*\*(\w+)\*\* (.+)$", opening, re.MULTILINE)
    assert [f"{verb} {rest}" for verb, rest in objectives] == bank["objectives"]
    for index in range(1, len(bank["objectives"]) + 1):
        assert any(q["objective"] == index for q in bank["questions"]), f"objective {index} has no question"


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_every_question_is_shown_once_inline_after_its_section(number: str) -> None:
    bank = _bank(number)
    ids = [q["id"] for q in bank["questions"]]
    assert len(ids) >= 8 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(rf"{ID_PREFIX[number]}_q\d+", i) for i in ids)
    shown = re.findall(r'show_question\("([^"]+)"\)',
                       "\n".join("".join(c["source"]) for c in _cells(number) if c["cell_type"] == "code"))
    assert sorted(shown) == sorted(ids)


def test_banks_have_the_required_question_types() -> None:
    assert any(q["type"] == "scenario" for q in _bank("06")["questions"])
    assert any(q["type"] == "reflection" for q in _bank("07")["questions"])


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_sections_match_the_overview(number: str) -> None:
    text = _markdown(number)
    sections = re.findall(r"^## (\d+)\. ", text, re.MULTILINE)
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
    r"Art\. [IVX]+, § \d+",                          # Art. III, § 3
    r"(?:VCLT |VCDR )?Art\. \d+",                     # VCLT Art. 7, Art. 8
    r"United States v\. Curtiss-Wright",              # case names
    r"Zivotofsky v\. Kerry",
    r"Holder v\. Humanitarian Law Project",
    r"Waldron v\. British Petroleum",
    r"John R\. Thompson Co\.",
    r"Youngstown Sheet & Tube Co\. v\. Sawyer",
    r"Boland Amendment",                              # named statutes and treaties
    r"Foreign Agents Registration Act",
    r"Presidential Records Act",
    r"Logan Act",
    r"Vienna Convention on the Law of Treaties",
    r"Vienna Convention on Diplomatic Relations",
]
# Each citation the lessons use -> (source_id in legal_sources.csv, text that row's name or citation must contain).
CITATIONS: dict[str, tuple[str, str]] = {
    "18 U.S.C. § 953": ("logan_act", "18 U.S.C. § 953"),
    "Logan Act": ("logan_act", "Logan Act"),
    "18 U.S.C. § 1001": ("false_statements_1001", "18 U.S.C. § 1001"),
    "18 U.S.C. § 951": ("agents_foreign_governments_951", "18 U.S.C. § 951"),
    "22 U.S.C. § 611": ("fara", "22 U.S.C. §§ 611"),
    "Foreign Agents Registration Act": ("fara", "Foreign Agents Registration Act"),
    "44 U.S.C. § 2201": ("presidential_records_act", "44 U.S.C. §§ 2201"),
    "Presidential Records Act": ("presidential_records_act", "Presidential Records Act"),
    "Art. II, § 2": ("article2_foreign_affairs", "art. II, § 2"),
    "Art. II, § 3": ("article2_foreign_affairs", "§ 3"),
    "Art. III, § 3": ("treason_clause", "art. III, § 3"),
    "VCLT Art. 7": ("vclt_articles7_8", "Articles 7-8"),
    "Art. 7": ("vclt_articles7_8", "Articles 7-8"),
    "Art. 8": ("vclt_articles7_8", "Articles 7-8"),
    "Vienna Convention on the Law of Treaties": ("vclt_articles7_8", "Vienna Convention on the Law of Treaties"),
    "VCDR Art. 41": ("vcdr_article41", "Article 41"),
    "Art. 41": ("vcdr_article41", "Article 41"),
    "Art. 27": ("vcdr_article27", "Article 27"),
    "Vienna Convention on Diplomatic Relations": ("vcdr_article41", "Vienna Convention on Diplomatic Relations"),
    "United States v. Curtiss-Wright": ("curtiss_wright_1936", "United States v. Curtiss-Wright"),
    "Zivotofsky v. Kerry": ("zivotofsky_2015", "Zivotofsky v. Kerry"),
    "Boland Amendment": ("boland_amendments", "Boland Amendments"),
    "Boland Amendments": ("boland_amendments", "Boland Amendments"),
    "18 U.S.C. § 11": ("foreign_government_11", "18 U.S.C. § 11"),
    "18 U.S.C. § 2": ("aiding_abetting_2", "18 U.S.C. § 2"),
    "18 U.S.C. § 2381": ("treason_clause", "18 U.S.C. § 2381"),
    "18 U.S.C. § 207": ("post_employment_207f", "18 U.S.C. § 207(f)"),
    "18 U.S.C. § 2339": ("material_support_2339b", "18 U.S.C. § 2339B"),
    "18 U.S.C. §§ 793": ("espionage_793_794", "18 U.S.C. §§ 793, 794"),
    "50 U.S.C. § 1705": ("sanctions_ieepa", "50 U.S.C. § 1705"),
    "Art. I, § 10": ("compact_clause", "art. I, § 10"),
    "Art. I, § 6": ("speech_or_debate", "art. I, § 6"),
    "Holder v. Humanitarian Law Project": ("hlp_2010", "Holder v. Humanitarian Law Project"),
    "Waldron v. British Petroleum": ("waldron_1964", "Waldron v. British Petroleum"),
    "John R. Thompson Co.": ("thompson_1953", "John R. Thompson Co."),
    "Youngstown Sheet & Tube Co. v. Sawyer": ("youngstown_1952", "Youngstown Sheet & Tube Co. v. Sawyer"),
}


def lesson_citations() -> set[str]:
    """Return every legal citation found in lessons 06-07, their question banks and the evidence cards."""
    text = _markdown("06") + _markdown("07")
    for number in LESSONS:
        text += (REPO / "data" / "questions" / f"{number}.yml").read_text(encoding="utf-8")
    with open(REPO / "data" / "evidence_cards.csv", encoding="utf-8") as handle:
        text += "\n".join(row["evidence"] + " " + row["legal_citation"] for row in csv.DictReader(handle))
    found: set[str] = set()
    for pattern in CITATION_PATTERNS:
        found.update(m.strip() for m in re.findall(pattern, text))
    return found


def legal_rows() -> dict[str, dict[str, str]]:
    """Return legal_sources.csv rows (plus rows proposed in legal_sources-*.csv) by source_id."""
    rows: dict[str, dict[str, str]] = {}
    for path in sorted((REPO / "data").glob("legal_sources*.csv")):
        with open(path, encoding="utf-8") as handle:
            rows.update({row["source_id"]: row for row in csv.DictReader(handle)})
    return rows


def test_citation_extractor_finds_the_core_citations() -> None:
    found = lesson_citations()
    for expected in ("18 U.S.C. § 953", "18 U.S.C. § 1001", "18 U.S.C. § 951", "Art. III, § 3", "Art. II, § 2",
                     "VCLT Art. 7", "VCDR Art. 41", "Zivotofsky v. Kerry", "United States v. Curtiss-Wright"):
        assert expected in found


def test_every_legal_citation_is_in_legal_sources() -> None:
    assert (REPO / "data" / "legal_sources.csv").exists(), "merge the data branch"
    rows = legal_rows()
    unmapped = sorted(lesson_citations() - set(CITATIONS))
    assert not unmapped, f"new citations in lessons 06-07; add them to CITATIONS and legal_sources: {unmapped}"
    for citation in lesson_citations():
        source_id, must_contain = CITATIONS[citation]
        assert source_id in rows, f"{citation!r}: no row {source_id!r} in data/legal_sources*.csv"
        row = rows[source_id]
        assert must_contain.lower() in (row["name"] + " " + row["citation"]).lower(), (citation, source_id)


def test_evidence_card_law_links_match_their_citation() -> None:
    rows = legal_rows()
    with open(REPO / "data" / "evidence_cards.csv", encoding="utf-8") as handle:
        for card in csv.DictReader(handle):
            if card["legal_source_id"]:
                assert CITATIONS[card["legal_citation"].replace("U.S. Const. ", "")][0] == card["legal_source_id"]
                assert card["legal_source_id"] in rows
