"""Questions as static HTML and plain text, for places with no kernel and no widgets.

A static HTML export, a notebook viewer or an nbgrader run shows these renderings: the prompt,
the instruction and every option in the student's order, a collapsed hint, and never the answer.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from backchannels.quiz.bank import (
    Bank,
    CaseApplication,
    Evidence,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    Reflection,
    Scenario,
    ShortText,
    SingleChoice,
    TrueFalse,
    Written,
)
from backchannels.quiz.order import (
    event_order,
    fact_order,
    option_order,
    reason_order,
    right_choices,
)

INSTRUCTIONS: dict[str, str] = {
    "single_choice": "Choose one answer.",
    "multiple_select": "Tick every answer that applies.",
    "true_false": "Is this statement true or false?",
    "matching": "Match each item with one from the list.",
    "ordering": "Give each item its position, 1 for the first.",
    "numeric": "Type a number.",
    "short_text": "Type a word or a short phrase.",
    "scenario": "Choose a verdict and the reason for it.",
    "case": "Read the case, then choose one answer.",
    "evidence": "Say whether each fact strengthens or weakens the claim, or neither.",
    "written": "Write your answer, then mark it yourself against the model answer and rubric.",
    "reflection": "Write your answer; it is kept for you, not graded.",
}
EFFECT_CHOICES = ("strengthens", "weakens", "neither")
RUN_NOTE = "Run the notebook to answer and get feedback."


@lru_cache(maxsize=1)
def _markdown() -> Callable[[str], str]:
    """Return a Markdown renderer that escapes raw HTML (imported only when first needed)."""
    import mistune

    return mistune.create_markdown(escape=True)  # type: ignore[return-value]


def markdown_html(text: str) -> str:
    """Render lecturer Markdown to HTML; raw HTML in it is shown as text, not run."""
    return _markdown()(text).strip() if text else ""


def _e(text: str) -> str:
    """Escape plain text for HTML."""
    return html.escape(text, quote=True)


def _items(marker: str, texts: Sequence[str]) -> str:
    """Return an unmarked HTML list whose items start with a marker."""
    lines = "".join(f"<li>{marker} {_e(t)}</li>" for t in texts)
    return f'<ul class="bc-static-options" style="list-style:none;padding-left:1em">{lines}</ul>'


def _body_html(q: Question, seed: int | None) -> str:
    """Return the type-specific part of a question: its options or answer space."""
    if isinstance(q, SingleChoice | MultipleSelect):
        return _items(
            "○" if isinstance(q, SingleChoice) else "☐", [o.text for o in option_order(q, seed)]
        )
    if isinstance(q, CaseApplication):
        return _items("○", [o.text for o in option_order(q, seed)])  # type: ignore[arg-type]
    if isinstance(q, Evidence):
        rows = "".join(
            f"<tr><td>{_e(f.text)}</td><td>strengthens / weakens / neither</td></tr>"
            for f in fact_order(q, seed)
        )
        return f"<table><thead><tr><th>Fact</th><th>Effect on the claim</th></tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(q, Written):
        criteria = "".join(f"<li>{markdown_html(c)}</li>" for c in q.rubric)
        return (
            "<p>Your answer: ____________</p>"
            f"<p>Mark it against these criteria:</p><ul>{criteria}</ul>"
            "<details><summary>Model answer (read it after writing yours)</summary>"
            f"{markdown_html(q.model_answer)}</details>"
        )
    if isinstance(q, TrueFalse):
        return _items("○", ["True", "False"])
    if isinstance(q, Matching):
        rows = "".join(f"<tr><td>{_e(p.left)}</td><td>______</td></tr>" for p in q.pairs)
        choices = "; ".join(_e(c) for c in right_choices(q, seed))
        return (
            f"<table><thead><tr><th>Item</th><th>Match</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p>Choose from: {choices}</p>"
        )
    if isinstance(q, Ordering):
        return _items("___", [e.text for e in event_order(q, seed)])
    if isinstance(q, Numeric | ShortText):
        unit = f" {_e(q.unit)}" if isinstance(q, Numeric) and q.unit else ""
        return f"<p>Your answer: ____________{unit}</p>"
    if isinstance(q, Scenario):
        return (
            f"<blockquote>{markdown_html(q.scenario)}</blockquote><p>Verdict:</p>"
            f"{_items('○', [v.label for v in q.verdicts])}<p>Reason:</p>"
            f"{_items('○', [o.text for o in reason_order(q, seed)])}"
        )
    return "<p>Your reflection: ____________</p>"


def _body_text(q: Question, seed: int | None) -> list[str]:
    """Return the type-specific part of a question as plain-text lines."""
    if isinstance(q, SingleChoice | MultipleSelect):
        mark = "( )" if isinstance(q, SingleChoice) else "[ ]"
        return [f"  {mark} {o.text}" for o in option_order(q, seed)]
    if isinstance(q, CaseApplication):
        return [f"  ( ) {o.text}" for o in option_order(q, seed)]  # type: ignore[arg-type]
    if isinstance(q, Evidence):
        return [f"  {f.text} -> strengthens / weakens / neither" for f in fact_order(q, seed)]
    if isinstance(q, Written):
        return [
            "  Your answer: ____________",
            "  Mark it against these criteria:",
            *[f"  [ ] {c}" for c in q.rubric],
            f"  Model answer (read it after writing yours): {q.model_answer}",
        ]
    if isinstance(q, TrueFalse):
        return ["  ( ) True", "  ( ) False"]
    if isinstance(q, Matching):
        return [f"  {p.left} -> ____" for p in q.pairs] + [
            "  Choose from: " + "; ".join(right_choices(q, seed))
        ]
    if isinstance(q, Ordering):
        return [f"  ___ {e.text}" for e in event_order(q, seed)]
    if isinstance(q, Numeric | ShortText):
        unit = f" {q.unit}" if isinstance(q, Numeric) and q.unit else ""
        return [f"  Your answer: ____________{unit}"]
    if isinstance(q, Scenario):
        return (
            [f"  Scenario: {q.scenario}", "  Verdict:"]
            + [f"    ( ) {v.label}" for v in q.verdicts]
            + ["  Reason:"]
            + [f"    ( ) {o.text}" for o in reason_order(q, seed)]
        )
    return ["  Your reflection: ____________"]


def heading(q: Question, number: int, total: int) -> str:
    """Return 'Question 2 of 8' (or 'Reflection') for a question."""
    if isinstance(q, Reflection):
        return "Reflection"
    if isinstance(q, Written):
        return "Written answer (self-marked)"
    return f"Question {number} of {total}"


def stem_html(q: Question) -> str:
    """Return the case, scenario or claim that a question's prompt refers to, as HTML."""
    if isinstance(q, CaseApplication | Written) and q.case:
        return f'<blockquote class="bc-case"><strong>Case.</strong> {markdown_html(q.case)}</blockquote>'
    if isinstance(q, Evidence):
        return f'<blockquote class="bc-claim"><strong>Claim:</strong> {markdown_html(q.claim)}</blockquote>'
    return ""


def stem_text(q: Question) -> list[str]:
    """Return the case or claim of a question as plain-text lines."""
    if isinstance(q, CaseApplication | Written) and q.case:
        return [f"  Case: {q.case}"]
    if isinstance(q, Evidence):
        return [f"  Claim: {q.claim}"]
    return []


def question_html(q: Question, *, number: int, total: int, seed: int | None) -> str:
    """Return one question as static HTML (no answer, hint collapsed)."""
    hint = f"<details><summary>Hint</summary>{markdown_html(q.hint)}</details>" if q.hint else ""
    return (
        f'<div class="bc-static-question" data-question-id="{_e(q.id)}">'
        f"<p><strong>{heading(q, number, total)}</strong> — {INSTRUCTIONS[q.kind]}</p>"
        f"{stem_html(q)}{markdown_html(q.prompt)}{_body_html(q, seed)}{hint}</div>"
    )


def question_text(q: Question, *, number: int, total: int, seed: int | None) -> str:
    """Return one question as plain text (no answer)."""
    lines = [
        f"{heading(q, number, total)} — {INSTRUCTIONS[q.kind]}",
        *stem_text(q),
        q.prompt,
        *_body_text(q, seed),
    ]
    if q.hint:
        lines.append(f"  Hint: {q.hint}")
    return "\n".join(lines)


def questions_html(bank: Bank, questions: Sequence[Question], seed: int | None) -> str:
    """Return several questions of a bank as one static HTML block."""
    total = len(bank.graded)
    parts = [
        question_html(q, number=_graded_number(bank, q), total=total, seed=seed) for q in questions
    ]
    return "<hr/>".join(parts) + f"<p><em>{RUN_NOTE}</em></p>"


def questions_text(bank: Bank, questions: Sequence[Question], seed: int | None) -> str:
    """Return several questions of a bank as plain text."""
    total = len(bank.graded)
    parts = [
        question_text(q, number=_graded_number(bank, q), total=total, seed=seed) for q in questions
    ]
    return "\n\n".join(parts) + f"\n\n({RUN_NOTE})"


def _graded_number(bank: Bank, question: Question) -> int:
    """Return a question's number among the graded questions (reflections are not numbered)."""
    graded = [q.id for q in bank.graded]
    return graded.index(question.id) + 1 if question.id in graded else 0


def quiz_title_html(bank: Bank) -> str:
    """Return the quiz heading line."""
    title = f"Lesson {_e(bank.lesson)} quiz: {_e(bank.title)}"
    return f'<p class="bc-quiz-title"><strong>{title}</strong></p>'


class StaticView:
    """Questions as text only: what exports, viewers and nbgrader runs display."""

    def __init__(self, html_text: str, plain_text: str, css_class: str = "bc-static") -> None:
        self.html = html_text
        self.text = plain_text
        self.css_class = css_class

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Return the HTML and plain-text renderings."""
        return {
            "text/html": f'<div class="{self.css_class}">{self.html}</div>',
            "text/plain": self.text,
        }

    def __repr__(self) -> str:
        return self.text
