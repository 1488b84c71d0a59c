"""The legality analyser: each scenario in data/scenarios.csv gets its expected conclusion, for its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from backchannels.legal import CAVEAT, CONCLUSIONS, Scenario, analyse, load_scenarios
from backchannels.legal_widgets import LegalityAnalyser, analysis_html

SCENARIOS = load_scenarios()


def test_case_ids_are_in_cases_csv() -> None:
    from backchannels.data import load_cases
    known = set(load_cases()["case_id"])
    assert {s.case_id for s in SCENARIOS if s.case_id} <= known


def test_legal_source_ids_are_in_legal_sources() -> None:
    from backchannels.data import load_legal_sources
    known = set(load_legal_sources()["source_id"])
    for row in SCENARIOS:
        assert row.legal_source_ids and set(row.legal_source_ids) <= known, row.scenario_id


def test_there_are_at_least_twelve_scenarios_real_and_invented() -> None:
    assert len(SCENARIOS) >= 12
    assert sum(1 for s in SCENARIOS if s.case_id) >= 8, "most scenarios should be real cases"
    assert any(s.scenario_id.startswith("invented_") for s in SCENARIOS)
    assert len({s.scenario_id for s in SCENARIOS}) == len(SCENARIOS)
    assert {s.expected_conclusion for s in SCENARIOS} == set(CONCLUSIONS), "every conclusion is exercised"


@pytest.mark.parametrize("row", SCENARIOS, ids=lambda r: r.scenario_id)
def test_scenario_gets_its_expected_conclusion(row) -> None:
    result = analyse(row.scenario)
    assert result.conclusion == row.expected_conclusion, f"{row.scenario_id}: {result.reasons}"
    assert row.reason and result.reasons
    assert result.caveat == CAVEAT


def base(**changes: object) -> Scenario:
    values: dict[str, object] = {"actor": "private_citizen", "authority": "none", "foreign_party": "government",
                                 "subject": "dispute", "timing": "private_life"}
    values.update(changes)
    return Scenario(**values)  # type: ignore[arg-type]


def logan(s: Scenario):
    return next(r for r in analyse(s).rules if r.rule == "Logan Act")


def test_every_logan_element_is_needed() -> None:
    assert analyse(base()).conclusion == "logan_act"
    assert analyse(base(authority="president")).conclusion == "lawful"
    assert analyse(base(foreign_party="non_state")).conclusion == "lawful"
    assert analyse(base(subject="routine")).conclusion == "lawful"
    assert analyse(base(us_citizen=False)).conclusion == "lawful"
    assert analyse(base(authority="unclear")).conclusion == "unclear"


def test_logan_elements_are_named_with_status_and_reason() -> None:
    rule = logan(base(subject="routine"))
    assert rule.citation == "18 U.S.C. § 953"
    assert [e.status for e in rule.elements] == ["met", "met", "met", "not met"]
    assert all(e.why for e in rule.elements)


def test_president_elect_approval_is_not_authority_of_the_united_states() -> None:
    s = base(actor="president_elect_team", authority="president_elect", timing="transition")
    result = analyse(s)
    assert result.conclusion == "logan_act"
    assert logan(s).elements[1].status == "met"
    assert any("not yet the government" in n for n in result.notes)


def test_members_of_congress_are_a_disputed_case() -> None:
    s = base(actor="member_of_congress", timing="in_office")
    assert analyse(s).conclusion == "unclear"
    assert "never been applied" in logan(s).summary


def test_treason_does_not_fit_a_government_at_peace() -> None:
    treason = next(r for r in analyse(base()).rules if r.rule == "Treason")
    assert treason.engaged == "not met" and treason.citation == "U.S. Const. Art. III, § 3"
    wartime = next(r for r in analyse(base(foreign_party="enemy_government", subject="routine")).rules
                   if r.rule == "Treason")
    assert wartime.engaged == "unclear"
    assert analyse(base(foreign_party="enemy_government", subject="routine")).conclusion == "unclear"
    assert analyse(base(foreign_party="enemy_government", authority="president")).conclusion == "lawful"


def test_lies_and_unregistered_agency_engage_other_law_even_when_the_contact_is_lawful() -> None:
    lawful_but_lied = base(actor="sitting_official", authority="president", timing="in_office",
                           lied_to_investigators=True)
    result = analyse(lawful_but_lied)
    assert result.conclusion == "other_law"
    assert any("18 U.S.C. § 1001" in r for r in result.reasons)
    assert analyse(base(subject="routine", unregistered_foreign_agent=True)).conclusion == "other_law"
    assert analyse(base(authority="unclear", defied_statute=True)).conclusion == "other_law"


def test_bad_values_get_a_friendly_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="actor must be one of"):
        base(actor="king")
    bad = tmp_path / "scenarios.csv"
    text = (Path(__file__).resolve().parents[1] / "data" / "scenarios.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",sitting_official,", ",sitting_officer,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"scenarios.csv line 2 \(rfk_dobrynin_1962\)"):
        load_scenarios(bad)


def test_html_shows_conclusion_elements_as_text_and_caveat() -> None:
    page = analysis_html(analyse(base()))
    assert "A Logan Act question" in page and "✔ met" in page and "Caveat" in page
    assert "<script" not in page


def test_widget_preset_and_controls() -> None:
    widget = LegalityAnalyser()
    widget.preset.value = "flynn_kislyak_2016"
    assert widget.lied.value is True
    assert "Other law engaged" in widget.result.value
    assert "FBI" in widget.description.value
    widget.lied.value = False
    assert widget.preset.value == "", "editing a control leaves the preset"
    assert "A Logan Act question" in widget.result.value
    widget.authority.value = "president"
    assert "Likely lawful" in widget.result.value
