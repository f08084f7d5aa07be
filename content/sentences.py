"""A response cut into the numbered sentences the claims table refers to.

Sentence 1 is the heading (the text's first line); then each sentence of the body, line by line; then
each button's title. A numbered list item ("3. Moving in: ...") is one sentence with its number.
"""
import re
from typing import Any, Dict, List

# a sentence ends at . ! or ? followed by a space and a capital letter or an opening quote
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"{])")
_LIST_MARKER = re.compile(r"^(\d+\.)\s+")


def split_line(line: str) -> List[str]:
    """The sentences of one line of text."""
    marker = _LIST_MARKER.match(line)
    head, rest = (marker.group(1) + " ", line[marker.end():]) if marker else ("", line)
    parts = [part.strip() for part in _SENTENCE_END.split(rest.strip()) if part.strip()]
    if parts:
        parts[0] = head + parts[0]
    return parts


def sentences(response: Dict[str, Any]) -> List[str]:
    """A response's sentences in order (one domain response variation: text and buttons)."""
    found = [sentence for line in response.get("text", "").split("\n") for sentence in split_line(line)]
    found += [button["title"] for button in response.get("buttons") or []]
    return found


def word_count(sentence: str) -> int:
    """Words as a reader counts them: "X-ray" is one, "{step_number}" is one."""
    return len(re.findall(r"[\w{}'\-]+", sentence))
