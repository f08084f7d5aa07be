"""Patterns for personal identifiers that patients may type, and their redaction.

Pure Python, no Rasa: used by the tracker store (``privacy/tracker_store.py``)
before anything is written. Each identifier becomes a placeholder in brackets,
so the stored text still reads as a sentence: "my number is [phone], what
happens first?".

Short numbers are kept: "step 3", and the emergency numbers the red-flag
patterns look for (911, 999, 112), are not personal data.
"""
import re
from typing import Pattern, Tuple

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")

# Order matters: dates before phone numbers (a date is also a digit run), e-mail
# addresses before digit runs (digits inside an address).
_PATTERNS: Tuple[Tuple[str, str], ...] = (
    ("[email]", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("[date]",
     r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"                      # 12/03/1980, 1.3.80
     r"|\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b"                       # 1980-03-12
     r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"\.?,?\s+\d{2,4}\b"   # 12th of March 1980
     r"|\b" + _MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}\b"),          # March 12, 1980
    # at least seven digits, possibly grouped by spaces, dots, dashes or brackets,
    # possibly with a leading + (07700 900123, +44 7700 900123, (555) 123-4567)
    ("[phone]", r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){6,}(?!\w)"),
    # record-number-like: letters then six or more digits (MRN1234567, A123456)
    ("[number]", r"\b[a-z]{1,4}[\s#:-]{0,2}\d{6,}\b|\b\d{6,}\b"),
)

_COMPILED: Tuple[Tuple[str, Pattern[str]], ...] = tuple(
    (placeholder, re.compile(pattern, re.IGNORECASE)) for placeholder, pattern in _PATTERNS
)


def redact(text):
    """The text with every personal identifier replaced by its placeholder.

    Anything that is not a string (None, numbers) is returned as it is.
    """
    if not isinstance(text, str) or not text:
        return text
    for placeholder, pattern in _COMPILED:
        text = pattern.sub(placeholder, text)
    return text


def contains_identifier(text) -> bool:
    return isinstance(text, str) and redact(text) != text
