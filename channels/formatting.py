"""How each channel shows an answer's heading: the first line of a multi-line answer.

Every answer in domain.yml with more than one line starts with a short heading line that
names what it is about ("Step 2 of 6: ..."); the texts stay plain there, and each channel
marks the heading its own way here:

- web chat (rasa-webchat renders Markdown): ``**heading**``, with Markdown's own characters
  in the text escaped, so the rest shows exactly as written;
- Telegram: HTML (``parse_mode=HTML``), ``<b>heading</b>``, the text HTML-escaped;
- SMS and WhatsApp (Twilio), Messenger, REST and the shell: plain text, heading on its own
  line. SMS has no formatting; WhatsApp's and Messenger's `*bold*` are not shown the same in
  every app (Messenger shows it on computers only), and stray asterisks would be worse than
  none.
"""
import html
import re
from typing import Optional, Tuple

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


def as_telegram_html(text: str) -> str:
    """Telegram's text for parse_mode=HTML: the heading in bold, everything else escaped."""
    heading, body = heading_and_body(text)
    if heading is None:
        return html.escape(text, quote=False)
    return f"<b>{html.escape(heading, quote=False)}</b>\n{html.escape(body, quote=False)}"
