"""The law the analyser applies, as data: rules (with citations and verdict labels), facts and control choices.

The tables live in ``data/`` (``law_rules.csv``, ``law_facts.csv``, ``law_choices.csv``) so a lecturer can
reword a label, a citation or a question without touching code; ``datapackage.json`` describes them and
``make check`` validates them. The analyser's reasoning (``backchannels.law.analyser``) understands exactly the
rule ids, fact ids and control values listed in this module; :func:`check_law_tables` reports any mismatch
between the data and the code in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Verdict = Literal["engaged", "unclear", "not_engaged"]
VERDICTS: tuple[Verdict, ...] = ("engaged", "unclear", "not_engaged")
Status = Literal["met", "not met", "unclear"]

# What the analyser's code reasons about; the data tables must list exactly these.
RULE_IDS = ("logan_act", "treason", "false_statements", "foreign_agents", "post_employment", "sanctions",
            "espionage", "material_support", "statutory_ban", "compact_clause", "speech_or_debate")
FACT_IDS = ("not_us_citizen", "seeking_redress", "agreement_sought", "legislative_act", "lied",
            "unregistered_foreign_agent", "former_senior_official_for_foreign_entity", "sanctions_evasion",
            "disclosed_classified", "support_to_designated_fto", "defied_statutory_ban",
            "president_directed_defiance")
CONTROL_VALUES: dict[str, tuple[str, ...]] = {
    "actor": ("private_citizen", "former_official", "sitting_official", "president", "president_elect",
              "president_elect_team", "campaign", "member_of_congress", "state_official"),
    "authority": ("president", "statute_or_congress", "exceeded_instructions", "informed_not_authorised",
                  "president_elect", "state_law", "none", "unclear"),
    "foreign_party": ("government", "enemy_government", "insurgent_or_unrecognised", "foreign_subnational",
                      "private_body", "us_officials_only"),
    "intent": ("influence_in_dispute", "defeat_us_measures", "none_or_information_only", "unclear"),
}


@dataclass(frozen=True)
class Rule:
    """One law the analyser applies: its name, citation, the question it asks and its verdict labels."""

    rule_id: str
    name: str
    citation: str
    legal_source_id: str
    question: str
    labels: dict[str, str]


@dataclass(frozen=True)
class LawTables:
    """The three law tables, checked against the code: rules by id, fact labels, control choices."""

    rules: dict[str, Rule]
    facts: dict[str, str]
    fact_rule: dict[str, str]
    choices: dict[str, dict[str, str]]


def check_law_tables(rules: list[dict], facts: list[dict], choices: list[dict]) -> list[str]:
    """Return every mismatch between the law tables and what the analyser's code understands."""
    problems: list[str] = []

    def compare(what: str, file: str, found: list[str], expected: tuple[str, ...]) -> None:
        """Name the values the data lacks and the values the code cannot handle."""
        for missing in [v for v in expected if v not in found]:
            problems.append(f"{file}: no row for {what} '{missing}'; the analyser needs one (add it back).")
        for extra in [v for v in found if v not in expected]:
            problems.append(f"{file}: {what} '{extra}' is not one the analyser reasons about; "
                            f"use one of: {', '.join(expected)}.")

    compare("rule", "law_rules.csv", [r["rule_id"] for r in rules], RULE_IDS)
    compare("fact", "law_facts.csv", [f["fact_id"] for f in facts], FACT_IDS)
    for fact in facts:
        if fact["rule_id"] not in RULE_IDS:
            problems.append(f"law_facts.csv: fact '{fact['fact_id']}' names rule '{fact['rule_id']}', which "
                            f"law_rules.csv does not have.")
    for control, expected in CONTROL_VALUES.items():
        compare(f"{control} value", "law_choices.csv",
                [c["value"] for c in choices if c["control"] == control], expected)
    return problems


def _load(directory: str | None) -> LawTables:
    """Read and check the three tables (load_records caches each file until it changes)."""
    from backchannels.data import DataValidationError, load_records

    rules = load_records("law_rules", directory)
    facts = load_records("law_facts", directory)
    choices = load_records("law_choices", directory)
    problems = check_law_tables(rules, facts, choices)
    if problems:
        raise DataValidationError("The law tables do not match the analyser:\n- " + "\n- ".join(problems))
    return LawTables(
        rules={r["rule_id"]: Rule(r["rule_id"], r["name"], r["citation"], r["legal_source_id"], r["question"],
                                  {"engaged": r["engaged_label"], "unclear": r["unclear_label"],
                                   "not_engaged": r["not_engaged_label"]}) for r in rules},
        facts={f["fact_id"]: f["label"] for f in facts},
        fact_rule={f["fact_id"]: f["rule_id"] for f in facts},
        choices={control: {c["value"]: c["label"] for c in choices if c["control"] == control}
                 for control in CONTROL_VALUES})


def law_tables(data_dir: Path | str | None = None) -> LawTables:
    """Return the checked law tables of a data folder (the module's own by default)."""
    return _load(str(data_dir) if data_dir is not None else None)
