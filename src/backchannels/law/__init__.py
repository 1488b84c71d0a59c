"""The law of back channels: rules as data, the legality analyser, lesson 06's figures and the analyser widget.

Modules: :mod:`~backchannels.law.rules` (the law tables in ``data/`` and the values the analyser understands),
:mod:`~backchannels.law.analyser` (a verdict per law with reasons and citations), :mod:`~backchannels.law.figures`
(the Logan Act timeline) and :mod:`~backchannels.law.widgets` (the analyser as an ipywidget).
"""

from backchannels.law.analyser import (
    CAVEAT,
    Analysis,
    ElementCheck,
    RuleCheck,
    Scenario,
    ScenarioRow,
    analyse,
    load_scenarios,
)
from backchannels.law.rules import RULE_IDS, VERDICTS, law_tables

__all__ = ["CAVEAT", "RULE_IDS", "VERDICTS", "Analysis", "ElementCheck", "RuleCheck", "Scenario", "ScenarioRow",
           "analyse", "law_tables", "load_scenarios"]
