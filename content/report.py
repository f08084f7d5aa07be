"""The claims table as one self-contained HTML page for sign-off: each response's sentences beside
the statements they make and what supports each (the source line itself, with the phrase marked)."""
import html
from collections import Counter
from typing import Any, Dict, List

from content.checks import statement_support
from content.sentences import split_line
from content.table import KINDS, Response

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { border: 1px solid #999; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #eee; }
.status-ok { color: #1a5e1a; } .status-problem { color: #a00000; font-weight: bold; }
.kind { font-style: italic; } mark { background: #fff2a8; }
section { border-top: 2px solid #333; margin-top: 1.5rem; }
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def marked_passage(line: str, phrase: str) -> str:
    """The sentence of a source line that holds the locator's phrase, escaped, with the phrase marked
    (the whole line if no one sentence holds it; the line alone if the phrase is not on it)."""
    passage = next((sentence for sentence in split_line(line) if phrase and phrase in sentence), line)
    before, found, after = passage.partition(phrase) if phrase else (passage, "", "")
    if not found:
        return esc(passage)
    return f"{esc(before)}<mark>{esc(found)}</mark>{esc(after)}"


def support_cell(statement: Dict[str, Any], lines: Dict[int, str]) -> str:
    kind = statement_support(statement)
    if kind != "source":
        return f'<span class="kind">{esc(KINDS.get(kind, kind))}</span>'
    locator = statement.get("source") or {}
    number, phrase = locator.get("line"), str(locator.get("phrase") or "")
    return f"source line {esc(number)}: &ldquo;{marked_passage(lines.get(number, '(no such line)'), phrase)}&rdquo;"


def sentence_rows(entry: Dict[str, Any], response: Response, lines: Dict[int, str]) -> str:
    rows = []
    statements = entry.get("statements") or []
    for number, sentence in enumerate(response.sentences, start=1):
        about = [s for s in statements if number in (s.get("sentences") or [])]
        claims = "".join(f"<li>{esc(s.get('says', ''))}<br>{support_cell(s, lines)}</li>" for s in about)
        rows.append(f"<tr><td>{number}</td><td>{esc(sentence)}</td>"
                    f"<td>{'<ul>' + claims + '</ul>' if claims else '<strong>no statement</strong>'}</td></tr>")
    return "".join(rows)


def response_section(name: str, entry: Dict[str, Any], response: Response, lines: Dict[int, str],
                     problems: List[str]) -> str:
    own = [p for p in problems if p.startswith(name + ":") or p.startswith(name + ",")]
    status = ("".join(f'<p class="status-problem">{esc(p)}</p>' for p in own) if own
              else '<p class="status-ok">text unchanged since its review; every sentence covered</p>')
    return (f'<section id="{esc(name)}"><h2>{esc(name)}</h2>'
            f"<p>Reviewed by: {esc(entry.get('reviewer', '(nobody)'))}; on: {esc(entry.get('reviewed', '(never)'))}</p>"
            f"{status}<table><tr><th>#</th><th>sentence</th><th>statements and support</th></tr>"
            f"{sentence_rows(entry, response, lines)}</table></section>")


def summary(entries: Dict[str, Any], responses: Dict[str, Response], problems: List[str]) -> str:
    kinds = Counter(statement_support(s) for entry in entries.values() for s in entry.get("statements") or [])
    counts = "".join(f"<li>{esc(KINDS.get(kind, kind))} ({esc(kind)}): {count}</li>" for kind, count in sorted(kinds.items()))
    reviewers = Counter(str(entry.get("reviewer")) for entry in entries.values())
    by_reviewer = "".join(f"<li>{esc(reviewer)}: {count}</li>" for reviewer, count in sorted(reviewers.items()))
    found = ("".join(f"<li>{esc(p)}</li>" for p in problems) if problems else "<li>none</li>")
    return (f"<h2>Summary</h2><p>{len(responses)} responses in domain.yml, {len(entries)} entries, "
            f"{sum(kinds.values())} statements:</p><ul>{counts}</ul><p>Reviewed by:</p><ul>{by_reviewer}</ul>"
            f'<p>Problems found:</p><ul class="{"status-problem" if problems else "status-ok"}">{found}</ul>')


def render(table: Dict[str, Any], responses: Dict[str, Response], lines: Dict[int, str], problems: List[str]) -> str:
    """The whole page."""
    entries = table.get("responses") or {}
    source = table.get("source") or {}
    about = "".join(f"<li>{esc(key)}: {esc(value)}</li>" for key, value in source.items())
    index = "".join(f'<li><a href="#{esc(name)}">{esc(name)}</a></li>' for name in responses if name in entries)
    sections = "".join(response_section(name, entries[name], response, lines, problems)
                       for name, response in responses.items() if name in entries)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Claims table for clinical sign-off</title>"
            f"<style>{STYLE}</style></head><body><h1>Claims table for clinical sign-off</h1>"
            f"<p>Every patient-facing response, sentence by sentence, and what supports each statement.</p>"
            f"<h2>Source</h2><ul>{about}</ul>{summary(entries, responses, problems)}"
            f"<h2>Responses</h2><ul>{index}</ul>{sections}</body></html>\n")
