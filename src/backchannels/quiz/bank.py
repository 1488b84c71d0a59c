"""Question banks: load a lesson's YAML file into typed questions and explain every mistake.

Every problem is one line, ``FILE:LINE: question ID: what is wrong. Fix: what to do``, so a
lecturer can find and mend it without reading Python. The format is in data/questions/FORMAT.md.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from backchannels.paths import data_dir
from backchannels.quiz.normalise import normalise_text

log = logging.getLogger(__name__)


class BankError(ValueError):
    """A question bank that cannot be used; the message lists every problem with its fix."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Option:
    """One choice of a single_choice or multiple_select question, or one scenario reason."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """One row of a matching question: the left item and the right item it matches."""

    left: str
    right: str


@dataclass(frozen=True)
class Event:
    """One item of an ordering question; the bank lists them in the correct order."""

    text: str
    year: int | None = None


@dataclass(frozen=True)
class Verdict:
    """One verdict a scenario question offers (for example legal, illegal, unclear)."""

    id: str
    label: str
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class Question:
    """Fields every question has; subclasses add what their type needs."""

    kind: ClassVar[str] = ""
    graded: ClassVar[bool] = True
    self_marked: ClassVar[bool] = False
    id: str
    lesson: str
    objective: int
    prompt: str
    level: str = ""
    exempt_rule: str = ""
    exempt_reason: str = ""
    hint: str = ""
    explanation: str = ""
    shuffle: bool = True
    line: int = 0


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Question):
    """Pick exactly one option."""

    kind: ClassVar[str] = "single_choice"
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class MultipleSelect(Question):
    """Tick every option that applies."""

    kind: ClassVar[str] = "multiple_select"
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """Decide whether a statement is true."""

    kind: ClassVar[str] = "true_false"
    answer: bool
    feedback_true: str = ""
    feedback_false: str = ""


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each left item to one right item; distractors are extra right items."""

    kind: ClassVar[str] = "matching"
    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put the events in order; the bank lists them in the correct order."""

    kind: ClassVar[str] = "ordering"
    items: tuple[Event, ...]


@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """Type a number, such as a year, within a tolerance."""

    kind: ClassVar[str] = "numeric"
    answer: float
    tolerance: float = 0.0
    unit: str = ""
    feedback_wrong: str = ""


@dataclass(frozen=True, kw_only=True)
class ShortText(Question):
    """Type a word or phrase; case, accents, punctuation and spacing are ignored."""

    kind: ClassVar[str] = "short_text"
    accepted: tuple[str, ...]
    feedback_wrong: str = ""


@dataclass(frozen=True, kw_only=True)
class Scenario(Question):
    """Classify a scenario with a verdict and pick the reason for it."""

    kind: ClassVar[str] = "scenario"
    scenario: str
    verdicts: tuple[Verdict, ...]
    answer: str
    reasons: tuple[Option, ...]


@dataclass(frozen=True)
class Fact:
    """One fact of an evidence item and what it does to the claim."""

    text: str
    effect: str
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class CaseApplication(Question):
    """Apply the lesson's concepts to a short case the lesson does not tell; pick one option."""

    kind: ClassVar[str] = "case"
    case: str
    options: tuple[Option, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Evidence(Question):
    """Say for each fact whether it strengthens or weakens a named claim, or neither."""

    kind: ClassVar[str] = "evidence"
    claim: str
    facts: tuple[Fact, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Written(Question):
    """Write an answer, then mark it against a model answer and rubric (self-assessed)."""

    kind: ClassVar[str] = "written"
    graded: ClassVar[bool] = False
    self_marked: ClassVar[bool] = True
    model_answer: str
    rubric: tuple[str, ...]
    min_words: int = 0
    case: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Reflection(Question):
    """Write freely; the text is kept for the student, never graded."""

    kind: ClassVar[str] = "reflection"
    graded: ClassVar[bool] = False
    min_words: int = 0


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.kind: cls
    for cls in (
        SingleChoice,
        MultipleSelect,
        TrueFalse,
        Matching,
        Ordering,
        Numeric,
        ShortText,
        Scenario,
        CaseApplication,
        Evidence,
        Written,
        Reflection,
    )
}

EFFECTS: tuple[str, ...] = ("strengthens", "weakens", "neither")
"""What a fact of an evidence item can do to its claim."""


@dataclass(frozen=True)
class Bank:
    """One lesson's questions with the objectives they check."""

    lesson: str
    title: str
    objectives: tuple[str, ...]
    questions: tuple[Question, ...]
    path: Path

    @property
    def graded(self) -> tuple[Question, ...]:
        """Return the questions that count towards the score (all but reflections)."""
        return tuple(q for q in self.questions if q.graded)

    def question(self, question_id: str) -> Question:
        """Return the question with this id or raise BankError naming the ids there are."""
        for question in self.questions:
            if question.id == question_id:
                return question
        known = ", ".join(q.id for q in self.questions)
        raise BankError([f"{self.path}: no question '{question_id}'. Fix: use one of {known}."])

    def number(self, question_id: str) -> int:
        """Return the question's 1-based position in the bank."""
        return [q.id for q in self.questions].index(question_id) + 1


# ---------------------------------------------------------------- the keys the format allows

_TOP_KEYS = {"lesson": True, "title": False, "id_prefix": False, "objectives": True, "questions": True}
_COMMON_KEYS = {
    "id": True,
    "type": True,
    "objective": True,
    "prompt": True,
    "hint": False,
    "explanation": False,
    "shuffle": False,
    "level": True,
    "lint_exempt": False,
}
_TYPE_KEYS: dict[str, dict[str, bool]] = {  # key -> required
    "single_choice": {"options": True},
    "multiple_select": {"options": True},
    "true_false": {"answer": True, "feedback_true": False, "feedback_false": False},
    "matching": {"pairs": True, "distractors": False},
    "ordering": {"items": True},
    "numeric": {"answer": True, "tolerance": False, "unit": False, "feedback_wrong": False},
    "short_text": {"accepted": True, "feedback_wrong": False},
    "scenario": {"scenario": True, "verdicts": True, "answer": True, "reasons": True},
    "case": {"case": True, "options": True, "sources": True},
    "evidence": {"claim": True, "facts": True, "sources": True},
    "written": {
        "model_answer": True,
        "rubric": True,
        "min_words": False,
        "case": False,
        "sources": False,
    },
    "reflection": {"min_words": False},
}
_OPTION_KEYS = {"text": True, "correct": False, "feedback": False}
_PAIR_KEYS = {"left": False, "right": False}  # required, but _read_matching explains a missing one
_EVENT_KEYS = {"text": True, "year": False}
_VERDICT_KEYS = {"id": True, "label": True, "feedback": False}
_FACT_KEYS = {"text": True, "effect": True, "feedback": False}
_EXEMPT_KEYS = {"rule": True, "reason": True}
_SHUFFLED_BY_CHOICE = ("single_choice", "multiple_select", "scenario", "case", "evidence")
LINT_RULES: dict[str, str] = {
    "longest_right": "the right option is clearly longer than every wrong one",
    "absolute_wrong": "a wrong option (or a false statement) uses an absolute word",
    "hint_cue": "the hint repeats the right answer's distinctive words",
    "tick_all": "a tick-all question has all, or all but one, of its options right",
    "near_duplicate": "the prompt nearly repeats another question's prompt",
}
"""The item-writing rules a question may opt out of, one at a time, with a written reason."""
MIN_REASON_WORDS = 5
_ALL_QUESTION_KEYS = set(_COMMON_KEYS).union(*_TYPE_KEYS.values())


# ---------------------------------------------------------------- YAML with line numbers


class _Located(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers its line and any key written twice."""

    line: int = 0
    repeated: tuple[str, ...] = ()


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader (libyaml's parser when PyYAML has it: ~5× faster) whose mappings carry their line numbers."""


def _construct_located(loader: _LineLoader, node: yaml.MappingNode) -> Iterable[_Located]:
    """Build a mapping that knows its 1-based line and its repeated keys."""
    data = _Located()
    data.line = node.start_mark.line + 1
    yield data
    keys = [loader.construct_object(key_node) for key_node, _ in node.value]
    data.repeated = tuple(sorted({str(k) for k in keys if keys.count(k) > 1}))
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_located)


# ---------------------------------------------------------------- reading one file


@dataclass
class _Found:
    """What reading one file produced: the bank if valid, problems, warnings and ids seen."""

    bank: Bank | None
    problems: list[str]
    warnings: list[str]
    ids: list[tuple[str, int]]


class _FileReader:
    """Reads one bank file, recording problems as 'FILE:LINE: where: what. Fix: how' lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def report(self, line: int, where: str, what: str, fix: str, *, warn: bool = False) -> None:
        """Record one problem (or warning) in the agreed one-line format."""
        place = f"{self.path}:{line}" if line else str(self.path)
        prefix = f"{place}: {where}: " if where else f"{place}: "
        (self.warnings if warn else self.problems).append(f"{prefix}{what}. Fix: {fix}")

    def check_keys(
        self, raw: _Located, allowed: dict[str, bool], where: str, line: int, kind: str = ""
    ) -> None:
        """Report unknown, repeated and missing keys, suggesting the nearest valid key."""
        for key in raw.repeated:
            self.report(line, where, f"key '{key}' is written twice", "keep only one of them")
        for key in raw:
            if key not in allowed:
                self.report(
                    line, where, f"unknown key '{key}'", _unknown_key_fix(str(key), allowed, kind)
                )
        for key, required in allowed.items():
            if required and _blank(raw.get(key)):
                self.report(line, where, f"'{key}' is missing or empty", f"add {key}: ...")

    def read(self) -> _Found:
        """Parse and validate the file."""
        raw = self._load_yaml()
        if raw is None:
            return _Found(None, self.problems, self.warnings, [])
        lesson = self._lesson(raw)
        objectives = self._objectives(raw)
        questions: list[Question] = []
        ids: list[tuple[str, int]] = []
        items = raw.get("questions")
        if not isinstance(items, list) or not items:
            if "questions" in raw:
                self.report(
                    raw.line,
                    "bank",
                    "'questions' must be a list of questions",
                    "write each question as an item starting with '- id: ...'",
                )
            items = []
        # A lesson renumbered after its questions were written keeps their ids (saved answers use them).
        id_prefix = _text(raw.get("id_prefix")) or lesson
        for index, item in enumerate(items, start=1):
            reader = _QuestionReader(self, item, index, lesson, len(objectives), id_prefix)
            if reader.id:
                ids.append((reader.id, reader.line))
            question = reader.read()
            if question is not None:
                questions.append(question)
        self._check_objectives_covered(objectives, items, raw.line)
        self._check_duplicates_here(ids)
        if self.problems:
            return _Found(None, self.problems, self.warnings, ids)
        title = _text(raw.get("title")) or f"Lesson {lesson}"
        bank = Bank(lesson, title, tuple(objectives), tuple(questions), self.path)
        return _Found(bank, self.problems, self.warnings, ids)

    def _load_yaml(self) -> _Located | None:
        """Read the file as YAML, reporting syntax errors with their line."""
        try:
            raw = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except FileNotFoundError:
            self.report(0, "", "file not found", "check the path or the lesson number")
            return None
        except UnicodeDecodeError:
            self.report(0, "", "file is not UTF-8 text", "save it as UTF-8 in your editor")
            return None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 0
            what = f"YAML syntax error: {error.problem or error.context}"
            self.report(
                line,
                "",
                what,
                f"check indentation and quoting near line {line}; "
                "text containing ': ' or starting with a quote needs \"double quotes\"",
            )
            return None
        except yaml.YAMLError as error:
            self.report(0, "", f"YAML error: {error}", "check the file's syntax")
            return None
        if not isinstance(raw, _Located):
            self.report(
                1,
                "",
                "the file is not a YAML mapping",
                "start the file with 'lesson:', 'title:', 'objectives:' and 'questions:'",
            )
            return None
        self.check_keys(raw, _TOP_KEYS, "bank", raw.line)
        if _blank(raw.get("title")):
            self.report(
                raw.line, "bank", "no title", "add title: ... (shown above the score)", warn=True
            )
        return raw

    def _lesson(self, raw: _Located) -> str:
        """Return the lesson id, reporting a mismatch with the file name."""
        value = raw.get("lesson")
        stem = self.path.stem
        if isinstance(value, int) and not isinstance(value, bool) and f"{value:02d}" == stem:
            return stem  # `lesson: 01` unquoted is read as the number 1
        lesson = _text(value) or ""
        if lesson and lesson != stem:
            self.report(
                raw.line,
                "bank",
                f"lesson '{lesson}' does not match the file name {self.path.name}",
                f'write lesson: "{stem}" or rename the file to {lesson}.yml',
            )
        return lesson or stem

    def _objectives(self, raw: _Located) -> list[str]:
        """Return the objectives, reporting anything that is not a list of texts."""
        value = raw.get("objectives")
        if value is None:
            return []
        if not isinstance(value, list) or not all(_text(v) for v in value):
            self.report(
                raw.line,
                "bank",
                "'objectives' must be a list of texts",
                "write one '- \"Explain ...\"' line per objective",
            )
            return []
        return [_text(v) or "" for v in value]

    def _check_objectives_covered(self, objectives: list[str], items: list[Any], line: int) -> None:
        """Report each objective that no question checks (each objective needs an exercise)."""
        # Raw values, so a question broken in other ways still counts as covering its objective.
        covered = {item.get("objective") for item in items if isinstance(item, dict)}
        for number, objective in enumerate(objectives, start=1):
            if number not in covered:
                self.report(
                    line,
                    "bank",
                    f'objective {number} ("{_short(objective)}") has no question',
                    f"add a question with objective: {number}, or remove the objective",
                )

    def _check_duplicates_here(self, ids: list[tuple[str, int]]) -> None:
        """Report ids used twice in this file."""
        seen: dict[str, int] = {}
        for question_id, line in ids:
            if question_id in seen:
                self.report(
                    line,
                    f"question {question_id}",
                    f"id '{question_id}' is already used on line {seen[question_id]}",
                    "give this question a new id (ids are never reused)",
                )
            else:
                seen[question_id] = line


class _QuestionReader:
    """Validates one question mapping and builds its typed dataclass."""

    def __init__(
        self, file: _FileReader, raw: Any, index: int, lesson: str, n_objectives: int,
        id_prefix: str = "",
    ) -> None:
        self.file = file
        self.raw: _Located = raw if isinstance(raw, _Located) else _Located()
        self.index = index
        self.lesson = lesson
        self.id_prefix = id_prefix or lesson
        self.n_objectives = n_objectives
        self.line = self.raw.line
        self.id = _text(self.raw.get("id")) or ""
        self.where = f"question {self.id}" if self.id else f"question {index} (no id)"
        self.usable = isinstance(raw, _Located) and bool(raw)
        if not self.usable:
            self.fail(
                "is empty or not a mapping of keys",
                "start the question with '- id: ...' and indent its keys",
            )

    def fail(self, what: str, fix: str, line: int | None = None) -> None:
        """Record a problem with this question."""
        self.file.report(line or self.line, self.where, what, fix)

    def warn(self, what: str, fix: str) -> None:
        """Record a warning about this question."""
        self.file.report(self.line, self.where, what, fix, warn=True)

    def read(self) -> Question | None:
        """Return the question, or None after recording why it is invalid."""
        if not self.usable:
            return None
        kind = self.raw.get("type")
        if kind not in QUESTION_TYPES:
            suggestion = difflib.get_close_matches(str(kind), QUESTION_TYPES, n=1, cutoff=0.5)
            hint = f"did you mean '{suggestion[0]}'? " if suggestion else ""
            self.fail(f"unknown type '{kind}'", f"{hint}use one of {', '.join(QUESTION_TYPES)}")
            return None
        before = len(self.file.problems)
        self.file.check_keys(
            self.raw, {**_COMMON_KEYS, **_TYPE_KEYS[kind]}, self.where, self.line, kind
        )
        common = self._common()
        specific = _TYPE_READERS[kind](self)
        if "shuffle" in self.raw and kind not in _SHUFFLED_BY_CHOICE:
            self.warn(
                f"'shuffle' has no effect on {kind} questions",
                "remove it (matching and ordering items are always shuffled; the rest never are)",
            )
        if QUESTION_TYPES[kind].graded:
            for key in ("hint", "explanation"):
                if _blank(self.raw.get(key)):
                    self.warn(
                        f"no {key}", f"add {key}: ... (students rely on it when studying alone)"
                    )
        if len(self.file.problems) > before:
            return None
        return QUESTION_TYPES[kind](**common, **specific)

    def _common(self) -> dict[str, Any]:
        """Read the keys every question has."""
        if self.id and not all(c.isalnum() or c in "_-." for c in self.id):
            self.fail(
                f"id '{self.id}' contains spaces or symbols",
                "use letters, digits and '_' only, like 01_q3",
            )
        if self.id and self.id_prefix and not self.id.startswith(f"{self.id_prefix}_"):
            self.warn(
                f"id '{self.id}' does not start with '{self.id_prefix}_'",
                "new questions use NN_qK (NN: the bank's id_prefix, else its lesson number); keep an "
                "old id if the question moved lessons",
            )
        rule, reason = self._exempt()
        return {
            "id": self.id,
            "lesson": self.lesson,
            "level": self._level(),
            "exempt_rule": rule,
            "exempt_reason": reason,
            "objective": self._objective(),
            "prompt": self.text("prompt"),
            "hint": self.text("hint", required=False),
            "explanation": self.text("explanation", required=False),
            "shuffle": self.boolean("shuffle", default=True),
            "line": self.line,
        }

    def _level(self) -> str:
        """Return the question's cognitive level, checking it is one of the six."""
        from backchannels.quiz.levels import LEVELS

        value = self.raw.get("level")
        if value is None:
            return ""  # reported by check_keys
        text = (_text(value) or "").lower()
        text = {"analyze": "analyse", "analysis": "analyse", "evaluation": "evaluate"}.get(text, text)
        if text not in LEVELS:
            near = difflib.get_close_matches(text, LEVELS, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'? " if near else ""
            self.fail(f"level '{value}' is not one of {', '.join(LEVELS)}", f"{hint}write level: apply")
            return ""
        return text

    def _exempt(self) -> tuple[str, str]:
        """Return the one lint rule this question opts out of, and the written reason."""
        value = self.raw.get("lint_exempt")
        if value is None:
            return "", ""
        if not isinstance(value, _Located):
            self.fail(
                "'lint_exempt' must be a mapping with 'rule' and 'reason'",
                "write lint_exempt: {rule: longest_right, reason: \"why the rule does not fit\"}",
            )
            return "", ""
        self.file.check_keys(value, _EXEMPT_KEYS, f"{self.where}, lint_exempt", value.line)
        rule = _text(value.get("rule")) or ""
        reason = _text(value.get("reason")) or ""
        if rule and rule not in LINT_RULES:
            self.fail(
                f"lint_exempt names an unknown rule '{rule}'",
                f"use one of {', '.join(LINT_RULES)}",
                value.line,
            )
        if reason and len(reason.split()) < MIN_REASON_WORDS:
            self.fail(
                f"the lint_exempt reason '{_short(reason)}' is too short to explain anything",
                f"write at least {MIN_REASON_WORDS} words saying why the rule does not fit here",
                value.line,
            )
        return rule, reason

    def _objective(self) -> int:
        """Return the objective number, checking it names one of the lesson's objectives."""
        value = self.raw.get("objective")
        if value is None:
            return 0
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(
                f"objective '{value}' is not a number",
                "write the objective's number, like objective: 1",
            )
            return 0
        if self.n_objectives and not 1 <= value <= self.n_objectives:
            self.fail(
                f"objective {value} is out of range (the lesson has {self.n_objectives})",
                f"use a number from 1 to {self.n_objectives}, or add the objective to 'objectives'",
            )
        return value

    def text(
        self, key: str, *, required: bool = True, raw: _Located | None = None, where: str = ""
    ) -> str:
        """Return a text value; report true/false read by YAML where text was meant."""
        source = self.raw if raw is None else raw
        value = source.get(key)
        if isinstance(value, bool):
            self.fail(
                f"{where}'{key}' was read as {str(value).lower()}, not as text",
                f'put the text in quotes: {key}: "{"Yes" if value else "No"}"',
                source.line,
            )
            return ""
        return _text(value) or ""  # a missing required key is reported by check_keys

    def boolean(
        self, key: str, *, default: bool, raw: _Located | None = None, where: str = ""
    ) -> bool:
        """Return a true/false value, accepting quoted 'true'/'false'."""
        source = self.raw if raw is None else raw
        value = source.get(key, default)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            self.fail(
                f"{where}'{key}' must be true or false, not '{value}'",
                f"write {key}: true or {key}: false",
                source.line,
            )
            return default
        return value

    def number(self, key: str, *, default: float | None = None) -> float:
        """Return a number, reporting text or true/false where a number was meant."""
        value = self.raw.get(key, default)
        if value is None:
            return 0.0  # a missing required key is reported by check_keys
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(
                f"'{key}' must be a number, not '{value}'", f"write {key}: 1962 (digits, no quotes)"
            )
            return 0.0
        return float(value)

    def mappings(
        self, key: str, allowed: dict[str, bool], noun: str, minimum: int
    ) -> list[_Located]:
        """Return a list of sub-mappings (options, pairs, ...), checking their keys."""
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, _Located) for v in value):
            self.fail(
                f"'{key}' must be a list of {noun}s with keys {', '.join(allowed)}",
                f"write each {noun} as '- {next(iter(allowed))}: ...'",
            )
            return []
        if len(value) < minimum:
            self.fail(
                f"'{key}' has {len(value)} {noun}(s); at least {minimum} are needed",
                f"add more {noun}s",
            )
        for number, item in enumerate(value, start=1):
            self.file.check_keys(item, allowed, f"{self.where}, {noun} {number}", item.line)
        return value

    def options(self, key: str) -> tuple[Option, ...]:
        """Return the options (or reasons), checking texts are present and distinct."""
        options = []
        for number, raw in enumerate(self.mappings(key, _OPTION_KEYS, "option", 2), start=1):
            where = f"{key[:-1]} {number}: "
            options.append(
                Option(
                    self.text("text", raw=raw, where=where),
                    self.boolean("correct", default=False, raw=raw, where=where),
                    self.text("feedback", required=False, raw=raw, where=where),
                )
            )
        self._distinct([o.text for o in options], key)
        return tuple(options)

    def _distinct(self, texts: list[str], key: str) -> None:
        """Report texts that appear twice in one list (students could not tell them apart)."""
        for text in sorted({t for t in texts if t and texts.count(t) > 1}):
            self.fail(f"'{_short(text)}' appears twice in '{key}'", "make each entry different")

    def correct_count(self, options: tuple[Option, ...], key: str, *, exactly_one: bool) -> None:
        """Report a choice list with no correct option, or several where one is needed."""
        count = sum(o.correct for o in options)
        if not options:
            return
        if count == 0:
            self.fail(
                f"no entry in '{key}' is marked correct", "mark the right one with correct: true"
            )
        elif exactly_one and count > 1:
            alternative = " or use type: multiple_select" if key == "options" else ""
            self.fail(
                f"{count} entries in '{key}' are marked correct; exactly one must be",
                f"keep correct: true on one entry only{alternative}",
            )


def _read_single_choice(q: _QuestionReader) -> dict[str, Any]:
    options = q.options("options")
    q.correct_count(options, "options", exactly_one=True)
    return {"options": options}


def _read_multiple_select(q: _QuestionReader) -> dict[str, Any]:
    options = q.options("options")
    q.correct_count(options, "options", exactly_one=False)
    return {"options": options}


def _read_true_false(q: _QuestionReader) -> dict[str, Any]:
    return {
        "answer": q.boolean("answer", default=True),
        "feedback_true": q.text("feedback_true", required=False),
        "feedback_false": q.text("feedback_false", required=False),
    }


def _read_matching(q: _QuestionReader) -> dict[str, Any]:
    pairs = []
    for number, raw in enumerate(q.mappings("pairs", _PAIR_KEYS, "pair", 2), start=1):
        left = q.text("left", raw=raw, where=f"pair {number}: ")
        right = q.text("right", raw=raw, where=f"pair {number}: ")
        if left and not right:
            q.fail(
                f"pair {number} ('{_short(left)}') points nowhere: it has no 'right' item",
                f"add right: ... under left: {_short(left)}",
                raw.line,
            )
        if right and not left:
            q.fail(
                f"pair {number} (right '{_short(right)}') has no 'left' item",
                "add left: ...",
                raw.line,
            )
        if not left and not right:
            q.fail(f"pair {number} is empty", "give it left: ... and right: ...", raw.line)
        pairs.append(Pair(left, right))
    q._distinct([p.left for p in pairs], "pairs")
    distractors = _text_list(q.raw.get("distractors"))
    if distractors is None:
        q.fail("'distractors' must be a list of texts", "write one '- \"...\"' line per extra item")
        distractors = []
    rights = {p.right for p in pairs}
    for extra in distractors:
        if extra in rights:
            q.fail(
                f"distractor '{_short(extra)}' is also a right answer",
                "remove it or change its text",
            )
    return {"pairs": tuple(pairs), "distractors": tuple(distractors)}


def _read_ordering(q: _QuestionReader) -> dict[str, Any]:
    items = []
    for number, raw in enumerate(q.mappings("items", _EVENT_KEYS, "item", 2), start=1):
        year = raw.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            q.fail(
                f"item {number}: year '{year}' is not a whole number", "write year: 1962", raw.line
            )
            year = None
        items.append(Event(q.text("text", raw=raw, where=f"item {number}: "), year))
    q._distinct([e.text for e in items], "items")
    dated = [e for e in items if e.year is not None]
    for earlier, later in itertools.pairwise(dated):
        if later.year < earlier.year:  # type: ignore[operator]
            q.fail(
                "items must be listed in the correct order, but "
                f"'{_short(later.text)}' ({later.year}) comes after "
                f"'{_short(earlier.text)}' ({earlier.year})",
                "list the items from first to last; students see them shuffled",
            )
    return {"items": tuple(items)}


def _read_numeric(q: _QuestionReader) -> dict[str, Any]:
    tolerance = q.number("tolerance", default=0)
    if tolerance < 0:
        q.fail(
            f"tolerance {tolerance:g} is negative", "use 0 for an exact answer or a positive margin"
        )
    return {
        "answer": q.number("answer"),
        "tolerance": tolerance,
        "unit": q.text("unit", required=False),
        "feedback_wrong": q.text("feedback_wrong", required=False),
    }


def _read_short_text(q: _QuestionReader) -> dict[str, Any]:
    value = q.raw.get("accepted")
    accepted = _text_list([value] if isinstance(value, str) else value)
    if value is not None and accepted is None:
        q.fail(
            "'accepted' must be a list of texts",
            "write one '- \"answer\"' line per accepted answer",
        )
    for answer in accepted or []:
        if not normalise_text(answer):
            q.fail(
                f"accepted answer '{answer}' is empty once punctuation and spaces are ignored",
                "use letters or digits",
            )
    return {
        "accepted": tuple(accepted or ()),
        "feedback_wrong": q.text("feedback_wrong", required=False),
    }


def _read_scenario(q: _QuestionReader) -> dict[str, Any]:
    verdicts = []
    for number, raw in enumerate(q.mappings("verdicts", _VERDICT_KEYS, "verdict", 2), start=1):
        where = f"verdict {number}: "
        verdicts.append(
            Verdict(
                q.text("id", raw=raw, where=where),
                q.text("label", raw=raw, where=where),
                q.text("feedback", required=False, raw=raw, where=where),
            )
        )
    ids = [v.id for v in verdicts]
    q._distinct(ids, "verdicts")
    answer = q.text("answer")
    if answer and ids and answer not in ids:
        near = difflib.get_close_matches(answer, ids, n=1)
        hint = f"did you mean '{near[0]}'? " if near else ""
        q.fail(
            f"answer '{answer}' is not one of the verdict ids ({', '.join(ids)})",
            f"{hint}use a verdict id",
        )
    reasons = q.options("reasons")
    q.correct_count(reasons, "reasons", exactly_one=True)
    return {
        "scenario": q.text("scenario"),
        "verdicts": tuple(verdicts),
        "answer": answer,
        "reasons": reasons,
    }


def _read_reflection(q: _QuestionReader) -> dict[str, Any]:
    value = q.raw.get("min_words", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        q.fail(f"min_words '{value}' is not a whole number of 0 or more", "write min_words: 50")
        value = 0
    return {"min_words": value}


def _bib_keys() -> set[str] | None:
    """Return the citation keys of references.bib, or None if it cannot be read."""
    try:
        from backchannels.references import load_references

        return set(load_references())
    except Exception:  # noqa: BLE001 - a broken bib is reported by the data check
        return None


def _sources(q: _QuestionReader) -> tuple[str, ...]:
    """Return the bib keys a case or evidence item cites, checking each is in references.bib."""
    value = q.raw.get("sources")
    keys = _text_list([value] if isinstance(value, str) else value)
    if keys is None:
        q.fail("'sources' must be a list of citation keys", "write one '- key' line per source")
        return ()
    known = _bib_keys()
    for key in keys:
        if known is not None and key not in known:
            near = difflib.get_close_matches(key, list(known), n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            q.fail(
                f"source '{key}' is not in data/references.bib",
                f"{hint}add the entry to references.bib or correct the key",
            )
    return tuple(keys)


def _read_case(q: _QuestionReader) -> dict[str, Any]:
    options = q.options("options")
    q.correct_count(options, "options", exactly_one=True)
    return {"case": q.text("case"), "options": options, "sources": _sources(q)}


def _read_evidence(q: _QuestionReader) -> dict[str, Any]:
    facts = []
    for number, raw in enumerate(q.mappings("facts", _FACT_KEYS, "fact", 2), start=1):
        where = f"fact {number}: "
        effect = q.text("effect", raw=raw, where=where)
        if effect and effect not in EFFECTS:
            near = difflib.get_close_matches(effect, EFFECTS, n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            q.fail(
                f"fact {number}: effect '{effect}' is not one of {', '.join(EFFECTS)}",
                f"{hint}write effect: strengthens, weakens or neither",
                raw.line,
            )
        facts.append(
            Fact(
                q.text("text", raw=raw, where=where),
                effect,
                q.text("feedback", required=False, raw=raw, where=where),
            )
        )
    q._distinct([f.text for f in facts], "facts")
    if facts and len({f.effect for f in facts}) < 2:
        q.fail(
            "every fact has the same effect, so one guess answers them all",
            "include facts that strengthen and facts that weaken the claim",
        )
    return {"claim": q.text("claim"), "facts": tuple(facts), "sources": _sources(q)}


def _read_written(q: _QuestionReader) -> dict[str, Any]:
    rubric = _text_list(q.raw.get("rubric"))
    if rubric is None:
        q.fail("'rubric' must be a list of criteria", "write one '- \"criterion\"' line each")
        rubric = []
    elif rubric and len(rubric) < 2:
        q.fail("the rubric has one criterion", "give at least two criteria a student can tick")
    value = q.raw.get("min_words", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        q.fail(f"min_words '{value}' is not a whole number of 0 or more", "write min_words: 50")
        value = 0
    return {
        "model_answer": q.text("model_answer"),
        "rubric": tuple(rubric),
        "min_words": value,
        "case": q.text("case", required=False),
        "sources": _sources(q) if "sources" in q.raw else (),
    }


_TYPE_READERS: dict[str, Callable[[_QuestionReader], dict[str, Any]]] = {
    "single_choice": _read_single_choice,
    "multiple_select": _read_multiple_select,
    "true_false": _read_true_false,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "numeric": _read_numeric,
    "short_text": _read_short_text,
    "scenario": _read_scenario,
    "case": _read_case,
    "evidence": _read_evidence,
    "written": _read_written,
    "reflection": _read_reflection,
}


# ---------------------------------------------------------------- small value helpers


def _blank(value: object) -> bool:
    """Return True for a missing value, an empty text or an empty list."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | dict) and not value)


def _text(value: object) -> str | None:
    """Return a YAML scalar as stripped text (numbers allowed), else None."""
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return None
    return str(value).strip() or None


def _text_list(value: object) -> list[str] | None:
    """Return a list of texts, [] for a missing value, None if it is not a list of texts."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    texts = [_text(v) for v in value]
    return None if any(t is None for t in texts) else [t for t in texts if t]


def _short(text: str, limit: int = 40) -> str:
    """Shorten a text for a one-line message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unknown_key_fix(key: str, allowed: dict[str, bool], kind: str) -> str:
    """Suggest the nearest valid key, or say which keys are valid here."""
    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if near:
        return f"did you mean '{near[0]}'? Rename the key"
    if kind and key in _ALL_QUESTION_KEYS:
        return f"remove it; '{key}' belongs to other question types, not {kind}"
    return f"remove it or use one of: {', '.join(allowed)}"


# ---------------------------------------------------------------- public functions

_CACHE: dict[Path, tuple[int, int, Bank]] = {}


def questions_dir() -> Path:
    """Return the folder holding the module's question banks."""
    return data_dir() / "questions"


def module_bank_paths() -> list[Path]:
    """Return the module's bank files in lesson order."""
    return sorted(p for p in questions_dir().glob("*.yml") if p.name != RETIRED_FILE)


def bank_path(lesson: str | os.PathLike[str]) -> Path:
    """Return the file for a lesson id ("01") or an explicit path to a bank file."""
    text = os.fspath(lesson)
    if isinstance(lesson, os.PathLike) or text.endswith((".yml", ".yaml")) or os.sep in text:
        return Path(text)
    return questions_dir() / f"{text}.yml"


def load_bank(lesson: str | os.PathLike[str]) -> Bank:
    """Load and validate one lesson's bank (by lesson id or path); raise BankError if invalid."""
    path = bank_path(lesson)
    if not path.is_file():
        known = ", ".join(p.stem for p in module_bank_paths()) or "none yet"
        raise BankError(
            [
                (
                    f"{path}: no question bank for '{os.fspath(lesson)}'. "
                    f"Fix: use a lesson that has a bank ({known}) or a path to a .yml file."
                )
            ]
        )
    stat = path.stat()
    cached = _CACHE.get(path.resolve())
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    found = _FileReader(path).read()
    if found.bank is None:
        raise BankError(found.problems)
    _CACHE[path.resolve()] = (stat.st_mtime_ns, stat.st_size, found.bank)
    return found.bank


def load_all_banks() -> list[Bank]:
    """Load every bank of the module, checking ids are unique across all of them."""
    banks = [load_bank(path) for path in module_bank_paths()]
    problems = _duplicate_problems([(q.id, b.path, q.line) for b in banks for q in b.questions])
    if problems:
        raise BankError(problems)
    return banks


def find_question(question_id: str) -> tuple[Bank, Question]:
    """Return the bank and question for an id, trying the lesson its prefix names first."""
    prefix = question_id.rsplit("_", 1)[0]
    first = [questions_dir() / f"{prefix}.yml"]
    for path in dict.fromkeys(first + module_bank_paths()):
        if path.is_file():
            bank = load_bank(path)
            if any(q.id == question_id for q in bank.questions):
                return bank, bank.question(question_id)
    raise BankError(
        [
            (
                f"{questions_dir()}: no question with id '{question_id}'. "
                "Fix: check the id (like 01_q3) against the lesson's bank."
            )
        ]
    )


@dataclass
class CheckReport:
    """What ``backchannels check`` learns about the banks: problems, levels, lint figures, opt-outs."""

    problems: list[str]
    banks: list[Bank]
    schema: list[str] | None = None
    level_table: str = ""
    figures: dict[str, str] | None = None
    opt_outs: list[str] | None = None


RETIRED_FILE = "retired.yml"


def retired_ids(folder: Path | None = None) -> dict[str, str]:
    """Return the retired question ids (never to be reused) with the reason each was retired."""
    path = (folder or questions_dir()) / RETIRED_FILE
    if not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = raw.get("retired", []) if isinstance(raw, dict) else []
    return {str(r["id"]): str(r.get("reason", "")) for r in rows if isinstance(r, dict) and "id" in r}


def _retired_problems(banks: list[Bank]) -> list[str]:
    """Report questions that reuse a retired id."""
    try:
        retired = retired_ids()
    except (yaml.YAMLError, OSError, KeyError, TypeError) as error:
        return [f"{questions_dir() / RETIRED_FILE}: cannot be read ({error}). Fix: check its syntax"]
    return [
        f"{b.path}:{q.line}: question {q.id}: id '{q.id}' was retired ({retired[q.id]}). "
        "Fix: give the question a new id (retired ids are never reused)"
        for b in banks
        for q in b.questions
        if q.id in retired
    ]


def check_report(paths: list[Path] | None = None) -> CheckReport:
    """Validate bank files (default: all of the module's), then check levels and item-writing lint.

    Schema problems come first; only banks without them get the level rules (each objective
    assessed at its verb's level, 40 % at apply or above) and the lint. Warnings (a missing
    hint or explanation) are logged, not returned. Duplicate ids are looked for across all the
    files checked; retired ids (data/questions/retired.yml) may not be used again.
    """
    from backchannels.quiz.levels import level_problems, level_rows, level_table
    from backchannels.quiz.lint import lint_banks

    files = [Path(p) for p in paths] if paths else module_bank_paths()
    problems: list[str] = []
    seen: list[tuple[str, Path, int]] = []
    banks: list[Bank] = []
    for path in files:
        try:
            found = _FileReader(path).read()
        except Exception as error:  # noqa: BLE001 - the checker must report, never crash
            problems.append(f"{path}: could not be read ({error}). Fix: check the file.")
            continue
        problems += found.problems
        for warning in found.warnings:
            log.warning("warning: %s", warning)
        seen += [(question_id, path, line) for question_id, line in found.ids]
        if found.bank is not None:
            banks.append(found.bank)
    if not files:
        problems.append(f"{questions_dir()}: no question banks found. Fix: add NN.yml files there.")
    problems += _duplicate_problems(seen, across_files_only=True)
    schema = list(problems)
    problems += _retired_problems(banks)
    if not paths:
        problems += notebook_id_problems(banks)
    for bank in banks:
        problems += level_problems(bank)
    lint = lint_banks(banks)
    problems += lint.problems()
    return CheckReport(
        problems, banks, schema, level_table(level_rows(banks)), lint.figures, lint.opt_out_lines()
    )


_CALL = re.compile(r"""\b(show_question|show_quiz)\(\s*(?:lesson\s*=\s*)?["']([^"']+)["']""")


def notebook_calls(folder: Path | None = None) -> list[tuple[Path, int, str, str]]:
    """Return every show_question/show_quiz call in the lesson notebooks: (path, cell, function, id)."""
    import json

    from backchannels.paths import notebooks_dir

    folder = folder if folder is not None else notebooks_dir()
    if folder is None or not folder.is_dir():
        return []
    calls = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue  # the notebook tests report a broken notebook; this check is about ids
        for number, cell in enumerate(cells):
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            calls += [(path, number, m.group(1), m.group(2)) for m in _CALL.finditer(text)]
    return calls


def notebook_id_problems(banks: list[Bank], folder: Path | None = None) -> list[str]:
    """Report notebook cells that show a question id (or a lesson's quiz) no bank defines."""
    ids = {q.id for b in banks for q in b.questions}
    lessons = {b.lesson for b in banks}
    try:
        retired = retired_ids()
    except (yaml.YAMLError, OSError, KeyError, TypeError):
        retired = {}
    problems = []
    for path, cell, function, key in notebook_calls(folder):
        known = key in lessons if function == "show_quiz" else key in ids
        if known:
            continue
        why = f"it was retired ({retired[key]})" if key in retired else "no bank defines it"
        what = "lesson" if function == "show_quiz" else "question"
        problems.append(
            f"{path}: cell {cell}: {function}(\"{key}\") shows a {what} that does not exist: {why}. "
            "Fix: remove the cell or show a question that a bank defines"
        )
    return problems


def check_banks(paths: list[Path] | None = None) -> list[str]:
    """Validate bank files (default: all of the module's) and return their problems, never raising."""
    return check_report(paths).problems


def _duplicate_problems(
    seen: list[tuple[str, Path, int]], *, across_files_only: bool = False
) -> list[str]:
    """Report ids used by more than one question (within a file too unless told otherwise)."""
    first: dict[str, tuple[Path, int]] = {}
    problems = []
    for question_id, path, line in seen:
        if question_id not in first:
            first[question_id] = (path, line)
            continue
        other_path, other_line = first[question_id]
        if across_files_only and other_path == path:
            continue  # already reported by the file's own reader
        problems.append(
            f"{path}:{line}: question {question_id}: id '{question_id}' is already used in "
            f"{other_path}:{other_line}. Fix: give one of them a new id (ids are unique across "
            "the module and never reused)"
        )
    return problems
