"""channels/rest_guard.py: what the REST webhook refuses (4xx, naming the problem) and what it lets through."""
import json

import pytest
from sanic import Sanic
from sanic.request import Request

from channels import rest_guard
from channels.rest_guard import BadInput, checked_rest_payload


def body(payload) -> bytes:
    return json.dumps(payload).encode()


def message(text, sender="patient-1") -> bytes:
    return body({"sender": sender, "message": text})


def refusal(raw: bytes) -> BadInput:
    with pytest.raises(BadInput) as refused:
        checked_rest_payload(raw)
    return refused.value


@pytest.mark.parametrize("raw, status, reason, names", [
    (b"", 400, "BodyEmpty", "empty"),
    (b"  \n", 400, "BodyEmpty", "empty"),
    (b'{"sender": "a", "message": "\xff\xfe"}', 400, "BodyNotUtf8", "UTF-8"),
    (bytes(range(256)), 400, "BodyNotUtf8", "UTF-8"),
    (b"hello there", 400, "BodyNotJson", "not JSON"),
    (b'{"sender": "a", "message": "hi"', 400, "BodyNotJson", "not JSON"),
    (b"[" * 50000 + b"]" * 50000, 413, "BodyTooLarge", "65536"),
    (b"[" * 30000 + b"]" * 30000, 400, "BodyNotJson", "not JSON"),  # nested too deep for the parser
    (body(["a", "hello"]), 400, "BodyNotObject", "not a list"),
    (body(42), 400, "BodyNotObject", "not a number"),
    (body("hello"), 400, "BodyNotObject", "not text"),
    (b"null", 400, "BodyNotObject", "not null"),
    (body({"message": "hello"}), 400, "SenderMissing", '"sender"'),
    (message("hello", sender=12345), 400, "SenderNotText", "not a number"),
    (message("hello", sender=None), 400, "SenderNotText", "not null"),
    (message("hello", sender=["a"]), 400, "SenderNotText", "not a list"),
    (message("hello", sender=""), 400, "SenderEmpty", '"sender"'),
    (message("hello", sender="   "), 400, "SenderEmpty", '"sender"'),
    (message("hello", sender="s" * 251), 400, "SenderTooLong", "250"),
    (message("hello", sender="a\x00b"), 400, "SenderInvalid", "position 1"),
    (b'{"sender": "a\\udc00", "message": "hello"}', 400, "SenderInvalid", "surrogate"),
    (body({"sender": "a"}), 400, "MessageMissing", '"message"'),
    (message(None), 400, "MessageNotText", "not null"),
    (message(42), 400, "MessageNotText", "not a number"),
    (message(True), 400, "MessageNotText", "not true or false"),
    (message(["hello"]), 400, "MessageNotText", "not a list"),
    (message({"text": "hello"}), 400, "MessageNotText", "not an object"),
    (message(""), 400, "MessageEmpty", "empty"),
    (message("   "), 400, "MessageEmpty", "empty"),
    (message("\n\t \u00a0\u3000"), 400, "MessageEmpty", "empty"),
    (message("\u200b\ufeff\x00\x07"), 400, "MessageEmpty", "invisible"),
    (b'{"sender": "a", "message": "hi \\ud800"}', 400, "MessageNotUnicode", "position 3"),
    (message("a" * 2001), 413, "MessageTooLong", "2001 characters; the limit is 2000"),
    (message("what is a stent " * 6250), 413, "BodyTooLarge", "the limit is 65536"),
    (message("/restart"), 400, "ControlCommandRefused", "/restart"),
    (message("  /restart  "), 400, "ControlCommandRefused", "/restart"),
    (message("/restart@0.9"), 400, "ControlCommandRefused", "/restart"),
    (message('/back{"a": 1}'), 400, "ControlCommandRefused", "/back"),
    (message("/session_start"), 400, "ControlCommandRefused", "/session_start"),
    (message("/ back"), 400, "ControlCommandRefused", "/ back"),  # Rasa strips the intent name too
    (body({"sender": "a", "message": "hi", "metadata": [1]}), 400, "MetadataNotObject", "not a list"),
    (body({"sender": "a", "message": "hi", "input_channel": ["x"]}), 400, "InputChannelNotText", "not a list"),
])
def test_bad_input_is_refused_naming_the_problem(raw, status, reason, names):
    refused = refusal(raw)
    assert (refused.status, refused.reason) == (status, reason)
    assert names in refused.message
    assert refused.as_json() == {"status": "failure", "reason": reason, "message": refused.message, "code": status}


@pytest.mark.parametrize("text", [
    "what happens first?", "😀🙏💉", "手术需要多长时间？", "كم من الوقت تستغرق العملية؟", "¿cuánto dura el procedimiento?",
    "<script>alert(1)</script>", "hi\x00there", "a" * 2000, "💉" * 2000, "/next_step", "/restart_me", "/ask_term@0.9",
    "restart", "/ restart it",
])
def test_good_input_goes_to_rasa_unchanged(text):
    raw = body({"sender": "p" * 250, "message": text, "metadata": {"page": "x"}, "input_channel": None})
    assert checked_rest_payload(raw) == json.loads(raw)


def test_a_long_message_with_a_red_flag_is_answered_as_an_emergency():
    text = "I have a question about my procedure next week. " * 50 + "Also my chest feels really tight."
    assert len(text) > rest_guard.MAX_MESSAGE_CHARS
    payload = checked_rest_payload(message(text, sender="p1"))
    assert payload == {"sender": "p1", "message": "/emergency"}


def rest_request(raw: bytes, path: str = "/webhooks/rest/webhook", method: str = "POST") -> Request:
    request = Request(path.encode(), {}, "1.1", method, None, Sanic.get_app("input-guard-test", force_create=True))
    request.body = raw
    return request


async def test_the_middleware_answers_bad_input_with_its_status_and_json():
    answer = await rest_guard.guard_rest_webhook(rest_request(message(None)))
    assert answer.status == 400
    assert answer.content_type == "application/json"
    assert json.loads(answer.body)["reason"] == "MessageNotText"


async def test_the_middleware_hands_good_input_on_parsed_once():
    request = rest_request(message("what happens first?"))
    assert await rest_guard.guard_rest_webhook(request) is None
    assert request.json == {"sender": "patient-1", "message": "what happens first?"}


@pytest.mark.parametrize("path, method", [
    ("/webhooks/telegram/webhook", "POST"), ("/webhooks/twilio/webhook", "POST"),
    ("/webhooks/facebook/webhook", "POST"), ("/webhooks/rest/webhook", "GET"), ("/webhooks/rest/", "GET"),
])
async def test_the_middleware_leaves_other_channels_and_methods_alone(path, method):
    assert await rest_guard.guard_rest_webhook(rest_request(b"not json", path, method)) is None


def test_rasa_run_apps_get_the_guard_on_the_rest_webhook_and_the_size_limits(monkeypatch):
    """The REST channel of credentials.yml brings its guard: Rasa's configure_app, as `rasa run` calls it."""
    import rasa.core.run

    from channels.rest import RestInput

    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps of the same name in one process
    app = rasa.core.run.configure_app([RestInput()], enable_api=False)
    webhook = next(bp for bp in app.blueprints.values() if "webhooks/rest/webhook" in [r.path for r in bp.routes])
    assert [m.middleware for m in webhook._future_middleware if m.attach_to == "request"] == \
        [rest_guard.guard_rest_webhook]
    assert [listener.listener for listener in webhook._future_listeners] == [rest_guard.limit_request_sizes]
