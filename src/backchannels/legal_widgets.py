"""Old name of :mod:`backchannels.law.widgets`, kept so code written before the move still imports."""

from backchannels.law.widgets import LegalityAnalyser, analysis_html, show_legality_analyser  # noqa: F401
