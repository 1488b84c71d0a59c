"""Thin wrappers over nbgrader: make the student versions, grade a folder in parallel, report.

Entry point: ``python -m backchannels.grading {generate,grade,report} ...``. Every step runs the
real nbgrader (``generate_assignment``, ``autograde``, ``generate_feedback``) in a throw-away copy
of the course folder, so neither the instructor sources nor the submitted files are ever written.
Grading runs student code: run it in a container or a hub account, never as yourself.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
MAX_FILE_BYTES = 50_000_000
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_.@-]+$")


def course_dir() -> Path:
    """Return the checkout's ``exercises/`` folder (the nbgrader course root)."""
    return Path(__file__).resolve().parents[2] / "exercises"


# ----------------------------------------------------------------------------------------------
# running nbgrader


def tool_env() -> dict[str, str]:
    """Return an environment in which subprocesses find nbgrader, alembic and this package first."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    src = str(Path(__file__).resolve().parents[1])
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
              while_running: Any = None) -> int:
    """Run one nbgrader command on the course copy at ``root``; return its exit code.

    ``while_running`` is called about twice a second until the command ends (progress).
    """
    with open(log or os.devnull, "a") as out:
        process = subprocess.Popen(_nbgrader_command(args, root), cwd=root, env=tool_env(),
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
    with tempfile.TemporaryDirectory(prefix="bc-prepare-") as tmp:
        root = _course_copy(course, Path(tmp) / "course")
        log = Path(tmp) / "generate.log"
        if _nbgrader(["generate_assignment", "*", "--force"], root, log):
            raise RuntimeError("nbgrader generate_assignment failed:\n" + log.read_text()[-3000:])
        _store_gradebook(course, root / "gradebook.db")
    return cached


# ----------------------------------------------------------------------------------------------
# grading


@dataclass
class Submission:
    """One student's folder for one assignment, with what the pre-check found."""

    student: str
    assignment: str
    path: Path
    problems: list[str] = field(default_factory=list)
    gradable: bool = True
    failure: str = ""


def _source_cells(course: Path, assignment: str) -> dict[str, dict[str, Any]]:
    """Return {notebook name: {grade_id: cell}} of an assignment's instructor version."""
    out: dict[str, dict[str, Any]] = {}
    for nb_path in sorted((course / "source" / assignment).glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        out[nb_path.stem] = {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
                             if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    return out


def _text(source: Any) -> str:
    """Return a cell source as one string."""
    return "".join(source) if isinstance(source, list) else str(source)


def check_submission(course: Path, sub: Submission) -> Submission:
    """Look for problems nbgrader would crash on or hide, without changing the files."""
    if not _STUDENT_ID.match(sub.student):
        sub.problems.append("the student folder name has characters nbgrader cannot use")
        sub.gradable = False
        return sub
    for name, cells in _source_cells(course, sub.assignment).items():
        path = sub.path / f"{name}.ipynb"
        if not path.is_file():
            others = sorted(p.name for p in sub.path.glob("*.ipynb"))
            found = f" (found: {', '.join(others)}; rename it)" if others else ""
            sub.problems.append(f"the notebook {name}.ipynb is missing from the submission{found}")
            sub.gradable = False
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            sub.problems.append(f"{name}.ipynb is larger than {MAX_FILE_BYTES // 1_000_000} MB "
                                "and was not graded")
            sub.gradable = False
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            student_cells = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c
                             for c in nb["cells"]}
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            sub.problems.append(f"{name}.ipynb is not a readable notebook (broken JSON)")
            sub.gradable = False
            continue
        missing = sorted(gid for gid, c in cells.items()
                         if c["metadata"]["nbgrader"].get("solution")
                         or c["metadata"]["nbgrader"].get("grade")
                         if gid not in student_cells)
        if missing:
            sub.problems.append("cells were deleted: " + ", ".join(missing)
                                + " (their questions score 0)")
        edited = sorted(gid for gid, c in cells.items()
                        if c["metadata"]["nbgrader"].get("grade")
                        and not c["metadata"]["nbgrader"].get("solution")
                        and gid in student_cells
                        and HIDDEN_BEGIN not in _text(c["source"])
                        and _text(student_cells[gid].get("source")) != _text(c["source"]))
        edited += sorted(gid for gid, c in cells.items()
                         if HIDDEN_BEGIN in _text(c["source"]) and gid in student_cells
                         and _text(student_cells[gid].get("source")).split("\n")[0]
                         != _text(c["source"]).split("\n")[0])
        if edited:
            sub.problems.append("test cells were edited: " + ", ".join(sorted(set(edited)))
                                + " (the original tests were restored for grading)")
    return sub


def find_submissions(folder: Path, course: Path | None = None) -> list[Submission]:
    """List ``folder/<student>/<assignment>/`` pairs, and flag students who sent nothing usable."""
    course = course or course_dir()
    known = set(assignments(course))
    subs: list[Submission] = []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        found = [a for a in sorted(known) if (student_dir / a).is_dir()]
        if not found:
            sub = Submission(student_dir.name, "", student_dir, gradable=False)
            sub.problems.append("no assignment folder found (expected one of "
                                + ", ".join(sorted(known)) + ")")
            subs.append(sub)
        for a in found:
            subs.append(check_submission(course, Submission(student_dir.name, a, student_dir / a)))
    return subs


def checksums(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under ``folder`` (to prove grading left it untouched)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _worker(root: Path, subs: list[Submission], progress: Any, extra: list[str],
            feedback: bool = True) -> None:
    """Autograde (and make feedback for) some students in their own course copy and gradebook."""
    for sub in subs:
        dest = root / "submitted" / sub.student / sub.assignment
        shutil.copytree(sub.path, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    log = root / "nbgrader.log"
    reported = 0

    def report_graded() -> None:
        """Move the progress bar by the submissions nbgrader has finished since the last call."""
        nonlocal reported
        graded = sum(1 for s in subs if (root / "autograded" / s.student / s.assignment).is_dir())
        if graded > reported:
            progress(graded - reported)
            reported = graded

    for assignment in sorted({s.assignment for s in subs}):
        # One real `nbgrader autograde` per assignment; nbgrader goes on past a failing student.
        start = log.stat().st_size if log.exists() else 0
        _nbgrader(["autograde", assignment, *extra], root, log, while_running=report_graded)
        _failure_reasons(log, start, [s for s in subs if s.assignment == assignment])
        report_graded()
    progress(len(subs) - reported)  # submissions nbgrader gave up on are done too
    if feedback:
        _nbgrader(["generate_feedback", "*", "--force"], root, log)


def _failure_reasons(log: Path, start: int, subs: list[Submission]) -> None:
    """Attach the last error line nbgrader logged for each submission it could not grade."""
    if not log.exists():
        return
    with open(log, encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        text = fh.read()
    for block in text.split("There was an error processing assignment: ")[1:]:
        head, _, rest = block.partition("\n")
        parts = Path(head.strip()).parts
        rest = rest.split("Removing failed assignment")[0]
        errors = re.findall(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception)\b:?.*)$", rest,
                            re.MULTILINE)
        for sub in subs:
            if parts[-2:] == (sub.student, sub.assignment) and errors:
                sub.failure = errors[-1].strip()[:200]


def _merge(master: Path, workers: list[Path], out: Path) -> None:
    """Merge the workers' gradebooks into ``out``; rows are keyed by nbgrader's unique ids."""
    shutil.copy2(master, out)
    con = sqlite3.connect(out)
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'")]
    before = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    expected = dict(before)
    for i, db in enumerate(workers):
        con.execute(f"ATTACH DATABASE ? AS w{i}", (str(db),))
        for t in tables:
            added = con.execute(f'SELECT COUNT(*) FROM w{i}."{t}"').fetchone()[0] - before[t]
            expected[t] += added
            con.execute(f'INSERT OR IGNORE INTO "{t}" SELECT * FROM w{i}."{t}"')
        con.commit()
        con.execute(f"DETACH DATABASE w{i}")
    after = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    con.close()
    if after != expected:
        raise RuntimeError(f"gradebook merge lost or doubled rows: {after} != {expected}")


def _run_problems(nb_path: Path) -> list[str]:
    """Describe what went wrong while a graded notebook ran (timeouts, huge output)."""
    problems = []
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "a cell")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") in ("CellTimeoutError",
                                                                          "KeyboardInterrupt"):
                problems.append(f"{gid} ran longer than the time limit and was stopped "
                                "(an endless loop?)")
            text = _text(out.get("text", ""))
            if "Output truncated" in text:
                problems.append(f"{gid} printed a huge output, which was cut")
    return sorted(set(problems))


class _Bar:
    """A minimal text progress bar, used when tqdm is not installed."""

    def __init__(self, total: int, desc: str, unit: str, disable: bool) -> None:
        self.total, self.desc, self.n, self.disable = total, desc, 0, disable

    def update(self, k: int = 1) -> None:
        """Advance by ``k`` and redraw."""
        self.n += k
        if not self.disable:
            print(f"\r{self.desc}: {self.n}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        """End the line."""
        if not self.disable:
            print(file=sys.stderr)


def _progress(total: int, desc: str, quiet: bool) -> Any:
    """Return a tqdm progress bar, or a plain one without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _Bar(total, desc, "notebook", quiet)
    return tqdm(total=total, desc=desc, unit="notebook", disable=quiet)


def __getattr__(name: str) -> Any:
    """Give the nbgrader preprocessors under their older names (backchannels.grading.X)."""
    if name in ("HideHiddenTests", "CapOutputSize"):
        from backchannels import nbgrader_plugins

        return getattr(nbgrader_plugins, name)
    raise AttributeError(name)


# Each worker is a whole nbgrader process whose start (~2-3 s of CPU) it pays alone; below this many
# submissions per worker the extra worker's start costs more than its idle time saves (measured:
# 10 submissions on 2 cores, 2 workers 14-16 s, 3 workers 18 s).
SUBMISSIONS_PER_EXTRA_WORKER = 8


def default_jobs(submissions: int | None = None) -> int:
    """Return one worker per core, plus one when there is enough work: a worker idles on kernel start-ups."""
    cores = os.cpu_count() or 1
    if submissions is not None and submissions < SUBMISSIONS_PER_EXTRA_WORKER * (cores + 1):
        return max(1, min(cores, submissions))
    return cores + 1


def _import_for_results() -> None:
    """Import the libraries that read the gradebook and write the CSV."""
    import nbgrader.api  # noqa: F401
    import pandas  # noqa: F401


def grade(submissions: Path, out: Path | None = None, jobs: int | None = None,
          course: Path | None = None, quiet: bool = False, timeout: int | None = None,
          feedback: bool = True) -> Path:
    """Grade ``submissions/<student>/<assignment>/`` with nbgrader; return the grades CSV path."""
    course = course or course_dir()
    out = out or course
    submissions = Path(submissions).resolve()
    subs = find_submissions(submissions, course)
    gradable = [s for s in subs if s.gradable]
    jobs = max(1, jobs or default_jobs(len(gradable)))
    with tempfile.TemporaryDirectory(prefix="bc-grade-") as tmp:
        master = prepared_gradebook(course)
        students = sorted({s.student for s in gradable})
        groups = [students[i::jobs] for i in range(min(jobs, len(students)))] or []
        roots = []
        for i, group in enumerate(groups):
            root = _course_copy(course, Path(tmp) / f"worker{i}")
            shutil.copy2(master, root / "gradebook.db")
            roots.append((root, [s for s in gradable if s.student in set(group)]))
        extra = [f"--Execute.timeout={timeout}"] if timeout else []
        bar = _progress(len(gradable), f"grading ({jobs} job{'s' * (jobs > 1)})", quiet)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(roots)) + 1) as pool:
            futures = [pool.submit(_worker, root, group, bar.update, extra, feedback)
                       for root, group in roots]
            # What the merge and the CSV need loads meanwhile (~2 s), not after the workers.
            pool.submit(_import_for_results)
            for f in futures:
                f.result()
        bar.close()
        import pandas as pd
        from nbgrader.api import Gradebook

        out.mkdir(parents=True, exist_ok=True)
        final_db = out / "gradebook.db"
        if final_db.exists():
            final_db.rename(out / f"gradebook.db.bak-{time.strftime('%Y%m%d-%H%M%S')}")
        _merge(master, [r / "gradebook.db" for r, _ in roots], final_db)
        for kind in ("autograded", "feedback"):
            for root, _ in roots:
                if (root / kind).is_dir():
                    shutil.copytree(root / kind, out / kind, dirs_exist_ok=True)
    rows, qrows = [], []
    with Gradebook(f"sqlite:///{final_db}") as gb:
        for sub in subs:
            row: dict[str, Any] = {"student_id": sub.student, "assignment": sub.assignment,
                                   "score": 0.0, "max_score": 0.0, "auto_score": 0.0,
                                   "needs_manual_grade": False}
            if sub.assignment:
                row["max_score"] = gb.find_assignment(sub.assignment).max_score
            graded = out / "autograded" / sub.student / sub.assignment
            try:
                sa = gb.find_submission(sub.assignment, sub.student) if sub.gradable else None
            except Exception:  # noqa: BLE001 (nbgrader raises MissingEntry)
                sa = None
            if sa is not None and graded.is_dir():
                row.update(score=sa.score, auto_score=sum(g.auto_score or 0 for nb in sa.notebooks
                                                          for g in nb.grades),
                           needs_manual_grade=bool(sa.needs_manual_grade))
                for nb in sa.notebooks:
                    for g in nb.grades:
                        qrows.append({"student_id": sub.student, "assignment": sub.assignment,
                                      "grade_id": g.name, "score": g.score,
                                      "max_score": g.max_score, "auto": g.cell_type == "code",
                                      "needs_manual_grade": bool(g.needs_manual_grade)})
                for nb_path in sorted(graded.glob("*.ipynb")):
                    sub.problems += _run_problems(nb_path)
            elif sub.gradable:
                reason = f" ({sub.failure})" if sub.failure else ""
                sub.problems.append(f"nbgrader could not finish this notebook{reason}: usually "
                                    "the kernel died because a cell exits Python or uses too "
                                    "much memory; scored 0, look at it by hand")
            row["problem"] = "; ".join(sub.problems)
            rows.append(row)
    csv = out / "grades.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    pd.DataFrame(qrows, columns=["student_id", "assignment", "grade_id", "score", "max_score",
                                 "auto", "needs_manual_grade"]).to_csv(out / "grades_by_question.csv", index=False)
    return csv


# ----------------------------------------------------------------------------------------------
# class report


def objectives(course: Path | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """Return {(assignment, grade_id): (question id, objective text)} from the sources."""
    course = course or course_dir()
    found = {}
    for a in assignments(course):
        for nb_path in (course / "source" / a).glob("*.ipynb"):
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            objs = nb["metadata"].get("backchannels", {}).get("objectives", {})
            for cell in nb["cells"]:
                meta = cell["metadata"]
                if meta.get("nbgrader", {}).get("grade"):
                    bc = meta.get("backchannels", {})
                    key = bc.get("objective", "")
                    found[(a, meta["nbgrader"]["grade_id"])] = (
                        bc.get("question", meta["nbgrader"]["grade_id"]),
                        f"{key} {objs.get(key, '')}".strip())
    return found


def report(graded: Path | None = None, out: Path | None = None,
           course: Path | None = None) -> Path:
    """Write report.md, report.html and PNG figures from grades.csv; return report.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    course = course or course_dir()
    graded = graded or course
    out = out or graded / "report"
    out.mkdir(parents=True, exist_ok=True)
    grades = pd.read_csv(graded / "grades.csv")
    questions = pd.read_csv(graded / "grades_by_question.csv")
    grades = grades[grades["assignment"].notna()]
    lines = ["# Class report", "",
             (f"{grades['student_id'].nunique()} students, {len(grades)} submissions. "
             "Scores are points out of the maximum; 'right' = full marks on the question."), ""]
    lines += ["## Scores per assignment", "",
              "| assignment | submissions | mean % | median % | lowest % | highest % | with a problem |",
              "|---|---|---|---|---|---|---|"]
    figures = []
    for a, g in grades.groupby("assignment"):
        pct = 100 * g["score"] / g["max_score"].where(g["max_score"] > 0)
        lines.append(f"| {a} | {len(g)} | {pct.mean():.0f} | {pct.median():.0f} | {pct.min():.0f} "
                     f"| {pct.max():.0f} | {int(g['problem'].notna().sum())} |")
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.hist(pct.dropna(), bins=range(0, 110, 10), color="#3b6ea5", edgecolor="white")
        ax.set(title=f"{a}: score distribution", xlabel="score (% of maximum)",
               ylabel="students")
        fig.tight_layout()
        fig.savefig(out / f"{a}_scores.png", dpi=100)
        plt.close(fig)
        figures.append(f"![Histogram of {a} scores]({a}_scores.png)")
    lines += ["", "Manually graded answers count as 0 until they are graded in formgrader.", ""]
    lines += [line for fig in figures for line in (fig, "")]
    objs = objectives(course)
    lines += ["## Share of the class with each question right", "",
              "| assignment | question | objective | right | graded |", "|---|---|---|---|---|"]
    if "needs_manual_grade" in questions:
        waiting = questions[questions["needs_manual_grade"].astype(bool)]
        questions = questions[~questions["needs_manual_grade"].astype(bool)]
        if len(waiting):
            lines.insert(-2, f"{len(waiting)} manually graded answers still await grading and are "
                             "left out of this table.\n")
    if len(questions):
        questions["right"] = questions["score"] >= questions["max_score"]
        share = questions.groupby(["assignment", "grade_id"]).agg(
            right=("right", "mean"), graded=("right", "size")).reset_index()
        for _, r in share.iterrows():
            qid, obj = objs.get((r["assignment"], r["grade_id"]), (r["grade_id"], ""))
            lines.append(f"| {r['assignment']} | {qid} | {obj} | {100 * r['right']:.0f}% "
                         f"| {r['graded']} |")
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(share) + 1.2))
        labels = []
        for a, g in zip(share["assignment"], share["grade_id"]):
            qid, obj = objs.get((a, g), (g, ""))
            labels.append(f"{qid} ({obj.split()[0]})" if obj else qid)
        ax.barh(labels[::-1], 100 * share["right"][::-1], color="#5a9e6f")
        ax.set(title="Share of the class with full marks, per question", xlabel="% of students",
               xlim=(0, 100))
        fig.tight_layout()
        fig.savefig(out / "questions.png", dpi=100)
        plt.close(fig)
        lines += ["", "![Bar chart of the share of students with each question right](questions.png)"]
    problems = grades[grades["problem"].notna()]
    if len(problems):
        lines += ["", "## Submissions with a problem", "", "| student | assignment | problem |",
                  "|---|---|---|"]
        lines += [f"| {r.student_id} | {r.assignment} | {r.problem} |" for r in problems.itertuples()]
    md = out / "report.md"
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "report.html").write_text(_md_to_html("\n".join(lines)), encoding="utf-8")
    return md


def _md_to_html(text: str) -> str:
    """Turn the report's small Markdown subset (headings, tables, images) into HTML."""
    import html

    body, in_table = [], False
    for line in text.split("\n"):
        if line.startswith("|") and not set(line) <= set("|-"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            tag = "th" if not in_table else "td"
            body.append(("<table>" if not in_table else "") + "<tr>"
                        + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            in_table = True
            continue
        if line.startswith("|"):
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif m := re.match(r"!\[(.*)\]\((.*)\)", line):
            body.append(f'<img src="{html.escape(m[2])}" alt="{html.escape(m[1])}">')
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "td,th{border:1px solid #ccc;padding:.2em .5em}table{border-collapse:collapse}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Class report"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>")


# ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Command line: generate, grade or report."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.grading", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="regenerate the student versions in exercises/release")
    g.add_argument("--release", type=Path, default=None)
    gr = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<assignment>/*.ipynb")
    gr.add_argument("submissions", type=Path)
    gr.add_argument("--jobs", type=int, default=None,
                    help="worker processes (default: one per core, one more for larger classes; "
                         "1 = plain sequential)")
    gr.add_argument("--out", type=Path, default=None, help="default: exercises/")
    gr.add_argument("--no-feedback", action="store_true",
                    help="grades only: skip the feedback pages (faster)")
    r = sub.add_parser("report", help="class report from grades.csv")
    r.add_argument("--graded", type=Path, default=None, help="folder with grades.csv")
    r.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "generate":
        print(generate(release=args.release))
    elif args.command == "grade":
        print(grade(args.submissions, out=args.out, jobs=args.jobs, feedback=not args.no_feedback))
    else:
        print(report(graded=args.graded, out=args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
