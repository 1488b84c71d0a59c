"""Unit tests for backchannels.cases: timeline, summary cards, case browser and comparison helpers."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from backchannels import cases as bc

CASES = pd.DataFrame({
    "case_id": ["early", "alpha", "beta", "gamma"],
    "name": ["An early mission (1798)", "Alpha: a direct channel", "Beta <script> channel", "Gamma channel"],
    "start_year": [1798, 1962, 1985, 2016],
    "end_year": [1798, 1962, 1987, None],
    "parties": ["A;B", "United States;Soviet Union", "C;D", "E;F"],
    "channel_type": ["unauthorised_private", "direct_secret", "via_private_intermediary", "direct_secret"],
    "intermediaries": ["Logan", "Robert F. Kennedy;Anatoly Dobrynin", "", "Someone"],
    "us_administration": ["Adams", "Kennedy", "Reagan", None],
    "outcome": ["partial", "agreement", "scandal", None],
    "became_public_year": [1798, 1969, 1986, None],
    "legal_issue": [["logan_act"], ["none"], ["boland_amendment", "false_statements"], None],
    "source_url": ["https://example.org/a", "https://example.org/b", "https://example.org/c", "https://example.org/d"],
})
EVENTS = pd.DataFrame({
    "case_id": ["alpha", "alpha", "alpha", "beta"],
    "date": ["1962-10-28", "1962-10-27", "1963-04", "1986-11-03"],
    "event": ["Withdrawal announced", "Meeting at the Justice Department", "Missiles dismantled", "Magazine report"],
})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- tidying
def test_as_list_splits_strings_and_drops_empties() -> None:
    assert bc.as_list("a; b;;c ") == ["a", "b", "c"]
    assert bc.as_list(["x", " y "]) == ["x", "y"]
    assert bc.as_list(None) == [] and bc.as_list(float("nan")) == [] and bc.as_list(pd.NA) == []


def test_case_spans_fill_a_missing_end_with_the_start() -> None:
    spans = bc.case_spans(CASES).set_index("case_id")
    assert spans.loc["gamma", "end"] == 2016 and not spans.loc["gamma", "end_known"]
    assert spans.loc["beta", "end"] == 1987 and spans.loc["beta", "end_known"]
    assert pd.isna(spans.loc["gamma", "public"])


def test_events_for_sorts_by_date_and_reads_partial_dates() -> None:
    ev = bc.events_for("alpha", EVENTS)
    assert list(ev["event"]) == ["Meeting at the Justice Department", "Withdrawal announced", "Missiles dismantled"]
    assert list(ev["year"]) == [1962, 1962, 1963]
    assert bc.events_for("gamma", EVENTS).empty


def test_case_years_cover_span_events_and_disclosure() -> None:
    assert bc.case_years("alpha", CASES, EVENTS) == {1962, 1963, 1969}
    assert bc.case_years("beta", CASES, EVENTS) == {1985, 1986, 1987}
    with pytest.raises(ValueError, match="Unknown case_id"):
        bc.case_years("nope", CASES, EVENTS)


def test_case_table_without_case_id_gets_a_clear_error() -> None:
    with pytest.raises(ValueError, match="case_id"):
        bc.case_spans(pd.DataFrame({"name": ["x"]}))


# ---------------------------------------------------------------- timeline
def _row_labels(fig) -> list[str]:
    """Return the case names written on a timeline figure (figure texts, one per row)."""
    return [t.get_text().replace("\n", " ") for t in _names(fig)]


def _names(fig) -> list:
    """Return the text artists of the case names (the title and legend excluded)."""
    return [t for t in fig.texts if (t.get_gid() or "").startswith("bc-case-name-")]


def test_timeline_has_one_full_name_per_case_and_splits_off_early_cases() -> None:
    fig = bc.timeline_figure(CASES, EVENTS)
    assert sorted(_row_labels(fig)) == sorted(CASES["name"]), "every case once, by its full name"
    assert len(fig.axes) == 2, "a case before 1900 gets its own narrow panel"
    assert fig.axes[0].get_xlim()[1] < 1900 < fig.axes[1].get_xlim()[0]
    assert fig._suptitle is not None and fig._suptitle.get_text()


def test_timeline_wraps_long_names_instead_of_cutting_them() -> None:
    long_name = "A very long case name " * 6 + "(with its own bracket at the end)"
    fig = bc.timeline_figure(CASES.assign(name=[long_name, *CASES["name"][1:]]), EVENTS)
    label = next(t.get_text() for t in _names(fig) if t.get_text().startswith("A very"))
    assert label.replace("\n", " ") == long_name.strip() and "\n" in label and "…" not in label


def test_timeline_draws_every_event_and_disclosure() -> None:
    fig = bc.timeline_figure(CASES, EVENTS)
    points = [line for ax in fig.axes for line in ax.get_lines()]
    event_points = sum(len(line.get_xdata()) for line in points if line.get_marker() == "o")
    stars = sum(len(line.get_xdata()) for line in points if line.get_marker() == "*")
    assert event_points == len(EVENTS)
    assert stars == CASES["became_public_year"].notna().sum()


def test_timeline_without_early_cases_has_one_panel() -> None:
    fig = bc.timeline_figure(CASES[CASES["start_year"] > 1900], EVENTS)
    assert len(fig.axes) == 1


def _text_boxes(fig):
    canvas = FigureCanvasAgg(fig)  # the package builds figures without pyplot, so with no canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in _names(fig)], renderer


@pytest.mark.parametrize("layout", sorted(bc.TIMELINE_LAYOUTS))
def test_timeline_names_do_not_overlap_each_other_or_the_bars_and_stay_inside(layout: str) -> None:
    many = pd.concat([CASES.assign(case_id=CASES["case_id"] + str(i), name=CASES["name"] + f" {i}" * 12)
                      for i in range(2)], ignore_index=True)
    fig = bc.timeline_figure(many, EVENTS, layout=layout)
    boxes, renderer = _text_boxes(fig)
    boxes = sorted(boxes, key=lambda b: b.y0)
    for lower, upper in itertools.pairwise(boxes):
        assert lower.y1 <= upper.y0 + 0.5, "row labels overlap"
    width, height = fig.bbox.width, fig.bbox.height
    assert all(b.x0 >= 0 and b.x1 <= width and b.y0 >= 0 and b.y1 <= height for b in boxes), "a name is cut off"
    bars = [p.get_window_extent(renderer) for ax in fig.axes for p in ax.patches]
    assert not any(b.overlaps(bar) for b in boxes for bar in bars), "a name is drawn over a bar"


@pytest.mark.parametrize("layout", sorted(bc.TIMELINE_LAYOUTS))
def test_timeline_type_sizes_follow_the_layout(layout: str) -> None:
    size = bc.TIMELINE_LAYOUTS[layout]
    fig = bc.timeline_figure(CASES, EVENTS, layout=layout)
    assert fig.get_size_inches()[0] == size.width
    assert {t.get_fontsize() for t in _names(fig)} == {size.label}
    assert fig._suptitle.get_fontsize() >= size.label
    ticks = [t for ax in fig.axes for t in ax.get_xticklabels()]
    assert ticks and min(t.get_fontsize() for t in ticks) >= size.tick
    with pytest.raises(ValueError, match="layout must be one of"):
        bc.timeline_figure(CASES, EVENTS, layout="poster")


def test_timeline_parts_keep_time_order_with_at_most_max_rows_each() -> None:
    many = pd.concat([CASES.assign(case_id=CASES["case_id"] + str(i), start_year=CASES["start_year"] + 30 * i,
                                   end_year=CASES["end_year"] + 30 * i) for i in range(5)], ignore_index=True)
    parts = bc.timeline_parts(many, max_rows=6)
    assert len(parts) == 4 and all(1 <= len(p) <= 6 for p in parts)
    ids = [c for p in parts for c in p["case_id"]]
    assert sorted(ids) == sorted(many["case_id"]), "every case in exactly one part"
    starts = [s for p in parts for s in p["start"]]
    assert starts == sorted(starts), "parts follow each other in time"
    assert len(bc.timeline_parts(CASES, max_rows=10)) == 1
    with pytest.raises(ValueError):
        bc.timeline_parts(CASES, max_rows=0)


def test_case_timeline_labels_do_not_overlap() -> None:
    events = pd.DataFrame({"case_id": ["alpha"] * 7, "date": [f"1962-10-{d}" for d in range(20, 27)],
                           "event": [f"A fairly long description of event number {i}" for i in range(7)]})
    fig = bc.case_timeline_figure("alpha", CASES, events)
    canvas = FigureCanvasAgg(fig)  # the package builds figures without pyplot, so with no canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == 7
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "event labels overlap"


def test_show_timeline_gives_one_figure_per_part_each_with_a_phone_drawing_and_alt_text() -> None:
    html = bc.timeline_html(CASES, EVENTS, max_rows=2)
    assert html.startswith('<div class="bc-slide-parts')
    assert html.count('class="bc-slide-part ') == 2
    assert html.count("<picture><source media=\"(max-width: 640px)\" srcset=\"data:image/svg+xml;base64,") == 2
    assert html.count('<img src="data:image/svg+xml;base64,') == 2
    for name in CASES["name"]:
        assert bc.html.escape(name, quote=True) in html
    assert bc.show_timeline(CASES, EVENTS).data.count("bc-slide-part ") == 1, "four cases fit one part"


# ---------------------------------------------------------------- cards
def test_card_data_holds_every_field() -> None:
    card = bc.case_card_data("alpha", CASES, EVENTS)
    assert card["years"] == "1962"
    assert card["parties"] == ["United States", "Soviet Union"]
    assert card["channel_type"] == "Back channel: direct and secret"
    assert card["intermediaries"] == ["Robert F. Kennedy", "Anatoly Dobrynin"]
    assert card["outcome"] == "Agreement" and card["became_public"] == "1969"
    assert card["legal_issue"] == "None identified"
    assert card["sources"] == ["https://example.org/b"]
    assert card["events"][0] == ("1962-10-27", "Meeting at the Justice Department")


def test_card_marks_gaps_as_not_coded() -> None:
    card = bc.case_card_data("gamma", CASES, EVENTS)
    assert card["years"] == "from 2016 (end not coded)"
    assert card["outcome"] == card["became_public"] == card["legal_issue"] == bc.NOT_CODED


def test_html_card_escapes_text_and_links_sources() -> None:
    html = bc.case_card("beta", CASES, EVENTS)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/c"' in html
    assert "Boland Amendment (Iran–Contra); False statements" in html and "1985–1987" in html
    assert 'aria-label="Summary card: Beta &lt;script&gt; channel"' in html


def test_card_shows_summary_people_and_how_it_became_public() -> None:
    table = CASES.assign(summary=["", "They met at night.", "", ""], people=[[], ["RFK", "Dobrynin"], [], []],
                         how_public=["", "A memoir in 1969", "", ""], authorised=["no", "yes", "disputed", None])
    html = bc.case_card("alpha", table, EVENTS)
    assert "They met at night." in html and "RFK, Dobrynin" in html
    assert "1969 (A memoir in 1969)" in html and ">Yes<" in html


def test_markdown_card() -> None:
    text = bc.case_card("alpha", CASES, EVENTS, fmt="markdown")
    assert text.startswith("### Alpha: a direct channel")
    assert "- **Became public:** 1969" in text and "- 1963-04: Missiles dismantled" in text


def test_card_rejects_unknown_case_and_format() -> None:
    with pytest.raises(ValueError, match="Unknown case_id 'nope'"):
        bc.case_card("nope", CASES, EVENTS)
    with pytest.raises(ValueError, match="fmt"):
        bc.case_card("alpha", CASES, EVENTS, fmt="pdf")


def test_card_cites_bib_keys_as_author_year_linked_to_the_address() -> None:
    from backchannels.references import cite, format_reference, load_references

    key = next(k for k, r in load_references().items() if r.get("url"))
    table = CASES.assign(source_keys=["k1", f"{key};not_a_key_1900", "", None])
    card = bc.case_card_data("alpha", table, EVENTS)
    assert card["sources"][:2] == [format_reference(key), "not_a_key_1900"]
    html = bc.case_card("alpha", table, EVENTS)
    assert f">{cite(key)}</a>" in html and f'href="{load_references()[key].get("url")}"' in html
    assert key not in bc.re.sub(r"<[^>]*>", "", html), "the raw key shows on the card"
    assert "not_a_key_1900" in html, "an unknown key still shows, as written"


# ---------------------------------------------------------------- browser
def test_browser_lists_every_case_in_time_order_and_updates_the_card() -> None:
    box = bc.case_browser(CASES, EVENTS)
    _, dropdown, card = box.children
    assert [value for _, value in dropdown.options] == ["early", "alpha", "beta", "gamma"]
    assert dropdown.description == "Case:"
    assert "An early mission" in card.value
    dropdown.value = "beta"
    assert "Beta &lt;script&gt; channel" in card.value and "Magazine report" in card.value
    dropdown.value = "alpha"
    assert "Alpha: a direct channel" in card.value


def test_browser_can_start_on_a_given_case() -> None:
    box = bc.case_browser(CASES, EVENTS, initial="gamma")
    assert box.children[1].value == "gamma" and "Gamma channel" in box.children[2].value


# ---------------------------------------------------------------- analysis
def test_compare_counts_with_totals_and_labels() -> None:
    table = bc.compare(CASES, "channel_type", "outcome")
    assert table.loc["Back channel: direct and secret", "Agreement"] == 1
    assert table.loc["Back channel: direct and secret", bc.NOT_CODED] == 1
    assert table.loc["Total", "Total"] == len(CASES)
    raw = bc.compare(CASES, "channel_type", "outcome", labels=False)
    assert raw.loc["direct_secret", "agreement"] == 1


def test_compare_takes_any_column_and_rejects_unknown_ones() -> None:
    table = bc.compare(CASES, "us_administration", "legal_issue")
    assert table.loc["Reagan", "Boland Amendment (Iran–Contra)"] == 1
    assert table.loc["Reagan", "False statements"] == 1, "a list column counts each issue"
    with pytest.raises(ValueError, match="No column 'colour'"):
        bc.compare(CASES, "colour", "outcome")


def test_count_by() -> None:
    counts = bc.count_by(CASES, "channel_type")
    assert counts.iloc[0] == 2 and counts.index[0] == "Back channel: direct and secret"
    assert counts.sum() == len(CASES)


def test_years_to_public() -> None:
    table = bc.years_to_public(CASES).set_index("case_id")
    assert table.loc["alpha", "years_to_public"] == 7
    assert table.loc["beta", "years_to_public"] == 1
    assert "early" not in table.index, "contrast cases (unauthorised private contacts) are not back channels"
    assert bc.years_to_public(CASES, back_channels_only=False).set_index("case_id").loc["early", "years_to_public"] == 0
    assert pd.isna(table.loc["gamma", "years_to_public"])
    assert list(bc.years_to_public(CASES)["case_id"])[-1] == "gamma", "unknown disclosure sorts last"


def test_legal_issue_cases_skip_none_and_blank() -> None:
    table = bc.legal_issue_cases(CASES)
    assert list(table["case_id"]) == ["early", "beta"]
    assert list(table["legal_issue"]) == ["Logan Act question", "Boland Amendment (Iran–Contra); False statements"]


def test_comparison_figures_have_titles_labels_and_alt_text() -> None:
    fig = bc.compare_figure(bc.compare(CASES))
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() == "Number of cases"
    assert len(ax.get_yticklabels()) == CASES["channel_type"].nunique()
    fig2 = bc.years_to_public_figure(CASES)
    assert fig2.axes[0].get_xlabel().startswith("Years")
    assert len(fig2.axes[0].patches) == 2, "alpha and beta; the 1798 contrast case is left out"
    long = CASES.assign(name=[n + " with a very long name that once was cut at forty-four characters" for n in CASES["name"]])
    labels = [tick.get_text() for tick in bc.years_to_public_figure(long).axes[0].get_yticklabels()]
    assert labels and all(label.replace("\n", " ").endswith("forty-four characters") for label in labels), \
        "whole names, wrapped, never cut"
    assert 'alt="Stacked bar chart' in bc.show_compare(CASES).data
    assert "Alpha: a direct channel: 7" in bc.show_years_to_public(CASES).data


def test_timeline_axis_covers_events_after_the_span() -> None:
    late = pd.concat([EVENTS, pd.DataFrame({"case_id": ["gamma"], "date": ["2020-11-25"], "event": ["Pardon"]})])
    fig = bc.timeline_figure(CASES, late)
    assert fig.axes[-1].get_xlim()[1] > 2020


def test_comparison_explorer_is_driven_by_dropdowns_and_a_checkbox() -> None:
    frame = CASES.assign(front_channel_link=["beside", "instead", None, "prelude"],
                         authorised=["yes", "disputed", "partly", "no"])
    box = bc.comparison_explorer(frame, rows="front_channel_link", columns="outcome")
    (rows, _columns), sure, out = box.children[0].children, box.children[1], box.children[2]
    assert "Beside public talks" in out.value and "not coded" in out.value and "4 cases" in out.value
    rows.value = "authorised"
    assert "Disputed" in out.value
    sure.value = True
    assert "2 cases" in out.value and "Disputed" not in out.value
    with pytest.raises(ValueError, match="Cannot compare by 'people'"):
        bc.comparison_table(frame, rows="people")


def test_short_name_drops_brackets_and_limits_length() -> None:
    assert bc.short_name("Scali–Fomin (Feklisov) contact") == "Scali–Fomin contact"
    assert len(bc.short_name("x" * 100)) == 44
