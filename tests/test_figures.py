"""The lesson figures stay light: no pyplot in the kernel, no pixel buffers left behind."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

from backchannels.figures import figure_html, figure_png, figure_svg


def test_the_lesson_figures_never_import_pyplot() -> None:
    # pyplot (and pandas' .plot, which imports it) costs a kernel ~15 MB; issue 11's memory target.
    code = (
        "import sys\n"
        "from backchannels import cases, channels\n"
        "from backchannels.law import figures as legal_plots\n"
        "from backchannels.model import widgets as model_widgets\n"
        "from backchannels.model.core import Scenario\n"
        "from backchannels.data import load_cases\n"
        "c = load_cases()\n"
        "cases.show_timeline(); cases.show_compare(c); cases.show_years_to_public(c)\n"
        "channels.channel_map(); model_widgets.leak_curve(Scenario()); legal_plots.show_logan_timeline()\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _renderers() -> int:
    gc.collect()  # count only live renderers, not ones that earlier tests in this worker dropped
    return sum(isinstance(o, RendererAgg) for o in gc.get_objects())


def test_a_rendered_figure_lets_go_of_its_pixel_buffer() -> None:
    before = _renderers()
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_title("A title")
    png = figure_png(fig)
    assert png.startswith(b"\x89PNG")
    # The figure is still alive, yet no text holds the renderer and its ~1 MB buffer any more.
    assert _renderers() == before
    assert figure_png(fig) == png  # and it can be drawn again, identically


def test_figure_html_needs_alt_text() -> None:
    fig = Figure()
    fig.subplots().plot([0, 1])
    assert 'alt="A line"' in figure_html(fig, "A line")
    with pytest.raises(ValueError, match="alt text"):
        figure_html(fig, "  ")


def test_figure_html_is_svg_whose_words_are_text_and_stable() -> None:
    fig = Figure(figsize=(6, 3))
    fig.subplots().set_title("Secret talks, 1962")
    svg = figure_svg(fig)
    assert b"<svg" in svg and b">Secret talks, 1962</text>" in svg  # text, not glyph outlines
    assert figure_svg(fig) == svg  # no date or random ids: the same figure gives the same bytes
    assert figure_html(fig, "A title").startswith('<img src="data:image/svg+xml;base64,')
