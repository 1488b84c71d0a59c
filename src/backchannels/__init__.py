"""Back Channels: helper package for the teaching module on back-channel diplomacy.

Submodules are imported on demand so that a lesson pays only for what it uses.
"""

__version__ = "0.1.0"
