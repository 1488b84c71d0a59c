"""The glossary as reading aids: a key-terms box at the top of each lesson and a rendered glossary page.

Both are generated from ``data/glossary.csv``; ``python -m backchannels.course --write`` refreshes them
and a test fails when a lesson's box or the page has drifted from the data.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from backchannels.paths import data_dir

TERMS_START = "<!-- key-terms:start -->"
TERMS_END = "<!-- key-terms:end -->"
PAGE = "glossary.md"


def load_glossary(path: Path | None = None) -> dict[str, str]:
    """Return {term: definition} from data/glossary.csv, in file order."""
    path = path or data_dir() / "glossary.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["term"]: row["definition"] for row in csv.DictReader(handle)}


def key_terms_markdown(terms: list[str], glossary: dict[str, str] | None = None) -> str:
    """Return the key-terms box for a lesson; raise ValueError naming a term the glossary lacks."""
    glossary = glossary if glossary is not None else load_glossary()
    missing = [t for t in terms if t not in glossary]
    if missing:
        raise ValueError(f"Key terms not in data/glossary.csv: {', '.join(missing)}. Add them to the glossary first.")
    lines = ["> **Key terms in this lesson** (all terms: [glossary](glossary.md))", ">"]
    lines += [f"> - **{t}**: {glossary[t]}" for t in terms]
    return "\n".join(lines)


def glossary_page(glossary: dict[str, str] | None = None) -> str:
    """Return the rendered glossary page (Markdown), terms in alphabetical order."""
    glossary = glossary if glossary is not None else load_glossary()
    lines = ["# Glossary", "",
             "Every term the lessons use, generated from `data/glossary.csv` (edit the CSV, then run "
             "`python -m backchannels.course --write`). Each entry's sources are in the CSV.", ""]
    for term in sorted(glossary, key=str.lower):
        lines += [f"**{term}**", f": {glossary[term]}", ""]
    return "\n".join(lines)


def expected_box(source: str, terms: list[str]) -> str:
    """Return a cell's text with the key-terms block regenerated between its markers."""
    start, end = source.index(TERMS_START) + len(TERMS_START), source.index(TERMS_END)
    return source[:start] + "\n" + key_terms_markdown(terms) + "\n" + source[end:]


def key_terms_cell(notebook: dict) -> tuple[dict, list[str]] | None:
    """Return the notebook's key-terms cell and its terms, or None when it has none."""
    for cell in notebook["cells"]:
        terms = cell.get("metadata", {}).get("backchannels", {}).get("key_terms")
        if terms is not None:
            return cell, terms
    return None


def term_pattern(term: str) -> re.Pattern[str]:
    """Return a case-insensitive whole-word pattern for a term and its plural."""
    return re.compile(r"(?<![\w-])" + re.escape(term) + r"(s|es)?(?![\w-])", re.IGNORECASE)
