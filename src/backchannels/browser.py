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
    "  Debian (as root):        apt-get install -y chromium-headless-shell   (or chromium)\n"
    "  Ubuntu (as root):        apt-get install -y chromium-browser\n"
    "  any connected machine:   .venv/bin/python -m playwright install chromium\n"
    "  or point BACKCHANNELS_CHROMIUM at an existing Chrome/Chromium binary."
)

# Every use here is headless (Playwright's tests and the benchmark), so Chromium's headless shell
# comes first where there is one: the same Blink engine without the desktop browser around it, and
# about a fifth less CPU over the browser tests (measured on 3 December 2026).
_HEADLESS_NAMES = ("chromium-headless-shell", "chrome-headless-shell")
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_SYSTEM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
HEADLESS_PACKAGE = "chromium-headless-shell"  # Debian's; Ubuntu has none (its chromium is a snap)


def _playwright_cache() -> str:
    """Return the folder where `playwright install` keeps its browsers."""
    return os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(
        Path.home() / ("Library/Caches/ms-playwright" if sys.platform == "darwin" else ".cache/ms-playwright")
    )


def _playwright_downloads(headless_shell: bool = False) -> list[str]:
    """Return Chromium binaries (or headless shells) that `playwright install` left, newest first."""
    if headless_shell:
        patterns = ["chromium_headless_shell-*/chrome-*/headless_shell",
                    "chromium_headless_shell-*/chrome-headless-shell-*/chrome-headless-shell"]
    else:
        patterns = [
            "chromium-*/chrome-linux*/chrome",
            "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
            "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
        ]
    cache = _playwright_cache()
    found = [p for pattern in patterns for p in glob.glob(os.path.join(cache, pattern))]
    return sorted(found, reverse=True)


def _first_usable(names: tuple[str, ...], paths: list[str] | tuple[str, ...]) -> str | None:
    """Return the first of these commands on PATH (not a snap) or executable paths, else None."""
    for name in names:
        path = shutil.which(name)
        if path and "/snap/" not in os.path.realpath(path):
            return path
    return next((path for path in paths if os.access(path, os.X_OK)), None)


def find_headless_shell() -> str | None:
    """Return Chromium's headless shell (Debian's package or Playwright's download), or None."""
    return _first_usable(_HEADLESS_NAMES, _playwright_downloads(headless_shell=True))


def find_chromium() -> str | None:
    """Return the Chromium to drive headless: BACKCHANNELS_CHROMIUM, the headless shell, a browser."""
    override = os.environ.get("BACKCHANNELS_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    return find_headless_shell() or _first_usable(
        _BROWSER_NAMES, (*_SYSTEM_CANDIDATES, *_playwright_downloads()))


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
    """Return a Chromium path, installing one first when the machine has none.

    As root on Debian the lighter headless shell is installed even beside a full Chromium; where
    that package does not exist (Ubuntu) a Chromium already present is used as it is.
    """
    if os.environ.get("BACKCHANNELS_CHROMIUM") or find_headless_shell():
        path = find_chromium()
        if path:
            return path
    if can_apt_install():
        try:
            apt_install(HEADLESS_PACKAGE)
        except subprocess.CalledProcessError:
            if not find_chromium():
                apt_install("chromium")
    elif not find_chromium():
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
