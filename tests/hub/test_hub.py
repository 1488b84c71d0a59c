"""A whole class on a real JupyterHub: students, the course link, homework through nbgrader's exchange.

Runs as root (as CI does): JupyterHub with hub/jupyterhub_config.py on free loopback ports,
LocalProcessSpawner with real Unix users created for the test, the README's own nbgitpuller link
pointed at a local bare repository of the student copy (make student-dist), three students
logging in through the login page in Chromium, each running lesson 00 and answering an exercise;
then nbgrader's exchange round trip (release, fetch, submit, collect, grade with the module's
grader, feedback) with the expected scores, and checks that nobody reads another's files. Every
user, home, folder and process it makes is removed at the end, also when it fails.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from backchannels import studentdist
from backchannels.bench import solution_text
from tests.support import hub as hubs
from tests.support.checkout import append_note, copy_checkout
from tests.support.hub import (api, course_link, finish_lesson, login_through_link, memory_of, start_lesson,
                                user_processes)

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "ps1_concepts"
LESSON = "00_start_here.ipynb"
UPDATED_LESSON = "notebooks/01_what_is_a_back_channel.ipynb"
ERRATUM = "Erratum published after the course link was first used."
OWN_NOTE = "A note of the student's own."

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.timeout(900)]


def update_student_copy(dist: Path, bare: Path, course: Path) -> None:
    """Correct a lesson in a copy of the course, rebuild the student copy, push it (no force)."""
    append_note(copy_checkout(REPO, course) / UPDATED_LESSON, "erratum", ERRATUM)
    studentdist.build(course, dist, git=True)
    hubs._run(["git", "-C", str(dist), "push", "--quiet", str(bare), "main"])
    subprocess.run(["chmod", "-R", "a+rX", str(bare)], check=True)


def expected_points(instructor_nb: dict[str, Any]) -> dict[str, float]:
    """Return the points each answer cell's tests are worth (answer grade_id -> points)."""
    points: dict[str, float] = {}
    answers = [c["metadata"]["nbgrader"]["grade_id"] for c in instructor_nb["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"]
    for cell in instructor_nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            owner = max((a for a in answers if meta["grade_id"].startswith(a)), key=len, default=None)
            if owner is not None:
                points[owner] = points.get(owner, 0.0) + float(meta.get("points", 0))
    return points


@pytest.fixture(scope="module")
def hub_session(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Start a hub with three students and an instructor; remove all of it afterwards."""
    reason = hubs.hub_unavailable()
    if reason:
        pytest.skip(reason)
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    dist = tmp_path_factory.mktemp("dist") / "student"
    studentdist.build(REPO, dist, git=True)
    env = hubs.ensure_hub_env(REPO, dist)
    timings["environment"] = env.seconds
    tag = os.urandom(3).hex()
    session = hubs.HubSession(REPO, env, students=[f"bc{tag}s{i}" for i in (1, 2, 3)],
                              instructors=[f"bc{tag}i"])
    try:
        bare = session.root / "course.git"
        hubs._run(["git", "clone", "--quiet", "--bare", str(dist), str(bare)])
        session.prepare(safe_directories=[bare])
        subprocess.run(["chmod", "-R", "a+rX", str(bare)], check=True)
        session.start()
        timings["setup_total"] = time.monotonic() - t0
        timings["hub_start"] = session.start_seconds
        yield session, bare, dist, timings
    finally:
        session.close()
        for name in session.users:
            assert hubs.user_processes(name) == [], f"processes of {name} survived"
        import psutil

        leftovers = []
        for proc in psutil.process_iter(["cmdline", "create_time"]):
            cmd = " ".join(proc.info.get("cmdline") or [])
            started_here = (proc.info.get("create_time") or 0) >= session.started_at
            if str(session.root) in cmd or (started_here and "jupyterhub_idle_culler" in cmd
                                            and str(session.env.venv) in cmd):
                leftovers.append((proc.pid, cmd[:80]))
        assert not leftovers, f"processes of the hub survived: {leftovers}"


def test_a_class_on_a_real_jupyterhub(hub_session: Any, browser: Any, results_dir: Path) -> None:
    hub, bare, dist, timings = hub_session
    link, lesson_path = course_link(hub.url, bare)
    folder = lesson_path.split("/")[0]
    t_students = time.monotonic()

    # --- three students open the README's link, log in, run lesson 00, answer an exercise ------
    contexts, pages = [], {}
    for i, name in enumerate(hub.students):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        pages[name] = page
        login_through_link(page, hub.password, link, name, results_dir / "hub_login.png" if i == 0 else None)
    try:
        for name in hub.students:  # the three lessons run side by side, as in a class
            start_lesson(pages[name])
        for i, name in enumerate(hub.students):
            page = pages[name]
            feedback = finish_lesson(page, results_dir / "hub_student_lesson.png" if i == 0 else None)
            assert re.search(r"Correct|Not quite", feedback), feedback
            assert f"/user/{name}/lab" in page.url and lesson_path.split("/")[-1] in page.url, page.url
            # The student's JupyterLab: no news pop-up, no nbgrader instructor tools.
            page_config = page.evaluate(
                "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
            assert page_config["news"]["disabled"] is True
            assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= \
                set(page_config["disabledExtensions"])
            assert page.locator("text=Would you like to get notified").count() == 0
        timings["three_students_login_to_answer"] = time.monotonic() - t_students
        import psutil

        services = [" ".join(p.cmdline()) for p in psutil.Process(hub.process.pid).children(recursive=True)]
        assert any("jupyterhub_idle_culler" in c for c in services), "the idle culler is not running"
        memory = {name: memory_of(name) for name in hub.students}
        for name in hub.students:  # each lesson kernel comes from the hub's kernelspec (no debugpy)
            kernels = [" ".join(p.cmdline()) for p in user_processes(name) if "-f" in p.cmdline()]
            assert kernels and all("-m backchannels.hub_kernel" in k for k in kernels), kernels

        # --- what each student has: a private home, their own progress, no solutions -----------
        for name in hub.students:
            home = Path(f"~{name}").expanduser()
            info = home.stat()
            assert stat.S_IMODE(info.st_mode) == 0o700, f"{home} is {oct(info.st_mode)}"
            progress = list((home / ".local" / "share" / "backchannels").rglob("*"))
            saved = [p for p in progress if p.is_file() and p.stat().st_size > 0]
            assert saved, f"no progress saved in {home}"
            assert all(p.stat().st_uid == info.st_uid for p in saved)
            clone = home / folder
            assert (clone / lesson_path.split("/", 1)[1]).is_file()
            assert not (clone / "exercises" / "source").exists()
            assert studentdist.check(clone, REPO) == []

        # --- the instructor publishes a correction; a second click of the link brings it in -----
        t = time.monotonic()
        name = hub.students[0]
        clone = Path(f"~{name}").expanduser() / folder
        # The student has edited a lesson of their copy (a note of their own in lesson 02).
        own = clone / "notebooks" / "02_why_back_channels.ipynb"
        append_note(own, "mine", OWN_NOTE)  # written in place: still theirs
        update_student_copy(dist, bare, hub.root / "course-update")
        again = contexts[0].new_page()  # the lesson stays open in their first tab
        again.goto(link)
        again.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=60_000)
        deadline = time.monotonic() + 30
        while ERRATUM not in (clone / UPDATED_LESSON).read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.25)
        again.close()
        assert ERRATUM in (clone / UPDATED_LESSON).read_text(encoding="utf-8"), "the update did not arrive"
        assert OWN_NOTE in own.read_text(encoding="utf-8"), "the student's own edit was lost"
        timings["second_click_update"] = time.monotonic() - t

        # --- homework through nbgrader's exchange ---------------------------------------------
        t_exchange = time.monotonic()
        instructor = hub.instructors[0]
        ihome = Path(f"~{instructor}").expanduser()
        course = copy_checkout(REPO, ihome / "course")
        subprocess.run(["chown", "-R", f"{instructor}:{instructor}", str(course)], check=True)
        ienv = {**hub.server_env(instructor), "PYTHONPATH": str(course / "src")}
        exercises = course / "exercises"
        # The student versions are committed (exercises/release/), so release needs no
        # generate_assignment; the grader makes its own gradebook.
        t = time.monotonic()
        hubs.as_user(instructor, ["nbgrader", "release_assignment", ASSIGNMENT], ienv, cwd=exercises)
        timings["release"] = time.monotonic() - t

        instructor_nb = json.loads((REPO / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
                                   .read_text(encoding="utf-8"))
        solutions = {c["metadata"]["nbgrader"]["grade_id"]: solution_text("".join(c["source"]))
                     for c in instructor_nb["cells"]
                     if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
        points = expected_points(instructor_nb)
        answer_ids = list(solutions)
        right = {hub.students[0]: answer_ids, hub.students[1]: answer_ids[: len(answer_ids) // 2],
                 hub.students[2]: []}
        expected = {name: sum(points.get(a, 0.0) for a in ids) for name, ids in right.items()}
        total = sum(points.values())
        assert total > 0 and expected[hub.students[0]] == total

        # Students find their homework under Course -> Assignment List (nbgrader's own panel).
        t = time.monotonic()
        first = pages[hub.students[0]]
        first.click("li.lm-MenuBar-item:has-text('Course')")
        first.click("li.lm-Menu-item[data-command='nbgrader:open-assignment-list']")
        first.locator("#nbgrader-assignment-list").get_by_text(ASSIGNMENT).first.wait_for(timeout=30_000)
        first.screenshot(path=str(results_dir / "hub_student_assignments.png"))
        for name, page in pages.items():
            listed = api(page, "GET", f"/user/{name}/assignments?course_id=backchannels")
            assert listed["success"], listed
            assert [a["assignment_id"] for a in listed["value"] if a["status"] == "released"] == [ASSIGNMENT]
            if page is first:  # the first student clicks Fetch in the panel; the others use its API
                panel = page.locator("#nbgrader-assignment-list")
                panel.get_by_role("button", name="Fetch").click()
                panel.get_by_role("button", name="Submit").wait_for(timeout=30_000)
            else:
                api(page, "POST", f"/user/{name}/assignments/fetch",
                    {"course_id": "backchannels", "assignment_id": ASSIGNMENT})
            path = f"/user/{name}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
            model = api(page, "GET", f"{path}?content=1")
            for cell in model["content"]["cells"]:
                grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
                if grade_id in right[name]:
                    cell["source"] = solutions[grade_id]
            api(page, "PUT", path, {"type": "notebook", "format": "json", "content": model["content"]})
            if page is first:
                panel.get_by_role("button", name="Submit").click()
                page.wait_for_function("() => !document.querySelector('#nbgrader-assignment-list')"
                                       ".innerText.includes('There are no submitted assignments')",
                                       timeout=30_000)
                page.screenshot(path=str(results_dir / "hub_student_submitted.png"))
            else:
                submitted = api(page, "POST", f"/user/{name}/assignments/submit",
                                {"course_id": "backchannels", "assignment_id": ASSIGNMENT})
                assert submitted.get("success", True), submitted

        timings["fetch_and_submit"] = time.monotonic() - t
        t = time.monotonic()
        hubs.as_user(instructor, ["nbgrader", "collect", ASSIGNMENT], ienv, cwd=exercises)
        timings["collect"] = time.monotonic() - t
        t = time.monotonic()
        graded = hubs.as_user(instructor, ["python", "-m", "backchannels.grading", "grade",
                                           str(exercises / "submitted"), "--out", str(exercises)],
                              ienv, cwd=course, timeout=600)
        timings["grade"] = time.monotonic() - t
        with open(exercises / "grades.csv", encoding="utf-8") as handle:
            rows = {row["student_id"]: row for row in csv.DictReader(handle)}
        assert set(rows) == set(hub.students), graded.stdout
        for name in hub.students:
            assert float(rows[name]["score"]) == pytest.approx(expected[name]), rows[name]
            assert float(rows[name]["max_score"]) == pytest.approx(total)

        t = time.monotonic()
        hubs.as_user(instructor, ["nbgrader", "release_feedback", ASSIGNMENT], ienv, cwd=exercises)
        for name, page in pages.items():
            pattern = f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"
            if page is first:
                panel.get_by_role("button", name="Fetch Feedback").click()
                deadline = time.monotonic() + 30
                while not list(Path(f"~{name}").expanduser().glob(pattern)) and time.monotonic() < deadline:
                    time.sleep(0.25)
            else:
                api(page, "POST", f"/user/{name}/assignments/fetch_feedback",
                    {"course_id": "backchannels", "assignment_id": ASSIGNMENT})
            pages_ = list(Path(f"~{name}").expanduser().glob(pattern))
            assert len(pages_) == 1, pages_
            text = pages_[0].read_text(encoding="utf-8")
            assert "HIDDEN TESTS" not in text
            assert re.search(rf"Score:\s*{expected[name]:g}", text) or f"{expected[name]:g} / {total:g}" in text \
                or f"{expected[name]:.1f} / {total:.1f}" in text
        timings["feedback"] = time.monotonic() - t
        timings["exchange_round_trip"] = time.monotonic() - t_exchange

        # --- nobody reads another's files --------------------------------------------------------
        a, b = hub.students[0], hub.students[1]
        senv = hub.server_env(a)
        b_home = Path(f"~{b}").expanduser()
        b_progress = next(p for p in (b_home / ".local" / "share" / "backchannels").rglob("*") if p.is_file())
        for target in (b_progress, b_home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                       course / "exercises" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                       exercises / "grades.csv"):
            denied = hubs.as_user(a, ["cat", str(target)], senv, check=False)
            assert denied.returncode != 0 and "Permission denied" in denied.stderr, target
        listing = hubs.as_user(a, ["ls", str(hub.exchange / "backchannels" / "inbound")], senv, check=False)
        assert listing.returncode != 0, "a student can list the others' submissions"
    except BaseException:
        for name, page in pages.items():  # what each student saw when it failed
            try:
                page.screenshot(path=str(results_dir / f"FAILED-hub-{name}.png"))
            except Exception:  # noqa: BLE001 - a closed page has nothing to show
                pass
        raise
    finally:
        for context in contexts:
            context.close()

    timings["memory_mib"] = memory  # type: ignore[assignment]
    (results_dir / "hub-timings.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(json.dumps(timings, indent=2))
