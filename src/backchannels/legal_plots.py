"""Figures for lesson 05: a timeline of the Logan Act's history, rendered as a static image with alt text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.display import HTML

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# (year, label, kind) — kind: "origin", "indictment", "invoked" (accused or debated, never charged), "law".
LOGAN_TIMELINE: list[tuple[int, str, str]] = [
    (1798, "George Logan's private mission to France", "origin"),
    (1799, "Act signed by President Adams (30 Jan)", "law"),
    (1803, "Francis Flournoy indicted (1802 or 1803)", "indictment"),
    (1852, "Jonas Levy indicted; case dropped", "indictment"),
    (1975, "State Dept view: Act seems not to bar legislators' duties", "law"),
    (1994, "Fine wording updated: 'fined under this title'", "law"),
    (2007, "Speaker Pelosi in Damascus: accused, not charged", "invoked"),
    (2015, "47 senators' letter to Iran: petition, no charge", "invoked"),
    (2017, "Flynn: Act debated; plea was to lying to the FBI", "invoked"),
    (2018, "Kerry meets Zarif: called 'possibly illegal', no charge", "invoked"),
]
ALT_TEXT = ("Timeline of the Logan Act from 1798 to 2018: Logan's mission (1798), the Act (1799), two indictments "
            "(Flournoy about 1803, Levy 1852) with no conviction, a 1975 State Department view on legislators, a "
            "1994 wording change, and four modern accusations (Pelosi 2007, the senators' letter 2015, Flynn "
            "2017, Kerry 2018), none charged.")
_STYLE = {"origin": ("#555555", "s", "Origin"), "law": ("#1f4e79", "D", "Law and official views"),
          "indictment": ("#8a1c1c", "X", "Indictment (no conviction)"),
          "invoked": ("#c27c0e", "o", "Invoked in politics, never charged")}


def logan_timeline_figure() -> Figure:
    """Draw the Logan Act timeline: one marker and label per event, coloured by kind."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 5.2), dpi=100)
    ax = fig.subplots()
    years = [y for y, _, _ in LOGAN_TIMELINE]
    for index, (year, label, kind) in enumerate(LOGAN_TIMELINE):
        colour, marker, _ = _STYLE[kind]
        level = len(LOGAN_TIMELINE) - index
        ax.plot(year, level, marker=marker, color=colour, markersize=10, linestyle="none")
        side_right = year < 1900
        ax.annotate(f"{year}: {label}", (year, level), xytext=(10 if side_right else -10, 0),
                    textcoords="offset points", va="center", ha="left" if side_right else "right", fontsize=10)
    for kind, (colour, marker, name) in _STYLE.items():
        ax.plot([], [], marker=marker, color=colour, linestyle="none", label=name)
    ax.set_xlim(min(years) - 10, max(years) + 10)
    ax.set_ylim(0, len(LOGAN_TIMELINE) + 1)
    ax.set_yticks([])
    ax.set_xlabel("Year")
    ax.set_title("The Logan Act, 1798–2018: two indictments, no conviction, many accusations")
    ax.legend(loc="lower left", fontsize=9, frameon=True)
    ax.grid(axis="x", alpha=0.3)
    # Fixed margins (what tight_layout finds for these fixed labels) spare a layout pass per render.
    fig.subplots_adjust(left=0.014, right=0.986, top=0.93, bottom=0.112)
    return fig


def show_logan_timeline() -> HTML:
    """Return the Logan Act timeline as an image with alt text."""
    from backchannels.figures import figure_html

    return HTML(f"<figure>{figure_html(logan_timeline_figure(), ALT_TEXT)}<figcaption>{ALT_TEXT}</figcaption></figure>")
