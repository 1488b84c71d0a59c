"""Item-writing lint: the cues a test-wise student uses to pass without understanding.

Five rules (their names are ``bank.LINT_RULES``): the right option clearly longer than every
wrong one; an absolute word ("always", "never", "guarantees" ...) in a wrong option or a false
statement; a hint that repeats the right answer's distinctive words; a tick-all question with
all, or all but one, of its options right; a prompt that nearly repeats another question's. A
question opts out of one rule with ``lint_exempt: {rule: ..., reason: ...}``; ``backchannels
check`` lists every opt-out. ``figures`` measures the same cues over a set of banks, including
the raw counts a reviewer would take (the right option longest at all, true/false balance).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backchannels.quiz.bank import (
    Bank,
    CaseApplication,
    MultipleSelect,
    Numeric,
    Option,
    Question,
    Scenario,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from backchannels.quiz.checking import format_number

LONGER_RATIO = 1.25
"""The right option is 'clearly longer' when it has at least this many times the characters
of the longest wrong option (and at least ``LONGER_CHARS`` more)."""
LONGER_CHARS = 8
NEAR_DUPLICATE = 0.7
"""Share of the shorter stem's content words that two stems must have in common to count as
near-duplicates (with at least ``MIN_PROMPT_WORDS`` shared)."""
MIN_PROMPT_WORDS = 4
SAME_CASE_NAMES = 4
"""Two questions ask about the same case when what they test (stem, right answers, facts) shares at
least this many names and numbers (proper nouns, years, counts) ..."""
SAME_CASE_OVERLAP = 0.45
"""... and at least this share of the shorter text's content words."""

GENERIC_NAMES = frozenset(
    """A Act After Air An And As Ask Before Both But By Case Choose Claim Classify Congress During Each
    Evidence False For Force From Give Going Her Here His House How If In It Its King Law Link Match
    Minister Module Motion Name Navy Neither No Nobody Not On One Or President Prime Put Rebuttal
    Right Say Secretary Senate So Speaker States Sultan That The Their Then There These This Those
    Tick Treason True Two US Under United Until Use What When Where Which Who Why Yes Ambassador
    Foreign Logan""".split()
)
"""Capitalised words that name no particular case (sentence openers, offices, the module's terms)."""

HEDGES = frozenset(
    """can could may might often usually sometimes tends tend both some partly probably likely
    arguably""".split()
)
"""Qualifiers that make a statement hard to rule out; a test-wise student favours options with them."""

ABSOLUTE_WORDS = frozenset(
    {
        "all",
        "alone",
        "always",
        "any",
        "certainly",
        "completely",
        "entirely",
        "ever",
        "every",
        "everyone",
        "everything",
        "guarantee",
        "guaranteed",
        "guarantees",
        "impossible",
        "invariably",
        "never",
        "none",
        "nothing",
        "only",
        "whatever",
    }
)
"""Words that make a statement easy to rule out without knowing the subject."""

STOPWORDS = frozenset(
    """a an and are as at be because been but by can could did do does for from had has have he
    her his how i if in into is it its itself may might more most must no not of on one or other
    our out over own she so some such than that the their them then there these they this those
    through to under up upon was we were what when where which while who whom why will with would
    you your true false statement question answer which whose each""".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Return the lower-case words of a text."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> set[str]:
    """Return the words of a text that carry meaning (no stopwords, three letters or more)."""
    return {w for w in words(text) if w not in STOPWORDS and len(w) >= 3}


@dataclass(frozen=True)
class Finding:
    """One lint finding about one question."""

    rule: str
    question: Question
    bank: Bank
    what: str

    def line(self) -> str:
        """Return the finding in the check's 'FILE:LINE: question ID: what. Fix: how' form."""
        return (
            f"{self.bank.path}:{self.question.line}: question {self.question.id}: "
            f"[{self.rule}] {self.what}. Fix: {FIXES[self.rule]}"
        )


FIXES = {
    "longest_right": "make the options about the same length (shorten the right one or give "
    "the wrong ones the same care), or opt out with lint_exempt and a reason",
    "absolute_wrong": "build the wrong option from a real misconception instead of an "
    "overstatement, or opt out with lint_exempt and a reason",
    "hint_cue": "make the hint ask about the reasoning (which test, which fact) rather than "
    "echo the answer",
    "tick_all": "change the options so that neither 'tick everything' nor 'tick all but the "
    "odd one out' wins",
    "near_duplicate": "ask something different (a new case, a higher level), or retire one",
}


def _single_answer_options(q: Question) -> tuple[Option, ...]:
    """Return the options of a one-right-answer list (choice, case, or scenario reasons)."""
    if isinstance(q, SingleChoice | CaseApplication):
        return q.options
    if isinstance(q, Scenario):
        return q.reasons
    return ()


def right_is_longest(q: Question) -> bool | None:
    """Return whether the right option is the longest (None if the question has no such list)."""
    options = _single_answer_options(q)
    if not options:
        return None
    right = next(o for o in options if o.correct)
    return all(len(right.text) > len(o.text) for o in options if not o.correct)


def clearly_longest(q: Question) -> bool:
    """Return True when the right option is clearly longer than every wrong one."""
    options = _single_answer_options(q)
    if not options:
        return False
    right = len(next(o for o in options if o.correct).text)
    longest_wrong = max(len(o.text) for o in options if not o.correct)
    return right >= LONGER_RATIO * longest_wrong and right - longest_wrong >= LONGER_CHARS


def wrong_texts(q: Question) -> list[str]:
    """Return the texts a student must reject: wrong options, wrong reasons, a false statement."""
    if isinstance(q, SingleChoice | MultipleSelect | CaseApplication):
        return [o.text for o in q.options if not o.correct]
    if isinstance(q, Scenario):
        return [o.text for o in q.reasons if not o.correct]
    if isinstance(q, TrueFalse) and not q.answer:
        return [q.prompt]
    return []


def absolute_words(text: str) -> list[str]:
    """Return the absolute words a text uses, in order."""
    return [w for w in words(text) if w in ABSOLUTE_WORDS]


def hint_cues(q: Question) -> list[str]:
    """Return the right answer's distinctive words (or the answer itself) that the hint repeats."""
    if not q.hint:
        return []
    hint = content_words(q.hint)
    if isinstance(q, Numeric):
        number = format_number(q.answer)
        # Small numbers (a parameter, a count) appear in hints for other reasons; years do not.
        return [number] if len(number) >= 3 and number in words(q.hint) else []
    if isinstance(q, ShortText):
        hint_text = " ".join(words(q.hint))
        return [a for a in q.accepted if " ".join(words(a)) and f" {' '.join(words(a))} " in f" {hint_text} "]
    options: Sequence[Option] = ()
    if isinstance(q, SingleChoice | MultipleSelect | CaseApplication):
        options = q.options
    elif isinstance(q, Scenario):
        options = q.reasons
    if not options:
        return []
    right = set().union(*(content_words(o.text) for o in options if o.correct))
    wrong = set().union(*(content_words(o.text) for o in options if not o.correct))
    distinctive = right - wrong
    shared = sorted(distinctive & hint)
    if len(shared) >= 2 or (distinctive and len(shared) * 2 > len(distinctive)):
        return shared
    return []


def tick_all_cue(q: Question) -> str:
    """Return 'all' or 'all but one' when a tick-all question gives itself away, else ''."""
    if not isinstance(q, MultipleSelect):
        return ""
    right, total = sum(o.correct for o in q.options), len(q.options)
    if right == total:
        return "all"
    if total >= 3 and right == total - 1:
        return "all but one"
    return ""


def item_text(q: Question) -> str:
    """Return what a student reads of a question: prompt, case or claim, and the options."""
    parts = [q.prompt]
    for name in ("scenario", "case", "claim"):
        parts.append(str(getattr(q, name, "")))
    for name in ("options", "reasons", "facts"):
        parts += [o.text for o in getattr(q, name, ())]
    for name in ("pairs",):
        parts += [f"{p.left} {p.right}" for p in getattr(q, name, ())]
    parts += [e.text for e in getattr(q, "items", ())]
    return " ".join(p for p in parts if p)


def stem_text(q: Question) -> str:
    """Return a question's stem: its prompt with any scenario, case or claim."""
    return " ".join([q.prompt, *(str(getattr(q, n, "")) for n in ("scenario", "case", "claim"))])


def tested_text(q: Question) -> str:
    """Return what a question tests: its stem, its right options or reasons, and its facts."""
    parts = [stem_text(q)]
    for name in ("options", "reasons"):
        parts += [o.text for o in getattr(q, name, ()) if o.correct]
    parts += [f.text for f in getattr(q, "facts", ())]
    return " ".join(parts)


_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][a-zà-ÿ’']+)")
_NUMBER = re.compile(r"\b(1[0-9]{3}|20[0-9]{2}|[0-9]{3,})\b")


def case_names(text: str) -> set[str]:
    """Return a text's case markers: proper nouns not opening a sentence, years and counts."""
    found = {m.group(1).rstrip("’'").removesuffix("’s").removesuffix("'s") for m in _NAME.finditer(text)}
    return {w for w in found if w not in GENERIC_NAMES} | set(_NUMBER.findall(text))


def same_case(q1: Question, q2: Question) -> tuple[set[str], float] | None:
    """Return the shared names and word overlap when two questions test the same case, else None."""
    text1, text2 = tested_text(q1), tested_text(q2)
    shared = case_names(text1) & case_names(text2)
    if len(shared) < SAME_CASE_NAMES:
        return None
    w1, w2 = content_words(text1), content_words(text2)
    overlap = len(w1 & w2) / max(1, min(len(w1), len(w2)))
    return (shared, overlap) if overlap >= SAME_CASE_OVERLAP else None


def near_duplicates(banks: Sequence[Bank]) -> list[tuple[Question, Bank, Question, Bank, float]]:
    """Return pairs of questions whose stems share most of the shorter stem's content words."""
    stems = []
    for bank in banks:
        for q in bank.questions:
            bag = content_words(stem_text(q))
            if len(bag) >= MIN_PROMPT_WORDS:
                stems.append((q, bank, bag))
    pairs = []
    for (q1, b1, w1), (q2, b2, w2) in itertools.combinations(stems, 2):
        shared = len(w1 & w2)
        overlap = shared / min(len(w1), len(w2))
        if overlap >= NEAR_DUPLICATE and shared >= MIN_PROMPT_WORDS:
            pairs.append((q1, b1, q2, b2, overlap))
    return pairs


def same_case_pairs(banks: Sequence[Bank]) -> list[tuple[Question, Bank, Question, Bank, set[str], float]]:
    """Return pairs of questions anywhere in the module that test the same case (see ``same_case``)."""
    questions = [(q, b) for b in banks for q in b.questions]
    pairs = []
    for (q1, b1), (q2, b2) in itertools.combinations(questions, 2):
        found = same_case(q1, q2)
        if found:
            pairs.append((q1, b1, q2, b2, *found))
    return pairs


def hedged(text: str) -> bool:
    """Return True when a text uses a qualifier (can, may, often, both ...)."""
    return any(w in HEDGES for w in words(text))


@dataclass
class LintReport:
    """Findings that fail the check, the opt-outs the check lists, and the measured figures."""

    findings: list[Finding] = field(default_factory=list)
    exempted: list[Finding] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Return the findings as check problem lines."""
        return [f.line() for f in self.findings]

    def opt_out_lines(self) -> list[str]:
        """Return one line per opt-out: the question, the rule and its written reason."""
        return [
            f"{f.question.id}: {f.rule} ({f.what}); reason: "
            + (f.question.exempt_reason or "covered by the other question's opt-out")
            for f in self.exempted
        ] + [
            f"{q.id}: {q.exempt_rule} (not triggered, the opt-out can go); reason: {q.exempt_reason}"
            for q in self._unused
        ]

    _unused: list[Question] = field(default_factory=list)


def lint_banks(banks: Sequence[Bank]) -> LintReport:
    """Run every rule over the banks and measure the item-quality figures."""
    report = LintReport()
    raw: list[Finding] = []
    for bank in banks:
        for q in bank.questions:
            raw += _question_findings(q, bank)
    pair_exempt: set[str] = set()
    for q1, b1, q2, b2, share in near_duplicates(banks):
        for this, bank, other in ((q2, b2, q1), (q1, b1, q2)):
            raw.append(
                Finding(
                    "near_duplicate",
                    this,
                    bank,
                    f"the prompt nearly repeats {other.id}'s ({share:.0%} of words shared)",
                )
            )
        # One written reason covers the pair: either question may carry the opt-out.
        if "near_duplicate" in (q1.exempt_rule, q2.exempt_rule):
            pair_exempt |= {q1.id, q2.id}
    worded = {frozenset((q1.id, q2.id)) for q1, _, q2, _, _ in near_duplicates(banks)}
    for q1, b1, q2, b2, names, share in same_case_pairs(banks):
        if frozenset((q1.id, q2.id)) in worded:
            continue
        for this, bank, other in ((q2, b2, q1), (q1, b1, q2)):
            raw.append(
                Finding(
                    "near_duplicate",
                    this,
                    bank,
                    f"it tests the same case as {other.id} (names shared: {', '.join(sorted(names)[:6])}; "
                    f"{share:.0%} of words shared)",
                )
            )
        if "near_duplicate" in (q1.exempt_rule, q2.exempt_rule):
            pair_exempt |= {q1.id, q2.id}
    triggered = set()
    for finding in raw:
        exempt = finding.question.exempt_rule == finding.rule or (
            finding.rule == "near_duplicate" and finding.question.id in pair_exempt
        )
        if exempt:
            report.exempted.append(finding)
            triggered.add(finding.question.id)
        else:
            report.findings.append(finding)
    report._unused = [
        q for b in banks for q in b.questions if q.exempt_rule and q.id not in triggered
    ]
    report.figures = figures(banks, raw)
    return report


def _question_findings(q: Question, bank: Bank) -> list[Finding]:
    """Return the findings of the per-question rules."""
    out = []
    if clearly_longest(q):
        out.append(Finding("longest_right", q, bank, "the right option is clearly the longest"))
    for text in wrong_texts(q):
        found = absolute_words(text)
        if found:
            where = "the false statement" if isinstance(q, TrueFalse) else "a wrong option"
            what = f"'{', '.join(dict.fromkeys(found))}' in {where}: \"{text[:50]}\""
            out.append(Finding("absolute_wrong", q, bank, what))
    cues = hint_cues(q)
    if cues:
        out.append(Finding("hint_cue", q, bank, f"the hint repeats the answer's words {cues}"))
    cue = tick_all_cue(q)
    if cue:
        out.append(Finding("tick_all", q, bank, f"{cue} of the options are right"))
    return out


def figures(banks: Iterable[Bank], raw: list[Finding]) -> dict[str, str]:
    """Return the item-quality figures a reviewer measures, as 'name: value' texts."""
    questions = [q for b in banks for q in b.questions]
    single = [q for q in questions if right_is_longest(q) is not None]
    longest = sum(bool(right_is_longest(q)) for q in single)
    clearly = sum(clearly_longest(q) for q in single)
    wrongs = [t for q in questions for t in wrong_texts(q) if not isinstance(q, TrueFalse)]
    absolute = sum(bool(absolute_words(t)) for t in wrongs)
    false_statements = [q for q in questions if isinstance(q, TrueFalse) and not q.answer]
    absolute_false = sum(bool(absolute_words(q.prompt)) for q in false_statements)
    tf = [q for q in questions if isinstance(q, TrueFalse)]
    ticks = [q for q in questions if isinstance(q, MultipleSelect)]
    ratios = ", ".join(
        f"{q.id} {sum(o.correct for o in q.options)}/{len(q.options)}" for q in ticks
    )
    dupes = {f.question.id for f in raw if f.rule == "near_duplicate"}
    kinds = SingleChoice | MultipleSelect | CaseApplication | Scenario
    listed = [q for q in questions if isinstance(q, kinds)]
    rights = [
        o.text
        for q in listed
        for o in (q.reasons if isinstance(q, Scenario) else q.options)
        if o.correct
    ]
    wrongs_all = [t for q in listed for t in wrong_texts(q)]
    statements = [q for q in questions if isinstance(q, TrueFalse) and hedged(q.prompt)]
    return {
        "right option longest (single-answer lists)": f"{longest} of {len(single)}",
        "right option clearly longest (lint)": f"{clearly} of {len(single)}",
        "wrong options with absolute words": f"{absolute} of {len(wrongs)}",
        "false statements with absolute words": f"{absolute_false} of {len(false_statements)}",
        "hints repeating the answer": str(sum(bool(hint_cues(q)) for q in questions)),
        "tick-all right/options": ratios or "none",
        "true/false answers true:false": f"{sum(q.answer for q in tf)}:{sum(not q.answer for q in tf)}",
        "questions in near-duplicate pairs": str(len(dupes)),
        "hedged right options": f"{sum(map(hedged, rights))} of {len(rights)} ({_share(rights)})",
        "hedged wrong options": f"{sum(map(hedged, wrongs_all))} of {len(wrongs_all)} ({_share(wrongs_all)})",
        "hedged true/false statements true:false": (
            f"{sum(q.answer for q in statements)}:{sum(not q.answer for q in statements)}"
        ),
    }


def _share(texts: list[str]) -> str:
    """Return the share of texts that are hedged, as a percentage."""
    return f"{sum(map(hedged, texts)) / len(texts):.0%}" if texts else "0%"
