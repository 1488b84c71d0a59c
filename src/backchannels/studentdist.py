"""The student distribution: what students receive, built from the repository without solutions.

The public repository holds the instructor's sources (``exercises/source/`` with solutions and
hidden tests, ``exercises/keys/``, the rubrics). Students get a copy with the lessons, the data,
the package and the student versions of the homework (``exercises/release/``) only:

    python -m backchannels.studentdist build --out _build/student [--git]
    python -m backchannels.studentdist check _build/student

``build --git`` also commits the folder on ``main``, on top of the history it already holds (the
last build, or a clone of the published student repository), ready to push without ``--force`` to
the repository that nbgitpuller and students clone. ``check`` proves the
folder holds no solution, hidden test or instructor-only file, and exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# What students get, as repository paths (folders end with "/").
INCLUDE = (
    "notebooks/",
    "data/",
    "src/",
    "exercises/release/",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "pyproject.toml",
    "environment.yml",
    "Makefile",
    ".gitignore",
)
# Instructor-only paths; never copied even if an INCLUDE entry covers them. `check` refuses them.
INSTRUCTOR_ONLY = (
    "exercises/source/",
    "exercises/keys/",
    "exercises/rubrics/",
    "exercises/submitted/",
    "exercises/autograded/",
    "exercises/feedback/",
    "exercises/nbgrader_config.py",
    "exercises/gradebook.db",
    "exercises/README.md",
    "tests/",
    "bench/",
)
# nbgrader's markers, written split so that this file itself never contains them whole.
_B, _E = "BEGIN", "END"
MARKERS = tuple(f"{edge} {what}" for what in ("SOLUTION", "HIDDEN TESTS", "MARK SCHEME")
                for edge in (_B, _E))
# Short code lines of plain words ("except ValueError:", "return result") occur in any program.
_GENERIC = re.compile(r"[A-Za-z_ .():,]{0,29}")
STUBS = ("YOUR CODE HERE", "YOUR ANSWER HERE", "raise NotImplementedError()")
# Lesson cells with this tag hold instructor notes (plans, expected answers): students' copies drop them.
INSTRUCTOR_TAG = "instructor"
# A solution line shorter than this (after stripping) is too generic to count as a leak ("}", "pass").
MIN_SECRET_CHARS = 16

STUDENT_README = """\
# Back Channels (student copy)

An open teaching module about back-channel diplomacy: lessons as Jupyter notebooks with exercises
that give feedback, a sourced data set, and the homework assignments your instructor hands out.

- **On your course's JupyterHub**: open the link your instructor gives you; it copies this folder
  into your home folder (or updates it) and opens the first lesson. Your answers and progress stay
  in your own home folder.
- **On your own computer** (Linux or macOS with Python 3.11 or newer): `make lab`. With conda
  (also Windows): `conda env create -f environment.yml`, `conda activate backchannels`, then
  `jupyter lab notebooks/00_start_here.ipynb`.

Start with `notebooks/00_start_here.ipynb`. Homework: `exercises/release/<assignment>/`; on a hub
with nbgrader, fetch and submit it from the *Assignments* tab instead.

This copy was generated from the course repository (`make student-dist`); it holds no solutions
and no instructor notes.
Text, questions and data: CC BY 4.0 (LICENSE-CONTENT.md); code: MIT (LICENSE).
"""


def _covered(path: str, prefixes: Iterable[str]) -> bool:
    """Return True when a repository path equals or lies under one of the prefixes."""
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes)


def repository_files(repo: Path) -> list[str]:
    """Return the repository's files (tracked or new, not ignored) as relative POSIX paths."""
    try:
        out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
        return sorted(n for n in set(names) if (repo / n).is_file())
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints", "_build",
                "test-results"}
        found = []
        for root, dirs, files in os.walk(repo):
            dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
            for name in files:
                found.append((Path(root) / name).relative_to(repo).as_posix())
        return sorted(found)


def student_files(repo: Path) -> list[str]:
    """Return the repository paths that go into the student distribution."""
    return [p for p in repository_files(repo)
            if _covered(p, INCLUDE) and not _covered(p, INSTRUCTOR_ONLY)
            and not p.endswith((".pyc", ".log")) and "/.ipynb_checkpoints/" not in p]


def build(repo: Path, out: Path, git: bool = False) -> list[str]:
    """Write the student distribution to ``out`` (replacing it); return the files written.

    With ``git``, a git history already in ``out`` (an earlier build, or a clone of the published
    student repository) is kept and the new build becomes a commit on top of it: students'
    nbgitpuller clones can only merge an update that shares their history.
    """
    repo, out = Path(repo).resolve(), Path(out).resolve()
    if out == repo or repo in out.parents and not _covered(out.relative_to(repo).as_posix() + "/",
                                                           ("_build/", "build/", "dist/")):
        raise ValueError(f"refusing to write the student copy into the repository itself: {out}")
    keep_history = git and (out / ".git").is_dir()
    if out.exists():
        for child in out.iterdir():
            if keep_history and child.name == ".git":
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    files = student_files(repo)
    for rel in files:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / rel, target)
        if _is_lesson(rel):
            _drop_instructor_notes(target)
    (out / "README.md").write_text(STUDENT_README, encoding="utf-8")
    files.append("README.md")
    # Everyone on a hub may read the copy; nothing in it is secret (check() proves it).
    for root, dirs, names in os.walk(out):
        dirs[:] = [d for d in dirs if not (Path(root) == out and d == ".git")]
        for name in dirs:
            os.chmod(Path(root) / name, 0o755)
        for name in names:
            path = Path(root) / name
            os.chmod(path, 0o755 if os.access(path, os.X_OK) else 0o644)
    problems = check(out, repo)
    if problems:
        raise RuntimeError("the student copy failed its check:\n" + "\n".join(problems))
    if git:
        _commit(out)
    return sorted(files)


def _is_lesson(rel: str) -> bool:
    """Return whether a repository path is a lesson notebook."""
    return rel.startswith("notebooks/") and rel.endswith(".ipynb")


def _drop_instructor_notes(path: Path) -> None:
    """Remove the cells tagged ``instructor`` (teaching plans, expected answers) from a lesson copy."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"] = [c for c in notebook["cells"] if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _commit(folder: Path) -> None:
    """Commit everything in ``folder`` on branch ``main``, on top of its history if it has one.

    A first build starts the repository; a later build adds a commit only when something changed.
    """
    env = {**os.environ, "GIT_AUTHOR_NAME": "Back Channels", "GIT_AUTHOR_EMAIL": "course@localhost",
           "GIT_COMMITTER_NAME": "Back Channels", "GIT_COMMITTER_EMAIL": "course@localhost"}

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(folder), *args], env=env, capture_output=True, text=True)

    if not (folder / ".git").is_dir():
        git("init", "--quiet", "--initial-branch=main").check_returncode()
    git("add", "--all").check_returncode()
    has_history = git("rev-parse", "--verify", "--quiet", "HEAD").returncode == 0
    if has_history and git("diff", "--cached", "--quiet").returncode == 0:
        return  # nothing changed since the last build
    git("commit", "--quiet", "-m", "Student copy of Back Channels (no solutions)").check_returncode()


def head_commit(folder: Path) -> str | None:
    """Return the short id of the student copy's last commit, or None when it is not a repository."""
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _notebook_lines(path: Path) -> list[tuple[dict, list[str]]]:
    """Return each cell of a notebook as (nbgrader metadata, source lines)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        cells.append((cell.get("metadata", {}).get("nbgrader", {}), text.splitlines()))
    return cells


def secret_lines(repo: Path) -> set[str]:
    """Return the solution and hidden-test lines of the instructor's homework (stripped).

    Lines inside nbgrader's solution, hidden-test and mark-scheme regions of ``exercises/source``
    and every line of ``exercises/keys``, less lines that also appear in a notebook's public parts
    (prompts, visible tests) and lines too short to identify anything.
    """
    secret: set[str] = set()
    public: set[str] = set()
    exercises = Path(repo) / "exercises"
    for nb in sorted((exercises / "source").rglob("*.ipynb")) + sorted((exercises / "release").rglob("*.ipynb")):
        instructor = "source" in nb.relative_to(exercises).parts[:1]
        for meta, lines in _notebook_lines(nb):
            if instructor and meta.get("solution") and not any(m in "\n".join(lines) for m in MARKERS):
                secret.update(line.strip() for line in lines)  # a whole-cell answer (written memo)
                continue
            inside = False
            for line in lines:
                stripped = line.strip()
                if any(m in stripped for m in MARKERS):
                    inside = stripped.lstrip("#= ").startswith(_B)
                    continue
                (secret if inside else public).add(stripped)
    keys = exercises / "keys"
    if keys.is_dir():
        for path in sorted(p for p in keys.rglob("*") if p.is_file()):
            if path.suffix == ".ipynb":
                lines = [ln for _m, cell in _notebook_lines(path) for ln in cell]
            else:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            secret.update(ln.strip() for ln in lines if not ln.strip().startswith("#"))
    return {s for s in secret - public if len(s) >= MIN_SECRET_CHARS and s not in STUBS
            and not _GENERIC.fullmatch(s)}


def check(folder: Path, repo: Path | None = None) -> list[str]:
    """Return every way ``folder`` leaks instructor material (empty list: safe to hand out).

    Looks for instructor-only paths, nbgrader markers in any notebook, solution cells that hold
    more than the stub, and (given the repository) any solution or hidden-test line of the
    instructor's sources in any file.
    """
    folder = Path(folder)
    problems: list[str] = []
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts)
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if _covered(rel, INSTRUCTOR_ONLY) or path.name in ("gradebook.db", "nbgrader_config.py"):
            problems.append(f"{rel}: instructor-only file")
    secrets = secret_lines(repo) if repo is not None else set()
    for path in files:
        rel = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # images, fonts: cannot hold a solution line
        if path.suffix == ".ipynb" and _is_lesson(rel):
            tagged = [n for n, c in enumerate(json.loads(text).get("cells", []), start=1)
                      if INSTRUCTOR_TAG in c.get("metadata", {}).get("tags", [])]
            if tagged:
                problems.append(f"{rel}: cell {tagged[0]} holds instructor notes (expected answers)")
        if path.suffix == ".ipynb":
            for number, (meta, lines) in enumerate(_notebook_lines(path), start=1):
                body = "\n".join(lines)
                for marker in MARKERS:
                    if marker in body:
                        problems.append(f"{rel}: cell {number} holds nbgrader's '{marker}' marker")
                if meta.get("solution") and meta.get("grade_id"):
                    extra = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")
                             and ln.strip() not in STUBS]
                    if extra:
                        problems.append(f"{rel}: answer cell {meta['grade_id']} holds more than the "
                                        f"stub: {extra[0].strip()[:60]!r}")
        for secret in secrets:
            forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
            if any(form in text for form in forms):
                problems.append(f"{rel}: holds a line of an instructor solution or hidden test: "
                                f"{secret[:60]!r}")
                break
    return problems


def main(argv: list[str] | None = None) -> int:
    """Build or check a student distribution from the command line."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.studentdist", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="write the student copy (default: _build/student)")
    b.add_argument("--repo", type=Path, default=Path.cwd())
    b.add_argument("--out", type=Path, default=None)
    b.add_argument("--git", action="store_true", help="commit the copy as a git repository (branch main)")
    c = sub.add_parser("check", help="exit 1 if a folder holds solutions or instructor-only files")
    c.add_argument("folder", type=Path)
    c.add_argument("--repo", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    if not (repo / "exercises").is_dir():
        print(f"{repo} is not the course repository (no exercises/ folder); pass --repo.", file=sys.stderr)
        return 2
    if args.command == "build":
        out = args.out or repo / "_build" / "student"
        try:
            files = build(repo, out, git=args.git)
        except (ValueError, RuntimeError) as error:
            print(error, file=sys.stderr)
            return 1
        where = f" (git repository, branch main, commit {head_commit(out)})" if args.git else ""
        print(f"Student copy: {len(files)} files in {out}{where}")
        return 0
    problems = check(args.folder, repo)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s): do not hand this folder out.", file=sys.stderr)
        return 1
    print(f"{args.folder}: no solutions, hidden tests or instructor-only files.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
