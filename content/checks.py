"""The rules the claims table keeps: each returns the problems it finds, in words an editor can act on.

An entry (claims.yml, under `responses:`) reviews one response: `fingerprint` (SHA-256 of the text it
was reviewed against), `reviewer`, `reviewed` (a date) and `statements`, each naming the `sentences` it
covers (numbered from 1, the heading first), what it `says`, and what supports it: a `source` locator
(a line of the walkthrough and a short phrase found on that line) or a `kind` from content.table.KINDS.
"""
from typing import Any, Dict, List

from content.table import KINDS, Response

MAX_PHRASE_WORDS = 6  # a locator's phrase is a pointer, too short to count as copying
REVIEW_FIELDS = ("fingerprint", "reviewer", "reviewed")
# what a statement may name as its `kind` when it names no source passage
OTHER_KINDS = sorted(kind for kind in KINDS if kind != "source")

Entry = Dict[str, Any]


def missing_entry(name: str, entries: Dict[str, Entry]) -> List[str]:
    return [] if name in entries else [f"{name}: not in the claims table: add an entry and have it reviewed"]


def entry_without_response(name: str, responses: Dict[str, Response]) -> List[str]:
    return [] if name in responses else [f"{name}: in the claims table but not in domain.yml: remove its entry"]


def changed_since_review(name: str, entry: Entry, response: Response) -> List[str]:
    if entry.get("fingerprint") == response.fingerprint:
        return []
    return [f"{name}: changed after its review: review it again (its text's fingerprint is now {response.fingerprint})"]


def missing_review_fields(name: str, entry: Entry) -> List[str]:
    return [f"{name}: no {field}" for field in REVIEW_FIELDS if not entry.get(field)]


def statement_support(statement: Dict[str, Any]) -> str:
    """The kind of support a statement names: "source" when it points at the source."""
    return "source" if "source" in statement else str(statement.get("kind"))


def malformed_statements(name: str, entry: Entry, response: Response) -> List[str]:
    """Each statement says something, names sentences that exist, and one kind of support."""
    problems = []
    count = len(response.sentences)
    for index, statement in enumerate(entry.get("statements") or [], start=1):
        where = f"{name}, statement {index}"
        if not str(statement.get("says") or "").strip():
            problems.append(f"{where}: does not say what it claims")
        numbers = statement.get("sentences")
        if not numbers or not all(isinstance(n, int) and 1 <= n <= count for n in numbers):
            problems.append(f"{where}: sentences {numbers!r} are not among the response's 1 to {count}")
        if "source" in statement:
            if statement.get("kind", "source") != "source":
                problems.append(f"{where}: names both a source passage and the kind {statement['kind']!r}")
        elif statement.get("kind") not in OTHER_KINDS:
            problems.append(f"{where}: no source passage, and {statement.get('kind')!r} is not one of {OTHER_KINDS}")
    return problems


def bad_locators(name: str, entry: Entry, lines: Dict[int, str]) -> List[str]:
    """Each source locator's phrase is short and found, word for word, on the line it names."""
    problems = []
    for index, statement in enumerate(entry.get("statements") or [], start=1):
        if "source" not in statement:
            continue
        where = f"{name}, statement {index}"
        locator = statement["source"] or {}
        line, phrase = locator.get("line"), str(locator.get("phrase") or "")
        if len(phrase.split()) > MAX_PHRASE_WORDS or not phrase.strip():
            problems.append(f"{where}: the phrase {phrase!r} must have 1 to {MAX_PHRASE_WORDS} words")
        elif line not in lines:
            problems.append(f"{where}: the source has no line {line!r}")
        elif phrase not in lines[line]:
            problems.append(f"{where}: {phrase!r} is not on line {line} of the source")
    return problems


def uncovered_sentences(name: str, entry: Entry, response: Response) -> List[str]:
    """Every sentence of the response is covered by at least one statement."""
    covered = {n for statement in entry.get("statements") or [] for n in statement.get("sentences") or []}
    return [f"{name}: sentence {number} has no statement: {sentence!r}"
            for number, sentence in enumerate(response.sentences, start=1) if number not in covered]


def source_changed(table: Dict[str, Any], fingerprint: str) -> List[str]:
    if table["source"].get("sha256") == fingerprint:
        return []
    return [f"the source walkthrough changed (its SHA-256 is now {fingerprint}): check every locator, then update it"]


def all_problems(table: Dict[str, Any], responses: Dict[str, Response], lines: Dict[int, str],
                 source_fingerprint: str) -> List[str]:
    """Every rule over the whole table, for the report (the tests run each rule on its own)."""
    entries = table.get("responses") or {}
    problems = source_changed(table, source_fingerprint)
    problems += [p for name in responses for p in missing_entry(name, entries)]
    problems += [p for name in entries for p in entry_without_response(name, responses)]
    for name in [name for name in entries if name in responses]:
        entry, response = entries[name], responses[name]
        problems += changed_since_review(name, entry, response) + missing_review_fields(name, entry)
        problems += malformed_statements(name, entry, response) + bad_locators(name, entry, lines)
        problems += uncovered_sentences(name, entry, response)
    return problems
