"""The secrecy teaching model of lesson 02: the pure model, its picture and its widgets.

``core`` holds the expected-utility comparison (pure functions), ``diagram`` draws the model as a
decision tree for students who prefer a picture to algebra, and ``widgets`` wires the slider
explorer and the real cases placed on the model. Lessons import what they show from here.
"""

from backchannels.model.core import Scenario, advantage_of_secrecy, break_even_leak, verdict, verdict_text
from backchannels.model.diagram import model_diagram, show_model_diagram
from backchannels.model.widgets import model_explorer, show_case_curve, show_model_cases

__all__ = [
    "Scenario", "advantage_of_secrecy", "break_even_leak", "verdict", "verdict_text",
    "model_diagram", "show_model_diagram", "model_explorer", "show_case_curve", "show_model_cases",
]
