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
    """Return the lesson's exercises by marking: auto-graded, self-marked written answers, reflections."""
    bank = data_dir() / "questions" / f"{lesson.number}.yml"
    if not bank.exists():
        return ""
    from backchannels.quiz.bank import load_bank

    loaded = load_bank(lesson.number)
    return exercise_count_text(
        len(loaded.graded),
        sum(q.self_marked for q in loaded.questions),
        sum(not (q.graded or q.self_marked) for q in loaded.questions),
    )


def exercise_count_text(auto: int, self_marked: int, reflections: int) -> str:
    """Say '9 graded + 1 self-marked + 1 reflection', leaving out the kinds a lesson lacks."""
    parts = [f"{auto} graded"]
    parts += [f"{self_marked} self-marked"] if self_marked else []
    parts += [f"{reflections} reflection{'s' * (reflections != 1)}"] if reflections else []
    return " + ".join(parts) if len(parts) > 1 else str(auto)


# ----------------------------------------------------------------------------------------------
# Time check: does a lesson fit its stated minutes?
# ----------------------------------------------------------------------------------------------
WORDS_PER_MINUTE = 130  # careful reading of dense prose by a first-year (skimming runs at 200-250)
MINUTES_PER_EXERCISE = 2.0  # read, answer, read the feedback; a second try is folded in
MINUTES_PER_TOOL = 1.5  # a figure, table or widget to look at or play with
TOLERANCE = 0.15  # a lesson may run 15 % over its stated minutes before the check fails


@dataclass(frozen=True)
class TimeEstimate:
    """A lesson's workload and the minutes it implies."""

    number: str
    words: int
    exercises: int
    tools: int
    stated: int

    @property
    def minutes(self) -> float:
        """Return the estimated minutes: reading plus exercises plus tools."""
        return self.words / WORDS_PER_MINUTE + self.exercises * MINUTES_PER_EXERCISE + self.tools * MINUTES_PER_TOOL

    @property
    def fits(self) -> bool:
        """Return whether the estimate stays within the stated minutes plus the tolerance."""
        return self.minutes <= self.stated * (1 + TOLERANCE)


def _student_text(cell: dict) -> str:
    """Return what a student reads in a markdown cell: no instructor notes, no generated bibliography."""
    import re

    if "instructor" in cell.get("metadata", {}).get("tags", []):
        return ""
    text = "".join(cell["source"])
    text = re.sub(r"<!-- bibliography:start -->.*?<!-- bibliography:end -->", "", text, flags=re.S)
    text = re.sub(r"<!-- course-map:start -->.*?<!-- course-map:end -->", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$|<[^>]+>|`[^`]*`|\(https?://[^)]*\)", " ", text, flags=re.S)
    return text


def estimate_time(lesson: Lesson, root: Path | None = None) -> TimeEstimate:
    """Return the time estimate of one lesson from its notebook's words, exercises and tools."""
    import re

    root = root or repo_root()
    if root is None:
        raise RuntimeError("Run this from a checkout of the repository.")
    notebook = json.loads((root / "notebooks" / lesson.filename).read_text(encoding="utf-8"))
    words = exercises = tools = 0
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += len(re.findall(r"[A-Za-zÀ-ÿ0-9][\w'’–-]*", _student_text(cell)))
        elif re.search(r"\bshow_(question|quiz)\(", text):
            if "show_quiz(" in text:
                from backchannels.quiz.bank import load_bank

                exercises += len(load_bank(lesson.number).questions)
            else:
                exercises += text.count("show_question(")
        elif "import " not in text and text.strip() and "show_score(" not in text and "progress_overview(" not in text:
            tools += 1
    return TimeEstimate(lesson.number, words, exercises, tools, lesson.minutes)


def time_report(numbers: list[str] | None = None) -> list[TimeEstimate]:
    """Return the time estimates of the given lessons (default: every lesson)."""
    return [estimate_time(lesson) for lesson in load_lessons() if numbers is None or lesson.number in numbers]


def time_table(estimates: list[TimeEstimate]) -> str:
    """Return the estimates as a Markdown table with a verdict per lesson."""
    rows = ["| lesson | words | exercises | tools | estimated min | stated min | verdict |", "|---|---|---|---|---|---|---|"]
    for e in estimates:
        verdict = "fits" if e.fits else f"over by {e.minutes / e.stated - 1:.0%}"
        rows.append(f"| {e.number} | {e.words} | {e.exercises} | {e.tools} | {e.minutes:.0f} | {e.stated} | {verdict} |")
    return "\n".join(rows)


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


def write_reading_aids(root: Path) -> list[Path]:
    """Regenerate the lessons' key-terms boxes and bibliographies and the glossary page; return what changed."""
    from backchannels import glossary
    from backchannels.references import expected_closing

    changed: list[Path] = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        before = json.dumps(notebook, sort_keys=True)
        found = glossary.key_terms_cell(notebook)
        if found is not None:
            cell, terms = found
            cell["source"] = glossary.expected_box("".join(cell["source"]), terms).splitlines(keepends=True)
        closing = [c for c in notebook["cells"] if c["cell_type"] == "markdown"][-1]
        meta = closing.get("metadata", {}).get("backchannels", {})
        if "bibliography" in meta:
            closing["source"] = expected_closing("".join(closing["source"]), meta).splitlines(keepends=True)
        if json.dumps(notebook, sort_keys=True) != before:
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(path)
    page = root / "notebooks" / glossary.PAGE
    if not page.exists() or page.read_text(encoding="utf-8") != glossary.glossary_page():
        page.write_text(glossary.glossary_page(), encoding="utf-8")
        changed.append(page)
    return changed


def main(argv: list[str] | None = None) -> int:
    """Print the course map, or with --write update the README and the start-here notebook."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true",
                        help="update the course map (README, 00_start_here), key-terms boxes, bibliographies and glossary page")
    parser.add_argument("--time", nargs="*", metavar="NN", default=None,
                        help="estimate each lesson's time (or only lessons NN ...); exit 1 if one runs over by more than 15 %%")
    args = parser.parse_args(argv)
    if args.time is not None:
        estimates = time_report([n.zfill(2) for n in args.time] or None)
        print(time_table(estimates))
        return 0 if all(e.fits for e in estimates) else 1
    if args.write:
        root = repo_root()
        for path in [*write_course_map(), *(write_reading_aids(root) if root else [])]:
            print(f"updated {path}")
    else:
        print(course_map_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
