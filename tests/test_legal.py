"""The legality analyser (backchannels.law): each law gets its own verdict, and every prepared scenario gets the
verdict expected of each law in data/scenarios.csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backchannels.data import DataValidationError, check_all
from backchannels.law import CAVEAT, RULE_IDS, Scenario, analyse, law_tables, load_scenarios
from backchannels.law.analyser import parse_expected
from backchannels.law.rules import CONTROL_VALUES, FACT_IDS
from backchannels.law.widgets import LegalityAnalyser, analysis_html

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIOS = load_scenarios()


def verdict(s: Scenario, rule_id: str) -> str:
    return analyse(s).rule(rule_id).verdict


def logan(s: Scenario):
    return analyse(s).rule("logan_act")


# --- the prepared scenarios -------------------------------------------------------------------------------------


def test_there_are_at_least_thirty_scenarios_covering_every_law_and_verdict() -> None:
    assert len(SCENARIOS) >= 30
    assert len({s.scenario_id for s in SCENARIOS}) == len(SCENARIOS)
    assert sum(1 for s in SCENARIOS if s.case_id or s.sources) >= 15, "about half should be real episodes"
    engaged = {rule for row in SCENARIOS for rule, v in row.expected.items() if v == "engaged"}
    # Talks alone never make treason, and the Compact Clause question is contested: both appear as 'unclear'.
    assert engaged == set(RULE_IDS) - {"compact_clause", "treason"}, "every other law is engaged at least once"
    assert any(row.expected.get("compact_clause") == "unclear" for row in SCENARIOS)
    assert any(row.expected.get("treason") == "unclear" for row in SCENARIOS)
    assert sum(1 for row in SCENARIOS if not row.expected) >= 8, "lawful scenarios too"
    assert sum(1 for row in SCENARIOS if len([v for v in row.expected.values() if v != "not_engaged"]) >= 2) >= 8, \
        "scenarios where several laws are engaged at once"


@pytest.mark.parametrize("row", SCENARIOS, ids=lambda r: r.scenario_id)
def test_scenario_gets_the_expected_verdict_for_every_law(row) -> None:
    result = analyse(row.scenario)
    got = result.verdicts()
    expected = row.expected_verdicts()
    wrong = {rule: (expected[rule], got[rule]) for rule in RULE_IDS if expected[rule] != got[rule]}
    assert not wrong, f"{row.scenario_id}: expected/got {wrong}; reasons: {[r.reason for r in result.rules]}"
    assert row.reason and all(r.reason and r.citation for r in result.rules)
    assert result.caveat == CAVEAT


def test_scenario_ids_and_sources_resolve() -> None:
    from backchannels.data import load_cases, load_legal_sources
    cases = set(load_cases()["case_id"])
    legal = set(load_legal_sources()["source_id"])
    for row in SCENARIOS:
        assert not row.case_id or row.case_id in cases, row.scenario_id
        assert row.legal_source_ids and set(row.legal_source_ids) <= legal, row.scenario_id
        assert row.scenario_id.startswith("invented_") or row.case_id or row.sources, \
            f"{row.scenario_id}: a real episode needs a case_id or a source"


# --- the elements of the Logan Act --------------------------------------------------------------------------------


def test_every_logan_element_is_needed() -> None:
    assert verdict(Scenario(), "logan_act") == "engaged"
    assert verdict(Scenario(authority="president"), "logan_act") == "not_engaged"
    assert verdict(Scenario(foreign_party="private_body"), "logan_act") == "not_engaged"
    assert verdict(Scenario(intent="none_or_information_only"), "logan_act") == "not_engaged"
    assert verdict(Scenario(facts=frozenset({"not_us_citizen"})), "logan_act") == "not_engaged"
    assert verdict(Scenario(authority="unclear"), "logan_act") == "unclear"
    assert [e.status for e in logan(Scenario()).elements] == ["met"] * 5
    assert logan(Scenario()).citation.startswith("18 U.S.C. § 953")


def test_the_two_intent_limbs_are_alternatives_and_topic_is_not_intent() -> None:
    limb_a, limb_b = logan(Scenario(intent="influence_in_dispute")), logan(Scenario(intent="defeat_us_measures"))
    assert limb_a.verdict == limb_b.verdict == "engaged"
    assert "Limb (a)" in limb_a.elements[3].why and "Limb (b)" in limb_b.elements[3].why
    assert "not proof of intent" in logan(Scenario(intent="none_or_information_only")).elements[3].why
    assert verdict(Scenario(intent="unclear"), "logan_act") == "unclear"


def test_section_11_makes_insurgents_and_unrecognised_authorities_foreign_governments() -> None:
    rule = logan(Scenario(foreign_party="insurgent_or_unrecognised"))
    assert rule.verdict == "engaged" and "irrespective of recognition" in rule.elements[2].why
    assert verdict(Scenario(foreign_party="private_body"), "logan_act") == "not_engaged"
    assert verdict(Scenario(foreign_party="foreign_subnational"), "logan_act") == "unclear"


def test_authority_whose_how_given_and_exceeded() -> None:
    assert verdict(Scenario(authority="statute_or_congress"), "logan_act") == "unclear"
    assert verdict(Scenario(actor="sitting_official", authority="exceeded_instructions"), "logan_act") == "unclear"
    informed = logan(Scenario(actor="former_official", authority="informed_not_authorised"))
    assert informed.verdict == "engaged" and "knowledge is not authority" in informed.elements[1].why
    elect = Scenario(actor="president_elect_team", authority="president_elect")
    assert verdict(elect, "logan_act") == "engaged"
    assert any("Either way it is a Logan Act question, not treason" in n for n in analyse(elect).notes)
    assert verdict(Scenario(actor="president", authority="none"), "logan_act") == "not_engaged"


def test_redress_proviso_covers_own_injury_but_not_defeating_us_measures() -> None:
    redress = Scenario(facts=frozenset({"seeking_redress"}))
    assert verdict(redress, "logan_act") == "not_engaged"
    assert "himself or his agent" in logan(redress).elements[4].why
    beyond = Scenario(intent="defeat_us_measures", facts=frozenset({"seeking_redress"}))
    assert verdict(beyond, "logan_act") == "engaged"


def test_members_of_congress_and_state_officials_are_untested_reach() -> None:
    member = Scenario(actor="member_of_congress")
    assert verdict(member, "logan_act") == "unclear" and "never been applied" in logan(member).reason
    assert verdict(member, "speech_or_debate") == "not_engaged"
    assert "Brewster" in analyse(member).rule("speech_or_debate").reason
    floor = Scenario(actor="member_of_congress", facts=frozenset({"legislative_act"}))
    assert verdict(floor, "speech_or_debate") == "engaged"
    assert verdict(Scenario(actor="state_official", authority="state_law"), "logan_act") == "unclear"


# --- the other laws -------------------------------------------------------------------------------------------------


def test_treason_needs_an_enemy_in_open_war() -> None:
    assert verdict(Scenario(), "treason") == "not_engaged"
    assert verdict(Scenario(foreign_party="enemy_government"), "treason") == "unclear"
    assert verdict(Scenario(foreign_party="enemy_government", authority="president"), "treason") == "not_engaged"
    assert analyse(Scenario()).rule("treason").citation.startswith("U.S. Const. art. III, § 3")


def test_treason_needs_adherence_not_just_an_enemy() -> None:
    """Cramer: without an intent to betray there is no treason, even with an enemy in open war."""
    talk = analyse(Scenario(foreign_party="enemy_government", intent="none_or_information_only")).rule("treason")
    assert talk.verdict == "not_engaged" and "No adherence shown" in talk.reason
    assert "Cramer" in analyse(Scenario(foreign_party="enemy_government")).rule("treason").elements[1].why


def test_a_statutory_ban_against_the_presidents_direction_is_unclear_not_engaged() -> None:
    """Youngstown category 3 is the lowest ebb, not a certain loss (Zivotofsky): the verdict is 'unclear'."""
    ban = frozenset({"defied_statutory_ban"})
    assert verdict(Scenario(actor="sitting_official", authority="president", facts=ban), "statutory_ban") == "engaged"
    directed = analyse(Scenario(actor="sitting_official", authority="president",
                                facts=ban | {"president_directed_defiance"})).rule("statutory_ban")
    assert directed.verdict == "unclear" and "lowest ebb" in directed.reason and "Zivotofsky" in directed.reason
    assert verdict(Scenario(actor="president", authority="president", facts=ban), "statutory_ban") == "unclear"


def test_a_serving_official_without_instructions_is_not_plainly_without_authority() -> None:
    check = logan(Scenario(actor="sitting_official", authority="none"))
    assert check.verdict == "unclear" and "Vladeck" in check.elements[1].why
    assert logan(Scenario(actor="private_citizen", authority="none")).verdict == "engaged"


def test_non_citizen_note_points_to_aiding_and_abetting() -> None:
    notes = analyse(Scenario(facts=frozenset({"not_us_citizen"}))).notes
    assert any("18 U.S.C. § 2" in n and "Acting alone" in n for n in notes)


@pytest.mark.parametrize(("fact", "rule_id", "actor"), [
    ("lied", "false_statements", "private_citizen"),
    ("unregistered_foreign_agent", "foreign_agents", "private_citizen"),
    ("former_senior_official_for_foreign_entity", "post_employment", "former_official"),
    ("sanctions_evasion", "sanctions", "private_citizen"),
    ("disclosed_classified", "espionage", "sitting_official"),
    ("support_to_designated_fto", "material_support", "private_citizen"),
    ("defied_statutory_ban", "statutory_ban", "sitting_official"),
])
def test_each_fact_engages_its_own_law_alongside_the_logan_act(fact: str, rule_id: str, actor: str) -> None:
    s = Scenario(actor=actor, facts=frozenset({fact}))
    result = analyse(s)
    assert result.rule(rule_id).verdict == "engaged"
    assert result.rule("logan_act").verdict in ("engaged", "unclear"), "no hidden precedence hides the Logan Act"
    assert verdict(Scenario(actor=actor), rule_id) == "not_engaged"
    assert law_tables().fact_rule[fact] == rule_id


def test_presidential_disclosure_is_not_espionage_but_a_staff_leak_is() -> None:
    facts = frozenset({"disclosed_classified"})
    assert verdict(Scenario(actor="president", authority="president", facts=facts), "espionage") == "not_engaged"
    assert verdict(Scenario(actor="sitting_official", authority="none", facts=facts), "espionage") == "engaged"


def test_section_207f_binds_only_former_officials() -> None:
    fact = frozenset({"former_senior_official_for_foreign_entity"})
    assert verdict(Scenario(actor="former_official", facts=fact), "post_employment") == "engaged"
    assert verdict(Scenario(actor="private_citizen", facts=fact), "post_employment") == "not_engaged"


def test_compact_clause_only_for_states_with_an_agreement() -> None:
    state = Scenario(actor="state_official", authority="state_law", foreign_party="foreign_subnational",
                     intent="none_or_information_only", facts=frozenset({"agreement_sought"}))
    assert verdict(state, "compact_clause") == "unclear"
    assert verdict(Scenario(actor="state_official", authority="state_law"), "compact_clause") == "not_engaged"
    assert verdict(Scenario(facts=frozenset({"agreement_sought"})), "compact_clause") == "not_engaged"


def test_summary_names_engaged_and_unclear_laws_without_ranking() -> None:
    s = Scenario(actor="president_elect_team", authority="president_elect", facts=frozenset({"lied"}))
    summary = analyse(s).summary
    assert "Logan Act" in summary and "False statements" in summary
    assert analyse(Scenario(intent="none_or_information_only")).summary.startswith("No modelled law is engaged")


# --- data and bad input -------------------------------------------------------------------------------------------


def test_the_law_tables_match_what_the_code_reasons_about() -> None:
    tables = law_tables()
    assert tuple(tables.rules) == RULE_IDS
    assert set(tables.facts) == set(FACT_IDS)
    assert {c: tuple(v) for c, v in tables.choices.items()} == CONTROL_VALUES
    assert all(r.labels["engaged"] and r.citation for r in tables.rules.values())


def test_a_lecturer_can_reword_a_label_and_a_bad_edit_gets_a_clear_message(tmp_path: Path) -> None:
    from backchannels.data import rehash
    from backchannels.law.analyser import check_law_data
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    rules = copy / "law_rules.csv"
    rules.write_text(rules.read_text(encoding="utf-8").replace("A Logan Act question: every element appears met",
                                                               "Logan Act: a question to discuss"), encoding="utf-8")
    rehash(copy)
    assert check_all(copy) == [] and check_law_data(copy) == []
    assert analyse(Scenario(), copy).rule("logan_act").label == "Logan Act: a question to discuss"
    choices = copy / "law_choices.csv"
    choices.write_text(choices.read_text(encoding="utf-8").replace("intent,unclear,", "intent,doubtful,"),
                       encoding="utf-8")
    rehash(copy)
    problems = check_law_data(copy)
    assert any("no row for intent value 'unclear'" in p for p in problems), problems
    assert any("intent value 'doubtful' is not one the analyser reasons about" in p for p in problems), problems
    shutil.copy(DATA / "law_choices.csv", choices)
    scenarios = copy / "scenarios.csv"
    scenarios.write_text(scenarios.read_text(encoding="utf-8").replace(
        "logan_act=engaged; false_statements=engaged", "false_statements=engaged", 1), encoding="utf-8")
    rehash(copy)
    problems = check_law_data(copy)
    assert any("expected logan_act=not_engaged, but the analyser gives engaged" in p for p in problems), problems


def test_bad_values_get_a_friendly_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="actor must be one of"):
        Scenario(actor="king")
    with pytest.raises(ValueError, match="unknown fact 'bribed'"):
        Scenario(facts=frozenset({"bribed"}))
    with pytest.raises(ValueError, match="unknown law 'piracy'"):
        parse_expected("piracy=engaged")
    with pytest.raises(ValueError, match="must be one of engaged, unclear, not_engaged"):
        parse_expected("logan_act=maybe")
    bad = tmp_path / "scenarios.csv"
    text = (DATA / "scenarios.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",sitting_official,", ",sitting_officer,", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"scenarios.csv line 2 \(rfk_dobrynin_1962\): actor must be one of"):
        load_scenarios(bad)


def test_law_table_mismatch_raises_a_clear_error() -> None:
    from backchannels.law.rules import check_law_tables
    tables = law_tables()
    rules = [{"rule_id": r} for r in tables.rules if r != "treason"] + [{"rule_id": "piracy"}]
    facts = [{"fact_id": f, "rule_id": tables.fact_rule[f]} for f in tables.facts]
    choices = [{"control": c, "value": v} for c, values in tables.choices.items() for v in values]
    problems = check_law_tables(rules, facts, choices)
    assert any("no row for rule 'treason'" in p for p in problems)
    assert any("rule 'piracy' is not one the analyser reasons about" in p for p in problems)
    assert issubclass(DataValidationError, ValueError)


# --- the widget ----------------------------------------------------------------------------------------------------


def test_html_shows_a_verdict_per_law_elements_and_caveat() -> None:
    page = analysis_html(analyse(Scenario(facts=frozenset({"lied"}))))
    assert page.count("class='bc-law-row'") >= 3
    assert "A Logan Act question" in page and "False statements" in page and "✔ met" in page
    assert "Caveat" in page and "<script" not in page
    assert "none is ranked above another" in page


def test_widget_preset_and_controls() -> None:
    widget = LegalityAnalyser()
    assert set(widget.facts) == set(FACT_IDS)
    widget.preset.value = "flynn_kislyak_2016"
    assert widget.facts["lied"].value is True
    assert "FBI" in widget.description.value
    assert "data-rule='false_statements' data-verdict='engaged'" in widget.result.value
    assert "data-rule='logan_act' data-verdict='engaged'" in widget.result.value
    widget.facts["lied"].value = False
    assert widget.preset.value == "", "editing a control leaves the preset"
    assert "data-rule='false_statements'" not in widget.result.value
    widget.controls["authority"].value = "president"
    assert "No modelled law is engaged" in widget.result.value
    widget.preset.value = "invented_expropriation_claim"
    assert widget.facts["seeking_redress"].value is True
    assert "data-rule='logan_act' data-verdict='not_engaged'" in widget.result.value
