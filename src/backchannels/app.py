"""Run the lessons as a clean self-study app (Voila: no code cells) or as a live lecture deck.

``python -m backchannels.app`` serves every lesson on http://127.0.0.1:8866/ with Voila and the
module's own offline template (icons, scripts and styles ship with the package; instructor notes
hidden), starting from a course page (lesson titles, minutes, guiding questions, progress).
``--slides`` serves the lessons as reveal.js slides whose exercises are live widgets, on
http://127.0.0.1:8867/, so the app and the lecture run side by side.

The command becomes the Voila server (``os.execve``, no child process): stopping it by Ctrl+C or
by its process id stops the server and frees the port.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from backchannels.paths import notebooks_dir

JUPYTER_DIR = Path(__file__).resolve().parent / "_jupyter"
APP_TEMPLATE = "backchannels"
SLIDES_TEMPLATE = "backchannels-reveal"
DEFAULT_PORT = 8866
LECTURE_PORT = 8867
CONFIG_DIR = JUPYTER_DIR / "voila" / "config"  # voila.py: the start page's data hook


def voila_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Return an environment in which Voila finds the module's templates and configuration."""
    env = dict(os.environ if base is None else base)
    for name, folder in (("JUPYTER_PATH", JUPYTER_DIR), ("JUPYTER_CONFIG_PATH", CONFIG_DIR)):
        paths = [str(folder)] + [p for p in env.get(name, "").split(os.pathsep) if p]
        env[name] = os.pathsep.join(dict.fromkeys(paths))
    return env


def voila_command(folder: Path, port: int = DEFAULT_PORT, slides: bool = False,
                  open_browser: bool = False) -> list[str]:
    """Return the command that serves the lesson folder with Voila on 127.0.0.1."""
    command = [
        sys.executable, "-m", "voila", str(folder),
        f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
        f"--template={SLIDES_TEMPLATE if slides else APP_TEMPLATE}", "--theme=light",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|jpeg|gif|svg|csv)']",
        # The course start page (classic tree template of ours) and its lesson data.
        "--VoilaConfiguration.classic_tree=True",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m backchannels.app [--slides] [--port N] [--browser] [FOLDER]."""
    parser = argparse.ArgumentParser(prog="python -m backchannels.app", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=None,
                        help="folder of lessons (default: the checkout's notebooks/)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port (default {DEFAULT_PORT} for the app, {LECTURE_PORT} for --slides)")
    parser.add_argument("--slides", action="store_true", help="live reveal.js slides (lecture)")
    parser.add_argument("--browser", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    folder = args.folder or notebooks_dir() or Path("notebooks")
    if not Path(folder).is_dir():
        print(f"No lesson folder at {folder}.", file=sys.stderr)
        return 1
    port = args.port or (LECTURE_PORT if args.slides else DEFAULT_PORT)
    url = f"http://127.0.0.1:{port}/"
    print(f"Back Channels {'lecture slides' if args.slides else 'app'}: open {url} (Ctrl+C stops it)",
          file=sys.stderr)
    command = voila_command(Path(folder), port, args.slides, args.browser)
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server: no child left holding the port when this process is stopped.
    os.execve(command[0], command, voila_env())
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
