"""Static renderings for pages with no kernel: maths renderer, tools in their default state, citations.

Shared by the course website (``backchannels.site``) and the offline exports (``backchannels.export``):

- :mod:`backchannels.render.mathjax`: the vendored MathJax and where its files are;
- :mod:`backchannels.render.tools`: the interactive tools (model explorer, case browser, legality
  analyser) as static HTML of their default state, with a line saying where they run live;
- :mod:`backchannels.render.citations`: (Author Year) citations and bibliography entries from
  ``data/references.bib``, biblatex ``@report`` and ``@online`` included.
"""

from __future__ import annotations

from backchannels.render.citations import (
    bibliography_html,
    cite_html,
    cited_keys,
    entry_html,
    link_citations,
)
from backchannels.render.mathjax import copy_mathjax, mathjax_files, mathjax_licence, mathjax_script
from backchannels.render.tools import TOOLS, static_tool_html, tool_for_source, widget_html

__all__ = [
    "TOOLS",
    "bibliography_html",
    "cite_html",
    "cited_keys",
    "copy_mathjax",
    "entry_html",
    "link_citations",
    "mathjax_files",
    "mathjax_licence",
    "mathjax_script",
    "static_tool_html",
    "tool_for_source",
    "widget_html",
]
