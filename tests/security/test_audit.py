"""security/audit.py and security/advisories.py: the dependency audit of requirements.lock.

tests/data/pip_audit_osv_findings.json is real pip-audit 2.10.1 output (`-f json`, run on a
three-package lock against a fake OSV service on loopback that answered two real advisories);
tests/data/pip_audit_service_unreachable.json is its real output here, where its default
service (PyPI's JSON API) answers 404 for every package and pip-audit still exits 0.
"""
import io
import re
import subprocess
import sys

import pytest

from security import advisories, audit
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
LOCK = "aiohttp==3.9.5\npython-socketio==5.9.0\nsanic==21.12.2\n"


def advisory_yaml(reachable='"no"', mitigation='""', affected='["<3.10.11"]', package="aiohttp", extra=""):
    return f"""
checked: 2026-11-27
advisories:
  - id: GHSA-8495-4g3g-x7pr
    aliases: [CVE-2024-52304]
    package: {package}
    affected: {affected}
    fixed: "3.10.11"
    summary: Request smuggling
    reachable: {reachable}
    why: No aiohttp server runs here.
    mitigation: {mitigation}
{extra}"""


def run_audit(advisory_text, lock_text=LOCK, report=None):
    out = io.StringIO()
    code = audit.audit(advisories.load_advisories(advisory_text), advisories.read_lock(lock_text), report, out=out)
    return code, out.getvalue()


@pytest.mark.parametrize("affected, version, hit", [
    ('["<3.10.11"]', "3.9.5", True),
    ('["<3.10.11"]', "3.10.11", False),
    ('["<3.10.11"]', "3.13.0", False),
    ('["<1.10.13", ">=2.0.0,<2.4.0"]', "1.10.9", True),
    ('["<1.10.13", ">=2.0.0,<2.4.0"]', "2.3.0", True),
    ('["<1.10.13", ">=2.0.0,<2.4.0"]', "1.10.13", False),
    ('["<1.10.13", ">=2.0.0,<2.4.0"]', "2.4.0", False),
    ('[">=3.10.0b1,<3.10.2"]', "3.9.5", False),
])
def test_an_advisory_affects_only_versions_in_its_ranges(affected, version, hit):
    listed = advisories.load_advisories(advisory_yaml(affected=affected)).advisories
    assert advisories.affecting(listed, advisories.read_lock(f"aiohttp=={version}\n")) == (list(listed) if hit else [])


def test_lock_names_match_the_list_whatever_their_spelling():
    pins = advisories.read_lock("# comment\n\nJinja2==3.1.6\nruamel.yaml==0.17.21\nPython_SocketIO==5.9.0\n")
    assert pins == {"jinja2": "3.1.6", "ruamel-yaml": "0.17.21", "python-socketio": "5.9.0"}
    listed = advisories.load_advisories(advisory_yaml(package="python_socketio", affected='["<5.16.2"]')).advisories
    assert advisories.affecting(listed, pins) == list(listed)


@pytest.mark.parametrize("line", ["aiohttp>=3.9", "aiohttp", "aiohttp==not-a-version"])
def test_a_lock_line_that_is_not_pinned_is_an_input_error(line):
    with pytest.raises(advisories.InputError, match="line 1"):
        advisories.read_lock(line + "\n")


def test_triaged_and_not_reachable_passes():
    code, out = run_audit(advisory_yaml())
    assert code == audit.OK
    assert "not reachable" in out and "aiohttp 3.9.5  GHSA-8495-4g3g-x7pr" in out


@pytest.mark.parametrize("reachable", ["", "unknown", "maybe"])
def test_an_affecting_advisory_without_a_verdict_fails(reachable):
    code, out = run_audit(advisory_yaml(reachable=f'"{reachable}"'))
    assert code == audit.ATTENTION
    assert "NOT TRIAGED" in out and "FAILED: 1 listed advisories need attention" in out


def test_reachable_without_mitigation_fails_and_with_one_passes():
    assert run_audit(advisory_yaml(reachable='"yes"'))[0] == audit.ATTENTION
    code, out = run_audit(advisory_yaml(reachable='"yes"', mitigation="nginx drops chunk extensions"))
    assert code == audit.OK and "REACHABLE, mitigated" in out


def test_an_untriaged_advisory_that_does_not_affect_the_lock_passes():
    assert run_audit(advisory_yaml(reachable='""'), lock_text="aiohttp==3.13.4\n")[0] == audit.OK


@pytest.mark.parametrize("text, message", [
    ("advisories: {}", "needs an 'advisories:' list"),
    ("advisories:\n  - id: X\n    package: a\n", "missing affected, fixed, summary"),
    (advisory_yaml(affected='["<<3"]'), "affected range"),
    (advisory_yaml(extra=advisory_yaml().split("advisories:\n")[1]), "listed twice"),
])
def test_a_malformed_advisory_list_is_an_input_error(text, message):
    with pytest.raises(advisories.InputError, match=message):
        advisories.load_advisories(text)


def test_pip_audit_json_findings_are_read_with_their_aliases():
    report = audit.parse_pip_audit_json((DATA / "pip_audit_osv_findings.json").read_text())
    assert report.reached_service and report.audited == 3 and report.skipped == ()
    assert {(f.package, f.version, f.id, f.fix_versions) for f in report.findings} == {
        ("aiohttp", "3.9.5", "CVE-2024-52304", ("3.10.11",)),
        ("python-socketio", "5.9.0", "PYSEC-2026-3042", ("5.16.2",)),
    }
    assert "GHSA-5w7q-77mv-v69f" in next(f for f in report.findings if f.package == "python-socketio").aliases


def test_a_pip_audit_run_that_skipped_every_package_did_not_reach_its_service():
    report = audit.parse_pip_audit_json((DATA / "pip_audit_service_unreachable.json").read_text())
    assert not report.reached_service and len(report.skipped) == 3 and report.findings == ()


def test_a_pip_audit_finding_missing_from_the_list_fails():
    report = audit.parse_pip_audit_json((DATA / "pip_audit_osv_findings.json").read_text())
    code, out = run_audit(advisory_yaml(), report=report)
    assert code == audit.ATTENTION
    assert "pip-audit found 1 advisories that security/advisories.yml does not list" in out
    assert "python-socketio 5.9.0  PYSEC-2026-3042 / GHSA-5w7q-77mv-v69f / CVE-2026-48804 (fixed in 5.16.2)" in out


def test_pip_audit_findings_listed_under_an_alias_pass():
    report = audit.parse_pip_audit_json((DATA / "pip_audit_osv_findings.json").read_text())
    socketio = """
  - id: GHSA-5w7q-77mv-v69f
    package: python-socketio
    affected: ["<5.16.2"]
    fixed: "5.16.2"
    summary: Binary messages pile up
    reachable: "yes"
    why: The endpoint is public.
    mitigation: binary packets refused"""
    assert run_audit(advisory_yaml(extra=socketio), report=report)[0] == audit.OK


def test_not_pip_audit_output_is_an_input_error():
    with pytest.raises(advisories.InputError):
        audit.parse_pip_audit_json('{"results": []}')


def run_script(*args):
    return subprocess.run([sys.executable, "-m", "security.audit", *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_command_falls_back_to_the_list_when_pip_audit_reached_no_service(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text(LOCK)
    listed = tmp_path / "advisories.yml"
    listed.write_text(advisory_yaml())
    run = run_script("--lock", str(lock), "--advisories", str(listed),
                     "--pip-audit-json", str(DATA / "pip_audit_service_unreachable.json"))
    assert run.returncode == audit.OK, run.stdout + run.stderr
    assert "could not reach its vulnerability service: all 3 packages skipped" in run.stdout
    assert "advisories published after 2026-11-27 are NOT checked" in run.stdout
    required = run_script("--lock", str(lock), "--advisories", str(listed), "--require-service",
                          "--pip-audit-json", str(DATA / "pip_audit_service_unreachable.json"))
    assert required.returncode == audit.NO_SERVICE


def test_a_missing_pip_audit_is_an_input_error(tmp_path):
    run = run_script("--pip-audit", str(tmp_path / "no-pip-audit"))
    assert run.returncode == audit.INPUT_ERROR and "pip-audit not found" in run.stderr


def test_every_advisory_in_the_committed_list_is_triaged_with_a_source():
    listed = advisories.load_advisories(advisories.ADVISORIES.read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", listed.checked)
    for advisory in listed.advisories:
        assert advisory.triaged and advisory.source.startswith("https://"), advisory.id


def test_the_readme_table_is_what_the_script_renders():
    readme = (ROOT / "docs" / "operations.md").read_text()
    table = re.search(r"<!-- audit table: security/audit.py --markdown -->\n(.*?)<!-- end of audit table -->",
                      readme, re.S)
    assert table, "docs/operations.md has no audit table markers"
    rendered = run_script("--markdown")
    assert rendered.returncode == 0, rendered.stderr
    assert table.group(1) == rendered.stdout, "docs/operations.md table is stale: paste `python -m security.audit --markdown`"
