"""Stable shuffling: each student sees their own order of options, the same every time.

The order comes from a seed: the ``seed`` a lesson passes, or else the user's name, combined
with the question id. A class therefore does not share one order (copying "the second option"
does not work), while one student sees a stable order across kernel restarts.
"""

from __future__ import annotations

import getpass
import os
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from backchannels.quiz.bank import (
    Event,
    Matching,
    MultipleSelect,
    Option,
    Ordering,
    Scenario,
    SingleChoice,
)

T = TypeVar("T")


def user_name() -> str:
    """Return the student's name as JupyterHub or the system knows it."""
    name = os.environ.get("JUPYTERHUB_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user with no passwd entry
        return "student"


def _rng(question_id: str, seed: int | None, salt: str) -> random.Random:
    """Return a generator seeded from the seed (or user name), question id and a salt."""
    base = str(seed) if seed is not None else user_name()
    return random.Random(f"{base}|{question_id}|{salt}")  # str seeds are hashed stably (SHA-512)


def arrange(
    items: Sequence[T],
    question_id: str,
    seed: int | None,
    *,
    salt: str = "",
    avoid_identity: bool = False,
) -> list[T]:
    """Return the items shuffled for this student and question."""
    result = list(items)
    _rng(question_id, seed, salt).shuffle(result)
    if avoid_identity and len(result) > 1 and result == list(items):
        result = result[1:] + result[:1]  # the bank order is the answer; never show it as is
    return result


def option_order(question: SingleChoice | MultipleSelect, seed: int | None) -> list[Option]:
    """Return the options in display order."""
    if not question.shuffle:
        return list(question.options)
    return arrange(question.options, question.id, seed)


def right_choices(question: Matching, seed: int | None) -> list[str]:
    """Return the right-hand items (and distractors) offered in each match, in display order."""
    choices = list(dict.fromkeys([p.right for p in question.pairs] + list(question.distractors)))
    # Unshuffled, rights listed in pair order would line up with the lefts and give the answer.
    return arrange(choices, question.id, seed, salt="right", avoid_identity=True)


def event_order(question: Ordering, seed: int | None) -> list[Event]:
    """Return the ordering items in display order (always shuffled, never the answer order)."""
    return arrange(question.items, question.id, seed, avoid_identity=True)


def reason_order(question: Scenario, seed: int | None) -> list[Option]:
    """Return the scenario reasons in display order."""
    if not question.shuffle:
        return list(question.reasons)
    return arrange(question.reasons, question.id, seed, salt="reason")


def fact_order(question: Any, seed: int | None) -> list[Any]:
    """Return an evidence item's facts in display order."""
    if not question.shuffle:
        return list(question.facts)
    return arrange(question.facts, question.id, seed, salt="fact")
