"""Which Chromium the browser tests and the benchmark drive: an override, the headless shell, a browser."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from backchannels import browser


def _executable(path: Path) -> Path:
    """Create an empty executable file at path and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH and Playwright cache holding nothing yet, and no machine-wide candidates."""
    monkeypatch.delenv("BACKCHANNELS_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    monkeypatch.setattr(browser, "_SYSTEM_CANDIDATES", ())
    return tmp_path


def test_nothing_found_gives_none(bare: Path) -> None:
    assert browser.find_chromium() is None


def test_the_headless_shell_comes_before_a_full_browser(bare: Path) -> None:
    _executable(bare / "bin" / "chromium")
    shell = _executable(bare / "bin" / "chromium-headless-shell")
    assert browser.find_chromium() == str(shell)


def test_a_full_browser_when_there_is_no_headless_shell(bare: Path) -> None:
    full = _executable(bare / "bin" / "chromium")
    assert browser.find_chromium() == str(full)
    assert browser.find_headless_shell() is None


def test_playwrights_headless_shell_download_is_found(bare: Path) -> None:
    _executable(bare / "ms-playwright" / "chromium-1187" / "chrome-linux" / "chrome")
    shell = _executable(bare / "ms-playwright" / "chromium_headless_shell-1187"
                        / "chrome-linux" / "headless_shell")
    assert browser.find_chromium() == str(shell)


def test_the_override_wins_and_a_wrong_override_finds_nothing(bare: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _executable(bare / "bin" / "chromium-headless-shell")
    mine = _executable(bare / "elsewhere" / "my-chrome")
    monkeypatch.setenv("BACKCHANNELS_CHROMIUM", str(mine))
    assert browser.find_chromium() == str(mine)
    monkeypatch.setenv("BACKCHANNELS_CHROMIUM", str(bare / "missing"))
    assert browser.find_chromium() is None
