"""Figures for lesson 06: a timeline of the Logan Act's history, rendered as a static image with alt text."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.display import HTML

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Entry = dict[str, Any]  # one row of the table: entry_id, year, kind, label, sources, notes

TIMELINE_TABLE = "logan_timeline"  # data/logan_timeline.csv: one row per entry, with its sources
# kind -> (colour, marker, legend label); the kinds are the enum of the table's `kind` column.
_STYLE = {"origin": ("#555555", "s", "Origin"), "law": ("#1f4e79", "D", "The Act and its text"),
          "interpretation": ("#5b7f3a", "P", "Official and judicial readings"),
          "indictment": ("#8a1c1c", "X", "Indictment (no conviction)"),
          "invoked": ("#c27c0e", "o", "Invoked in politics, never charged")}
_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def load_logan_timeline(data_dir: Path | str | None = None) -> list[Entry]:
    """Return the rows of data/logan_timeline.csv, checked against its schema, in year order."""
    from backchannels.data import load_records  # rows, not a DataFrame: lesson 06 needs no pandas

    return sorted(load_records(TIMELINE_TABLE, data_dir), key=lambda entry: entry["year"])


def _count(n: int, noun: str) -> str:
    """Return '2 indictments' in words for small numbers ('two indictments')."""
    word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
    return f"{word} {noun}{'' if n == 1 else 's'}"


def _span(timeline: list[Entry]) -> tuple[int, int]:
    """Return the first and last year of the timeline."""
    years = [entry["year"] for entry in timeline]
    return min(years), max(years)


def timeline_title(timeline: list[Entry]) -> str:
    """Return the figure's title, its years and indictment count taken from the data."""
    first, last = _span(timeline)
    indictments = sum(entry["kind"] == "indictment" for entry in timeline)
    return f"The Logan Act, {first}–{last}: {_count(indictments, 'indictment')}, no conviction, many accusations"


def timeline_alt_text(timeline: list[Entry]) -> str:
    """Return alt text that reads every entry of the timeline, in order."""
    first, last = _span(timeline)
    entries = "; ".join(f"{entry['year']}: {entry['label']}" for entry in timeline)
    return (f"Timeline of the Logan Act from {first} to {last}. {entries}. "
            "No indictment led to a conviction and none of the modern accusations led to a charge.")


def logan_timeline_figure(timeline: list[Entry] | None = None) -> Figure:
    """Draw the Logan Act timeline: one marker and label per entry, coloured by kind."""
    from matplotlib.figure import Figure

    timeline = load_logan_timeline() if timeline is None else timeline
    fig = Figure(figsize=(11, 5.2), dpi=100)
    ax = fig.subplots()
    for index, entry in enumerate(timeline):
        year = entry["year"]
        colour, marker, _ = _STYLE[entry["kind"]]
        level = len(timeline) - index
        ax.plot(year, level, marker=marker, color=colour, markersize=10, linestyle="none")
        side_right = year < 1900  # early entries sit at the left edge: label them on the right
        ax.annotate(f"{year}: {entry['label']}", (year, level), xytext=(10 if side_right else -10, 0),
                    textcoords="offset points", va="center", ha="left" if side_right else "right", fontsize=10)
    for colour, marker, name in _STYLE.values():
        ax.plot([], [], marker=marker, color=colour, linestyle="none", label=name)
    first, last = _span(timeline)
    ax.set_xlim(first - 10, last + 10)
    ax.set_ylim(0, len(timeline) + 1)
    ax.set_yticks([])
    ax.set_xlabel("Year")
    ax.set_title(timeline_title(timeline))
    ax.legend(loc="lower left", fontsize=9, frameon=True)
    ax.grid(axis="x", alpha=0.3)
    # Fixed margins (what tight_layout finds for this figure) spare a layout pass per render.
    fig.subplots_adjust(left=0.014, right=0.986, top=0.93, bottom=0.112)
    return fig


def show_logan_timeline(data_dir: Path | str | None = None) -> HTML:
    """Return the Logan Act timeline as an image with alt text and a caption that says where its sources are."""
    from backchannels.figures import figure_html

    timeline = load_logan_timeline(data_dir)
    kinds = Counter(entry["kind"] for entry in timeline)
    caption = (f"{_count(kinds['indictment'], 'indictment')}, none ending in a conviction; "
               f"{_count(kinds['invoked'], 'modern accusation')}, none charged. "
               "The sources of every entry are in data/logan_timeline.csv.")
    caption = caption[0].upper() + caption[1:]
    image = figure_html(logan_timeline_figure(timeline), timeline_alt_text(timeline))
    return HTML(f"<figure>{image}<figcaption>{html.escape(caption)}</figcaption></figure>")
