"""Find (or install) the Chromium that the browser tests and the benchmark drive through Playwright."""

from __future__ import annotations

import argparse
import glob
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

INSTALL_HINT = (
    "No Chromium or Chrome was found. Install one, then run the tests again:\n"
    "  Debian/Ubuntu (as root): apt-get install -y chromium   (Ubuntu: chromium-browser)\n"
    "  any connected machine:   .venv/bin/python -m playwright install chromium\n"
    "  or point BACKCHANNELS_CHROMIUM at an existing Chrome/Chromium binary."
)

_SYSTEM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)


def _playwright_downloads() -> list[str]:
    """Return Chromium binaries that `playwright install` left in its cache, newest first."""
    cache = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(
        Path.home() / ("Library/Caches/ms-playwright" if sys.platform == "darwin" else ".cache/ms-playwright")
    )
    patterns = [
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    ]
    found = [p for pattern in patterns for p in glob.glob(os.path.join(cache, pattern))]
    return sorted(found, reverse=True)


def find_chromium() -> str | None:
    """Return the path of a usable Chromium or Chrome binary, or None when there is none."""
    override = os.environ.get("BACKCHANNELS_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path and "/snap/" not in os.path.realpath(path):
            return path
    for path in (*_SYSTEM_CANDIDATES, *_playwright_downloads()):
        if os.access(path, os.X_OK):
            return path
    return None


def _is_debian_like() -> bool:
    """Return True on Debian, Ubuntu and their derivatives."""
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8").lower()
    except OSError:
        return False
    return any(word in text for word in ("debian", "ubuntu"))


def can_apt_install() -> bool:
    """Return True where Debian packages can be installed here (Debian or Ubuntu, as root)."""
    return platform.system() == "Linux" and _is_debian_like() and os.geteuid() == 0


def apt_install(package: str) -> None:
    """Install one Debian package (the caller checked can_apt_install)."""
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_chromium() -> str:
    """Return a Chromium path, installing one first when the machine has none."""
    path = find_chromium()
    if path:
        return path
    if can_apt_install():
        apt_install("chromium")
    else:
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)
    path = find_chromium()
    if not path:
        raise RuntimeError(INSTALL_HINT)
    return path


def main(argv: list[str] | None = None) -> int:
    """Print the Chromium path; with --ensure, install one first when missing."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ensure", action="store_true", help="install Chromium when none is found")
    args = parser.parse_args(argv)
    try:
        path = ensure_chromium() if args.ensure else find_chromium()
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"Could not install a browser: {error}\n{INSTALL_HINT}", file=sys.stderr)
        return 1
    if not path:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
