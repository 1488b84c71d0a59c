"""Answers as data: the test cells send them out of the student's kernel, the grader compares them.

A homework test cell ends with a hidden ``submit(question_id, answer)``. In the student's kernel
that only turns the answer into plain JSON and displays it under :data:`MIME`; no expected value
is ever in the kernel. nbgrader, outside the sandbox, then compares that JSON with the answer key
(made by running the instructor's solutions the same way) and writes the points as the cell's
result, which nbgrader takes as partial credit. An object whose ``__eq__`` always says yes, a
patched built-in or helper, or printed fake output therefore changes nothing: only the plain
data crosses, and the comparison runs in code the student cannot reach.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

MIME = "application/vnd.backchannels.answer+json"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
MAX_PAYLOAD_CHARS = 100_000
_SET = "__set__"


def encode(value: Any, depth: int = 0) -> Any:
    """Return ``value`` as plain JSON data (sets tagged, tuples as lists), whatever its class."""
    if depth > 20:
        raise ValueError("the answer is nested too deeply")
    if value is None or type(value) is bool:  # bool cannot be subclassed
        return value
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        number = float.__float__(value)
        return number if math.isfinite(number) else repr(number)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, dict):
        return {encode_key(k): encode(v, depth + 1) for k, v in dict.items(value)}
    if isinstance(value, (set, frozenset)):
        items = [encode(v, depth + 1) for v in value]
        return {_SET: sorted(items, key=repr)}
    if isinstance(value, (list, tuple)):
        return [encode(v, depth + 1) for v in value]
    if hasattr(value, "tolist"):  # numpy and pandas values
        return encode(value.tolist(), depth + 1)
    return f"<{type(value).__name__}>"


def encode_key(key: Any) -> str:
    """Return a dictionary key as a plain string."""
    return str.__str__(key) if isinstance(key, str) else repr(encode(key))


def outcomes(function: Any, calls: Iterable[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Call ``function`` on each argument tuple; return each result or the exception's name."""
    results: list[dict[str, Any]] = []
    for args in calls:
        try:
            results.append({"value": encode(function(*args))})
        except Exception as exc:  # noqa: BLE001 (the student's function may raise anything)
            results.append({"raises": type(exc).__name__})
    return results


def submit(question: str, answer: Any) -> None:
    """Hand ``answer`` to the grader as plain data (called from hidden test cells)."""
    from IPython.display import display

    display({MIME: {"question": question, "answer": encode(answer)},
             "text/plain": f"answer to {question} recorded for grading"}, raw=True)


# ------------------------------------------------------------------ trusted side (the grader)


def _normal_text(value: Any) -> Any:
    """Return strings stripped and case-folded, other values unchanged."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def same(got: Any, want: Any) -> bool:
    """Return whether two plain JSON values are equal (bools never equal numbers; text folded)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(want, str) and isinstance(got, str):
        return _normal_text(got) == _normal_text(want)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return got is None and want is None


def score_fraction(got: Any, want: Any, how: str = "auto") -> tuple[float, str]:
    """Return the share of the answer that is right (0 to 1) and a short note for the student.

    ``how``: ``exact`` (all or nothing), ``parts`` (each key of a dict or each case of a function
    counts alike), ``set`` (each right choice counts, each wrong one takes one back), or ``auto``
    (parts for dicts and lists, set for sets, exact otherwise).
    """
    if how == "auto":
        if isinstance(want, dict) and _SET in want:
            how = "set"
        elif isinstance(want, (dict, list)) and want:
            how = "parts"
        else:
            how = "exact"
    if how == "set":
        if not (isinstance(got, dict) and isinstance(got.get(_SET), list)):
            return 0.0, "the answer is not a set"
        wanted = {repr(_normal_text(v)) for v in want[_SET]}
        chosen = {repr(_normal_text(v)) for v in got[_SET]}
        right, wrong = len(chosen & wanted), len(chosen - wanted)
        fraction = max(0.0, (right - wrong) / len(wanted)) if wanted else float(not chosen)
        return fraction, f"{right} of {len(wanted)} right choices, {wrong} wrong"
    if how == "parts" and isinstance(want, dict) and want:
        if not isinstance(got, dict):
            return 0.0, "the answer is not a dictionary"
        right = sum(1 for k, v in want.items() if k in got and same(got[k], v))
        return right / len(want), f"{right} of {len(want)} parts right"
    if how == "parts" and isinstance(want, list) and want:
        if not isinstance(got, list) or len(got) != len(want):
            return 0.0, "the answer has the wrong number of parts"
        right = sum(1 for g, w in zip(got, want) if same(g, w))
        return right / len(want), f"{right} of {len(want)} checks passed"
    ok = same(got, want)
    return float(ok), "right" if ok else "not right"


def find_payloads(outputs: list[dict[str, Any]], question: str) -> list[Any]:
    """Return the answers recorded for ``question`` in a cell's outputs (plain data only)."""
    found = []
    for output in outputs:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = output.get("data", {}).get(MIME)
        if (isinstance(data, dict) and data.get("question") == question and "answer" in data
                and len(repr(data["answer"])) <= MAX_PAYLOAD_CHARS):
            found.append(data["answer"])
    return found

