"""Shared fixtures: an isolated user folder for every test run, and the browser-test harness.

Browser tests use ``lab`` (a JupyterLab server on the repository), ``lab_server_factory`` (a server
on a folder of the test's choosing) and ``page`` (a fresh Chromium tab). When no Chromium is found
they fail with instructions instead of skipping, so a missing browser is never mistaken for a pass.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backchannels.browser import INSTALL_HINT, find_chromium
from tests.support.lab import LabServer

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "test-results"

# Kernels started by nbval, nbgrader and the browser tests inherit this, so no test run ever
# writes progress into the real user's folder.
_USER_DIR = tempfile.mkdtemp(prefix="bc-user-")
os.environ["BACKCHANNELS_USER_DIR"] = _USER_DIR
# Likewise the grader's cache of prepared gradebooks and answer keys: one per test run, never the
# user's, shared by make test's parallel workers (the grader lets one build an entry while the
# others wait), so the homework, hostile-class and grading tests generate the course only once.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")
if _RUN:
    os.environ["BACKCHANNELS_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / f"bc-cache-{_RUN}")
    Path(os.environ["BACKCHANNELS_CACHE_DIR"]).mkdir(exist_ok=True)
    _OWN_DIRS = [_USER_DIR]
else:
    os.environ["BACKCHANNELS_CACHE_DIR"] = tempfile.mkdtemp(prefix="bc-cache-")
    _OWN_DIRS = [_USER_DIR, os.environ["BACKCHANNELS_CACHE_DIR"]]
os.environ.setdefault("MPLBACKEND", "Agg")
# Folders shared by the workers of one run (named after its id), removed by the controller once
# every worker has stopped: the grader's cache and the lessons' export (tests/support/modes.py).
_SHARED_PREFIXES = ("bc-cache-", "bc-build-")
_worker_runs: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Remember the run id of each worker that stops (xdist calls this in the controller)."""
    run = getattr(node, "workerinput", {}).get("testrunuid")
    if run:
        _worker_runs.add(run)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove this process's temporary folders; the controller also removes the shared ones."""
    for folder in _OWN_DIRS:
        shutil.rmtree(folder, ignore_errors=True)
    for run in _worker_runs:
        for prefix in _SHARED_PREFIXES:
            shutil.rmtree(Path(tempfile.gettempdir()) / f"{prefix}{run}", ignore_errors=True)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the data folder that a test may break or extend."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target)
    return target


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Return the Chromium binary, or fail the test with how to install one."""
    path = find_chromium()
    if not path:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """Launch headless Chromium through Playwright for the whole session."""
    from playwright.sync_api import sync_playwright

    args = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--disable-sync", "--disable-gpu"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Open a fresh tab at a lecture-friendly size; keep a screenshot when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            RESULTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(RESULTS / f"FAILED-{request.node.name}.png"), full_page=True)
        context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Remember each phase's report so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def lab_server_factory() -> Iterator[Callable[[Path], LabServer]]:
    """Return a function that starts a JupyterLab server on a given folder (stopped at the end)."""
    servers: list[LabServer] = []

    def start(root_dir: Path, app: str = "lab") -> LabServer:
        server = LabServer(root_dir=Path(root_dir), app=app)
        servers.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def lab(lab_server_factory: Callable[[Path], LabServer], tmp_path_factory: pytest.TempPathFactory) -> LabServer:
    """Return a fresh JupyterLab server on a copy of the lessons (``notebooks/...`` paths).

    A copy, because running a lesson in the browser would otherwise save its outputs into the
    committed notebook; the package still reads the repository's own ``data/``.
    """
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    return lab_server_factory(root)


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """Return the folder where tests keep screenshots and reports."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


# Longest first: with `make test`'s workers (pytest-xdist, one file per worker at a time, taken in
# this order: the Makefile turns off xdist's own reordering by test count, which would start the
# one-test hub file last), the slowest files start first and the short ones fill in around them.
# (Measured on 3 December 2026 from a fresh clone: hub first 348-357 s, hub last 400 s.)
_SLOW_FIRST = ("hub", "browser", "nbgrader")
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests/browser/ as browser tests; order files hub, browser, nbgrader, then the rest,
    and within each group files with more tests first; keep each file's own order."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)

    def rank(item: pytest.Item) -> int:
        names = {mark.name for mark in item.iter_markers()}
        return next((i for i, name in enumerate(_SLOW_FIRST) if name in names), len(_SLOW_FIRST))

    file_rank: dict[object, int] = {}
    file_size: dict[object, int] = {}
    for item in items:
        file_rank[item.path] = min(file_rank.get(item.path, len(_SLOW_FIRST)), rank(item))
        file_size[item.path] = file_size.get(item.path, 0) + 1
    items.sort(key=lambda item: (file_rank[item.path], -file_size[item.path]))
