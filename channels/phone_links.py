"""Tap-to-call links: a phone number as a `tel:` URI, and the places in an answer that become links.

A text is returned as parts, (text, href) pairs, href None for plain text, so each channel
writes links its own way (the web chat as Markdown, web/config.js as data for web/chat.js)
and the words stay the domain's: only a phrase already in the text becomes a link.
"""
import re
from typing import List, Optional, Tuple

Part = Tuple[str, Optional[str]]
# what utter_emergency and the care-team answers call the number to ring in an emergency
EMERGENCY_PHRASE = "your local emergency number"
# digits, with an optional leading + and spaces, dots, hyphens or brackets between them
_PHONE = re.compile(r"^\+?[0-9][0-9 .()\-]{0,30}$")


def tel_uri(number: str) -> Optional[str]:
    """`tel:` and the number's + and digits; None for anything that is not a phone number."""
    number = (number or "").strip()
    digits = re.sub(r"[ .()\-]", "", number)
    if not _PHONE.match(number) or not 2 <= len(digits.lstrip("+")) <= 15:
        return None
    return f"tel:{digits}"


def linked(text: str, phrase: str, href: Optional[str], link_text: Optional[str] = None) -> List[Part]:
    """text as parts, its first `phrase` a link to href (shown as link_text, the phrase by default)."""
    start = text.find(phrase) if phrase and href else -1
    if start < 0:
        return [(text, None)]
    end = start + len(phrase)
    parts = [(text[:start], None), (link_text or phrase, href), (text[end:], None)]
    return [part for part in parts if part[0]]


def emergency_linked(text: str, number: str) -> List[Part]:
    """text with "your local emergency number" a link to number (shown after it), when number is one."""
    href = tel_uri(number)
    return linked(text, EMERGENCY_PHRASE, href, f"{EMERGENCY_PHRASE} ({number.strip()})" if href else None)
