"""Dependency audit of requirements.lock: `make audit`.

1. Runs pip-audit (from its own venv, `--pip-audit PATH`) on the lock, when its vulnerability
   service answers. pip-audit reports a package it could not look up as "skipped" and still
   exits 0, so a run in which every package was skipped is treated as "service not reachable",
   said plainly, and not counted as a clean result.
2. Always checks the lock offline against the committed, triaged advisory list
   (security/advisories.yml, see security/advisories.py).
3. Any pip-audit finding that the list does not have fails the audit, so new advisories
   get triaged there.

Exit codes:
  0  every listed advisory that affects a locked version is triaged, and is not reachable
     here or has a mitigation; pip-audit (if it could run) found nothing unlisted
  1  something needs attention: an affecting advisory not triaged, one reachable with no
     mitigation, or a pip-audit finding missing from the list
  2  input error: unreadable lock or advisory list, pip-audit not found
  3  --require-service was given and pip-audit's service could not be reached

Usage:
  python -m security.audit --pip-audit .venv-audit/bin/pip-audit   # what `make audit` runs
  python -m security.audit                                          # offline check only
  python -m security.audit --markdown                               # the table in docs/operations.md
"""
import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from security.advisories import (
    ADVISORIES,
    LOCK,
    Advisory,
    AdvisoryList,
    InputError,
    affecting,
    canonical,
    load_advisories,
    read_lock,
    render_markdown,
)

OK, ATTENTION, INPUT_ERROR, NO_SERVICE = 0, 1, 2, 3
PIP_AUDIT_OPTIONS = ("--no-deps", "--disable-pip", "--format", "json", "--progress-spinner", "off")


@dataclass(frozen=True)
class Finding:
    """One vulnerability pip-audit reported for one locked package."""
    package: str
    version: str
    id: str
    aliases: Tuple[str, ...]
    fix_versions: Tuple[str, ...]

    @property
    def ids(self) -> set:
        return {self.id, *self.aliases}


@dataclass(frozen=True)
class PipAuditReport:
    findings: Tuple[Finding, ...]
    audited: int
    skipped: Tuple[Tuple[str, str], ...]  # (package, pip-audit's reason)

    @property
    def reached_service(self) -> bool:
        return self.audited > 0


def parse_pip_audit_json(text: str) -> PipAuditReport:
    """pip-audit's `--format json` output: {"dependencies": [...], "fixes": [...]}."""
    try:
        data = json.loads(text)
        dependencies = data["dependencies"]
    except (ValueError, TypeError, KeyError) as error:
        raise InputError(f"not pip-audit JSON output ({error.__class__.__name__}: {error})") from None
    findings: List[Finding] = []
    skipped: List[Tuple[str, str]] = []
    audited = 0
    for dependency in dependencies:
        if "skip_reason" in dependency:
            skipped.append((dependency["name"], dependency["skip_reason"]))
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            findings.append(Finding(
                package=canonical(dependency["name"]), version=dependency["version"], id=vuln["id"],
                aliases=tuple(vuln.get("aliases", ())), fix_versions=tuple(vuln.get("fix_versions", ()))))
    return PipAuditReport(findings=tuple(findings), audited=audited, skipped=tuple(skipped))


def run_pip_audit(executable: str, lock: Path, options: Sequence[str],
                  timeout: float = 600) -> Tuple[Optional[PipAuditReport], str]:
    """(report, "") when pip-audit produced a report, else (None, why it did not)."""
    if not Path(executable).exists():
        raise InputError(f"pip-audit not found at {executable} (make audit installs it into .venv-audit)")
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "pip-audit.json"
        command = [executable, "-r", str(lock), *PIP_AUDIT_OPTIONS, "--output", str(output), *options]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"pip-audit did not finish within {timeout:.0f} s"
        if run.returncode not in (0, 1) or not output.exists():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"pip-audit exited with {run.returncode}: {last}"
        return parse_pip_audit_json(output.read_text()), ""


def unlisted(findings: Sequence[Finding], advisories: Sequence[Advisory]) -> List[Finding]:
    """pip-audit findings that no listed advisory for that package names (by id or alias)."""
    known: Dict[str, set] = {}
    for advisory in advisories:
        known.setdefault(advisory.package, set()).update(advisory.ids)
    return [f for f in findings if not f.ids & known.get(f.package, set())]


def describe(advisory: Advisory, version: str) -> str:
    if not advisory.triaged:
        verdict = "NOT TRIAGED"
    elif advisory.reachable == "yes":
        verdict = "REACHABLE, mitigated" if advisory.mitigation else "REACHABLE, NO MITIGATION"
    else:
        verdict = "not reachable"
    return f"  {verdict:<25} {advisory.package} {version}  {advisory.id} (fixed in {advisory.fixed}): {advisory.summary}"


def audit(advisory_list: AdvisoryList, pins: Dict[str, str], report: Optional[PipAuditReport], out=sys.stdout) -> int:
    """Prints the findings; returns OK or ATTENTION."""
    hits = affecting(advisory_list.advisories, pins)
    attention = [a for a in hits if a.needs_attention]
    print(f"Advisory list (checked {advisory_list.checked}): {len(advisory_list.advisories)} advisories, "
          f"{len(hits)} affect a locked version, {sum(a.reachable == 'yes' for a in hits)} reachable here.", file=out)
    for advisory in sorted(hits, key=lambda a: (not a.needs_attention, a.package, a.id)):
        print(describe(advisory, pins[advisory.package]), file=out)
    missing = unlisted(report.findings, advisory_list.advisories) if report else []
    if missing:
        print(f"pip-audit found {len(missing)} advisories that security/advisories.yml does not list "
              "(add and triage each):", file=out)
        for finding in missing:
            fixed = ", ".join(finding.fix_versions) or "no fix yet"
            print(f"  {finding.package} {finding.version}  {' / '.join([finding.id, *finding.aliases])} (fixed in {fixed})",
                  file=out)
    if attention or missing:
        print(f"FAILED: {len(attention)} listed advisories need attention (not triaged, or reachable with no "
              f"mitigation), {len(missing)} pip-audit findings not listed.", file=out)
        return ATTENTION
    print("OK: every advisory that affects the lock is triaged, and none is reachable without a mitigation.", file=out)
    return OK


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--advisories", type=Path, default=ADVISORIES)
    parser.add_argument("--pip-audit", metavar="PATH", help="run this pip-audit on the lock first")
    parser.add_argument("--pip-audit-option", action="append", default=[], metavar="OPTION",
                        help="extra pip-audit option, e.g. --pip-audit-option=--vulnerability-service=osv")
    parser.add_argument("--pip-audit-json", type=Path, metavar="FILE", help="use this pip-audit JSON output instead")
    parser.add_argument("--require-service", action="store_true",
                        help="exit 3 when pip-audit cannot reach its vulnerability service")
    parser.add_argument("--markdown", action="store_true", help="print the table of docs/operations.md and exit")
    args = parser.parse_args(argv)
    try:
        pins = read_lock(args.lock.read_text())
        advisory_list = load_advisories(args.advisories.read_text())
        if args.markdown:
            print(render_markdown(advisory_list, pins), end="")
            return OK
        print(f"Dependency audit of {args.lock.name}: {len(pins)} pinned packages.")
        report, why_not = None, "not run (offline check only)"
        if args.pip_audit_json:
            report = parse_pip_audit_json(args.pip_audit_json.read_text())
        elif args.pip_audit:
            report, why_not = run_pip_audit(args.pip_audit, args.lock, args.pip_audit_option)
    except (InputError, OSError) as error:
        print(f"audit: {error}", file=sys.stderr)
        return INPUT_ERROR
    if report is not None and not report.reached_service:
        example = report.skipped[0][1] if report.skipped else "no package was audited"
        why_not = f"could not reach its vulnerability service: all {len(report.skipped)} packages skipped ({example})"
        report = None
    if report is None:
        print(f"pip-audit: {why_not}.")
        print(f"Falling back to the committed advisory list alone: advisories published after "
              f"{advisory_list.checked} are NOT checked.")
    else:
        print(f"pip-audit: {report.audited} packages audited, {len(report.findings)} vulnerabilities reported, "
              f"{len(report.skipped)} packages skipped.")
        for name, reason in report.skipped:
            print(f"  skipped {name}: {reason}")
    result = audit(advisory_list, pins, report)
    if report is None and args.require_service:
        print("pip-audit's service is required (--require-service) and was not reached.")
        return NO_SERVICE
    return result


if __name__ == "__main__":
    sys.exit(main())
