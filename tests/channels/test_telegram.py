"""channels/telegram.py: keyboards within Telegram's limits, the secret token, the updates Telegram sends, the bot at start."""
import json
from types import SimpleNamespace

import pytest
from rasa.shared.exceptions import RasaException

from channels.buttons import fits_bytes
from channels.choices import ShortPayloads
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
from channels.webhooks import WrongShape
from tests.channels.helpers import STEP_BUTTONS, topic_buttons


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


@pytest.mark.parametrize("text, expected", [
    ("/start", GREETING), ("/start@vein_bot", GREETING), ("/start deep-link", GREETING), (" /start ", GREETING),
    ("/started", "/started"), ("start", "start"), ("/help", "/help"), ("", ""), ("what is /start?", "what is /start?"),
])
def test_telegram_start_is_a_greeting(text, expected):
    assert as_patient_text(text) == expected


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

