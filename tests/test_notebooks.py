"""Every lesson notebook is committed clean and follows the module's opening and closing shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from backchannels import course

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
ALLOWED_CELL_METADATA = {"tags", "slideshow", "backchannels"}


def _markdown(notebook: dict) -> list[str]:
    """Return the sources of the notebook's markdown cells."""
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]


def _lesson_for(path: Path) -> course.Lesson:
    """Return the lessons.csv row a notebook file belongs to."""
    for lesson in course.load_lessons():
        if lesson.filename == path.name:
            return lesson
    raise AssertionError(f"{path.name} is not listed in data/lessons.csv (number_slug.ipynb)")


def test_there_are_lessons() -> None:
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_valid(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))
    assert raw["metadata"]["kernelspec"]["name"] == "python3"
    for index, cell in enumerate(raw["cells"]):
        where = f"{path.name} cell {index}"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{where} has outputs; run `make clean-notebooks`"
            assert cell["execution_count"] is None, f"{where} has an execution count"
        extra = set(cell.get("metadata", {})) - ALLOWED_CELL_METADATA
        assert not extra, f"{where} carries editor metadata {sorted(extra)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_listed_in_order(path: Path) -> None:
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    _lesson_for(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_states_objectives_prerequisites_and_time(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    lesson = _lesson_for(path)
    opening = "\n".join(_markdown(notebook)[:3])
    assert _markdown(notebook)[0].startswith("# "), f"{path.name} must open with a # title"
    assert "## Learning objectives" in opening
    assert re.search(r"^1\. \*\*[A-Z][a-z]+\*\*", opening, re.M), "objectives start with a bold verb"
    assert "**Prerequisites:**" in opening
    minutes = re.search(r"\*\*Expected time:\*\* (\d+) minutes", opening)
    assert minutes, f"{path.name} must state '**Expected time:** N minutes'"
    assert int(minutes.group(1)) == lesson.minutes, "expected time must match data/lessons.csv"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_closing_has_key_points_reading_and_next_lesson(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    closing = _markdown(notebook)[-1]
    assert "## Key points" in closing and "## Further reading" in closing
    following = course.next_lesson(_lesson_for(path).number)
    if following is None:
        assert "00_start_here.ipynb" in closing, "the last lesson links back to the start page"
    else:
        assert f"**Next lesson:** [{following.number} {following.title}]({following.filename})" in closing


def test_course_map_in_readme_and_start_page_is_up_to_date() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert course.expected_readme(readme) == readme, "README course map is stale: make course-map"
    start = json.loads((REPO / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    fresh = course.expected_start_notebook(json.loads(json.dumps(start)))
    assert fresh == start, "00_start_here course map is stale: run `make course-map`"
