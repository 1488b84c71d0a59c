"""Run each student's kernel inside a bubblewrap sandbox while nbgrader, outside it, grades.

Why the kernel and not the whole nbgrader worker: nbgrader then stays the trusted process that
reads the notebook, writes the gradebook and compares the answers (see ``answers``), while the
student's code runs in a process that sees a read-only system and Python environment, the
module's ``data/`` read-only, and a scratch copy of its own submission folder. It cannot see the
instructor's sources, any gradebook, other students' work, the submissions folder or the home
folder, and it has no network: the kernel talks to nbgrader over Unix sockets (ZeroMQ's ``ipc``
transport) in a folder bound into the sandbox, not over TCP. CPU time, address space, process
count and file size are limited with rlimits; when grading runs as root the kernel also drops to
an unprivileged user id of its own (root is exempt from the process limit).

nbgrader starts the kernel through the ``backchannels-sandbox`` kernelspec written by
:func:`write_kernelspec`, whose command is ``python -m backchannels.grading.confine
CONNECTION_FILE``; the settings come from environment variables set by the grading worker.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

KERNEL_NAME = "backchannels-sandbox"
ENV_PREFIX = "BACKCHANNELS_SANDBOX_"
SCRATCH_HOME = "/home/student"

INSTALL_HELP = (
    "Grading runs each student's code inside a sandbox (bubblewrap), and it could not start here:\n"
    "  {why}\n"
    "Install it: Debian/Ubuntu `apt-get install bubblewrap`, Fedora `dnf install bubblewrap`,\n"
    "Arch `pacman -S bubblewrap`. As an ordinary user it also needs unprivileged user namespaces\n"
    "(Ubuntu 24.04+: `sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or grade as root or\n"
    "on the class hub). On macOS or Windows, grade in the container image described in\n"
    "exercises/README.md. If you already grade inside a throw-away container, run again with\n"
    "--unconfined (make grade UNCONFINED=1); grades.csv will say the run was unconfined."
)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student kernel."""

    cpu_seconds: int = 300
    memory_bytes: int = 3 * 1024**3
    processes: int = 256
    file_bytes: int = 64 * 1024**2


def bwrap_path() -> str | None:
    """Return the bubblewrap binary, or None."""
    return shutil.which("bwrap")


def _is_root() -> bool:
    """Return whether this process runs as root (then kernels drop to their own user id)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def sandbox_problem() -> str | None:
    """Return why the sandbox cannot start on this machine, or None when it works (tried for real)."""
    import subprocess

    bwrap = bwrap_path()
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux; this is {sys.platform}"
    if bwrap is None:
        return "the `bwrap` command (package bubblewrap) is not installed"
    for tool in ("prlimit",) + (("setpriv",) if _is_root() else ()):
        if shutil.which(tool) is None:
            return f"the `{tool}` command (package util-linux) is not installed"
    with tempfile.TemporaryDirectory(prefix="bc-sandbox-probe-") as tmp:
        scratch = Path(tmp)
        if _is_root():
            os.chown(scratch, PROBE_UID, PROBE_UID)
            scratch.chmod(0o755)
        argv = bwrap_argv(scratch, runtime_dir=None, uid=PROBE_UID if _is_root() else None,
                          limits=Limits(), command=[sys.executable, "-c", "print('ok')"])
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bwrap did not run: {exc}"
    if done.returncode != 0 or done.stdout.strip() != "ok":
        return "bwrap failed: " + (done.stderr.strip().splitlines() or ["no message"])[-1]
    return None


PROBE_UID = 64999
# Kernels of concurrent grading runs and workers get distinct user ids, so one student's fork bomb
# uses up only its own process allowance.
FIRST_UID = 60000


def sandbox_uid(worker: int) -> int:
    """Return the unprivileged user id for a worker's kernels when grading runs as root."""
    return FIRST_UID + (os.getpid() % 600) * 8 + worker % 8


def _python_paths() -> list[Path]:
    """Return the folders the kernel's Python needs: prefixes, site-packages and .pth folders."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent}
    sites = [*site.getsitepackages(), site.getusersitepackages()]
    for folder in map(Path, sites):
        if not folder.is_dir():
            continue
        paths.add(folder)
        for pth in folder.glob("*.pth"):
            for line in pth.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                if line and not line.startswith(("#", "import")) and Path(line).is_dir():
                    paths.add(Path(line).resolve())
    from backchannels import paths as bc_paths

    paths.add(Path(bc_paths.__file__).resolve().parents[1])  # the package's own folder (src)
    return sorted(p for p in paths if p.is_dir())


def _outside_course(path: Path, hidden: list[Path]) -> bool:
    """Return whether binding ``path`` shows none of the hidden folders (course, submissions).

    Hidden folders are never bound themselves; a Python folder that holds one, or sits inside
    one, is refused too.
    """
    for secret in hidden:
        if path == secret or secret.is_relative_to(path) or path.is_relative_to(secret):
            return False
    return True


def hidden_folders() -> list[Path]:
    """Return folders that must never be visible in the sandbox, from the worker's settings."""
    raw = os.environ.get(ENV_PREFIX + "HIDE", "")
    return [Path(p).resolve() for p in raw.split(os.pathsep) if p]


def bwrap_argv(scratch: Path, runtime_dir: Path | None, uid: int | None, limits: Limits,
               command: list[str], data: Path | None = None) -> list[str]:
    """Return the bubblewrap command line that runs ``command`` confined, in ``scratch``."""
    argv = [bwrap_path() or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net",
            "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--hostname", "grading"]
    if not _is_root():
        argv.append("--unshare-user")
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"):
        path = Path(top)
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            argv += ["--ro-bind", top, top]
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
             "--dir", "/home"]
    hidden = hidden_folders()
    binds = [("--ro-bind", path) for path in _python_paths()
             if not str(path).startswith(("/usr", "/etc")) and _outside_course(path, hidden)]
    if data is not None and data.is_dir():
        binds.append(("--ro-bind", data))
    if runtime_dir is not None:
        binds.append(("--bind", runtime_dir))
    # bwrap makes missing parent folders of a mount point private (0700), which an unprivileged
    # kernel could not walk through: make them 0755 first.
    parents = sorted({a for _, p in binds for a in p.parents if a != Path("/")} - {Path("/home")},
                     key=lambda a: len(a.parts))
    for parent in parents:
        argv += ["--perms", "0755", "--dir", str(parent)]
    for flag, path in binds:
        argv += [flag, str(path), str(path)]
    argv += ["--bind", str(scratch), SCRATCH_HOME]
    env = {"HOME": SCRATCH_HOME, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib",
           "BACKCHANNELS_USER_DIR": f"{SCRATCH_HOME}/.progress", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "NBGRADER_EXECUTION": "autograde", "PYTHONNOUSERSITE": "1"}
    if data is not None:
        env["BACKCHANNELS_DATA"] = str(data)
    argv.append("--clearenv")
    for name, value in env.items():
        argv += ["--setenv", name, value]
    work = f"{SCRATCH_HOME}/work"
    argv += ["--chdir", work if (scratch / "work").is_dir() else SCRATCH_HOME]
    inner: list[str] = []
    if uid is not None:
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        inner += [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                  "--inh-caps=-all", "--bounding-set=-all", "--"]
        processes = limits.processes
    else:
        # rlimit's process count is per user: allow what the user runs already, plus the limit.
        processes = len([p for p in Path("/proc").iterdir() if p.name.isdigit()]) + limits.processes
    inner += [shutil.which("prlimit") or "prlimit", f"--cpu={limits.cpu_seconds}", f"--as={limits.memory_bytes}",
              f"--nproc={processes}", f"--fsize={limits.file_bytes}", "--core=0", "--"]
    return [*argv, "--", *inner, *command]


def _copy_regular(src: Path, dest: Path, budget: int = 200_000_000) -> None:
    """Copy the regular files under ``src`` to ``dest`` (never links, devices or huge trees)."""
    used = 0
    for path in sorted(src.rglob("*")):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            continue
        target = dest / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        used += path.stat().st_size
        if used > budget:
            break
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _chown_tree(root: Path, uid: int) -> None:
    """Give ``root`` and everything in it to ``uid``."""
    for path in [root, *root.rglob("*")]:
        os.lchown(path, uid, uid)


def limits_from_env() -> Limits:
    """Return the limits the worker set in the environment, defaults elsewhere."""
    base = Limits()
    values = {}
    for name in ("cpu_seconds", "memory_bytes", "processes", "file_bytes"):
        raw = os.environ.get(ENV_PREFIX + name.upper())
        values[name] = int(raw) if raw and raw.isdigit() else getattr(base, name)
    return Limits(**values)


def launch_kernel(connection_file: str, extra: list[str]) -> None:
    """Start an IPython kernel for the notebook in the current folder, confined (never returns)."""
    scratch_root = Path(os.environ.get(ENV_PREFIX + "SCRATCH") or tempfile.gettempdir())
    scratch = Path(tempfile.mkdtemp(prefix="kernel-", dir=scratch_root))
    (scratch / "work").mkdir()
    _copy_regular(Path.cwd(), scratch / "work")
    connection = scratch / ".kernel.json"
    shutil.copyfile(connection_file, connection)
    info = json.loads(connection.read_text())
    if info.get("transport") != "ipc":
        raise SystemExit("the sandbox kernel needs the ipc transport (KernelManager.transport=ipc)")
    runtime_dir = Path(info["ip"]).parent
    # A worker's kernels run one after another and the folder is shared with the sandbox: clear
    # what an earlier (possibly hostile) kernel left there, links included, before this one binds.
    for entry in runtime_dir.iterdir():
        if entry.resolve() == Path(connection_file).resolve() and not entry.is_symlink():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    raw_uid = os.environ.get(ENV_PREFIX + "UID")
    uid = int(raw_uid) if _is_root() and raw_uid and raw_uid.isdigit() else None
    if uid is not None:
        _chown_tree(scratch, uid)
        scratch.chmod(0o755)  # bwrap itself (root without capabilities) must enter it
        os.chown(runtime_dir, uid, uid)
    data_raw = os.environ.get(ENV_PREFIX + "DATA")
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", f"{SCRATCH_HOME}/.kernel.json",
               *extra]
    argv = bwrap_argv(scratch, runtime_dir, uid, limits_from_env(), command,
                      data=Path(data_raw) if data_raw else None)
    os.execv(argv[0], argv)


def write_kernelspec(jupyter_path: Path) -> Path:
    """Write the sandbox kernelspec under ``jupyter_path/kernels``; return its folder."""
    folder = jupyter_path / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-c", "from backchannels.grading.confine import main; main()",
                     "{connection_file}"],
            "display_name": "Python 3 (grading sandbox)", "language": "python",
            # A signal would reach bwrap, not the kernel inside: interrupt by message instead.
            "interrupt_mode": "message",
            "metadata": {"debugger": False}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


def ensure_sandbox() -> int:
    """Install bubblewrap where that is possible and it is missing; say whether grading can confine."""
    from backchannels.browser import apt_install, can_apt_install

    if bwrap_path() is None and can_apt_install():
        apt_install("bubblewrap")
    problem = sandbox_problem()
    print(f"grading sandbox: {'ready' if problem is None else 'unavailable: ' + problem}")
    return 0


def main() -> None:
    """Kernelspec entry point: ``CONNECTION_FILE [kernel arguments]``."""
    if len(sys.argv) < 2:
        raise SystemExit("usage: backchannels.grading.confine CONNECTION_FILE [kernel args]")
    launch_kernel(sys.argv[1], sys.argv[2:])

