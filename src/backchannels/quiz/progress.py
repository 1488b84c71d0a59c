"""A student's answers and scores, kept in one JSON file in their own data folder.

The file is ``progress.json`` in ``user_data_dir()``. Every change re-reads the file, applies
the change to one question's record and writes the whole file to a temporary file that then
replaces the old one (``os.replace``), so two notebooks open at once do not undo each other's
answers and a crash never leaves half a file. Where ``fcntl`` exists the read-change-write is
also locked. A file that cannot be read is kept as ``progress.json.corrupt-<time>`` and a fresh
one is started, with a warning; a folder that cannot be written keeps progress in memory until
the kernel stops, with a warning. Nothing here raises on a bad file.

A record, keyed by question id::

    {"answer": ..., "result": "correct" | "wrong", "tries": 2, "wrong": 1, "credited": true,
     "revealed": false, "hints": 1, "score": 1.0, "text": "...", "updated": "2025-...Z"}

``credited`` means answered right before the answer was revealed: that is what the lesson
score counts. A written answer is marked by the student against its rubric; its record keeps
``text``, ``self_met`` (the criteria ticked, from 0), ``self_score`` and ``self_max``, and never
``result`` or ``credited``: the self-assessed score is kept apart from the auto-graded one.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backchannels.paths import user_data_dir

FORMAT_VERSION = 1
FILE_NAME = "progress.json"

Record = dict[str, Any]


class ProgressWarning(UserWarning):
    """The progress file could not be read or written; the student's work goes on regardless."""


@dataclass(frozen=True)
class Tally:
    """How many of a set of questions were answered, answered correctly, and exist."""

    answered: int
    correct: int
    total: int

    def sentence(self) -> str:
        """Return '3 of 8 answered correctly'."""
        return f"{self.correct} of {self.total} answered correctly"


@dataclass(frozen=True)
class SelfTally:
    """Written answers self-marked, the criteria their writer ticked, and the criteria possible."""

    marked: int
    points: int
    possible: int
    total: int

    def sentence(self) -> str:
        """Return '2 of 3 written answers self-marked: 5 of 7 criteria met'."""
        return (
            f"{self.marked} of {self.total} written answers self-marked: "
            f"{self.points} of {self.possible} criteria met"
        )


def _now() -> str:
    """Return the current UTC time as an ISO string."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _json_safe(answer: object) -> object:
    """Turn an answer (tuples, sets, mappings) into JSON types."""
    if isinstance(answer, dict):
        return {str(k): _json_safe(v) for k, v in answer.items()}
    if isinstance(answer, list | tuple):
        return [_json_safe(v) for v in answer]
    if isinstance(answer, set | frozenset):
        return sorted(_json_safe(v) for v in answer)  # type: ignore[type-var]
    return answer


class ProgressStore:
    """Reads and updates one student's progress file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path: Path | None = path
        if path is None:
            try:
                self.path = user_data_dir() / FILE_NAME
            except OSError as error:
                self._warn(
                    f"Your progress cannot be saved ({error}); it is kept until the kernel stops."
                )
        self._memory: dict[str, Record] | None = None if self.path else {}

    def records(self) -> dict[str, Record]:
        """Return every question's record as the file holds it now."""
        return self._read()

    def record(self, question_id: str) -> Record:
        """Return one question's record (empty if never answered)."""
        return dict(self._read().get(question_id, {}))

    def tally(self, question_ids: Iterable[str]) -> Tally:
        """Count answered and credited questions among these ids."""
        ids = list(question_ids)
        records = self._read()
        answered = sum(1 for i in ids if records.get(i, {}).get("result"))
        correct = sum(1 for i in ids if records.get(i, {}).get("credited"))
        return Tally(answered, correct, len(ids))

    def record_check(
        self, question_id: str, answer: object, *, correct: bool, score: float
    ) -> Record:
        """Store a graded try: the answer, its result, and credit if not revealed before."""

        def change(record: Record) -> None:
            record["answer"] = _json_safe(answer)
            record["result"] = "correct" if correct else "wrong"
            record["tries"] = int(record.get("tries", 0)) + 1
            record["wrong"] = int(record.get("wrong", 0)) + (not correct)
            record["score"] = float(score)
            if correct and not record.get("revealed"):
                record["credited"] = True

        return self.update(question_id, change)

    def record_hint(self, question_id: str) -> Record:
        """Count one look at the hint."""
        return self.update(
            question_id, lambda r: r.__setitem__("hints", int(r.get("hints", 0)) + 1)
        )

    def record_reveal(self, question_id: str) -> Record:
        """Note that the answer was revealed (later right answers earn no credit)."""
        return self.update(question_id, lambda r: r.__setitem__("revealed", True))

    def self_tally(self, question_ids: Iterable[str]) -> SelfTally:
        """Sum the self-assessed marks of written answers among these ids."""
        ids = list(question_ids)
        records = self._read()
        marked = [records[i] for i in ids if "self_score" in records.get(i, {})]
        return SelfTally(
            len(marked),
            sum(int(r["self_score"]) for r in marked),
            sum(int(r.get("self_max", 0)) for r in marked),
            len(ids),
        )

    def record_self_assessment(
        self, question_id: str, text: str, met: Iterable[int], possible: int
    ) -> Record:
        """Keep a written answer with the rubric criteria its writer ticked as met."""
        ticked = sorted({int(i) for i in met})

        def change(record: Record) -> None:
            record["text"] = text
            record["self_met"] = ticked
            record["self_score"] = len(ticked)
            record["self_max"] = int(possible)

        return self.update(question_id, change)

    def record_reflection(self, question_id: str, text: str) -> Record:
        """Keep a reflection's text."""
        return self.update(question_id, lambda r: r.__setitem__("text", text))

    def update(self, question_id: str, change: Callable[[Record], None]) -> Record:
        """Re-read the file, apply a change to one record, and write the file atomically."""
        with self._locked():
            records = self._read()
            record = dict(records.get(question_id, {}))
            change(record)
            record["updated"] = _now()
            records[question_id] = record
            self._write(records)
        return dict(record)

    def _read(self) -> dict[str, Record]:
        """Return the records, starting fresh (with a backup and a warning) if unreadable."""
        if self._memory is not None:
            return {k: dict(v) for k, v in self._memory.items()}
        assert self.path is not None
        try:
            text = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return {}
        except (OSError, UnicodeDecodeError) as error:
            return self._start_fresh(f"it could not be read ({error.__class__.__name__})")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            return self._start_fresh(f"it is not valid JSON (line {error.lineno})")
        records = data.get("questions") if isinstance(data, dict) else None
        if not isinstance(records, dict) or not all(isinstance(r, dict) for r in records.values()):
            return self._start_fresh("it does not hold progress records")
        return records

    def _start_fresh(self, reason: str) -> dict[str, Record]:
        """Move an unreadable file aside and warn; return no records."""
        assert self.path is not None
        backup = self.path.with_name(
            f"{self.path.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
        )
        try:
            os.replace(self.path, backup)
            kept = f"it was kept as {backup.name}"
        except OSError:
            kept = "it could not be moved aside"
        self._warn(
            f"Your progress file {self.path} was damaged: {reason}; {kept} "
            "and a new one was started."
        )
        return {}

    def _write(self, records: dict[str, Record]) -> None:
        """Write all records to a temporary file, then put it in place in one step."""
        if self._memory is not None:
            self._memory = records
            return
        assert self.path is not None
        payload = json.dumps(
            {"format": FORMAT_VERSION, "questions": records}, indent=1, sort_keys=True
        )
        temporary: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                prefix=".progress-", suffix=".tmp", dir=self.path.parent
            )
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            self._warn(
                f"Your progress could not be saved to {self.path} ({error.strerror or error}); "
                "it is kept until the kernel stops."
            )
            self._memory = records

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on a side file while reading and writing, where possible."""
        try:
            import fcntl
        except ImportError:  # Windows: the atomic replace alone must do
            yield
            return
        if self._memory is not None or self.path is None:
            yield
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        except OSError:
            yield
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _warn(message: str) -> None:
        """Tell the student, in the notebook, without stopping anything."""
        warnings.warn(message, ProgressWarning, stacklevel=3)


# ---------------------------------------------------------------- the overview of all lessons


@dataclass(frozen=True)
class LessonProgress:
    """One lesson's row in the overview."""

    lesson: str
    title: str
    answered: int
    correct: int
    total: int
    note: str = ""
    self_marked: str = ""


class ProgressTable:
    """Every lesson's progress as a table that renders in notebooks, exports and plain text."""

    def __init__(self, rows: list[LessonProgress]) -> None:
        self.rows = rows

    def _repr_html_(self) -> str:
        """Return the table as HTML."""
        head = "".join(
            f"<th>{h}</th>"
            for h in ("Lesson", "Title", "Answered", "Correct", "Questions", "Self-marked")
        )
        body = "".join(
            f"<tr><td>{html.escape(r.lesson)}</td><td>{html.escape(r.title)}</td>"
            + (
                f'<td colspan="4">{html.escape(r.note)}</td>'
                if r.note
                else f"<td>{r.answered}</td><td>{r.correct}</td><td>{r.total}</td>"
                f"<td>{html.escape(r.self_marked)}</td>"
            )
            + "</tr>"
            for r in self.rows
        )
        caption = (
            "<caption>Your progress: questions answered, and answered correctly; written "
            "answers you marked yourself are counted apart (criteria met of possible)</caption>"
        )
        table = f"{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        return f'<table class="bc-progress">{table}</table>'

    def __repr__(self) -> str:
        lines = ["Lesson  Answered  Correct  Questions  Self-marked  Title"]
        for r in self.rows:
            counts = (
                r.note
                if r.note
                else f"{r.answered:>8}  {r.correct:>7}  {r.total:>9}  {r.self_marked:>11}"
            )
            lines.append(f"{r.lesson:<6}  {counts}  {r.title}")
        return "\n".join(lines)


def progress_overview(store: ProgressStore | None = None) -> ProgressTable:
    """Return answered / correct / total for every lesson that has a question bank."""
    from backchannels.quiz.bank import BankError, load_bank, module_bank_paths

    store = store or ProgressStore()
    rows = []
    for path in module_bank_paths():
        try:
            bank = load_bank(path)
        except BankError:
            rows.append(
                LessonProgress(
                    path.stem, "", 0, 0, 0, note="this bank has errors: run backchannels check"
                )
            )
            continue
        tally = store.tally(q.id for q in bank.graded)
        written = [q.id for q in bank.questions if q.self_marked]
        marks = store.self_tally(written)
        self_marked = f"{marks.points} of {marks.possible}" if marks.marked else ("—" if written else "")
        rows.append(
            LessonProgress(
                bank.lesson, bank.title, tally.answered, tally.correct, tally.total, "", self_marked
            )
        )
    return ProgressTable(rows)
