"""The shipped hub configuration, read without a hub (tests/hub/test_hub.py runs it for real)."""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[1]
HUB = REPO / "hub"
INSTRUCTOR_TOOLS = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                    "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:menu"}


def load_config(monkeypatch: pytest.MonkeyPatch, state: Path, **env: str) -> Config:
    """Execute hub/jupyterhub_config.py as JupyterHub would and return its settings.

    ``state`` stands in for /srv/jupyterhub, which the configuration creates.
    """
    env.setdefault("BACKCHANNELS_HUB_STATE", str(state))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = Config()
    path = HUB / "jupyterhub_config.py"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"),  # noqa: S102 - our own file
         {"get_config": lambda: config, "__file__": str(path), "__name__": "jupyterhub_config"})
    return config


def test_hub_runs_each_student_as_themselves_with_culling_and_quiet_logs(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.delenv("BACKCHANNELS_HUB_URL", raising=False)
    state = tmp_path / "srv" / "jupyterhub"
    c = load_config(monkeypatch, state, BACKCHANNELS_STUDENTS="ana,ben", BACKCHANNELS_INSTRUCTORS="ines")
    # The state folder is made, private; the hub listens on loopback only (HTTPS in front).
    assert state.is_dir() and (state.stat().st_mode & 0o777) == 0o700
    assert c.JupyterHub.db_url == f"sqlite:///{state / 'jupyterhub.sqlite'}"
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.cmd[0].startswith(str(Path(sys.executable).parent))
    assert c.Spawner.environment["PATH"].startswith(str(Path(sys.executable).parent))  # alembic
    assert c.Spawner.environment["JUPYTER_CONFIG_PATH"] == str(HUB / "jupyter")
    # Memory per student: the kernelspec without debugpy, and two malloc arenas per process.
    assert (Path(c.Spawner.environment["JUPYTER_PATH"]) / "kernels" / "python3" / "kernel.json").is_file()
    assert c.Spawner.environment["MALLOC_ARENA_MAX"] == "2"
    # A student's own plot (df.plot(), plt.show()) must show: no headless matplotlib backend.
    assert "MPLBACKEND" not in c.Spawner.environment
    assert c.Spawner.environment["BACKCHANNELS_EXCHANGE"] == "/srv/nbgrader/exchange"
    assert c.Authenticator.allowed_users == {"ana", "ben", "ines"}
    assert c.Authenticator.allow_existing_users is False  # a name taken off the list is locked out
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.log_level == "WARN"
    culler = c.JupyterHub.services[0]
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=3600" in culler["command"]
    assert set(c.JupyterHub.load_roles[0]["scopes"]) == {"list:users", "read:users:activity",
                                                         "read:servers", "delete:servers"}


def test_only_instructors_get_the_instructor_configuration(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    c = load_config(monkeypatch, tmp_path / "state", BACKCHANNELS_INSTRUCTORS="nosuchuser-bc-instructor")
    student = SimpleNamespace(user=SimpleNamespace(name="nosuchuser-bc-student"),
                              environment=dict(c.Spawner.environment))
    instructor = SimpleNamespace(user=SimpleNamespace(name="nosuchuser-bc-instructor"),
                                 environment=dict(c.Spawner.environment))
    c.Spawner.pre_spawn_hook(student)
    c.Spawner.pre_spawn_hook(instructor)
    assert student.environment["JUPYTER_CONFIG_PATH"] == str(HUB / "jupyter")
    assert instructor.environment["JUPYTER_CONFIG_PATH"].split(":") == [str(HUB / "jupyter-instructor"),
                                                                       str(HUB / "jupyter")]


def test_student_jupyter_configuration() -> None:
    server = json.loads((HUB / "jupyter" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.course_list"] is False
    assert server["LabApp"]["news_url"] is None
    culling = server["MappingKernelManager"]
    assert 0 < culling["cull_idle_timeout"] <= 3600 and culling["cull_interval"] > 0
    page = json.loads((HUB / "jupyter" / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert {k for k, v in page["disabledExtensions"].items() if v} == INSTRUCTOR_TOOLS
    overrides = json.loads((HUB / "jupyter" / "labconfig" / "default_setting_overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    menu = overrides["@jupyterlab/mainmenu-extension:plugin"]["menus"][0]
    assert menu["items"][0]["command"] == "nbgrader:open-assignment-list"


def test_instructor_configuration_turns_the_tools_back_on() -> None:
    page = json.loads((HUB / "jupyter-instructor" / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert {k for k, v in page["disabledExtensions"].items() if v is False} == INSTRUCTOR_TOOLS
    server = json.loads((HUB / "jupyter-instructor" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions.pop("backchannels.hub_nbgrader") is False  # nbgrader's own, loaded at start
    assert all(extensions.values()) and len(extensions) == 5


@pytest.mark.parametrize("who", ["student", "instructor"])
def test_a_real_server_with_the_hub_configuration(who: str, tmp_path: Path) -> None:
    """Students: no formgrader, the Assignments API through the lazy loader; instructors: formgrader."""
    import urllib.error
    import urllib.request

    from tests.support.lab import LabServer

    config = str(HUB / "jupyter") if who == "student" else f"{HUB / 'jupyter-instructor'}:{HUB / 'jupyter'}"
    (tmp_path / "exchange").mkdir()
    server = LabServer(root_dir=tmp_path, env={"JUPYTER_CONFIG_PATH": config,
                                               "BACKCHANNELS_EXCHANGE": str(tmp_path / "exchange")})
    with server:
        def get(path: str) -> tuple[int, bytes]:
            try:
                with urllib.request.urlopen(f"{server.base_url}{path}token={server.token}", timeout=30) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, b""

        status, body = get("/nbgrader_version?version=" + __import__("importlib.metadata").metadata.version("nbgrader") + "&")
        assert status == 200 and json.loads(body)["success"]
        status, body = get("/assignments?course_id=backchannels&")
        assert status == 200 and json.loads(body) == {"success": True, "value": []}
        formgrader, _ = get("/formgrader?")
        assert (formgrader == 404) if who == "student" else (formgrader in (200, 302))
        lab = get("/lab?")[1].decode()
        disabled = re.search(r'"disabledExtensions": (\[[^]]*\])', lab)
        assert disabled is not None
        assert (set(json.loads(disabled.group(1))) == INSTRUCTOR_TOOLS) if who == "student" \
            else not set(json.loads(disabled.group(1))) & INSTRUCTOR_TOOLS


def test_zero_to_jupyterhub_values_match_the_hub_configuration() -> None:
    values = yaml.safe_load((HUB / "z2jh-values.yaml").read_text(encoding="utf-8"))
    assert values["cull"] == {"enabled": True, "timeout": 3600, "every": 300}
    env = values["singleuser"]["extraEnv"]
    assert env["BACKCHANNELS_COURSE_ID"] == "backchannels"
    assert env["JUPYTER_CONFIG_PATH"].endswith("/jupyter")
    assert env["JUPYTER_PATH"].endswith("/jupyter-data") and env["MALLOC_ARENA_MAX"] == "2"
    assert "jupyter-instructor" in values["hub"]["extraConfig"]["backchannels-instructors"]
    # Every pod runs as uid 1000: a volume shared by all of them would be no private exchange.
    assert not values["singleuser"]["storage"].get("extraVolumes")


def test_readme_link_names_its_folder() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    link = re.findall(r"https://HUB/hub/user-redirect/git-pull\?\S+", text)[0].rstrip("`")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert query["targetpath"] and query["urlpath"] == f"lab/tree/{query['targetpath']}/notebooks/00_start_here.ipynb"
    assert query["branch"] == "main"


def test_systemd_unit_starts_the_shipped_configuration_from_the_readme_paths() -> None:
    import configparser

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # keys are case-sensitive in systemd
    unit.read(HUB / "backchannels-hub.service", encoding="utf-8")
    service = unit["Service"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert service["ExecStart"] == "/opt/backchannels/bin/jupyterhub -f /srv/backchannels/hub/jupyterhub_config.py"
    assert service["EnvironmentFile"] == "/srv/backchannels/hub.env" and "/srv/backchannels/hub.env" in readme
    assert service["User"] == "root" and service["WorkingDirectory"] == "/srv/backchannels"
    assert "hub/backchannels-hub.service" in readme and "python3 -m venv /opt/backchannels" in readme
