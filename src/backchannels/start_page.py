"""The self-study app's start page: every lesson by title, minutes and guiding question, with progress.

Voila renders the page from the ``backchannels`` template's ``tree.html``; this module puts the
course data into the page configuration Voila hands that template (``page_config_hook``). The
lesson list comes from ``data/lessons.csv``; a lesson's link goes to the notebook in the served
folder whose name starts with its number, so renaming a lesson's file needs no change here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from backchannels.course import load_lessons
from backchannels.export import lesson_paths

PAGE_KEY = "backchannels"


@dataclass(frozen=True)
class StartEntry:
    """One lesson on the start page."""

    number: str
    title: str
    minutes: int
    question: str
    path: str
    answered: int
    correct: int
    total: int


def _progress() -> dict[str, tuple[int, int, int]]:
    """Return lesson number -> (answered, correct, total) from the student's saved answers."""
    try:
        from backchannels.quiz.progress import progress_overview

        return {r.lesson[:2]: (r.answered, r.correct, r.total) for r in progress_overview().rows}
    except Exception:  # noqa: BLE001 - a broken bank must not take the start page down
        return {}


def start_entries(folder: Path) -> list[StartEntry]:
    """Return the lessons found in folder, in the order and with the titles of lessons.csv."""
    files = {p.name[:2]: p.name for p in lesson_paths(folder)}
    progress = _progress()
    entries = []
    for lesson in load_lessons():
        if lesson.number not in files:
            continue
        answered, correct, total = progress.get(lesson.number, (0, 0, 0))
        entries.append(StartEntry(lesson.number, lesson.title, lesson.minutes, lesson.guiding_question,
                                  files[lesson.number], answered, correct, total))
    return entries


def _served_folder(settings: dict[str, Any]) -> Path:
    """Return the folder Voila serves (its contents manager's root)."""
    manager = settings.get("contents_manager") if isinstance(settings, dict) else None
    root = getattr(manager, "root_dir", None)
    return Path(root) if root else Path.cwd()


def page_config_hook(page_config: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Voila page_config_hook: add the course's lessons and progress for the start page."""
    path = str(kwargs.get("notebook_path") or "")
    if path.endswith(".ipynb"):
        return page_config
    try:
        entries = start_entries(_served_folder(kwargs.get("settings") or {}) / path)
    except (OSError, ValueError) as error:
        page_config[PAGE_KEY] = {"error": str(error), "lessons": []}
        return page_config
    page_config[PAGE_KEY] = {"lessons": [asdict(e) for e in entries],
                             "minutes": sum(e.minutes for e in entries)}
    return page_config
