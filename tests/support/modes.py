"""Helpers for the teaching-mode tests: one shared export of every lesson, a Voila server, a network
guard that blocks and records every request leaving the machine, and an axe-core check."""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from backchannels.app import voila_command, voila_env
from backchannels.export import Exported, export, lesson_paths
from tests.support.lab import free_port

REPO = Path(__file__).resolve().parents[2]
# BC_MODES_NOTEBOOKS points the mode tests at another lesson folder (for trying a draft lesson).
NOTEBOOKS = Path(os.environ.get("BC_MODES_NOTEBOOKS", REPO / "notebooks"))
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}


def lessons() -> list[Path]:
    """Return every lesson notebook the mode tests cover."""
    return lesson_paths(NOTEBOOKS)


@lru_cache(maxsize=1)
def built() -> tuple[Path, tuple[Exported, ...]]:
    """Export every lesson to slides and HTML once per test run; return (build dir, files).

    Under ``make test``'s parallel workers the first worker that needs the export builds it in a
    folder named after the run, and the others wait for it and read its list of files: the export
    executes every lesson, which is too costly to repeat in each worker.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        build_dir = Path(tempfile.mkdtemp(prefix="bc-build-"))
        atexit.register(shutil.rmtree, build_dir, ignore_errors=True)
        return build_dir, tuple(export(["slides", "html"], lessons(), build_dir))
    build_dir = Path(tempfile.gettempdir()) / f"bc-build-{run}"
    build_dir.mkdir(exist_ok=True)
    listing = build_dir / "exported.json"
    with open(build_dir / ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not listing.exists():
            files = export(["slides", "html"], lessons(), build_dir)
            listing.write_text(json.dumps([[str(e.lesson), str(e.output), e.kind] for e in files]),
                               encoding="utf-8")
        rows = json.loads(listing.read_text(encoding="utf-8"))
    return build_dir, tuple(Exported(lesson=Path(a), output=Path(b), kind=k) for a, b, k in rows)


@dataclass
class NetworkGuard:
    """Abort every request that is not file:// or to 127.0.0.1, and remember it."""

    left_machine: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> NetworkGuard:
        """Install the guard on a Playwright page; returns itself."""
        def route(r: Any) -> None:
            url = r.request.url
            parsed = urlparse(url)
            if parsed.scheme in ("file", "data", "blob", "about") or (
                    parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in LOCAL_HOSTS):
                r.continue_()
            else:
                self.left_machine.append(url)
                r.abort()

        def failed(request: Any) -> None:
            # A request cut short by leaving the page (net::ERR_ABORTED) is not a missing file.
            if "ERR_ABORTED" not in (request.failure or ""):
                self.failed.append(f"{request.url} ({request.failure}) on {request.frame.url}")

        page.route("**/*", route)
        page.on("requestfailed", failed)
        return self


@dataclass
class VoilaServer:
    """The module's Voila app (``python -m backchannels.app``) on a free port of 127.0.0.1."""

    folder: Path
    slides: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_file: Any = None
    scratch: tempfile.TemporaryDirectory[str] | None = None

    @property
    def base_url(self) -> str:
        """Return the server's address."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook: str) -> str:
        """Return the address that renders one lesson."""
        return f"{self.base_url}/voila/render/{notebook}"

    def __enter__(self) -> VoilaServer:
        self.log_file = tempfile.TemporaryFile()
        env = voila_env()
        # Each test server gets its own Jupyter folders, like the JupyterLab fixture, in one scratch
        # folder removed on exit (Voila's kernel connection files too, which it would leave in /tmp
        # when stopped by a signal).
        self.scratch = tempfile.TemporaryDirectory(prefix="bc-voila-", ignore_cleanup_errors=True)
        scratch = Path(self.scratch.name)
        env.update(JUPYTER_CONFIG_DIR=str(scratch), JUPYTER_RUNTIME_DIR=str(scratch))
        env.pop("MPLBACKEND", None)  # the test session's Agg would hide figures a student sees
        # A fresh student: no answers saved by earlier tests (the quiz restores saved answers).
        (scratch / "user").mkdir()
        env["BACKCHANNELS_USER_DIR"] = str(scratch / "user")
        # Kernels import the package from this checkout whatever the working directory.
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO / "src")] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        command = [*voila_command(self.folder, self.port, self.slides),
                   f"--Voila.connection_dir_root={scratch}"]
        self.process = subprocess.Popen(command, env=env, cwd=tempfile.gettempdir(),
                                        stdout=self.log_file, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            self._wait_until_answering()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_answering(self) -> None:
        """Return once the server serves its static files; raise with its log if it never does."""
        assert self.process is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/voila/static/voila.js", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(f"Voila did not answer:\n{self.log()}")

    def log(self) -> str:
        """Return what the server printed."""
        if self.log_file is None:
            return ""
        self.log_file.seek(0)
        return self.log_file.read().decode(errors="replace")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.scratch is not None:
            self.scratch.cleanup()


def serious_violations(page: Any, context: Any = None) -> list[dict[str, Any]]:
    """Run axe-core on the page (or a context) and return serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, context=context).response
    return [v for v in response["violations"] if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    """Return a short human-readable list of axe violations."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return "\n".join(lines)


RADIO = ".widget-radio-box input[type=radio]"


def first_lesson_with_exercise() -> Path:
    """Return the first lesson (in teaching order) that shows an exercise."""
    for lesson in lessons():
        if "show_question(" in lesson.read_text() or "show_quiz(" in lesson.read_text() or \
                "RadioButtons" in lesson.read_text():
            return lesson
    raise AssertionError("no lesson shows an exercise")


def answer_first_exercise(page: Any, root: str = "body", dispatch: bool = False) -> str:
    """Pick the first option of the first exercise, press its Check button, return the feedback.

    ``dispatch`` sends the click to the button itself: in a scaled reveal.js slide Playwright's
    hit test lands on the deck's container although the button is where a mouse click reaches it.
    """
    label = page.locator(f"{root} .widget-radio-box label").first
    label.wait_for(state="attached", timeout=60_000)
    label.scroll_into_view_if_needed()
    question = label.locator("xpath=ancestor::div[contains(@class,'bc-question')][1]")
    box = question if question.count() else label.locator(
        "xpath=ancestor::div[contains(@class,'widget-box') or contains(@class,'jupyter-widgets')][last()]")
    before = box.inner_text()
    if dispatch:
        label.evaluate("l => (l.querySelector('input') || l).click()")
    else:
        label.click()
    button = box.locator("button.jupyter-button", has_text="Check").first
    if dispatch:
        button.evaluate("b => b.click()")
    else:
        button.click()
    page.wait_for_function("([el, before]) => el.innerText.trim() !== before.trim()",
                           arg=[box.element_handle(), before], timeout=15_000)
    feedback = box.locator(".bc-feedback")
    if feedback.count():
        return feedback.first.inner_text().strip()
    after = box.inner_text()
    return after.replace(before, "").strip() or after


def headings_skipping_a_level(page: Any) -> list[str]:
    """Return headings that skip a level (an h2 followed by an h4, say), empty when in order."""
    levels = page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4, main h5, main h6, #rendered_cells h1, #rendered_cells h2,"
        " #rendered_cells h3, #rendered_cells h4",
        "els => els.filter(e => e.offsetParent !== null || true).map(e => [Number(e.tagName[1]), e.innerText])")
    skipped, previous = [], 0
    for level, text in levels:
        if previous and level > previous + 1:
            skipped.append(f"h{previous} -> h{level} {text[:40]}")
        previous = level
    return skipped
