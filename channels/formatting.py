"""How each channel shows an answer's heading: the first line of a multi-line answer.

Every answer in domain.yml with more than one line starts with a short heading line that
names what it is about ("Step 2 of 6: ..."); the texts stay plain there, and each channel
marks the heading its own way here:

- web chat (rasa-webchat renders Markdown): ``**heading**``, with Markdown's own characters
  in the text escaped, so the rest shows exactly as written; in the emergency answer, the
  emergency number (EMERGENCY_NUMBER, when it is set) is a tap-to-call ``tel:`` link;
- Telegram: HTML (``parse_mode=HTML``), ``<b>heading</b>``, the text HTML-escaped;
- SMS and WhatsApp (Twilio), Messenger, REST and the shell: plain text, heading on its own
  line. SMS has no formatting; WhatsApp's and Messenger's `*bold*` are not shown the same in
  every app (Messenger shows it on computers only), and stray asterisks would be worse than
  none.
"""
import html
import re
from typing import Iterable, Optional, Tuple

from channels.phone_links import Part, emergency_linked

# what Markdown (CommonMark, as react-markdown reads it) could take for markup
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def heading_and_body(text: str) -> Tuple[Optional[str], str]:
    """(heading, body) of a multi-line answer; (None, text) for a one-line one."""
    heading, newline, body = text.partition("\n")
    if not newline or not heading.strip() or not body.strip():
        return None, text
    return heading, body


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def as_markdown(text: str) -> str:
    """The web chat's text: the heading in bold, everything shown as written."""
    heading, body = heading_and_body(text)
    if heading is None:
        return escape_markdown(text)
    return f"**{escape_markdown(heading)}**\n{escape_markdown(body)}"


def markdown_with_links(parts: Iterable[Part]) -> str:
    """Parts as Markdown: the text escaped, each linked part a link."""
    return "".join(f"[{escape_markdown(text)}]({href})" if href else escape_markdown(text) for text, href in parts)


def emergency_as_markdown(text: str, emergency_number: str) -> str:
    """The web chat's emergency answer: as as_markdown, with emergency_number a tap-to-call link when it is
    a phone number (the text says it instead of "your local emergency number": channels/phone_links.py)."""
    heading, body = heading_and_body(text)
    linked_body = markdown_with_links(emergency_linked(body, emergency_number))
    return linked_body if heading is None else f"**{escape_markdown(heading)}**\n{linked_body}"


def as_telegram_html(text: str) -> str:
    """Telegram's text for parse_mode=HTML: the heading in bold, everything else escaped."""
    heading, body = heading_and_body(text)
    if heading is None:
        return html.escape(text, quote=False)
    return f"<b>{html.escape(heading, quote=False)}</b>\n{html.escape(body, quote=False)}"
