"""environment.yml (conda, Binder, repo2docker) and pyproject.toml must list the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# conda-forge names that differ from the PyPI names used in pyproject.toml.
CONDA_NAME_FOR = {"playwright": "playwright-python"}
# Packages that conda-forge does not carry; environment.yml installs them through its pip part.
PIP_ONLY = {"axe-playwright-python"}


def _split(requirement: str) -> tuple[str, str]:
    """Return (normalised name, version specifier) of a requirement string."""
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    """Return every runtime and test requirement of the package."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in requirements)


def _environment() -> dict:
    """Return environment.yml parsed."""
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def test_environment_is_conda_forge_only_with_python_311_or_newer() -> None:
    env = _environment()
    assert env["channels"] == ["conda-forge"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python>=3.11"]


def test_conda_and_pip_parts_match_pyproject() -> None:
    env = _environment()
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pip = dict(_split(d) for d in pip_part if not d.startswith("-e"))
    expected = _pyproject_requirements()
    listed: dict[str, str] = {}
    for name, spec in expected.items():
        if name in PIP_ONLY:
            listed[name] = pip.get(name, "<missing from the pip part>")
        else:
            listed[name] = conda.get(CONDA_NAME_FOR.get(name, name), "<missing>")
    assert listed == expected, "environment.yml and pyproject.toml disagree; edit both together"
    extra = set(conda) - {CONDA_NAME_FOR.get(n, n) for n in expected} - {"python", "pip"}
    assert not extra, f"environment.yml lists packages pyproject.toml does not: {sorted(extra)}"
    assert set(pip) <= PIP_ONLY, f"only packages missing from conda-forge belong in pip: {set(pip)}"


def test_pip_part_installs_the_package_itself() -> None:
    pip_part = next(d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part


def test_no_jupyter_process_pays_for_the_slow_iri_grammar() -> None:
    # The jsonschema cap in pyproject.toml keeps rfc3987-syntax (a ~3 s import) out of nbformat.
    import subprocess
    import sys

    code = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
