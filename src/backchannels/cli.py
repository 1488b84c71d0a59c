"""Command-line entry point: ``backchannels check`` validates a lecturer's data and question banks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _check(args: argparse.Namespace) -> int:
    """Validate every data table and question bank; print each problem and return an exit code."""
    from backchannels.data import check_all as check_data
    from backchannels.law.analyser import check_law_data
    from backchannels.quiz.bank import check_report

    problems: list[str] = []
    problems += check_data(Path(args.data) if args.data else None)
    problems += check_law_data(Path(args.data) if args.data else None) if not problems else []
    report = check_report([Path(p) for p in args.banks] if args.banks else None)
    problems += report.problems
    if report.banks:
        print("Assessed questions by cognitive level (written answers are self-marked):")
        print(report.level_table)
        print("\nItem-writing figures:")
        for name, value in (report.figures or {}).items():
            print(f"  {name}: {value}")
        print(f"\nLint opt-outs ({len(report.opt_outs or [])}):")
        for line in report.opt_outs or []:
            print(f"  {line}")
        print()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("All data tables and question banks are valid.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="backchannels", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate data tables and question banks")
    check.add_argument("--data", help="a data folder other than the module's own")
    check.add_argument("banks", nargs="*", help="question bank files (default: all of data/questions)")
    check.set_defaults(func=_check)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
