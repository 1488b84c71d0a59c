"""Slide layout for the lecture hall: one exercise per slide, no near-empty lead-in slides.

The lessons' slide metadata is written for reading as well as projecting. Before a lesson becomes
a deck (the live lecture in Voila and the offline decks) :func:`lecture_layout` adjusts it:

- every exercise (``show_question`` / ``show_quiz``) starts a slide of its own, so questions never
  pile up as fragments on one slide and run off its bottom;
- an interactive tool (case browser, model explorer, legality analyser, argument builder) shows
  together with the paragraph that introduces it instead of as a later fragment below it;
- a short lead-in alone on a slide ("**Check yourself.**") joins the slide that follows it;
- a markdown cell holding two sections ("## Key points" then "## Further reading") becomes two
  slides, and a long list (further reading) continues on a next slide instead of shrinking to an
  unreadable size.

The notebooks themselves are never changed; the adjustment runs as an nbconvert preprocessor
named in the deck templates' ``conf.json``.
"""

from __future__ import annotations

import copy
import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

QUESTION_CALLS = ("show_question(", "show_quiz(")
TOOL_CALLS = ("case_browser(", "model_explorer(", "show_legality_analyser(", "show_argument_builder(")
# A lead-in is "short" when its text, without markdown marks, is at most this many characters.
LEAD_IN_MAX_CHARS = 80
# A markdown cell longer than this is split between list items (about what fits a 1280x720 slide).
SLIDE_MAX_CHARS = 1100
STARTS = ("slide", "subslide")


def slide_type(cell: NotebookNode) -> str:
    """Return a cell's slide type ("-" when none is set)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") or "-"


def _set_type(cell: NotebookNode, kind: str) -> None:
    """Set a cell's slide type."""
    cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind


def _calls(cell: NotebookNode, names: tuple[str, ...]) -> bool:
    """Return True when a code cell's first statement calls one of the names."""
    if cell.get("cell_type") != "code":
        return False
    first = cell.get("source", "").strip().splitlines()[:1]
    return bool(first) and first[0].lstrip().startswith(names)


def _plain(markdown: str) -> str:
    """Return markdown without emphasis marks and extra white space."""
    return " ".join(re.sub(r"[*_`>#]", "", markdown).split())


def _is_short_lead_in(cell: NotebookNode) -> bool:
    """Return True for a markdown cell that is only a short lead-in sentence (no heading, no list)."""
    if cell.get("cell_type") != "markdown":
        return False
    source = cell.get("source", "").strip()
    if not source or source.startswith("#") or "\n\n" in source or source.lstrip().startswith(("-", "*  ")):
        return False
    return len(_plain(source)) <= LEAD_IN_MAX_CHARS


def _split_sections(notebook: NotebookNode) -> None:
    """Split markdown cells at every second-level heading after the first line; each part a slide."""
    cells = []
    for cell in notebook.cells:
        if cell.get("cell_type") != "markdown" or slide_type(cell) in ("notes", "skip"):
            cells.append(cell)
            continue
        parts = re.split(r"(?m)^(?=## )", cell.get("source", ""))
        parts = [p for p in parts if p.strip()]
        cells.append(cell)
        if len(parts) > 1:
            cell["source"] = parts[0].rstrip() + "\n"
            for number, part in enumerate(parts[1:], start=1):
                extra = copy.deepcopy(cell)
                extra["source"] = part.rstrip() + "\n"
                extra["id"] = f"{cell.get('id') or 'cell'}-part{number}"
                _set_type(extra, "subslide")
                cells.append(extra)
    notebook.cells = cells


LINE_CHARS = 90  # characters in one line of slide text at the projector type scale


def _cost(text: str) -> int:
    """Return the room a block of list markdown takes, in characters of slide text."""
    return sum(max(len(line), LINE_CHARS) + sum(LINE_CHARS for w in line.split() if len(w) > 40)
               for line in text.splitlines() if line.strip())


def _split_long_list(source: str) -> list[str]:
    """Return a long markdown list cut between items into parts of at most SLIDE_MAX_CHARS."""
    if _cost(source) <= SLIDE_MAX_CHARS:
        return [source]
    lines = source.splitlines()
    heading = lines[0] if lines and lines[0].startswith("#") else ""
    blocks, current = [], []
    for line in lines:
        if line.startswith(("- ", "* ", "1. ")) or re.match(r"^\d+\. ", line) or not line.strip():
            if current:
                blocks.append("\n".join(current))
            current = [line]
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    parts, part = [], ""
    for block in blocks:
        # A list item takes at least a full line on the slide, and a long address a line of its own.
        cost = max(len(block), LINE_CHARS) + sum(LINE_CHARS for word in block.split() if len(word) > 40)
        if part and _cost(part) + cost > SLIDE_MAX_CHARS and block.lstrip().startswith(("- ", "* ")):
            parts.append(part)
            part = (heading + " (continued)\n\n" if heading else "") + block.lstrip("\n")
        else:
            part = f"{part}\n{block}" if part else block
    parts.append(part)
    return parts


def _split_long_cells(notebook: NotebookNode) -> None:
    """Continue a long markdown list on the next slide (see _split_long_list)."""
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.get("cell_type") != "markdown" or slide_type(cell) in ("notes", "skip"):
            continue
        parts = _split_long_list(cell.get("source", ""))
        if len(parts) > 1:
            cell["source"] = parts[0]
            for number, part in enumerate(parts[1:], start=1):
                extra = copy.deepcopy(cell)
                extra["source"] = part
                extra["id"] = f"{cell.get('id') or 'cell'}-more{number}"
                _set_type(extra, "subslide")
                cells.append(extra)
    notebook.cells = cells


def lecture_layout(notebook: NotebookNode) -> NotebookNode:
    """Adjust slide types in place for projection (see the module docstring) and return the notebook."""
    _split_sections(notebook)
    _split_long_cells(notebook)
    shown = [c for c in notebook.cells if slide_type(c) not in ("notes", "skip")]
    for cell in shown:
        if _calls(cell, QUESTION_CALLS) and slide_type(cell) in ("fragment", "-"):
            _set_type(cell, "subslide")
        elif _calls(cell, TOOL_CALLS) and slide_type(cell) == "fragment":
            _set_type(cell, "-")
    for cell, following in zip(shown, shown[1:]):
        if slide_type(cell) in STARTS and _is_short_lead_in(cell) and slide_type(following) in (
                "subslide", "fragment"):
            _set_type(following, "-")
    return notebook


class LectureLayoutPreprocessor(Preprocessor):
    """nbconvert preprocessor that applies :func:`lecture_layout` to a copy being rendered."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:  # type: ignore[override]
        """Return the notebook with lecture slide types."""
        return lecture_layout(nb), resources


_CODE_KEY = re.compile(r"`([A-Za-z0-9_:\-]+)`")


def cite_keys_in_markdown(notebook: NotebookNode) -> NotebookNode:
    """Replace every `bibkey` written in a markdown cell by its 'Author Year' text, in place."""
    from backchannels.references import load_references
    from backchannels.render.citations import cite_text

    try:
        known = set(load_references())
    except Exception:  # noqa: BLE001 - without a readable bibliography the keys stay as written
        return notebook
    for cell in notebook.cells:
        if cell.get("cell_type") == "markdown":
            cell["source"] = _CODE_KEY.sub(
                lambda m: cite_text(m.group(1)) if m.group(1) in known else m.group(0), cell.get("source", ""))
    return notebook


class CitationTextPreprocessor(Preprocessor):
    """nbconvert preprocessor for the app and the live lecture: `bibkey` in prose reads 'Author Year'."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:  # type: ignore[override]
        """Return the notebook with citation keys written as 'Author Year'."""
        return cite_keys_in_markdown(nb), resources
