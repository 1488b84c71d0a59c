"""The course-time check: each lesson's words, exercises and tools against its stated minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backchannels import course

# Every lesson in data/lessons.csv, so a new or longer lesson is checked too.
MY_LESSONS = [lesson.number for lesson in course.load_lessons()]


def _lesson(number: str) -> course.Lesson:
    return next(lesson for lesson in course.load_lessons() if lesson.number == number)


@pytest.mark.parametrize("number", MY_LESSONS)
def test_lesson_fits_its_stated_minutes(number: str) -> None:
    estimate = course.estimate_time(_lesson(number))
    assert estimate.words > 300 and estimate.exercises >= 4
    assert estimate.fits, (f"lesson {number}: about {estimate.minutes:.0f} min of work for {estimate.stated} stated "
                           f"({estimate.words} words, {estimate.exercises} exercises, {estimate.tools} tools)")


def _fake_repo(tmp_path: Path, words: int, questions: int, tools: int) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["word " * words]},
             {"cell_type": "markdown", "metadata": {"tags": ["instructor"]}, "source": ["ignored " * 5000]},
             {"cell_type": "code", "metadata": {}, "source": ["from backchannels.quiz import show_question"]}]
    cells += [{"cell_type": "code", "metadata": {}, "source": [f'show_question("99_q{i}")']} for i in range(questions)]
    cells += [{"cell_type": "code", "metadata": {}, "source": ["show_timeline()"]} for _ in range(tools)]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "99_fake.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    return tmp_path


def test_estimate_counts_words_exercises_and_tools_but_not_instructor_notes(tmp_path: Path) -> None:
    root = _fake_repo(tmp_path, words=1300, questions=5, tools=2)
    estimate = course.estimate_time(course.Lesson("99", "fake", "Fake", 20, "?"), root)
    assert (estimate.words, estimate.exercises, estimate.tools) == (1300, 5, 2)
    assert estimate.minutes == pytest.approx(1300 / course.WORDS_PER_MINUTE + 5 * course.MINUTES_PER_EXERCISE
                                             + 2 * course.MINUTES_PER_TOOL)
    assert estimate.fits  # 23 min against 20 stated: within 15 %


def test_estimate_fails_a_lesson_more_than_15_percent_over(tmp_path: Path) -> None:
    root = _fake_repo(tmp_path, words=2600, questions=10, tools=0)
    estimate = course.estimate_time(course.Lesson("99", "fake", "Fake", 30, "?"), root)
    assert not estimate.fits  # 40 min against 30 stated
    assert "over by 33%" in course.time_table([estimate])


def test_course_map_counts_exercises_as_the_progress_table_does() -> None:
    from backchannels.quiz.bank import load_bank

    table = course.course_map_markdown()
    for number in MY_LESSONS:
        bank = load_bank(number)
        written = [q for q in bank.questions if q.kind == "written"]
        reflections = [q for q in bank.questions if q.kind == "reflection"]
        assert len(bank.graded) + len(written) + len(reflections) == len(bank.questions)
        expected = course.exercise_count_text(len(bank.graded), len(written), len(reflections))
        row = next(line for line in table.splitlines() if line.startswith(f"| {number} |"))
        assert row.endswith(f"| {expected} |")


def test_exercise_count_text_names_each_kind_of_marking() -> None:
    assert course.exercise_count_text(9, 1, 0) == "9 graded + 1 self-marked"
    assert course.exercise_count_text(8, 1, 1) == "8 graded + 1 self-marked + 1 reflection"
    assert course.exercise_count_text(6, 0, 0) == "6"
    assert course.exercise_count_text(6, 0, 2) == "6 graded + 2 reflections"

