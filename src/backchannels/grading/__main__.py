"""Command line: ``python -m backchannels.grading {generate,grade,report} ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Command line: generate, grade or report."""
    from backchannels.grading import generate, grade, report
    from backchannels.grading.run import SandboxUnavailable

    parser = argparse.ArgumentParser(prog="python -m backchannels.grading",
                                     description="Generate, grade and report nbgrader homework.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="regenerate the student versions in exercises/release")
    g.add_argument("--release", type=Path, default=None)
    gr = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<assignment>/*.ipynb")
    gr.add_argument("submissions", type=Path)
    gr.add_argument("--jobs", type=int, default=None,
                    help="worker processes (default: one per core, one more for larger classes; "
                         "1 = plain sequential)")
    gr.add_argument("--out", type=Path, default=None, help="default: exercises/")
    gr.add_argument("--no-feedback", action="store_true",
                    help="grades only: skip the feedback pages (faster)")
    gr.add_argument("--unconfined", action="store_true",
                    help="run student code without the sandbox (only inside a throw-away "
                         "container); grades.csv says so")
    sb = sub.add_parser("sandbox", help="say whether student code can be confined here")
    sb.add_argument("--install", action="store_true",
                    help="install bubblewrap first where possible (Debian/Ubuntu as root)")
    r = sub.add_parser("report", help="class report from grades.csv")
    r.add_argument("--graded", type=Path, default=None, help="folder with grades.csv")
    r.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "generate":
        print(generate(release=args.release))
    elif args.command == "grade":
        if not args.submissions.is_dir():
            print(f"No such folder: {args.submissions} (give the folder with one folder per "
                  "student)", file=sys.stderr)
            return 2
        try:
            print(grade(args.submissions, out=args.out, jobs=args.jobs,
                        feedback=not args.no_feedback, unconfined=args.unconfined))
        except SandboxUnavailable as exc:
            print(exc, file=sys.stderr)
            return 3
    elif args.command == "sandbox":
        from backchannels.grading import confine

        if args.install:
            return confine.ensure_sandbox()
        problem = confine.sandbox_problem()
        print("grading sandbox: ready" if problem is None else
              confine.INSTALL_HELP.format(why=problem))
        return 0 if problem is None else 3
    else:
        print(report(graded=args.graded, out=args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
