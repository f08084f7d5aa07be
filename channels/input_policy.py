"""One input policy for every channel: what a patient's message and a conversation id may be.

The REST webhook (channels/rest_guard.py) answers a refusal with a 4xx naming the
problem; the web chat and the messaging apps (channels/screening.py) answer the
patient in their own way. The rules are the same everywhere:

- a message has at least one visible character and at most MAX_MESSAGE_CHARS
  characters, and no unpaired surrogate (not valid Unicode: it crashed spaCy);
- it is not one of Rasa's control commands (/restart forgets the patient's
  place, /back undoes a turn, /session_start starts over);
- a message over the limit that describes a red-flag symptom is not refused: it
  becomes EMERGENCY_MESSAGE (the emergency intent, whose rule gives the
  emergency instruction), so the NLU never sees more than the limit and a
  patient in danger still gets the emergency answer;
- a conversation id has 1 to MAX_SENDER_CHARS characters and no control,
  invisible or formatting character (U+202E turns text around, U+200B is
  invisible: either makes a look-alike of another conversation's id), no
  unpaired surrogate and no line or paragraph separator.
"""
import unicodedata
from dataclasses import dataclass
from typing import Any, Text

from rasa.shared.constants import DEFAULT_SENDER_ID

from red_flags import is_red_flag

MAX_MESSAGE_CHARS = 2000
# every REST conversation is stored as "rest:<sender>" (channels/rest.py), which no other channel produces
REST_SENDER_PREFIX = "rest:"
# the tracker store's sender_id column has 255 characters, less the REST prefix
MAX_SENDER_CHARS = 255 - len(REST_SENDER_PREFIX)
# Rasa's own intents that answer nothing and change the conversation's state
CONTROL_COMMANDS = ("restart", "back", "session_start")
# what a long message that describes a red-flag symptom is answered as
EMERGENCY_MESSAGE = "/emergency"


def rest_sender_id(sender: Any) -> Text:
    """The stored sender id of what a REST caller sent as "sender" (none: Rasa's default)."""
    return REST_SENDER_PREFIX + (DEFAULT_SENDER_ID if sender is None else str(sender))


# nothing a person can see: control, format (zero-width, BOM), spaces, line and paragraph separators
_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")
# never in a conversation id: control, format, surrogate, line and paragraph separators
_NOT_IN_IDS = ("Cc", "Cf", "Cs", "Zl", "Zp")


@dataclass
class Refusal(Exception):
    """Why a message or an id is refused: a short reason, a sentence naming the problem, an HTTP status."""

    reason: str
    message: str
    status: int = 400


def first_position(text: str, categories: tuple) -> int:
    """Index of the first character in one of these Unicode categories, or -1."""
    return next((i for i, char in enumerate(text) if unicodedata.category(char) in categories), -1)


def _has_odd_space(text: str) -> int:
    """Index of the first space that is not a plain one (U+0020), or -1."""
    return next((i for i, char in enumerate(text) if unicodedata.category(char) == "Zs" and char != " "), -1)


def check_sender_id(sender: str, label: str = "The conversation id") -> str:
    """The id, if it may name a conversation; else Refusal SenderEmpty, SenderTooLong or SenderInvalid."""
    if not sender.strip():
        raise Refusal("SenderEmpty", f"{label} is empty: send an id for the conversation.")
    if len(sender) > MAX_SENDER_CHARS:
        raise Refusal("SenderTooLong", f"{label} has {len(sender)} characters; the limit is {MAX_SENDER_CHARS}.")
    bad = first_position(sender, _NOT_IN_IDS)
    if bad < 0:
        bad = _has_odd_space(sender)
    if bad >= 0:
        raise Refusal("SenderInvalid", f"{label} has a control, invisible or formatting character or an "
                                       f"unpaired surrogate at position {bad}.")
    return sender


def is_control_command(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("/") and stripped[1:].split("{")[0].split("@")[0].strip() in CONTROL_COMMANDS


def check_message(text: str, label: str = "The message") -> str:
    """The text the assistant should see for this message; Refusal naming the problem otherwise.

    Reasons: MessageNotUnicode, MessageEmpty, ControlCommandRefused (400), MessageTooLong (413).
    """
    bad = first_position(text, ("Cs",))
    if bad >= 0:
        raise Refusal("MessageNotUnicode", f"{label} is not valid Unicode text: unpaired surrogate at position {bad}.")
    if all(unicodedata.category(char) in _INVISIBLE for char in text):
        raise Refusal("MessageEmpty", f"{label} is empty (nothing but spaces or invisible characters): send the "
                                      "patient's text.")
    if is_control_command(text):
        raise Refusal("ControlCommandRefused",
                      f'"{text.strip()[:40]}" is a Rasa control command; it is not accepted from patients.')
    if len(text) > MAX_MESSAGE_CHARS:
        if is_red_flag(text):
            return EMERGENCY_MESSAGE
        raise Refusal("MessageTooLong", f"{label} has {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}. "
                                        "Send a shorter message.", status=413)
    return text
