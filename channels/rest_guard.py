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

The limits (docs/channels.md, "Bad input and abuse"):

- body at most MAX_BODY_BYTES, UTF-8, a JSON object;
- "sender": text of 1 to MAX_SENDER_CHARS characters (the tracker store's
  column of 255, less the "rest:" that channels/rest.py puts in front), no
  control, invisible or formatting characters (U+200B, U+202E, ...);
- "message": text with at least one visible character and at most
  MAX_MESSAGE_CHARS characters; not one of Rasa's control commands
  (/restart, /back, /session_start);
- "metadata", if given, an object; "input_channel", if given, text.

A message over MAX_MESSAGE_CHARS that describes a red-flag symptom is not
refused: it is answered as an emergency (the "/emergency" intent, whose rule
gives the emergency instruction), as a short message with that text would be.

The message and sender rules are the project's one input policy (channels/input_policy.py);
the web chat and the messaging apps apply the same rules in their own way
(channels/screening.py). The rate limits (channels/rate_limits.py) apply here too: over
one, 429 with Retry-After, except that a red-flag message gets the emergency answer.
Sanic itself refuses any body over MAX_REQUEST_BYTES from its Content-Length, before it
is read (limit_request_sizes), with the same BodyTooLarge answer.
"""
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict

from actions import responses
from channels import notices
from channels.input_policy import (
    CONTROL_COMMANDS,
    EMERGENCY_MESSAGE,
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    Refusal,
    check_message,
    check_sender_id,
    rest_sender_id,
)
from channels.rate_limits import shared_limits
from red_flags import is_red_flag

__all__ = ["CONTROL_COMMANDS", "EMERGENCY_MESSAGE", "MAX_MESSAGE_CHARS", "MAX_SENDER_CHARS", "BadInput",
           "checked_rest_payload", "guard_rest_webhook", "limit_request_sizes"]

logger = logging.getLogger("rasa_server")

REST_WEBHOOK = "/webhooks/rest/webhook"
MAX_BODY_BYTES = 64 * 1024
# Sanic's own limit for every request and WebSocket message (its defaults: 100 MB and 1 MB):
# a body over it is refused from its Content-Length, before it is read into memory. It is
# above MAX_BODY_BYTES, so a REST body between the two still gets the guard's own answer.
MAX_REQUEST_BYTES = 128 * 1024
EXAMPLE = '{"sender": "patient-123", "message": "hello"}'


@dataclass
class BadInput(Exception):
    """Why a webhook request is refused: HTTP status, a short reason and a sentence for the developer."""

    status: int
    reason: str
    message: str

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> "BadInput":
        return cls(refusal.status, refusal.reason, refusal.message)

    def as_json(self) -> Dict[str, Any]:
        """The JSON body of every refusal of the Rasa server (here and in server/api_lockdown.py)."""
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
    try:
        check_sender_id(sender, 'The "sender" field')
    except Refusal as refusal:
        raise BadInput.from_refusal(refusal) from None


def _checked_message(payload: Dict[str, Any]) -> str:
    """The message text as Rasa should see it (channels.input_policy)."""
    text = _required_text(payload, "message", "Message", "the patient's text")
    try:
        return check_message(text, 'The "message" field')
    except Refusal as refusal:
        raise BadInput.from_refusal(refusal) from None


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
    text = _checked_message(payload)
    _check_optional_fields(payload)
    return payload if text == payload["message"] else {**payload, "message": text}


async def guard_rest_webhook(request):
    """Sanic request middleware: bad input to the REST webhook gets its 4xx; good input goes on, parsed once.

    Over a rate limit (channels.rate_limits): 429 with Retry-After, or, for a message that
    describes a red-flag symptom, the emergency answer (never just a refusal); nothing stored.
    """
    if request.method != "POST" or request.path.rstrip("/") != REST_WEBHOOK:
        return None
    from sanic import response

    limits = shared_limits()
    client = limits.client.allow(request.remote_addr or request.ip)
    if _over_sanic_limit(request):
        return body_too_large(request, None)
    try:
        payload = checked_rest_payload(request.body)
    except BadInput as bad:
        return response.json(bad.as_json(), status=bad.status)
    sender = rest_sender_id(payload["sender"])
    conversation = limits.conversation.allow(sender)
    refused = [(decision, limit) for decision, limit in ((client, limits.client), (conversation, limits.conversation))
               if not decision.allowed]
    if refused:
        if is_red_flag(payload["message"]):
            return response.json(await notices.as_rest_replies(sender, responses.EMERGENCY))
        decision, limit = refused[0]
        bad = BadInput(429, "TooManyRequests", f"This {limit.what} has sent more than {limit.per_minute} messages "
                                               f"a minute. Try again in {decision.retry_after} s.")
        return response.json(bad.as_json(), status=429, headers={"Retry-After": str(decision.retry_after)})
    request.parsed_json = payload  # Sanic's parsed body: the REST channel reads this one
    return None


def _over_sanic_limit(request) -> bool:
    """Whether Sanic refused to read this body (declared or received over MAX_REQUEST_BYTES).

    Sanic 21.12 runs the request middleware before its error handler, so this middleware
    sees such a request with an empty body, and must not call it "BodyEmpty".
    """
    declared = request.headers.get("content-length", "")
    received = getattr(request.stream, "request_bytes", 0) or 0
    return (declared.isdigit() and int(declared) > MAX_REQUEST_BYTES) or received > MAX_REQUEST_BYTES


def body_too_large(request, exception):
    """Sanic's PayloadTooLarge, answered in the same JSON shape as the guard's BodyTooLarge."""
    from sanic import response

    logger.warning(f"Refused a request to {request.path} whose body is over {MAX_REQUEST_BYTES} bytes "
                   f"(Content-Length {request.headers.get('content-length', 'not given')}), before reading it.")
    bad = BadInput(413, "BodyTooLarge", f"The request body is larger than the limit of {MAX_REQUEST_BYTES} bytes.")
    return response.json(bad.as_json(), status=413)


def limit_request_sizes(app, _loop=None) -> None:
    """Sanic refuses any request body or WebSocket message over MAX_REQUEST_BYTES before reading it.

    A listener of the REST channel's blueprint (channels/rest.py), run as the server starts:
    the limits are the app's, for every channel and the API.
    """
    from sanic.exceptions import PayloadTooLarge

    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    app.config.WEBSOCKET_MAX_SIZE = MAX_REQUEST_BYTES
    app.error_handler.add(PayloadTooLarge, body_too_large)

