"""The two case lessons (04 anchor cases, 05 comparison) against the module's data: every case is shown, and the
notebooks' years and answers match the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import yaml

from backchannels import cases as bc

REPO = Path(__file__).resolve().parents[1]
CASE_LESSONS = {"04": "04_case_studies.ipynb", "05": "05_comparing_cases.ipynb"}
YEAR = re.compile(r"(?<![\d.§-])(1[789]\d\d|20\d\d)(?![\ds])")  # "1990s" is a decade, not a year
CITATION = re.compile(r"\[[^\]]*\]")  # "[Hershberg 1995]": a publication year, not an event


def _notebook(lesson: str) -> dict:
    return json.loads((REPO / "notebooks" / CASE_LESSONS[lesson]).read_text(encoding="utf-8"))


def _bank(lesson: str) -> dict:
    return yaml.safe_load((REPO / "data" / "questions" / f"{lesson}.yml").read_text(encoding="utf-8"))


def _question(question_id: str) -> dict:
    return next(q for lesson in CASE_LESSONS for q in _bank(lesson)["questions"] if q["id"] == question_id)


def _case_cells() -> list[tuple[str, str, dict]]:
    """Return (lesson/index, text, backchannels metadata) of every markdown cell tagged with its cases."""
    return [cell for lesson in CASE_LESSONS for cell in _lesson_case_cells(lesson)]


def _lesson_case_cells(lesson: str) -> list[tuple[str, str, dict]]:
    out = []
    for index, cell in enumerate(_notebook(lesson)["cells"]):
        meta = cell.get("metadata", {}).get("backchannels", {})
        if cell["cell_type"] == "markdown" and "cases" in meta:
            out.append((f"{lesson}/{index}", "".join(cell["source"]), meta))
    return out


# ---------------------------------------------------------------- notebook and bank, no data needed
LESSON = pytest.mark.parametrize("lesson", list(CASE_LESSONS))


@LESSON
def test_every_narrative_markdown_cell_names_its_cases(lesson: str) -> None:
    for index, cell in enumerate(_notebook(lesson)["cells"]):
        text = "".join(cell["source"])
        if cell["cell_type"] != "markdown" or text.startswith("> **Instructor notes**"):
            continue
        assert "cases" in cell["metadata"].get("backchannels", {}), f"cell {index} lacks backchannels.cases metadata"


@LESSON
def test_objectives_match_the_bank_and_every_objective_is_checked(lesson: str) -> None:
    opening = "".join(_notebook(lesson)["cells"][1]["source"])
    objectives = [re.sub(r"\*\*", "", m) for m in re.findall(r"^\d+\. (.+)$", opening, re.MULTILINE)]
    bank = _bank(lesson)
    assert objectives == bank["objectives"]
    checked = {q["objective"] for q in bank["questions"]}
    assert checked == set(range(1, len(objectives) + 1))


@LESSON
def test_every_question_is_shown_once_in_bank_order(lesson: str) -> None:
    sources = ["".join(c["source"]) for c in _notebook(lesson)["cells"] if c["cell_type"] == "code"]
    shown = [m for s in sources for m in re.findall(r'show_question\("(\d\d_q\d+)"\)', s)]
    ids = [q["id"] for q in _bank(lesson)["questions"]]
    assert shown == ids, "each question once, in the bank's order (its 'Question N of M' number)"
    assert len(ids) >= 7
    assert f'show_score("{lesson}")' in "".join(sources)


def test_the_two_lessons_together_use_every_question_type_for_cases() -> None:
    types = {q["type"] for lesson in CASE_LESSONS for q in _bank(lesson)["questions"]}
    assert {"ordering", "matching", "numeric", "case", "evidence", "written", "scenario"} <= types


@LESSON
def test_instructor_notes_cells_are_speaker_notes(lesson: str) -> None:
    notes = [c for c in _notebook(lesson)["cells"] if "".join(c["source"]).startswith("> **Instructor notes**")]
    assert len(notes) >= 3
    for cell in notes:
        assert cell["metadata"]["slideshow"] == {"slide_type": "notes"}
        assert cell["metadata"]["tags"] == ["instructor"]
    assert any("50" in "".join(c["source"]) and "|" in "".join(c["source"]) for c in notes), "a 50-minute plan"


@LESSON
def test_every_cell_has_a_slide_type(lesson: str) -> None:
    for index, cell in enumerate(_notebook(lesson)["cells"]):
        assert cell["metadata"].get("slideshow", {}).get("slide_type") in {
            "slide", "subslide", "fragment", "skip", "notes"}, f"cell {index}"


@LESSON
def test_code_cells_are_short_calls(lesson: str) -> None:
    for index, cell in enumerate(_notebook(lesson)["cells"]):
        if cell["cell_type"] == "code" and "import" not in "".join(cell["source"]):
            assert len("".join(cell["source"]).splitlines()) <= 3, f"cell {index} holds logic"


# ---------------------------------------------------------------- against the data set
@pytest.fixture(scope="module")
def data():
    module = pytest.importorskip("backchannels.data", reason="the data branch is not merged yet")
    return module.load_cases(), module.load_events()


def test_every_case_is_in_the_browser_and_the_timeline(data) -> None:
    cases, events = data
    box = bc.case_browser(cases, events)
    dropdown, card = box.children[1], box.children[2]
    assert sorted(v for _, v in dropdown.options) == sorted(cases["case_id"])
    fig = bc.timeline_figure(cases, events)
    labels = [t.get_text().replace("\n", " ") for t in fig.texts if (t.get_gid() or "").startswith("bc-case-name")]
    assert sorted(labels) == sorted(cases["name"]) and len(set(labels)) == len(cases), "one distinct row per case"
    parts = bc.timeline_parts(cases)
    assert sorted(c for p in parts for c in p["case_id"]) == sorted(cases["case_id"]), "each case in one part"
    plt.close(fig)
    for case_id, name in zip(cases["case_id"], cases["name"]):
        dropdown.value = case_id
        assert bc.html.escape(str(name)) in card.value


def test_every_event_belongs_to_a_case_and_lands_on_the_timeline(data) -> None:
    cases, events = data
    assert set(events["case_id"]) <= set(cases["case_id"])
    fig = bc.timeline_figure(cases, events)
    dots = sum(len(line.get_xdata()) for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "o")
    plt.close(fig)
    assert dots == sum(len(bc.events_for(c, events)) for c in cases["case_id"])


def test_notebook_names_only_known_cases(data) -> None:
    cases, _ = data
    known = set(cases["case_id"])
    for index, _, meta in _case_cells():
        if meta["cases"] != "all":
            assert set(meta["cases"]) <= known, f"cell {index} names an unknown case"


def test_years_in_each_case_section_agree_with_the_data(data) -> None:
    """Every year in a case section lies in its cases' spans, event years or disclosure, or is whitelisted."""
    cases, events = data
    every_year = set().union(*(bc.case_years(c, cases, events) for c in cases["case_id"]))
    problems = []
    for index, text, meta in _case_cells():
        allowed = every_year if meta["cases"] == "all" else set().union(
            *(bc.case_years(c, cases, events) for c in meta["cases"]))
        whitelist = meta.get("year_whitelist", {})
        for reason in whitelist.values():
            assert len(reason) > 15, f"cell {index}: whitelist entries need a reason"
        if "key_terms" in meta:
            continue  # generated from the glossary, whose definitions cite publication years
        narrative = CITATION.sub("", text.split("## Further reading")[0])
        for year in {int(y) for y in YEAR.findall(narrative)}:
            if year not in allowed and str(year) not in whitelist:
                problems.append(f"cell {index}: {year} is outside {meta['cases']} in the data")
    assert not problems, "\n".join(problems)


def test_numeric_answer_matches_the_data(data) -> None:
    cases, _ = data
    q12 = _question("04_q12")
    table = bc.years_to_public(cases).set_index("case_id")
    assert q12["answer"] == table.loc["cmc_rfk_dobrynin_1962", "years_to_public"]


def test_intermediary_matching_uses_names_in_the_data(data) -> None:
    cases, _ = data
    people = {c: " ".join(bc.as_list(v)) for c, v in zip(cases["case_id"], cases["intermediaries"])}
    for name, case_id in [("Suzanne Massie", "reagan_massie_channel"), ("Israel", "iran_contra_1985"),
                          ("Qaboos", "us_iran_oman_channel"), ("Pope Francis", "us_cuba_secret_talks"),
                          ("Central Intelligence Agency", "us_north_korea_cia_channel")]:
        assert name in people[case_id], f"{name} is not listed for {case_id}"
