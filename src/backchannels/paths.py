"""Where the module's files live: the data folder, the lessons and the user's own data folder."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path | None:
    """Return the repository folder when the package runs from a checkout, else None."""
    candidate = _PACKAGE_DIR.parents[1]
    if (candidate / "data").is_dir() and (candidate / "notebooks").is_dir():
        return candidate
    return None


def data_dir() -> Path:
    """Return the folder holding the module's tables, banks and references.

    Order: the BACKCHANNELS_DATA environment variable (a lecturer's own copy), the checkout's
    ``data/`` folder (so edits show up at once), then the copy shipped inside the wheel.
    """
    override = os.environ.get("BACKCHANNELS_DATA")
    if override:
        return Path(override).expanduser().resolve()
    root = repo_root()
    if root is not None:
        return root / "data"
    return Path(str(resources.files("backchannels") / "_data"))


def notebooks_dir() -> Path | None:
    """Return the checkout's ``notebooks/`` folder, or None outside a checkout."""
    root = repo_root()
    return root / "notebooks" if root is not None else None


def user_data_dir() -> Path:
    """Return the per-user folder for progress files (created on first use).

    BACKCHANNELS_USER_DIR overrides it; otherwise XDG_DATA_HOME (or ~/.local/share) on Linux,
    ~/Library/Application Support on macOS, %APPDATA% on Windows. Always inside the user's home,
    so a shared JupyterHub never mixes two students' progress.
    """
    override = os.environ.get("BACKCHANNELS_USER_DIR")
    if override:
        base = Path(override).expanduser()
    elif os.name == "nt":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "backchannels"
    elif os.uname().sysname == "Darwin":
        base = Path.home() / "Library" / "Application Support" / "backchannels"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "backchannels"
    base.mkdir(parents=True, exist_ok=True)
    return base


def user_cache_dir() -> Path:
    """Return the per-user folder for files that can be rebuilt at will (created on first use).

    BACKCHANNELS_CACHE_DIR overrides it; otherwise XDG_CACHE_HOME (or ~/.cache) on Linux,
    ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows.
    """
    override = os.environ.get("BACKCHANNELS_CACHE_DIR")
    if override:
        base = Path(override).expanduser()
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "backchannels" / "Cache"
    elif os.uname().sysname == "Darwin":
        base = Path.home() / "Library" / "Caches" / "backchannels"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "backchannels"
    base.mkdir(parents=True, exist_ok=True)
    return base
