"""The course map: lesson order, titles and timings from ``data/lessons.csv``, stated once.

``python -m backchannels.course --write`` regenerates the lesson table in the README and in
``notebooks/00_start_here.ipynb``; a test fails when either has drifted from the data.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from backchannels.paths import data_dir, repo_root

MAP_START = "<!-- course-map:start -->"
MAP_END = "<!-- course-map:end -->"
MAP_TAG = "course-map"


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course, as listed in ``data/lessons.csv``."""

    number: str
    slug: str
    title: str
    minutes: int
    guiding_question: str

    @property
    def filename(self) -> str:
        """Return the notebook's file name, e.g. ``01_what_is_a_back_channel.ipynb``."""
        return f"{self.number}_{self.slug}.ipynb"


def load_lessons(path: Path | None = None) -> list[Lesson]:
    """Return the lessons in teaching order; raise ValueError naming the row that is wrong."""
    path = path or data_dir() / "lessons.csv"
    lessons: list[Lesson] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lessons.append(Lesson(row["number"].zfill(2), row["slug"], row["title"],
                                      int(row["minutes"]), row["guiding_question"]))
            except (KeyError, ValueError, AttributeError) as error:
                raise ValueError(f"{path.name}, row {row_number}: {error!r}; every row needs "
                                 "number, slug, title, minutes (a whole number) and guiding_question")
    numbers = [lesson.number for lesson in lessons]
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise ValueError(f"{path.name}: lesson numbers must be unique and in order, got {numbers}")
    return lessons


def _question_count(lesson: Lesson) -> str:
    """Return how many questions the lesson's bank holds, or an empty string without a bank."""
    bank = data_dir() / "questions" / f"{lesson.number}.yml"
    if not bank.exists():
        return ""
    from backchannels.quiz.bank import load_bank

    return str(len(load_bank(lesson.number).questions))


def course_map_markdown(link_prefix: str = "") -> str:
    """Return the course map as a Markdown table whose links start with ``link_prefix``."""
    rows = ["| # | Lesson | Minutes | Guiding question | Exercises |", "|---|---|---|---|---|"]
    for lesson in load_lessons():
        link = f"[{lesson.title}]({link_prefix}{lesson.filename})"
        rows.append(f"| {lesson.number} | {link} | {lesson.minutes} | {lesson.guiding_question} "
                    f"| {_question_count(lesson)} |")
    total = sum(lesson.minutes for lesson in load_lessons())
    rows.append("")
    rows.append(f"Total: about {total // 60} h {total % 60} min of study, exercises included.")
    return "\n".join(rows)


def next_lesson(number: str) -> Lesson | None:
    """Return the lesson after ``number``, or None after the last one."""
    lessons = load_lessons()
    for index, lesson in enumerate(lessons):
        if lesson.number == number.zfill(2):
            return lessons[index + 1] if index + 1 < len(lessons) else None
    raise ValueError(f"No lesson numbered {number!r} in lessons.csv")


def _replace_between_markers(text: str, body: str) -> str:
    """Return ``text`` with everything between the course-map markers replaced by ``body``."""
    start, end = text.index(MAP_START) + len(MAP_START), text.index(MAP_END)
    return text[:start] + "\n" + body + "\n" + text[end:]


def expected_readme(readme_text: str) -> str:
    """Return the README text with an up-to-date course map."""
    return _replace_between_markers(readme_text, course_map_markdown("notebooks/"))


def expected_start_notebook(notebook: dict) -> dict:
    """Return the start-here notebook with an up-to-date course-map cell."""
    for cell in notebook["cells"]:
        if MAP_TAG in cell.get("metadata", {}).get("tags", []):
            source = _replace_between_markers("".join(cell["source"]), course_map_markdown())
            # Keep the storage form (string or list of lines) so a saved notebook shows no diff.
            cell["source"] = source.splitlines(keepends=True) if isinstance(cell["source"], list) else source
            return notebook
    raise ValueError(f"00_start_here.ipynb has no markdown cell tagged {MAP_TAG!r}")


def write_course_map() -> list[Path]:
    """Regenerate the course map in the README and the start-here notebook; return what changed."""
    root = repo_root()
    if root is None:
        raise RuntimeError("Run this from a checkout of the repository.")
    changed: list[Path] = []
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if (new := expected_readme(text)) != text:
        readme.write_text(new, encoding="utf-8")
        changed.append(readme)
    start = root / "notebooks" / "00_start_here.ipynb"
    notebook = json.loads(start.read_text(encoding="utf-8"))
    before = json.dumps(notebook, sort_keys=True)
    notebook = expected_start_notebook(notebook)
    if json.dumps(notebook, sort_keys=True) != before:
        start.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(start)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Print the course map, or with --write update the README and the start-here notebook."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update README.md and 00_start_here")
    args = parser.parse_args(argv)
    if args.write:
        for path in write_course_map():
            print(f"updated {path}")
    else:
        print(course_map_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
