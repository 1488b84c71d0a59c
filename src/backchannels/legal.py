"""Teaching model of the US law on back channels: which rules a scenario engages and why.

The model walks through the elements of the Logan Act (18 U.S.C. § 953), treason (U.S. Const.
Art. III, § 3), false statements (18 U.S.C. § 1001), unregistered foreign agency (FARA and
18 U.S.C. § 951) and express statutory bans (such as the Boland Amendments), and gives a
reasoned, cautious conclusion. It teaches how lawyers reason about these rules; it is not
legal advice, and it deliberately leaves out facts a court would weigh (exact words, intent,
evidence, prosecutorial discretion, constitutional defences).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal

from backchannels.paths import data_dir

Actor = Literal["sitting_official", "president_elect_team", "member_of_congress",
                "private_citizen", "former_official"]
Authority = Literal["president", "president_elect", "none", "unclear"]
ForeignParty = Literal["government", "enemy_government", "non_state"]
Subject = Literal["dispute", "routine"]
Timing = Literal["in_office", "transition", "private_life"]
Status = Literal["met", "not met", "unclear"]
Conclusion = Literal["lawful", "logan_act", "other_law", "unclear"]

ACTORS: dict[str, str] = {
    "sitting_official": "a sitting executive-branch official",
    "president_elect_team": "a member of the president-elect's transition team",
    "member_of_congress": "a member of Congress",
    "private_citizen": "a private citizen",
    "former_official": "a former official",
}
AUTHORITIES: dict[str, str] = {
    "president": "authorised by the (sitting) President or his officials",
    "president_elect": "approved only by the president-elect",
    "none": "no authority from anyone",
    "unclear": "unclear or disputed",
}
FOREIGN_PARTIES: dict[str, str] = {
    "government": "a foreign government (at peace with the US) or its officials",
    "enemy_government": "a foreign government at open war with the US",
    "non_state": "a non-state group (not a government or its agent)",
}
SUBJECTS: dict[str, str] = {
    "dispute": "an existing dispute or controversy with the US, or US measures",
    "routine": "routine or unrelated business (culture, trade, private matters)",
}
TIMINGS: dict[str, str] = {
    "in_office": "while in office",
    "transition": "during a presidential transition (the old President still in office)",
    "private_life": "in private life",
}
CONCLUSIONS: dict[str, str] = {
    "lawful": "Likely lawful (under the rules modelled here)",
    "logan_act": "A Logan Act question",
    "other_law": "Other law engaged",
    "unclear": "Unclear",
}
CAVEAT = ("This analyser teaches how the rules are reasoned about; it is not legal advice. Real cases "
          "turn on facts, evidence, intent and defences it does not model, and no one has ever been "
          "convicted under the Logan Act.")


@dataclass(frozen=True)
class Scenario:
    """What a student says happened: who talked to whom, with what authority, about what."""

    actor: Actor
    authority: Authority
    foreign_party: ForeignParty
    subject: Subject
    timing: Timing
    lied_to_investigators: bool = False
    unregistered_foreign_agent: bool = False
    defied_statute: bool = False
    us_citizen: bool = True

    def __post_init__(self) -> None:
        """Reject values outside the allowed choices with a friendly message."""
        for name, allowed in (("actor", ACTORS), ("authority", AUTHORITIES),
                              ("foreign_party", FOREIGN_PARTIES), ("subject", SUBJECTS),
                              ("timing", TIMINGS)):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {sorted(allowed)}, not {value!r}")


@dataclass(frozen=True)
class ElementCheck:
    """One element of a rule, whether the scenario meets it, and why."""

    element: str
    status: Status
    why: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule (statute or constitutional clause) walked through element by element."""

    rule: str
    citation: str
    engaged: Status
    elements: tuple[ElementCheck, ...]
    summary: str


@dataclass(frozen=True)
class Analysis:
    """The analyser's result: each rule's walk-through and a reasoned conclusion."""

    scenario: Scenario
    conclusion: Conclusion
    label: str
    reasons: tuple[str, ...]
    rules: tuple[RuleCheck, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    caveat: str = CAVEAT


def _logan_act(s: Scenario) -> RuleCheck:
    """Walk through the elements of 18 U.S.C. § 953."""
    citizen = ElementCheck(
        "A citizen of the United States", "met" if s.us_citizen else "not met",
        "The Act reaches 'any citizen of the United States, wherever he may be'." if s.us_citizen
        else "The Act reaches only US citizens.")
    if s.authority == "president":
        auth = ElementCheck("Acting without authority of the United States", "not met",
                            "The contact was authorised by the sitting President's government: that is "
                            "executive diplomacy under Article II, not private diplomacy.")
    elif s.authority == "president_elect":
        auth = ElementCheck("Acting without authority of the United States", "met",
                            "A president-elect is not yet the government: until inauguration the "
                            "authority of the United States in foreign affairs rests with the sitting "
                            "President, so the president-elect's approval is not that authority.")
    elif s.authority == "none":
        why = "Nobody with authority to speak for the United States authorised the contact."
        if s.actor == "member_of_congress":
            why += (" (A member of Congress has no power to negotiate for the United States, but see "
                    "the note on whether the Act reaches legislators.)")
        auth = ElementCheck("Acting without authority of the United States", "met", why)
    else:
        auth = ElementCheck("Acting without authority of the United States", "unclear",
                            "Whether anyone authorised the contact is disputed; the answer decides "
                            "whether this is executive diplomacy or private diplomacy.")
    if s.foreign_party in ("government", "enemy_government"):
        party = ElementCheck("Correspondence or intercourse with a foreign government or its officers "
                             "or agents", "met", "The other side is a foreign government or its officials.")
    else:
        party = ElementCheck("Correspondence or intercourse with a foreign government or its officers "
                             "or agents", "not met",
                             "The Act names foreign governments and their officers or agents; a non-state "
                             "group that is not acting for a government falls outside it.")
    if s.subject == "dispute":
        intent = ElementCheck("Intent to influence that government's measures or conduct in relation to "
                              "disputes or controversies with the US, or to defeat US measures", "met",
                              "The talks aimed to change the foreign side's position on a matter in "
                              "dispute with the United States.")
    else:
        intent = ElementCheck("Intent to influence that government's measures or conduct in relation to "
                              "disputes or controversies with the US, or to defeat US measures", "not met",
                              "Routine or unrelated business is not an attempt to influence a dispute or "
                              "controversy with the United States.")
    elements = (citizen, auth, party, intent)
    statuses = [e.status for e in elements]
    if "not met" in statuses:
        engaged: Status = "not met"
        summary = "Not engaged: at least one element is missing."
    elif "unclear" in statuses:
        engaged = "unclear"
        summary = "Possibly engaged: it depends on whether the contact was authorised."
    elif s.actor == "member_of_congress":
        engaged = "unclear"
        summary = ("Disputed: the elements look met on their face, but the Act has never been applied to a "
                   "member of Congress, and a 1975 State Department view read it as not restricting "
                   "legislators acting in their legislative duties. Scholars disagree.")
    else:
        engaged = "met"
        summary = ("Engaged on its face: every element appears met. Whether anyone would be charged is "
                   "another matter: two indictments in over 200 years, no conviction, and doubts about "
                   "the Act's constitutionality (vagueness, free speech).")
    return RuleCheck("Logan Act", "18 U.S.C. § 953", engaged, elements, summary)


def _treason(s: Scenario) -> RuleCheck:
    """Walk through the constitutional definition of treason (Art. III, § 3)."""
    war = ElementCheck("Levying war against the United States", "not met",
                       "Talking, however secretly, is not levying war, which needs armed force.")
    if s.foreign_party == "enemy_government" and s.authority != "president":
        enemy = ElementCheck("Adhering to an enemy, giving it aid and comfort", "unclear",
                             "The other side is an enemy in the constitutional sense (open war), but talks "
                             "alone do not show adherence (betrayal) and aid and comfort; a conviction also "
                             "needs two witnesses to the same overt act or a confession in open court.")
        engaged: Status = "unclear"
        summary = "Only a question, not an answer: an enemy is involved, but talks alone are not treason."
    else:
        why = ("'Enemies' means nations or groups in open war with the United States. A government at "
               "peace with the US is not an enemy in this sense, however hostile.")
        if s.foreign_party == "enemy_government":
            why = "The contact was authorised by the government itself: official talks with an enemy are diplomacy."
        enemy = ElementCheck("Adhering to an enemy, giving it aid and comfort", "not met", why)
        engaged = "not met"
        summary = "Does not fit: the Constitution's definition is deliberately narrow."
    return RuleCheck("Treason", "U.S. Const. Art. III, § 3", engaged, (war, enemy), summary)


def _false_statements(s: Scenario) -> RuleCheck:
    """Check 18 U.S.C. § 1001 (false statements to federal investigators)."""
    element = ElementCheck(
        "Knowingly and wilfully making a materially false statement in a matter within federal jurisdiction",
        "met" if s.lied_to_investigators else "not met",
        "Lying to investigators (for example the FBI) about the contacts is a crime of its own, even when "
        "the contacts were lawful." if s.lied_to_investigators else "No false statement is described.")
    summary = ("Engaged: this, not the contact itself, is what has actually led to charges (Flynn pleaded "
               "guilty in 2017)." if s.lied_to_investigators else "Not engaged.")
    return RuleCheck("False statements", "18 U.S.C. § 1001", element.status, (element,), summary)


def _foreign_agent(s: Scenario) -> RuleCheck:
    """Check FARA (22 U.S.C. § 611) and 18 U.S.C. § 951 (agents of foreign governments)."""
    element = ElementCheck(
        "Acting in the US for a foreign government or principal without registering or notifying",
        "met" if s.unregistered_foreign_agent else "not met",
        "Working for a foreign principal inside the US without registering (FARA) or notifying the "
        "Attorney General (§ 951, for agents of foreign governments) is an offence." if s.unregistered_foreign_agent
        else "The person is not described as working for a foreign principal.")
    summary = "Engaged." if s.unregistered_foreign_agent else "Not engaged."
    return RuleCheck("Unregistered foreign agent", "22 U.S.C. § 611; 18 U.S.C. § 951",
                     element.status, (element,), summary)


def _statutory_ban(s: Scenario) -> RuleCheck:
    """Check whether the conduct defied an express statute (such as the Boland Amendments)."""
    element = ElementCheck(
        "Acting against an express statutory ban (for example the Boland Amendments on aid to the Contras)",
        "met" if s.defied_statute else "not met",
        "Presidential authority does not cover breaking a law Congress passed within its powers."
        if s.defied_statute else "No statutory ban is described.")
    return RuleCheck("Statutory ban", "Boland Amendments", element.status, (element,),
                     "Engaged." if s.defied_statute else "Not engaged.")


def _notes(s: Scenario) -> tuple[str, ...]:
    """Return context notes that do not change the conclusion but matter for teaching."""
    notes: list[str] = []
    if s.timing == "transition" or s.actor == "president_elect_team":
        notes.append("A transition team is not yet the government: the sitting President conducts foreign "
                     "policy until inauguration. That makes this a Logan Act question, not a treason question.")
    if s.actor == "member_of_congress":
        notes.append("Whether the Logan Act reaches members of Congress is disputed; it has never been applied "
                     "to one (Pelosi 2007 and the senators' 2015 letter to Iran were criticised, not charged).")
    if s.authority != "president":
        notes.append("International law: without full powers (VCLT Art. 7) this person cannot bind the United "
                     "States; anything agreed has no legal effect unless later confirmed (VCLT Art. 8).")
    if s.foreign_party == "non_state":
        notes.append("Dealings with some non-state groups may engage other laws (for example sanctions) that "
                     "this analyser does not model.")
    if s.timing == "private_life" and s.actor == "sitting_official":
        notes.append("A sitting official 'in private life' is an odd combination: check the controls.")
    if s.actor == "sitting_official" and s.authority == "president":
        notes.append("An authorised official back channel rests on the President's Article II powers over "
                     "foreign affairs; secrecy alone does not make it unlawful.")
    return tuple(notes)


def analyse(scenario: Scenario) -> Analysis:
    """Walk every modelled rule through the scenario and reach a reasoned conclusion."""
    logan = _logan_act(scenario)
    treason = _treason(scenario)
    others = (_false_statements(scenario), _foreign_agent(scenario), _statutory_ban(scenario))
    rules = (logan, treason, *others)
    engaged_others = [r for r in others if r.engaged == "met"]
    reasons: list[str] = []
    conclusion: Conclusion
    if engaged_others:
        conclusion = "other_law"
        for rule in engaged_others:
            reasons.append(f"{rule.rule} ({rule.citation}) is engaged: {rule.elements[0].why}")
        if logan.engaged != "not met":
            reasons.append(f"The Logan Act question also arises: {logan.summary}")
    elif logan.engaged == "met":
        conclusion = "logan_act"
        reasons.append(logan.summary)
    elif logan.engaged == "unclear" or treason.engaged == "unclear":
        conclusion = "unclear"
        reasons.extend(r.summary for r in (logan, treason) if r.engaged == "unclear")
    else:
        conclusion = "lawful"
        missing = [e for e in logan.elements if e.status == "not met"]
        reasons.append("The Logan Act does not apply: " + " ".join(e.why for e in missing))
        reasons.append("Treason does not fit, and no other modelled law is engaged.")
    return Analysis(scenario, conclusion, CONCLUSIONS[conclusion], tuple(reasons), rules, _notes(scenario))


@dataclass(frozen=True)
class ScenarioRow:
    """One row of data/scenarios.csv: a described scenario with its expected conclusion."""

    scenario_id: str
    title: str
    description: str
    scenario: Scenario
    expected_conclusion: Conclusion
    reason: str
    case_id: str
    legal_source_ids: tuple[str, ...]
    sources: str


SCENARIO_FIELDS = [f.name for f in fields(Scenario)]
_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "": False}


def load_scenarios(path: Path | None = None) -> list[ScenarioRow]:
    """Load data/scenarios.csv, raising ValueError that names the row for any bad value."""
    path = path or data_dir() / "scenarios.csv"
    rows: list[ScenarioRow] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} line {number} ({raw.get('scenario_id', '?')})"
            try:
                values: dict[str, object] = {}
                for name in SCENARIO_FIELDS:
                    text = (raw.get(name) or "").strip()
                    if name in ("lied_to_investigators", "unregistered_foreign_agent", "defied_statute",
                                "us_citizen"):
                        if text.lower() not in _BOOLS:
                            raise ValueError(f"{name} must be true or false, not {text!r}")
                        values[name] = _BOOLS[text.lower()] if text else name == "us_citizen"
                    else:
                        values[name] = text
                scenario = Scenario(**values)  # type: ignore[arg-type]
            except (TypeError, ValueError) as error:
                raise ValueError(f"{where}: {error}") from error
            expected = raw["expected_conclusion"].strip()
            if expected not in CONCLUSIONS:
                raise ValueError(f"{where}: expected_conclusion must be one of {sorted(CONCLUSIONS)}")
            if not raw["reason"].strip():
                raise ValueError(f"{where}: every scenario needs a reason")
            rows.append(ScenarioRow(raw["scenario_id"].strip(), raw["title"].strip(), raw["description"].strip(),
                                    scenario, expected, raw["reason"].strip(),  # type: ignore[arg-type]
                                    (raw.get("case_id") or "").strip(),
                                    tuple(i for i in (raw.get("legal_source_ids") or "").split(";") if i),
                                    (raw.get("sources") or "").strip()))
    return rows
