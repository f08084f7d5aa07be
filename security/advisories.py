"""The triaged advisory list (security/advisories.yml) against the pinned versions of a lock file.

Reads a requirements lock (`name==version` lines), reads the advisory list, tells which
advisories affect a locked version, which of those still need attention, and renders
the list as the Markdown table of docs/operations.md.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = ROOT / "security" / "advisories.yml"
LOCK = ROOT / "requirements.lock"
VERDICTS = ("yes", "no")
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;#]+)\s*(?:#.*)?$")


class InputError(Exception):
    """The lock file or the advisory list cannot be read as written."""


def canonical(name: str) -> str:
    """PyPI's normalised project name (PEP 503): 'Jinja2' and 'jinja2' are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Advisory:
    id: str
    package: str
    affected: Sequence[SpecifierSet]
    fixed: str
    summary: str
    reachable: Optional[str]
    why: str
    mitigation: str = ""
    aliases: Sequence[str] = field(default_factory=tuple)
    source: str = ""

    @property
    def ids(self) -> set:
        return {self.id, *self.aliases}

    def affects(self, version: str) -> bool:
        parsed = Version(version)
        return any(parsed in specifiers for specifiers in self.affected)

    @property
    def triaged(self) -> bool:
        return self.reachable in VERDICTS and bool(self.why.strip())

    @property
    def needs_attention(self) -> bool:
        """Not triaged, or reachable here with nothing done about it."""
        return not self.triaged or (self.reachable == "yes" and not self.mitigation.strip())


def read_lock(text: str) -> Dict[str, str]:
    """{canonical name: version} of a lock whose every requirement is pinned with ==."""
    pins: Dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = PINNED.match(stripped)
        if not match:
            raise InputError(f"lock line {number} is not pinned as name==version: {stripped!r}")
        try:
            Version(match["version"])
        except InvalidVersion:
            raise InputError(f"lock line {number}: {match['version']!r} is not a version") from None
        pins[canonical(match["name"])] = match["version"]
    return pins


def _pep440_range(text: str) -> SpecifierSet:
    """A strict PEP 440 range: older packaging would quietly accept '<<3' as a legacy specifier."""
    for part in text.split(","):
        Specifier(part.strip())
    return SpecifierSet(text)


def _advisory(entry: dict, position: int) -> Advisory:
    where = f"advisory {position} ({entry.get('id', 'no id') if isinstance(entry, dict) else entry!r})"
    if not isinstance(entry, dict):
        raise InputError(f"{where}: not a mapping")
    missing = [key for key in ("id", "package", "affected", "fixed", "summary") if not entry.get(key)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    ranges = entry["affected"]
    if isinstance(ranges, str):
        ranges = [ranges]
    try:
        affected = tuple(_pep440_range(str(text)) for text in ranges)
    except InvalidSpecifier as error:
        raise InputError(f"{where}: affected range {error}") from None
    reachable = entry.get("reachable")
    return Advisory(
        id=str(entry["id"]),
        aliases=tuple(str(alias) for alias in entry.get("aliases") or ()),
        package=canonical(str(entry["package"])),
        affected=affected,
        fixed=str(entry["fixed"]),
        summary=str(entry["summary"]).strip(),
        reachable=str(reachable).strip().lower() if reachable is not None else None,
        why=str(entry.get("why") or "").strip(),
        mitigation=str(entry.get("mitigation") or "").strip(),
        source=str(entry.get("source") or ""),
    )


@dataclass(frozen=True)
class AdvisoryList:
    checked: str
    advisories: Sequence[Advisory]


def load_advisories(text: str) -> AdvisoryList:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(f"advisory list is not valid YAML: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("advisories"), list):
        raise InputError("advisory list needs an 'advisories:' list")
    advisories = tuple(_advisory(entry, position) for position, entry in enumerate(data["advisories"], start=1))
    seen: Dict[str, str] = {}
    for advisory in advisories:
        for advisory_id in advisory.ids:
            key = f"{advisory.package} {advisory_id}"
            if key in seen:
                raise InputError(f"{advisory_id} is listed twice for {advisory.package}")
            seen[key] = advisory.id
    return AdvisoryList(checked=str(data.get("checked", "")), advisories=advisories)


def affecting(advisories: Sequence[Advisory], pins: Dict[str, str]) -> List[Advisory]:
    """The advisories whose package is locked at an affected version."""
    return [a for a in advisories if a.package in pins and a.affects(pins[a.package])]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(advisory_list: AdvisoryList, pins: Dict[str, str]) -> str:
    """The table of docs/operations.md: every listed advisory, the locked version, and the verdict for this deployment."""
    hits = affecting(advisory_list.advisories, pins)
    reachable = [a for a in hits if a.reachable == "yes"]
    lines = [
        f"Advisory list checked on {advisory_list.checked}: {len(advisory_list.advisories)} advisories listed, "
        f"{len(hits)} affect a version in `requirements.lock`, {len(reachable)} of those reachable here.",
        "",
        "| advisory | package | affected | fixed in | locked | reachable here | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for advisory in advisory_list.advisories:
        locked = pins.get(advisory.package)
        if locked is None:
            locked_cell = "not locked"
        else:
            locked_cell = f"{locked} (affected)" if advisory.affects(locked) else f"{locked} (not affected)"
        verdict = advisory.reachable if advisory.triaged else "not triaged"
        why = advisory.why
        if advisory.mitigation:
            why = f"{why} Mitigation: {advisory.mitigation}"
        ids = " / ".join([advisory.id, *advisory.aliases])
        lines.append(
            f"| {_cell(ids)} | {advisory.package} | {_cell(' or '.join(str(s) for s in advisory.affected))} "
            f"| {advisory.fixed} | {locked_cell} | {verdict} | {_cell(advisory.summary)}: {_cell(why)} |"
        )
    return "\n".join(lines) + "\n"
