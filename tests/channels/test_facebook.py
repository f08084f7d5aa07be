"""channels/facebook.py: Messenger's button templates and quick replies within its limits, its posts, its signature."""
import hashlib
import hmac

import pytest

from channels.facebook import MessengerText, messenger_messages, messenger_texts, signature_valid
from channels.webhooks import WrongShape
from tests.channels.helpers import STEP_BUTTONS, topic_buttons


def many_buttons(count):
    return [{"title": f"Choice number {n} with a long title", "payload": f"/choice_{n}"} for n in range(1, count + 1)]


def test_messenger_step_buttons_are_a_button_template():
    (message,) = messenger_messages("Please note\nNot medical advice.", STEP_BUTTONS)
    payload = message["attachment"]["payload"]
    assert payload["template_type"] == "button"
    assert payload["buttons"] == [{"type": "postback", **button} for button in STEP_BUTTONS]


def test_messenger_topics_are_quick_replies_within_limits():
    (message,) = messenger_messages("Pick a topic.", topic_buttons())
    replies = message["quick_replies"]
    assert len(replies) == 9
    assert all(len(reply["title"]) <= 20 and reply["content_type"] == "text" for reply in replies)
    assert [reply["payload"] for reply in replies[-2:]] == ["/request_human", "/ask_about_information"]


def test_messenger_long_titles_are_cut_to_20():
    (message,) = messenger_messages("Pick", many_buttons(2))
    assert all(len(b["title"]) <= 20 for b in message["attachment"]["payload"]["buttons"])


def test_messenger_text_too_long_for_a_template_gets_quick_replies():
    (message,) = messenger_messages("word " * 200, STEP_BUTTONS)
    assert len(message["quick_replies"]) == 3 and len(message["text"]) <= 2000


@pytest.mark.parametrize("count", [13])
def test_messenger_13_quick_replies_fit(count):
    (message,) = messenger_messages("Pick", many_buttons(count))
    assert len(message["quick_replies"]) == 13


def test_messenger_more_than_13_are_split_into_templates_of_3():
    messages = messenger_messages("Pick one", many_buttons(14))
    templates = [m["attachment"]["payload"] for m in messages]
    assert [len(t["buttons"]) for t in templates] == [3, 3, 3, 3, 2]
    assert [t["text"] for t in templates] == ["Pick one", "2/5", "3/5", "4/5", "5/5"]
    payloads = [b["payload"] for t in templates for b in t["buttons"]]
    assert payloads == [f"/choice_{n}" for n in range(1, 15)]  # none lost


def test_messenger_long_text_and_many_buttons():
    messages = messenger_messages("word " * 200, many_buttons(14))
    assert "text" in messages[0] and messages[1]["attachment"]["payload"]["text"] == "1/5"


def test_messenger_no_buttons_is_plain_text():
    assert messenger_messages("Hello", []) == [{"text": "Hello"}]


def messenger_post(*events):
    return {"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": list(events)}]}


def messenger_event(psid="7", **event):
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 0, **event}


def test_messenger_texts_quick_replies_and_postbacks_in_order():
    body = messenger_post(
        messenger_event("1", message={"mid": "m1", "text": "hello"}),
        messenger_event("2", message={"mid": "m2", "text": "Next step", "quick_reply": {"payload": "/next_step"}}),
        messenger_event("3", postback={"title": "Topics", "payload": "/help"}),
        messenger_event("4", message={"mid": "m3", "attachments": [{"type": "image", "payload": {"url": "u"}}]}),
        messenger_event("5", message={"mid": "m4", "text": "hi", "is_echo": True}),
        messenger_event("6", delivery={"mids": ["m1"], "watermark": 1}),
        messenger_event("7", read={"watermark": 1}),
    )
    assert messenger_texts(body) == [MessengerText("1", "hello"), MessengerText("2", "/next_step"),
                                     MessengerText("3", "/help")]


@pytest.mark.parametrize("body, reason", [
    ([], "NotAnObject"), ("hello", "NotAnObject"), ({}, "NotAList"), ({"object": "page", "entry": {}}, "NotAList"),
    ({"object": "page", "entry": [1]}, "NotAnObject"), ({"object": "page", "entry": [{"id": "PAGE"}]}, "NotAList"),
    (messenger_post("hello"), "NotAnObject"),
    (messenger_post({"recipient": {"id": "PAGE"}, "message": {"text": "hi"}}), "NotAnObject"),
    (messenger_post(messenger_event(7, message={"text": "hi"})), "NotText"),
    (messenger_post(messenger_event()), "NoMessage"),
    (messenger_post(messenger_event(message="hi")), "NotAnObject"),
    (messenger_post(messenger_event(message={"text": 42})), "NotText"),
    (messenger_post(messenger_event(message={"text": "x", "quick_reply": "p"})), "NotAnObject"),
    (messenger_post(messenger_event(message={"text": "x", "quick_reply": {"payload": None}})), "NotText"),
    (messenger_post(messenger_event(postback={"title": "Next"})), "NotText"),
    (messenger_post(messenger_event(message={"text": "hi"}), messenger_event(message={"text": 1})), "NotText"),
])
def test_messenger_wrong_shapes(body, reason):
    with pytest.raises(WrongShape) as wrong:
        messenger_texts(body)
    assert wrong.value.reason == reason


def sign(secret, body, algorithm):
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def test_messenger_signature():
    body = b'{"object": "page"}'
    assert signature_valid("s3cret", body, {"X-Hub-Signature-256": sign("s3cret", body, "sha256")})
    assert signature_valid("s3cret", body, {"X-Hub-Signature": sign("s3cret", body, "sha1")})
    assert not signature_valid("s3cret", body, {"X-Hub-Signature-256": sign("other", body, "sha256")})
    assert not signature_valid("s3cret", body + b" ", {"X-Hub-Signature-256": sign("s3cret", body, "sha256")})
    assert not signature_valid("s3cret", body, {"X-Hub-Signature": sign("s3cret", body, "md5")})
    assert not signature_valid("s3cret", body, {})
    assert not signature_valid("s3cret", body, {"X-Hub-Signature-256": "sha256=é"})  # was a TypeError: a 500
