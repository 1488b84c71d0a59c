"""Run the lessons as a clean self-study app (Voila: no code cells) or as a live lecture deck.

``python -m backchannels.app`` serves every lesson on http://127.0.0.1:8866/ with Voila and the
module's own offline template (icons, scripts and styles ship with the package; instructor notes
hidden). ``--slides`` shows the lessons as reveal.js slides whose exercises are live widgets.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from backchannels.paths import notebooks_dir

JUPYTER_DIR = Path(__file__).resolve().parent / "_jupyter"
APP_TEMPLATE = "backchannels"
SLIDES_TEMPLATE = "backchannels-reveal"
DEFAULT_PORT = 8866


def voila_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return an environment in which Voila finds the module's templates (JUPYTER_PATH)."""
    env = dict(os.environ if base is None else base)
    paths = [str(JUPYTER_DIR)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def voila_command(folder: Path, port: int = DEFAULT_PORT, slides: bool = False,
                  open_browser: bool = False) -> list[str]:
    """Return the command that serves the lesson folder with Voila on 127.0.0.1."""
    command = [
        sys.executable, "-m", "voila", str(folder),
        f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
        f"--template={SLIDES_TEMPLATE if slides else APP_TEMPLATE}", "--theme=light",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|jpeg|gif|svg|csv)']",
    ]
    if slides:
        command.append("--VoilaConfiguration.resources={'reveal': {'scroll': True}}")
    if not open_browser:
        command.append("--no-browser")
    return command


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m backchannels.app [--slides] [--port N] [--browser] [FOLDER]."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.app", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=None,
                        help="folder of lessons (default: the checkout's notebooks/)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--slides", action="store_true", help="live reveal.js slides (lecture)")
    parser.add_argument("--browser", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    folder = args.folder or notebooks_dir() or Path("notebooks")
    if not Path(folder).is_dir():
        print(f"No lesson folder at {folder}.", file=sys.stderr)
        return 1
    url = f"http://127.0.0.1:{args.port}/"
    print(f"Back Channels {'slides' if args.slides else 'app'}: open {url} (Ctrl+C stops it)",
          file=sys.stderr)
    try:
        return subprocess.call(voila_command(Path(folder), args.port, args.slides, args.browser),
                               env=voila_env())
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
