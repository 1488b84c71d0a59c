"""Export the lessons to offline reveal.js decks (lecture hall) and standalone HTML (LMS, print).

``python -m backchannels.export slides`` writes ``_build/slides/NN_slug.slides.html``;
``python -m backchannels.export html`` writes ``_build/html/NN_slug.html``; ``all`` does both from
one execution of each lesson. Every lesson is executed in a fresh kernel (figures included) with a
throw-away progress folder, so an export never shows or changes anyone's own answers.

Offline: the decks load reveal.js, require.js, jQuery, MathJax and the deck script and styles
shared with the live lecture from ``vendor/`` next to them, copied from the vendored copies in
``backchannels/_jupyter/voila/templates/backchannels/static`` (which Voila also serves) and
``backchannels/render/vendor/mathjax``; nothing is fetched from a CDN. Widgets need a kernel: each
interactive tool (model explorer, case browser, legality analyser, argument builder) is replaced by
a still of its default state with a line saying where it runs live (``backchannels.render.tools``),
and every exercise shows the text/html fallback it carries. Bibliography keys become (Author Year)
citations linked to ``bibliography.html`` (``backchannels.render.citations``). Cells tagged
``instructor`` become speaker notes in the decks and are left out of the reading pages. Each
folder gets an index page listing the lessons by title, minutes and guiding question.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from backchannels.paths import notebooks_dir, repo_root

PACKAGE_DIR = Path(__file__).resolve().parent
JUPYTER_DIR = PACKAGE_DIR / "_jupyter"
TEMPLATES_DIR = JUPYTER_DIR / "nbconvert" / "templates"
# One vendored copy of the front-end files, served by Voila and copied next to the decks.
VENDOR_DIR = JUPYTER_DIR / "voila" / "templates" / "backchannels" / "static"
DECK_VENDOR = ("reveal.js", "requirejs", "jquery")
# The deck script and styles shared with the live lecture (Voila serves the same files).
DECK_OWN = ("lecture.js", "lecture.css", "deck.css")
BIBLIOGRAPHY = "bibliography.html"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
INSTRUCTOR_TAG = "instructor"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
EXECUTE_TIMEOUT_S = 180
# Where the decks find their scripts, relative to the deck itself (so _build/ can be copied anywhere).
REVEAL_PREFIX = "vendor/reveal.js"
REQUIRE_JS = "vendor/requirejs/require.js"
JQUERY_JS = "vendor/jquery/jquery.min.js"
# Headings inside a tool's still belong to the picture, not to the page's outline.
_STILL_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.DOTALL)
_IPYNB_LINK = re.compile(r'href="((?:\./)?\d\d_[A-Za-z0-9_\-]+)\.ipynb(#[^"]*)?"')


@dataclass(frozen=True)
class Exported:
    """One lesson's exported file."""

    lesson: Path
    output: Path
    kind: str


def default_notebooks() -> Path:
    """Return the checkout's notebooks folder, or ./notebooks outside a checkout."""
    return notebooks_dir() or Path("notebooks").resolve()


def default_build_dir() -> Path:
    """Return the checkout's _build folder, or ./_build outside a checkout."""
    root = repo_root()
    return (root if root is not None else Path.cwd()) / "_build"


def lesson_paths(folder: Path, only: Iterable[str] = ()) -> list[Path]:
    """Return every lesson notebook NN_*.ipynb in teaching order, optionally only some numbers."""
    wanted = {str(n).zfill(2)[:2] for n in only}
    paths = sorted(p for p in Path(folder).glob(LESSON_GLOB) if ".ipynb_checkpoints" not in p.parts)
    return [p for p in paths if not wanted or p.name[:2] in wanted]


@contextmanager
def _scratch_user_dir() -> Iterator[Path]:
    """Point BACKCHANNELS_USER_DIR at a temporary folder and PYTHONPATH at this package (kernels inherit)."""
    saved = {k: os.environ.get(k) for k in ("BACKCHANNELS_USER_DIR", "PYTHONPATH")}
    with tempfile.TemporaryDirectory(prefix="bc-export-user-") as scratch:
        os.environ["BACKCHANNELS_USER_DIR"] = scratch
        # The kernel runs in the lessons' folder: it imports this very package, by absolute path.
        entries = [str(PACKAGE_DIR.parent)] + [
            str(Path(p).resolve()) for p in (saved["PYTHONPATH"] or "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(entries))
        try:
            yield Path(scratch)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def execute_lesson(path: Path, timeout: int = EXECUTE_TIMEOUT_S) -> NotebookNode:
    """Run a lesson top to bottom in a fresh kernel (cwd = its folder) and return it with outputs."""
    from nbconvert.preprocessors import ExecutePreprocessor

    notebook = nbformat.read(path, as_version=4)
    with _scratch_user_dir():
        runner = ExecutePreprocessor(timeout=timeout, kernel_name="python3")
        runner.preprocess(notebook, {"metadata": {"path": str(Path(path).parent)}})
    return notebook


def is_instructor_cell(cell: NotebookNode) -> bool:
    """Return True when a cell holds instructor notes (tag ``instructor`` or slide type notes)."""
    tags = cell.get("metadata", {}).get("tags", [])
    slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return INSTRUCTOR_TAG in tags or slide_type == "notes"


def strip_widget_views(notebook: NotebookNode) -> NotebookNode:
    """Return a copy whose outputs keep their static fallback (text/html, images) and no widget views."""
    result = copy.deepcopy(notebook)
    result.metadata.pop("widgets", None)
    for cell in result.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                # A bare widget repr ("VBox(children=...)") is noise on a page; keep real fallbacks.
                if set(data) == {"text/plain"}:
                    continue
                if not data:
                    continue
            kept.append(output)
        cell.outputs = kept
    return result


def for_slides(notebook: NotebookNode) -> NotebookNode:
    """Return a copy where every instructor cell is a speaker note, whatever its slide type says."""
    result = strip_widget_views(notebook)
    for cell in result.cells:
        if is_instructor_cell(cell):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
    return result


def for_reading(notebook: NotebookNode) -> NotebookNode:
    """Return a copy for students' reading pages: no widget views, no instructor notes."""
    result = strip_widget_views(notebook)
    result.cells = [cell for cell in result.cells if not is_instructor_cell(cell)]
    return result


def _config() -> object:
    """Return the nbconvert configuration shared by both exports (our templates, no code shown)."""
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    return config


def _relink(body: str, suffix: str) -> str:
    """Point links between lessons (NN_slug.ipynb) at the exported files (NN_slug<suffix>)."""
    return _IPYNB_LINK.sub(lambda m: f'href="{m.group(1)}{suffix}{m.group(2) or ""}"', body)


def with_stills(notebook: NotebookNode) -> NotebookNode:
    """Return a copy whose interactive tools show their still (default state) and where they run live.

    Headings inside a still become bold paragraphs: they are part of the picture, and as headings
    they would break the page's outline (an h4 under an h2)."""
    from backchannels.render.tools import with_tool_stills

    result = with_tool_stills(notebook, where=None)
    for cell in result.cells:
        for output in cell.get("outputs", []):
            html_text = output.get("data", {}).get("text/html")
            if isinstance(html_text, str) and "bc-static-tool" in html_text:
                output["data"]["text/html"] = _STILL_HEADING.sub(
                    r'<p class="bc-still-heading"\2><strong>\3</strong></p>', html_text)
    return result


def cite(body: str) -> str:
    """Return exported HTML whose bibliography keys are (Author Year) links to the bibliography page."""
    from backchannels.render.citations import link_citations

    return link_citations(body, href=BIBLIOGRAPHY)


def render_slides(notebook: NotebookNode, name: str) -> str:
    """Return an executed lesson as an offline reveal.js deck (scripts under ./vendor/)."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(config=_config(), template_name="bc_slides",
                              reveal_url_prefix=REVEAL_PREFIX, require_js_url=REQUIRE_JS,
                              jquery_url=JQUERY_JS, reveal_theme="white")
    body, _ = exporter.from_notebook_node(for_slides(with_stills(notebook)),
                                          resources={"metadata": {"name": name}})
    return cite(_relink(body, ".slides.html"))


def render_html(notebook: NotebookNode, name: str) -> str:
    """Return an executed lesson as one standalone HTML reading page (maths by ./vendor/mathjax)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(config=_config(), template_name="bc_html", embed_images=True)
    body, _ = exporter.from_notebook_node(for_reading(with_stills(notebook)),
                                          resources={"metadata": {"name": name}})
    return cite(_relink(body, ".html"))


def copy_vendor(target: Path) -> Path:
    """Copy the vendored reveal.js, require.js and jQuery (with their licences) to target/vendor."""
    from backchannels.render.mathjax import copy_mathjax

    destination = Path(target) / "vendor"
    for name in DECK_VENDOR:
        shutil.copytree(VENDOR_DIR / name, destination / name, dirs_exist_ok=True)
    (destination / "backchannels").mkdir(parents=True, exist_ok=True)
    for name in DECK_OWN:
        shutil.copy2(VENDOR_DIR / name, destination / "backchannels" / name)
    copy_mathjax(destination)
    return destination


def _title(notebook: NotebookNode, fallback: str) -> str:
    """Return the lesson's first heading, or the fallback."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


PAGE_CSS = """
:root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #d0d4da; --accent: #1a5fb4; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       background: #f6f7f9; font-size: 18px; line-height: 1.5; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 0.5rem; }
.intro { color: var(--muted); margin: 0 0 1.5rem; }
ol.lessons { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.9rem; }
.lessons a { display: block; padding: 1rem 1.1rem; background: #fff; border: 1px solid var(--line);
             border-radius: 8px; color: inherit; text-decoration: none; }
.lessons a:hover { border-color: var(--accent); }
.lessons a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.lessons h2 { font-size: 1.25rem; margin: 0 0 0.25rem; color: var(--accent); text-decoration: underline; }
.meta { font-size: 0.95rem; color: var(--muted); margin: 0 0 0.35rem; }
.lessons p { margin: 0; }
.bc-bibliography { padding-left: 1.2rem; } .bc-ref { margin-bottom: 0.6rem; }
a { color: var(--accent); }
footer { margin-top: 2rem; font-size: 0.95rem; color: var(--muted); }
"""


def _page(title: str, body: str) -> str:
    """Return a small styled standalone page (index, bibliography)."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")


def write_index(folder: Path, entries: list[tuple[str, str]], heading: str) -> Path:
    """Write folder/index.html listing every exported lesson (href, title) with its minutes and
    guiding question from data/lessons.csv."""
    from backchannels.course import load_lessons

    try:
        known = {lesson.number: lesson for lesson in load_lessons()}
    except (OSError, ValueError):
        known = {}
    items = []
    for href, title in entries:
        lesson = known.get(href[:2])
        meta = f'<p class="meta">{lesson.minutes} minutes</p><p>{escape(lesson.guiding_question)}</p>' \
            if lesson else ""
        shown = f"{lesson.number} · {lesson.title}" if lesson else title
        items.append(f'  <li><a href="{escape(href)}"><h2>{escape(shown)}</h2>{meta}</a></li>')
    minutes = sum(known[h[:2]].minutes for h, _ in entries if h[:2] in known)
    how = ("Open a deck and walk it with the right arrow or Space; S opens the speaker notes, "
           "F goes full screen. Interactive tools show as still pictures here: they run live with "
           "<code>make lecture</code>." if "slides" in heading else
           "Each page is a lesson to read; exercises show their questions and answers.")
    body = (f"<h1>Back Channels: {escape(heading)}</h1>\n"
            f'<p class="intro">{len(entries)} lessons, about {minutes} minutes in all. {how}</p>\n'
            f'<ol class="lessons">\n' + "\n".join(items) + "\n</ol>\n"
            f'<footer><a href="{BIBLIOGRAPHY}">References</a></footer>')
    path = Path(folder) / "index.html"
    path.write_text(_page(f"Back Channels: {heading}", body), encoding="utf-8")
    return path


def write_bibliography(folder: Path, pages: list[Path]) -> Path:
    """Write folder/bibliography.html with every reference the exported pages cite."""
    from backchannels.references import load_references
    from backchannels.render.citations import anchor, bibliography_html

    anchors: list[str] = []
    for page in pages:
        anchors += re.findall(rf'href="{re.escape(BIBLIOGRAPHY)}#([^"]+)"', page.read_text(encoding="utf-8"))
    by_anchor = {anchor(k): k for k in load_references()}
    cited = [by_anchor[a] for a in dict.fromkeys(anchors) if a in by_anchor]
    body = (f'<h1>Back Channels: references</h1>\n<p><a href="index.html">All lessons</a></p>\n'
            f"{bibliography_html(cited)}")
    path = Path(folder) / BIBLIOGRAPHY
    path.write_text(_page("Back Channels: references", body), encoding="utf-8")
    return path


def export(kinds: Iterable[str], lessons: list[Path], build_dir: Path) -> list[Exported]:
    """Execute each lesson once and write the requested exports (slides, html) under build_dir."""
    kinds = list(dict.fromkeys(kinds))
    folders = {kind: Path(build_dir) / kind for kind in kinds}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    if "slides" in folders:
        copy_vendor(folders["slides"])
    if "html" in folders:
        from backchannels.render.mathjax import copy_mathjax

        copy_mathjax(folders["html"] / "vendor")
    done: list[Exported] = []
    titles: dict[str, list[tuple[str, str]]] = {kind: [] for kind in kinds}
    for lesson in lessons:
        notebook = execute_lesson(lesson)
        name = lesson.stem
        title = _title(notebook, name)
        for kind in kinds:
            if kind == "slides":
                output, text = folders[kind] / f"{name}.slides.html", render_slides(notebook, name)
            else:
                output, text = folders[kind] / f"{name}.html", render_html(notebook, name)
            output.write_text(text, encoding="utf-8")
            titles[kind].append((output.name, title))
            done.append(Exported(lesson=lesson, output=output, kind=kind))
            print(f"{kind:6s} {lesson.name} -> {output}", file=sys.stderr)
    for kind in kinds:
        write_index(folders[kind], titles[kind], "lecture slides" if kind == "slides" else "lessons")
        write_bibliography(folders[kind], [e.output for e in done if e.kind == kind])
    return done


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m backchannels.export {slides,html,all} [--out DIR] [LESSON ...]."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["slides", "html", "all"], help="what to export")
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: every lesson)")
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of NN_*.ipynb lessons")
    parser.add_argument("--out", type=Path, default=None, help="build folder (default: _build)")
    args = parser.parse_args(argv)
    lessons = lesson_paths(args.notebooks or default_notebooks(), args.lessons)
    if not lessons:
        print("No lesson notebooks (NN_*.ipynb) found.", file=sys.stderr)
        return 1
    kinds = ["slides", "html"] if args.kind == "all" else [args.kind]
    export(kinds, lessons, args.out or default_build_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main())
