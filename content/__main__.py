"""python -m content report [--out FILE]: the claims table as a page for sign-off.
python -m content fingerprint NAME...: the fingerprint of a response's current text, for its entry after a review."""
import argparse
import sys
from pathlib import Path

from content import checks, report
from content.table import ROOT, file_fingerprint, load_responses, load_table, source_file, source_lines

DEFAULT_REPORT = ROOT / "results" / "content-report.html"


def write_report(out: Path) -> int:
    table, responses = load_table(), load_responses()
    lines = source_lines(table)
    problems = checks.all_problems(table, responses, lines, file_fingerprint(source_file(table)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.render(table, responses, lines, problems), encoding="utf-8")
    print(f"{out}: {len(responses)} responses, {len(problems)} problem(s)")
    return 0


def print_fingerprints(names) -> int:
    responses = load_responses()
    unknown = [name for name in names if name not in responses]
    for name in names:
        if name in responses:
            print(f"{name}: {responses[name].fingerprint}")
    for name in unknown:
        print(f"{name}: no such response in domain.yml", file=sys.stderr)
    return 1 if unknown else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m content", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("report", help="write the claims table as a self-contained HTML page")
    write.add_argument("--out", type=Path, default=DEFAULT_REPORT, help=f"default: {DEFAULT_REPORT.relative_to(ROOT)}")
    fingerprint = commands.add_parser("fingerprint", help="print responses' fingerprints (after reviewing them)")
    fingerprint.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "report":
        return write_report(args.out)
    return print_fingerprints(args.names)


if __name__ == "__main__":
    sys.exit(main())
