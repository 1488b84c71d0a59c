"""The grader's cache of generated gradebooks: a new key whenever what nbgrader generates from changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backchannels import grading
from backchannels.grading.generate import _cached_gradebook, _gradebook_key, _store_gradebook
from backchannels.paths import user_cache_dir

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    copy = tmp_path / "course"
    copy.mkdir()
    shutil.copy2(EXERCISES / "nbgrader_config.py", copy / "nbgrader_config.py")
    shutil.copytree(EXERCISES / "source", copy / "source")
    return copy


def test_the_key_is_stable_and_ignores_checkpoints(course: Path) -> None:
    key = _gradebook_key(course)
    assert key == _gradebook_key(course)
    checkpoints = course / "source" / "ps1_concepts" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    (checkpoints / "ps1_concepts-checkpoint.ipynb").write_text("{}")
    assert _gradebook_key(course) == key


@pytest.mark.parametrize("edit", ["source", "config", "new file"])
def test_editing_what_generate_reads_changes_the_key(course: Path, edit: str) -> None:
    key = _gradebook_key(course)
    if edit == "source":
        notebook = course / "source" / "ps1_concepts" / "ps1_concepts.ipynb"
        notebook.write_text(notebook.read_text(encoding="utf-8").replace("ps1", "ps1 ", 1), encoding="utf-8")
    elif edit == "config":
        with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
            config.write("\nc.Execute.timeout = 31\n")
    else:
        (course / "source" / "ps1_concepts" / "data.csv").write_text("a,b\n1,2\n")
    assert _gradebook_key(course) != key


def test_the_cache_lives_where_the_environment_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    course: Path) -> None:
    monkeypatch.setenv("BACKCHANNELS_CACHE_DIR", str(tmp_path / "cache"))
    assert user_cache_dir() == tmp_path / "cache"
    cached = _cached_gradebook(course)
    assert cached.parent == tmp_path / "cache" / "gradebooks"
    fake = tmp_path / "gradebook.db"
    fake.write_bytes(b"SQLite format 3\0")
    _store_gradebook(course, fake)
    assert grading.prepared_gradebook(course) == cached  # a hit: nbgrader does not run
    assert cached.read_bytes() == fake.read_bytes()
    assert not list(cached.parent.glob("*.tmp*"))


def test_small_classes_get_one_worker_per_core_large_ones_one_more(monkeypatch) -> None:
    monkeypatch.setattr(grading.run.os, "cpu_count", lambda: 2)
    assert grading.default_jobs(1) == 1
    assert grading.default_jobs(10) == 2  # an extra worker's start-up would not pay off
    assert grading.default_jobs(24) == 3
    assert grading.default_jobs(100) == 3
    assert grading.default_jobs() == 3
