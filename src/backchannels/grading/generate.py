"""The course folder, nbgrader runs, the student versions, the prepared gradebook and the answer key."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from backchannels.grading.answers import MIME


def course_dir() -> Path:
    """Return the checkout's ``exercises/`` folder (the nbgrader course root)."""
    return Path(__file__).resolve().parents[3] / "exercises"


# ----------------------------------------------------------------------------------------------
# running nbgrader


def tool_env() -> dict[str, str]:
    """Return an environment in which subprocesses find nbgrader, alembic and this package first."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    src = str(Path(__file__).resolve().parents[2])
    for name, first in (("PATH", bindir), ("PYTHONPATH", src)):
        rest = [p for p in env.get(name, "").split(os.pathsep) if p and p != first]
        env[name] = os.pathsep.join([first, *rest])
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _nbgrader_command(args: list[str], root: Path) -> list[str]:
    """Return the command line of one nbgrader command on the course copy at ``root``."""
    return [sys.executable, "-m", "nbgrader", *args,
            f"--NbGrader.config_file={root / 'nbgrader_config.py'}",
            f"--CourseDirectory.root={root}",
            f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}"]


def _nbgrader(args: list[str], root: Path, log: Path | None = None,
              while_running: Any = None, env: dict[str, str] | None = None) -> int:
    """Run one nbgrader command on the course copy at ``root``; return its exit code.

    ``while_running`` is called about twice a second until the command ends (progress).
    """
    with open(log or os.devnull, "a") as out:
        process = subprocess.Popen(_nbgrader_command(args, root), cwd=root, env=env or tool_env(),
                                   stdout=out, stderr=subprocess.STDOUT)
        while True:
            try:
                return process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if while_running is not None:
                    while_running()


def _course_copy(course: Path, dest: Path) -> Path:
    """Copy the config and the instructor sources of ``course`` into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(course / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(course / "source", dest / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def assignments(course: Path | None = None) -> list[str]:
    """Return the assignment names found in ``source/``."""
    course = course or course_dir()
    return sorted(p.name for p in (course / "source").iterdir() if p.is_dir())


def generate(course: Path | None = None, release: Path | None = None) -> Path:
    """Regenerate the student versions with nbgrader into ``release`` (default: course/release)."""
    course = course or course_dir()
    release = release or course / "release"
    with tempfile.TemporaryDirectory(prefix="bc-generate-") as tmp:
        root = _course_copy(course, Path(tmp) / "course")
        log = Path(tmp) / "generate.log"
        code = _nbgrader(["generate_assignment", "*", "--force"], root, log)
        if code != 0:
            raise RuntimeError("nbgrader generate_assignment failed:\n" + log.read_text()[-3000:])
        if release.exists():
            shutil.rmtree(release)
        shutil.copytree(root / "release", release)
        _store_gradebook(course, root / "gradebook.db")
    return release


def _gradebook_key(course: Path) -> str:
    """Return a digest of what generate_assignment's gradebook depends on: sources, config, nbgrader."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"nbgrader {version('nbgrader')}\n".encode())
    digest.update((course / "nbgrader_config.py").read_bytes())
    for path in sorted((course / "source").rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(course)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def _cached_gradebook(course: Path) -> Path:
    """Return where the prepared gradebook of the course's current sources is cached."""
    from backchannels.paths import user_cache_dir

    return user_cache_dir() / "gradebooks" / f"{_gradebook_key(course)}.db"


def _store_gradebook(course: Path, gradebook: Path) -> None:
    """Keep a freshly generated gradebook for the next grading run (atomic: runs may overlap)."""
    cached = _cached_gradebook(course)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".tmp{os.getpid()}")
    shutil.copy2(gradebook, partial)
    os.replace(partial, cached)


@contextmanager
def _building(cached: Path) -> Iterator[None]:
    """Let one process at a time build a cache entry; the others wait, then find it made."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock; the atomic replace still keeps the entry whole
        yield
        return
    with open(cached.with_suffix(cached.suffix + ".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def prepared_gradebook(course: Path | None = None) -> Path:
    """Return a gradebook that knows every assignment of the course, as generate_assignment makes it.

    nbgrader expects the instructor to run generate_assignment once, before collecting work; this
    keeps that gradebook in the user's cache, keyed by the sources, the config and the nbgrader
    version, so a change to any of them makes a new one.
    """
    course = course or course_dir()
    cached = _cached_gradebook(course)
    if cached.is_file():
        return cached
    with _building(cached), tempfile.TemporaryDirectory(prefix="bc-prepare-") as tmp:
        if cached.is_file():  # another grading run made it while this one waited
            return cached
        root = _course_copy(course, Path(tmp) / "course")
        log = Path(tmp) / "generate.log"
        if _nbgrader(["generate_assignment", "*", "--force"], root, log):
            raise RuntimeError("nbgrader generate_assignment failed:\n" + log.read_text()[-3000:])
        _store_gradebook(course, root / "gradebook.db")
    return cached


def _cached_key(course: Path) -> Path:
    """Return where the answer key of the course's current sources is cached."""
    return _cached_gradebook(course).with_suffix(".key.json")


def build_key(course: Path) -> dict[str, Any]:
    """Run the instructor's solutions once and record what each test cell submits.

    Returns {assignment: {notebook: {test grade_id: {question, answer, how}}}}. The comparison
    rule ``how`` comes from the test cell's ``backchannels.compare`` metadata (default ``auto``).
    Raises ValueError when an autograded test cell records no answer.
    """
    import nbformat
    from nbclient import NotebookClient

    key: dict[str, Any] = {}
    problems = []
    for assignment in assignments(course):
        for nb_path in sorted((course / "source" / assignment).glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            with tempfile.TemporaryDirectory(prefix="bc-key-") as tmp:
                NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                               resources={"metadata": {"path": tmp}}).execute()
            entries = {}
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                    continue
                recorded = [o["data"][MIME] for o in cell.get("outputs", [])
                            if o.get("output_type") in ("display_data", "execute_result")
                            and MIME in o.get("data", {})]
                errors = [f"{o['ename']}: {o['evalue']}" for o in cell.get("outputs", [])
                          if o.get("output_type") == "error"]
                if len(recorded) != 1 or errors:
                    problems.append(f"{nb_path.name}, test cell {meta['grade_id']}: "
                                    + (errors[0] if errors else
                                       f"records {len(recorded)} answers; it must call "
                                       "submit(question, answer) exactly once"))
                    continue
                entries[meta["grade_id"]] = {
                    "question": recorded[0]["question"], "answer": recorded[0]["answer"],
                    "how": cell.metadata.get("backchannels", {}).get("compare", "auto")}
            key.setdefault(assignment, {})[nb_path.stem] = entries
    if problems:
        raise ValueError("the instructor's solutions do not produce an answer key:\n  "
                         + "\n  ".join(problems))
    return key


def answer_key(course: Path | None = None) -> Path:
    """Return the cached answer key of the course (built from the solutions when they change)."""
    course = course or course_dir()
    cached = _cached_key(course)
    if not cached.is_file():
        with _building(cached):
            if not cached.is_file():  # another grading run may have made it while this one waited
                partial = cached.with_suffix(f".tmp{os.getpid()}")
                partial.write_text(json.dumps(build_key(course), indent=1), encoding="utf-8")
                os.replace(partial, cached)
    return cached
