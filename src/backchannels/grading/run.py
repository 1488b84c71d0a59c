"""Grade a folder of submissions: parallel nbgrader workers, each student's kernel confined.

Each worker is a real ``nbgrader autograde`` on its own throw-away copy of the course and of the
gradebook; the copies are merged at the end. Student code runs in the sandbox of ``confine``;
answers are compared outside it (``answers``); a cell that kills the kernel costs only its
question (``preprocessors.ResilientExecute``). The submitted files are only read.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from backchannels.grading import confine
from backchannels.grading.check import Submission, find_submissions, write_grading_copy
from backchannels.grading.generate import (
    _course_copy,
    _nbgrader,
    answer_key,
    course_dir,
    prepared_gradebook,
)
from backchannels.grading.merge import _merge


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here; the message says how to install or enable it."""


def checksums(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under ``folder`` (to prove grading left it untouched)."""
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _worker(root: Path, subs: list[Submission], progress: Any, extra: list[str],
            feedback: bool = True, env: dict[str, str] | None = None) -> None:
    """Autograde (and make feedback for) some students in their own course copy and gradebook."""
    for sub in subs:
        write_grading_copy(sub, root / "submitted" / sub.student / sub.assignment)
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
        _nbgrader(["autograde", assignment, *extra], root, log, while_running=report_graded,
                  env=env)
        _failure_reasons(log, start, [s for s in subs if s.assignment == assignment])
        report_graded()
    progress(len(subs) - reported)  # submissions nbgrader gave up on are done too
    if feedback:
        _nbgrader(["generate_feedback", "*", "--force"], root, log, env=env)


def _sandbox_env(root: Path, worker: int, hide: list[Path]) -> tuple[dict[str, str], list[str]]:
    """Return the environment and nbgrader options that make a worker's kernels confined."""
    from backchannels.grading.generate import tool_env
    from backchannels.paths import data_dir

    jupyter = root / "jupyter"
    confine.write_kernelspec(jupyter)
    runtime = root / "runtime"
    scratch = root / "scratch"
    for folder in (runtime, scratch):
        folder.mkdir(parents=True, exist_ok=True)
    env = tool_env()
    env.update({"JUPYTER_PATH": str(jupyter), "JUPYTER_RUNTIME_DIR": str(runtime),
                confine.ENV_PREFIX + "SCRATCH": str(scratch),
                confine.ENV_PREFIX + "UID": str(confine.sandbox_uid(worker)),
                confine.ENV_PREFIX + "DATA": str(data_dir()),
                confine.ENV_PREFIX + "HIDE": os.pathsep.join(str(p) for p in hide)})
    options = [f"--Execute.kernel_name={confine.KERNEL_NAME}", "--KernelManager.transport=ipc",
               f"--KernelManager.ip={runtime / 'kernel'}"]
    return env, options


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


def _run_problems(nb_path: Path) -> list[str]:
    """Describe what went wrong while a graded notebook ran (timeouts, crashes, huge output)."""
    from backchannels.grading.check import _text

    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if isinstance(c, dict)]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return [f"the graded copy {nb_path.name} could not be read back"]
    problems = []
    for cell in cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "a cell")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") in ("CellTimeoutError",
                                                                          "KeyboardInterrupt"):
                problems.append(f"{gid} ran longer than the time limit and was stopped "
                                "(an endless loop?)")
            if out.get("output_type") == "error" and out.get("ename") == "KernelUnresponsive":
                problems.append("the Python kernel stopped answering after a cell ran out of time "
                                "(something in the notebook broke it), so the cells after it were not "
                                "run: check the notebook runs top to bottom")
            if out.get("output_type") == "error" and out.get("ename") == "KernelDied":
                problems.append(f"{gid} stopped the Python kernel (os._exit, a crash or too much "
                                "memory) and was skipped; the other questions were graded")
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
          feedback: bool = True, unconfined: bool = False) -> Path:
    """Grade ``submissions/<student>/<assignment>/`` with nbgrader; return the grades CSV path.

    Student code runs confined (see ``confine``) unless ``unconfined``; SandboxUnavailable says
    how to install or enable the sandbox when it cannot start.
    """
    course = (course or course_dir()).resolve()
    out = (out or course).resolve()
    submissions = Path(submissions).resolve()
    if not unconfined:
        problem = confine.sandbox_problem()
        if problem:
            raise SandboxUnavailable(confine.INSTALL_HELP.format(why=problem))
    subs = find_submissions(submissions, course)
    gradable = [s for s in subs if s.gradable]
    jobs = max(1, jobs or default_jobs(len(gradable)))
    with tempfile.TemporaryDirectory(prefix="bc-grade-") as tmp:
        os.chmod(tmp, 0o711)  # confined kernels (their own user id) reach their scratch folder
        # This run's own copy: `make assignments` (or another run's generate) may replace the
        # cached gradebook meanwhile, and the merge must start from the one the workers copied.
        master = Path(tmp) / "prepared-gradebook.db"
        shutil.copy2(prepared_gradebook(course), master)
        key = answer_key(course)
        students = sorted({s.student for s in gradable})
        groups = [students[i::jobs] for i in range(min(jobs, len(students)))] or []
        hide = [course, submissions, out, Path(tmp)]  # the home folder is never bound at all
        workers = []
        for i, group in enumerate(groups):
            root = _course_copy(course, Path(tmp) / f"worker{i}")
            shutil.copy2(master, root / "gradebook.db")
            extra = [f"--ResilientExecute.timeout={timeout}"] if timeout else []
            extra.append(f"--CompareAnswers.key_file={key}")
            env = None
            if not unconfined:
                env, options = _sandbox_env(root, i, hide)
                extra += options
            workers.append((root, [s for s in gradable if s.student in set(group)], extra, env))
        bar = _progress(len(gradable), f"grading ({jobs} job{'s' * (jobs > 1)})", quiet)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(workers)) + 1) as pool:
            futures = [pool.submit(_worker, root, group, bar.update, extra, feedback, env)
                       for root, group, extra, env in workers]
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
        _merge(master, [r / "gradebook.db" for r, *_ in workers], final_db)
        for kind in ("autograded", "feedback"):
            for root, *_ in workers:
                if (root / kind).is_dir():
                    shutil.copytree(root / kind, out / kind, dirs_exist_ok=True)
    rows, qrows = [], []
    with Gradebook(f"sqlite:///{final_db}") as gb:
        for sub in subs:
            row: dict[str, Any] = {"student_id": sub.student, "student_folder": sub.folder_name,
                                   "assignment": sub.assignment,
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
                sub.problems.append(f"nbgrader could not grade this notebook{reason}; scored 0, "
                                    "look at it by hand")
            if unconfined:
                sub.problems.append("graded unconfined (--unconfined): student code was not sandboxed")
            row["problem"] = "; ".join(sub.problems)
            rows.append(row)
    csv = out / "grades.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    pd.DataFrame(qrows, columns=["student_id", "assignment", "grade_id", "score", "max_score",
                                 "auto", "needs_manual_grade"]).to_csv(out / "grades_by_question.csv", index=False)
    return csv
