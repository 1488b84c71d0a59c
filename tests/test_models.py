"""The secrecy teaching model: payoffs, monotonicity, break-even point, edge cases and bad input."""

from __future__ import annotations

import itertools
import math

import pytest

from backchannels.model import core as models
from backchannels.model.core import Scenario

BASE = {"value": 5.0, "success": 0.5, "audience_cost": 3.0, "spoiler": 0.3, "leak": 0.2, "exposure_cost": 3.0}


def sc(**change: float) -> Scenario:
    return Scenario(**{**BASE, **change})


def test_payoffs_match_hand_calculation() -> None:
    s = sc()
    q = 0.5 * 0.7
    assert models.public_success_chance(0.5, 0.3) == pytest.approx(q)
    assert models.expected_public(s) == pytest.approx(q * 5 - (1 - q) * 3)
    pub = q * 5 - (1 - q) * 3
    assert models.expected_secret(s) == pytest.approx(0.8 * 0.5 * 5 + 0.2 * (pub - 3))


def test_advantage_equals_difference_of_payoffs() -> None:
    for change in [{}, {"leak": 0.9}, {"spoiler": 0.0, "audience_cost": 0.0}, {"value": 10, "success": 1}]:
        s = sc(**change)
        assert models.advantage_of_secrecy(s) == pytest.approx(
            models.expected_secret(s) - models.expected_public(s))


@pytest.mark.parametrize("name, values, direction", [
    ("audience_cost", [0, 2, 5, 10], +1),
    ("spoiler", [0, 0.3, 0.6, 1.0], +1),
    ("value", [0, 2, 5, 10], +1),
    ("leak", [0, 0.3, 0.6, 1.0], -1),
    ("exposure_cost", [0, 2, 5, 10], -1),
])
def test_advantage_is_monotone(name: str, values: list[float], direction: int) -> None:
    advantages = [models.advantage_of_secrecy(sc(**{name: v})) for v in values]
    steps = [direction * (b - a) for a, b in itertools.pairwise(advantages)]
    assert all(step > 0 for step in steps), f"{name}: {advantages}"


def test_break_even_leak_makes_both_options_equal() -> None:
    s = sc()
    be = models.break_even_leak(s)
    assert be is not None and 0 < be < 1
    at = sc(leak=be)
    assert models.expected_secret(at) == pytest.approx(models.expected_public(at))
    assert models.verdict(sc(leak=be - 0.1)) == "secret"
    assert models.verdict(sc(leak=min(1.0, be + 0.1))) == "public"


def test_edge_cases() -> None:
    # No leak risk at all: secrecy can only help (or tie).
    assert models.advantage_of_secrecy(sc(leak=0.0)) >= 0
    # A sure leak with a cost of exposure: secrecy is strictly worse than going public.
    assert models.verdict(sc(leak=1.0)) == "public"
    # Nothing to gain and nothing to lose: the break-even point is undefined, the verdict a tie.
    flat = sc(value=0, audience_cost=0, exposure_cost=0)
    assert models.break_even_leak(flat) is None
    assert models.verdict(flat) == "toss-up"
    assert "neither helps nor hurts" in models.verdict_text(flat)
    # Exposure costs nothing: secrecy never loses, break-even at a sure leak.
    assert models.break_even_leak(sc(exposure_cost=0)) == pytest.approx(1.0)
    # Certain success without spoilers or audience costs: both options pay V.
    sure = sc(success=1, spoiler=0, audience_cost=0, exposure_cost=0)
    assert models.expected_public(sure) == models.expected_secret(sure) == 5


def test_verdict_text_names_the_choice_and_numbers() -> None:
    text = models.verdict_text(sc())
    assert text.startswith("Verdict: the secret channel is the better bet.")
    assert "47%" in text and "now 20%" in text
    assert models.verdict_text(sc(leak=0.9)).startswith("Verdict: public talks")


@pytest.mark.parametrize("change, fragment", [
    ({"leak": 1.5}, "chance of a leak (leak) is a probability"),
    ({"success": -0.1}, "chance of success"),
    ({"spoiler": "high"}, "must be a number"),
    ({"value": -1}, "cannot be negative"),
    ({"audience_cost": math.nan}, "finite number"),
    ({"exposure_cost": math.inf}, "finite number"),
    ({"leak": True}, "must be a number"),
    ({"value": None}, "must be a number"),
])
def test_bad_input_gives_a_friendly_value_error(change: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        sc(**change)


def test_public_success_chance_checks_its_input() -> None:
    with pytest.raises(ValueError, match="spoiler strength"):
        models.public_success_chance(0.5, 2)


def test_integers_are_accepted_and_stored_as_floats() -> None:
    s = Scenario(value=5, success=1, audience_cost=0, spoiler=0, leak=0, exposure_cost=0)
    assert isinstance(s.value, float) and s.success == 1.0
