"""Old name of :mod:`backchannels.law.analyser`, kept so code written before the move still imports."""

from backchannels.law.analyser import *  # noqa: F401,F403
from backchannels.law.analyser import CAVEAT, Analysis, Scenario, analyse, load_scenarios  # noqa: F401
