"""Teaching modes without a browser: the export wrappers, the exported files, and the checks that
the module runs unchanged on Binder or a JupyterHub (environment.yml, paths, working directory)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from backchannels import app, export
from tests.support.modes import REPO, built, lessons

WIDGET = export.WIDGET_VIEW


# --- the wrappers, on small hand-made notebooks -------------------------------------------------

def _notebook() -> nbformat.NotebookNode:
    """Return a notebook with a widget output, a widget-only output and an instructor note."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    note = nbformat.v4.new_markdown_cell("> **Instructor notes** ask the room")
    note.metadata = {"tags": ["instructor"], "slideshow": {"slide_type": "skip"}}
    quiz = nbformat.v4.new_code_cell("show_question('01_q1')")
    quiz.outputs = [
        nbformat.v4.new_output("display_data", data={WIDGET: {"model_id": "a"}, "text/plain": "VBox()",
                                                     "text/html": "<p>Which is a back channel?</p>"}),
        nbformat.v4.new_output("display_data", data={WIDGET: {"model_id": "b"}, "text/plain": "Output()"}),
        nbformat.v4.new_output("stream", name="stdout", text="kept"),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\nNext: [02](02_why.ipynb)"), note, quiz]
    return nb


def test_widget_views_give_way_to_their_static_fallback() -> None:
    nb = _notebook()
    stripped = export.strip_widget_views(nb)
    outputs = stripped.cells[2].outputs
    assert len(outputs) == 2, "a widget with only a text/plain repr is dropped, the rest kept"
    assert WIDGET not in outputs[0].data and outputs[0].data["text/html"].startswith("<p>Which")
    assert outputs[1].text == "kept"
    assert "widgets" not in stripped.metadata
    assert WIDGET in nb.cells[2].outputs[0].data, "the original notebook is left untouched"


def test_instructor_cells_are_speaker_notes_in_slides_and_absent_from_reading() -> None:
    nb = _notebook()
    assert export.for_slides(nb).cells[1].metadata.slideshow.slide_type == "notes"
    reading = export.for_reading(nb)
    assert [c.source[:3] for c in reading.cells] == ["# T", "sho"]


def test_links_between_lessons_point_at_the_exported_files() -> None:
    body = '<a href="02_why_back_channels.ipynb">x</a> <a href="https://example.org/a.ipynb">y</a>'
    assert export._relink(body, ".html") == ('<a href="02_why_back_channels.html">x</a> '
                                             '<a href="https://example.org/a.ipynb">y</a>')


def test_lessons_are_found_by_pattern_in_teaching_order(tmp_path: Path) -> None:
    for name in ("01_b.ipynb", "00_a.ipynb", "notes.ipynb", "10_c.ipynb"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in export.lesson_paths(tmp_path)] == ["00_a.ipynb", "01_b.ipynb", "10_c.ipynb"]
    assert [p.name for p in export.lesson_paths(tmp_path, ["1"])] == ["01_b.ipynb"]


def test_vendored_front_end_files_ship_with_their_licences() -> None:
    vendor = export.VENDOR_DIR
    for path in ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css", "reveal.js/dist/theme/white.css",
                 "reveal.js/plugin/notes/notes.js", "reveal.js/LICENSE", "requirejs/require.js",
                 "requirejs/LICENSE", "jquery/jquery.min.js", "jquery/LICENSE.txt",
                 "fontawesome/css/all.min.css", "fontawesome/webfonts/fa-solid-900.woff2",
                 "fontawesome/LICENSE.txt", "README.md"):
        assert (vendor / path).is_file(), path


def test_our_templates_name_no_cdn() -> None:
    templates = list((export.JUPYTER_DIR).rglob("*.j2"))
    assert len(templates) >= 4
    for template in templates:
        text = template.read_text(encoding="utf-8")
        urls = re.findall(r"https?://[^\s\"')]+", text)
        # The only URLs are the CDN addresses our templates replace with local files.
        assert all("replace" in line for line in text.splitlines() for u in urls if u in line), template


def test_app_command_serves_our_offline_template_on_localhost() -> None:
    command = app.voila_command(Path("notebooks"), 9999)
    assert "--Voila.ip=127.0.0.1" in command and "--template=backchannels" in command
    assert "--template=backchannels-reveal" in app.voila_command(Path("notebooks"), 9999, slides=True)
    env = app.voila_env({"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(os.pathsep) == [str(app.JUPYTER_DIR), "/elsewhere"]


# --- the real lessons, exported once ------------------------------------------------------------

class _Text(HTMLParser):
    """Collect the visible text of an HTML page (no scripts or styles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _squash(text: str) -> str:
    """Return text with Markdown marks removed and whitespace collapsed, for comparisons."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", html.unescape(text))
    text = re.sub(r"[*_`#>]", "", text)
    text = " ".join(text.replace("\u2019", "'").split())
    return re.sub(r" ([?.,;:!)])", r"\1", text).lower()


def _page_text(path: Path) -> str:
    """Return an exported page's visible text, squashed."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return _squash(" ".join(parser.parts))


def _outputs(kind: str) -> dict[str, Path]:
    """Return lesson stem -> exported file of one kind."""
    return {e.lesson.stem: e.output for e in built()[1] if e.kind == kind}


def _instructor_texts(lesson: Path) -> list[str]:
    """Return the instructor notes of a lesson (their first words, squashed)."""
    nb = nbformat.read(lesson, as_version=4)
    return [_squash(c.source)[:60] for c in nb.cells if export.is_instructor_cell(c)]


def test_every_lesson_is_exported_to_slides_and_html() -> None:
    assert lessons(), "no lessons found"
    assert set(_outputs("slides")) == set(_outputs("html")) == {p.stem for p in lessons()}
    build = built()[0]
    assert (build / "slides" / "vendor" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (build / "slides" / "index.html").is_file() and (build / "html" / "index.html").is_file()


@pytest.mark.parametrize("kind", ["slides", "html"])
def test_exports_load_no_script_or_style_from_the_internet(kind: str) -> None:
    for stem, path in _outputs(kind).items():
        text = path.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:|//)[^"]*"', text)
        assert not remote, f"{stem}: {remote}"
        assert WIDGET not in text and "widget-state+json" not in text, f"{stem} still holds widget views"


def test_reading_pages_drop_instructor_notes_and_code_and_show_figures() -> None:
    for lesson in lessons():
        page = _outputs("html")[lesson.stem]
        text = page.read_text(encoding="utf-8")
        visible = _page_text(page)
        for note in _instructor_texts(lesson):
            assert note not in visible, f"{lesson.name}: instructor note in the student page: {note}"
        assert not re.search(r'class="[^"]*jp-InputArea-editor', text), f"{lesson.name}: code is shown"
        assert 'href="' not in text or ".ipynb\"" not in re.sub(r'href="https?://[^"]*"', "", text), \
            f"{lesson.name}: a link still points at a notebook"


def test_slides_carry_instructor_notes_as_speaker_notes() -> None:
    for lesson in lessons():
        text = _outputs("slides")[lesson.stem].read_text(encoding="utf-8")
        asides = " ".join(re.findall(r'<aside class="notes">(.*?)</aside>', text, flags=re.DOTALL))
        asides = _squash(re.sub(r"<[^>]+>", " ", asides))
        for note in _instructor_texts(lesson):
            assert note in asides, f"{lesson.name}: instructor note is not a speaker note: {note}"


def test_every_bank_question_prompt_is_readable_in_the_html_export() -> None:
    checked = 0
    for lesson in lessons():
        bank_file = REPO / "data" / "questions" / f"{lesson.name[:2]}.yml"
        if not bank_file.exists():
            continue
        visible = _page_text(_outputs("html")[lesson.stem])
        for question in yaml.safe_load(bank_file.read_text(encoding="utf-8"))["questions"]:
            prompt = _squash(question["prompt"])
            assert prompt[:120] in visible, f"{lesson.name}: {question['id']} prompt missing: {prompt[:80]}"
            checked += 1
    assert checked, "no question bank matched an exported lesson (data/questions/NN.yml)"


def test_exported_figures_have_real_alt_text() -> None:
    missing = {}
    for stem, page in _outputs("html").items():
        imgs = re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8"))
        bad = [i[:80] for i in imgs if 'alt="No description has been provided' in i or "alt=" not in i]
        if bad:
            missing[stem] = len(bad)
    assert not missing, f"images without alt text (lesson: count): {missing}"


# --- Binder, repo2docker and JupyterHub ---------------------------------------------------------

def _environment() -> dict:
    """Return environment.yml parsed."""
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def test_environment_yml_has_the_structure_conda_and_repo2docker_read() -> None:
    env = _environment()
    assert set(env) <= {"name", "channels", "dependencies"}, f"unexpected keys: {set(env)}"
    assert isinstance(env.get("name"), str) and re.fullmatch(r"[a-z0-9_\-]+", env["name"])
    deps = env["dependencies"]
    strings = [d for d in deps if isinstance(d, str)]
    dicts = [d for d in deps if isinstance(d, dict)]
    assert all(isinstance(d, (str, dict)) for d in deps)
    assert len(dicts) <= 1 and all(set(d) == {"pip"} for d in dicts), "one pip: part at most"
    if dicts:
        assert "pip" in [re.split(r"[<>=!~ ]", s)[0] for s in strings], "a pip: part needs pip listed"
    names = [re.split(r"[<>=!~ \[]", s)[0].lower() for s in strings]
    assert len(names) == len(set(names)), "a package is listed twice"
    for spec in strings:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._\-]*(\s*[<>=!]=?[0-9][0-9a-z.*]*(,\s*[<>=!]=?[0-9][0-9a-z.*]*)*)?",
                            spec), f"not a conda match spec conda-forge accepts: {spec!r}"
    # repo2docker: environment.yml at the root wins; no competing files it would also read.
    for other in ("requirements.txt", "Pipfile", "binder/environment.yml", ".binder/environment.yml"):
        assert not (REPO / other).exists(), f"{other} would compete with environment.yml"
    # The pip part installs the package from the repository root (repo2docker's working directory).
    pip = dicts[0]["pip"] if dicts else []
    assert any(p.strip() in ("-e .", ".") for p in pip)
    assert (REPO / "pyproject.toml").is_file()


_ABSOLUTE = re.compile(r"""["'](?:/(?:home|root|tmp|work|Users|usr|opt|var|mnt)/|[A-Za-z]:\\\\)""")
_WRITES = re.compile(r"\.(?:write_text|write_bytes|mkdir|to_csv|to_excel)\(|\.savefig\((?!buf|io\.|BytesIO)"
                     r"|open\([^)]*[\"'][wax]b?[\"']")


def test_no_absolute_paths_in_package_or_lessons() -> None:
    found = []
    # The grading sandbox lays out its own file system (/home/student, /tmp inside bwrap): those
    # paths exist only inside it, never on the user's machine.
    sources = [p for p in (REPO / "src").rglob("*.py") if p.name != "confine.py"]
    sources += list((REPO / "notebooks").glob("*.ipynb"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if _ABSOLUTE.search(line) and "/usr/bin/" not in line and "/snap/bin/" not in line:
                found.append(f"{path.relative_to(REPO)}: {line.strip()[:100]}")
    assert not found, "absolute paths:\n" + "\n".join(found)


# Modules allowed to write files, and where: progress under paths.user_data_dir(); exports under
# the build folder the caller names; the course map into README/start page and data.py's
# datapackage.json writer (maintainers' commands, never called by a lesson).
_WRITERS_ALLOWED = {"paths.py", "export.py", "course.py", "cli.py", "browser.py", "data.py",
                    "grading", "bench.py",  # instructors' grading and the benchmark: folders they name
                    "website.py",  # the course website: under the build folder the caller names
                    "studentdist.py"}  # the student copy: a folder the instructor names


def test_lessons_and_package_write_only_to_the_users_folder() -> None:
    offenders = []
    for path in (REPO / "src" / "backchannels").rglob("*.py"):
        if (_WRITES.search(path.read_text(encoding="utf-8")) and path.name not in _WRITERS_ALLOWED
                and path.parent.name not in _WRITERS_ALLOWED):
            text = path.read_text(encoding="utf-8")
            if "user_data_dir" not in text:
                offenders.append(str(path.relative_to(REPO)))
    for nb_path in (REPO / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(nb_path, as_version=4).cells:
            if cell.cell_type == "code" and (_WRITES.search(cell.source) or "%%writefile" in cell.source):
                offenders.append(f"{nb_path.name}: {cell.source[:60]}")
    assert not offenders, f"writes outside the user's folder: {offenders}"


def test_a_lesson_runs_with_another_working_directory(tmp_path: Path) -> None:
    lesson = lessons()[0]
    script = (
        "import nbformat, os\n"
        "from nbconvert.preprocessors import ExecutePreprocessor\n"
        f"nb = nbformat.read({str(lesson)!r}, as_version=4)\n"
        "ExecutePreprocessor(timeout=120, kernel_name='python3').preprocess(nb, {'metadata': {'path': os.getcwd()}})\n"
        "errors = [o for c in nb.cells for o in c.get('outputs', []) if o.output_type == 'error']\n"
        "assert not errors, errors\n"
        "print('ok', os.getcwd())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "BACKCHANNELS_USER_DIR": str(tmp_path / "user")}
    env.pop("BACKCHANNELS_DATA", None)
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"ok {tmp_path}" in run.stdout
    left = {p.name for p in tmp_path.iterdir()}
    assert left <= {"user"}, f"the lesson wrote into the working directory: {sorted(left)}"
