"""Citations for lessons: author-year, one-line references, further-reading lists, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from backchannels.references import (
    UnknownReferenceError,
    cite,
    format_reference,
    further_reading,
    get_reference,
    load_references,
)

DATA = Path(__file__).resolve().parents[1] / "data"

SCHOLARLY_ANCHORS = [
    "fearon1994domestic",
    "stedman1997spoiler",
    "wanisstjohn2006backchannel",
    "wanisstjohn2011book",
    "davidson1981freud",
    "pon2015backchannel",
    "berridge2015mediation",
    "history_shuttle",
]
LEGAL_KEYS = [
    "logan_act_usc",
    "const_art2",
    "const_art3_treason",
    "curtisswright1936",
    "zivotofsky2015",
    "false_statements_usc",
    "fara_usc",
    "usc18_951",
    "boland_crs",
    "vcdr1961",
    "vclt1969",
]


def test_anchors_and_legal_keys_exist() -> None:
    refs = load_references(DATA)
    assert set(SCHOLARLY_ANCHORS + LEGAL_KEYS) <= set(refs)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("fearon1994domestic", "Fearon 1994"),
        ("stedman1997spoiler", "Stedman 1997"),
        ("davidson1981freud", "Davidson and Montville 1981"),
        ("wanisstjohn2011book", "Wanis-St. John 2011"),
        ("wapo2018pompeo", "Harris et al. 2018"),
    ],
)
def test_cite(key: str, expected: str) -> None:
    assert cite(key, DATA) == expected


def test_cite_without_a_year_says_so() -> None:
    assert cite("kempe2011atlantic", DATA) == "Kempe n.d."


def test_format_reference_is_one_line_with_title_and_journal() -> None:
    line = format_reference("fearon1994domestic", DATA)
    assert line.startswith("Fearon, J. D. (1994). Domestic Political Audiences")
    assert "American Political Science Review 88(3), 577\u2013592" in line and "\n" not in line


def test_further_reading_is_a_markdown_list_with_links() -> None:
    text = further_reading(["stedman1997spoiler", "wanisstjohn2011book"], DATA)
    lines = text.splitlines()
    assert len(lines) == 2 and all(line.startswith("- ") for line in lines)
    assert "<https://www.belfercenter.org/publication/spoiler-problems-peace-processes>" in lines[0]


def test_unknown_key_is_a_clear_error() -> None:
    with pytest.raises(UnknownReferenceError) as info:
        cite("fearon1995domestic", DATA)
    message = str(info.value)
    assert (
        "fearon1995domestic" in message
        and "references.bib" in message
        and "fearon1994domestic" in message
    )
    assert isinstance(info.value, ValueError) and isinstance(info.value, KeyError)


def test_online_entries_record_when_they_were_checked() -> None:
    for key, ref in load_references(DATA).items():
        if ref.entry_type == "online":
            assert ref.get("url") and ref.get("urldate"), key


def test_urls_are_kept_verbatim() -> None:
    assert get_reference("wanisstjohn2006backchannel", DATA).get("url") == "https://doi.org/10.1111/j.1571-9979.2006.00091.x"
    assert "--" not in get_reference("fearon1994domestic", DATA).get("pages")


def test_book_year_disagreement_is_recorded() -> None:
    note = get_reference("wanisstjohn2011book", DATA).get("note")
    assert "2010" in note and "2011" in note


def test_latex_accents_and_style_commands_become_plain_text() -> None:
    """Students never see LaTeX: accents become letters, \\emph and escaped symbols disappear."""
    from backchannels.references import _plain

    assert _plain(r"Foreword to \emph{Soviet-American Relations: The D\'etente Years, 1969--1972}") == \
        "Foreword to Soviet-American Relations: The Détente Years, 1969–1972"
    assert _plain(r"{\'O} Dochartaigh") == "Ó Dochartaigh"
    assert _plain(r"Mail \& Guardian") == "Mail & Guardian"
    assert _plain(r"G{\"o}del, \c{c}a, {\O}stergaard") == "Gödel, ça, Østergaard"


def test_no_formatted_reference_shows_latex() -> None:
    for key in load_references(DATA):
        line = format_reference(key, DATA)
        assert "\\" not in line, f"{key}: {line}"
