"""The emergency number in an answer, and tap-to-call links: a phone number as a `tel:` URI.

Every mention of the number to ring in an emergency in domain.yml says EMERGENCY_PHRASE ("call
your local emergency number now"), the safe wording for a deployment that has not set
EMERGENCY_NUMBER. With it set (a phone number such as 999, 112 or 911), ``with_emergency_number``
says that number instead ("call 999 now"): channels/nlg.py does it for every answer on every
channel, webpage/config.py for the web page's notice. A value that is not a phone number is
ignored, so a mistyped setting never replaces the safe wording with something nobody can dial.

A text is returned as parts, (text, href) pairs, href None for plain text, so each channel
writes links its own way (the web chat as Markdown, web/config.js as data for web/chat.js)
and the words stay the domain's: only a phrase already in the text becomes a link.
"""
import re
from typing import List, Optional, Tuple

Part = Tuple[str, Optional[str]]
# what every answer in domain.yml calls the number to ring in an emergency (tests/test_content.py)
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


def emergency_number(number: str) -> Optional[str]:
    """The configured emergency number as patients should read it, or None when unset or not a phone number."""
    number = (number or "").strip()
    return number if tel_uri(number) else None


def with_emergency_number(text: str, number: str) -> str:
    """text with EMERGENCY_PHRASE replaced by the emergency number, when that is set (and a phone number)."""
    said = emergency_number(number)
    return text.replace(EMERGENCY_PHRASE, said) if said else text


def emergency_linked(text: str, number: str) -> List[Part]:
    """text (as with_emergency_number says it) with the emergency number a tap-to-call link, when it is set."""
    said = emergency_number(number)
    if said is None:
        return [(text, None)]
    return linked(with_emergency_number(text, said), said, tel_uri(said))
