"""Start a real JupyterLab server for a test, and drive notebooks in it through Playwright.

The server gets its own config, data, runtime, settings and workspace folders, a token and a free
port on 127.0.0.1, so it never touches the user's own Jupyter set-up and is stopped whatever
happens.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READY_TIMEOUT_S = 90


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_settings(settings_dir: Path) -> None:
    """Switch off JupyterLab's news toast and update checks, which cover the page in tests."""
    target = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    # Windowing leaves off-screen cells unrendered, so their widgets would be missing from the page.
    tracker = settings_dir / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    docmanager = settings_dir / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    docmanager.parent.mkdir(parents=True, exist_ok=True)
    docmanager.write_text(json.dumps({"autosave": False}), encoding="utf-8")


@dataclass
class LabServer:
    """A JupyterLab server process serving ``root_dir`` on 127.0.0.1."""

    root_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    app: str = "lab"
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen[bytes] | None = None
    _scratch: tempfile.TemporaryDirectory[str] | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        """Return the server's address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LabServer":
        """Start the server and wait until its REST API answers."""
        self._scratch = tempfile.TemporaryDirectory(prefix="bc-lab-")
        scratch = Path(self._scratch.name)
        for name in ("config", "data", "runtime", "settings", "workspaces"):
            (scratch / name).mkdir()
        _write_settings(scratch / "settings")
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            **self.env,
        }
        command = [
            sys.executable, "-m", "jupyterlab" if self.app == "lab" else "notebook",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.user_settings_dir={scratch / 'settings'}",
            f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
            "--LabApp.news_url=",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log_path = scratch / "server.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.root_dir, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        """Poll /api/status until the server answers, or fail with its log."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {READY_TIMEOUT_S} s:\n{self.log()}")

    def log(self) -> str:
        """Return what the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the server and its kernels, then remove its scratch folders."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def notebook_url(self, relative_path: str) -> str:
        """Return a URL that opens a notebook in a fresh, reset workspace."""
        workspace = uuid.uuid4().hex[:12]
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{relative_path}?reset&token={self.token}"

    def __enter__(self) -> "LabServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"


def open_notebook(page: Any, server: LabServer, relative_path: str, timeout_ms: int = 60_000) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is idle."""
    page.goto(server.notebook_url(relative_path))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_ms)
    accept_kernel_dialog(page)
    wait_for_kernel(page, server, relative_path, timeout_ms)
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def wait_for_kernel(page: Any, server: LabServer, relative_path: str, timeout_ms: int) -> None:
    """Wait until the server reports the notebook's kernel started and idle.

    The page's idle indicator shows before the kernel has connected; on a busy machine a Run All
    sent in that gap is lost, so ask the server itself.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    url = f"{server.base_url}/api/sessions?token={server.token}"
    while time.monotonic() < deadline:
        sessions = json.loads(urllib.request.urlopen(url, timeout=5).read())
        for session in sessions:
            if session.get("path", "").endswith(relative_path) and \
                    (session.get("kernel") or {}).get("execution_state") == "idle":
                time.sleep(0.5)  # let the page finish its own kernel handshake
                return
        time.sleep(0.25)
    raise TimeoutError(f"The kernel for {relative_path} did not start within {timeout_ms} ms:\n{server.log()[-2000:]}")


def accept_kernel_dialog(page: Any, wait_ms: int = 3_000) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (the notebook's own kernel) when it shows."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    try:
        dialog.wait_for(state="visible", timeout=wait_ms)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: no dialog this time
        return
    dialog.locator("button.jp-mod-accept").click()
    dialog.wait_for(state="hidden")


def run_all_cells(page: Any, timeout_ms: int = 120_000) -> None:
    """Run every cell through the Run menu and wait until the kernel is idle again."""
    started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]" \
              ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
    for _attempt in range(3):  # a Run All sent while the kernel still settles can be dropped
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        accept_kernel_dialog(page, wait_ms=1_000)
        try:
            page.wait_for_function(started, timeout=15_000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: try once more
            continue
    # The kernel turns busy then idle; wait for the last cell to carry an execution count.
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )
    page.wait_for_selector(KERNEL_IDLE, timeout=timeout_ms)


def cell_errors(page: Any) -> list[str]:
    """Return the text of every error output on the page."""
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").all_inner_texts()
