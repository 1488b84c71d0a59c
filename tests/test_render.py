"""Static renderings shared by the website and the exports: MathJax, tools, citations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backchannels.references import UnknownReferenceError, load_references
from backchannels.render import (
    TOOLS,
    bibliography_html,
    cite_html,
    cited_keys,
    copy_mathjax,
    entry_html,
    link_citations,
    mathjax_files,
    mathjax_licence,
    mathjax_script,
    static_tool_html,
    tool_for_source,
    widget_html,
)
from backchannels.render.citations import anchor, entry_text, link_author_year

ROOT = Path(__file__).resolve().parents[1]
BIB = """
@report{acme2001report,
  author = {{Acme Institute}},
  title = {A Report on Things},
  institution = {Acme Institute},
  type = {Working paper},
  year = {2001},
  url = {https://example.org/report},
  urldate = {2026-01-02}
}
@online{paper2020site,
  author = {Paper, Daily},
  title = {A Page},
  organization = {Daily Paper Online},
  date = {2020-05-06},
  url = {https://example.org/page}
}
@article{smith1999art,
  author = {Smith, John and Jones, Ann},
  title = {On Articles},
  journal = {Journal of Tests},
  volume = {3},
  number = {2},
  pages = {1--20},
  year = {1999}
}
"""


@pytest.fixture()
def bib_dir(tmp_path: Path) -> Path:
    """A folder with a small references.bib holding a @report, an @online and an @article."""
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------- MathJax
def test_mathjax_is_vendored_with_licence_and_fonts() -> None:
    script = mathjax_script()
    assert script.name == "tex-chtml.js" and script.stat().st_size > 500_000
    assert "Apache License" in mathjax_licence().read_text(encoding="utf-8")
    names = {p.name for p in mathjax_files()}
    assert "MathJax_Main-Regular.woff" in names  # the HTML output's main font, loaded relative to the script
    # The script asks for nothing on a CDN: fonts and extensions come from its own folder.
    assert "cdn.jsdelivr" not in script.read_text(encoding="utf-8")[:5000]


def test_copy_mathjax_keeps_the_relative_layout(tmp_path: Path) -> None:
    copied = copy_mathjax(tmp_path)
    assert copied == tmp_path / "mathjax" / "tex-chtml.js" and copied.is_file()
    assert (tmp_path / "mathjax" / "LICENSE").is_file()
    assert (tmp_path / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").is_file()
    assert (tmp_path / "mathjax" / "input" / "tex" / "extensions" / "boldsymbol.js").is_file()


# ---------------------------------------------------------------- citations
def test_report_and_online_entries_are_formatted(bib_dir: Path) -> None:
    report = entry_html("acme2001report", bib_dir)
    assert "Acme Institute</span> (2001)" in report and "<cite>A Report on Things</cite>" in report
    assert "Working paper" in report and 'href="https://example.org/report"' in report
    assert "checked 2026-01-02" in report
    online = entry_html("paper2020site", bib_dir)
    assert "Paper, D.</span> (2020)" in online and "“A Page”" in online and "Daily Paper Online" in online
    article = entry_text("smith1999art", bib_dir)
    assert article == "Smith, J. and Jones, A. (1999). On Articles. Journal of Tests 3(2), pp. 1–20."


def test_cite_html_links_author_year_to_the_anchor(bib_dir: Path) -> None:
    html = cite_html(["smith1999art", "acme2001report"], "bib.html", directory=bib_dir)
    assert html == ('(<a class="bc-cite" href="bib.html#ref-smith1999art">Smith and Jones 1999</a>; '
                    '<a class="bc-cite" href="bib.html#ref-acme2001report">Acme Institute 2001</a>)')
    with pytest.raises(UnknownReferenceError, match="smith1999ar"):
        cite_html("smith1999ar", directory=bib_dir)


def test_bibliography_is_sorted_with_anchors(bib_dir: Path) -> None:
    html = bibliography_html(directory=bib_dir)
    ids = re.findall(r'<li id="([^"]+)"', html)
    assert ids == ["ref-acme2001report", "ref-paper2020site", "ref-smith1999art"]


def test_link_citations_replaces_keys_in_text_code_and_lists_but_not_links(bib_dir: Path) -> None:
    source = ('<p>See <code class="x"><span class="pre">smith1999art</span></code>; sources '
              'smith1999art;paper2020site. <a href="https://example.org/smith1999art">smith1999art</a> '
              '<img alt="smith1999art"></p>')
    out = link_citations(source, directory=bib_dir)
    assert out.count('href="bibliography.html#ref-smith1999art"') == 2
    assert out.count('href="bibliography.html#ref-paper2020site"') == 1
    assert '<a href="https://example.org/smith1999art">smith1999art</a>' in out
    assert '<img alt="smith1999art">' in out
    assert cited_keys("`paper2020site` and smith1999art, smith1999artx", bib_dir) == ["paper2020site", "smith1999art"]


def test_link_author_year_links_only_unambiguous_citations(bib_dir: Path) -> None:
    text = "As shown (Smith and Jones 1999; Acme Institute, 2001) but not (Smith 1999) nor (see 1999)."
    out = link_author_year(text, directory=bib_dir)
    assert '<a class="bc-cite" href="bibliography.html#ref-smith1999art">Smith and Jones 1999</a>' in out
    assert '#ref-acme2001report">Acme Institute, 2001</a>' in out
    assert "(Smith 1999)" in out and "(see 1999)" in out


def test_every_module_reference_formats_and_no_key_is_left_in_its_entry() -> None:
    refs = load_references()
    html = bibliography_html()
    assert html.count('<li id="ref-') == len(refs)
    for key, ref in refs.items():
        if ref.entry_type in {"report", "online"}:
            assert f'id="{anchor(key)}"' in html
    assert "{" not in re.sub(r"<[^>]+>", "", html)


# ---------------------------------------------------------------- tools
def _lesson_calls() -> set[str]:
    """Return every tool the lesson notebooks build (by the call in a code cell)."""
    found = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                tool = tool_for_source("".join(cell["source"]))
                if tool is not None:
                    found.add(tool.call)
    return found


def test_the_lessons_tools_are_all_known() -> None:
    calls = _lesson_calls()
    assert {"model_explorer", "case_browser", "show_legality_analyser"} <= calls
    assert calls <= set(TOOLS)


def test_tool_for_source_recognises_only_a_bare_final_call() -> None:
    assert tool_for_source("model_explorer()").call == "model_explorer"
    assert tool_for_source("# try it\nx = 1\nbox = case_browser()\n").call == "case_browser"
    assert tool_for_source("model_explorer(value=3)") is None
    assert tool_for_source("show_question('02_q1')") is None
    assert tool_for_source("") is None


def test_model_explorer_still_shows_default_values_verdict_and_chart() -> None:
    from backchannels.model_widgets import model_explorer

    box = model_explorer()
    html = static_tool_html("model_explorer", "https://hub.example/lesson02", "Open lesson 02 live")
    for slider in box.sliders.values():
        assert f"<th scope='row'>{slider.description}</th><td>{slider.value:.2f}</td>" in html
    assert "Verdict:" in html and 'src="data:image/svg+xml;base64,' in html and 'alt="Line chart.' in html
    assert '<a class="bc-live-link" href="https://hub.example/lesson02">Open lesson 02 live</a>' in html
    assert "<button" not in html and "Still picture of the model explorer" in html


def test_case_browser_still_shows_the_first_card_and_every_choice() -> None:
    from backchannels.cases import case_card, case_options

    options = case_options()
    html = static_tool_html("case_browser")
    assert case_card(options[0][1]) in html
    assert f"one of {len(options)} choices" in html
    assert "make lab" in html  # with no address given, the live line names the ways to run it


def test_legality_analyser_still_shows_the_default_analysis() -> None:
    from backchannels.render.tools import TOOLS as tools

    analyser = tools["show_legality_analyser"].build()
    html = static_tool_html("show_legality_analyser")
    assert analyser.result.value in html
    assert "Conclusion:" in html and "Who acts" in html


def test_widget_html_writes_controls_and_skips_buttons() -> None:
    import ipywidgets as w

    box = w.VBox([w.HTML("<p>hello</p>"), w.Checkbox(value=True, description="Tick"),
                  w.Button(description="Press"), w.HBox([w.IntSlider(value=3, min=1, max=9, description="n")])])
    html = widget_html(box)
    assert html.startswith("<div class='bc-static-part'><p>hello</p></div><table")
    assert "<th scope='row'>Tick</th><td>yes</td>" in html and "<th scope='row'>n</th><td>3</td>" in html
    assert "Press" not in html


def test_unknown_tool_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown tool 'slider'; known tools: model_explorer"):
        static_tool_html("slider")


def test_with_tool_stills_replaces_only_tool_cells() -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("case_browser()", outputs=[nbformat.v4.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"}})]),
        nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "2"}, execution_count=1)]),
    ])
    from backchannels.render.tools import with_tool_stills

    out = with_tool_stills(nb, "https://hub.example/x", "Open it live")
    assert out.cells[1].outputs[0]["data"]["text/html"].startswith("<figure class='bc-static-tool' data-tool='case_browser'>")
    assert out.cells[2].outputs == nb.cells[2].outputs and nb.cells[1].outputs[0]["data"] != out.cells[1].outputs[0]["data"]
    nbformat.validate(out)
