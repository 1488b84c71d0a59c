"""nbgrader's two student server extensions, imported on first use instead of at server start.

On a JupyterHub every student's server otherwise imports nbgrader (nbconvert, setuptools,
rapidfuzz, ...) at start for the Assignments panel and the Validate button: about 23 MiB of
resident memory per student, also for students who only read lessons. This extension answers the
same URLs (``/assignments...``, ``/nbgrader_version``) and imports nbgrader's own handlers on the
first request that needs them; the version check the JupyterLab extension makes at page load is
answered without importing nbgrader. Enable it instead of
``nbgrader.server_extensions.assignment_list`` and ``...validate_assignment`` (hub/jupyter/).
"""

from __future__ import annotations

import importlib
import json
from importlib.metadata import version
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

_SERVER: dict[str, Any] = {}
_ASSIGNMENT_LIST = "nbgrader.server_extensions.assignment_list.handlers"
_VALIDATE = "nbgrader.server_extensions.validate_assignment.handlers"


def _real(module_name: str, class_name: str, application: Any) -> type:
    """Import nbgrader's handler class, setting up what its extension loader would have."""
    module = importlib.import_module(module_name)
    if module_name == _ASSIGNMENT_LIST and "assignment_list_manager" not in application.settings:
        manager = module.AssignmentList(parent=_SERVER["app"])
        manager.root_dir = _SERVER["app"].root_dir
        application.settings["assignment_list_manager"] = manager
    return getattr(module, class_name)


def _lazy(module_name: str, class_name: str) -> type:
    """Return a handler class whose instances are nbgrader's own handler, imported on demand."""

    class LazyHandler(JupyterHandler):
        def __new__(cls, application: Any, request: Any, **kwargs: Any) -> Any:  # noqa: D102
            return _real(module_name, class_name, application)(application, request, **kwargs)

    LazyHandler.__name__ = f"Lazy{class_name}"
    return LazyHandler


class VersionHandler(JupyterHandler):
    """Answer the JupyterLab extension's version check without importing nbgrader."""

    @web.authenticated
    def get(self) -> None:  # noqa: D102
        ui_version, server_version = self.get_argument("version"), version("nbgrader")
        if ui_version == server_version:
            self.finish(json.dumps({"success": True}))
        else:
            self.finish(json.dumps({"success": False, "message": (
                f"The nbgrader JupyterLab extension is {ui_version} but the server has {server_version}; "
                "reinstall nbgrader so that both match.")}))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Declare this module as a Jupyter server extension."""
    return [{"module": "backchannels.hub_nbgrader"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Register nbgrader's student URLs with handlers that import nbgrader on first use."""
    _SERVER["app"] = serverapp
    webapp = serverapp.web_app
    webapp.settings["root_dir"] = serverapp.root_dir  # what validate_assignment's loader sets
    base = webapp.settings["base_url"]
    routes = [
        (r"/assignments/validate", _lazy(_VALIDATE, "ValidateAssignmentHandler")),
        (r"/assignments", _lazy(_ASSIGNMENT_LIST, "AssignmentListHandler")),
        (r"/assignments/(?P<action>fetch|submit|fetch_feedback)", _lazy(_ASSIGNMENT_LIST, "AssignmentActionHandler")),
        (r"/courses", _lazy(_ASSIGNMENT_LIST, "CourseListHandler")),
        (r"/nbgrader_version", VersionHandler),
    ]
    webapp.add_handlers(".*$", [(url_path_join(base, pattern), handler) for pattern, handler in routes])
