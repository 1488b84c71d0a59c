"""The vendored MathJax 3 (npm ``mathjax``, Apache-2.0): where its files are, and a copy for a site.

A page loads ``tex-chtml.js``; MathJax finds its fonts and on-demand TeX extensions relative to
that script, so copying the whole folder next to the pages (``copy_mathjax``) keeps maths offline.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_VERSION = "3.2.2"
SCRIPT = "tex-chtml.js"


def mathjax_dir() -> Path:
    """Return the folder holding the vendored MathJax (package data)."""
    return Path(str(resources.files("backchannels.render") / "vendor" / "mathjax"))


def mathjax_script() -> Path:
    """Return the path of the MathJax script a page loads (TeX input, HTML output)."""
    path = mathjax_dir() / SCRIPT
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the vendored MathJax is missing; reinstall the backchannels package.")
    return path


def mathjax_licence() -> Path:
    """Return the path of MathJax's licence file (Apache License 2.0)."""
    return mathjax_dir() / "LICENSE"


def mathjax_files() -> list[Path]:
    """Return every vendored MathJax file (script, fonts, extensions, licence), sorted."""
    return sorted(p for p in mathjax_dir().rglob("*") if p.is_file())


def copy_mathjax(target: Path) -> Path:
    """Copy the vendored MathJax (licence included) into target/mathjax and return the script's path there."""
    destination = Path(target) / "mathjax"
    shutil.copytree(mathjax_dir(), destination, dirs_exist_ok=True)
    return destination / SCRIPT
