"""The students' Python kernel on a hub: IPython's own kernel, without loading the debugger.

ipykernel imports debugpy into every kernel it starts, for JupyterLab's debugger panel: about
7 MiB of each kernel's own memory (USS), in every lesson a student opens. The hub's kernelspec
(hub/jupyter-data/kernels/python3/kernel.json) starts kernels through this module instead, which
makes ``import debugpy`` fail, as it does where debugpy is not installed: ipykernel then runs
without its debugger and tells JupyterLab so (no "debugger" in the kernel's supported features).
Everything else is ipykernel unchanged. Instructors who want the debugger remove the kernelspec.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def block_debugger() -> None:
    """Make later imports of debugpy raise ImportError (a None entry in sys.modules does that)."""
    if "debugpy" in sys.modules and sys.modules["debugpy"] is not None:
        raise RuntimeError("debugpy is already imported: block it before ipykernel starts")
    sys.modules["debugpy"] = None  # type: ignore[assignment]


def main(argv: Sequence[str] | None = None) -> None:
    """Start an IPython kernel (same arguments as ``python -m ipykernel_launcher``) without debugpy."""
    block_debugger()
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=list(argv) if argv is not None else None)


if __name__ == "__main__":
    main()
