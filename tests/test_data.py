"""The shipped data tables: valid, linked, sourced, dated consistently, and covering what the lessons need."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from backchannels import data as d
from backchannels.references import load_references

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """Every table, loaded once for this module."""
    return {name: d.load_table(name, DATA) for name in d.TABLES}


@pytest.fixture(scope="module")
def descriptor() -> dict:
    """The parsed datapackage.json."""
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


def test_own_checker_finds_no_problems() -> None:
    assert d.check_all(DATA) == []


def test_frictionless_validates_the_package() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.Package(str(DATA / "datapackage.json")).validate()
    errors = report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, errors


def test_descriptor_describes_every_csv_column(descriptor: dict) -> None:
    for resource in descriptor["resources"]:
        if resource["format"] != "csv":
            continue
        header = (DATA / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        fields = resource["schema"]["fields"]
        assert header == [f["name"] for f in fields], resource["name"]
        assert all(len(f.get("description", "")) > 20 for f in fields), resource["name"]


def test_data_we_wrote_is_cc_by(descriptor: dict) -> None:
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert all(r["licenses"][0]["name"] == "CC-BY-4.0" for r in descriptor["resources"])


def test_recorded_hashes_match_the_files(descriptor: dict) -> None:
    for resource in descriptor["resources"]:
        raw = (DATA / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest(), (
            f"{resource['path']} changed; run `python -m backchannels.data --rehash`"
        )
        assert resource["bytes"] == len(raw)


def test_columns_have_useful_types(tables: dict[str, pd.DataFrame]) -> None:
    cases, events, types = tables["cases"], tables["events"], tables["channel_types"]
    assert str(cases["start_year"].dtype) == "Int64"
    assert isinstance(cases["outcome"].dtype, pd.CategoricalDtype)
    assert list(cases["outcome"].cat.categories) == [
        "agreement",
        "partial",
        "no_agreement",
        "scandal",
    ]
    assert all(isinstance(v, list) for v in cases["parties"])
    assert (
        isinstance(types["secrecy_level"].dtype, pd.CategoricalDtype)
        and types["secrecy_level"].cat.ordered
    )
    assert str(types["officialness"].dtype) == "Float64"
    assert str(types["is_back_channel"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(events["date_start"])
    month = events.set_index("event_id").loc["oslo_initialled_1993"]
    assert (month["date_start"].day, month["date_end"].day) == (1, 31)


def test_foreign_keys_resolve(tables: dict[str, pd.DataFrame]) -> None:
    cases, events = tables["cases"], tables["events"]
    assert set(events["case_id"]) <= set(cases["case_id"])
    assert set(cases["channel_type"]) <= set(tables["channel_types"]["channel_type"])
    terms = set(tables["glossary"]["term"])
    assert all(set(items) <= terms for items in tables["glossary"]["see_also"])
    examples = [c for items in tables["channel_types"]["example_case_ids"] for c in items]
    assert set(examples) <= set(cases["case_id"])


def test_every_case_has_events(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables["cases"]["case_id"]) == set(tables["events"]["case_id"])


def _bib_sourced(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the tables whose sources column holds references.bib keys (others hold URLs)."""
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    bib = {r["name"] for r in descriptor["resources"] if "schema" in r
           for f in r["schema"]["fields"] if f["name"] == "sources" and f.get("x-list", {}).get("bibtexKeys")}
    return {name: frame for name, frame in tables.items() if name in bib}


def test_every_row_is_sourced_from_the_bibliography(tables: dict[str, pd.DataFrame]) -> None:
    keys = set(load_references(DATA))
    assert {"cases", "events", "legal_sources", "glossary"} <= set(_bib_sourced(tables))
    for name, frame in _bib_sourced(tables).items():
        for row_sources in frame["sources"]:
            assert row_sources, f"{name}: a row without sources"
            assert set(row_sources) <= keys, f"{name}: unknown keys {set(row_sources) - keys}"


def test_every_bibliography_entry_is_cited(tables: dict[str, pd.DataFrame]) -> None:
    """An entry is cited by a data row, or by key in a lesson, a question bank, a data file or homework."""
    cited = {k for frame in _bib_sourced(tables).values() for keys in frame["sources"] for k in keys}
    repo = DATA.parent
    texts = [p.read_text(encoding="utf-8") for pattern in
             ("notebooks/*.ipynb", "data/questions/*.yml", "data/*.csv", "exercises/source/**/*.ipynb",
              "src/backchannels/**/*.py")
             for p in repo.glob(pattern)]
    uncited = {key for key in set(load_references(DATA)) - cited
               if not any(key in text for text in texts)}
    assert uncited == set(), "references.bib entries that nothing cites"


def test_case_years_run_forwards(tables: dict[str, pd.DataFrame]) -> None:
    cases = tables["cases"]
    assert (cases["start_year"] <= cases["end_year"]).all()
    public = cases.dropna(subset=["became_public_year"])
    assert (public["became_public_year"] >= public["start_year"]).all()
    assert cases.loc[cases["became_public_year"].isna(), "notes"].str.len().gt(0).all()


def test_events_fall_inside_their_case_or_say_why(tables: dict[str, pd.DataFrame]) -> None:
    spans = tables["cases"].set_index("case_id")[["start_year", "end_year"]]
    events = tables["events"].join(spans, on="case_id")
    outside = events[
        (events["year"] < events["start_year"]) | (events["year"] > events["end_year"])
    ]
    assert len(outside) > 0  # later disclosures exist, so the check below is not vacuous
    assert outside["note"].fillna("").str.len().gt(0).all(), list(outside["event_id"])


def test_date_text_matches_precision(tables: dict[str, pd.DataFrame]) -> None:
    lengths = {"year": 4, "month": 7, "day": 10}
    events = tables["events"]
    assert all(len(date) == lengths[p] for date, p in zip(events["date"], events["date_precision"]))


def test_enough_cases_and_events(tables: dict[str, pd.DataFrame]) -> None:
    assert len(tables["cases"]) >= 12
    assert len(tables["events"]) >= 40


REQUIRED_CASES = {
    "cmc_rfk_dobrynin_1962",
    "cmc_scali_fomin_1962",
    "nixon_kissinger_dobrynin_channel",
    "kissinger_china_pakistan_1971",
    "oslo_channel_1993",
    "beilin_abu_mazen_1995",
    "uk_ira_backchannel",
    "iran_contra_1985",
    "us_iran_oman_channel",
    "us_cuba_secret_talks",
    "kushner_kislyak_channel_2016",
    "flynn_kislyak_calls_2016",
    "reagan_massie_channel",
}


def test_required_cases_present(tables: dict[str, pd.DataFrame]) -> None:
    assert REQUIRED_CASES <= set(tables["cases"]["case_id"])


REQUIRED_CHANNEL_TYPES = {
    "front_channel",
    "direct_secret",
    "via_state_intermediary",
    "via_private_intermediary",
    "via_intelligence_service",
    "track_two",
    "shuttle_diplomacy",
    "mediation",
    "unauthorised_private",
}


def test_channel_types_cover_the_contrasts(tables: dict[str, pd.DataFrame]) -> None:
    types = tables["channel_types"].set_index("channel_type")
    assert REQUIRED_CHANNEL_TYPES <= set(types.index)
    assert types.loc["front_channel", "secrecy"] < types.loc["direct_secret", "secrecy"]
    assert types.loc["track_two", "officialness"] < types.loc["direct_secret", "officialness"]
    assert (
        not types.loc["track_two", "is_back_channel"]
        and types.loc["direct_secret", "is_back_channel"]
    )


REQUIRED_LEGAL = {
    "logan_act",
    "article2_foreign_affairs",
    "treason_clause",
    "curtiss_wright_1936",
    "zivotofsky_2015",
    "false_statements_1001",
    "fara",
    "agents_foreign_governments_951",
    "boland_amendments",
    "vcdr_article41",
    "vclt_articles7_8",
}


def test_required_legal_sources_present(tables: dict[str, pd.DataFrame]) -> None:
    assert REQUIRED_LEGAL <= set(tables["legal_sources"]["source_id"])


def test_statute_texts_say_what_the_lessons_teach(tables: dict[str, pd.DataFrame]) -> None:
    legal = tables["legal_sources"].set_index("source_id")
    logan = legal.loc["logan_act"]
    assert logan["year"] == 1799 and "18 U.S.C. § 953" in logan["citation"]
    assert "without authority of the United States" in logan["key_text"]
    assert "imprisoned not more than three years, or both" in logan["key_text"]
    assert "Flournoy" in logan["summary"] and "Levy" in logan["summary"]
    treason = legal.loc["treason_clause"]["key_text"]
    assert "levying War" in treason and "two Witnesses to the same overt Act" in treason


REQUIRED_TERMS = [
    "back channel",
    "front channel",
    "track-one",
    "track-two",
    "shuttle diplomacy",
    "mediation",
    "facilitation",
    "secret diplomacy",
    "spoiler",
    "audience costs",
    "entry costs",
    "forum shopping",
    "deniability",
    "intermediary",
    "Logan Act",
    "treason",
    "transition (presidential)",
    "P5+1",
    "Joint Plan of Action",
    "JCPOA",
    "Declaration of Principles",
    "détente",
    "SALT",
]


def test_glossary_covers_the_lesson_terms(tables: dict[str, pd.DataFrame]) -> None:
    assert set(REQUIRED_TERMS) <= set(tables["glossary"]["term"])


@pytest.mark.parametrize(
    ("event_id", "date"),
    [
        ("cmc_rfk_dobrynin_meeting_1962", "1962-10-27"),
        ("china_kissinger_beijing_1971", "1971-07-09"),
        ("oslo_signed_1993", "1993-09-13"),
        ("iran_jpoa_2013", "2013-11-24"),
        ("iran_jcpoa_2015", "2015-07-14"),
        ("cuba_announcement_2014", "2014-12-17"),
        ("flynn_sanctions_calls_2016", "2016-12-29"),
        ("logan_act_signed_1799", "1799-01-30"),
    ],
)
def test_key_dates(tables: dict[str, pd.DataFrame], event_id: str, date: str) -> None:
    assert tables["events"].set_index("event_id").loc[event_id, "date"] == date


def test_interim_deal_and_final_deal_are_kept_apart(tables: dict[str, pd.DataFrame]) -> None:
    glossary = tables["glossary"].set_index("term")
    assert "24 November 2013" in glossary.loc["Joint Plan of Action", "definition"]
    assert "14 July 2015" in glossary.loc["JCPOA", "definition"]
    iran = tables["cases"].set_index("case_id").loc["us_iran_oman_channel"]
    assert iran["end_year"] == 2013


def test_disagreements_are_recorded_in_notes(tables: dict[str, pd.DataFrame]) -> None:
    cases = tables["cases"].set_index("case_id")
    assert "28 December" in cases.loc["flynn_kislyak_calls_2016", "notes"]
    assert "19 August" in cases.loc["oslo_channel_1993", "notes"]
    assert "2011" in cases.loc["us_iran_oman_channel", "notes"]
    assert "2010" in load_references(DATA)["wanisstjohn2011book"].get("note")


def test_loaders_return_fresh_copies() -> None:
    first = d.load_cases(DATA)
    first.loc[0, "name"] = "changed"
    assert d.load_cases(DATA).loc[0, "name"] != "changed"


def test_unknown_table_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        d.load_table("treaties", DATA)


def test_default_folder_comes_from_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCHANNELS_DATA", str(DATA))
    assert len(d.load_glossary()) == len(d.load_glossary(DATA))


def test_data_dictionary_lists_every_column() -> None:
    dictionary = d.data_dictionary("events", DATA)
    assert list(dictionary["column"]) == list(pd.read_csv(DATA / "events.csv", nrows=0).columns)
    assert dictionary.set_index("column").loc["sources", "type"] == "list of string"
