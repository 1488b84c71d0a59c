"""The module's benchmark: lessons, widgets, kernel memory, grading and setup against their floors.

    python -m backchannels.bench [--only notebooks,widgets,memory,grading,setup] [--repeat N]
                                 [--quick] [--clicks N] [--jobs N] [--no-test-suite] [--out bench/]
    python -m backchannels.bench --summary bench/results.json   # the short table of targets

Every figure is printed with its target and whether it is met, and written to
``bench/results.md`` (a Markdown table) and ``bench/results.json``. A part that cannot run here
(for example grading before the nbgrader course exists) reports "not measured: <reason>"
instead of failing. Runs from a checkout: it needs ``notebooks/`` and ``tests/support/lab.py``.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backchannels.grading import default_jobs, tool_env

PARTS = ("notebooks", "widgets", "memory", "grading", "setup", "hub")
PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}  # the lessons' kernelspec
GRADING_SIZES = (10, 50, 100)
MB = 1_000_000


# ---------------------------------------------------------------- figures, targets, verdicts


@dataclass(frozen=True)
class Target:
    """A goal for a figure: below (or, with at_least, above) a limit, absolute or times the floor."""

    limit: float
    relative: bool = False
    at_least: bool = False

    def threshold(self, floor: float | None) -> float | None:
        """Return the limit in the figure's unit, or None when a relative target has no floor."""
        if not self.relative:
            return self.limit
        return None if floor is None else self.limit * floor

    def describe(self, unit: str) -> str:
        """Return the target as text, e.g. "< 100 ms" or "≤ 1.5× floor"."""
        if self.relative:
            return f"{'≥' if self.at_least else '≤'} {self.limit:g}× floor"
        return f"{'≥' if self.at_least else '<'} {self.limit:g} {unit}".strip()

    def met(self, value: float, floor: float | None) -> bool | None:
        """Return whether the value meets the target (None when it cannot be judged)."""
        limit = self.threshold(floor)
        if limit is None or math.isnan(value):
            return None
        if self.at_least:
            return value >= limit
        return value <= limit if self.relative else value < limit


def percentile(samples: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0-100) with linear interpolation between closest ranks."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Sequence[float]) -> dict[str, float | int]:
    """Return n, median, min, max and p95 of the samples (NaN when there are none)."""
    if not samples:
        return {"n": 0, "median": math.nan, "min": math.nan, "max": math.nan, "p95": math.nan}
    return {"n": len(samples), "median": statistics.median(samples), "min": min(samples),
            "max": max(samples), "p95": percentile(samples, 95)}


@dataclass
class Figure:
    """One measured quantity: its samples, the statistic compared, its floor and its target."""

    part: str
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    statistic: str = "median"
    floor: float | None = None
    target: Target | None = None
    note: str = ""
    not_measured: str | None = None

    def ratio(self) -> float | None:
        """Return the value divided by the floor (None without a floor or samples)."""
        if not self.samples or not self.floor:
            return None
        return self.value / self.floor

    @property
    def value(self) -> float:
        """Return the statistic that is compared with the target."""
        return float(summarize(self.samples)[self.statistic])

    def verdict(self) -> str:
        """Return "met", "NOT met", "no target", "no floor" or "not measured: <reason>"."""
        if self.not_measured is not None:
            return f"not measured: {self.not_measured}"
        if not self.samples:
            return "not measured: no samples"
        if self.target is None:
            return "no target"
        result = self.target.met(self.value, self.floor)
        if result is None:
            return "no floor"
        return "met" if result else "NOT met"

    def to_dict(self) -> dict[str, Any]:
        """Return the figure as JSON-ready data (NaN becomes null)."""
        stats = {k: _clean(v) for k, v in summarize(self.samples).items()}
        return {
            "part": self.part, "name": self.name, "unit": self.unit, "statistic": self.statistic,
            "value": _clean(self.value) if self.samples else None, **stats,
            "samples": [_clean(s) for s in self.samples], "floor": _clean(self.floor),
            "ratio_to_floor": _clean(self.ratio()),
            "target": self.target.describe(self.unit) if self.target else None,
            "threshold": _clean(self.target.threshold(self.floor)) if self.target else None,
            "verdict": self.verdict(), "note": self.note,
        }


def _clean(value: float | None) -> float | int | None:
    """Return the number rounded for reports, or None for missing/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, 4) if isinstance(value, float) else value


def _fmt(value: float | None) -> str:
    """Return a number for the table: 3 significant digits, or an en dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def machine_info() -> dict[str, Any]:
    """Return what bounds the figures: cores, load, Python, platform and time of the run."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (math.nan,) * 3
    return {"when_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "cpus": os.cpu_count(), "load_average_1_5_15": [round(x, 2) for x in load],
            "python": platform.python_version(), "platform": platform.platform()}


def render_markdown(figures: Sequence[Figure], machine: dict[str, Any], options: dict[str, Any]) -> str:
    """Return the results as a Markdown document with one table row per figure."""
    lines = [
        "# Back Channels benchmark results", "",
        (f"Run {machine.get('when_utc', '?')} on {machine.get('cpus', '?')} CPUs, load average "
         f"{machine.get('load_average_1_5_15', '?')}, Python {machine.get('python', '?')} "
         f"({machine.get('platform', '?')}). Options: {json.dumps(options, sort_keys=True)}."), "",
        "| Part | Figure | Statistic | Value | Median | Min | Max | n | Floor | ÷ floor | Target | Verdict | Note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        s = summarize(f.samples)
        cells = [f.part, f.name, f.statistic, f"{_fmt(f.value if f.samples else None)} {f.unit}".strip(),
                 _fmt(s["median"]), _fmt(s["min"]), _fmt(s["max"]), str(s["n"]), _fmt(f.floor),
                 _fmt(f.ratio()),
                 f.target.describe(f.unit) if f.target else "–", f.verdict(), f.note]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)


def render_summary(results: dict[str, Any]) -> str:
    """Return a short Markdown table of the figures that have a target, from a results.json document."""
    lines = ["| Figure | Measured | Floor | Target | Verdict |", "|---|---|---|---|---|"]
    for f in results.get("figures", []):
        if not f.get("target"):
            continue
        unit = f["unit"]
        measured = "–" if f["value"] is None else f"{f['statistic']} {_fmt(f['value'])} {unit}".strip()
        if f.get("n", 0) > 1:
            measured += f" ({_fmt(f['min'])}–{_fmt(f['max'])}, n={f['n']})"
        floor = "–" if f.get("floor") is None else f"{_fmt(f['floor'])} {unit}"
        if f.get("ratio_to_floor") is not None:
            floor += f" (× {_fmt(f['ratio_to_floor'])})"
        name = f"{f['part']}: {f['name']}".replace("|", "\\|")
        lines.append(f"| {name} | {measured} | {floor} | {f['target']} | {f['verdict']} |")
    machine = results.get("machine", {})
    lines += ["", (f"Measured {machine.get('when_utc', '?')} on {machine.get('cpus', '?')} CPUs "
                   f"(load average {machine.get('load_average_1_5_15', '?')}), Python {machine.get('python', '?')}, "
                   f"{machine.get('platform', '?')}.")]
    return "\n".join(lines) + "\n"


def render_json(figures: Sequence[Figure], machine: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Return the results as JSON-ready data."""
    return {"machine": machine, "options": options, "figures": [f.to_dict() for f in figures]}


def write_results(figures: Sequence[Figure], out_dir: Path, machine: dict[str, Any],
                  options: dict[str, Any]) -> tuple[Path, Path]:
    """Write results.md and results.json into out_dir and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / "results.md", out_dir / "results.json"
    md.write_text(render_markdown(figures, machine, options), encoding="utf-8")
    js.write_text(json.dumps(render_json(figures, machine, options), indent=2, ensure_ascii=False) + "\n",
                  encoding="utf-8")
    return md, js


def format_line(figure: Figure) -> str:
    """Return one printed line: figure, value, floor, target and verdict."""
    head = f"[{figure.part}] {figure.name}"
    if not figure.samples:
        return f"{head}: {figure.verdict()}"
    floor = (f", floor {_fmt(figure.floor)} {figure.unit} ({_fmt(figure.ratio())}× floor)"
             if figure.floor is not None else "")
    target = f", target {figure.target.describe(figure.unit)}" if figure.target else ""
    return (f"{head}: {figure.statistic} {_fmt(figure.value)} {figure.unit} "
            f"(min {_fmt(min(figure.samples))}, max {_fmt(max(figure.samples))}, n {len(figure.samples)})"
            f"{floor}{target} -> {figure.verdict()}")


# ---------------------------------------------------------------- notebooks and kernel memory


def is_import_cell(source: str) -> bool:
    """Return True when a code cell holds only import statements (comments and blank lines aside)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return bool(tree.body) and all(isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body)


def import_cells(notebook: Any) -> list[str]:
    """Return the sources of a notebook's code cells that hold only imports, in order."""
    return [cell.source for cell in notebook.cells if cell.cell_type == "code" and is_import_cell(cell.source)]


# Printed by a last cell appended to a run: every module the kernel has loaded by then.
MODULES_CELL = "print(sorted(__import__('sys').modules))"


def floor_notebook(notebook: Any, modules: Iterable[str] = ()) -> Any:
    """Return the lesson's floor: its kernelspec, its import cells, then an import of every other module it loads.

    ``modules`` are the modules the lesson had loaded by its last cell beyond a bare kernel's, so
    a library the lesson imports lazily (inside a function) still counts as the lesson's import,
    not as its work.
    """
    import nbformat

    floor = nbformat.v4.new_notebook(metadata={"kernelspec": notebook.metadata.get(
        "kernelspec", PYTHON3)})
    floor.cells = [nbformat.v4.new_code_cell(source) for source in import_cells(notebook)]
    names = sorted(set(modules))
    if names:
        floor.cells.append(nbformat.v4.new_code_cell(
            "import importlib\n"
            f"for _name in {names!r}:\n"
            "    try:\n"
            "        importlib.import_module(_name)\n"
            "    except Exception:  # a module that only imports as part of its parent\n"
            "        pass"))
    return floor


def with_modules_cell(notebook: Any) -> Any:
    """Return a copy of the notebook with a last cell that prints the loaded modules."""
    import copy

    import nbformat

    probe = copy.deepcopy(notebook)
    probe.cells.append(nbformat.v4.new_code_cell(MODULES_CELL))
    return probe


def printed_modules(notebook: Any) -> set[str]:
    """Return the module names printed by the last cell of an executed `with_modules_cell` notebook."""
    for output in notebook.cells[-1].get("outputs", []):
        if output.get("output_type") == "stream":
            return set(ast.literal_eval(output["text"].strip().splitlines()[-1]))
    raise RuntimeError("the module probe cell printed nothing")


def bare_kernel_modules(cwd: Path, timeout: int = 600) -> set[str]:
    """Return the modules a fresh python3 kernel has loaded before any cell of a lesson runs."""
    import nbformat

    bare = with_modules_cell(nbformat.v4.new_notebook(metadata={"kernelspec": PYTHON3}))
    run_notebook(bare, cwd, timeout)
    return printed_modules(bare)


def lesson_modules(notebook: Any, cwd: Path, bare: set[str], timeout: int = 600) -> set[str]:
    """Run the lesson once (a warm-up) and return the modules it loads beyond the ``bare`` kernel's."""
    lesson = with_modules_cell(notebook)
    run_notebook(lesson, cwd, timeout)
    return {m for m in printed_modules(lesson) - bare if not m.startswith("__")}


def lesson_notebooks(root: Path) -> list[Path]:
    """Return the lessons notebooks/NN_*.ipynb in order."""
    return sorted(p for p in (root / "notebooks").glob("*.ipynb") if re.match(r"\d\d_", p.name))


async def _execute(notebook: Any, cwd: Path, timeout: int) -> tuple[float, int, int]:
    """Run a notebook in a fresh kernel; return (seconds from kernel start to last cell, kernel RSS, USS)."""
    import psutil
    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient

    client = NotebookClient(notebook, timeout=timeout, kernel_name=notebook.metadata.get(
        "kernelspec", {}).get("name", "python3"), resources={"metadata": {"path": str(cwd)}})
    client.reset_execution_trackers()
    start = time.perf_counter()
    async with client.async_setup_kernel():
        assert client.kc is not None and client.km is not None
        await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
        for index, cell in enumerate(client.nb.cells):
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        elapsed = time.perf_counter() - start
        pid = client.km.provisioner.pid  # type: ignore[union-attr]
        memory = psutil.Process(pid).memory_full_info()
    return elapsed, memory.rss, memory.uss


def run_notebook(notebook: Any, cwd: Path, timeout: int = 600) -> tuple[float, int, int]:
    """Run a notebook top to bottom in a fresh kernel; return (seconds, kernel RSS, kernel USS in bytes).

    RSS counts the shared libraries' pages the kernel has mapped, which depends on what the page
    cache holds (a fresh install maps more); USS is the memory only this kernel holds, what each
    further student costs a hub.
    """
    return asyncio.run(_execute(notebook, cwd, timeout))


def bench_notebooks(root: Path, repeat: int, *, times: bool, memory: bool) -> list[Figure]:
    """Time every lesson and its imports-only floor, alternately, after a warm-up; read the kernel's memory after each."""
    import nbformat

    figures: list[Figure] = []
    bare = bare_kernel_modules(root / "notebooks")
    for path in lesson_notebooks(root):
        lesson = nbformat.read(path, as_version=4)
        t_lesson, t_floor, m_lesson, m_floor, u_lesson = [], [], [], [], []
        try:
            modules = lesson_modules(lesson, path.parent, bare)
            floor = floor_notebook(lesson, modules)
            for _ in range(repeat):
                seconds, rss, _ = run_notebook(floor, path.parent)
                t_floor.append(seconds)
                m_floor.append(rss / MB)
                seconds, rss, uss = run_notebook(nbformat.read(path, as_version=4), path.parent)
                t_lesson.append(seconds)
                m_lesson.append(rss / MB)
                u_lesson.append(uss / MB)
        except Exception as error:  # noqa: BLE001 - one broken lesson must not stop the bench
            reason = f"{type(error).__name__}: {str(error).splitlines()[0][:120] if str(error) else ''}"
            if times:
                figures.append(Figure("notebooks", f"{path.name} run time", "s", not_measured=reason))
            if memory:
                figures.append(Figure("memory", f"{path.name} kernel RSS", "MB", not_measured=reason))
            continue
        loaded = f"kernel + the {len(modules)} modules the lesson loads"
        if times:
            figures.append(Figure("notebooks", f"{path.name} imports-only floor", "s", t_floor, note=loaded))
            figures.append(Figure("notebooks", f"{path.name} run time", "s", t_lesson,
                                  floor=statistics.median(t_floor), target=Target(1.5, relative=True),
                                  note="fresh kernel start to last cell"))
        if memory:
            figures.append(Figure("memory", f"{path.name} imports-only floor RSS", "MB", m_floor, note=loaded))
            figures.append(Figure("memory", f"{path.name} kernel RSS", "MB", m_lesson,
                                  floor=statistics.median(m_floor), target=Target(150),
                                  note="kernel process after the last cell"))
            figures.append(Figure("memory", f"{path.name} kernel USS", "MB", u_lesson,
                                  note="memory no other process shares (RSS less shared-library pages)"))
    return figures


def bench_nbval(root: Path, repeat: int) -> Figure:
    """Time `pytest --nbval-lax notebooks/` as a subprocess, as the test suite runs it."""
    command = [sys.executable, "-m", "pytest", "--nbval-lax", "notebooks/", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "--nbval-cell-timeout=180"]
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=tool_env(),
                              check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["?"]
            return Figure("notebooks", "nbval run of notebooks/", "s", not_measured=f"pytest failed: {tail[0]}")
    cpus = os.cpu_count() or 0
    note = "wall time of the pytest subprocess" + ("" if cpus == 2 else f"; target is for 2 cores, this machine has {cpus}")
    return Figure("notebooks", "nbval run of notebooks/", "s", samples, target=Target(30), note=note)


# ---------------------------------------------------------------- widget feedback in the browser

# Runs in the page: click a button and resolve with the ms until the watched element's text
# changes (MutationObserver), so no Python round trip is in the figure.
CLICK_JS = """
([button, watched, selector, timeoutMs]) => new Promise((resolve) => {
  const read = () => { const el = selector ? watched.querySelector(selector) : watched;
                       return el ? el.textContent.trim() : ''; };
  const before = read();
  let start = 0;
  const timer = setTimeout(() => { observer.disconnect(); resolve(-1); }, timeoutMs);
  const observer = new MutationObserver(() => {
    const now = read();
    if (now !== '' && now !== before) {
      const elapsed = performance.now() - start;
      observer.disconnect(); clearTimeout(timer); resolve(elapsed);
    }
  });
  observer.observe(watched, {subtree: true, childList: true, characterData: true, attributes: true});
  start = performance.now();
  button.click();
})
"""

FLOOR_WIDGET = """import ipywidgets as w
radio = w.RadioButtons(options=["Back channel", "Track two", "Open diplomacy"], value=None)
button = w.Button(description="Go")
out = w.Output()
clicks = [0]
def on_click(_):
    clicks[0] += 1
    with out:
        out.clear_output()
        print(f"You chose {radio.value} (click {clicks[0]})")
button.on_click(on_click)
box = w.VBox([radio, button, out])
box.add_class("bc-bench-floor")
box"""


def widget_notebook(bank: Path) -> Any:
    """Return the notebook the widget bench opens: the floor widget, then the quiz of a bank."""
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": PYTHON3})
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_WIDGET),
                nbformat.v4.new_code_cell(f"from backchannels.quiz import show_quiz\nshow_quiz({str(bank)!r}, seed=0)")]
    return nb


def answer_plan(controls: dict[str, list[int]], k: int) -> dict[str, list[int]]:
    """Return a complete, varied answer for try k: radio index per group, checkbox states, select indices, text index.

    ``controls`` gives the sizes: "radio" option counts per group, "checkbox" count, "select" option
    counts per dropdown (index 0 is the empty choice), "text" number of boxes. Selects get a cyclic
    shift so ordering positions form a permutation and matching picks differ.
    """
    plan: dict[str, list[int]] = {}
    plan["radio"] = [(k + g) % n for g, n in enumerate(controls.get("radio", [])) if n]
    boxes = controls.get("checkbox", [0])[0] if controls.get("checkbox") else 0
    if boxes:
        pattern = (k % (2 ** boxes - 1)) + 1  # never all unticked
        plan["checkbox"] = [(pattern >> i) & 1 for i in range(boxes)]
    plan["select"] = [1 + (k + j) % (n - 1) if n > 1 else 0 for j, n in enumerate(controls.get("select", []))]
    plan["text"] = [k % 3 for _ in range(controls.get("text", [0])[0] if controls.get("text") else 0)]
    return plan


TEXT_ANSWERS = ("1962", "Oslo", "1971")


def _apply_answer(question: Any, k: int) -> None:
    """Fill a question's controls through the page, as a student would, with a varied complete answer."""
    groups = question.locator(".widget-radio-box")
    radio_sizes = [groups.nth(g).locator("input[type=radio]").count() for g in range(groups.count())]
    checkboxes = question.locator("input[type=checkbox]")
    selects = question.locator("select")
    select_sizes = [selects.nth(j).locator("option").count() for j in range(selects.count())]
    texts = question.locator("input[type=text], textarea")
    plan = answer_plan({"radio": radio_sizes, "checkbox": [checkboxes.count()], "select": select_sizes,
                        "text": [texts.count()]}, k)
    for g, index in enumerate(plan["radio"]):
        groups.nth(g).locator("label").nth(index).click()
    for i, state in enumerate(plan.get("checkbox", [])):
        box = checkboxes.nth(i)
        if box.is_checked() != bool(state):
            box.click()
    for j, index in enumerate(plan["select"]):
        selects.nth(j).select_option(index=index)
    for t, index in enumerate(plan["text"]):
        texts.nth(t).fill(TEXT_ANSWERS[index])
        texts.nth(t).press("Tab")


def measure_click(page: Any, button: Any, watched: Any, selector: str = "", timeout_ms: int = 10_000) -> float:
    """Click a button inside the page and return ms until the watched text changes (NaN on time-out)."""
    elapsed = page.evaluate(CLICK_JS, [button.element_handle(), watched.element_handle(), selector, timeout_ms])
    return math.nan if elapsed < 0 else float(elapsed)


def quiz_clicks(page: Any, clicks: int, types: Sequence[str],
                skip_types: Iterable[str] = ("reflection",)) -> dict[str, list[float]]:
    """Answer the quiz's questions in turn and time each Check click to its feedback; return ms per type.

    ``types`` gives each displayed question's type, in page order (from the bank).
    """
    questions = page.locator(".bc-question")
    if questions.count() != len(types):
        raise RuntimeError(f"the page shows {questions.count()} questions, the bank has {len(types)}")
    kinds = [(i, kind) for i, kind in enumerate(types) if kind not in set(skip_types)]
    results: dict[str, list[float]] = {}
    for k in range(clicks):
        index, kind = kinds[k % len(kinds)]
        question = questions.nth(index)
        question.scroll_into_view_if_needed()
        retry = question.locator("button", has_text="Try again")
        if retry.is_enabled():
            retry.click()
            question.locator(".bc-feedback").wait_for(state="detached")
        check = question.locator("button", has_text="Check")
        check.wait_for()
        page.wait_for_function("b => !b.disabled", arg=check.element_handle())
        _apply_answer(question, k // len(kinds))
        ms = measure_click(page, check, question, ".bc-feedback")
        results.setdefault(kind, []).append(ms)
    return results


def floor_clicks(page: Any, clicks: int) -> list[float]:
    """Time the trivial RadioButtons + Button + Output widget: click to the output text changing."""
    floor = page.locator(".bc-bench-floor")
    labels = floor.locator(".widget-radio-box label")
    samples = []
    for k in range(clicks):
        labels.nth(k % labels.count()).click()
        samples.append(measure_click(page, floor.locator("button.jupyter-button"), floor, ".widget-output"))
    return samples


def bench_widgets(root: Path, clicks: int, bank: Path | None = None) -> list[Figure]:
    """Serve a temp root with the widget notebook in JupyterLab, drive Chromium, time clicks to feedback."""
    import nbformat
    from playwright.sync_api import sync_playwright

    from backchannels.browser import INSTALL_HINT, find_chromium
    from backchannels.quiz.bank import load_bank

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from tests.support.lab import LabServer, open_notebook, run_all_cells

    chromium = find_chromium()
    if not chromium:
        return [Figure("widgets", "click to feedback", "ms", not_measured=INSTALL_HINT.splitlines()[0])]
    bank = bank or root / "tests" / "fixtures" / "questions" / "demo.yml"
    with tempfile.TemporaryDirectory(prefix="bc-bench-lab-") as serve:
        nbformat.write(widget_notebook(bank.resolve()), Path(serve) / "bench_widgets.ipynb")
        args = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--disable-gpu"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
        with LabServer(root_dir=Path(serve), env=tool_env()) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=args)
            try:
                page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                page.set_default_timeout(60_000)
                open_notebook(page, server, "bench_widgets.ipynb")
                run_all_cells(page)
                page.locator(".bc-question").first.wait_for()
                page.locator(".bc-bench-floor").wait_for()
                floor_clicks(page, 3)  # warm-up, not counted
                floor = floor_clicks(page, clicks)
                per_type = quiz_clicks(page, clicks, [q.kind for q in load_bank(bank).questions])
            finally:
                browser.close()
    return widget_figures(floor, per_type)


def widget_figures(floor: list[float], per_type: dict[str, list[float]]) -> list[Figure]:
    """Return the widget figures: floor median and p95, quiz p95 and median over all types, and per type."""
    timed_out = sum(math.isnan(x) for x in floor) + sum(math.isnan(x) for v in per_type.values() for x in v)
    floor_ok = [x for x in floor if not math.isnan(x)]
    quiz = [x for values in per_type.values() for x in values if not math.isnan(x)]
    floor_p95 = percentile(floor_ok, 95) if floor_ok else None
    note = f"{timed_out} click(s) timed out (excluded)" if timed_out else "in-page performance.now() + MutationObserver"
    figures = [
        Figure("widgets", "floor widget click to output", "ms", floor_ok, statistic="median",
               note="RadioButtons + Button + Output"),
        Figure("widgets", "floor widget click to output", "ms", floor_ok, statistic="p95",
               note="RadioButtons + Button + Output"),
        Figure("widgets", f"quiz click to feedback, {len(per_type)} types", "ms", quiz, statistic="median",
               floor=statistics.median(floor_ok) if floor_ok else None, note=note),
        Figure("widgets", f"quiz click to feedback, {len(per_type)} types", "ms", quiz, statistic="p95",
               floor=floor_p95, target=Target(100), note=note),
    ]
    for kind, values in sorted(per_type.items()):
        figures.append(Figure("widgets", f"quiz click to feedback: {kind}", "ms",
                              [x for x in values if not math.isnan(x)], statistic="median"))
    return figures


# ---------------------------------------------------------------- grading


def grading_unavailable(root: Path) -> str | None:
    """Return why grading cannot be measured in this checkout, or None when it can."""
    if not (root / "src" / "backchannels" / "grading" / "__init__.py").exists():
        return "no src/backchannels/grading/ (the homework branch is not merged or has no commits)"
    if not (root / "exercises" / "source").is_dir():
        return "no nbgrader course in exercises/source (the homework branch is not merged)"
    return None


SOLUTION_BEGIN = re.compile(r"^\s*#+\s*BEGIN SOLUTION\s*$")
SOLUTION_END = re.compile(r"^\s*#+\s*END SOLUTION\s*$")


def solution_text(source: str) -> str:
    """Return an instructor cell's source without the nbgrader solution markers (the model answer)."""
    return "\n".join(line for line in source.splitlines() if not (SOLUTION_BEGIN.match(line) or SOLUTION_END.match(line)))


def off_by_one(source: str) -> str:
    """Return the source with every integer literal one higher: a plausible wrong answer."""
    return re.sub(r"(?<![\w.])(\d+)(?![\w.])", lambda m: str(int(m.group(1)) + 1), source)


def rotate_strings(source: str) -> str:
    """Return the source with its double-quoted string literals rotated by one: labels swapped."""
    literals = re.findall(r'"[^"\\\n]*"', source)
    if len(set(literals)) < 2:
        return source
    rotated = iter(literals[1:] + literals[:1])
    return re.sub(r'"[^"\\\n]*"', lambda _m: next(rotated), source)


def wrong_answer(source: str) -> str:
    """Return a model answer made wrong in a plausible way (numbers off by one, labels swapped)."""
    return rotate_strings(off_by_one(source))


def vary_submission(release: Any, instructor: Any, student: int, seed: int = 0) -> Any:
    """Return a filled-in release notebook: each answer cell right, left as the stub, or plausibly wrong.

    Answers come from the instructor notebook's solution cells (matched by grade_id). Student 0
    gets everything right; the others get a seeded mix, so scores vary.
    """
    import copy

    solutions = {c.metadata["nbgrader"].get("grade_id"): c.source for c in instructor.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    nb = copy.deepcopy(release)
    rng = random.Random(f"{seed}-{student}")
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution") or meta.get("grade_id") not in solutions:
            continue
        model = solution_text(solutions[meta["grade_id"]])
        choice = "right" if student == 0 else rng.choice(("right", "right", "stub", "wrong"))
        if choice == "right":
            cell.source = model
        elif choice == "wrong":
            cell.source = wrong_answer(model) if cell.cell_type == "code" else f"Student {student} wrote this."
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def write_submissions(folder: Path, course: Path, assignment: str, count: int, seed: int = 0) -> list[str]:
    """Write `count` synthetic submissions as folder/<student>/<assignment>/*.ipynb; return the student ids."""
    import nbformat

    students = [f"bench{n:03d}" for n in range(count)]
    for source in sorted((course / "source" / assignment).glob("*.ipynb")):
        instructor = nbformat.read(source, as_version=4)
        released = course / "release" / assignment / source.name
        release = nbformat.read(released, as_version=4) if released.exists() else instructor
        for n, student in enumerate(students):
            target = folder / student / assignment
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(vary_submission(release, instructor, n, seed), target / source.name)
    return students


def read_scores(gradebook: Path, assignment: str, students: Sequence[str]) -> dict[str, float]:
    """Return each student's total score from an nbgrader gradebook file."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{gradebook}") as book:
        return {s: float(book.find_submission(assignment, s).score) for s in students}


def scores_identical(a: dict[str, float], b: dict[str, float], tolerance: float = 1e-9) -> bool:
    """Return True when both runs scored the same students identically."""
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= tolerance for k in a)


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Run a command and return its wall time; raise with its output tail when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} failed: {(done.stdout + done.stderr)[-300:]}")
    return time.perf_counter() - start


def first_assignment(course: Path) -> str:
    """Return the first assignment in the course's source folder."""
    return min(p.name for p in (course / "source").iterdir() if p.is_dir())


def grading_figures(n: int, jobs: int, t_generate: float, t_autograde: float, t_parallel: float,
                    same: bool, spread: str) -> list[Figure]:
    """Return the grading figures of one size: the two times and the speed-up with its target."""
    return [
        Figure("grading", f"{n} submissions: nbgrader generate_assignment (before grading, once)", "s",
               [t_generate], note="not counted in either time below"),
        Figure("grading", f"{n} submissions: sequential nbgrader autograde", "s", [t_autograde],
               note="plain nbgrader, one submission at a time"),
        Figure("grading", f"{n} submissions: parallel grader --jobs {jobs}", "s", [t_parallel],
               note="python -m backchannels.grading grade --no-feedback: checks, workers, merge, CSV"),
        Figure("grading", f"{n} submissions: throughput parallel / sequential", "×", [t_autograde / t_parallel],
               target=Target(1.8, at_least=True),
               note=("scores identical" if same else "SCORES DIFFER") + f"; {spread}",
               not_measured=None if same else "the two runs scored differently"),
    ]


def confinement_figures(n: int, t_confined: float, t_unconfined: float, same: bool) -> list[Figure]:
    """Return the cost of the sandbox: the grader with and without it, and their ratio."""
    return [
        Figure("grading", f"{n} submissions: grader unconfined (--unconfined)", "s", [t_unconfined],
               note="student code not sandboxed; mean of two runs"),
        Figure("grading", f"{n} submissions: grader confined (bubblewrap)", "s", [t_confined],
               note="mean of two runs, in ABBA order with the unconfined ones"),
        Figure("grading", f"{n} submissions: time confined / unconfined", "×", [t_confined / t_unconfined],
               target=Target(1.25),
               note="scores identical" if same else "SCORES DIFFER",
               not_measured=None if same else "confined and unconfined runs scored differently"),
    ]


def bench_grading(root: Path, sizes: Sequence[int], jobs: int | None = None) -> list[Figure]:
    """Autograde N synthetic submissions with plain nbgrader, then with the parallel grader; compare.

    Both start from a generated gradebook, as nbgrader expects (generate_assignment runs when the
    homework is released, not when it is graded); the generate time is reported on its own.
    """
    reason = grading_unavailable(root)
    if reason:
        return [Figure("grading", f"{n} submissions: throughput parallel / sequential", "×", not_measured=reason)
                for n in sizes]
    course = root / "exercises"
    assignment = first_assignment(course)
    env = tool_env()
    figures: list[Figure] = []
    for n in sizes:
        n_jobs = jobs or default_jobs(n)  # what the grader itself would choose
        try:
            with tempfile.TemporaryDirectory(prefix="bc-bench-grade-") as tmp:
                env["BACKCHANNELS_CACHE_DIR"] = str(Path(tmp) / "cache")  # a cold cache, primed below
                seq, submitted = Path(tmp) / "seq", Path(tmp) / "submitted"
                students = write_submissions(submitted, course, assignment, n)
                shutil.copytree(course, seq, ignore=shutil.ignore_patterns(
                    "submitted", "autograded", "feedback", "gradebook.db*", "release", ".ipynb_checkpoints"))
                shutil.copytree(submitted, seq / "submitted")
                t_generate = _timed([sys.executable, "-m", "nbgrader", "generate_assignment", "*",
                                     "--force"], seq, env)
                t_autograde = _timed([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force",
                                      "--create"], seq, env)
                _timed([sys.executable, "-c", "from backchannels.grading import prepared_gradebook as p; p()"],
                       root, env)
                t_parallel = _timed([sys.executable, "-m", "backchannels.grading", "grade", str(submitted),
                                     "--jobs", str(n_jobs), "--no-feedback", "--out", str(Path(tmp) / "par")],
                                    root, env)
                # The same grader without the sandbox: what confining student code costs. Runs in
                # ABBA order (confined above, unconfined twice, confined again) so that a machine
                # whose load drifts during the bench does not favour either.
                def grader(out: str, *flags: str) -> float:
                    return _timed([sys.executable, "-m", "backchannels.grading", "grade",
                                   str(submitted), "--jobs", str(n_jobs), "--no-feedback", *flags,
                                   "--out", str(Path(tmp) / out)], root, env)

                t_unconfined = grader("open", "--unconfined") + grader("open2", "--unconfined")
                t_confined = t_parallel + grader("par2")
                sequential = read_scores(seq / "gradebook.db", assignment, students)
                parallel = read_scores(Path(tmp) / "par" / "gradebook.db", assignment, students)
                unconfined = read_scores(Path(tmp) / "open" / "gradebook.db", assignment, students)
        except Exception as error:  # noqa: BLE001 - report, do not crash the other parts
            figures.append(Figure("grading", f"{n} submissions: throughput parallel / sequential", "×",
                                  not_measured=f"{type(error).__name__}: {str(error)[:200]}"))
            continue
        spread = f"{assignment}, scores {min(sequential.values()):g}–{max(sequential.values()):g}"
        figures += grading_figures(n, n_jobs, t_generate, t_autograde, t_parallel,
                                   scores_identical(sequential, parallel), spread)
        figures += confinement_figures(n, t_confined / 2, t_unconfined / 2,
                                       scores_identical(parallel, unconfined))
    return figures


# ---------------------------------------------------------------- setup from a fresh clone


def wait_for_status(url: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> float:
    """Poll a Jupyter /api/status URL until it answers 200; return seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if process is not None and process.poll() is not None:
            raise RuntimeError("the server exited early")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} within {timeout_s} s")


# Set by `make bench` or by the bench itself; a fresh clone must run as a user's shell would run it.
_NOT_INHERITED = ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                  "BACKCHANNELS_USER_DIR", "MPLBACKEND")


def pytest_summary(output: str) -> str:
    """Return pytest's closing line ('2 failed, 649 passed in ...'), or the output's last line."""
    lines = [line.strip("= ").strip() for line in output.strip().splitlines()]
    summary = [line for line in lines if re.search(r"\d+ (passed|failed|errors?)\b", line)]
    return (summary or lines or [""])[-1]


def bench_setup(root: Path, with_test_suite: bool, log_dir: Path | None = None) -> list[Figure]:
    """Clone the checkout into a temp dir, `make venv` (pip's cache), serve JupyterLab; optionally `make test`.

    A failing `make test` leaves its whole output in ``log_dir/setup-make-test.log``.
    """
    import secrets

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bc-bench-clone-") as tmp:
        clone = Path(tmp) / "backchannels"
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if not p.startswith(str(Path(sys.executable).parent)))
        try:
            start = time.perf_counter()
            branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=root, capture_output=True,
                                    text=True, check=True).stdout.strip()
            subprocess.run(["git", "clone", "--quiet", "--branch", branch, str(root), str(clone)], check=True,
                           capture_output=True, env=env)
            t_clone = time.perf_counter() - start
            subprocess.run(["make", "venv", f"PYTHON={_base_python()}"], cwd=clone, check=True, capture_output=True,
                           env=env)
            t_venv = time.perf_counter() - start
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            from tests.support.lab import free_port

            port, token = free_port(), secrets.token_hex(8)
            with tempfile.TemporaryDirectory(prefix="bc-bench-jupyter-") as jdir:
                lab_env = {**env, "JUPYTER_CONFIG_DIR": f"{jdir}/config", "JUPYTER_RUNTIME_DIR": f"{jdir}/rt",
                           "JUPYTER_DATA_DIR": f"{jdir}/data"}
                command = [str(clone / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={clone}"]
                if os.geteuid() == 0:
                    command.append("--allow-root")
                server = subprocess.Popen(command, cwd=clone, env=lab_env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True)
                try:
                    wait_for_status(f"http://127.0.0.1:{port}/api/status?token={token}", 120, server)
                    t_served = time.perf_counter() - start
                finally:
                    os.killpg(server.pid, 15)
                    server.wait(timeout=20)
        except Exception as error:  # noqa: BLE001 - report, do not crash the other parts
            detail = getattr(error, "stderr", b"") or b""
            detail = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
            return [Figure("setup", "fresh clone to served JupyterLab", "s",
                           not_measured=f"{type(error).__name__}: {(detail or str(error)).strip()[-160:]}")]
        figures.append(Figure("setup", "git clone", "s", [t_clone]))
        figures.append(Figure("setup", "fresh clone to `make venv` done", "s", [t_venv],
                              note=f"pip cache {_pip_cache_note()}"))
        figures.append(Figure("setup", "fresh clone to served JupyterLab", "s", [t_served],
                              note="/api/status answers"))
        if with_test_suite:
            try:
                test_start = time.perf_counter()
                done = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True, env=env,
                                      check=False)
                t_test = t_venv + time.perf_counter() - test_start  # the served-lab check left out
                if done.returncode != 0:
                    reason = f"make test failed: {pytest_summary(done.stdout)}"
                    if log_dir is not None:
                        log_dir.mkdir(parents=True, exist_ok=True)
                        log = log_dir / "setup-make-test.log"
                        log.write_text(done.stdout + done.stderr, encoding="utf-8")
                        reason += f" (output in {log})"
                    figures.append(Figure("setup", "fresh clone to green `make test`", "s", not_measured=reason))
                else:
                    figures.append(Figure("setup", "fresh clone to green `make test`", "s", [t_test],
                                          note="`make venv`, then `make test` (the README's two commands)"))
            except OSError as error:
                figures.append(Figure("setup", "fresh clone to green `make test`", "s", not_measured=str(error)))
    return figures


def _base_python() -> str:
    """Return the interpreter `make venv` should build from (the one under this venv, if any)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base


def _pip_cache_note() -> str:
    """Return where pip's cache is, as the setup figure depends on it."""
    done = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


# ---------------------------------------------------------------- command line


def checkout_root() -> Path:
    """Return the checkout the bench runs in (it needs notebooks/ and tests/support/)."""
    from backchannels.paths import repo_root

    root = repo_root()
    if root is None:
        raise SystemExit("backchannels.bench runs from a checkout of the repository (no notebooks/ found)")
    return root


# ----------------------------------------------------------------------------------------------
# hub (issue 19): memory per student on a real JupyterHub (root only; tests/support/hub.py)

NODE_MIB = 16 * 1024
HUB_LESSON = "01_what_is_a_back_channel.ipynb"  # a typical lesson: pandas, matplotlib, widgets
HUB_TARGET_STUDENTS = 80


def hub_capacity(per_student_mib: float, hub_mib: float, proxy_mib: float, node_mib: float = NODE_MIB) -> int:
    """Return how many students fit on a node beside the hub and the proxy."""
    return int((node_mib - hub_mib - proxy_mib) // per_student_mib) if per_student_mib > 0 else 0


def hub_table(result: dict[str, Any]) -> str:
    """Return a Markdown table of each student's memory and the students per 16 GB node."""
    rows = ["| student | server RSS | server USS | kernel RSS | kernel USS | server + kernel USS |",
            "|---|---|---|---|---|---|"]
    for name, m in result["students"].items():
        rows.append(f"| {name} | {m['server_rss']:.0f} | {m['server_uss']:.0f} | {m['kernel_rss']:.0f} | "
                    f"{m['kernel_uss']:.0f} | {m['server_uss'] + m['kernel_uss']:.0f} |")
    uss = statistics.median(m["server_uss"] + m["kernel_uss"] for m in result["students"].values())
    rss = statistics.median(m["server_rss"] + m["kernel_rss"] for m in result["students"].values())
    hub, proxy = result["hub_rss"], result["proxy_rss"]
    rows += ["", f"MiB, lesson {result['lesson']} open. Hub {hub:.0f} MiB, proxy {proxy:.0f} MiB. "
             f"Per student (median): {uss:.0f} MiB USS, {rss:.0f} MiB RSS. Students per 16 GB node: "
             f"{hub_capacity(uss, hub, proxy)} counting USS (what each further student adds), "
             f"{hub_capacity(rss, hub, proxy)} counting RSS (shared library pages counted for everyone)."]
    return "\n".join(rows) + "\n"


def bench_hub(root: Path, lesson: str = HUB_LESSON, students: int = 3) -> list[Figure]:
    """Measure a real hub's memory per student (server plus one lesson kernel); print the table."""
    from playwright.sync_api import sync_playwright

    from backchannels.browser import find_chromium

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from tests.support.hub import hub_unavailable, measure_class

    reason = hub_unavailable() or (None if find_chromium() else "no Chromium")
    if reason:
        return [Figure("hub", "memory per student", "MiB", not_measured=reason)]
    args = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-gpu", "--no-sandbox"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=args)
        try:
            result = measure_class(root, browser, lesson, students=students)
        finally:
            browser.close()
    print(hub_table(result), flush=True)
    per_uss = [m["server_uss"] + m["kernel_uss"] for m in result["students"].values()]
    per_rss = [m["server_rss"] + m["kernel_rss"] for m in result["students"].values()]
    capacity = hub_capacity(statistics.median(per_uss), result["hub_rss"], result["proxy_rss"])
    note = f"lesson {lesson}; hub {result['hub_rss']:.0f} MiB, proxy {result['proxy_rss']:.0f} MiB"
    return [
        Figure("hub", "per student: server + one lesson kernel, USS", "MiB", per_uss,
               target=Target(NODE_MIB / HUB_TARGET_STUDENTS), note=note),
        Figure("hub", "per student: server + one lesson kernel, RSS", "MiB", per_rss, note=note),
        Figure("hub", "students per 16 GB node (USS)", "students", [float(capacity)],
               target=Target(HUB_TARGET_STUDENTS, at_least=True), note=note),
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(p for p in PARTS if p != "hub"),
                        help=f"comma-separated parts to run (default all but hub, which needs root "
                             f"and creates Unix users): {','.join(PARTS)}")
    parser.add_argument("--repeat", type=int, default=None, help="runs per lesson figure (default 5; 1 with --quick; nbval at most 3)")
    parser.add_argument("--quick", action="store_true",
                        help="one run per figure, 50 clicks, grading of 10 submissions only")
    parser.add_argument("--clicks", type=int, default=None, help="clicks per widget kind (default 100; 50 with --quick)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel grader jobs (default: the grader's own)")
    parser.add_argument("--grading-sizes", default=None,
                        help="class sizes to grade, comma-separated (default 10,50,100; 10 with --quick)")
    parser.add_argument("--no-test-suite", action="store_true",
                        help="setup: skip timing a green `make test` in the fresh clone (skipped by --quick)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default bench/ in the checkout)")
    parser.add_argument("--summary", type=Path, default=None, metavar="RESULTS_JSON",
                        help="print the short table of targets from a results.json, run nothing")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {unknown}; choose from {','.join(PARTS)}")
    args.parts = parts
    args.with_test_suite = not (args.no_test_suite or args.quick)
    args.repeat = args.repeat or (1 if args.quick else 5)
    args.clicks = max(args.clicks or (50 if args.quick else 100), 1)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected parts, print every figure with its target and verdict, write the results."""
    args = parse_args(argv)
    jobs = args.jobs  # None: the grader's own default for each class size
    if args.summary:
        print(render_summary(json.loads(args.summary.read_text(encoding="utf-8"))), end="")
        return 0
    root = checkout_root()
    user_dir = tempfile.mkdtemp(prefix="bc-bench-user-")
    os.environ["BACKCHANNELS_USER_DIR"] = user_dir  # kernels inherit it: no progress in the real folder
    os.environ.update({k: v for k, v in tool_env().items() if k in ("PYTHONPATH", "MPLBACKEND")})
    machine = machine_info()
    print(f"Back Channels bench on {machine['cpus']} CPUs, load {machine['load_average_1_5_15']}; "
          f"parts {','.join(args.parts)}; repeat {args.repeat}", flush=True)
    figures: list[Figure] = []
    steps: list[tuple[str, Callable[[], list[Figure]]]] = []
    if "notebooks" in args.parts or "memory" in args.parts:
        steps.append(("notebooks/memory", lambda: bench_notebooks(
            root, args.repeat, times="notebooks" in args.parts, memory="memory" in args.parts)))
    if "notebooks" in args.parts:
        steps.append(("nbval", lambda: [bench_nbval(root, min(args.repeat, 3))]))
    if "widgets" in args.parts:
        steps.append(("widgets", lambda: bench_widgets(root, args.clicks)))
    if "grading" in args.parts:
        sizes = (tuple(int(n) for n in args.grading_sizes.split(",")) if args.grading_sizes
                 else GRADING_SIZES[:1] if args.quick else GRADING_SIZES)
        steps.append(("grading", lambda: bench_grading(root, sizes, jobs)))
    if "setup" in args.parts:
        steps.append(("setup", lambda: bench_setup(root, args.with_test_suite, args.out or root / "bench")))
    if "hub" in args.parts:
        steps.append(("hub", lambda: bench_hub(root)))
    for label, step in steps:
        start = time.perf_counter()
        try:
            new = step()
        except Exception as error:  # noqa: BLE001 - one part failing must not lose the others
            new = [Figure(label, label, "", not_measured=f"{type(error).__name__}: {str(error)[:200]}")]
        for figure in new:
            print(format_line(figure), flush=True)
        print(f"  ({label} took {time.perf_counter() - start:.0f} s)", flush=True)
        figures.extend(new)
    options = {"parts": args.parts, "repeat": args.repeat, "quick": args.quick, "clicks": args.clicks,
               "jobs": jobs or "grader default per class size", "with_test_suite": args.with_test_suite}
    md, js = write_results(figures, args.out or root / "bench", machine, options)
    print(f"Wrote {md} and {js}")
    shutil.rmtree(user_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
