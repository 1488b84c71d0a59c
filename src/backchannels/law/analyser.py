"""The legality analyser: walk each law through a described scenario, element by element, and give a verdict per law.

Every law gets its own verdict (engaged, unclear or not engaged) with the reason and citation; nothing is
ranked above anything else. The Logan Act is split into its elements: citizenship; "without authority of the
United States" (whose authority, how given, whether exceeded); a "foreign government" in the sense of
18 U.S.C. § 11 (which includes factions and bodies of insurgents, recognised or not); the two alternative
intent limbs; and the redress proviso. It teaches how lawyers reason about these rules; it is not legal advice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from backchannels.law.rules import CONTROL_VALUES, FACT_IDS, RULE_IDS, VERDICTS, Status, Verdict, law_tables
from backchannels.paths import data_dir

CAVEAT = ("This analyser teaches how the rules are reasoned about; it is not legal advice. Real cases turn on "
          "facts, evidence, exact words, defences and prosecutorial discretion that it does not model, and no "
          "one has ever been convicted under the Logan Act. 'Engaged' means the elements fit the facts as "
          "described, not that a conviction would follow. It assumes that something was communicated to the "
          "foreign side ('correspondence or intercourse'); whether a published statement with no addressee, "
          "such as an open letter or a speech, is correspondence is not modelled.")
_EXECUTIVE_AUTHORITY = ("president",)


@dataclass(frozen=True)
class Scenario:
    """What a student says happened: who acted, with whose authority, towards whom, intending what, and facts."""

    actor: str = "private_citizen"
    authority: str = "none"
    foreign_party: str = "government"
    intent: str = "influence_in_dispute"
    facts: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        """Reject values outside the allowed choices with a message that lists them."""
        for name, allowed in CONTROL_VALUES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        object.__setattr__(self, "facts", frozenset(self.facts))
        unknown = sorted(self.facts - set(FACT_IDS))
        if unknown:
            raise ValueError(f"unknown fact {unknown[0]!r}; facts are: {', '.join(FACT_IDS)}")

    def has(self, fact: str) -> bool:
        """Return whether the scenario states this fact."""
        return fact in self.facts


@dataclass(frozen=True)
class ElementCheck:
    """One element of a rule, whether the scenario meets it, and why."""

    element: str
    status: Status
    why: str


@dataclass(frozen=True)
class RuleCheck:
    """One law's verdict on the scenario, with its elements, reason and citation."""

    rule_id: str
    rule: str
    citation: str
    verdict: Verdict
    label: str
    reason: str
    elements: tuple[ElementCheck, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """A verdict per law, a one-line summary that names the engaged and unclear laws, and teaching notes."""

    scenario: Scenario
    rules: tuple[RuleCheck, ...]
    summary: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    caveat: str = CAVEAT

    def verdicts(self) -> dict[str, Verdict]:
        """Return rule id -> verdict."""
        return {r.rule_id: r.verdict for r in self.rules}

    def rule(self, rule_id: str) -> RuleCheck:
        """Return one law's check by its id."""
        return next(r for r in self.rules if r.rule_id == rule_id)


def _combine(elements: tuple[ElementCheck, ...]) -> Verdict:
    """Any element not met -> not engaged; else any unclear -> unclear; else engaged."""
    statuses = [e.status for e in elements]
    if "not met" in statuses:
        return "not_engaged"
    return "unclear" if "unclear" in statuses else "engaged"


# --------------------------------------------------------------------------- Logan Act


def _authority_element(s: Scenario) -> ElementCheck:
    """Element 2: 'without authority of the United States' (whose authority, how given, whether exceeded)."""
    name = "Without authority of the United States"
    if s.actor == "president":
        return ElementCheck(name, "not met", "The President conducts the nation's diplomacy (Art. II); his own "
                            "contacts carry the authority of the United States.")
    if s.actor == "sitting_official" and s.authority == "none":
        return ElementCheck(name, "unclear", "A serving official acting in office without instructions: whether "
                            "such an official acts 'without authority of the United States' is doubted (Vladeck, "
                            "2017) and untested.")
    reasons = {
        "president": ("not met", "The sitting President's government authorised the contact: that is executive "
                      "diplomacy under Article II, not private diplomacy."),
        "statute_or_congress": ("unclear", "The Act does not say who can confer authority. The 1799 text spoke of "
                                "'the government of the United States', of which Congress is part; whether a "
                                "statute, Congress or a committee can supply authority has never been decided "
                                "(leaning not met where a statute provides for the delegation)."),
        "exceeded_instructions": ("unclear", "An official acting in office but beyond instructions: whether such an "
                                  "official acts 'without authority of the United States' is doubted (Vladeck, "
                                  "2017) and untested."),
        "informed_not_authorised": ("met", "Being told about a contact is not authorising it: knowledge is not "
                                    "authority."),
        "president_elect": ("met", "Until noon on 20 January (Amend. XX) the sitting President holds the executive "
                            "power; a president-elect's approval is not the authority of the United States."),
        "state_law": ("met", "State law is not the authority of the United States; whether the Act reaches a "
                      "state acting in its own capacity is another question (see the verdict)."),
        "none": ("met", "Nobody with power to speak for the United States authorised the contact."),
        "unclear": ("unclear", "Whether anyone authorised the contact is disputed; the answer decides whether "
                    "this is executive diplomacy or private diplomacy."),
    }
    status, why = reasons[s.authority]
    return ElementCheck(name, status, why)  # type: ignore[arg-type]


def _party_element(s: Scenario) -> ElementCheck:
    """Element 3: a foreign government or its officer or agent, read with 18 U.S.C. § 11."""
    name = "Correspondence with a foreign government or its officer or agent (read with 18 U.S.C. § 11)"
    reasons = {
        "government": ("met", "The other side is a foreign government or its officials."),
        "enemy_government": ("met", "The other side is a foreign government, here one at war with the US."),
        "insurgent_or_unrecognised": ("met", "For Title 18, 'foreign government' includes 'any government, "
                                      "faction, or body of insurgents within a country with which the United "
                                      "States is at peace, irrespective of recognition' (18 U.S.C. § 11)."),
        "foreign_subnational": ("unclear", "Section 11 counts 'any government ... within a country', which can be "
                                "read to include a province's government; no court has applied the Act to one."),
        "private_body": ("not met", "A private company, NGO or gang is not a government, faction or body of "
                         "insurgents: outside the Act."),
        "us_officials_only": ("not met", "The contacts are with US officials, not with a foreign government."),
    }
    status, why = reasons[s.foreign_party]
    return ElementCheck(name, status, why)  # type: ignore[arg-type]


def _intent_element(s: Scenario) -> ElementCheck:
    """Element 4: intent (a) to influence measures or conduct in a dispute with the US, or (b) to defeat US measures."""
    name = ("Intent (a) to influence the foreign government's measures or conduct in a dispute or controversy "
            "with the US, or (b) to defeat the measures of the United States")
    reasons = {
        "influence_in_dispute": ("met", "Limb (a): the aim was to change the foreign side's measures or conduct in "
                                 "a dispute with the United States."),
        "defeat_us_measures": ("met", "Limb (b): the aim was to defeat measures of the United States."),
        "none_or_information_only": ("not met", "No intent of either kind: courtesy, information-gathering or "
                                     "business. The topic of a conversation is not proof of intent."),
        "unclear": ("unclear", "What the person intended is not shown or is disputed; intent is an element the "
                    "prosecution must prove."),
    }
    status, why = reasons[s.intent]
    return ElementCheck(name, status, why)  # type: ignore[arg-type]


def _proviso_element(s: Scenario) -> ElementCheck:
    """The second paragraph: a citizen may seek redress, himself or through an agent, of his own injury."""
    name = "Outside the redress proviso (§ 953, second paragraph)"
    if not s.has("seeking_redress"):
        return ElementCheck(name, "met", "The person is not seeking redress of an injury of their own.")
    if s.intent == "defeat_us_measures":
        return ElementCheck(name, "met", "The proviso protects a claim for one's own injury; trying to defeat US "
                            "measures goes beyond redress.")
    return ElementCheck(name, "not met", "The Act does not abridge a citizen's right to apply, 'himself or his "
                        "agent', to a foreign government for redress of an injury suffered from that government "
                        "'or any of its agents or subjects'.")


def _logan_act(s: Scenario) -> tuple[Verdict, str, tuple[ElementCheck, ...]]:
    """Walk the elements of 18 U.S.C. § 953 and qualify the verdict where its reach is untested."""
    citizen = ElementCheck("A citizen of the United States, wherever he may be",
                           "not met" if s.has("not_us_citizen") else "met",
                           "The Act reaches only US citizens." if s.has("not_us_citizen")
                           else "The Act reaches 'any citizen of the United States, wherever he may be'.")
    elements = (citizen, _authority_element(s), _party_element(s), _intent_element(s), _proviso_element(s))
    verdict = _combine(elements)
    if verdict == "not_engaged":
        missing = "; ".join(e.why for e in elements if e.status == "not met")
        return verdict, f"An element is missing: {missing}", elements
    if verdict == "unclear":
        doubtful = "; ".join(e.why for e in elements if e.status == "unclear")
        return verdict, f"It depends: {doubtful}", elements
    if s.actor == "member_of_congress":
        return "unclear", ("The elements look met on their face, but the Act has never been applied to a member of "
                           "Congress; a 1975 State Department statement read it as not restricting legislators "
                           "'in pursuance of their legislative duties', and critics say meetings with heads of "
                           "state are not such duties. Untested."), elements
    if s.actor == "state_official":
        return "unclear", ("The words can fit, but the Act has never been applied to a state official acting for "
                           "a state; reading it to do so would raise federalism questions of its own."), elements
    reason = ("Every element appears met on these facts; that is not to say a conviction would follow. Whether "
              "anyone would be charged is another matter: two indictments in over 200 years, no conviction, and "
              "doubts about vagueness and free speech (Waldron, 1964).")
    if s.actor in ("president_elect_team", "president_elect"):
        reason += (" Whether the Act was meant to reach transition officials is disputed, but on its words the "
                   "president-elect's approval is not authority.")
    return "engaged", reason, elements


# --------------------------------------------------------------------------- other laws


def _treason(s: Scenario) -> tuple[Verdict, str, tuple[ElementCheck, ...]]:
    """Art. III, § 3: levying war, or adhering to enemies (open war) giving them aid and comfort."""
    war = ElementCheck("Levying war against the United States", "not met",
                       "Talking, however secretly, is not levying war, which needs an assemblage of armed force.")
    authorised = s.authority in _EXECUTIVE_AUTHORITY or s.actor == "president"
    if s.foreign_party == "enemy_government" and not authorised and s.intent != "none_or_information_only":
        enemy = ElementCheck("Adhering to an enemy, giving it aid and comfort", "unclear",
                             "The other side is an enemy (open war), but treason needs adherence, an intent to "
                             "betray, and an overt act that actually gives aid and comfort (Cramer v. United States, "
                             "1945); talks alone show neither, and talks for a humanitarian end such as a prisoner "
                             "exchange are ordinarily not adherence. A conviction needs two witnesses to the same "
                             "overt act or a confession in open court.")
        return "unclear", ("An enemy is involved, but talks alone are not treason: adherence (an intent to betray) "
                           "and aid and comfort must both be shown."), (war, enemy)
    if s.foreign_party == "enemy_government" and not authorised:
        why = ("No adherence shown: treason needs an intent to betray as well as aid and comfort (Cramer v. United "
               "States, 1945), and the contact had no aim beyond courtesy or information.")
    elif s.foreign_party == "enemy_government":
        why = "The contact was authorised by the government itself: official talks with an enemy are diplomacy."
    else:
        why = ("'Enemies' means nations or groups in open war with the United States; a government at peace with "
               "the US, however hostile, is not one.")
    return "not_engaged", why, (war, ElementCheck("Adhering to an enemy, giving it aid and comfort", "not met", why))


def _flag(s: Scenario, fact: str, yes: str, no: str = "No such fact is described.") -> tuple[Verdict, str]:
    """A law engaged by one stated fact."""
    return ("engaged", yes) if s.has(fact) else ("not_engaged", no)


def _false_statements(s: Scenario) -> tuple[Verdict, str]:
    """18 U.S.C. § 1001 (and § 1505): lies to Congress or to federal investigators."""
    return _flag(s, "lied", "Knowingly and willfully lying to Congress or to federal investigators about the "
                 "contacts is a crime of its own, even when the contacts were lawful; materiality must be shown "
                 "(the ground on which the Justice Department moved to drop Flynn's case in 2020).")


def _foreign_agents(s: Scenario) -> tuple[Verdict, str]:
    """FARA and 18 U.S.C. § 951."""
    return _flag(s, "unregistered_foreign_agent", "Acting in the US for a foreign principal (a government, party, "
                 "company or person) without registering under FARA, or for a foreign government without "
                 "notifying the Attorney General (§ 951), is an offence; FARA is usually charged for lobbying, "
                 "§ 951 for covert agents.")


def _post_employment(s: Scenario) -> tuple[Verdict, str]:
    """18 U.S.C. § 207(f): former senior officials and foreign entities."""
    if s.has("former_senior_official_for_foreign_entity") and s.actor != "former_official":
        return "not_engaged", "Section 207(f) binds former senior officials only."
    return _flag(s, "former_senior_official_for_foreign_entity", "For a year after leaving office a former "
                 "senior official may not represent, aid or advise a foreign government or party with intent "
                 "to influence US officials, even if registered under FARA.")


def _sanctions(s: Scenario) -> tuple[Verdict, str]:
    """IEEPA (50 U.S.C. § 1705) and, in wartime, the Trading with the Enemy Act."""
    if s.has("sanctions_evasion"):
        return "engaged", ("Wilfully providing services or technology to a sanctioned country without a licence "
                           "breaks the sanctions regulations issued under IEEPA (50 U.S.C. § 1705): the law "
                           "prosecutors actually use against freelancing with sanctioned regimes.")
    if s.foreign_party == "enemy_government" and s.authority not in _EXECUTIVE_AUTHORITY and s.actor != "president":
        return "unclear", ("In a declared war the Trading with the Enemy Act restricts trade and communication "
                           "with the enemy; whether these contacts fall within it depends on the regulations.")
    return "not_engaged", "No sanctioned trade or service is described."


def _espionage(s: Scenario) -> tuple[Verdict, str]:
    """Espionage Act §§ 793, 794; 18 U.S.C. § 952; 50 U.S.C. § 783."""
    if not s.has("disclosed_classified"):
        return "not_engaged", "No classified or national-defence information is passed."
    if s.actor == "president":
        return "not_engaged", ("The President controls classification (Department of the Navy v. Egan, 1988; "
                               "Exec. Order 13526): his disclosure to a foreign minister is a policy problem, "
                               "not a crime.")
    if s.authority == "president":
        return "unclear", ("Disclosure authorised by the President is declassification or authorised sharing; "
                           "whether the authorisation covered this disclosure decides it.")
    return "engaged", ("Wilfully communicating national-defence information to a person not entitled to it "
                       "(§ 793(d)-(e)); § 794(a) if done to advantage a foreign nation; for officials also 50 U.S.C. "
                       "§ 783. The back channel itself is secondary.")


def _material_support(s: Scenario) -> tuple[Verdict, str]:
    """18 U.S.C. § 2339B."""
    if s.has("support_to_designated_fto"):
        return "engaged", ("Knowingly giving a designated Foreign Terrorist Organization training, expert advice or "
                           "assistance, or services is 'material support', even if peaceful (Holder v. "
                           "Humanitarian Law Project, 2010); independent advocacy is not.")
    if s.foreign_party == "insurgent_or_unrecognised":
        return "not_engaged", ("Not engaged as described; but if the group were a designated Foreign Terrorist "
                               "Organization, coordinated training or services would be.")
    return "not_engaged", "No designated terrorist organisation is involved."


def _statutory_ban(s: Scenario) -> tuple[Verdict, str]:
    """An express statute forbidding the conduct."""
    if not s.has("defied_statutory_ban"):
        return "not_engaged", "No statutory ban is described."
    if s.actor == "president" or s.has("president_directed_defiance"):
        return "unclear", ("Against a statute the President's power is at its lowest ebb (Youngstown, 1952, "
                           "category 3). His instructions prevail only if the power is his alone, as recognition "
                           "was in Zivotofsky v. Kerry (2015). Whether negotiation is such a power is contested "
                           "(OLC 2011 against GAO 2011 on the Wolf Amendment).")
    return "engaged", ("The conduct defies an express statute, and nothing shows that the President directed it: "
                       "officials acting on their own cannot set the President's constitutional powers against "
                       "the statute.")


def _compact_clause(s: Scenario) -> tuple[Verdict, str]:
    """Art. I, § 10: states may make no treaty, and no agreement or compact with a foreign power without consent."""
    if s.actor != "state_official":
        return "not_engaged", "The clauses bind states, not individuals or federal officials."
    if not s.has("agreement_sought"):
        return "not_engaged", "No agreement is made or sought; states may talk with foreign governments."
    return "unclear", ("A state may make no treaty, and the Constitution requires Congress's consent for any "
                       "agreement or compact with a foreign power. The Court reads the consent requirement for "
                       "compacts between states as reaching only those that encroach on federal supremacy (Virginia "
                       "v. Tennessee, 1893); a district court applied that test to California's link with Québec "
                       "(2020), and no higher court has settled it for foreign powers. Foreign-affairs preemption "
                       "(Zschernig, Crosby, Garamendi) may also apply.")


def _speech_or_debate(s: Scenario) -> tuple[Verdict, str]:
    """Art. I, § 6, cl. 1: immunity for legislative acts of members of Congress."""
    if s.actor != "member_of_congress":
        return "not_engaged", "Applies only to members of Congress (and their aides acting for them)."
    if s.has("legislative_act"):
        return "engaged", ("A speech, vote or committee act is protected: it cannot be the basis of a prosecution "
                           "or be questioned elsewhere.")
    return "not_engaged", ("Meetings with foreign leaders, letters and press statements are not legislative acts "
                           "(United States v. Brewster, 1972; Gravel v. United States, 1972; Hutchinson v. "
                           "Proxmire, 1979): any defence must come from the statute's reach, not from immunity.")


def _notes(s: Scenario) -> tuple[str, ...]:
    """Return teaching notes that do not change any verdict."""
    notes: list[str] = []
    if s.actor in ("president_elect_team", "president_elect"):
        notes.append("Until noon on 20 January a president-elect cannot give the authority of the United States, "
                     "so a transition official who tries to change a foreign government's conduct on a matter the "
                     "sitting administration is handling can meet the Act's words. Whether the Act was meant to "
                     "reach transition teams is disputed, and ordinary transition contacts (introductions, "
                     "courtesy calls) lack the intent. Either way it is a Logan Act question, not treason.")
    if s.actor == "member_of_congress":
        notes.append("Congress has its own foreign-affairs powers (Art. I, § 8), and statutes create "
                     "interparliamentary groups; the 1975 State Department statement is an executive reading, "
                     "not law.")
    if s.has("agreement_sought") and s.authority not in _EXECUTIVE_AUTHORITY and s.actor != "president":
        notes.append("International law: without full powers (VCLT Art. 7) this person cannot bind the United "
                     "States; an act without authority has no legal effect unless later confirmed (Art. 8).")
    if s.foreign_party == "insurgent_or_unrecognised":
        notes.append("18 U.S.C. § 11 makes factions and insurgents 'foreign governments' for Title 18, recognised "
                     "or not; check also whether the group is a designated Foreign Terrorist Organization.")
    if s.has("not_us_citizen"):
        notes.append("Acting alone, a non-citizen is outside the Logan Act; but one who aids or abets a citizen's "
                     "violation can be liable as a principal under the general aiding-and-abetting statute "
                     "(18 U.S.C. § 2). A resident alien owes allegiance for treason purposes while resident "
                     "(Carlisle v. United States, 1872).")
    return tuple(notes)


_OTHER = {"false_statements": _false_statements, "foreign_agents": _foreign_agents,
          "post_employment": _post_employment, "sanctions": _sanctions, "espionage": _espionage,
          "material_support": _material_support, "statutory_ban": _statutory_ban,
          "compact_clause": _compact_clause, "speech_or_debate": _speech_or_debate}


def summarise(checks: tuple[RuleCheck, ...]) -> str:
    """Name the engaged and the unclear laws; no law is ranked above another."""
    engaged = [c.rule for c in checks if c.verdict == "engaged" and c.rule_id != "speech_or_debate"]
    unclear = [c.rule for c in checks if c.verdict == "unclear"]
    parts = []
    if engaged:
        parts.append("Engaged: " + "; ".join(engaged) + ".")
    if unclear:
        parts.append("Unclear: " + "; ".join(unclear) + ".")
    if any(c.rule_id == "speech_or_debate" and c.verdict == "engaged" for c in checks):
        parts.append("The Speech or Debate Clause protects the act.")
    return " ".join(parts) or "No modelled law is engaged: likely lawful under the rules modelled here."


def analyse(scenario: Scenario, data_directory: Path | str | None = None) -> Analysis:
    """Walk every modelled law through the scenario and give each its own verdict, reason and citation."""
    tables = law_tables(data_directory)
    checks: list[RuleCheck] = []
    for rule_id in RULE_IDS:
        rule = tables.rules[rule_id]
        if rule_id == "logan_act":
            verdict, reason, elements = _logan_act(scenario)
        elif rule_id == "treason":
            verdict, reason, elements = _treason(scenario)
        else:
            verdict, reason = _OTHER[rule_id](scenario)
            elements = ()
        checks.append(RuleCheck(rule_id, rule.name, rule.citation, verdict, rule.labels[verdict], reason, elements))
    result = tuple(checks)
    return Analysis(scenario, result, summarise(result), _notes(scenario))


# --------------------------------------------------------------------------- prepared scenarios


@dataclass(frozen=True)
class ScenarioRow:
    """One row of data/scenarios.csv: a described scenario with the verdict expected of each law, and why."""

    scenario_id: str
    title: str
    description: str
    scenario: Scenario
    expected: dict[str, Verdict]
    reason: str
    case_id: str
    legal_source_ids: tuple[str, ...]
    sources: str

    def expected_verdicts(self) -> dict[str, Verdict]:
        """Return every law's expected verdict (laws the row does not name: not engaged)."""
        return {rule_id: self.expected.get(rule_id, "not_engaged") for rule_id in RULE_IDS}


def parse_expected(text: str) -> dict[str, Verdict]:
    """Parse 'logan_act=unclear; false_statements=engaged' into a dict, with a clear error for bad parts."""
    result: dict[str, Verdict] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        rule_id, _, verdict = (x.strip() for x in part.partition("="))
        if rule_id not in RULE_IDS:
            raise ValueError(f"expected names an unknown law {rule_id!r}; laws are: {', '.join(RULE_IDS)}")
        if verdict not in VERDICTS:
            raise ValueError(f"expected verdict for {rule_id} must be one of {', '.join(VERDICTS)}, not {verdict!r}")
        result[rule_id] = verdict  # type: ignore[assignment]
    return result


def load_scenarios(path: Path | None = None) -> list[ScenarioRow]:
    """Load data/scenarios.csv, raising ValueError that names the row for any bad value."""
    path = path or data_dir() / "scenarios.csv"
    rows: list[ScenarioRow] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} line {number} ({raw.get('scenario_id', '?')})"
            try:
                facts = frozenset(f.strip() for f in (raw.get("facts") or "").split(";") if f.strip())
                scenario = Scenario(raw["actor"].strip(), raw["authority"].strip(), raw["foreign_party"].strip(),
                                    raw["intent"].strip(), facts)
                expected = parse_expected(raw.get("expected") or "")
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{where}: {error}") from error
            if not (raw.get("reason") or "").strip():
                raise ValueError(f"{where}: every scenario needs a reason")
            rows.append(ScenarioRow(raw["scenario_id"].strip(), raw["title"].strip(), raw["description"].strip(),
                                    scenario, expected, raw["reason"].strip(), (raw.get("case_id") or "").strip(),
                                    tuple(i.strip() for i in (raw.get("legal_source_ids") or "").split(";")
                                          if i.strip()),
                                    (raw.get("sources") or "").strip()))
    return rows


def check_law_data(directory: Path | str | None = None) -> list[str]:
    """Return every problem with the law tables and scenarios: mismatches with the code, bad rows, wrong verdicts."""
    from backchannels.data import DataValidationError

    folder = Path(directory) if directory is not None else data_dir()
    try:
        law_tables(directory)
        rows = load_scenarios(folder / "scenarios.csv")
    except (DataValidationError, ValueError, OSError) as error:
        return [str(error)]
    problems = []
    for row in rows:
        got = analyse(row.scenario, directory).verdicts()
        for rule_id, expected in row.expected_verdicts().items():
            if got[rule_id] != expected:
                problems.append(f"scenarios.csv ({row.scenario_id}): expected {rule_id}={expected}, but the analyser "
                                f"gives {got[rule_id]}. How to fix: correct the 'expected' cell or the scenario's "
                                "controls and facts.")
    return problems
