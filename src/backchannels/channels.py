"""Lesson 01 helpers: the characteristics table and the map of channel types, built from data/."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from backchannels.figures import show_figure
from backchannels.paths import data_dir

CHARACTERISTICS_FILE = "characteristics.csv"
TABLE_COLUMNS = ["definition", "method", "examples", "advantages", "disadvantages", "legality"]
_REQUIRED = ["channel_type", "name", *TABLE_COLUMNS, "official_score", "secrecy_score", "sources"]
MAP_ALT = ("Scatter chart placing nine kinds of diplomatic channel on two axes: from no authority (left) "
           "to acting for the principals (right), and from public (bottom) to secret (top). The four kinds of back channel "
           "(direct, through a third state, through a private go-between, through intelligence services) "
           "cluster top right: authorised and secret. The front channel and shuttle diplomacy sit bottom "
           "right (official, public); mediation official and half-way up; track-two diplomacy and "
           "unauthorised private diplomacy on the left, without authority.")
# Label offsets (points) chosen so that the clustered back-channel labels do not overlap.
_OFFSETS = {"direct_secret": (10, 4), "via_state_intermediary": (10, -12),
            "via_private_intermediary": (-10, -16), "via_intelligence_service": (-10, 6),
            "front_channel": (-10, 8), "shuttle_diplomacy": (-10, 8), "mediation": (-10, 8)}
_LEFT = {"via_private_intermediary", "via_intelligence_service", "front_channel", "shuttle_diplomacy",
         "mediation"}


def load_characteristics() -> pd.DataFrame:
    """Return data/characteristics.csv, checked: required columns, unique ids, scores in [0, 1]."""
    path = data_dir() / CHARACTERISTICS_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name} lacks the column(s) {missing}.")
    if frame["channel_type"].duplicated().any():
        raise ValueError(f"{path.name} repeats a channel_type: "
                         f"{sorted(frame.loc[frame['channel_type'].duplicated(), 'channel_type'])}.")
    for column in ("official_score", "secrecy_score"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.loc[values.isna() | (values < 0) | (values > 1), "channel_type"].tolist()
        if bad:
            raise ValueError(f"{path.name}: {column} must be a number from 0 to 1 (rows {bad}).")
        frame[column] = values.astype(float)
    empty = [(r.channel_type, c) for r in frame.itertuples() for c in _REQUIRED if getattr(r, c) == ""]
    if empty:
        raise ValueError(f"{path.name} has empty cells: {empty}.")
    return frame


def characteristics_table(channel_types: list[str] | None = None) -> pd.DataFrame:
    """Return the characteristics table: one row per aspect, one column per channel type."""
    frame = load_characteristics()
    if channel_types is not None:
        unknown = sorted(set(channel_types) - set(frame["channel_type"]))
        if unknown:
            raise ValueError(f"Unknown channel type(s) {unknown}; choose from "
                             f"{frame['channel_type'].tolist()}.")
        frame = frame.set_index("channel_type").loc[channel_types].reset_index()
    table = frame.set_index("name")[[*TABLE_COLUMNS, "sources"]].T
    table.index = [label.capitalize() for label in table.index]
    table.columns.name = None
    return table


def show_characteristics_table(channel_types: list[str] | None = None) -> None:
    """Display the characteristics table with wrapped, left-aligned text and (Author Year) sources."""
    from IPython.display import HTML, display

    from backchannels.render.citations import cite_keys_html

    table = characteristics_table(channel_types)
    styled = (table.style.set_properties(**{"text-align": "left", "vertical-align": "top",
                                            "white-space": "normal", "min-width": "11em"})
              .format(cite_keys_html, subset=pd.IndexSlice[["Sources"], :])
              .set_caption("Kinds of diplomatic channel compared (sources in the last row)"))
    display(HTML(styled.to_html()))


def channel_map() -> Figure:
    """Return a figure placing each channel type of data/channel_types.csv on official/secret axes."""
    from backchannels.data import load_channel_types

    frame = load_channel_types()
    fig = Figure(figsize=(8.5, 6.0))
    ax = fig.subplots()
    ax.axvline(0.5, color="0.85", lw=1)
    ax.axhline(0.5, color="0.85", lw=1)
    for row in frame.itertuples():
        back = str(row.is_back_channel).lower() == "true"
        x, y = float(row.officialness), float(row.secrecy)
        ax.scatter(x, y, s=200 if back else 110, marker="*" if back else "o",
                   color="#b2182b" if back else "#2166ac", zorder=3)
        ax.annotate(row.label, (x, y), xytext=_OFFSETS.get(row.channel_type, (8, 6)),
                    textcoords="offset points", fontsize=10,
                    ha="right" if row.channel_type in _LEFT else "left",
                    weight="bold" if back else "normal")
    ax.set_xlim(-0.08, 1.1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xticks([0, 0.5, 1], ["no authority", "", "the principals'"])
    ax.set_yticks([0, 0.5, 1], ["public", "", "secret"])
    ax.set_xlabel("Whose authority: none → the principals' (the messenger may be a private person)")
    ax.set_ylabel("Who knows: public → secret")
    ax.set_title("Where back channels (red stars) sit among kinds of diplomacy")
    fig.text(0.01, 0.01, "Positions are the module's teaching coding from data/channel_types.csv, "
             "not measurements.", fontsize=8, color="0.35")
    fig.tight_layout(rect=(0, 0.03, 1, 1))  # leave the bottom strip to the note
    return fig


def show_channel_map() -> None:
    """Display the channel map with alt text."""
    show_figure(channel_map(), MAP_ALT)


def load_risks() -> pd.DataFrame:
    """Return data/risks.csv (lesson 03), checked: required columns, support is sourced/argument."""
    path = data_dir() / "risks.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = ["risk_id", "risk", "claim_id", "support", "what_independent_sources_say", "sources"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name} lacks the column(s) {missing}.")
    bad = frame.loc[~frame["support"].isin(["sourced", "argument"]), "risk_id"].tolist()
    if bad:
        raise ValueError(f"{path.name}: support must be 'sourced' or 'argument' (rows {bad}).")
    return frame


def risks_table() -> pd.DataFrame:
    """Return lesson 03's table of risks: how well each is supported and by whom."""
    frame = load_risks()
    frame = frame.assign(support=frame["support"].map(
        {"sourced": "supported by independent sources", "argument": "critics' argument (reasoned risk)"}))
    return frame.rename(columns={"risk": "Risk", "support": "Status",
                                 "what_independent_sources_say": "What sources say",
                                 "sources": "Sources"})[["Risk", "Status", "What sources say", "Sources"]]


def show_risks_table() -> None:
    """Display the risks table with wrapped text and (Author Year) sources."""
    from IPython.display import HTML, display

    from backchannels.render.citations import cite_keys_html

    styled = (risks_table().style.hide(axis="index").format(cite_keys_html, subset=["Sources"])
              .set_properties(**{"text-align": "left", "vertical-align": "top", "white-space": "normal"}))
    display(HTML(styled.to_html()))
