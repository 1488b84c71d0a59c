"""Build the course website (``make site``): a static site in ``_build/site/`` that works offline.

Each lesson listed in ``data/lessons.csv`` whose notebook is in ``notebooks/`` (``NN_*.ipynb``) is
executed once in a fresh kernel, then prepared for reading: interactive tools become stills with
a line saying where they run live, every exercise becomes its question with the answer folded
under it, instructor notes are left out, citation keys become (Author Year) links to the course
bibliography, and the first use of each glossary term links to the glossary. Sphinx with myst-nb
and sphinx-book-theme turns the prepared notebooks, a landing page, the glossary and the
bibliography into HTML with navigation and full-text search; maths is set by the vendored MathJax.

Launch links (class JupyterHub through nbgitpuller, Binder) appear on each lesson once the
repository's address is set: ``[tool.backchannels.site] repository`` in pyproject.toml or the
``BACKCHANNELS_SITE_REPOSITORY`` environment variable (``make site REPOSITORY=...``).
"""

from __future__ import annotations

import argparse
import copy
import csv
import html
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import nbformat
from nbformat import NotebookNode

from backchannels.paths import data_dir, notebooks_dir, repo_root
from backchannels.render.citations import bibliography_html, cite_html, cited_keys
from backchannels.render.citations import link_author_year, link_citations
from backchannels.render.mathjax import mathjax_dir
from backchannels.render.questions import self_check_for_source
from backchannels.render.tools import with_tool_stills

PACKAGE_DIR = Path(__file__).resolve().parent
SITE_ASSETS = PACKAGE_DIR / "_site"
LESSON_GLOB = "[0-9][0-9]_*.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
INSTRUCTOR_TAG = "instructor"
GLOSSARY_PAGE = "glossary.html"
RUN_LIVE = "index.html#run-it-live"
EXECUTE_TIMEOUT_S = 180
SCORE_NOTE = (f'<p class="bc-score-note"><em>Scores and progress are counted when you run the lesson live '
              f'(<a href="{RUN_LIVE}">how</a>); on this page, check each answer by opening it.</em></p>')
WHO_FOR = (
    "Students of international relations, history, politics or law, in a class or studying alone, "
    "and the lecturers who teach them. Reading this site needs nothing but a browser; the exercises "
    "below each section can be checked by opening the folded answer. No programming is needed. To "
    "use the interactive tools and get instant feedback on the exercises, run the lessons live."
)


# ---------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class SiteSettings:
    """Where the course runs live: the repository's address (empty = no launch links) and the hubs."""

    repository: str = ""
    branch: str = "main"
    jupyterhub_url: str = ""
    binderhub_url: str = "https://mybinder.org"

    @property
    def live(self) -> bool:
        """Return True when launch links can be made (a repository address is set)."""
        return bool(self.repository.strip())


def read_settings(pyproject: Path | None = None, environ: dict[str, str] | None = None) -> SiteSettings:
    """Return the site settings: ``[tool.backchannels.site]`` in pyproject.toml, overridden by the environment."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, str] = {}
    root = repo_root()
    path = pyproject or (root / "pyproject.toml" if root else None)
    if path is not None and Path(path).is_file():
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        values = {k.replace("-", "_"): str(v) for k, v in
                  table.get("tool", {}).get("backchannels", {}).get("site", {}).items()}
    for name in ("repository", "branch", "jupyterhub_url", "binderhub_url"):
        env = environ.get(f"BACKCHANNELS_SITE_{name.upper()}")
        if env is not None and env.strip():
            values[name] = env.strip()
    known = {k: v for k, v in values.items() if k in SiteSettings.__dataclass_fields__}
    settings = SiteSettings(**known)
    if settings.live and urlparse(settings.repository).scheme not in ("http", "https"):
        raise ValueError(f"The site's repository address {settings.repository!r} must start with "
                         "https:// (for example https://github.com/your-org/back-channels).")
    return settings


def launch_links(settings: SiteSettings, notebook_path: str) -> list[tuple[str, str]]:
    """Return (label, address) pairs that open a notebook (path inside the repository) live."""
    if not settings.live:
        return []
    repo = settings.repository.rstrip("/").removesuffix(".git")
    name = repo.rsplit("/", 1)[-1]
    links = []
    if settings.jupyterhub_url:
        query = urlencode({"repo": repo, "branch": settings.branch, "targetpath": name,
                           "urlpath": f"lab/tree/{name}/{notebook_path}"}, safe="/")
        links.append(("Open on the class JupyterHub",
                      f"{settings.jupyterhub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"))
    if settings.binderhub_url:
        parsed = urlparse(repo)
        if parsed.netloc == "github.com":
            target = f"gh/{parsed.path.strip('/')}/{settings.branch}"
        else:
            target = f"git/{quote(repo, safe='')}/{settings.branch}"
        links.append(("Open on Binder", f"{settings.binderhub_url.rstrip('/')}/v2/{target}"
                                        f"?urlpath={quote(f'lab/tree/{notebook_path}', safe='')}"))
    return links


# ---------------------------------------------------------------------------------------- lessons
@dataclass(frozen=True)
class SiteLesson:
    """One lesson of the site: its row of lessons.csv (or its notebook's heading) and its notebook."""

    number: str
    title: str
    minutes: int | None
    guiding_question: str
    path: Path

    @property
    def page(self) -> str:
        """Return the page's name (the notebook's stem), e.g. '02_why_back_channels'."""
        return self.path.stem


def _heading(path: Path) -> str:
    """Return a notebook's first '# ' heading, or its file name."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def find_lessons(folder: Path | None = None, table: Path | None = None) -> list[SiteLesson]:
    """Return the lessons in teaching order: lessons.csv rows matched to notebooks by their number."""
    folder = Path(folder or notebooks_dir() or "notebooks")
    table = Path(table or data_dir() / "lessons.csv")
    notebooks = {p.name[:2]: p for p in sorted(folder.glob(LESSON_GLOB)) if ".ipynb_checkpoints" not in p.parts}
    lessons: list[SiteLesson] = []
    with open(table, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            number = str(row.get("number", "")).strip().zfill(2)
            path = notebooks.pop(number, None)
            if path is None:
                print(f"site: lessons.csv lists lesson {number} but notebooks/ has no {number}_*.ipynb; "
                      "it is left out.", file=sys.stderr)
                continue
            minutes = row.get("minutes", "").strip()
            lessons.append(SiteLesson(number, row.get("title", "").strip() or _heading(path),
                                      int(minutes) if minutes.isdigit() else None,
                                      row.get("guiding_question", "").strip(), path))
    for number, path in sorted(notebooks.items()):  # a notebook not (yet) in lessons.csv still gets a page
        lessons.append(SiteLesson(number, _heading(path), None, "", path))
    return sorted(lessons, key=lambda lesson: lesson.number)


def execute(path: Path, timeout: int = EXECUTE_TIMEOUT_S) -> NotebookNode:
    """Run a lesson top to bottom in a fresh kernel (its folder as working directory) and return it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    # The kernel's own console chatter ("running over TCP without encryption") is not for readers of
    # the build log; errors in cells still arrive through the notebook and stop the build.
    try:
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as error:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()  # the traceback comes coloured
        summary = text.splitlines()[-1] if text else type(error).__name__
        raise RuntimeError(f"{path.name} did not run to the end: {summary}. Run it in JupyterLab "
                           "(make lab) to see the failing cell.") from None
    return notebook


def execute_all(paths: list[Path], jobs: int = 2) -> list[NotebookNode]:
    """Execute every lesson once (``jobs`` kernels at a time) with a throw-away progress folder."""
    import tempfile

    saved = {k: os.environ.get(k) for k in ("BACKCHANNELS_USER_DIR", "NBGRADER_EXECUTION", "PYTHONPATH")}
    with tempfile.TemporaryDirectory(prefix="bc-site-user-") as scratch:
        # Kernels inherit this environment: nobody's own answers are shown or changed, the quiz
        # calls give their static form (the site renders its own), and the package is importable.
        os.environ["BACKCHANNELS_USER_DIR"] = scratch
        os.environ["NBGRADER_EXECUTION"] = "site"
        entries = [str(PACKAGE_DIR.parent)] + [p for p in (saved["PYTHONPATH"] or "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(entries))
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                return list(pool.map(execute, paths))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


# ---------------------------------------------------------------------------------------- glossary
@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    term: str
    definition: str
    see_also: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def anchor(self) -> str:
        """Return the term's id on the glossary page."""
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


def load_glossary(path: Path | None = None) -> list[Term]:
    """Return the glossary terms of data/glossary.csv in alphabetical order."""
    path = Path(path or data_dir() / "glossary.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    split = lambda text: tuple(t.strip() for t in (text or "").split(";") if t.strip())  # noqa: E731
    terms = [Term(r["term"].strip(), r.get("definition", "").strip(), split(r.get("see_also")),
                  split(r.get("sources")), (r.get("notes") or "").strip()) for r in rows if r.get("term")]
    return sorted(terms, key=lambda t: t.term.casefold())


_PROTECTED = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|<a\b.*?</a>|<[^>\n]+>|"
    r"!?\[[^\]\n]*\]\([^)\n]*\)|^#{1,6} [^\n]*$|https?://\S+",
    re.DOTALL | re.MULTILINE)


def link_terms(markdown: str, terms: Iterable[Term], done: set[str], href: str = GLOSSARY_PAGE) -> str:
    """Link the first use of each glossary term not in ``done`` to its entry (code, links, maths, headings skipped)."""
    store: list[str] = []

    def keep(match: re.Match[str]) -> str:
        """Swap a protected span for a placeholder."""
        store.append(match.group(0))
        return f"\x00{len(store) - 1}\x00"

    text = _PROTECTED.sub(keep, markdown)
    for term in sorted(terms, key=lambda t: len(t.term), reverse=True):
        pattern = re.compile(rf"(?<![\w\-])({re.escape(term.term)}s?)(?![\w\-])", re.IGNORECASE)
        match = pattern.search(text) if term.term not in done else None
        if match is not None:
            store.append(f'<a class="bc-gloss" href="{href}#{term.anchor}" '
                         f'title="Glossary: {html.escape(term.term, quote=True)}">{match.group(1)}</a>')
            text = text[:match.start()] + f"\x00{len(store) - 1}\x00" + text[match.end():]
            done.add(term.term)
        # Every other use of a longer term is kept whole, so 'channel' never links inside 'back channel'.
        text = pattern.sub(keep, text)
    while "\x00" in text:
        text = re.sub(r"\x00(\d+)\x00", lambda m: store[int(m.group(1))], text)
    return text


# ---------------------------------------------------------------------------------------- lessons
def _is_instructor(cell: NotebookNode) -> bool:
    """Return True for instructor notes (tag ``instructor`` or slide type notes)."""
    meta = cell.get("metadata", {})
    return INSTRUCTOR_TAG in meta.get("tags", []) or meta.get("slideshow", {}).get("slide_type") == "notes"


def _html_output(text: str) -> NotebookNode:
    """Return a display_data output holding HTML."""
    return nbformat.v4.new_output("display_data", data={"text/html": text})


def _scrollable(fragment: str) -> str:
    """Wrap an HTML output holding a table in a focusable box that scrolls sideways on its own."""
    if "<table" not in fragment:
        return fragment
    return (f'<div class="bc-scroll" tabindex="0" role="region" aria-label="Table (scrolls sideways '
            f'on a narrow screen)">{fragment}</div>')


def _clean_outputs(cell: NotebookNode) -> None:
    """Keep the static parts of outputs (no widget views, no bare widget reprs, no errors' noise)."""
    kept = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            continue
        data = output.get("data")
        if data is not None:
            data.pop(WIDGET_VIEW, None)
            if not data or set(data) == {"text/plain"} and re.match(r"^\w+\(children=", data["text/plain"]):
                continue
            if "text/html" in data:
                data["text/html"] = _scrollable(link_citations(data["text/html"]))
        kept.append(output)
    cell.outputs = kept


def live_href(settings: SiteSettings, lesson: SiteLesson, root: Path | None) -> tuple[str, str]:
    """Return (address, words) of where this lesson runs live: its first launch link, or the landing page's how-to."""
    links = launch_links(settings, _repo_path(lesson, root))
    if links:
        return links[0][1], f"{links[0][0]}: lesson {lesson.number}, live"
    return RUN_LIVE, "How to run the lessons live"


def _repo_path(lesson: SiteLesson, root: Path | None) -> str:
    """Return the notebook's path inside the repository (for launch links)."""
    try:
        return lesson.path.resolve().relative_to(Path(root).resolve()).as_posix() if root else lesson.path.name
    except ValueError:
        return f"notebooks/{lesson.path.name}"


def prepare_lesson(executed: NotebookNode, lesson: SiteLesson, settings: SiteSettings,
                   terms: list[Term], root: Path | None = None) -> tuple[NotebookNode, list[str]]:
    """Return the lesson ready for the site, and the bibliography keys it cites."""
    href, words = live_href(settings, lesson, root)
    notebook = with_tool_stills(executed, href, words)
    notebook.metadata.pop("widgets", None)
    cells, keys, done = [], [], set()
    for cell in notebook.cells:
        if _is_instructor(cell):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            keys += cited_keys(cell.source)
            text = link_author_year(link_citations(cell.source))
            cell.source = link_terms(text, terms, done)
        elif cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", [])) | {"remove-input"}
            cell.metadata["tags"] = sorted(tags)
            self_check = self_check_for_source(cell.source)
            if self_check is not None:
                cell.outputs = [_html_output(self_check or SCORE_NOTE)]
            for output in cell.get("outputs", []):
                if "data" in output and "text/html" in output["data"]:
                    keys += cited_keys(output["data"]["text/html"])
            _clean_outputs(cell)
        cells.append(cell)
    links = launch_links(settings, _repo_path(lesson, root))
    if links:
        buttons = "".join(f'<a href="{html.escape(u, quote=True)}">{html.escape(t)}</a>' for t, u in links)
        launch = nbformat.v4.new_markdown_cell(
            f'<div class="bc-launch"><span>Run this lesson live:</span>{buttons}</div>')
        first = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                      and c.source.lstrip().startswith("# ")), -1)
        cells.insert(first + 1, launch)
    keys = list(dict.fromkeys(keys))
    if keys:
        cells.append(nbformat.v4.new_markdown_cell(
            "## References\n\nSources cited in this lesson; the [course bibliography](bibliography.md) "
            f"lists them all.\n\n```{{raw}} html\n{bibliography_html(keys, anchors=False)}\n```\n"))
    notebook.cells = cells
    return notebook, keys


# ---------------------------------------------------------------------------------------- pages
def _readme_intro(root: Path | None) -> str:
    """Return the README's opening paragraph (what the course is), or a short fallback."""
    if root is not None and (root / "README.md").is_file():
        text = (root / "README.md").read_text(encoding="utf-8")
        body = text.split("\n## ", 1)[0].split("\n", 1)[-1].strip()
        if body:
            return body
    return "An open teaching module about **back-channel diplomacy**."


def landing_page(lessons: list[SiteLesson], settings: SiteSettings, root: Path | None) -> str:
    """Return the landing page (MyST): what, who for, the lesson map, how to run it live."""
    rows = []
    for lesson in lessons:
        minutes = str(lesson.minutes) if lesson.minutes is not None else "–"
        rows.append(f"<tr><td>{lesson.number}</td><td><a href=\"{lesson.page}.html\">{html.escape(lesson.title)}"
                    f"</a></td><td>{minutes}</td><td>{html.escape(lesson.guiding_question)}</td></tr>")
    total = sum(lesson.minutes or 0 for lesson in lessons)
    table = ('<div class="bc-scroll" tabindex="0" role="region" aria-label="Lesson map">'
             '<table class="bc-lesson-map table"><caption>Lesson map: the lessons in teaching order</caption>'
             '<thead><tr><th scope="col">#</th><th scope="col">Lesson</th><th scope="col">Minutes</th>'
             f'<th scope="col">Guiding question</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    live = launch_links(settings, _repo_path(lessons[0], root)) if lessons else []
    repository = (f"[the repository]({settings.repository})" if settings.live else "the repository")
    buttons = ("\n\nOr open the first lesson straight away: "
               + " · ".join(f'<a href="{html.escape(u, quote=True)}">{html.escape(t)}</a>' for t, u in live)
               + "\n") if live else ""
    hosted = ("each lesson page has buttons at the top that open it there." if live else
              "use the link your lecturer gives you. (A site published with the repository's address "
              "has buttons on each lesson page that open it there.)")
    toc = "\n".join([*(lesson.page for lesson in lessons), "glossary", "bibliography"])
    return f"""# Back Channels

{_readme_intro(root)}

## Who it is for

{WHO_FOR}

## The lessons

```{{raw}} html
{table}
```

About {total // 60} h {total % 60} min of study in all, exercises included. Each lesson has
exercises right after the section they check: answer them in your head or on paper, then open
**Answer and explanation**. The [glossary](glossary.md) explains the terms, and the
[bibliography](bibliography.md) lists every source.

(run-it-live)=
## Run it live

This site is the lessons as a book. The interactive tools (the model explorer, the case browser,
the legality analyser) appear here as still pictures; to move their controls and get instant
feedback on the exercises, run the lessons live:

- **On your own computer** (Python 3.11 or newer): download {repository} and run `make lab` in
  its folder; JupyterLab opens the first lesson. `make app` gives the same lessons as a clean app
  without code.
- **On a class JupyterHub or Binder**: {hosted}{buttons}

```{{toctree}}
:hidden:
:maxdepth: 1

{toc}
```
"""


def _cite_known(keys: Iterable[str]) -> str:
    """Return '(Author Year; ...)' links for the keys the bibliography has; unknown keys as plain text."""
    from backchannels.references import load_references

    refs = load_references()
    known = [k for k in keys if k in refs]
    unknown = [html.escape(k) for k in keys if k not in refs]
    return " ".join(([cite_html(known)] if known else []) + unknown)


def glossary_page(terms: list[Term]) -> str:
    """Return the glossary page (MyST with one raw HTML definition list)."""
    names = {t.term.casefold(): t for t in terms}
    items = []
    for term in terms:
        see = [names.get(s.casefold()) for s in term.see_also]
        see_html = ", ".join(f'<a href="#{t.anchor}">{html.escape(t.term)}</a>' if t else html.escape(s)
                             for t, s in zip(see, term.see_also))
        parts = [f"<p>{link_author_year(html.escape(term.definition, quote=False))}</p>"]
        if term.notes:
            parts.append(f"<p><em>Note:</em> {link_author_year(html.escape(term.notes, quote=False))}</p>")
        if see_html:
            parts.append(f"<p>See also: {see_html}.</p>")
        if term.sources:
            parts.append(f"<p>Sources: {_cite_known(term.sources)}</p>")
        items.append(f'<dt id="{term.anchor}">{html.escape(term.term)}</dt><dd>{"".join(parts)}</dd>')
    return ("# Glossary\n\nThe terms the lessons use, in alphabetical order. In a lesson, the first use of a "
            "term links here.\n\n```{raw} html\n"
            f'<dl class="bc-glossary">{"".join(items)}</dl>\n```\n')


def bibliography_page(by_lesson: dict[str, list[str]], lessons: list[SiteLesson]) -> str:
    """Return the course bibliography page: every entry of references.bib, with the lessons citing it."""
    cited_in: dict[str, list[str]] = {}
    for lesson in lessons:
        for key in by_lesson.get(lesson.page, []):
            cited_in.setdefault(key, []).append(
                f'<a href="{lesson.page}.html#references">{html.escape(lesson.number)}</a>')
    notes = {k: f" <span class='bc-cited-in'>Cited in lesson {', '.join(v)}.</span>" for k, v in cited_in.items()}
    return ("# Bibliography\n\nEvery source of the course, from `data/references.bib`: author, year, title, "
            "where it was published and a link with the date it was checked. Citations in the lessons, "
            "shown as (Author Year), link to these entries; each entry names the lessons that cite it. "
            "Sources that only the data tables cite have no lesson.\n\n```{raw} html\n"
            f"{bibliography_html(notes=notes)}\n```\n")


CONF_TEMPLATE = '''# Generated by backchannels.website; edit the builder, not this file.
project = "Back Channels"
author = "Back Channels contributors"
copyright = "Back Channels contributors; text CC BY 4.0, code MIT"
language = "en"
extensions = ["myst_nb"]
master_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
nb_execution_mode = "off"
nb_output_stderr = "remove"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing", "mystnb.unknown_mime_type", "misc.highlighting_failure"]
html_theme = "sphinx_book_theme"
html_title = "Back Channels"
html_static_path = {static!r}
html_css_files = ["backchannels.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {{
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": {repo_button!r},
    "repository_url": {repository!r},
    "repository_branch": {branch!r},
    "search_bar_text": "Search the course...",
    "navigation_with_keys": False,
}}
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {{"tex": {{"inlineMath": [["\\\\(", "\\\\)"]], "displayMath": [["\\\\[", "\\\\]"]]}}}}
'''


@dataclass
class BuildResult:
    """What a build made and how long its steps took."""

    out: Path
    pages: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build_site(out: Path | None = None, notebooks: Path | None = None, settings: SiteSettings | None = None,
               jobs: int = 2, quiet: bool = True) -> BuildResult:
    """Execute the lessons once and build the static site into ``out`` (default ``_build/site``)."""
    from sphinx.cmd.build import build_main

    root = repo_root()
    base = root if root is not None else Path.cwd()
    out = Path(out or base / "_build" / "site").resolve()
    settings = settings or read_settings()
    lessons = find_lessons(notebooks)
    if not lessons:
        raise ValueError("No lessons to build: notebooks/ holds no NN_*.ipynb listed in data/lessons.csv.")
    result = BuildResult(out)
    started = time.perf_counter()
    executed = execute_all([lesson.path for lesson in lessons], jobs)
    result.seconds["execute"] = time.perf_counter() - started

    source = out.parent / (out.name + "-src")
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    terms = load_glossary()
    by_lesson: dict[str, list[str]] = {}
    for lesson, notebook in zip(lessons, executed):
        prepared, keys = prepare_lesson(notebook, lesson, settings, terms, root)
        by_lesson[lesson.page] = keys
        nbformat.write(prepared, source / f"{lesson.page}.ipynb")
    (source / "index.md").write_text(landing_page(lessons, settings, root), encoding="utf-8")
    (source / "glossary.md").write_text(glossary_page(terms), encoding="utf-8")
    (source / "bibliography.md").write_text(bibliography_page(by_lesson, lessons), encoding="utf-8")
    static = [str(SITE_ASSETS), str(mathjax_dir().parent)]
    (source / "conf.py").write_text(CONF_TEMPLATE.format(
        static=static, repo_button=settings.live, repository=settings.repository,
        branch=settings.branch), encoding="utf-8")
    started = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    args = ["-b", "html", "-E", "-d", str(source / ".doctrees"), str(source), str(out)]
    code = build_main((["-q"] if quiet else []) + args)
    result.seconds["sphinx"] = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"Sphinx failed (exit {code}); run `python -m backchannels.website -v` to see why.")
    (out / ".nojekyll").write_text("", encoding="utf-8")  # GitHub Pages: serve _static/ as it is
    result.pages = sorted(out.glob("*.html"))
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m backchannels.website [--out DIR] [--notebooks DIR] [-v]."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.website", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: _build/site)")
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of NN_*.ipynb lessons")
    parser.add_argument("--jobs", type=int, default=2, help="lessons executed at the same time (default 2)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Sphinx's output")
    args = parser.parse_args(argv)
    try:
        result = build_site(args.out, args.notebooks, jobs=args.jobs, quiet=not args.verbose)
    except (ValueError, RuntimeError, FileNotFoundError) as error:
        print(f"site: {error}", file=sys.stderr)
        return 1
    took = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    print(f"Course website: {result.out / 'index.html'} ({len(result.pages)} pages; {took}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
