"""Quick replies on each messaging app, within the app's limits, replies that name a choice
("1", "Next step") instead of sending its payload, REST conversations namespaced, and what
each messaging webhook accepts: only the provider (secret token, signature), only its shapes."""
import hashlib
import hmac
import json
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import RasaException
from sanic.request import RequestParameters
from twilio.request_validator import RequestValidator

from channels.buttons import chunked, fits_bytes, numbered_choices, truncate, with_numbered_choices
from channels.choices import ChoiceMemory, ShortPayloads
from channels.facebook import MessengerText, messenger_messages, messenger_texts, signature_valid
from channels.rest import rest_sender_id
from channels.telegram import (
    CALLBACK_DATA_BYTES,
    GREETING,
    Incoming,
    TelegramInput,
    as_patient_text,
    incoming_text,
    keyboard_buttons,
    keyboard_layout,
    secret_token_matches,
)
from channels.twilio import posted_form, sender_number, signed_by_twilio, twilio_message
from channels.webhooks import WrongShape, parsed_json
from tests.conftest import ROOT

STEP_BUTTONS = [
    {"title": "Next step", "payload": "/next_step"},
    {"title": "Previous step", "payload": "/previous_step"},
    {"title": "All topics", "payload": "/help"},
]


def topic_buttons():
    """The 8 buttons of utter_topics, as the domain has them."""
    return Domain.load(str(ROOT / "domain.yml")).responses["utter_topics"][0]["buttons"]


def many_buttons(count):
    return [{"title": f"Choice number {n} with a long title", "payload": f"/choice_{n}"} for n in range(1, count + 1)]


# shared helpers

def test_numbered_choices_follow_the_text_in_one_message():
    text = with_numbered_choices("Please note\nNot medical advice.", STEP_BUTTONS[:2])
    assert text == "Please note\nNot medical advice.\n1. Next step\n2. Previous step"
    assert "\n\n" not in text  # Rasa's connectors send each paragraph as its own message


def test_numbering_can_continue():
    assert numbered_choices(STEP_BUTTONS[:1], first=3) == "3. Next step"
    assert with_numbered_choices("Hi", []) == "Hi"


def test_truncate_keeps_the_limit():
    assert truncate("Contact my care team", 20) == "Contact my care team"
    cut = truncate("Contact my care team now please", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut.startswith("Contact my care")


def test_chunked():
    assert list(chunked([1, 2, 3, 4, 5, 6, 7], 3)) == [[1, 2, 3], [4, 5, 6], [7]]


# what a reply means

def test_a_number_is_the_payload_offered_last_to_that_sender():
    memory = ChoiceMemory()
    memory.offer("+1555", STEP_BUTTONS)
    assert memory.resolve("+1555", "1") == "/next_step"
    assert memory.resolve("+1555", " 2. ") == "/previous_step"
    assert memory.resolve("+1555", "3)") == "/help"
    assert memory.resolve("+1555", "4") == "4"  # not offered: left to the NLU
    assert memory.resolve("+1999", "1") == "1"  # another sender was offered nothing


def test_a_label_is_understood_whatever_the_case():
    memory = ChoiceMemory()
    memory.offer("a", STEP_BUTTONS)
    assert memory.resolve("a", "previous STEP!") == "/previous_step"
    assert memory.resolve("a", "next") == "next"  # free text goes to the NLU, which knows "next"
    assert memory.resolve("a", "what is a stent?") == "what is a stent?"


def test_a_new_turn_forgets_the_old_choices():
    memory = ChoiceMemory()
    memory.offer("a", STEP_BUTTONS)
    memory.start_turn("a")
    assert memory.resolve("a", "1") == "1"


def test_numbers_continue_across_messages_of_one_turn():
    memory = ChoiceMemory()
    assert memory.offer("a", STEP_BUTTONS[:2]) == 1
    assert memory.offer("a", [{"title": "Stents", "payload": "/ask_stent"}]) == 3
    assert memory.resolve("a", "3") == "/ask_stent"


def test_memory_is_bounded():
    memory = ChoiceMemory(max_senders=2)
    for sender in ("a", "b", "c"):
        memory.offer(sender, STEP_BUTTONS)
    assert memory.resolve("a", "1") == "1"
    assert memory.resolve("c", "1") == "/next_step"


def test_sender_ids_may_be_numbers():
    memory = ChoiceMemory()
    memory.offer(42, STEP_BUTTONS)
    assert memory.resolve("42", "1") == "/next_step"


# Twilio: SMS and WhatsApp

def test_whatsapp_replies_come_from_the_whatsapp_address():
    assert sender_number("+15550001111", "whatsapp:+4470000") == "whatsapp:+15550001111"
    assert sender_number("whatsapp:+15550001111", "whatsapp:+4470000") == "whatsapp:+15550001111"
    assert sender_number("+15550001111", "+4470000") == "+15550001111"


def test_twilio_posts_must_be_signed_for_the_registered_url():
    url, form = "https://bot.example.org/webhooks/twilio/webhook", {"From": "+4470000", "Body": "1"}
    signature = RequestValidator("tw-token").compute_signature(url, form)
    assert signed_by_twilio("tw-token", url, form, signature)
    sanic_form = RequestParameters({key: [value] for key, value in form.items()})  # request.form
    assert signed_by_twilio("tw-token", url, sanic_form, signature)
    assert not signed_by_twilio("other-token", url, form, signature)
    assert not signed_by_twilio("tw-token", url, {**form, "Body": "2"}, signature)
    assert not signed_by_twilio("tw-token", "https://elsewhere.example/webhook", form, signature)
    assert not signed_by_twilio("tw-token", url, form, None)


def test_twilio_empty_fields_are_kept_so_that_a_photo_matches_its_signature():
    url, form = "https://bot.example.org/webhooks/twilio/webhook", {"From": "+4470000", "Body": "", "NumMedia": "1"}
    signature = RequestValidator("tw-token").compute_signature(url, form)
    posted = posted_form("application/x-www-form-urlencoded; charset=utf-8", b"From=%2B4470000&Body=&NumMedia=1")
    assert signed_by_twilio("tw-token", url, posted, signature)
    assert twilio_message(posted) == ("+4470000", "")  # the input policy answers nothing to it


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"From": "+4470000", "Body": "hi"}'), (None, b"From=%2B4470000&Body=hi"),
    ("application/x-www-form-urlencoded", b"From=\xff&Body=hi"),
], ids=["JSON", "no content type", "not UTF-8"])
def test_twilio_other_bodies_have_no_fields(content_type, body):
    assert posted_form(content_type, body) == {}


@pytest.mark.parametrize("body, reason", [
    (b"", "SenderMissing"), (b"Body=hi", "SenderMissing"), (b"From=&Body=hi", "SenderMissing"),
    (b"From=%20&Body=hi", "SenderMissing"), (b"From=%2B4470000", "BodyMissing"),
])
def test_twilio_a_post_without_from_or_body_is_the_wrong_shape(body, reason):
    with pytest.raises(WrongShape) as wrong:
        twilio_message(posted_form("application/x-www-form-urlencoded", body))
    assert wrong.value.reason == reason


def test_twilio_at_signs_corrupted_by_carriers_are_mended():
    assert twilio_message(posted_form("application/x-www-form-urlencoded", "From=1&Body=a¡b".encode())) == ("1", "a@b")


# Telegram

def test_telegram_callback_data_fits_64_bytes_and_comes_back():
    short = ShortPayloads()
    long_payload = '/ask_term{"medical_term": "' + "thrombus " * 10 + '"}'
    buttons = keyboard_buttons(STEP_BUTTONS + [{"title": "Clot", "payload": long_payload}], short)
    assert [b["payload"] for b in buttons[:3]] == ["/next_step", "/previous_step", "/help"]
    assert all(fits_bytes(b["payload"], CALLBACK_DATA_BYTES) for b in buttons)
    assert short.expand(buttons[3]["payload"]) == long_payload
    assert short.expand("/next_step") == "/next_step"


def test_telegram_multibyte_payloads_are_measured_in_bytes():
    payload = "/x" + "é" * 40  # 42 characters, 82 bytes
    (button,) = keyboard_buttons([{"title": "é", "payload": payload}], ShortPayloads())
    assert button["payload"] != payload and fits_bytes(button["payload"], CALLBACK_DATA_BYTES)


def test_telegram_layout():
    assert keyboard_layout(STEP_BUTTONS, None) == "inline"
    assert keyboard_layout(topic_buttons(), None) == "vertical"
    assert keyboard_layout(topic_buttons(), "reply") == "reply"


SECRET = "s3cret_token-A"


@pytest.mark.parametrize("received, matches", [
    (SECRET, True), (None, False), ("", False), (SECRET[:-1], False), (SECRET + "x", False), (SECRET.lower(), False),
    (" " + SECRET, False), ("sécret", False), ("\udcff", False),
])
def test_telegram_secret_token_header(received, matches):
    assert secret_token_matches(SECRET, received) is matches


def test_telegram_no_secret_configured_matches_nothing():
    assert not secret_token_matches("", "") and not secret_token_matches("", None)


def telegram_message(**changes):
    message = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "text": "hello"}
    message.update(changes)
    return {key: value for key, value in message.items() if value is not None}


def button_press(data="/next_step", **message):
    return {"id": "1", "data": data, "message": telegram_message(**message)}


@pytest.mark.parametrize("update, expected", [
    ({"update_id": 1, "message": telegram_message()}, Incoming(42, "hello")),
    ({"update_id": 1, "message": telegram_message(chat={"id": -5, "type": "private"})}, Incoming(-5, "hello")),
    ({"update_id": 1, "callback_query": button_press()}, Incoming(42, "/next_step")),
    ({"update_id": 1, "message": telegram_message(text=None, sticker={"file_id": "x"})}, None),
    ({"update_id": 1, "message": telegram_message(text=None, location={"latitude": 1, "longitude": 2})}, None),
    ({"update_id": 1, "message": telegram_message(chat={"id": -5, "type": "group"})}, None),
    ({"update_id": 1, "callback_query": button_press(chat={"id": -5, "type": "supergroup"})}, None),
    ({"update_id": 1, "edited_message": telegram_message()}, None),
    ({"update_id": 1, "channel_post": telegram_message(chat={"id": -100, "type": "channel"})}, None),
    ({"update_id": 1, "my_chat_member": {"chat": {"id": 42}}}, None),
], ids=["text", "negative id", "button", "sticker", "location", "group", "button in a group", "edited",
        "channel post", "membership"])
def test_telegram_updates_telegram_sends(update, expected):
    assert incoming_text(update) == expected


@pytest.mark.parametrize("update, reason", [
    ([{"update_id": 1, "message": telegram_message()}], "NotAnObject"),
    ("hello", "NotAnObject"),
    (None, "NotAnObject"),
    ({}, "NotAnInteger"),
    ({"update_id": True, "message": telegram_message()}, "NotAnInteger"),
    ({"update_id": 1}, "NoMessage"),
    ({"update_id": 1, "message": telegram_message(), "edited_message": telegram_message()}, "SeveralKinds"),
    ({"update_id": 1, "message": ["hello"]}, "NotAnObject"),
    ({"update_id": 1, "message": telegram_message(chat=None)}, "NotAnObject"),
    ({"update_id": 1, "message": telegram_message(chat={"id": "42", "type": "private"})}, "NotAnInteger"),
    ({"update_id": 1, "message": telegram_message(chat={"type": "private"})}, "NotAnInteger"),
    ({"update_id": 1, "message": telegram_message(chat={"id": False, "type": "private"})}, "NotAnInteger"),
    ({"update_id": 1, "message": telegram_message(chat={"id": 42.0, "type": "private"})}, "NotAnInteger"),
    ({"update_id": 1, "message": telegram_message(chat={"id": 42})}, "NotText"),
    ({"update_id": 1, "message": telegram_message(text=42)}, "NotText"),
    ({"update_id": 1, "message": {**telegram_message(), "text": None}}, "NotText"),
    ({"update_id": 1, "message": telegram_message(text=None, sticker={"file_id": "x"}, chat={"id": "a"})},
     "NotAnInteger"),
    ({"update_id": 1, "callback_query": "/next_step"}, "NotAnObject"),
    ({"update_id": 1, "callback_query": {"id": "1", "data": "/next_step"}}, "NotAnObject"),
    ({"update_id": 1, "callback_query": {**button_press(), "data": None}}, "NotText"),
    ({"update_id": 1, "callback_query": button_press(data=7)}, "NotText"),
    ({"update_id": 1, "edited_message": "hello"}, "NotAnObject"),
])
def test_telegram_wrong_shapes(update, reason):
    with pytest.raises(WrongShape) as wrong:
        incoming_text(update)
    assert wrong.value.reason == reason


def test_a_wrong_shape_names_the_field_and_the_type_not_the_content():
    with pytest.raises(WrongShape, match=r"^message\.chat\.id must be a whole number, not text\.$"):
        incoming_text({"update_id": 1, "message": telegram_message(chat={"id": "patient@example.org"})})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["update_id", "message", "callback_query", "chat", "id", "type", "text", "data",
                         "entry", "messaging", "sender", "postback", "payload", "quick_reply", "is_echo",
                         "edited_message", "x"]), children, max_size=5),
    max_leaves=30)


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(JSON_VALUES)
def test_any_json_is_an_update_or_the_wrong_shape_never_an_error(value):
    for check in (incoming_text, messenger_texts):
        try:
            check(value)
        except WrongShape:
            pass


@pytest.mark.parametrize("text, expected", [
    ("/start", GREETING), ("/start@vein_bot", GREETING), ("/start deep-link", GREETING), (" /start ", GREETING),
    ("/started", "/started"), ("start", "start"), ("/help", "/help"), ("", ""), ("what is /start?", "what is /start?"),
])
def test_telegram_start_is_a_greeting(text, expected):
    assert as_patient_text(text) == expected


@pytest.mark.parametrize("raw, reason", [
    (b"", "BodyNotJson"), (b"{not json", "BodyNotJson"), (b'"\xff"', "BodyNotUnicode"),
    (b"[" * 100_000, "BodyNotJson"),
], ids=["empty", "not JSON", "not UTF-8", "nested too deep"])
def test_bodies_that_are_not_json(raw, reason):
    with pytest.raises(WrongShape) as wrong:
        parsed_json(raw)
    assert wrong.value.reason == reason


def test_json_bodies_are_parsed():
    assert parsed_json(json.dumps({"update_id": 1}).encode()) == {"update_id": 1}


TELEGRAM_CREDENTIALS = {"access_token": "123:token", "verify": "vein_bot",
                        "webhook_url": "https://bot.example.org/webhooks/telegram/webhook", "secret_token": SECRET}


@pytest.mark.parametrize("secret", [None, "", "a b", "x" * 257, "tøken", "token="])
def test_telegram_does_not_start_without_a_secret_token_telegram_accepts(secret):
    with pytest.raises(RasaException, match="TELEGRAM_SECRET_TOKEN") as error:
        TelegramInput.from_credentials({**TELEGRAM_CREDENTIALS, "secret_token": secret})
    assert not secret or secret not in str(error.value)


def test_telegram_starts_with_a_secret_token():
    channel = TelegramInput.from_credentials(TELEGRAM_CREDENTIALS)
    assert channel.secret_token == SECRET and channel.api_url == "https://api.telegram.org"


class RecordingBot:
    """Stands in for TelegramOutput at start: records the Bot API calls."""

    def __init__(self, username):
        self.username, self.calls = username, []
        self.session = SimpleNamespace(close=self.close)

    async def get_me(self):
        self.calls.append("getMe")
        return SimpleNamespace(username=self.username)

    async def set_webhook_with_secret(self, url, secret_token):
        self.calls.append(("setWebhook", url, secret_token))
        return True

    async def close(self):
        self.calls.append("close")


async def test_telegram_checks_the_bot_and_registers_the_webhook_with_its_secret_at_start():
    channel, bot = TelegramInput.from_credentials(TELEGRAM_CREDENTIALS), RecordingBot("Vein_Bot")
    await channel._register_webhook(bot)
    assert bot.calls == ["getMe", ("setWebhook", TELEGRAM_CREDENTIALS["webhook_url"], SECRET), "close"]


async def test_telegram_does_not_start_with_another_bots_token():
    channel, bot = TelegramInput.from_credentials(TELEGRAM_CREDENTIALS), RecordingBot("someone_else_bot")
    with pytest.raises(RasaException, match="TELEGRAM_BOT_USERNAME"):
        await channel._register_webhook(bot)
    assert bot.calls == ["getMe", "close"]


async def test_telegram_set_webhook_goes_through_aiogram_with_the_secret_token(monkeypatch):
    from channels.telegram import TelegramOutput

    sent = []

    async def request(self, method, data=None, files=None, **kwargs):
        sent.append((method, data))
        return True

    monkeypatch.setattr(TelegramOutput, "request", request)
    assert await TelegramOutput("123:token").set_webhook_with_secret("https://bot.example.org/hook", SECRET)
    ((method, data),) = sent
    assert method == "setWebhook" and data["url"] == "https://bot.example.org/hook" and data["secret_token"] == SECRET
    assert json.loads(data["allowed_updates"]) == ["message", "callback_query"]


# Messenger

def test_messenger_step_buttons_are_a_button_template():
    (message,) = messenger_messages("Please note\nNot medical advice.", STEP_BUTTONS)
    payload = message["attachment"]["payload"]
    assert payload["template_type"] == "button"
    assert payload["buttons"] == [{"type": "postback", **button} for button in STEP_BUTTONS]


def test_messenger_topics_are_quick_replies_within_limits():
    (message,) = messenger_messages("Pick a topic.", topic_buttons())
    replies = message["quick_replies"]
    assert len(replies) == 8
    assert all(len(reply["title"]) <= 20 and reply["content_type"] == "text" for reply in replies)
    assert replies[-1]["payload"] == "/request_human"


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


@pytest.mark.parametrize("sender, stored", [
    ("me", "rest:me"), ("+15550001111", "rest:+15550001111"), ("web:abc", "rest:web:abc"),
    (12345, "rest:12345"), (None, "rest:default"),
])
def test_rest_conversations_are_namespaced(sender, stored):
    assert rest_sender_id(sender) == stored


def test_the_longest_rest_sender_still_fits_the_tracker_stores_column():
    from rasa.core.tracker_store import SQLTrackerStore

    from server.input_guard import MAX_SENDER_CHARS

    column = SQLTrackerStore.SQLEvent.__table__.columns["sender_id"].type.length
    assert len(rest_sender_id("s" * MAX_SENDER_CHARS)) == column == 255
