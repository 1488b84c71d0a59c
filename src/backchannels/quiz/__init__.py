"""Exercises for the lessons: what a notebook calls to show questions and progress.

    from backchannels.quiz import show_quiz, show_question, show_score, progress_overview
    show_quiz("01")            # every question of lesson 01 and its live score
    show_question("01_q2")     # one question, right after the section it checks
    show_score("01")           # the lesson's live score line, for the closing cells
    progress_overview()        # every lesson: answered / correct / questions
    question_levels()          # per question id: level and objective (for a class report)

Under nbgrader (NBGRADER_EXECUTION is set) these show the questions as static text and create
no widgets. Heavy imports (ipywidgets, YAML, Markdown) wait until a function is called.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from backchannels.quiz.progress import ProgressTable
    from backchannels.quiz.static import StaticView
    from backchannels.quiz.widgets import QuizView

__all__ = ["progress_overview", "question_levels", "show_question", "show_quiz", "show_score"]


def _grading() -> bool:
    """Return True while nbgrader executes the notebook (widgets would serve no one)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def show_quiz(lesson: str | Path, *, seed: int | None = None) -> QuizView | StaticView:
    """Return every question of a lesson (id like "01", or a bank file path) with its score."""
    from backchannels.quiz.bank import load_bank

    bank = load_bank(lesson)
    if _grading():
        from backchannels.quiz.static import (
            StaticView,
            questions_html,
            questions_text,
            quiz_title_html,
        )

        return StaticView(
            quiz_title_html(bank) + questions_html(bank, bank.questions, seed),
            questions_text(bank, bank.questions, seed),
        )
    from backchannels.quiz.widgets import build_quiz

    return build_quiz(bank, seed=seed)


def show_question(question_id: str, *, seed: int | None = None) -> QuizView | StaticView:
    """Return one question (id like "01_q2") and its lesson's live score line."""
    from backchannels.quiz.bank import find_question

    bank, question = find_question(question_id)
    if _grading():
        from backchannels.quiz.static import StaticView, questions_html, questions_text

        return StaticView(
            questions_html(bank, [question], seed), questions_text(bank, [question], seed)
        )
    from backchannels.quiz.widgets import build_quiz

    return build_quiz(bank, questions=[question], seed=seed, title=False)


def show_score(lesson: str | Path) -> QuizView | StaticView:
    """Return a lesson's live score line ("3 of 8 answered correctly")."""
    from backchannels.quiz.bank import load_bank

    bank = load_bank(lesson)
    if _grading():
        from backchannels.quiz.static import StaticView

        return StaticView("", "")
    from backchannels.quiz.widgets import build_quiz

    return build_quiz(bank, questions=[], title=False)


def question_levels() -> dict[str, dict[str, object]]:
    """Return each question id's lesson, kind, level, marking and objective (for class reports)."""
    from backchannels.quiz.levels import question_levels as levels

    return levels()


def progress_overview() -> ProgressTable:
    """Return a table of every lesson: questions answered, answered correctly, and in total."""
    from backchannels.quiz.progress import progress_overview as overview

    return overview()
