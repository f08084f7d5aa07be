"""What settings/table.yml is written out as: the docs' settings tables and settings.mk."""
import re
from typing import Iterable

from settings import Setting

MAKEFILE = "settings.mk"
BEGIN = "<!-- settings table {table}: written by `python -m settings` from settings/table.yml -->"
END = "<!-- end of settings table {table} -->"


def _default_cell(setting: Setting) -> str:
    if setting.default_note:
        return setting.default_note
    return f"`{setting.default}`" if setting.default else "unset"


def markdown_table(settings: Iterable[Setting]) -> str:
    rows = ["| variable | used for | default | secret |", "|---|---|---|---|"]
    rows += [f"| `{s.name}` | {s.meaning} | {_default_cell(s)} | {'yes' if s.secret else ''} |" for s in settings]
    return "\n".join(rows)


def makefile(settings: Iterable[Setting]) -> str:
    lines = ["# Written by `python -m settings` from settings/table.yml: change the table, not this file.",
             "# The defaults the Makefile exports (endpoints.yml's ${VARIABLES} must all be set for Rasa)."]
    for s in settings:
        if s.make_default is not None:
            lines.append(f"export {s.name} ?= {s.make_default}".rstrip())
    return "\n".join(lines) + "\n"


def block_pattern(table: str) -> "re.Pattern[str]":
    return re.compile(re.escape(BEGIN.format(table=table)) + r"\n.*?" + re.escape(END.format(table=table)), re.S)


def with_table(page_text: str, table: str, settings: Iterable[Setting]) -> str:
    """page_text with its block for this table replaced by the table written from settings.

    Raises LookupError when the page has no such block (its markers are the place to put it).
    """
    pattern = block_pattern(table)
    if not pattern.search(page_text):
        raise LookupError(f"no {BEGIN.format(table=table)!r} ... {END.format(table=table)!r} block")
    block = f"{BEGIN.format(table=table)}\n{markdown_table(settings)}\n{END.format(table=table)}"
    return pattern.sub(lambda _: block, page_text)
