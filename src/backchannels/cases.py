"""Lessons 04 and 05 helpers: a timeline of the cases, summary cards, a case browser and comparisons.

Every function takes the case and event tables as optional arguments; when they are left out, the
tables come from ``backchannels.data`` (``load_cases()``, ``load_events()``). Passing your own
DataFrame lets a student (or a test) try the functions on a changed or invented table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # matplotlib and ipywidgets are imported inside functions to keep imports fast
    import ipywidgets
    from matplotlib.figure import Figure

#: Plain-language labels for the coded values of ``cases.csv`` (used in cards, tables and figures).
#: Fallback labels; at run time the labels of ``data/channel_types.csv`` take precedence.
CHANNEL_LABELS: dict[str, str] = {
    "direct_secret": "Back channel: direct and secret",
    "via_state_intermediary": "Back channel through a third state",
    "via_private_intermediary": "Back channel through a private go-between",
    "via_intelligence_service": "Back channel through intelligence services",
    "unauthorised_private": "Unauthorised private diplomacy",
}
OUTCOME_LABELS: dict[str, str] = {
    "agreement": "Agreement",
    "partial": "Partial result",
    "no_agreement": "No agreement",
    "scandal": "Scandal",
}
LEGAL_LABELS: dict[str, str] = {
    "none": "None identified",
    "logan_act": "Logan Act question",
    "boland_amendment": "Boland Amendment (Iran–Contra)",
    "arms_export_control": "Arms Export Control Act",
    "false_statements": "False statements",
    "foreign_contact_ban": "Ban on contacts with the other side",
    "treason_accusation": "Treason accused (not charged)",
    "other": "Other legal issue",
}
AUTHORISED_LABELS: dict[str, str] = {
    "yes": "Yes", "partly": "Partly", "disputed": "Disputed", "no": "No",
}
#: Labels for the analytic variables of cases.csv (the codes a comparison shows).
ANALYTIC_LABELS: dict[str, dict[str, str]] = {
    "ripeness": {"mutually_hurting_stalemate": "Mutually hurting stalemate",
                 "imminent_catastrophe": "Impending catastrophe", "not_ripe": "Not ripe"},
    "spoilers": {"inside": "Inside the process", "outside": "Outside the process", "both": "Inside and outside",
                 "none_noted": "None noted"},
    "front_channel_link": {"beside": "Beside public talks", "instead": "Instead of public talks",
                           "prelude": "Prelude to public talks"},
    "made_public": {"announcement": "Announcement", "public_signing": "Public signing", "leak": "Leak",
                    "memoir": "Memoir", "archives": "Archives", "referendum": "Referendum"},
    "formal_relations": {"yes": "Yes", "partial": "Partial", "no": "No"},
}
NOT_CODED = "not coded"

_DATE_COLUMNS = ("date", "event_date", "start_date", "year")
_TEXT_COLUMNS = ("title", "event", "label", "description", "summary", "text")
_SOURCE_KEY_COLUMNS = ("source_keys", "source_key", "references", "reference_keys", "bib_keys", "sources")


# ----------------------------------------------------------------------------------------------
# Loading and tidying
# ----------------------------------------------------------------------------------------------
def _cases(cases: pd.DataFrame | None) -> pd.DataFrame:
    """Return the given case table, or the module's own one."""
    if cases is None:
        from backchannels.data import load_cases

        cases = load_cases()
    if "case_id" not in cases.columns:
        raise ValueError("The case table needs a 'case_id' column.")
    return cases


def _events(events: pd.DataFrame | None) -> pd.DataFrame:
    """Return the given event table, the module's own one, or an empty table."""
    if events is None:
        try:
            from backchannels.data import load_events
        except ImportError:
            return pd.DataFrame(columns=["case_id", "year", "event"])
        events = load_events()
    return events


def channel_labels() -> dict[str, str]:
    """Return channel-type labels: the data's ``channel_types.csv`` where available, else the fallback."""
    labels = dict(CHANNEL_LABELS)
    try:
        from backchannels.data import load_channel_types

        table = load_channel_types()
        labels.update(zip(table["channel_type"].astype(str), table["label"].astype(str)))
    except (ImportError, OSError, KeyError, ValueError):
        return labels  # no usable data package (tests with invented tables): keep the fallback labels
    return labels


def as_list(value: Any) -> list[str]:
    """Return a cell that holds several names (a list or a 'a;b' string) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, float) and pd.isna(value):
        return []
    try:
        if pd.isna(value):
            return []
    except (TypeError, ValueError):
        pass
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _year(value: Any) -> int | None:
    """Return a year from an int, a float, a 'YYYY' or 'YYYY-MM-DD' string or a date; None if empty."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "year"):
        return int(value.year)
    match = re.search(r"\d{4}", str(value))
    return int(match.group(0)) if match else None


def _column(frame: pd.DataFrame, candidates: Iterable[str]) -> str | None:
    """Return the first of the candidate columns that the frame has."""
    return next((c for c in candidates if c in frame.columns), None)


def case_spans(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return case_id, name, start, end and public (years) per case, with open ends filled."""
    table = _cases(cases)
    rows = []
    for _, row in table.iterrows():
        start = _year(row.get("start_year"))
        end = _year(row.get("end_year"))
        public = _year(row.get("became_public_year"))
        rows.append({
            "case_id": row["case_id"],
            "name": str(row.get("name", row["case_id"])),
            "start": start,
            "end": end if end is not None else start,
            "end_known": end is not None,
            "public": public,
        })
    return pd.DataFrame(rows)


def events_for(case_id: str, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one case's events as a table with columns year, date and event, in time order."""
    table = _events(events)
    if table.empty or "case_id" not in table.columns:
        return pd.DataFrame(columns=["year", "date", "event", "detail"])
    chosen = table[table["case_id"] == case_id]
    date_col = _column(chosen, _DATE_COLUMNS)
    text_col = _column(chosen, _TEXT_COLUMNS)
    detail = chosen["description"].astype("string") if "description" in chosen.columns and text_col != "description" \
        else pd.Series([pd.NA] * len(chosen), dtype="string", index=chosen.index)
    out = pd.DataFrame({
        "date": chosen[date_col].astype("string") if date_col else pd.Series(dtype="string"),
        "year": [(_year(v)) for v in chosen[date_col]] if date_col else [],
        "event": chosen[text_col].astype("string") if text_col else pd.Series(dtype="string"),
        "detail": detail,
    })
    out = out.dropna(subset=["year"])
    return out.sort_values(["year", "date"], kind="stable").reset_index(drop=True)


def event_years(events: pd.DataFrame | None = None) -> dict[str, list[int]]:
    """Return each case's event years in order, in one pass over the events (for the timeline)."""
    table = _events(events)
    date_col = _column(table, _DATE_COLUMNS)
    if table.empty or "case_id" not in table.columns or date_col is None:
        return {}
    years: dict[str, list[int]] = {}
    for case_id, value in zip(table["case_id"], table[date_col]):
        year = _year(value)
        if year is not None:
            years.setdefault(str(case_id), []).append(year)
    return {case_id: sorted(found) for case_id, found in years.items()}


def case_years(case_id: str, cases: pd.DataFrame | None = None,
               events: pd.DataFrame | None = None) -> set[int]:
    """Return every year a text about a case may name: its span, its events and its disclosure."""
    spans = case_spans(cases).set_index("case_id")
    if case_id not in spans.index:
        raise ValueError(f"Unknown case_id {case_id!r}.")
    row = spans.loc[case_id]
    years = set(range(int(row["start"]), int(row["end"]) + 1)) if row["start"] is not None else set()
    if pd.notna(row["public"]):
        years.add(int(row["public"]))
    years.update(int(y) for y in events_for(case_id, events)["year"])
    return years


def short_name(name: str, limit: int = 44) -> str:
    """Return a case name without brackets, cut to at most ``limit`` characters."""
    cut = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"


# ----------------------------------------------------------------------------------------------
# Timeline figure
# ----------------------------------------------------------------------------------------------
#: Most rows in one part of the timeline: few enough for projector-sized type on a 16:9 slide.
TIMELINE_MAX_ROWS = 8


@dataclass(frozen=True)
class TimelineLayout:
    """Sizes of a timeline figure (inches and points) for one kind of screen."""

    width: float  # figure width, inches
    label: float  # case names, points
    tick: float  # year ticks and legend, points
    title: float  # title, points
    wrap: int  # characters per line of a case name or the title
    legend_columns: int
    year_ticks: int  # at most this many year ticks on the main panel


#: "wide": slides, JupyterLab and the app on a desktop (a 12.8-inch figure shown about 1000-1230 px
#: wide, so 20-point names are about 20-27 px); "narrow": a phone (shown about 360 px wide).
TIMELINE_LAYOUTS: dict[str, TimelineLayout] = {
    "wide": TimelineLayout(width=12.8, label=20, tick=18, title=22, wrap=70, legend_columns=4, year_ticks=9),
    "narrow": TimelineLayout(width=5.0, label=13, tick=12, title=13, wrap=42, legend_columns=2, year_ticks=4),
}


def timeline_parts(cases: pd.DataFrame | None = None, max_rows: int = TIMELINE_MAX_ROWS) -> list[pd.DataFrame]:
    """Return the case spans in time order, cut into eras of at most ``max_rows`` cases each.

    Parts are as equal in size as possible; each cut moves by up to two rows to the widest gap
    between start years, so that an era ends where the record has a pause.
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1.")
    spans = case_spans(cases).sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    count = -(-len(spans) // max_rows) or 1
    cuts, begin = [], 0
    for part in range(1, count):
        ideal = round(part * len(spans) / count)
        low, high = max(begin + 1, ideal - 2, len(spans) - (count - part) * max_rows), min(ideal + 2, begin + max_rows)
        candidates = range(low, high + 1) if low <= high else [ideal]
        cut = max(candidates, key=lambda i: (spans["start"][i] - spans["start"][i - 1], -abs(i - ideal)))
        cuts.append(cut)
        begin = cut
    edges = [0, *cuts, len(spans)]
    return [spans.iloc[a:b].reset_index(drop=True) for a, b in zip(edges, edges[1:])]


def _era(spans: pd.DataFrame) -> str:
    """Return the years an era covers, as 'first–last'."""
    first, last = int(spans["start"].min()), int(spans["end"].max())
    return str(first) if first == last else f"{first}–{last}"


def timeline_figure(cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
                    split_before: int = 1900, layout: str = "wide", title: str | None = None) -> Figure:
    """Draw every case as one row: its full name above a bar for its span, events as dots, disclosure as a star.

    Names are wrapped, never cut. Cases that start before ``split_before`` (the 1798 Logan mission)
    get a narrow panel of their own on the left, so the later cases are not squashed. ``layout``
    picks the sizes (see TIMELINE_LAYOUTS); for many cases draw each of :func:`timeline_parts`.
    """
    import textwrap

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import blended_transform_factory

    if layout not in TIMELINE_LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(TIMELINE_LAYOUTS)}, not {layout!r}.")
    size = TIMELINE_LAYOUTS[layout]
    spans = case_spans(cases).sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    if spans.empty:
        raise ValueError("The case table has no cases to draw.")
    names = [textwrap.wrap(str(n), size.wrap) or [""] for n in spans["name"]]
    line = size.label * 1.25 / 72  # inches per line of a case name
    # Rows from the top: the name's lines, then the bar (one line high), then a small gap.
    tops, y = [], 0.0
    for lines in names:
        tops.append(y)
        y += len(lines) + 1.25
    bars = [top + len(lines) + 0.5 for top, lines in zip(tops, names)]
    heading = textwrap.wrap(title or "Back-channel cases in the module's data: span, key events, disclosure",
                            size.wrap)
    top_in = (len(heading) * size.title * 1.3 + 10) / 72
    legend_rows = -(-4 // size.legend_columns)
    bottom_in = (size.tick * 1.6 + legend_rows * size.tick * 1.6 + 10) / 72
    height = top_in + y * line + bottom_in
    fig = Figure(figsize=(size.width, height))
    early = spans["start"] < split_before
    panels = [early, ~early] if early.any() and (~early).any() else [early | True]
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False,
                        gridspec_kw={"width_ratios": [1, 6] if len(panels) == 2 else [1], "wspace": 0.04})[0]
    ev = event_years(events)
    bar_y = pd.Series(bars, index=spans.index)
    for ax, mask in zip(axes, panels):
        chosen = spans[mask]
        years = [*chosen["start"], *chosen["end"], *chosen["public"].dropna()]
        years += [y for cid in chosen["case_id"] for y in ev.get(cid, [])]
        ax.barh(bar_y[mask], chosen["end"] - chosen["start"] + 0.8, left=chosen["start"] - 0.4, height=0.7,
                color=["#4C72B0" if known else "#9DB4D8" for known in chosen["end_known"]], edgecolor="#1F3A60")
        dots = [(year, bar_y[i]) for i, cid in zip(chosen.index, chosen["case_id"]) for year in ev.get(cid, [])]
        if dots:
            ax.plot(*zip(*dots), "o", color="#F2B134", markeredgecolor="black", markersize=size.label * 0.45,
                    zorder=3)
        public = chosen[chosen["public"].notna()]
        if not public.empty:
            ax.plot(public["public"], bar_y[public.index], "*", color="#C0392B", markeredgecolor="black",
                    markersize=size.label * 0.8, zorder=4)
        ax.set_xlim(min(years) - 2, max(years) + 2)
        ax.grid(axis="x", color="#dddddd")
        ax.set_axisbelow(True)
        ax.tick_params(axis="x", labelsize=size.tick)
        ax.tick_params(axis="y", left=False, labelleft=False)
        ax.xaxis.set_major_locator(MaxNLocator(size.year_ticks, integer=True))
    if len(panels) == 2:
        axes[0].set_xticks(sorted(set(spans.loc[early, "start"].astype(int))))
        axes[0].spines["right"].set_linestyle((0, (4, 4)))
        axes[1].spines["left"].set_linestyle((0, (4, 4)))
    axes[0].set_ylim(y, 0)
    # Names are figure texts (drawn over both panels), from the left edge of the plot area.
    place = blended_transform_factory(fig.transFigure, axes[0].transData)
    for row, (top, lines) in enumerate(zip(tops, names)):
        fig.text((size.tick * 1.3 + 8) / 72 / size.width, top + 0.1, "\n".join(lines), transform=place, ha="left", va="top", fontsize=size.label,
                 gid=f"bc-case-name-{row}",
                 linespacing=1.15, zorder=5, bbox={"boxstyle": "square,pad=0.05", "facecolor": "white",
                                                   "edgecolor": "none", "alpha": 0.85})
    fig.suptitle("\n".join(heading), fontsize=size.title, y=1 - 6 / 72 / height, va="top")
    handles = [
        Line2D([], [], color="#4C72B0", linewidth=8, label="Back channel (bar)"),
        Line2D([], [], color="#9DB4D8", linewidth=8, label="End not coded"),
        Line2D([], [], marker="o", linestyle="", color="#F2B134", markeredgecolor="black", markersize=10,
               label="Key event"),
        Line2D([], [], marker="*", linestyle="", color="#C0392B", markeredgecolor="black", markersize=15,
               label="Became public"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=size.legend_columns, fontsize=size.tick, frameon=False,
               bbox_to_anchor=(0.5, 0.0), handlelength=1.5, columnspacing=1.2)
    side = (size.tick * 1.3 + 4) / 72 / size.width  # room for half a year label at either end
    fig.subplots_adjust(left=side, right=1 - side, top=1 - top_in / height, bottom=bottom_in / height)
    return fig


def case_timeline_figure(case_id: str, cases: pd.DataFrame | None = None,
                         events: pd.DataFrame | None = None) -> Figure:
    """Draw one case's events on a time line, labels staggered on alternate sides so none overlap."""
    from matplotlib.figure import Figure

    spans = case_spans(cases).set_index("case_id")
    if case_id not in spans.index:
        raise ValueError(f"Unknown case_id {case_id!r}.")
    ev = events_for(case_id, events)
    fig = Figure(figsize=(12, 4.5))
    ax = fig.subplots()
    if ev.empty:
        ax.text(0.5, 0.5, "No events coded for this case", ha="center", va="center", transform=ax.transAxes)
    positions = list(range(len(ev)))
    ax.axhline(0, color="#1F3A60", linewidth=2)
    for i, (_, row) in enumerate(ev.iterrows()):
        level = [1.6, -1.6, 0.8, -0.8][i % 4]
        ax.plot(i, 0, "o", color="#F2B134", markeredgecolor="black", markersize=9, zorder=3)
        ax.vlines(i, 0, level, color="#888888", linewidth=1)
        label = f"{row['date']}\n" + "\n".join(_wrap(str(row["event"]), 26))
        ax.text(i, level, label, ha="center", va="bottom" if level > 0 else "top", fontsize=10,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#cccccc"})
    ax.set_xlim(-0.8, max(positions, default=0) + 0.8)
    ax.set_ylim(-3.4, 3.4)
    ax.axis("off")
    title = f"{spans.loc[case_id, 'name']}: key events in order (equal spacing, not to scale)"
    ax.set_title("\n".join(_wrap(title, 95)), fontsize=13)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> list[str]:
    """Return text broken into lines of at most ``width`` characters (at most four lines)."""
    import textwrap

    lines = textwrap.wrap(text, width) or [""]
    return lines[:4] if len(lines) <= 4 else lines[:3] + [lines[3][: width - 1] + "…"]


def show_figure(fig: Figure, alt: str) -> Any:
    """Return a displayable HTML image of a figure, with alt text for screen readers."""
    from IPython.display import HTML

    from backchannels.figures import figure_html

    return HTML(figure_html(fig, alt))  # returned, not displayed, so a lesson cell shows it once


def _timeline_alt(spans: pd.DataFrame) -> str:
    """Return the alt text of a timeline: every case with its years and disclosure."""
    return ("Timeline chart, one row per case, years on the horizontal axis. "
            + "; ".join(f"{r['name']}: {r['start']}" + (f" to {r['end']}" if r["end"] != r["start"] else "")
                        + (f", public {int(r['public'])}" if pd.notna(r["public"]) else "")
                        for _, r in spans.iterrows()))


#: Screens at most this wide (CSS pixels) get the narrow drawing of each timeline part.
NARROW_SCREEN_PX = 640


def timeline_html(cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
                  max_rows: int = TIMELINE_MAX_ROWS) -> str:
    """Return the timeline as HTML: one figure per era, each a picture with a wide and a phone drawing.

    The parts carry the class ``bc-slide-part`` (inside ``bc-slide-parts``), so the lecture deck
    puts each on a slide of its own; a page shows them one under the other.
    """
    import base64

    from backchannels.figures import figure_svg

    table = _cases(cases)
    parts = timeline_parts(table, max_rows)
    figures = []
    for number, spans in enumerate(parts, start=1):
        chosen = table[table["case_id"].isin(spans["case_id"])]
        title = (f"Back-channel cases {_era(spans)}" + (f" ({number} of {len(parts)})" if len(parts) > 1 else "")
                 + ": span, key events, disclosure")
        data = {layout: base64.b64encode(figure_svg(timeline_figure(chosen, events, layout=layout, title=title)))
                .decode("ascii") for layout in TIMELINE_LAYOUTS}
        figures.append(
            f'<figure class="bc-slide-part bc-timeline-part" style="margin:0 0 1.5em 0">'
            f'<picture><source media="(max-width: {NARROW_SCREEN_PX}px)" '
            f'srcset="data:image/svg+xml;base64,{data["narrow"]}">'
            f'<img src="data:image/svg+xml;base64,{data["wide"]}" '
            f'alt="{html.escape(_timeline_alt(spans), quote=True)}" style="max-width:100%;height:auto">'
            f"</picture></figure>")
    return f'<div class="bc-slide-parts bc-timeline">{"".join(figures)}</div>'


def show_timeline(cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None) -> Any:
    """Return the timeline of every case, era by era, as images with written descriptions as alt text."""
    from IPython.display import HTML

    return HTML(timeline_html(cases, events))


# ----------------------------------------------------------------------------------------------
# Summary card
# ----------------------------------------------------------------------------------------------
def _label(mapping: dict[str, str], value: Any) -> str:
    """Return the plain-language label of a coded value or list of values ('not coded' when empty)."""
    if isinstance(value, (list, tuple)):
        return "; ".join(_label(mapping, v) for v in value) if value else NOT_CODED
    if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == "":
        return NOT_CODED
    return mapping.get(str(value), str(value).replace("_", " "))


def _source_lines(row: pd.Series) -> list[str]:
    """Return the case's sources as formatted references (bib keys) or plain addresses."""
    lines: list[str] = []
    key_col = next((c for c in _SOURCE_KEY_COLUMNS if c in row.index), None)
    if key_col is not None:
        for key in as_list(row[key_col]):
            try:
                from backchannels.references import format_reference

                lines.append(format_reference(key))
            except (ImportError, OSError, KeyError, ValueError):  # an unknown key still shows, unformatted
                lines.append(key)
    for col in ("source_url", "source_urls"):
        if col in row.index:
            lines.extend(as_list(row[col]))
    return lines


def _source_items_html(row: pd.Series) -> list[str]:
    """Return the case's sources as HTML list items: 'Author Year' (linked to its address) and the title."""
    from backchannels.references import get_reference
    from backchannels.render.citations import short_cite_html

    items: list[str] = []
    key_col = next((c for c in _SOURCE_KEY_COLUMNS if c in row.index), None)
    for key in as_list(row[key_col]) if key_col is not None else []:
        try:
            title = get_reference(key).get("title").rstrip(".")
        except (OSError, KeyError, ValueError):  # an unknown key still shows, as written
            items.append(html.escape(key))
            continue
        items.append(f"{short_cite_html(key)}: {html.escape(title)}")
    for col in ("source_url", "source_urls"):
        if col in row.index:
            items.extend(_linkify(u) for u in as_list(row[col]))
    return items


def case_card_data(case_id: str, cases: pd.DataFrame | None = None,
                   events: pd.DataFrame | None = None) -> dict[str, Any]:
    """Return the facts of one case's summary card as a dictionary of plain strings and lists."""
    table = _cases(cases)
    match = table[table["case_id"] == case_id]
    if match.empty:
        raise ValueError(f"Unknown case_id {case_id!r}; choose one of: {', '.join(table['case_id'])}")
    row = match.iloc[0]
    start, end, public = (_year(row.get(c)) for c in ("start_year", "end_year", "became_public_year"))
    years = "not coded" if start is None else (
        f"{start}" if end == start else f"{start}–{end}" if end is not None else f"from {start} (end not coded)")
    what = next((str(row[c]) for c in ("summary", "what_happened", "description")
                 if c in row.index and isinstance(row[c], str) and row[c].strip()), "")
    ev = events_for(case_id, events)
    admin = "; ".join(as_list(row.get("us_administration")))
    how = row.get("how_public")
    return {
        "case_id": case_id,
        "name": str(row.get("name", case_id)),
        "years": years,
        "parties": as_list(row.get("parties")),
        "channel_type": _label(channel_labels(), row.get("channel_type")),
        "people": as_list(row.get("people")),
        "intermediaries": as_list(row.get("intermediaries")),
        "authorised": _label(AUTHORISED_LABELS, row.get("authorised")) if "authorised" in row.index else NOT_CODED,
        "us_administration": admin or "none (not a US case)",
        "what_happened": what or "No summary is coded for this case yet: see its sources below.",
        "events": [(str(d), str(e) + (f": {t}" if isinstance(t, str) and t else ""))
                   for d, e, t in zip(ev["date"], ev["event"], ev["detail"].fillna(""))],
        "outcome": _label(OUTCOME_LABELS, row.get("outcome")),
        "became_public": "not coded" if public is None else str(public),
        "how_public": str(how) if isinstance(how, str) and how.strip() else "",
        "legal_issue": _label(LEGAL_LABELS, row.get("legal_issue")),
        "sources": _source_lines(row),
        "sources_html": _source_items_html(row),
    }


def case_card(case_id: str, cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
              fmt: str = "html") -> str:
    """Return one case's summary card as HTML (``fmt="html"``) or Markdown (``fmt="markdown"``)."""
    if fmt not in ("html", "markdown"):
        raise ValueError("fmt must be 'html' or 'markdown'.")
    card = case_card_data(case_id, cases, events)
    public = card["became_public"] + (f" ({card['how_public']})" if card["how_public"] else "")
    fields = [
        ("Years", card["years"]),
        ("Parties", ", ".join(card["parties"]) or NOT_CODED),
        ("Channel type", card["channel_type"]),
        ("People", ", ".join(card["people"]) or NOT_CODED),
        ("Intermediaries", ", ".join(card["intermediaries"]) or "none (direct)"),
        ("Authorised by the principals on each side", card["authorised"]),
        ("US administration", card["us_administration"]),
        ("Outcome", card["outcome"]),
        ("Became public", public),
        ("Legal issue", card["legal_issue"]),
    ]
    if fmt == "markdown":
        lines = [f"### {card['name']}", ""]
        lines += [f"- **{k}:** {v}" for k, v in fields]
        lines += ["", "**What happened:**", "", card["what_happened"], ""]
        lines += [f"- {d}: {e}" for d, e in card["events"]]
        lines += ["", "**Sources:**", ""] + [f"- {s}" for s in card["sources"]]
        return "\n".join(lines)
    esc = html.escape
    rows = "".join(f'<tr><th scope="row" style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">'
                   f"{esc(k)}</th><td style='text-align:left'>{esc(v)}</td></tr>" for k, v in fields)
    happened = f"<p>{esc(card['what_happened'])}</p>"
    if card["events"]:
        happened += ("<p><b>Key events</b></p><ul>"
                     + "".join(f"<li><b>{esc(d)}</b>: {esc(e)}</li>" for d, e in card["events"]) + "</ul>")
    sources = "".join(f"<li>{s}</li>" for s in card["sources_html"]) or f"<li>{NOT_CODED}</li>"
    return (f'<article class="bc-case-card" aria-label="Summary card: {esc(card["name"], quote=True)}" '
            f'tabindex="0" style="border:1px solid #999;border-radius:6px;padding:8px 14px;font-size:15px;'
            f'line-height:1.45;max-height:560px;overflow-y:auto">'
            f"<h3 style='margin-top:4px'>{esc(card['name'])}</h3>"
            f"<table style='border-collapse:collapse'>{rows}</table>"
            f"<h4>What happened</h4>{happened}<h4>Sources</h4><ul>{sources}</ul></article>")


def _linkify(text: str) -> str:
    """Return escaped text with a bare web address turned into a link."""
    escaped = html.escape(text)
    if re.fullmatch(r"https?://\S+", text):
        return f'<a href="{escaped}" target="_blank" rel="noopener">{escaped}</a>'
    return escaped


def show_case_card(case_id: str, cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None) -> Any:
    """Return one case's summary card, ready to display in a notebook."""
    from IPython.display import HTML

    return HTML(case_card(case_id, cases, events))


# ----------------------------------------------------------------------------------------------
# Case browser widget
# ----------------------------------------------------------------------------------------------
def case_options(cases: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """Return (label, case_id) pairs for every case, in time order, for a dropdown."""
    spans = case_spans(cases).sort_values(["start", "end"], kind="stable")
    return [(f"{r['start']} – {r['name']}", r["case_id"]) for _, r in spans.iterrows()]


def case_browser(cases: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
                 initial: str | None = None) -> ipywidgets.VBox:
    """Return a dropdown of every case and the chosen case's summary card, updated on change."""
    import ipywidgets as widgets

    table = _cases(cases)
    ev = _events(events)
    options = case_options(table)
    first = initial if initial is not None else options[0][1]
    dropdown = widgets.Dropdown(options=options, value=first, description="Case:",
                                tooltip="Choose a case to read its summary card",
                                layout=widgets.Layout(width="min(100%, 820px)"),
                                style={"description_width": "initial"})
    dropdown.add_class("bc-case-select")
    card = widgets.HTML(case_card(first, table, ev))
    card.add_class("bc-case-card-output")
    heading = widgets.HTML("<b id='bc-case-browser-label'>Case browser</b>: choose a case; its card appears below.")

    def update(change: dict[str, Any]) -> None:
        card.value = case_card(change["new"], table, ev)

    dropdown.observe(update, names="value")
    box = widgets.VBox([heading, dropdown, card])
    box.add_class("bc-case-browser")
    return box


# ----------------------------------------------------------------------------------------------
# Comparative analysis
# ----------------------------------------------------------------------------------------------
def labelled(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the case table with coded columns replaced by plain-language labels."""
    table = _cases(cases).copy()
    for col, mapping in (("channel_type", channel_labels()), ("outcome", OUTCOME_LABELS),
                         ("legal_issue", LEGAL_LABELS), ("authorised", AUTHORISED_LABELS),
                         *ANALYTIC_LABELS.items()):
        if col in table.columns:
            table[col] = [[_label(mapping, x) for x in v] if isinstance(v, (list, tuple)) else _label(mapping, v)
                          for v in table[col]]
    return table


def compare(cases: pd.DataFrame | None = None, rows: str = "channel_type", columns: str = "outcome",
            labels: bool = True) -> pd.DataFrame:
    """Return a crosstab counting cases by two columns (empty cells counted as 'not coded').

    A column that holds lists (``legal_issue``, ``parties``) is spread out first: a case with two legal
    issues is counted once under each, so the totals can exceed the number of cases.
    """
    table = labelled(cases) if labels else _cases(cases).copy()
    for col in (rows, columns):
        if col not in table.columns:
            raise ValueError(f"No column {col!r}; choose from: {', '.join(map(str, table.columns))}")
        if table[col].map(lambda v: isinstance(v, (list, tuple))).any():
            table[col] = table[col].map(lambda v: list(v) if isinstance(v, (list, tuple)) and v else v)
            table = table.explode(col)
        table[col] = table[col].astype("string").fillna(NOT_CODED).replace("", NOT_CODED)
    return pd.crosstab(table[rows], table[columns], margins=True, margins_name="Total")


def count_by(cases: pd.DataFrame | None = None, column: str = "channel_type") -> pd.Series:
    """Return how many cases fall in each value of one column, largest first."""
    return compare(cases, rows=column, columns=column)["Total"].drop("Total").sort_values(ascending=False)


#: Channel types that are contrast cases, not back channels: their "disclosure" measures no secret kept.
NOT_BACK_CHANNELS = ("unauthorised_private",)


def years_to_public(cases: pd.DataFrame | None = None, back_channels_only: bool = True) -> pd.DataFrame:
    """Return, per case, the start year, the year it became public and the years in between."""
    spans = case_spans(cases)
    if back_channels_only:
        kinds = _cases(cases).set_index("case_id")["channel_type"]
        spans = spans[~spans["case_id"].map(kinds).isin(NOT_BACK_CHANNELS)]
    out = spans[["case_id", "name", "start", "public"]].copy()
    out["years_to_public"] = [
        (int(p) - int(s)) if pd.notna(p) and s is not None else pd.NA for s, p in zip(out["start"], out["public"])
    ]
    out["years_to_public"] = out["years_to_public"].astype("Int64")
    out["public"] = out["public"].astype("Int64")
    return out.sort_values("years_to_public", ascending=False, na_position="last").reset_index(drop=True)


def legal_issue_cases(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the cases whose ``legal_issue`` is coded and is not 'none', with the issue in words."""
    table = _cases(cases)
    coded = [[x for x in as_list(v) if x != "none"] for v in table["legal_issue"]]
    chosen = table[[bool(c) for c in coded]]
    return pd.DataFrame({
        "case_id": chosen["case_id"].to_numpy(),
        "name": chosen["name"].to_numpy(),
        "legal_issue": [_label(LEGAL_LABELS, v) for v in chosen["legal_issue"]],
        "outcome": [_label(OUTCOME_LABELS, v) for v in chosen["outcome"]],
    })


def compare_figure(table: pd.DataFrame, title: str | None = None) -> Figure:
    """Draw a crosstab from :func:`compare` as stacked horizontal bars (the Total row/column dropped)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    data = table.drop(index="Total", columns="Total", errors="ignore")
    fig = Figure(figsize=(11, 0.6 * len(data) + 2.4))
    ax = fig.subplots()
    colours = ["#4C72B0", "#F2B134", "#55A868", "#C0392B", "#8172B2", "#999999", "#64B5CD"]
    # Stacked by hand: pandas' .plot would import pyplot, which costs the kernel ~15 MB.
    labels = [str(r) for r in data.index]
    left = [0.0] * len(data)
    for colour, column in zip(colours * (len(data.columns) // len(colours) + 1), data.columns):
        widths = data[column].astype(float).tolist()
        ax.barh(labels, widths, left=left, color=colour, edgecolor="black", label=str(column))
        left = [a + b for a, b in zip(left, widths)]
    ax.set_xlabel("Number of cases", fontsize=12)
    ax.set_ylabel(str(data.index.name).replace("_", " ").capitalize(), fontsize=12)
    ax.set_title(title or f"Cases by {data.index.name} and {data.columns.name}".replace("_", " "), fontsize=14)
    ax.legend(title=str(data.columns.name).replace("_", " ").capitalize(), fontsize=11,
              bbox_to_anchor=(1.01, 1), loc="upper left")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.invert_yaxis()
    ax.tick_params(labelsize=11)
    fig.tight_layout()
    return fig


def show_compare(cases: pd.DataFrame | None = None, rows: str = "channel_type", columns: str = "outcome") -> Any:
    """Return the crosstab of two columns as a figure with the counts written out as alt text."""
    table = compare(cases, rows, columns)
    body = table.drop(index="Total", columns="Total")
    alt = (f"Stacked bar chart of cases by {rows} (rows) and {columns} (colours). "
           + "; ".join(f"{r}: " + ", ".join(f"{c} {int(body.loc[r, c])}" for c in body.columns if body.loc[r, c])
                       for r in body.index))
    return show_figure(compare_figure(table), alt)


def years_to_public_figure(cases: pd.DataFrame | None = None) -> Figure:
    """Draw the years from each case's start to its disclosure as horizontal bars."""
    from matplotlib.figure import Figure

    import textwrap

    data = years_to_public(cases).dropna(subset=["years_to_public"]).sort_values("years_to_public")
    fig = Figure(figsize=(12, 0.62 * len(data) + 1.9))
    ax = fig.subplots()
    # Whole names, wrapped on two lines, in type a projector can show (no cut at a character limit).
    labels = ["\n".join(textwrap.wrap(short_name(n, limit=90), 42)) for n in data["name"]]
    ax.barh(labels, data["years_to_public"].astype(int), color="#4C72B0", edgecolor="black")
    for y, v in enumerate(data["years_to_public"].astype(int)):
        ax.text(v + 0.1, y, str(v), va="center", fontsize=13)
    ax.set_xlabel("Years from the start of the channel to its disclosure (0 = the same year)", fontsize=13)
    ax.set_title("How long did the secret hold? (back channels with a coded disclosure year)", fontsize=15)
    ax.tick_params(labelsize=13)
    fig.tight_layout()
    return fig


def show_years_to_public(cases: pd.DataFrame | None = None) -> Any:
    """Return the years-to-disclosure chart with the values written out as alt text."""
    data = years_to_public(cases).dropna(subset=["years_to_public"])
    alt = "Bar chart of years from start to disclosure. " + "; ".join(
        f"{n}: {int(v)}" for n, v in zip(data["name"], data["years_to_public"]))
    return show_figure(years_to_public_figure(cases), alt)


# ----------------------------------------------------------------------------------------------
# Comparison explorer: two dropdowns, never a code edit
# ----------------------------------------------------------------------------------------------
#: Columns a student may compare, with the words the dropdowns show.
COMPARE_COLUMNS: dict[str, str] = {
    "channel_type": "Kind of channel",
    "outcome": "Outcome",
    "authorised": "Authorised by the principals?",
    "formal_relations": "Diplomatic relations while it ran?",
    "front_channel_link": "Link to public talks",
    "made_public": "How it was made public or ratified",
    "legal_issue": "Legal issue",
}
#: The authorisation codes lesson 01 calls doubtful.
DOUBTFUL_AUTHORISATION = ("partly", "disputed")


def comparison_table(cases: pd.DataFrame | None = None, rows: str = "front_channel_link",
                     columns: str = "outcome", sure_only: bool = False) -> pd.DataFrame:
    """Return :func:`compare` for two dropdown columns, optionally without doubtfully authorised cases."""
    for name in (rows, columns):
        if name not in COMPARE_COLUMNS:
            raise ValueError(f"Cannot compare by {name!r}; choose from: {', '.join(COMPARE_COLUMNS)}")
    table = _cases(cases)
    if sure_only:
        table = table[~table["authorised"].isin(DOUBTFUL_AUTHORISATION)]
    result = compare(table, rows, columns)
    # One header row: the row variable (down) and the column variable (across) named in the corner.
    result.index.name = f"{COMPARE_COLUMNS[rows]} ↓ / {COMPARE_COLUMNS[columns]} →"
    result.columns.name = None
    return result


def comparison_explorer(cases: pd.DataFrame | None = None, rows: str = "front_channel_link",
                        columns: str = "outcome") -> ipywidgets.VBox:
    """Return two dropdowns and a checkbox that redraw the crosstab of the chosen case variables."""
    import ipywidgets as widgets

    table = _cases(cases)
    options = [(label, name) for name, label in COMPARE_COLUMNS.items()]
    style = {"description_width": "initial"}
    row_pick = widgets.Dropdown(options=options, value=rows, description="Rows:", style=style)
    col_pick = widgets.Dropdown(options=options, value=columns, description="Columns:", style=style)
    sure = widgets.Checkbox(value=False, description="Leave out cases whose authorisation is partly or disputed",
                            indent=False, layout=widgets.Layout(width="auto"))
    out = widgets.HTML()
    for w, cls in ((row_pick, "bc-compare-rows"), (col_pick, "bc-compare-columns"), (sure, "bc-compare-sure")):
        w.add_class(cls)
    out.add_class("bc-compare-output")

    def redraw(_: Any = None) -> None:
        result = comparison_table(table, row_pick.value, col_pick.value, sure.value)
        kept = len(table) if not sure.value else int((~table["authorised"].isin(DOUBTFUL_AUTHORISATION)).sum())
        note = (f"<p>{kept} cases. 'not coded' counts cases the data could not code on this variable; "
                "a case with two legal issues is counted under each.</p>")
        caption = f"<p><b>{html.escape(str(result.index.name))}</b></p>"
        out.value = note + caption + result.to_html(classes="bc-compare-table", border=0, index_names=False)

    for w in (row_pick, col_pick, sure):
        w.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([row_pick, col_pick]), sure, out])
    box.add_class("bc-comparison-explorer")
    return box
