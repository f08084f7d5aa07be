"""Bad input on the REST webhook gets a clear 4xx JSON error instead of a crash or silence.

Rasa 3.6's REST channel (POST /webhooks/rest/webhook) trusts its JSON body.
Measured without this guard: a body that is not a JSON object gets a 500; a
"message" that is missing, null, a number, a list or has an unpaired surrogate
gets 200 with no answer at all; a missing or empty "sender" puts the message
into one shared "default" conversation; "/restart" silently throws away the
patient's place in the walkthrough; a 100,000-character message keeps the
server busy for minutes (time grows with the square of the length), stalling
every other patient. Here each of those gets a 4xx whose JSON body names the
problem, and the conversation is not touched. Everything else goes to Rasa
as before (emoji, other languages, HTML: Rasa's usual answers).

The limits (README "Bad input"):

- body at most MAX_BODY_BYTES, UTF-8, a JSON object;
- "sender": text of 1 to MAX_SENDER_CHARS characters (the tracker store's
  column of 255, less the "rest:" that channels/rest.py puts in front), no
  control characters;
- "message": text with at least one visible character and at most
  MAX_MESSAGE_CHARS characters; not one of Rasa's control commands
  (/restart, /back, /session_start);
- "metadata", if given, an object; "input_channel", if given, text.

A message over MAX_MESSAGE_CHARS that describes a red-flag symptom is not
refused: it is answered as an emergency (the "/emergency" intent, whose rule
gives the emergency instruction), as a short message with that text would be.

Only the REST webhook is guarded; the other channels have their own formats.
"""
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict

# The project folder (for actions.safety): `rasa run` puts it on the path only once it starts.
_PROJECT = str(Path(__file__).resolve().parent.parent)
if _PROJECT not in sys.path:
    sys.path.append(_PROJECT)

from actions.safety import is_red_flag  # noqa: E402

REST_WEBHOOK = "/webhooks/rest/webhook"
MAX_BODY_BYTES = 64 * 1024
MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 250
# Rasa's own intents that answer nothing: /restart forgets the conversation's state, /back undoes a turn
CONTROL_COMMANDS = ("restart", "back", "session_start")
# What a long message that describes a red-flag symptom is answered as (the emergency intent's rule)
EMERGENCY_MESSAGE = "/emergency"
EXAMPLE = '{"sender": "patient-123", "message": "hello"}'

_INVISIBLE = ("Cc", "Cf", "Zs", "Zl", "Zp")  # control, format (zero-width, BOM), spaces, separators


@dataclass
class BadInput(Exception):
    """Why a webhook request is refused: HTTP status, a short reason and a sentence for the developer."""

    status: int
    reason: str
    message: str

    def as_json(self) -> Dict[str, Any]:
        """The same shape as the project's other refusals (rasa_server.refuse_model_changes)."""
        return {"status": "failure", "reason": self.reason, "message": self.message, "code": self.status}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text"


def _position_of(text: str, categories: tuple) -> int:
    """Index of the first character in one of these Unicode categories, or -1."""
    return next((i for i, char in enumerate(text) if unicodedata.category(char) in categories), -1)


def _required_text(payload: Dict[str, Any], field: str, reason: str, what_to_send: str) -> str:
    """payload[field] when it is there and is text; else BadInput <reason>Missing or <reason>NotText."""
    if field not in payload:
        raise BadInput(400, f"{reason}Missing", f'The "{field}" field is missing: send {what_to_send}, '
                                                f'e.g. {EXAMPLE}.')
    value = payload[field]
    if not isinstance(value, str):
        raise BadInput(400, f"{reason}NotText", f'The "{field}" field must be text, not {_json_type(value)}.')
    return value


def _check_sender(payload: Dict[str, Any]) -> None:
    sender = _required_text(payload, "sender", "Sender", "an id for the conversation")
    if not sender.strip():
        raise BadInput(400, "SenderEmpty", 'The "sender" field is empty: send an id for the conversation.')
    if len(sender) > MAX_SENDER_CHARS:
        raise BadInput(400, "SenderTooLong",
                       f'The "sender" field has {len(sender)} characters; the limit is {MAX_SENDER_CHARS}.')
    bad = _position_of(sender, ("Cc", "Cs"))
    if bad >= 0:
        raise BadInput(400, "SenderInvalid",
                       f'The "sender" field has a control character or an unpaired surrogate at position {bad}.')


def _check_message(payload: Dict[str, Any]) -> str:
    """The message text, checked."""
    text = _required_text(payload, "message", "Message", "the patient's text")
    bad = _position_of(text, ("Cs",))
    if bad >= 0:
        raise BadInput(400, "MessageNotUnicode",
                       f'The "message" field is not valid Unicode text: unpaired surrogate at position {bad}.')
    if all(unicodedata.category(char) in _INVISIBLE for char in text):
        raise BadInput(400, "MessageEmpty", 'The "message" field is empty (nothing but spaces or invisible '
                                            "characters): send the patient's text.")
    stripped = text.strip()
    if stripped.startswith("/") and stripped[1:].split("{")[0].split("@")[0].strip() in CONTROL_COMMANDS:
        raise BadInput(400, "ControlCommandRefused",
                       f'"{stripped[:40]}" is a Rasa control command; it is not accepted from patients.')
    return text


def _check_optional_fields(payload: Dict[str, Any]) -> None:
    if payload.get("metadata") is not None and not isinstance(payload["metadata"], dict):
        raise BadInput(400, "MetadataNotObject",
                       f'The "metadata" field must be an object, not {_json_type(payload["metadata"])}.')
    if payload.get("input_channel") is not None and not isinstance(payload["input_channel"], str):
        raise BadInput(400, "InputChannelNotText",
                       f'The "input_channel" field must be text, not {_json_type(payload["input_channel"])}.')


def checked_rest_payload(body: bytes) -> Dict[str, Any]:
    """The REST webhook's JSON payload as Rasa should see it; raises BadInput naming the problem.

    A message over MAX_MESSAGE_CHARS comes back as EMERGENCY_MESSAGE when it
    describes a red-flag symptom (see the module docstring).
    """
    if len(body) > MAX_BODY_BYTES:
        raise BadInput(413, "BodyTooLarge", f"The request body has {len(body)} bytes; the limit is {MAX_BODY_BYTES}.")
    if not body.strip():
        raise BadInput(400, "BodyEmpty", f"The request body is empty: send a JSON object like {EXAMPLE}.")
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(400, "BodyNotUtf8", f"The request body is not UTF-8 text (byte {error.start}).") from None
    try:
        payload = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise BadInput(400, "BodyNotJson", f"The request body is not JSON: {error}.") from None
    if not isinstance(payload, dict):
        raise BadInput(400, "BodyNotObject",
                       f"The request body must be a JSON object like {EXAMPLE}, not {_json_type(payload)}.")
    _check_sender(payload)
    text = _check_message(payload)
    _check_optional_fields(payload)
    if len(text) > MAX_MESSAGE_CHARS:
        if is_red_flag(text):
            return {**payload, "message": EMERGENCY_MESSAGE}
        raise BadInput(413, "MessageTooLong", f'The "message" field has {len(text)} characters; the limit is '
                                              f'{MAX_MESSAGE_CHARS}. Send a shorter message.')
    return payload


async def guard_rest_webhook(request):
    """Sanic request middleware: bad input to the REST webhook gets its 4xx; good input goes on, parsed once."""
    if request.method != "POST" or request.path.rstrip("/") != REST_WEBHOOK:
        return None
    from sanic import response

    try:
        payload = checked_rest_payload(request.body)
    except BadInput as bad:
        return response.json(bad.as_json(), status=bad.status)
    request.parsed_json = payload  # Sanic's parsed body: the REST channel reads this one
    return None
