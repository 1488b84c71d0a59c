"""Give a student's Jupyter server's freed memory back to the system (glibc's malloc_trim).

A server's heap grows while it answers JupyterLab's start-up requests (settings, translations,
the notebook's contents, kernel messages), and glibc keeps most of what Python frees afterwards:
it only returns the top of the heap on its own. About 7 MiB of an idle student's server is such
freed memory. This server extension calls ``malloc_trim(0)`` every few seconds (about a
millisecond each time), which hands back every free page, also from the middle of the heap. On
systems without glibc (musl, macOS) it does nothing. Enabled in hub/jupyter/jupyter_server_config.json.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

TRIM_EVERY_SECONDS = 10


@functools.cache
def _libc() -> Any:
    """Return glibc with malloc_trim, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release_free_memory() -> bool:
    """Return freed heap memory to the system; True when glibc released some."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Declare this module as a Jupyter server extension."""
    return [{"module": "backchannels.hub_memory"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Trim the server's heap every TRIM_EVERY_SECONDS on its event loop."""
    from tornado.ioloop import PeriodicCallback

    if _libc() is None:
        serverapp.log.info("backchannels.hub_memory: no glibc malloc_trim here; nothing to do")
        return
    callback = PeriodicCallback(release_free_memory, TRIM_EVERY_SECONDS * 1000)
    callback.start()
    serverapp.web_app.settings["backchannels_trim"] = callback
