"""Find the submissions, check them before grading, and write the cleaned copy that is graded.

The submitted files are only read. What nbgrader would crash on or misgrade is either refused
with a row that says what to fix (a missing, linked, huge or unreadable notebook) or repaired in
the grading copy with a note (an older notebook format, a duplicated answer cell).
"""

from __future__ import annotations

import json
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backchannels.grading.answers import HIDDEN_BEGIN
from backchannels.grading.generate import assignments

MAX_FILE_BYTES = 50_000_000
_SAFE_ID = re.compile(r"^[a-z0-9_.@-]+$")
_LMS_SUFFIX = re.compile(r"\s*\(\d+\)$")


@dataclass
class Submission:
    """One student's folder for one assignment, with what the pre-check found."""

    student: str
    assignment: str
    path: Path
    folder_name: str = ""
    problems: list[str] = field(default_factory=list)
    gradable: bool = True
    failure: str = ""
    notebooks: dict[str, dict[str, Any]] = field(default_factory=dict)


def safe_student_id(name: str) -> str:
    """Return an id nbgrader accepts for a folder name (accents folded, spaces to _, lower case)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^a-z0-9_.@-]+", "_", folded.lower()).strip("_.")
    return safe or "student"


def _text(source: Any) -> str:
    """Return a cell source as one string."""
    return "".join(source) if isinstance(source, list) else str(source)


def _grade_id(cell: Any) -> str | None:
    """Return a cell's nbgrader grade id, or None."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg.get("grade_id") if isinstance(nbg, dict) else None


def _source_cells(course: Path, assignment: str) -> dict[str, dict[str, Any]]:
    """Return {notebook name: {grade_id: cell}} of an assignment's instructor version."""
    out: dict[str, dict[str, Any]] = {}
    for nb_path in sorted((course / "source" / assignment).glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        out[nb_path.stem] = {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
                             if _grade_id(c)}
    return out


def _read_notebook(path: Path, name: str, sub: Submission) -> dict[str, Any] | None:
    """Return the notebook as format-4 JSON, upgrading an older format, or None with a problem."""
    import nbformat

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        sub.problems.append(f"{name}.ipynb is not a readable notebook (not valid JSON: was it "
                            "saved or uploaded completely?)")
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int):
        sub.problems.append(f"{name}.ipynb is JSON but not a notebook (no nbformat version)")
        return None
    if raw["nbformat"] < 4:
        old = raw["nbformat"]
        try:
            raw = json.loads(nbformat.writes(nbformat.reads(json.dumps(raw), as_version=4)))
        except Exception as exc:  # noqa: BLE001 (nbformat raises many kinds)
            sub.problems.append(f"{name}.ipynb is in notebook format {raw['nbformat']}, which "
                                f"could not be upgraded ({type(exc).__name__})")
            return None
        sub.problems.append(f"{name}.ipynb was saved in the old notebook format {old}; it was "
                            "upgraded to format 4 for grading")
    if not isinstance(raw.get("cells"), list):
        sub.problems.append(f"{name}.ipynb is not a readable notebook (it has no list of cells)")
        return None
    return raw


def _drop_duplicates(nb: dict[str, Any], release: dict[str, Any], name: str,
                     sub: Submission) -> None:
    """Keep one copy of each graded cell (the answered one), turn the others into plain cells."""
    seen: dict[str, list[int]] = {}
    for i, cell in enumerate(nb["cells"]):
        gid = _grade_id(cell)
        if gid:
            seen.setdefault(gid, []).append(i)
    for gid, places in seen.items():
        if len(places) < 2:
            continue
        stub = _text(release.get(gid, {}).get("source", ""))
        answered = [i for i in places if _text(nb["cells"][i].get("source", "")) != stub]
        keep = answered[-1] if answered else places[0]
        for i in places:
            if i != keep:
                nb["cells"][i]["metadata"].pop("nbgrader", None)
        sub.problems.append(f"cell {gid} appears {len(places)} times in {name}.ipynb: delete the "
                            "extra copies (graded from the "
                            + ("last answered copy)" if answered else "first copy)"))


def check_submission(course: Path, sub: Submission) -> Submission:
    """Look for problems nbgrader would crash on or hide; keep the cleaned notebooks to grade."""
    release = _source_cells(course, sub.assignment)
    release_dir = course / "release" / sub.assignment
    for name, cells in release.items():
        path = sub.path / f"{name}.ipynb"
        info = path.lstat() if path.is_symlink() or path.exists() else None
        if info is None:
            others = sorted(p.name for p in sub.path.glob("*.ipynb"))
            found = f" (found: {', '.join(others)}; rename it)" if others else ""
            sub.problems.append(f"the notebook {name}.ipynb is missing from the submission{found}")
            sub.gradable = False
            continue
        if stat.S_ISLNK(info.st_mode):
            sub.problems.append(f"{name}.ipynb is a symbolic link, not a file: submit the "
                                "notebook file itself")
            sub.gradable = False
            continue
        if not stat.S_ISREG(info.st_mode):
            sub.problems.append(f"{name}.ipynb is not a regular file: submit the notebook file")
            sub.gradable = False
            continue
        if info.st_size > MAX_FILE_BYTES:
            sub.problems.append(f"{name}.ipynb is larger than {MAX_FILE_BYTES // 1_000_000} MB "
                                "and was not graded")
            sub.gradable = False
            continue
        nb = _read_notebook(path, name, sub)
        if nb is None:
            sub.gradable = False
            continue
        released = {}
        if (release_dir / f"{name}.ipynb").is_file():
            rel = json.loads((release_dir / f"{name}.ipynb").read_text(encoding="utf-8"))
            released = {_grade_id(c): c for c in rel["cells"] if _grade_id(c)}
        _drop_duplicates(nb, released, name, sub)
        student_cells = {_grade_id(c): c for c in nb["cells"] if _grade_id(c)}
        missing = sorted(gid for gid, c in cells.items()
                         if (c["metadata"]["nbgrader"].get("solution")
                             or c["metadata"]["nbgrader"].get("grade"))
                         and gid not in student_cells)
        if missing:
            sub.problems.append("cells were deleted: " + ", ".join(missing)
                                + " (their questions score 0)")
        edited = sorted(gid for gid, c in cells.items()
                        if c["metadata"]["nbgrader"].get("grade")
                        and not c["metadata"]["nbgrader"].get("solution")
                        and gid in student_cells
                        and _text(student_cells[gid].get("source")).split(HIDDEN_BEGIN)[0].strip()
                        != _text(released.get(gid, c).get("source")).split(HIDDEN_BEGIN)[0].strip())
        if edited:
            sub.problems.append("test cells were edited: " + ", ".join(edited)
                                + " (the original tests were restored for grading)")
        sub.notebooks[name] = nb
    return sub


def match_assignment(folder: str, known: list[str]) -> tuple[str | None, str]:
    """Return the assignment a folder name means (letter case, an LMS ' (1)' suffix) and a note."""
    if folder in known:
        return folder, ""
    plain = _LMS_SUFFIX.sub("", folder).strip()
    for name in known:
        if plain.casefold() == name.casefold():
            return name, f"the assignment folder '{folder}' was taken as {name}"
    return None, ""


def find_submissions(folder: Path, course: Path) -> list[Submission]:
    """List ``folder/<student>/<assignment>/`` pairs, and flag students who sent nothing usable."""
    known = assignments(course)
    subs: list[Submission] = []
    used: set[str] = set()
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()):
        student = safe_student_id(student_dir.name)
        while student in used:
            student += "_"
        used.add(student)
        renamed = (f"graded as '{student}' (the folder name '{student_dir.name}' has characters "
                   "nbgrader cannot use)") if student != student_dir.name else ""
        found: dict[str, tuple[Path, str]] = {}
        for sub_dir in sorted(p for p in student_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            name, note = match_assignment(sub_dir.name, known)
            if name and name not in found:
                found[name] = (sub_dir, note)
        if not found:
            sub = Submission(student, "", student_dir, student_dir.name, gradable=False)
            sub.problems.append("no assignment folder found (expected one of "
                                + ", ".join(known) + ")")
            subs.append(sub)
        for name, (path, note) in sorted(found.items()):
            sub = Submission(student, name, path, student_dir.name)
            sub.problems += [n for n in (renamed, note) if n]
            subs.append(check_submission(course, sub))
    return subs


def write_grading_copy(sub: Submission, dest: Path) -> None:
    """Write what is graded: the checked notebooks and the other regular files, never links."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(sub.path.rglob("*")):
        if path.is_symlink() or not path.is_file() or ".ipynb_checkpoints" in path.parts:
            continue
        rel = path.relative_to(sub.path)
        if rel.suffix == ".ipynb" and rel.stem in sub.notebooks and len(rel.parts) == 1:
            continue
        if path.stat().st_size <= MAX_FILE_BYTES:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(path.read_bytes())
    for name, nb in sub.notebooks.items():
        (dest / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
