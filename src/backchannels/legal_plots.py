"""Old name of :mod:`backchannels.law.figures`, kept so code written before the move still imports."""

from backchannels.law.figures import *  # noqa: F401,F403
from backchannels.law.figures import load_logan_timeline, logan_timeline_figure, show_logan_timeline  # noqa: F401
