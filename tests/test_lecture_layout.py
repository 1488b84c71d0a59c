"""The lecture slide layout (backchannels.lecture), the app's start page data (backchannels.start_page)
and the app command (two ports, no child process left behind), without a browser."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from backchannels import app
from backchannels.course import load_lessons
from backchannels.lecture import lecture_layout, slide_type
from backchannels.start_page import page_config_hook, start_entries
from tests.support.lab import free_port
from tests.support.modes import NOTEBOOKS, REPO


def _cell(kind: str, source: str, slide: str = "-") -> nbformat.NotebookNode:
    """Return a cell with a slide type."""
    cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide}
    return cell


def _types(cells: list[nbformat.NotebookNode]) -> list[str]:
    """Return the slide types of cells after the lecture layout."""
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return [slide_type(c) for c in lecture_layout(nb).cells]


def test_check_yourself_joins_the_first_question_and_each_question_gets_a_slide() -> None:
    assert _types([_cell("md", "## 1. Section", "slide"), _cell("md", "**Check yourself.**", "subslide"),
                   _cell("code", 'show_question("01_q1")', "subslide"),
                   _cell("code", 'show_question("01_q2")', "fragment")]) == ["slide", "subslide", "-", "subslide"]


def test_a_tool_shows_with_its_lead_in_and_notes_stay_notes() -> None:
    assert _types([_cell("md", "The **case browser** below lets you pick any case from the list; its card "
                           "appears underneath. Use it whenever a section mentions a case.", "subslide"),
                   _cell("code", "case_browser()", "fragment"),
                   _cell("md", "> **Instructor notes** say this", "notes")]) == ["subslide", "-", "notes"]


def test_two_sections_in_one_cell_become_two_slides_and_long_lists_continue() -> None:
    items = "\n".join(f"- Author {i} (2001). A long title of a book about secret diplomacy, part {i}." for i in range(30))
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell("md", f"## Key points\n\n- one\n\n## Further reading\n\n{items}", "slide")]
    cells = lecture_layout(nb).cells
    assert [slide_type(c) for c in cells][:2] == ["slide", "subslide"]
    assert cells[0].source.startswith("## Key points") and cells[1].source.startswith("## Further reading")
    assert len(cells) >= 3 and cells[2].source.startswith("## Further reading (continued)")
    assert all(len(c.source) <= 1200 for c in cells)
    joined = "\n".join(c.source for c in cells)
    assert all(f"part {i}." in joined for i in range(30)), "a list item was lost in the split"
    assert len({c.get("id") for c in cells}) == len(cells)


def test_every_lesson_keeps_every_cell_and_exercise_in_lecture_layout() -> None:
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        original = nbformat.read(path, as_version=4)
        laid_out = lecture_layout(nbformat.read(path, as_version=4))
        code = [c.source for c in original.cells if c.cell_type == "code"]
        assert [c.source for c in laid_out.cells if c.cell_type == "code"] == code, path.name
        notes = [c.source for c in original.cells if slide_type(c) == "notes"]
        assert [c.source for c in laid_out.cells if slide_type(c) == "notes"] == notes, path.name
        nbformat.validate(laid_out)


def test_start_page_lists_the_lessons_found_in_the_folder_in_course_order(tmp_path: Path) -> None:
    lessons = load_lessons()
    for lesson in lessons[:3]:
        shutil.copy(NOTEBOOKS / next(p.name for p in NOTEBOOKS.glob(f"{lesson.number}_*.ipynb")), tmp_path)
    entries = start_entries(tmp_path)
    assert [e.number for e in entries] == [lesson.number for lesson in lessons[:3]]
    assert entries[0].title == lessons[0].title and entries[0].minutes == lessons[0].minutes
    assert entries[0].question == lessons[0].guiding_question and entries[0].path.endswith(".ipynb")
    config = page_config_hook({}, notebook_path="", settings={})
    assert "backchannels" in config
    assert "backchannels" not in page_config_hook({}, notebook_path="01_x.ipynb", settings={})


def test_app_and_lecture_default_to_two_ports() -> None:
    assert app.DEFAULT_PORT != app.LECTURE_PORT
    env = app.voila_env({"JUPYTER_CONFIG_PATH": "/elsewhere"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(app.CONFIG_DIR), "/elsewhere"]
    assert (app.CONFIG_DIR / "voila.py").is_file()


def _answers(port: int) -> bool:
    """Return True when something accepts connections on the port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.browser
def test_stopping_the_app_by_its_process_id_frees_its_port(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path), JUPYTER_RUNTIME_DIR=str(tmp_path),
               PYTHONPATH=str(REPO / "src"))
    process = subprocess.Popen([sys.executable, "-m", "backchannels.app", "--port", str(port), str(NOTEBOOKS)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert process.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.25)
        os.kill(process.pid, signal.SIGTERM)  # what a lecturer's `kill PID` does: no process group
        process.wait(timeout=20)
        deadline = time.monotonic() + 10
        while _answers(port) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert not _answers(port), "a server still holds the port after the app was stopped"
    finally:
        if process.poll() is None:
            process.kill()


def test_citation_keys_in_prose_read_author_and_year_in_the_app_and_lecture() -> None:
    from backchannels.lecture import cite_keys_in_markdown
    from backchannels.references import load_references
    from backchannels.render.citations import cite_text

    key = next(iter(load_references()))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"Other sources: `{key}`, `not_a_key_at_all`."),
                nbformat.v4.new_code_cell(f"x = '`{key}`'")]
    cite_keys_in_markdown(nb)
    assert nb.cells[0].source == f"Other sources: {cite_text(key)}, `not_a_key_at_all`."
    assert nb.cells[1].source == f"x = '`{key}`'"
