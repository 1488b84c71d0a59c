"""JupyterHub configuration for a class taking Back Channels (a plain JupyterHub on one Linux server).

Start it as root, from the environment that holds JupyterHub, nbgitpuller and the module:

    jupyterhub -f hub/jupyterhub_config.py

Each student logs in and gets a Jupyter server running as their own Unix user
(LocalProcessSpawner) in their home folder, which this configuration makes private (mode 700).
Students get JupyterLab without nbgrader's instructor tools and without the news pop-up; the
accounts listed as instructors get formgrader, Create Assignment and the course list. Idle
servers are stopped (jupyterhub-idle-culler) and idle kernels are shut down by each server
(hub/jupyter/jupyter_server_config.json). The course id and the nbgrader exchange are set for
everyone. Memory per student is kept down by the students' server configuration (no unused
extensions, nbgrader loaded on first use, freed memory given back: backchannels.hub_memory), a
kernelspec without the debugger (hub/jupyter-data, backchannels.hub_kernel) and two malloc arenas
per process. The README's "On a JupyterHub, for the course's IT person" gives the steps;
tests/hub/test_hub.py runs this very file.

Every setting below that differs between hubs is read from an environment variable with a
default for a real hub, so the test can move ports and folders without another copy:

| variable                      | default                      | meaning |
|-------------------------------|------------------------------|---------|
| BACKCHANNELS_HUB_URL          | http://127.0.0.1:8000        | where the hub listens (behind HTTPS) |
| BACKCHANNELS_HUB_API          | http://127.0.0.1:8081        | the hub's internal API |
| BACKCHANNELS_PROXY_API        | http://127.0.0.1:8001        | configurable-http-proxy's API |
| BACKCHANNELS_PROXY_COMMAND    | configurable-http-proxy      | the proxy program (npm) |
| BACKCHANNELS_HUB_STATE        | /srv/jupyterhub              | database, cookie secret (made, 700) |
| BACKCHANNELS_AUTHENTICATOR    | pam                          | "pam" (Unix passwords) or "dummy" (tests only) |
| BACKCHANNELS_STUDENTS         | (empty)                      | comma-separated user names allowed to log in |
|                               |                              | (a name taken off it cannot log in again |
|                               |                              | after a restart; see the README) |
| BACKCHANNELS_INSTRUCTORS      | instructor                   | comma-separated user names with instructor tools |
| BACKCHANNELS_COURSE_ID        | backchannels                 | nbgrader course id |
| BACKCHANNELS_EXCHANGE         | /srv/nbgrader/exchange       | nbgrader exchange (mode 1777) |
| BACKCHANNELS_GIT_CONFIG       | (unset)                      | a git config file with safe.directory entries |
| BACKCHANNELS_CULL_IDLE        | 3600                         | seconds before an idle server is stopped |
"""

import os
import pwd
import stat
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The environment JupyterHub runs from also runs the students' servers: its bin/ holds
# jupyterhub-singleuser, and nbgrader's collect needs it on PATH (it runs `alembic`). It must be
# readable by every user: a Python under /root (pyenv) fails with PermissionError.
ENV_BIN = os.path.dirname(sys.executable)


def _names(variable: str, default: str = "") -> set[str]:
    """Return the comma-separated user names in an environment variable."""
    return {name.strip() for name in os.environ.get(variable, default).split(",") if name.strip()}


STUDENTS = _names("BACKCHANNELS_STUDENTS")
INSTRUCTORS = _names("BACKCHANNELS_INSTRUCTORS", "instructor")
COURSE_ID = os.environ.get("BACKCHANNELS_COURSE_ID", "backchannels")
EXCHANGE = os.environ.get("BACKCHANNELS_EXCHANGE", "/srv/nbgrader/exchange")
STATE = Path(os.environ.get("BACKCHANNELS_HUB_STATE", "/srv/jupyterhub"))
STUDENT_CONFIG = HERE / "jupyter"              # everyone: kernel culling, no news, no instructor tools
INSTRUCTOR_CONFIG = HERE / "jupyter-instructor"  # instructors only: nbgrader's instructor tools back on
KERNELS = HERE / "jupyter-data"                # the Python kernelspec: ipykernel without debugpy

c = get_config()  # noqa: F821 (provided by JupyterHub)

# --- network and state -----------------------------------------------------------------------
# Loopback only: students reach the hub through an HTTPS proxy on the same machine (their
# passwords must not cross the network in plain HTTP), and nobody can go around it.
c.JupyterHub.bind_url = os.environ.get("BACKCHANNELS_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = os.environ.get("BACKCHANNELS_HUB_API", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("BACKCHANNELS_PROXY_API", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.command = [os.environ.get("BACKCHANNELS_PROXY_COMMAND", "configurable-http-proxy")]
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)  # JupyterHub does not make it
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")  # not the working folder

# Quiet logs: warnings and errors only, from the hub and the proxy (students' servers: the same
# in hub/jupyter/jupyter_server_config.json).
c.JupyterHub.log_level = "WARN"
c.ConfigurableHTTPProxy.log_level = "warn"
c.Application.log_level = "WARN"

# --- who may log in --------------------------------------------------------------------------
c.JupyterHub.authenticator_class = os.environ.get("BACKCHANNELS_AUTHENTICATOR", "pam")
if STUDENTS or INSTRUCTORS:
    c.Authenticator.allowed_users = STUDENTS | INSTRUCTORS
    # JupyterHub otherwise keeps letting in everyone already in its database (allow_existing_users
    # defaults to True when allowed_users is set), so a student taken off the list could still log in.
    c.Authenticator.allow_existing_users = False
if c.JupyterHub.authenticator_class == "dummy":
    # Tests only: any password is accepted, so the allowed list above is the only gate.
    c.DummyAuthenticator.password = os.environ.get("BACKCHANNELS_DUMMY_PASSWORD", "")

# --- each student's server -------------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [os.path.join(ENV_BIN, "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "PATH": f"{ENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    # Read after the user's own ~/.jupyter and before the environment's defaults.
    "JUPYTER_CONFIG_PATH": str(STUDENT_CONFIG),
    # Searched before the environment's share/jupyter: its kernels/python3 replaces ipykernel's
    # own spec with one that does not load the debugger (backchannels.hub_kernel, 7 MiB a kernel).
    "JUPYTER_PATH": str(KERNELS),
    # Read by hub/jupyter/nbgrader_config.py, for students and instructors alike.
    "BACKCHANNELS_COURSE_ID": COURSE_ID,
    "BACKCHANNELS_EXCHANGE": EXCHANGE,
    # glibc gives each thread that allocates its own malloc arena (up to 8 per core); two are
    # enough for a server and a kernel, and fewer arenas keep less freed memory resident.
    "MALLOC_ARENA_MAX": "2",
}
if os.environ.get("BACKCHANNELS_GIT_CONFIG"):
    # git refuses a repository owned by another user (a course repository on this machine)
    # unless it is listed as safe.directory in protected config: system config counts.
    c.Spawner.environment["GIT_CONFIG_SYSTEM"] = os.environ["BACKCHANNELS_GIT_CONFIG"]


def make_home_private(name: str) -> None:
    """Make a user's home folder private (700) if it is theirs and others may read it.

    Debian's `useradd -m` makes homes readable by everyone (755): students could read each other's
    homework and the instructor's sources. (Set HOME_MODE 0700 in /etc/login.defs for new users.)
    """
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        return
    home = Path(user.pw_dir)
    if home.is_dir():
        info = home.stat()
        if info.st_uid == user.pw_uid and stat.S_IMODE(info.st_mode) & 0o077:
            home.chmod(0o700)


# Everyone listed, at every hub start, whether or not they ever log in (the instructor's course
# folder must be private before any student starts a server) ...
for _name in STUDENTS | INSTRUCTORS:
    make_home_private(_name)


def pre_spawn_hook(spawner) -> None:  # noqa: ANN001 (JupyterHub's Spawner)
    """Make the user's home private (700) and give instructors their tools."""
    name = spawner.user.name
    make_home_private(name)  # ... and anyone else at their first start
    if name in INSTRUCTORS:
        spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(INSTRUCTOR_CONFIG), str(STUDENT_CONFIG)])


c.Spawner.pre_spawn_hook = pre_spawn_hook

# --- idle servers and kernels ----------------------------------------------------------------
# jupyterhub-idle-culler stops servers idle for BACKCHANNELS_CULL_IDLE seconds (memory comes
# back to the node); each server shuts down kernels idle for 20 minutes on its own
# (hub/jupyter/jupyter_server_config.json), since JupyterLab keeps every opened lesson's kernel.
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(os.environ.get('BACKCHANNELS_CULL_IDLE', '3600'))}", "--cull-every=300"],
}]
