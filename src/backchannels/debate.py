"""Debate workshop: the motions, the evidence cards and the argument builder that checks a case's structure."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import ipywidgets as widgets

from backchannels.paths import data_dir

MOTIONS: dict[str, str] = {
    "supplement": "Back channels should supplement, not replace, traditional diplomacy.",
    "logan": "This House would keep 18 U.S.C. § 953 (the Logan Act) as it stands.",
}
SIDES: dict[str, str] = {"proposition": "Proposition (for the motion)",
                         "opposition": "Opposition (against the motion)"}
_SIDE_BUTTONS = {"proposition": "Proposition (for)", "opposition": "Opposition (against)"}
CARD_COLUMNS = ["card_id", "motion", "side", "claim", "evidence", "case_id", "legal_source_id", "legal_citation",
                "sources"]


@dataclass(frozen=True)
class EvidenceCard:
    """One evidence card: a claim for one side of one motion, its evidence and where it comes from."""

    card_id: str
    motion: str
    side: str
    claim: str
    evidence: str
    case_id: str
    legal_source_id: str
    legal_citation: str
    sources: str

    def links(self) -> str:
        """Return the card's link to a case and/or a law, or '' when it has none."""
        parts = []
        if self.case_id:
            parts.append(f"case: {self.case_id}")
        if self.legal_citation:
            parts.append(f"law: {self.legal_citation}")
        return "; ".join(parts)


def load_cards(path: Path | None = None) -> list[EvidenceCard]:
    """Load data/evidence_cards.csv, raising ValueError that names the row for any bad value."""
    path = path or data_dir() / "evidence_cards.csv"
    cards: list[EvidenceCard] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(CARD_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path.name} lacks columns {sorted(missing)}")
        for number, raw in enumerate(reader, start=2):
            card = EvidenceCard(**{c: (raw.get(c) or "").strip() for c in CARD_COLUMNS})
            where = f"{path.name} line {number} ({card.card_id or '?'})"
            if card.motion not in MOTIONS:
                raise ValueError(f"{where}: motion must be one of {sorted(MOTIONS)}")
            if card.side not in SIDES:
                raise ValueError(f"{where}: side must be one of {sorted(SIDES)}")
            if not (card.card_id and card.claim and card.evidence and card.sources):
                raise ValueError(f"{where}: card_id, claim, evidence and sources are required")
            if card.card_id in seen:
                raise ValueError(f"{where}: duplicate card_id")
            seen.add(card.card_id)
            cards.append(card)
    return cards


@dataclass(frozen=True)
class ArgumentLine:
    """One claim of a student's case with the evidence offered for it and any warnings."""

    claim: EvidenceCard
    evidence: tuple[EvidenceCard, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class CaseAssessment:
    """The structure of a student's case: its argument lines and overall warnings."""

    motion: str
    side: str
    lines: tuple[ArgumentLine, ...]
    warnings: tuple[str, ...]

    @property
    def warning_count(self) -> int:
        """Return how many warnings the case carries in total."""
        return len(self.warnings) + sum(len(line.warnings) for line in self.lines)


def _other(side: str) -> str:
    """Return the opposing side."""
    return "opposition" if side == "proposition" else "proposition"


def assess_case(motion: str, side: str, arguments: Sequence[tuple[str, Sequence[str]]],
                cards: Sequence[EvidenceCard] | None = None) -> CaseAssessment:
    """Check a case given as (claim card id, evidence card ids) pairs; warn about weak structure."""
    if motion not in MOTIONS:
        raise ValueError(f"motion must be one of {sorted(MOTIONS)}, not {motion!r}")
    if side not in SIDES:
        raise ValueError(f"side must be one of {sorted(SIDES)}, not {side!r}")
    by_id = {c.card_id: c for c in (cards if cards is not None else load_cards())}
    lines: list[ArgumentLine] = []
    used_claims: set[str] = set()
    for claim_id, evidence_ids in arguments:
        if not claim_id:
            if evidence_ids:
                raise ValueError("evidence was chosen without a claim: pick the claim it supports first")
            continue
        if claim_id not in by_id:
            raise ValueError(f"unknown card {claim_id!r}")
        claim = by_id[claim_id]
        warnings: list[str] = []
        if claim.motion != motion:
            warnings.append("This claim belongs to the other motion.")
        elif claim.side != side:
            warnings.append(f"This claim argues for the {claim.side}, not for your side.")
        if claim_id in used_claims:
            warnings.append("You already made this claim.")
        used_claims.add(claim_id)
        evidence: list[EvidenceCard] = []
        for card_id in evidence_ids:
            if card_id not in by_id:
                raise ValueError(f"unknown card {card_id!r}")
            card = by_id[card_id]
            evidence.append(card)
            if card.motion != motion:
                warnings.append(f"Evidence {card_id} belongs to the other motion.")
            elif card.side != side:
                warnings.append(f"Evidence {card_id} cuts the other way: it supports the {card.side}. "
                                "Use it only if you can answer it (a rebuttal).")
            if not card.links():
                warnings.append(f"Evidence {card_id} links to no case or law: say why it is relevant.")
        if not evidence:
            warnings.append("A claim without evidence is only an assertion: add at least one evidence card.")
        lines.append(ArgumentLine(claim, tuple(evidence), tuple(warnings)))
    overall: list[str] = []
    if not lines:
        overall.append("Your case has no claims yet: pick at least two.")
    elif len(lines) < 2:
        overall.append("One claim is a thin case: a strong case usually has two or three.")
    opposing = [c for c in by_id.values() if c.motion == motion and c.side == _other(side)]
    if lines and opposing:
        used = {card.card_id for line in lines for card in line.evidence}
        unanswered = [c for c in opposing if c.card_id not in used] or opposing
        overall.append(f"Prepare a rebuttal: the other side can argue, for example, \"{unanswered[0].claim}\"")
    return CaseAssessment(motion, side, tuple(lines), tuple(overall))


def case_text(assessment: CaseAssessment) -> str:
    """Return the case as an indented plain-text outline: claim → evidence → link, with warnings."""
    out = [f"Motion: {MOTIONS[assessment.motion]}", f"Side: {SIDES[assessment.side]}"]
    for number, line in enumerate(assessment.lines, start=1):
        out.append(f"Claim {number}: {line.claim.claim}")
        for card in line.evidence:
            out.append(f"  → Evidence {card.card_id}: {card.evidence}")
            out.append(f"    → Link: {card.links() or 'none'}")
        out.extend(f"  ⚠ {w}" for w in line.warnings)
    out.extend(f"⚠ {w}" for w in assessment.warnings)
    return "\n".join(out)


def case_html(assessment: CaseAssessment) -> str:
    """Render the case structure as HTML, warnings marked with a sign and the word 'Warning'."""
    parts = [(f"<div class='bc-case' style='max-width:60em'><p><b>Motion:</b> {escape(MOTIONS[assessment.motion])}"
              f"<br><b>Side:</b> {escape(SIDES[assessment.side])}</p><ol>")]
    for line in assessment.lines:
        parts.append(f"<li><b>Claim:</b> {escape(line.claim.claim)}<ul>")
        for card in line.evidence:
            parts.append(f"<li><b>Evidence</b> ({escape(card.card_id)}): {escape(card.evidence)}"
                         f"<br><b>Link:</b> {escape(card.links() or 'none')}</li>")
        parts.extend(f"<li style='color:#8a1c1c'>⚠ Warning: {escape(w)}</li>" for w in line.warnings)
        parts.append("</ul></li>")
    parts.append("</ol>")
    parts.extend(f"<p style='color:#6b4e00'>⚠ {escape(w)}</p>" for w in assessment.warnings)
    line_warnings = sum(len(line.warnings) for line in assessment.lines)
    if not assessment.lines:
        verdict = "No claims yet."
    elif line_warnings == 0:
        verdict = "No warnings on your claims: each has evidence for your side and a link."
    else:
        verdict = f"{line_warnings} warning(s) on your claims."
    parts.append(f"<p class='bc-case-verdict'><b>{escape(verdict)}</b></p></div>")
    return "".join(parts)


def evidence_table(motion: str) -> str:
    """Return an HTML table of a motion's evidence cards, proposition first (for reading, not picking)."""
    cards = sorted((c for c in load_cards() if c.motion == motion), key=lambda c: (c.side != "proposition", c.card_id))
    cell = "style='text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #ccc'"
    rows = "".join(f"<tr><td {cell}>{escape(c.card_id)}</td><td {cell}>{escape(c.side)}</td>"
                   f"<td {cell}><b>{escape(c.claim)}</b></td><td {cell}>{escape(c.evidence)}</td>"
                   f"<td {cell}>{escape(c.links() or '-')}</td></tr>" for c in cards)
    head = "".join(f"<th {cell}>{name}</th>" for name in ("Card", "Side", "Claim", "Evidence", "Link"))
    return (f"<p><b>Motion:</b> {escape(MOTIONS[motion])}</p><table style='border-collapse:collapse;max-width:70em'>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def show_evidence_cards(motion: str) -> widgets.HTML:
    """Return a widget showing a motion's evidence cards."""
    if motion not in MOTIONS:
        raise ValueError(f"motion must be one of {sorted(MOTIONS)}, not {motion!r}")
    view = widgets.HTML(evidence_table(motion))
    view.add_class("bc-evidence-cards")
    return view


class ArgumentBuilder(widgets.VBox):
    """Pick a motion, a side, up to three claims and the evidence for each; see the case's structure."""

    SLOTS = 3

    def __init__(self, motion: str = "supplement") -> None:
        """Build the controls and the live outline."""
        self.cards = load_cards()
        self._updating = False
        style = {"description_width": "8em"}
        self.motion = widgets.Dropdown(options=[(text, key) for key, text in MOTIONS.items()], value=motion,
                                       description="Motion:", style=style, layout=widgets.Layout(width="62em"))
        self.side = widgets.ToggleButtons(options=[(label, key) for key, label in _SIDE_BUTTONS.items()],
                                          value="proposition", description="Your side:",
                                          style={"description_width": "8em", "button_width": "14em"})
        self.claims = [widgets.Dropdown(description=f"Claim {i + 1}:", style=style,
                                        layout=widgets.Layout(width="62em")) for i in range(self.SLOTS)]
        self.evidence = [widgets.SelectMultiple(description=f"Evidence {i + 1}:", rows=4, style=style,
                                                layout=widgets.Layout(width="62em")) for i in range(self.SLOTS)]
        self.output = widgets.HTML()
        self._fill_options()
        for control in (self.motion, self.side, *self.claims, *self.evidence):
            control.observe(self._on_change, names="value")
        rows: list[widgets.Widget] = [widgets.HTML("<p>Choose a motion and a side, then up to three claims; "
                                                   "for each claim tick the evidence cards that support it "
                                                   "(Ctrl/Cmd-click for several).</p>"), self.motion, self.side]
        for claim, evidence in zip(self.claims, self.evidence):
            rows.extend([claim, evidence])
        super().__init__([*rows, self.output])
        self.add_class("bc-argument-builder")
        self._on_change()

    def _fill_options(self) -> None:
        """Offer the chosen motion's claims and cards (both sides, so students must choose)."""
        self._updating = True
        cards = [c for c in self.cards if c.motion == self.motion.value]
        claim_options = [("(no claim)", "")] + [(f"[{c.side[:3]}] {c.claim}", c.card_id) for c in cards]
        evidence_options = [(f"{c.card_id}: {c.evidence[:105]}…", c.card_id) for c in cards]
        for claim, evidence in zip(self.claims, self.evidence):
            claim.options, claim.value = claim_options, ""
            evidence.options, evidence.value = evidence_options, ()
        self._updating = False

    def arguments(self) -> list[tuple[str, tuple[str, ...]]]:
        """Return the (claim, evidence) pairs the student has chosen."""
        return [(claim.value, tuple(evidence.value)) for claim, evidence in zip(self.claims, self.evidence)
                if claim.value or evidence.value]

    def assessment(self) -> CaseAssessment:
        """Return the assessment of the current case (evidence without a claim is ignored)."""
        pairs = [(c, e) for c, e in self.arguments() if c]
        return assess_case(self.motion.value, self.side.value, pairs, self.cards)

    def _on_change(self, change: dict | None = None) -> None:
        """Refresh options when the motion changes and redraw the outline."""
        if self._updating:
            return
        if change is not None and change.get("owner") is self.motion:
            self._fill_options()
        html = case_html(self.assessment())
        if any(not c and e for c, e in self.arguments()):
            html = ("<p style='color:#8a1c1c'>⚠ You ticked evidence without choosing the claim it supports: "
                    "pick the claim first.</p>") + html
        self.output.value = html


def show_argument_builder(motion: str = "supplement") -> ArgumentBuilder:
    """Return an argument builder (displayed when it is the last line of a cell)."""
    return ArgumentBuilder(motion)
