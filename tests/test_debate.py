"""Debate workshop: evidence cards are balanced and sourced; the argument builder flags weak structure."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from backchannels.data import load_cases, load_legal_sources
from backchannels.debate import (
    MOTIONS,
    ArgumentBuilder,
    assess_case,
    case_html,
    case_text,
    load_cards,
    show_evidence_cards,
)

CARDS = load_cards()
KNOWN_CASES = set(load_cases()["case_id"])
KNOWN_LAW = set(load_legal_sources()["source_id"])


def test_cards_are_balanced_for_each_motion() -> None:
    counts = Counter((c.motion, c.side) for c in CARDS)
    for motion in MOTIONS:
        assert counts[(motion, "proposition")] >= 5
        assert counts[(motion, "proposition")] == counts[(motion, "opposition")], motion


def test_cards_are_sourced_and_linked() -> None:
    for card in CARDS:
        assert card.sources.startswith("http"), card.card_id
        assert not card.case_id or card.case_id in KNOWN_CASES, card.card_id
        assert not card.legal_source_id or card.legal_source_id in KNOWN_LAW, card.card_id
        assert bool(card.legal_source_id) == bool(card.legal_citation), card.card_id
    linked = sum(1 for c in CARDS if c.links())
    assert linked >= len(CARDS) - 2


def test_a_sound_case_has_no_claim_warnings() -> None:
    result = assess_case("supplement", "proposition", [("s_pro_1", ["s_pro_1"]), ("s_pro_3", ["s_pro_3"])], CARDS)
    assert [len(line.warnings) for line in result.lines] == [0, 0]
    assert "No warnings on your claims" in case_html(result)
    text = case_text(result)
    assert "Claim 1:" in text and "→ Evidence s_pro_1" in text and "→ Link: case: oslo_channel_1993; law: VCLT Art. 7" in text


def test_claim_without_evidence_is_flagged() -> None:
    result = assess_case("logan", "opposition", [("l_con_1", [])], CARDS)
    assert any("without evidence" in w for w in result.lines[0].warnings)
    assert any("thin case" in w for w in result.warnings)


def test_evidence_for_the_other_side_cuts_the_other_way() -> None:
    result = assess_case("logan", "proposition", [("l_pro_1", ["l_con_4"])], CARDS)
    assert any("cuts the other way" in w for w in result.lines[0].warnings)


def test_claim_of_the_other_side_or_motion_is_flagged() -> None:
    result = assess_case("logan", "proposition", [("l_con_2", ["l_con_2"]), ("s_pro_1", ["s_pro_1"])], CARDS)
    assert any("argues for the opposition" in w for w in result.lines[0].warnings)
    assert any("other motion" in w for w in result.lines[1].warnings)


def test_bad_input_gets_friendly_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="motion must be one of"):
        assess_case("war", "proposition", [], CARDS)
    with pytest.raises(ValueError, match="without a claim"):
        assess_case("logan", "proposition", [("", ["l_pro_1"])], CARDS)
    with pytest.raises(ValueError, match="unknown card"):
        assess_case("logan", "proposition", [("l_pro_99", [])], CARDS)
    bad = tmp_path / "cards.csv"
    text = (Path(__file__).resolve().parents[1] / "data" / "evidence_cards.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",supplement,proposition,", ",supplement,judge,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2 \(s_pro_1\): side"):
        load_cards(bad)


def test_builder_widget_builds_the_outline() -> None:
    builder = ArgumentBuilder()
    assert "No claims yet" in builder.output.value
    builder.claims[0].value = "s_con_1"
    assert "without evidence" in builder.output.value
    assert "argues for the opposition" in builder.output.value
    builder.side.value = "opposition"
    builder.evidence[0].value = ("s_pro_2",)
    assert "cuts the other way" in builder.output.value
    builder.evidence[0].value = ("s_con_1",)
    assert "No warnings on your claims" in builder.output.value
    builder.motion.value = "logan"
    assert builder.claims[0].value == "" and "No claims yet" in builder.output.value
    builder.evidence[1].value = ("l_pro_1",)
    assert "without choosing the claim" in builder.output.value


def test_evidence_cards_widget() -> None:
    assert "l_con_6" in show_evidence_cards("logan").value
    with pytest.raises(ValueError):
        show_evidence_cards("nope")


def test_rebuttal_prompt_names_an_opposing_claim_the_case_has_not_used() -> None:
    result = assess_case("logan", "proposition", [("l_pro_1", ["l_con_1", "l_pro_1"])], CARDS)
    prompt = next(text for text in result.warnings if text.startswith("Prepare a rebuttal"))
    used = next(c for c in CARDS if c.card_id == "l_con_1")
    assert used.claim not in prompt, "a card already used in the case is not the one to prepare for"
    assert any(c.claim in prompt for c in CARDS if c.motion == "logan" and c.side == "opposition")
