"""The site builder's parts without a browser: settings, launch links, lesson discovery, page preparation."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from backchannels.website import (
    SiteLesson,
    SiteSettings,
    Term,
    find_lessons,
    glossary_page,
    landing_page,
    launch_links,
    link_terms,
    load_glossary,
    prepare_lesson,
    read_settings,
)


def _notebook(path: Path, title: str) -> Path:
    """Write a one-cell lesson notebook."""
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\nText.")]), path)
    return path


def test_settings_come_from_pyproject_and_the_environment_wins(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.backchannels.site]\nrepository = "https://github.com/org/bc"\nbranch = "dev"\n')
    assert read_settings(pyproject, {}) == SiteSettings(repository="https://github.com/org/bc", branch="dev")
    env = {"BACKCHANNELS_SITE_REPOSITORY": "https://gitlab.com/u/x", "BACKCHANNELS_SITE_JUPYTERHUB_URL": "https://hub.uni"}
    settings = read_settings(pyproject, env)
    assert settings.repository == "https://gitlab.com/u/x" and settings.jupyterhub_url == "https://hub.uni"
    assert not read_settings(tmp_path / "missing.toml", {}).live
    with pytest.raises(ValueError, match="must start with https://"):
        read_settings(pyproject, {"BACKCHANNELS_SITE_REPOSITORY": "github.com/org/bc"})


def test_the_module_ships_with_launch_buttons_off() -> None:
    assert not read_settings(environ={}).live


def test_launch_links_are_hidden_until_a_repository_is_set() -> None:
    assert launch_links(SiteSettings(), "notebooks/02_x.ipynb") == []
    links = dict(launch_links(SiteSettings(repository="https://github.com/org/bc.git",
                                           jupyterhub_url="https://hub.uni/"), "notebooks/02_x.ipynb"))
    assert links["Open on the class JupyterHub"] == (
        "https://hub.uni/hub/user-redirect/git-pull?repo=https%3A//github.com/org/bc&branch=main"
        "&targetpath=bc&urlpath=lab/tree/bc/notebooks/02_x.ipynb")
    assert links["Open on Binder"] == ("https://mybinder.org/v2/gh/org/bc/main"
                                       "?urlpath=lab%2Ftree%2Fnotebooks%2F02_x.ipynb")
    other = dict(launch_links(SiteSettings(repository="https://git.uni/x/bc"), "notebooks/a.ipynb"))
    assert other["Open on Binder"].startswith("https://mybinder.org/v2/git/https%3A%2F%2Fgit.uni%2Fx%2Fbc/main?")


def test_lessons_come_from_lessons_csv_and_the_notebooks_folder(tmp_path: Path) -> None:
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _notebook(notebooks / "00_intro.ipynb", "Intro heading")
    _notebook(notebooks / "01_renamed_lesson.ipynb", "Renamed")  # any slug: matched by its number
    _notebook(notebooks / "02_extra.ipynb", "Not yet in the table")
    table = tmp_path / "lessons.csv"
    table.write_text("number,slug,title,minutes,guiding_question\n00,intro,Start,10,Why?\n"
                     "01,old_slug,First lesson,45,What?\n03,gone,Missing,20,Where?\n", encoding="utf-8")
    lessons = find_lessons(notebooks, table)
    assert [(x.number, x.title, x.minutes, x.page) for x in lessons] == [
        ("00", "Start", 10, "00_intro"), ("01", "First lesson", 45, "01_renamed_lesson"),
        ("02", "Not yet in the table", None, "02_extra")]


def test_link_terms_links_first_use_outside_code_links_maths_and_headings() -> None:
    terms = [Term("back channel", "d"), Term("channel", "d"), Term("Logan Act", "d")]
    done: set[str] = set()
    text = ("# A back channel\n\n`back channel` and [back channel](x.md) and $channel$; "
            "then Back channels matter, and the Logan Act.")
    out = link_terms(text, terms, done)
    assert out.startswith("# A back channel\n\n`back channel` and [back channel](x.md) and $channel$; then ")
    assert '<a class="bc-gloss" href="glossary.html#term-back-channel" title="Glossary: back channel">Back channels</a>' in out
    assert 'href="glossary.html#term-logan-act"' in out
    assert "term-channel\"" not in out  # 'channel' alone appears only inside protected spans and the linked term
    again = link_terms("a back channel", terms, done)
    assert again == "a back channel"  # each term links once per lesson


def test_glossary_page_has_an_anchor_per_term_and_cites_sources() -> None:
    terms = load_glossary()
    page = glossary_page(terms)
    for term in terms:
        assert f'<dt id="{term.anchor}">' in page
    assert 'class="bc-cite" href="bibliography.html#ref-' in page


def test_prepare_lesson_makes_stills_folded_answers_and_citations(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nA back channel, as `wanisstjohn2006backchannel` says."),
        nbformat.v4.new_markdown_cell("> **Instructor notes**\n> secret", metadata={"tags": ["instructor"]}),
        nbformat.v4.new_code_cell("case_browser()", outputs=[nbformat.v4.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                                  "text/plain": "VBox(children=(...))"})]),
        nbformat.v4.new_code_cell('show_question("01_q1")'),
        nbformat.v4.new_code_cell('show_score("01")', outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": "<p>score</p>"})]),
    ])
    lesson = SiteLesson("01", "T", 10, "Q?", tmp_path / "01_t.ipynb")
    out, keys = prepare_lesson(nb, lesson, SiteSettings(repository="https://github.com/o/r"), load_glossary())
    sources = [c.source for c in out.cells]
    assert not any("Instructor notes" in s for s in sources)
    assert '(<a class="bc-cite" href="bibliography.html#ref-wanisstjohn2006backchannel">Wanis-St. John 2006</a>)' in sources[0]
    assert 'href="glossary.html#term-back-channel"' in sources[0]
    assert sources[1].startswith('<div class="bc-launch"><span>Run this lesson live:</span><a href="https://mybinder.org/v2/gh/o/r/main')
    tool = out.cells[2].outputs[0]["data"]["text/html"]
    assert "data-tool='case_browser'" in tool and 'href="https://mybinder.org/v2/gh/o/r/main' in tool
    question = out.cells[3].outputs[0]["data"]["text/html"]
    assert "data-question-id=\"01_q1\"" in question and "<details class='bc-answer'><summary>Answer and explanation" in question
    assert "Scores and progress are counted when you run the lesson live" in out.cells[4].outputs[0]["data"]["text/html"]
    assert all("remove-input" in c.metadata["tags"] for c in out.cells if c.cell_type == "code")
    assert keys[0] == "wanisstjohn2006backchannel"
    assert out.cells[-1].source.startswith("## References")


def test_landing_page_maps_every_lesson_with_minutes_and_question(tmp_path: Path) -> None:
    lessons = [SiteLesson("00", "Start", 10, "How?", tmp_path / "00_start.ipynb"),
               SiteLesson("01", "Next", 50, "Why not?", tmp_path / "01_next.ipynb")]
    page = landing_page(lessons, SiteSettings(), None)
    assert '<td>01</td><td><a href="01_next.html">Next</a></td><td>50</td><td>Why not?</td>' in page
    assert "About 1 h 0 min" in page and "(run-it-live)=" in page and "mybinder" not in page
    assert "00_start\n01_next\nglossary\nbibliography" in page


def test_github_pages_workflow_builds_with_make_site_and_publishes_its_folder() -> None:
    import yaml

    root = Path(__file__).resolve().parents[1]
    flow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = flow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any(r.startswith("make site") for r in runs)
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/site"
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "\nhtml: site\n" in makefile and "-m backchannels.website" in makefile


def test_a_lesson_that_fails_stops_the_build_with_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from backchannels.website import main

    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken"),
                                         nbformat.v4.new_code_cell("1 / 0")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "00_start_here.ipynb")
    assert main(["--notebooks", str(notebooks), "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "site: 00_start_here.ipynb did not run to the end: ZeroDivisionError" in err
    assert "Traceback" not in err
