"""A teaching model: when does a leader do better with a secret channel than with public talks?

This is an expected-utility comparison written for the classroom. It is *not* a result of the
research literature: it turns a few ideas from it (audience costs, Fearon 1994; spoilers,
Stedman 1997; leaks and backlash) into numbers a student can move. All functions are pure.

Parameters (all plain numbers):
    value         V  >= 0   how much the leader gains from a deal
    success       p  in [0, 1]  chance that talks reach a deal if nobody interferes
    audience_cost A  >= 0   cost to the leader of failing in public (Fearon's audience cost)
    spoiler       s  in [0, 1]  chance that spoilers wreck talks they can see
    leak          l  in [0, 1]  chance that a secret channel is exposed
    exposure_cost B  >= 0   extra cost when a secret channel is exposed (denials, backlash)

Public talks:   EU_pub = q V - (1 - q) A,            with q = p (1 - s)
Secret channel: EU_sec = (1 - l) p V + l (EU_pub - B)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

TIE_TOLERANCE = 0.05  # differences smaller than this (in model points) count as a toss-up

_PROBABILITIES = {"success": "chance of success", "spoiler": "spoiler strength",
                  "leak": "chance of a leak"}
_AMOUNTS = {"value": "value of a deal", "audience_cost": "audience cost of failure",
            "exposure_cost": "cost of exposure"}


def _check_number(name: str, label: str, x: object) -> float:
    """Return x as a float, or raise a friendly ValueError if it is not a finite number."""
    if isinstance(x, bool) or not isinstance(x, Real):
        # ValueError, not TypeError: notebooks and widgets catch one friendly error type.
        raise ValueError(f"The {label} ({name}) must be a number, not {x!r}.")  # noqa: TRY004
    value = float(x)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"The {label} ({name}) must be a finite number, not {x!r}.")
    return value


def check_probability(name: str, x: object) -> float:
    """Return x as a float if it is a probability between 0 and 1, else raise ValueError."""
    label = _PROBABILITIES.get(name, name)
    value = _check_number(name, label, x)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"The {label} ({name}) is a probability: give a number from 0 to 1, "
                         f"not {x!r}.")
    return value


def check_amount(name: str, x: object) -> float:
    """Return x as a float if it is a non-negative amount, else raise ValueError."""
    label = _AMOUNTS.get(name, name)
    value = _check_number(name, label, x)
    if value < 0:
        raise ValueError(f"The {label} ({name}) cannot be negative (got {x!r}); "
                         "use 0 for 'none at all'.")
    return value


@dataclass(frozen=True)
class Scenario:
    """One set of model inputs, checked on creation."""

    value: float = 5.0
    success: float = 0.5
    audience_cost: float = 3.0
    spoiler: float = 0.3
    leak: float = 0.2
    exposure_cost: float = 3.0

    def __post_init__(self) -> None:
        for name in _PROBABILITIES:
            object.__setattr__(self, name, check_probability(name, getattr(self, name)))
        for name in _AMOUNTS:
            object.__setattr__(self, name, check_amount(name, getattr(self, name)))


def public_success_chance(success: float, spoiler: float) -> float:
    """Return q = p (1 - s), the chance that talks in public view reach a deal."""
    return check_probability("success", success) * (1.0 - check_probability("spoiler", spoiler))


def expected_public(sc: Scenario) -> float:
    """Return the expected payoff of public talks, q V - (1 - q) A."""
    q = public_success_chance(sc.success, sc.spoiler)
    return q * sc.value - (1.0 - q) * sc.audience_cost


def expected_secret(sc: Scenario) -> float:
    """Return the expected payoff of a secret channel, (1 - l) p V + l (EU_pub - B)."""
    kept = sc.success * sc.value
    exposed = expected_public(sc) - sc.exposure_cost
    return (1.0 - sc.leak) * kept + sc.leak * exposed


def secrecy_gain(sc: Scenario) -> float:
    """Return G = p s V + (1 - q) A: what secrecy is worth when nothing leaks."""
    q = public_success_chance(sc.success, sc.spoiler)
    return sc.success * sc.spoiler * sc.value + (1.0 - q) * sc.audience_cost


def advantage_of_secrecy(sc: Scenario) -> float:
    """Return EU_sec - EU_pub = (1 - l) G - l B (positive favours the secret channel)."""
    return (1.0 - sc.leak) * secrecy_gain(sc) - sc.leak * sc.exposure_cost


def break_even_leak(sc: Scenario) -> float | None:
    """Return the leak chance G / (G + B) at which both options pay the same, or None if they always tie."""
    gain = secrecy_gain(sc)
    if gain + sc.exposure_cost == 0:
        return None
    return gain / (gain + sc.exposure_cost)


def verdict(sc: Scenario, tolerance: float = TIE_TOLERANCE) -> str:
    """Return 'secret', 'public' or 'toss-up' for a scenario."""
    diff = advantage_of_secrecy(sc)
    if diff > tolerance:
        return "secret"
    if diff < -tolerance:
        return "public"
    return "toss-up"


def verdict_text(sc: Scenario) -> str:
    """Return a one-paragraph plain-language verdict with the numbers behind it."""
    pub, sec, diff = expected_public(sc), expected_secret(sc), advantage_of_secrecy(sc)
    choice = verdict(sc)
    head = {"secret": "Verdict: the secret channel is the better bet.",
            "public": "Verdict: public talks are the better bet.",
            "toss-up": "Verdict: a toss-up; the two options pay about the same."}[choice]
    line = (f"Expected payoff of public talks {pub:+.2f}; of a secret channel {sec:+.2f}; "
            f"difference {diff:+.2f}.")
    be = break_even_leak(sc)
    if be is None:
        tail = "With these numbers secrecy neither helps nor hurts, whatever the leak chance."
    else:
        tail = (f"Secrecy stops paying once the chance of a leak passes {be:.0%} "
                f"(now {sc.leak:.0%}).")
    return f"{head} {line} {tail}"
