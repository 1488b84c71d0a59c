"""A real JupyterHub for tests and the bench: its environment, real Unix users, start and stop.

The hub runs ``hub/jupyterhub_config.py`` (copied with ``hub/`` to a folder every user can read)
from a virtual environment made from Debian's own Python: a Python under /root (pyenv) cannot run
other users' servers. The environment is cached in /var/cache/backchannels-hub (keyed by the
module's and the hub's requirements), so only the first run pays for pip (about 45-60 s with pip's
cache warm); configurable-http-proxy comes from npm into the same folder. Everything a test makes
(users and their homes, the exchange, the hub's state) is removed by ``HubSession.close``, also
after a failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.lab import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]

HUB_CACHE = Path(os.environ.get("BACKCHANNELS_HUB_CACHE", "/var/cache/backchannels-hub"))
SYSTEM_PYTHON = os.environ.get("BACKCHANNELS_HUB_PYTHON", "/usr/bin/python3")
CHP_VERSION = "5"


def hub_unavailable() -> str | None:
    """Return why a real hub cannot run here (None when it can)."""
    if not sys.platform.startswith("linux"):
        return "the hub test needs Linux (Unix users, LocalProcessSpawner)"
    if os.geteuid() != 0:
        return ("the hub test creates Unix users and runs JupyterHub as root, as CI does; "
                "run `make test` as root (e.g. in a container) to include it")
    for tool in ("useradd", "userdel", "runuser", "git"):
        if not shutil.which(tool):
            return f"the hub test needs `{tool}` (Debian: apt-get install passwd util-linux git)"
    if not Path(SYSTEM_PYTHON).exists():
        return f"the hub test needs a system Python every user can run ({SYSTEM_PYTHON})"
    return None


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, raising with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (one environment build at a time)."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _readable_by_all(path: Path) -> None:
    """Let every user read ``path`` and traverse its folders."""
    subprocess.run(["chmod", "-R", "a+rX", str(path)], check=True)


@dataclass
class HubEnv:
    """The hub's Python environment and proxy."""

    venv: Path
    proxy: Path
    seconds: float = 0.0  # time spent making or updating it

    @property
    def bin(self) -> Path:
        """Return the environment's bin folder."""
        return self.venv / "bin"


def env_key(repo: Path) -> str:
    """Return a digest of what the hub's environment is made from."""
    digest = hashlib.sha256((repo / "hub" / "requirements.txt").read_bytes())
    # Only the module's run-time dependencies: test tools and pytest settings do not reach the hub.
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    digest.update(json.dumps([project.get("requires-python"), sorted(project["dependencies"])]).encode())
    digest.update(_run([SYSTEM_PYTHON, "--version"]).stdout.encode())
    return digest.hexdigest()[:12]


def _project_dependencies(repo: Path) -> list[str]:
    """Return the module's run-time requirements, as pyproject.toml lists them."""
    return list(tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])


def _pip(venv: Path) -> list[str]:
    """Return the command that installs into the hub's environment, quietly."""
    return [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]


def _make_env(repo: Path, venv: Path) -> None:
    """Make the hub's environment with everything but the module itself, and its proxy (lock held)."""
    made = not (venv / ".ready").exists() or not _proxy().exists()
    if not (venv / ".ready").exists():
        shutil.rmtree(venv, ignore_errors=True)
        _run([SYSTEM_PYTHON, "-m", "venv", str(venv)])
        _run([*_pip(venv), "-r", str(repo / "hub" / "requirements.txt"), *_project_dependencies(repo)])
        (venv / ".ready").touch()
        for old in HUB_CACHE.glob("venv-*"):
            if old != venv:
                shutil.rmtree(old, ignore_errors=True)
    if not _proxy().exists():
        if not shutil.which("npm"):
            if shutil.which("apt-get"):
                subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
                _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nodejs", "npm"])
            else:
                raise RuntimeError("configurable-http-proxy needs Node.js and npm; install them")
        _run(["npm", "install", "--prefix", str(HUB_CACHE / "node"), "--no-save", "--no-audit",
              "--no-fund", "--silent", f"configurable-http-proxy@{CHP_VERSION}"])
    if made:
        _readable_by_all(HUB_CACHE)


def _proxy() -> Path:
    """Return where npm puts configurable-http-proxy in the cache."""
    return HUB_CACHE / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


def prepare_hub_env(repo: Path) -> str:
    """Make (or keep) the cached hub environment ahead of the tests; return what was done.

    ``make test`` runs this beside the making of .venv, on the core that pip's single process leaves
    idle, so the hub test on a new machine does not spend its first half-minute in pip.
    """
    reason = hub_unavailable()
    if reason:
        return f"hub environment not prepared: {reason}"
    started = time.monotonic()
    HUB_CACHE.mkdir(parents=True, exist_ok=True)
    HUB_CACHE.chmod(0o755)
    with _locked(HUB_CACHE / ".lock"):
        _make_env(repo, HUB_CACHE / f"venv-{env_key(repo)}")
    return f"hub environment ready in {HUB_CACHE} ({time.monotonic() - started:.0f} s)"


def ensure_hub_env(repo: Path, dist: Path) -> HubEnv:
    """Make (or reuse) the cached hub environment and install the module from the student copy."""
    started = time.monotonic()
    HUB_CACHE.mkdir(parents=True, exist_ok=True)
    HUB_CACHE.chmod(0o755)
    venv = HUB_CACHE / f"venv-{env_key(repo)}"
    with _locked(HUB_CACHE / ".lock"):
        _make_env(repo, venv)
        # The module itself changes with every commit: install just it (under a second).
        _run([*_pip(venv), "--no-deps", "--no-build-isolation", "--force-reinstall", str(dist)])
        _readable_by_all(venv)
    return HubEnv(venv=venv, proxy=_proxy(), seconds=time.monotonic() - started)


def create_user(name: str) -> Path:
    """Create a Unix user with a home folder the way Debian's useradd does (mode 755)."""
    _run(["useradd", "--create-home", "--shell", "/bin/bash", name])
    return Path(pwd.getpwnam(name).pw_dir)


def user_processes(name: str) -> list[object]:
    """Return the running processes of a user (psutil objects)."""
    import psutil

    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return []
    found = []
    for proc in psutil.process_iter(["uids"]):
        uids = proc.info.get("uids")
        if uids is not None and uids.real == uid:
            found.append(proc)
    return found


def remove_user(name: str) -> None:
    """Stop every process of a user the test created, then delete the user and their home."""
    import psutil

    procs = user_processes(name)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    psutil.wait_procs(procs, timeout=5)
    for proc in user_processes(name):
        with contextlib.suppress(psutil.Error):
            proc.kill()
    subprocess.run(["userdel", "--remove", "--force", name], capture_output=True, check=False)


def as_user(name: str, command: list[str], env: dict[str, str], cwd: Path | None = None,
            check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a command as another Unix user (runuser: sudo may be missing)."""
    assignments = [f"{key}={value}" for key, value in env.items()]
    full = ["runuser", "-u", name, "--", "env", "-i", f"HOME={pwd.getpwnam(name).pw_dir}",
            f"USER={name}", *assignments, *command]
    done = subprocess.run(full, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"as {name}: {' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@dataclass
class HubSession:
    """A running JupyterHub with its own users, exchange and state, all removed by ``close``."""

    repo: Path
    env: HubEnv
    students: list[str]
    instructors: list[str]
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bc-hub-")))
    process: subprocess.Popen[bytes] | None = None
    users: list[str] = field(default_factory=list)
    start_seconds: float = 0.0
    started_at: float = 0.0  # wall-clock time the hub was started (process create times compare)

    @property
    def url(self) -> str:
        """Return the address students open."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_dir(self) -> Path:
        """Return the copy of hub/ that this hub runs (readable by every user)."""
        return self.root / "hub"

    @property
    def exchange(self) -> Path:
        """Return nbgrader's exchange folder."""
        return self.root / "exchange"

    @property
    def log_path(self) -> Path:
        """Return the hub's log file."""
        return self.root / "state" / "jupyterhub.log"

    def server_env(self, name: str) -> dict[str, str]:
        """Return the environment the hub gives ``name``'s server (for commands run as them)."""
        config = str(self.config_dir / "jupyter")
        if name in self.instructors:
            config = os.pathsep.join([str(self.config_dir / "jupyter-instructor"), config])
        return {"PATH": f"{self.env.bin}:/usr/local/bin:/usr/bin:/bin", "JUPYTER_CONFIG_PATH": config,
                "BACKCHANNELS_COURSE_ID": "backchannels", "BACKCHANNELS_EXCHANGE": str(self.exchange),
                "MPLBACKEND": "Agg"}

    def prepare(self, safe_directories: list[Path]) -> None:
        """Create the users, the exchange (1777), the hub's state folder and its git config."""
        self.root.chmod(0o755)
        shutil.copytree(self.repo / "hub", self.config_dir)
        _readable_by_all(self.config_dir)
        self.exchange.mkdir()
        self.exchange.chmod(0o1777)
        (self.root / "state").mkdir(mode=0o700)
        gitconfig = self.root / "gitconfig"
        gitconfig.write_text("".join(f"[safe]\n\tdirectory = {p}\n" for p in safe_directories))
        gitconfig.chmod(0o644)
        for name in [*self.students, *self.instructors]:
            create_user(name)
            self.users.append(name)
        # As the README's step 5: the course's folder in the exchange is made for the instructor
        # before students arrive (in a 1777 exchange a student could otherwise make it first, and
        # nbgrader then refuses to release into a folder the instructor does not own).
        course = self.exchange / "backchannels"
        course.mkdir(mode=0o755)
        shutil.chown(course, self.instructors[0], self.instructors[0])

    def start(self) -> "HubSession":
        """Start JupyterHub on free loopback ports with hub/jupyterhub_config.py."""
        started = time.monotonic()
        self.started_at = time.time()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "BACKCHANNELS_"))},
            "PATH": f"{self.env.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "BACKCHANNELS_HUB_URL": self.url,
            "BACKCHANNELS_HUB_API": f"http://127.0.0.1:{free_port()}",
            "BACKCHANNELS_PROXY_API": f"http://127.0.0.1:{free_port()}",
            "BACKCHANNELS_PROXY_COMMAND": str(self.env.proxy),
            "BACKCHANNELS_HUB_STATE": str(self.root / "state"),
            "BACKCHANNELS_AUTHENTICATOR": "dummy",
            "BACKCHANNELS_DUMMY_PASSWORD": self.password,
            "BACKCHANNELS_STUDENTS": ",".join(self.students),
            "BACKCHANNELS_INSTRUCTORS": ",".join(self.instructors),
            "BACKCHANNELS_EXCHANGE": str(self.exchange),
            "BACKCHANNELS_GIT_CONFIG": str(self.root / "gitconfig"),
        }
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [str(self.env.bin / "jupyterhub"), "-f", str(self.config_dir / "jupyterhub_config.py")],
            cwd=self.root / "state", env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2) as response:
                    if response.status == 200:
                        self.start_seconds = time.monotonic() - started
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"JupyterHub did not answer within 60 s:\n{self.log()}")

    def log(self) -> str:
        """Return the hub's log so far."""
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop the hub (it stops the students' servers and the proxy), then anything it left.

        Managed services such as the idle culler run in their own session and can outlive the
        hub, so every process the hub started is remembered first and ended afterwards.
        """
        import psutil

        descendants: list[Any] = []
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(psutil.Error):
                descendants = psutil.Process(self.process.pid).children(recursive=True)
        self._stop_hub()
        alive = [p for p in descendants if p.is_running()]
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.terminate()
        _gone, alive = psutil.wait_procs(alive, timeout=5)
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.kill()

    def _stop_hub(self) -> None:
        """Send the hub SIGTERM (its whole process group) and wait; SIGKILL after 30 s."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def close(self) -> None:
        """Stop the hub and remove every user, home, exchange and state folder it made."""
        try:
            self.stop()
        finally:
            for name in self.users:
                remove_user(name)
            shutil.rmtree(self.root, ignore_errors=True)


def readme_hub_link() -> str:
    """Return the nbgitpuller link the README gives instructors."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://HUB/hub/user-redirect/git-pull\?\S+", text)
    assert links, "README.md gives no nbgitpuller link (https://HUB/hub/user-redirect/git-pull?...)"
    return links[0].rstrip("`")


def course_link(hub_url: str, repo: Path, lesson: str | None = None) -> tuple[str, str]:
    """Return the README's link made concrete for this hub and repository (and lesson), and its lesson path."""
    parts = urllib.parse.urlsplit(readme_hub_link())
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert query.get("targetpath"), "the README's link must name its folder (&targetpath=...)"
    assert query["urlpath"].startswith(f"lab/tree/{query['targetpath']}/")
    query["repo"] = str(repo)
    if lesson:
        query["urlpath"] = f"{query['urlpath'].rsplit('/', 1)[0]}/{lesson}"
    return (f"{hub_url}{parts.path}?{urllib.parse.urlencode(query)}",
            query["urlpath"].removeprefix("lab/tree/"))


def api(page: Any, method: str, path: str, body: Any = None) -> Any:
    """Call the student's own server from their browser page (their cookies, the XSRF header)."""
    return page.evaluate(
        """async ([method, path, body]) => {
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
            const response = await fetch(path, {method, headers: {'X-XSRFToken': decodeURIComponent(xsrf),
                'Content-Type': 'application/json'}, body: body === null ? undefined : JSON.stringify(body)});
            const text = await response.text();
            if (!response.ok) throw new Error(method + ' ' + path + ' -> ' + response.status + ': ' + text);
            return text ? JSON.parse(text) : null;
        }""", [method, path, body])


def login_through_link(page: Any, password: str, link: str, name: str, shot: Path | None) -> None:
    """Open the course link logged out, log in on the hub's page, land in the lesson."""
    page.goto(link)
    page.wait_for_selector("#username_input")
    if shot is not None:
        page.screenshot(path=str(shot))
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")


def dismiss_dialog(page: Any, wait_ms: int = 1_500) -> None:
    """Accept JupyterLab's kernel dialogs while they show; fail with the text of any other dialog.

    On a busy machine JupyterLab may ask for the notebook's kernel before the server reports it,
    sometimes twice in a row; accepting keeps the notebook's own kernel (Python 3).
    """
    dialog = page.locator(".jp-Dialog")
    for _attempt in range(5):
        try:
            dialog.first.wait_for(state="visible", timeout=wait_ms)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: no dialog
            return
        text = dialog.first.inner_text()
        if "Kernel" not in text:
            raise RuntimeError(f"JupyterLab showed a dialog: {text[:300]}")
        dialog.first.locator("button.jp-mod-accept").click()
        try:
            dialog.first.wait_for(state="hidden", timeout=10_000)
        except Exception:  # noqa: BLE001 - another dialog stacked behind it, or the click was early
            continue
    raise RuntimeError("JupyterLab kept asking for a kernel")


def start_lesson(page: Any) -> None:
    """Wait for the lesson to open with its kernel, then send Run All (returns once it runs)."""
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]" \
              ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
    for _attempt in range(4):  # a Run All sent while the kernel still connects can be dropped
        dismiss_dialog(page)
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_function(started, timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: send it again
            page.keyboard.press("Escape")
    raise TimeoutError("Run All never started")


_PROMPTS = "[...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
_ERRORS = ("[...document.querySelectorAll(\".jp-OutputArea-output[data-mime-type="
           "'application/vnd.jupyter.stderr']\")].some(x => x.textContent.includes('Error'))")
# The run has stopped: nothing is running, and either every cell ran or one failed (Run All stops there).
_RUN_STOPPED = ("() => { const p = " + _PROMPTS + "; if (!p.length || p.some(x => /\\[\\*\\]/.test(x.textContent)))"
                " return false; return " + _ERRORS + " || p.every(x => /\\[\\d+\\]/.test(x.textContent)); }")
_RAN_CLEAN = ("() => { const p = " + _PROMPTS + "; return p.length > 0 && !(" + _ERRORS + ")"
              " && p.every(x => /\\[\\d+\\]/.test(x.textContent)); }")


def finish_lesson(page: Any, shot: Path | None) -> str:
    """Wait until every cell has run, answer the first exercise; return the question's feedback.

    If JupyterLab swapped the kernel while Run All was under way (its kernel dialog on a busy
    machine), later cells ran without the first cell's imports and Run All stopped at the error:
    the student's remedy, Kernel > Restart Kernel and Run All Cells, is applied once.
    """
    page.wait_for_function(_RUN_STOPPED, timeout=120_000)
    dismiss_dialog(page)
    if page.evaluate("() => " + _ERRORS):
        page.click("li.lm-MenuBar-item:has-text('Kernel')")
        page.click("li.lm-Menu-item[data-command='runmenu:restart-and-run-all']")
        dismiss_dialog(page, wait_ms=10_000)  # "Restart Kernel?": accept
    page.wait_for_function(_RAN_CLEAN, timeout=120_000)
    question = page.locator(".bc-question").first
    question.wait_for()
    question.scroll_into_view_if_needed()
    question.locator(".widget-radio-box label").first.click()
    question.locator("button", has_text="Check").click()
    page.wait_for_function(
        "() => /Correct|Not quite/.test(document.querySelector('.bc-question').innerText)", timeout=30_000)
    if shot is not None:
        page.screenshot(path=str(shot))
    return question.inner_text()


def run_lesson_and_answer(page: Any, shot: Path | None) -> str:
    """Wait for the lesson, run every cell, answer the first exercise; return the feedback."""
    start_lesson(page)
    return finish_lesson(page, shot)


def memory_of(name: str) -> dict[str, float]:
    """Return the resident memory (MiB) of a user's Jupyter server and of their kernels."""
    import psutil

    found = {"server_rss": 0.0, "server_uss": 0.0, "kernel_rss": 0.0, "kernel_uss": 0.0, "kernels": 0}
    for proc in user_processes(name):
        try:
            cmd = " ".join(proc.cmdline())  # type: ignore[attr-defined]
            info = proc.memory_full_info()  # type: ignore[attr-defined]
        except psutil.Error:
            continue
        # ipykernel's own launcher, or the hub's kernelspec (backchannels.hub_kernel: no debugpy)
        kind = ("kernel" if "ipykernel" in cmd or "backchannels.hub_kernel" in cmd
                else "server" if "jupyterhub-singleuser" in cmd else None)
        if kind:
            found[f"{kind}_rss"] += info.rss / 2**20
            found[f"{kind}_uss"] += info.uss / 2**20
            found["kernels"] += kind == "kernel"
    return found


def measure_class(repo: Path, browser: Any, lesson: str, students: int = 3,
                  shots: Path | None = None) -> dict[str, Any]:
    """Run a hub, let each student open ``lesson`` through the README's link and run it; measure.

    Returns per-student memory of the server and the lesson's kernel (RSS and USS, MiB), the hub
    and proxy, and timings. Everything made is removed before returning.
    """
    import psutil

    from backchannels import studentdist

    result: dict[str, Any] = {"lesson": lesson, "timings": {}}
    work = Path(tempfile.mkdtemp(prefix="bc-hub-measure-"))
    started = time.monotonic()
    try:
        dist = work / "student"
        studentdist.build(repo, dist, git=True)
        env = ensure_hub_env(repo, dist)
        tag = os.urandom(3).hex()
        session = HubSession(repo, env, students=[f"bc{tag}m{i}" for i in range(1, students + 1)],
                             instructors=[])
        try:
            bare = session.root / "course.git"
            _run(["git", "clone", "--quiet", "--bare", str(dist), str(bare)])
            session.prepare(safe_directories=[bare])
            _readable_by_all(bare)
            session.start()
            result["timings"]["setup"] = time.monotonic() - started
            link, _path = course_link(session.url, bare, lesson)
            contexts = []
            try:
                for name in session.students:
                    context = browser.new_context(viewport={"width": 1400, "height": 900})
                    contexts.append(context)
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    t = time.monotonic()
                    login_through_link(page, session.password, link, name, None)
                    run_lesson_and_answer(page, shots / f"hub_{lesson}.png" if shots else None)
                    result["timings"][f"{name}: link to answered"] = time.monotonic() - t
                time.sleep(2)  # let servers and kernels settle after the last messages
                result["students"] = {name: memory_of(name) for name in session.students}
                missing = [name for name, m in result["students"].items() if not m["kernels"] or not m["server_uss"]]
                if missing:  # a process not recognised would count as zero memory
                    raise RuntimeError(f"no Jupyter server or lesson kernel found for {', '.join(missing)}")
                hub_proc = psutil.Process(session.process.pid) if session.process else None
                result["hub_rss"] = hub_proc.memory_info().rss / 2**20 if hub_proc else 0.0
                proxy = [p for p in (hub_proc.children(recursive=True) if hub_proc else [])
                         if "configurable-http-proxy" in " ".join(p.cmdline())]
                result["proxy_rss"] = sum(p.memory_info().rss for p in proxy) / 2**20
            finally:
                for context in contexts:
                    context.close()
        finally:
            session.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    # `python -m tests.support.hub --prepare`: what make test runs beside the making of .venv.
    if sys.argv[1:] != ["--prepare"]:
        sys.exit("usage: python -m tests.support.hub --prepare")
    print(prepare_hub_env(REPO_ROOT))
