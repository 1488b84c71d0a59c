"""Questions for self-checking on a page without a kernel: the question, then the answer folded under it.

The question part is the quiz's own static rendering (``backchannels.quiz.static``); under it a
closed ``<details>`` holds the right answer, the explanation and the feedback per option, so a
reader answers first and opens it to check.
"""

from __future__ import annotations

import re
from html import escape

from backchannels.quiz.bank import (
    Bank,
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
    find_question,
    load_bank,
)
from backchannels.quiz.static import markdown_html, question_html

QUESTION_CALL = re.compile(r"""\bshow_question\(\s*["']([^"']+)["']""")
QUIZ_CALL = re.compile(r"""\bshow_quiz\(\s*["']([^"']+)["']""")
SCORE_CALL = re.compile(r"""\b(show_score|progress_overview)\(""")


def _number(value: float) -> str:
    """Return a number without a needless '.0'."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _options(options: tuple, correct_label: str = "right") -> str:
    """Return every option marked right or not, with its feedback."""
    items = []
    for option in options:
        mark = f"<strong>✔ {correct_label}</strong>" if option.correct else "✘ not right"
        feedback = f" — {markdown_html(option.feedback).removeprefix('<p>').removesuffix('</p>')}" \
            if option.feedback else ""
        items.append(f"<li>{escape(option.text)}: {mark}{feedback}</li>")
    return f"<ul class='bc-answer-options'>{''.join(items)}</ul>"


def answer_html(q: Question) -> str:
    """Return the right answer of a question, with per-option feedback where the bank has it."""
    if isinstance(q, SingleChoice | MultipleSelect):
        return _options(q.options)
    if isinstance(q, TrueFalse):
        why = q.feedback_true if q.answer else q.feedback_false
        return f"<p><strong>{'True' if q.answer else 'False'}.</strong> {escape(why)}</p>".replace(" </p>", "</p>")
    if isinstance(q, Matching):
        rows = "".join(f"<li>{escape(p.left)} → <strong>{escape(p.right)}</strong></li>" for p in q.pairs)
        return f"<ul>{rows}</ul>"
    if isinstance(q, Ordering):
        rows = "".join(f"<li>{escape(e.text)}" + (f" ({e.year})" if e.year else "") + "</li>" for e in q.items)
        return f"<ol>{rows}</ol>"
    if isinstance(q, Numeric):
        within = f" (within ±{_number(q.tolerance)})" if q.tolerance else ""
        unit = f" {escape(q.unit)}" if q.unit else ""
        return f"<p><strong>{_number(q.answer)}{unit}</strong>{within}</p>"
    if isinstance(q, ShortText):
        others = ", ".join(escape(a) for a in q.accepted[1:])
        also = f" (also accepted: {others})" if others else ""
        return f"<p><strong>{escape(q.accepted[0])}</strong>{also}</p>"
    if isinstance(q, Scenario):
        verdict = next((v for v in q.verdicts if v.id == q.answer), None)
        label = verdict.label if verdict else q.answer
        why = f" {escape(verdict.feedback)}" if verdict and verdict.feedback else ""
        return f"<p>Verdict: <strong>{escape(label)}</strong>.{why}</p>{_options(q.reasons, 'the reason')}"
    if isinstance(q, Reflection):
        return "<p>Not graded: there is no single right answer. Compare yours with the explanation.</p>"
    return ""


def self_check_html(q: Question, bank: Bank) -> str:
    """Return one question with its answer and explanation folded under it (closed by default)."""
    graded = [x.id for x in bank.graded]
    number = graded.index(q.id) + 1 if q.id in graded else 0
    question = question_html(q, number=number, total=len(graded), seed=0)
    explanation = markdown_html(q.explanation)
    summary = "Model answer and explanation" if isinstance(q, Reflection) else "Answer and explanation"
    return (f"<div class='bc-self-check' id='q-{escape(q.id, quote=True)}'>{question}"
            f"<details class='bc-answer'><summary>{summary}</summary>"
            f"{answer_html(q)}{explanation}</details></div>")


def question_self_check(question_id: str) -> str:
    """Return the self-check HTML of one question by its id (e.g. '02_q3')."""
    bank, q = find_question(question_id)
    return self_check_html(q, bank)


def quiz_self_check(lesson: str) -> str:
    """Return every question of a lesson's bank as self-check HTML."""
    bank = load_bank(lesson)
    return "".join(self_check_html(q, bank) for q in bank.questions)


def self_check_for_source(source: str) -> str | None:
    """Return the self-check HTML a quiz cell stands for, '' for score/progress cells, None otherwise."""
    ids = QUESTION_CALL.findall(source)
    if ids:
        return "".join(question_self_check(i) for i in ids)
    lessons = QUIZ_CALL.findall(source)
    if lessons:
        return "".join(quiz_self_check(lesson) for lesson in lessons)
    if SCORE_CALL.search(source):
        return ""
    return None
