"""Helpers for tests that edit a course: a private copy of the checkout, and a lesson with an added note."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backchannels.studentdist import repository_files


def copy_checkout(repo: Path, target: Path) -> Path:
    """Copy the repository's files (tracked or new, not ignored) into ``target``; return it."""
    for rel in repository_files(repo):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, target / rel)
    return target


def append_note(notebook: Path, cell_id: str, text: str) -> None:
    """Add a markdown cell to the end of a notebook file, in place (its owner stays the same)."""
    content = json.loads(notebook.read_text(encoding="utf-8"))
    content["cells"].append({"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": [text]})
    notebook.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
