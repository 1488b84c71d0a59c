"""The student distribution: built from the repository, holding no solution or instructor file."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backchannels import studentdist
from tests.support.checkout import append_note, copy_checkout

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the student copy once, as `make student-dist` does (with its git commit)."""
    out = tmp_path_factory.mktemp("student") / "course"
    studentdist.build(REPO, out, git=True)
    return out


def test_student_copy_has_lessons_data_package_and_release(dist: Path) -> None:
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (dist / "notebooks").glob("*.ipynb")) == lessons
    for rel in ("data/datapackage.json", "data/references.bib", "src/backchannels/__init__.py",
                "pyproject.toml", "environment.yml", "LICENSE", "README.md"):
        assert (dist / rel).is_file(), rel
    released = sorted(p.relative_to(REPO / "exercises").as_posix()
                      for p in (REPO / "exercises" / "release").rglob("*.ipynb"))
    assert released and sorted(p.relative_to(dist / "exercises").as_posix()
                               for p in (dist / "exercises" / "release").rglob("*.ipynb")) == released
    assert "no solutions" in (dist / "README.md").read_text(encoding="utf-8")


def test_student_copy_holds_no_instructor_material(dist: Path) -> None:
    for rel in ("exercises/source", "exercises/keys", "exercises/rubrics", "exercises/nbgrader_config.py",
                "exercises/README.md", "tests", "bench"):
        assert not (dist / rel).exists(), rel
    assert studentdist.check(dist, REPO) == []
    # The same check, run from the command line, is what an instructor runs before handing out.
    done = subprocess.run([sys.executable, "-m", "backchannels.studentdist", "check", str(dist),
                           "--repo", str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_student_lessons_drop_the_instructor_notes_and_keep_everything_else(dist: Path) -> None:
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        theirs = json.loads((dist / "notebooks" / path.name).read_text(encoding="utf-8"))["cells"]
        ours = json.loads(path.read_text(encoding="utf-8"))["cells"]
        kept = [c for c in ours if "instructor" not in c.get("metadata", {}).get("tags", [])]
        assert [c["source"] for c in theirs] == [c["source"] for c in kept], path.name
    assert any(len(kept) < len(ours) for ours, kept in [(json.loads((REPO / "notebooks" / n).read_text())["cells"],
               json.loads((dist / "notebooks" / n).read_text())["cells"]) for n in ("04_case_studies.ipynb",)])


def test_student_copy_is_a_clean_git_repository(dist: Path) -> None:
    status = subprocess.run(["git", "-C", str(dist), "status", "--porcelain"], capture_output=True,
                            text=True, check=True).stdout
    assert status == ""
    tracked = subprocess.run(["git", "-C", str(dist), "ls-files"], capture_output=True, text=True,
                             check=True).stdout.split()
    assert "exercises/release/ps1_concepts/ps1_concepts.ipynb" in tracked
    assert not [t for t in tracked if t.startswith("exercises/source")]


def _git(folder: Path, *args: str) -> str:
    """Run git in a folder as a named user; return its output (fails the test on an error)."""
    env = {"GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@localhost", "GIT_COMMITTER_NAME": "s",
           "GIT_COMMITTER_EMAIL": "s@localhost", "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def test_a_rebuild_is_a_new_commit_that_students_clones_can_merge(tmp_path: Path) -> None:
    """An update must share the students' history: nbgitpuller merges it (unrelated histories fail)."""
    course = copy_checkout(REPO, tmp_path / "course")  # the instructor's, edited between builds
    out = tmp_path / "student"
    studentdist.build(course, out, git=True)
    first = _git(out, "rev-parse", "HEAD")
    studentdist.build(course, out, git=True)
    assert _git(out, "rev-parse", "HEAD") == first, "an unchanged rebuild made a commit"

    # A student clones the course and runs a lesson (their copy of the notebook changes).
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(out), str(clone)], check=True)
    mine = clone / "notebooks" / "00_start_here.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8").replace('"outputs": []', '"outputs": [ ]', 1),
                    encoding="utf-8")
    # The instructor corrects lesson 01 and rebuilds.
    append_note(course / "notebooks" / "01_what_is_a_back_channel.ipynb", "erratum",
                "Erratum added after the first build.")
    studentdist.build(course, out, git=True)
    assert _git(out, "rev-parse", "HEAD~1") == first
    assert _git(out, "status", "--porcelain") == ""

    # What nbgitpuller does on the next click: fetch, commit local changes, merge -Xours.
    _git(clone, "fetch", "--quiet")
    _git(clone, "commit", "--quiet", "-am", "WIP")
    _git(clone, "merge", "--quiet", "-Xours", "origin/main")
    assert "Erratum added" in (clone / "notebooks" / "01_what_is_a_back_channel.ipynb").read_text(encoding="utf-8")
    assert '"outputs": [ ]' in mine.read_text(encoding="utf-8")


def test_secret_lines_come_from_the_instructor_sources_and_not_the_release() -> None:
    secrets = studentdist.secret_lines(REPO)
    sources = "".join(p.read_text(encoding="utf-8") for p in (REPO / "exercises" / "source").rglob("*.ipynb"))
    released = "".join(p.read_text(encoding="utf-8") for p in (REPO / "exercises" / "release").rglob("*.ipynb"))
    assert len(secrets) > 20
    for line in secrets:
        escaped = json.dumps(line, ensure_ascii=False)[1:-1]
        assert escaped in sources, line
        assert escaped not in released, line


@pytest.mark.parametrize("leak", ["source_notebook", "solution_line", "keys_file", "filled_answer", "instructor_notes"])
def test_check_catches_each_kind_of_leak(dist: Path, tmp_path: Path, leak: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(dist, copy, ignore=shutil.ignore_patterns(".git"))
    source_nb = REPO / "exercises" / "source" / "ps1_concepts" / "ps1_concepts.ipynb"
    if leak == "source_notebook":  # the instructor's notebook under an innocent name
        shutil.copy(source_nb, copy / "notebooks" / "extra_practice.ipynb")
        expected = "marker"
    elif leak == "solution_line":  # one answer line pasted into the package
        line = sorted(studentdist.secret_lines(REPO), key=len)[-1]
        with open(copy / "src" / "backchannels" / "cases.py", "a", encoding="utf-8") as handle:
            handle.write(f"\n# {line}\n")
        expected = "instructor solution"
    elif leak == "keys_file":
        (copy / "exercises" / "keys").mkdir()
        (copy / "exercises" / "keys" / "ps1_key.md").write_text("answers\n", encoding="utf-8")
        expected = "instructor-only"
    elif leak == "instructor_notes":  # a lesson copied over with its expected answers
        shutil.copy(REPO / "notebooks" / "04_case_studies.ipynb", copy / "notebooks" / "04_case_studies.ipynb")
        expected = "instructor notes"
    else:  # an answer cell with an answer in it (markers removed, so only the cell check sees it)
        nb_path = copy / "exercises" / "release" / "ps1_concepts" / "ps1_concepts.ipynb"
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")
                    and c["cell_type"] == "code")
        cell["source"] = "answer_q1 = {'a': 'back_channel'}\n"
        nb_path.write_text(json.dumps(nb), encoding="utf-8")
        expected = "more than the stub"
    problems = studentdist.check(copy, REPO)
    assert any(expected in p for p in problems), problems


def test_the_repository_itself_is_not_a_student_copy() -> None:
    problems = studentdist.check(REPO / "exercises", REPO)
    assert any("BEGIN SOLUTION" in p for p in problems)


def test_build_refuses_to_write_into_the_repository() -> None:
    with pytest.raises(ValueError, match="refusing"):
        studentdist.build(REPO, REPO / "notebooks")
