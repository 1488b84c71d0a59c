"""Cognitive levels: the level of every question, the level each objective's verb asks for.

The six levels are those of the revised Bloom taxonomy (Anderson and Krathwohl 2001), lowest
first. An objective's level is read from its first word, its verb, through ``VERB_LEVELS`` (the
same table is printed in data/questions/FORMAT.md, and a test keeps the two in step).
``backchannels check`` fails when an objective has no assessed question at its verb's level or
above, and prints each lesson's count of questions by level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backchannels.quiz.bank import Bank, Question

LEVELS: tuple[str, ...] = ("remember", "understand", "apply", "analyse", "evaluate", "create")
"""The levels, lowest first."""

HIGHER = "apply"
"""The lowest level counted as higher-order work."""

MIN_HIGHER_SHARE = 0.4
"""Share of a lesson's assessed questions that must be at ``HIGHER`` or above."""

VERB_LEVELS: dict[str, str] = {
    # remember: retrieve a fact or a definition
    "define": "remember",
    "identify": "remember",
    "list": "remember",
    "name": "remember",
    "recall": "remember",
    "recognise": "remember",
    "state": "remember",
    # understand: say in one's own words what it means and why
    "describe": "understand",
    "explain": "understand",
    "interpret": "understand",
    "summarise": "understand",
    # apply: use a definition, rule or model on a case
    "apply": "apply",
    "calculate": "apply",
    "classify": "apply",
    "predict": "apply",
    "use": "apply",
    # analyse: take cases or arguments apart and relate the parts
    "analyse": "analyse",
    "compare": "analyse",
    "contrast": "analyse",
    "differentiate": "analyse",
    "distinguish": "analyse",
    # evaluate: judge by criteria and evidence
    "argue": "evaluate",
    "assess": "evaluate",
    "criticise": "evaluate",
    "evaluate": "evaluate",
    "judge": "evaluate",
    "justify": "evaluate",
    "weigh": "evaluate",
    # create: put parts together into something new
    "construct": "create",
    "design": "create",
    "draft": "create",
    "plan": "create",
    "write": "create",
}


REFLECTIVE_VERBS: frozenset[str] = frozenset({"reflect"})
"""Verbs of objectives about the student's own thinking: a reflection (kept, not marked)
assesses them, so they need a question of any kind rather than one at a level."""


def rank(level: str) -> int:
    """Return a level's position, 0 for remember; -1 for an unknown level."""
    return LEVELS.index(level) if level in LEVELS else -1


def objective_verb(objective: str) -> str:
    """Return an objective's first word in lower case, without Markdown emphasis."""
    match = re.match(r"[\s*_]*([A-Za-z-]+)", objective)
    return match.group(1).lower() if match else ""


def objective_level(objective: str) -> str | None:
    """Return the level an objective's verb asks for ("reflection" for reflective verbs), or None."""
    verb = objective_verb(objective)
    return "reflection" if verb in REFLECTIVE_VERBS else VERB_LEVELS.get(verb)


def assessed(bank: Bank) -> tuple[Question, ...]:
    """Return a bank's questions that are marked: auto-graded or self-marked, not reflections."""
    return tuple(q for q in bank.questions if q.graded or q.self_marked)


def level_problems(bank: Bank) -> list[str]:
    """Return one line per objective whose verb is unknown or whose level no question reaches."""
    problems = []
    questions = assessed(bank)
    for number, objective in enumerate(bank.objectives, start=1):
        verb = objective_verb(objective)
        level = VERB_LEVELS.get(verb)
        where = f"{bank.path}: bank: objective {number}"
        if verb in REFLECTIVE_VERBS:
            continue  # any question covers it; the reader already checks that one exists
        if level is None:
            problems.append(
                f"{where} starts with '{verb}', which is not in the verb table. Fix: start it "
                "with a verb from the table in data/questions/FORMAT.md"
            )
            continue
        reached = [q for q in questions if q.objective == number and rank(q.level) >= rank(level)]
        if not reached:
            have = sorted({q.level for q in questions if q.objective == number}, key=rank)
            problems.append(
                f"{where} ('{verb}' asks for {level}) has no assessed question at {level} or "
                f"above (its questions are at: {', '.join(have) or 'none'}). Fix: add a question "
                f"with objective: {number} and level: {level} (or higher) that truly asks for it"
            )
    total = len(questions)
    higher = sum(rank(q.level) >= rank(HIGHER) for q in questions)
    if total and higher / total < MIN_HIGHER_SHARE:
        problems.append(
            f"{bank.path}: bank: only {higher} of {total} assessed questions are at {HIGHER} or "
            f"above ({higher / total:.0%}); at least {MIN_HIGHER_SHARE:.0%} must be. Fix: replace "
            "recall items with questions that apply the lesson's ideas to a case"
        )
    return problems


@dataclass(frozen=True)
class LevelRow:
    """One lesson's count of assessed questions by level."""

    lesson: str
    counts: tuple[int, ...]
    reflections: int

    @property
    def total(self) -> int:
        """Return the number of assessed questions."""
        return sum(self.counts)

    @property
    def higher_share(self) -> float:
        """Return the share of assessed questions at apply or above."""
        higher = sum(self.counts[rank(HIGHER) :])
        return higher / self.total if self.total else 0.0


def level_rows(banks: Iterable[Bank]) -> list[LevelRow]:
    """Return each lesson's counts by level."""
    rows = []
    for bank in banks:
        questions = assessed(bank)
        counts = tuple(sum(q.level == level for q in questions) for level in LEVELS)
        reflections = sum(not (q.graded or q.self_marked) for q in bank.questions)
        rows.append(LevelRow(bank.lesson, counts, reflections))
    return rows


def level_table(rows: Sequence[LevelRow]) -> str:
    """Return the per-lesson table of counts by level as Markdown-style plain text."""
    head = ["lesson", *LEVELS, "assessed", "apply+"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in [*rows, _total_row(rows)]:
        cells = [row.lesson, *map(str, row.counts), str(row.total), f"{row.higher_share:.0%}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _total_row(rows: Sequence[LevelRow]) -> LevelRow:
    """Return the sum of all rows."""
    counts = tuple(sum(r.counts[i] for r in rows) for i in range(len(LEVELS)))
    return LevelRow("all", counts, sum(r.reflections for r in rows))


def question_levels(banks: Iterable[Bank] | None = None) -> dict[str, dict[str, Any]]:
    """Return, per question id, its lesson, kind, level, marking and objective (number, text, level).

    ``marking`` is "auto" (the widget scores it), "self" (the student marks a written answer
    against a rubric) or "none" (a reflection). The class report groups results with this.
    """
    from backchannels.quiz.bank import load_all_banks

    out: dict[str, dict[str, Any]] = {}
    for bank in load_all_banks() if banks is None else banks:
        for q in bank.questions:
            text = bank.objectives[q.objective - 1] if 1 <= q.objective <= len(bank.objectives) else ""
            out[q.id] = {
                "lesson": bank.lesson,
                "kind": q.kind,
                "level": q.level,
                "marking": "auto" if q.graded else "self" if q.self_marked else "none",
                "objective": q.objective,
                "objective_text": text,
                "objective_level": objective_level(text) or "",
            }
    return out
