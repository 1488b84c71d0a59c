"""Answer checking: pure functions from a question and a student's answer to Feedback.

What an answer is, per question type (what the widgets read from their controls):

| type | answer |
|---|---|
| single_choice | the chosen option's text, or None |
| multiple_select | the ticked options' texts (any iterable) |
| true_false | True, False or None |
| matching | {left text: chosen right text or None} |
| ordering | {item text: position from 1, or None} |
| numeric | the typed text (a number is accepted too) |
| short_text | the typed text |
| scenario | (verdict id or None, reason text or None) |
| case | the chosen option's text, or None |
| evidence | {fact text: "strengthens" / "weakens" / "neither", or None} |
| written | the written text (then the student ticks the rubric criteria met) |
| reflection | the written text |

Nothing here raises on a student's input: unusable input (nothing chosen, blank, not a number,
far too long, an answer of the wrong shape) gives ``Feedback(correct=None, ...)`` with a short
message, and the widgets do not count it as a try.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backchannels.quiz.bank import (
    CaseApplication,
    Evidence,
    Matching,
    MultipleSelect,
    Numeric,
    Option,
    Ordering,
    Question,
    Reflection,
    Scenario,
    ShortText,
    SingleChoice,
    TrueFalse,
    Written,
)
from backchannels.quiz.normalise import normalise_text

RIGHT = "✓ Correct — "
WRONG = "✗ Not quite — "
MAX_SHORT_TEXT = 200  # characters; a short answer is a word or a phrase
MAX_NUMBER = 40
MAX_REFLECTION = 20_000


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: correct (None = nothing to grade), a message, the credit."""

    correct: bool | None
    message: str
    score: float = 0.0
    saved: bool = False  # a reflection worth keeping


def _right(*parts: str) -> Feedback:
    """Return a correct verdict whose message joins the non-empty parts as paragraphs."""
    return Feedback(True, _join(RIGHT, parts, "well done."), 1.0)


def _wrong(*parts: str, score: float = 0.0) -> Feedback:
    """Return a wrong verdict whose message joins the non-empty parts as paragraphs."""
    return Feedback(False, _join(WRONG, parts, "that is not it."), score)


def _unusable(message: str) -> Feedback:
    """Return a not-counted verdict for input that cannot be graded."""
    return Feedback(None, message)


def _join(head: str, parts: Iterable[str], fallback: str) -> str:
    """Put the head before the first part; further parts become paragraphs."""
    kept = [p.strip() for p in parts if p and p.strip()] or [fallback]
    return "\n\n".join([head + kept[0], *kept[1:]])


def _quote(text: str, limit: int = 60) -> str:
    """Quote a student's text for a message, shortened and with Markdown characters escaped."""
    flat = " ".join(text.split())
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return "“" + re.sub(r"([\\`*_\[\]<>#!|~])", r"\\\1", flat) + "”"


def _find(options: Iterable[Option], text: object) -> Option | None:
    """Return the option with this text, or None."""
    return next((o for o in options if o.text == text), None)


def check_single_choice(question: SingleChoice, selected: str | None) -> Feedback:
    """Check one chosen option."""
    if selected is None or selected == "":
        return _unusable("Nothing selected yet — choose one option, then press Check.")
    option = _find(question.options, selected)
    if option is None:
        return _unusable("That is not one of the options — choose one of the options shown.")
    if option.correct:
        return _right(option.feedback, question.explanation)
    return _wrong(option.feedback)


def check_multiple_select(question: MultipleSelect, ticked: Iterable[str]) -> Feedback:
    """Check the set of ticked options; partial credit is right ticks minus wrong ticks."""
    chosen = {ticked} if isinstance(ticked, str) else set(ticked)
    if not chosen:
        return _unusable("Nothing ticked yet — tick every option that applies, then press Check.")
    if any(_find(question.options, text) is None for text in chosen):
        return _unusable("That is not one of the options — tick options from the list shown.")
    right = {o.text for o in question.options if o.correct}
    hits, extra = chosen & right, chosen - right
    notes = [
        f"- {_quote(o.text)}: {o.feedback}"
        for o in question.options
        if o.text in chosen and o.feedback
    ]
    if chosen == right:
        return _right(
            f"you ticked all {len(right)} right option{'s' * (len(right) != 1)}.",
            "\n".join(notes),
            question.explanation,
        )
    summary = f"you ticked {len(hits)} of the {len(right)} right option{'s' * (len(right) != 1)}"
    summary += f" and {len(extra)} that do{'es' * (len(extra) == 1)} not apply." if extra else "."
    wrong_notes = [
        f"- {_quote(o.text)}: {o.feedback}"
        for o in question.options
        if o.text in extra and o.feedback
    ]
    score = max(0, len(hits) - len(extra)) / len(right)
    return _wrong(summary, "\n".join(wrong_notes), score=score)


def check_true_false(question: TrueFalse, choice: bool | None) -> Feedback:
    """Check a True/False choice."""
    if choice is None or choice == "":
        return _unusable("Nothing selected yet — choose True or False, then press Check.")
    if not isinstance(choice, bool):
        return _unusable("Choose True or False, then press Check.")
    feedback = question.feedback_true if choice else question.feedback_false
    if choice == question.answer:
        return _right(feedback, question.explanation)
    return _wrong(feedback)


def check_matching(question: Matching, chosen: Mapping[str, str | None]) -> Feedback:
    """Check one right item chosen for each left item; credit per correct match."""
    lefts = [p.left for p in question.pairs]
    empty = [left for left in lefts if not chosen.get(left)]
    if empty:
        return _unusable(
            f"Choose a match for every item — {_count(len(empty), 'is', 'are')} still empty."
        )
    valid = {p.right for p in question.pairs} | set(question.distractors)
    if any(chosen[left] not in valid for left in lefts):
        return _unusable("Choose each match from the list offered.")
    wrong = [p.left for p in question.pairs if chosen[p.left] != p.right]
    total = len(lefts)
    if not wrong:
        return _right(f"all {total} matches are right.", question.explanation)
    looks = "; ".join(_quote(left) for left in wrong)
    return _wrong(
        f"{total - len(wrong)} of {total} matches are right. Look again at: {looks}.",
        score=(total - len(wrong)) / total,
    )


def check_ordering(question: Ordering, positions: Mapping[str, int | None]) -> Feedback:
    """Check a position (1 = first) given to each item; credit per item in its right place."""
    texts = [e.text for e in question.items]
    total = len(texts)
    empty = [t for t in texts if positions.get(t) in (None, "", 0)]
    if empty:
        return _unusable(
            f"Give every item a position — {_count(len(empty), 'is', 'are')} still empty."
        )
    given = [positions[t] for t in texts]
    if any(isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= total for p in given):
        return _unusable(f"Use the positions 1 to {total}.")
    repeated = sorted({p for p in given if given.count(p) > 1})
    if repeated:
        return _unusable(
            f"Position {repeated[0]} is given to more than one item — use each position once."
        )
    in_place = sum(positions[text] == number for number, text in enumerate(texts, start=1))
    if in_place == total:
        return _right(f"all {total} are in the right order.", question.explanation)
    return _wrong(f"{in_place} of {total} are in the right place.", score=in_place / total)


def parse_number(text: str) -> float | None:
    """Read a number as people type it; None when it is not one.

    Accepts spaces around it, a leading + or − (any dash), digits from any script, thousands
    separated by commas or spaces in groups of three ("1,962", "1 962"), and a decimal point
    or a decimal comma ("3.5", "3,5"). "1,962" is read as 1962: three digits after a comma
    are thousands. Rejects words, ranges, exponents, NaN and infinity.
    """
    cleaned = "".join(
        _ascii_digit(c)
        for c in unicodedata.normalize("NFKC", text)
        if unicodedata.category(c) != "Cf"
    ).strip()
    cleaned = re.sub(r"^[\u2212\u2012\u2013\u2014]", "-", cleaned)
    if (
        re.fullmatch(r"[+-]?\d{1,3}([ ,]\d{3})+(\.\d+)?", cleaned)
        and len(set(re.findall(r"[ ,]", cleaned))) == 1
    ):
        cleaned = re.sub(r"[ ,]", "", cleaned)
    elif re.fullmatch(r"[+-]?\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _ascii_digit(char: str) -> str:
    """Return an ASCII digit for a decimal digit of any script, else the character."""
    return str(unicodedata.decimal(char)) if char.isdecimal() else char


def format_number(value: float) -> str:
    """Show a number without a needless '.0' or an exponent."""
    return str(int(value)) if value == int(value) else f"{value:.10g}"


def check_numeric(question: Numeric, typed: str | float) -> Feedback:
    """Check a typed number against the answer and tolerance."""
    if isinstance(typed, int | float) and not isinstance(typed, bool):
        typed = format_number(float(typed)) if math.isfinite(typed) else "not a number"
    if not isinstance(typed, str):
        return _unusable("Type a number, then press Check.")
    if len(typed) > MAX_NUMBER:
        return _unusable("That is far too long for a number — type just the number, using digits.")
    text = typed.strip()
    unit = question.unit.strip()
    if unit and text.casefold().endswith(unit.casefold()):
        text = text[: -len(unit)].strip()
    if not normalise_text(text):
        return _unusable("Type a number first, then press Check.")
    value = parse_number(text)
    if value is None:
        return _unusable(
            f"{_quote(typed)} is not a number we can read — type it with digits (0–9), "
            "like 1815 or 2.5."
        )
    shown = format_number(value) + (f" {unit}" if unit else "")
    if abs(value - question.answer) <= question.tolerance + 1e-9 * max(1.0, abs(question.answer)):
        return _right(f"{shown}.", question.explanation)
    return _wrong(question.feedback_wrong or f"{shown} is not the answer.")


def _compact(text: str) -> str:
    """Return the comparison key: normalised, and without spaces ("U.S." == "U S" == "us")."""
    return normalise_text(text).replace(" ", "")


def check_short_text(question: ShortText, typed: str) -> Feedback:
    """Check typed text against the accepted answers, ignoring case, accents and spacing."""
    if not isinstance(typed, str):
        return _unusable("Type a word or short phrase, then press Check.")
    if len(typed) > MAX_SHORT_TEXT:
        return _unusable(
            f"That is much longer than a short answer ({len(typed):,} characters) — "
            "type just a word or a short phrase."
        )
    answer = _compact(typed)
    if not answer:
        return _unusable("Type an answer first, then press Check.")
    accepted = {_compact(a): a for a in question.accepted}
    if answer in accepted:
        return _right(f"{accepted[answer]}.", question.explanation)
    if difflib.get_close_matches(answer, list(accepted), n=1, cutoff=0.8):
        return _wrong(f"{_quote(typed)} is close — check the spelling.")
    return _wrong(
        question.feedback_wrong or f"{_quote(typed)} is not one of the answers we accept."
    )


def check_scenario(question: Scenario, answer: tuple[str | None, str | None]) -> Feedback:
    """Check a verdict and the reason for it; half the credit for each."""
    verdict_id, reason_text = tuple(answer)
    if not verdict_id:
        return _unusable("Choose a verdict first, then the reason for it.")
    if not reason_text:
        return _unusable("Now choose the reason for your verdict, then press Check.")
    verdict = next((v for v in question.verdicts if v.id == verdict_id), None)
    reason = _find(question.reasons, reason_text)
    if verdict is None or reason is None:
        return _unusable("Choose the verdict and the reason from the options shown.")
    verdict_ok, reason_ok = verdict.id == question.answer, reason.correct
    if verdict_ok and reason_ok:
        return _right(
            f"{verdict.label}, and for the right reason.", reason.feedback, question.explanation
        )
    if verdict_ok:
        return _wrong("the verdict is right, but not the reason.", reason.feedback, score=0.5)
    if reason_ok:
        return _wrong(
            "that reason is right, but it leads to a different verdict.",
            verdict.feedback,
            score=0.5,
        )
    return _wrong(verdict.feedback or "that verdict does not fit this scenario.", reason.feedback)


def check_reflection(question: Reflection, text: str) -> Feedback:
    """Accept a reflection for keeping (never graded); note a word count below the minimum."""
    if not isinstance(text, str) or not normalise_text(text):
        return _unusable("Write something first, then press Save.")
    if len(text) > MAX_REFLECTION:
        return _unusable(
            f"That is longer than we can keep ({len(text):,} characters; the limit is "
            f"{MAX_REFLECTION:,}) — shorten it, then press Save."
        )
    words = len(text.split())
    message = f"Saved — {_count(words, 'word', 'words')}. Reflections are kept, not graded."
    if words < question.min_words:
        message += f" Aim for at least {question.min_words} words when you come back to it."
    return Feedback(None, message, saved=True)


def check_case(question: CaseApplication, selected: str | None) -> Feedback:
    """Check the one option chosen for a case (the same rules as a single choice)."""
    return check_single_choice(question, selected)  # type: ignore[arg-type]


EFFECT_WORDS = {
    "strengthens": "strengthens the claim",
    "weakens": "weakens the claim",
    "neither": "neither strengthens nor weakens the claim",
}


def check_evidence(question: Evidence, chosen: Mapping[str, str | None]) -> Feedback:
    """Check the effect chosen for each fact on the claim; credit per fact judged right."""
    texts = [f.text for f in question.facts]
    empty = [t for t in texts if not chosen.get(t)]
    if empty:
        return _unusable(
            f"Say what every fact does to the claim — {_count(len(empty), 'is', 'are')} still empty."
        )
    if any(chosen[t] not in EFFECT_WORDS for t in texts):
        return _unusable("Choose strengthens, weakens or neither from the list offered.")
    wrong = [f for f in question.facts if chosen[f.text] != f.effect]
    total = len(texts)
    if not wrong:
        return _right(f"all {total} facts judged right.", question.explanation)
    notes = [
        f"{_quote(f.text)} {EFFECT_WORDS[f.effect]}. {f.feedback}".strip()
        for f in wrong
    ]
    return _wrong(
        f"{total - len(wrong)} of {total} facts judged right. Look again at:",
        *notes,
        score=(total - len(wrong)) / total,
    )


def check_written(question: Written, text: str) -> Feedback:
    """Accept a written answer for self-marking; the student then ticks the criteria met."""
    if not isinstance(text, str) or not normalise_text(text):
        return _unusable("Write your answer first, then press Submit.")
    if len(text) > MAX_REFLECTION:
        return _unusable(
            f"That is longer than we can keep ({len(text):,} characters; the limit is "
            f"{MAX_REFLECTION:,}) — shorten it, then press Submit."
        )
    words = len(text.split())
    message = (
        f"Saved — {_count(words, 'word', 'words')}. Now read the model answer below, tick each "
        "criterion your answer meets, and press Save my marks."
    )
    if words < question.min_words:
        message += f" (The question asks for at least {question.min_words} words.)"
    return Feedback(None, message, saved=True)


def self_score(question: Written, met: Iterable[int]) -> tuple[int, int]:
    """Return (criteria met, criteria in the rubric) for the criterion numbers ticked (from 0)."""
    ticked = {int(i) for i in met if 0 <= int(i) < len(question.rubric)}
    return len(ticked), len(question.rubric)


def _count(n: int, one: str, many: str) -> str:
    """Say '1 is' / '2 are', or '1 word' / '2 words'."""
    return f"{n} {one if n == 1 else many}"


_CHECKERS: dict[type[Question], Callable[[Any, Any], Feedback]] = {
    SingleChoice: check_single_choice,
    MultipleSelect: check_multiple_select,
    TrueFalse: check_true_false,
    Matching: check_matching,
    Ordering: check_ordering,
    Numeric: check_numeric,
    ShortText: check_short_text,
    Scenario: check_scenario,
    CaseApplication: check_case,
    Evidence: check_evidence,
    Written: check_written,
    Reflection: check_reflection,
}


def check(question: Question, answer: object) -> Feedback:
    """Check any question's answer; an answer of the wrong shape is unusable, never an error."""
    try:
        return _CHECKERS[type(question)](question, answer)
    except (TypeError, ValueError, AttributeError, KeyError):
        return _unusable(
            "That answer could not be read — use the controls above, then press Check."
        )


def _lower_first(text: str) -> str:
    """Lower-case a reason's first letter to follow 'because' (not an acronym such as 'US')."""
    first = text.split(" ", 1)[0]
    return text if not text or first.isupper() or first[1:2].isupper() else text[0].lower() + text[1:]


def answer_text(question: Question) -> str:
    """Return the revealed answer, with the explanation, as Markdown."""
    lines = {
        SingleChoice: lambda q: f"**Answer:** {next(o.text for o in q.options if o.correct)}",
        MultipleSelect: lambda q: (
            "**Answer:** " + "; ".join(o.text for o in q.options if o.correct)
        ),
        TrueFalse: lambda q: f"**Answer:** {'True' if q.answer else 'False'}",
        Matching: lambda q: (
            "**Answer:**\n\n" + "\n".join(f"- {p.left} → {p.right}" for p in q.pairs)
        ),
        Ordering: lambda q: (
            "**Answer:**\n\n"
            + "\n".join(
                f"{n}. {e.text}" + (f" ({e.year})" if e.year is not None else "")
                for n, e in enumerate(q.items, start=1)
            )
        ),
        Numeric: lambda q: (
            f"**Answer:** {format_number(q.answer)}"
            + (f" {q.unit}" if q.unit else "")
            + (f" (within ±{format_number(q.tolerance)})" if q.tolerance else "")
        ),
        ShortText: lambda q: "**Answer:** " + " / ".join(q.accepted),
        Scenario: lambda q: (
            f"**Answer:** {next(v.label for v in q.verdicts if v.id == q.answer)}, because "
            + _lower_first(next(o.text for o in q.reasons if o.correct))
        ),
        CaseApplication: lambda q: f"**Answer:** {next(o.text for o in q.options if o.correct)}",
        Evidence: lambda q: (
            "**Answer:**\n\n"
            + "\n".join(f"- {f.text} → {EFFECT_WORDS[f.effect]}" for f in q.facts)
        ),
        Written: lambda q: "**Model answer:** " + q.model_answer,
    }
    render = lines.get(type(question))
    if render is None:
        return ""
    return "\n\n".join(part for part in (render(question), question.explanation) if part)
