"""Telegram, Twilio (SMS and WhatsApp) and Messenger with the real Rasa and
action servers: webhooks in each provider's own format go in, and the answers
(text, disclaimer, buttons or numbered choices) reach a fake provider API on
loopback, for the same sender."""
import hashlib
import hmac
import json
import os
import random

import pytest
import requests
from twilio.request_validator import RequestValidator

from scripts import credentials as builder
from tests.e2e.fake_providers import BOT_USERNAME, fake_providers
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

TWILIO_NUMBER = "+15550001111"
TWILIO_AUTH_TOKEN = "test-auth-token"
# the public URL Twilio posts to (behind a proxy), which it signs
TWILIO_WEBHOOK_URL = "https://bot.example.org/webhooks/twilio/webhook"
APP_SECRET = "test-app-secret"


def channel_env(fake):
    return {
        "TELEGRAM_ACCESS_TOKEN": "123456789:TEST-token_for-the-fake-api-0000000",
        "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
        "TELEGRAM_API_URL": fake.base_url("telegram"),
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_URL": fake.base_url("twilio"),
        "FACEBOOK_VERIFY_TOKEN": "test-verify-token",
        "FACEBOOK_APP_SECRET": APP_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "test-page-token",
        "FACEBOOK_API_URL": fake.base_url("facebook"),
    }


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(Rasa URL, fake providers), with all three channels on, built as `make run` builds them."""
    with fake_providers() as fake:
        env = channel_env(fake)
        credentials = tmp_path_factory.mktemp("channels") / "credentials.yml"
        assert builder.main(["--out", str(credentials)], environ={**os.environ, **env}) == 0
        with running_assistant(trained_model(), env, credentials=credentials) as url:
            yield url, fake


def new_id():
    return random.randrange(10**8, 10**9)


# Telegram

def telegram_update(chat_id, text=None, callback_data=None):
    message = {"message_id": new_id(), "date": 0, "chat": {"id": chat_id, "type": "private"},
               "from": {"id": chat_id, "is_bot": False, "first_name": "Pat"}}
    if callback_data is None:
        return {"update_id": new_id(), "message": {**message, "text": text}}
    return {"update_id": new_id(), "callback_query": {
        "id": str(new_id()), "from": message["from"], "chat_instance": "1", "data": callback_data,
        "message": {**message, "from": {"id": 1, "is_bot": True, "first_name": "Vein"}, "text": "..."},
    }}


def telegram_sent(fake, chat_id):
    return [call.body for call in fake.made("telegram", "sendMessage") if call.body["chat_id"] == str(chat_id)]


def callback_data(sent_message):
    keyboard = json.loads(sent_message["reply_markup"])["inline_keyboard"]
    return [button["callback_data"] for row in keyboard for button in row]


def test_telegram_registers_its_webhook_at_start(servers):
    _, fake = servers
    (call,) = fake.made("telegram", "setWebhook")
    assert call.body["url"] == "https://bot.example.org/webhooks/telegram/webhook"


def test_telegram_step_answer_with_inline_buttons(servers):
    url, fake = servers
    chat = new_id()
    reply = requests.post(f"{url}/webhooks/telegram/webhook", json=telegram_update(chat, "what happens first?"), timeout=60)
    assert reply.status_code == 200
    sent = telegram_sent(fake, chat)
    assert sent[0]["text"].startswith("Step 1 of 6:")
    assert "not medical advice" in sent[-1]["text"]
    assert callback_data(sent[-1]) == ["/next_step", "/help"]

    # pressing "Next step"
    requests.post(f"{url}/webhooks/telegram/webhook", json=telegram_update(chat, callback_data="/next_step"), timeout=60)
    after = telegram_sent(fake, chat)[len(sent):]
    assert after[0]["text"].startswith("Step 2 of 6:")
    assert callback_data(after[-1]) == ["/next_step", "/previous_step", "/help"]


def test_telegram_topics_are_one_button_per_row(servers):
    url, fake = servers
    chat = new_id()
    requests.post(f"{url}/webhooks/telegram/webhook", json=telegram_update(chat, "hello"), timeout=60)
    with_keyboard = [m for m in telegram_sent(fake, chat) if "reply_markup" in m]
    keyboard = json.loads(with_keyboard[-1]["reply_markup"])["inline_keyboard"]
    assert len(keyboard) == 8 and all(len(row) == 1 for row in keyboard)
    assert keyboard[0][0]["callback_data"] == "/ask_overview"


# Twilio: SMS and WhatsApp

def twilio_post(url, sender, text, auth_token=TWILIO_AUTH_TOKEN):
    form = {"From": sender, "Body": text, "To": TWILIO_NUMBER}
    signature = RequestValidator(auth_token).compute_signature(TWILIO_WEBHOOK_URL, form)
    return requests.post(f"{url}/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature},
                         timeout=60)


def twilio_say(url, sender, text):
    assert twilio_post(url, sender, text).status_code in (200, 204)


def twilio_sent(fake, recipient):
    return [call.body for call in fake.made("twilio", "Messages.json") if call.body["To"] == recipient]


def test_sms_step_answer_with_numbered_choices_and_a_reply_of_1(servers):
    url, fake = servers
    patient = f"+1555{new_id()}"
    twilio_say(url, patient, "what happens first?")
    first = twilio_sent(fake, patient)
    assert first[0]["Body"].startswith("Step 1 of 6:")
    assert all(message["From"] == TWILIO_NUMBER for message in first)
    assert "not medical advice" in first[-1]["Body"]
    assert first[-1]["Body"].endswith("\n1. Next step\n2. All topics")

    twilio_say(url, patient, "1")
    second = twilio_sent(fake, patient)[len(first):]
    assert second[0]["Body"].startswith("Step 2 of 6:")
    assert second[-1]["Body"].endswith("\n1. Next step\n2. Previous step\n3. All topics")

    twilio_say(url, patient, "previous step")
    third = twilio_sent(fake, patient)[len(first) + len(second):]
    assert third[0]["Body"].startswith("Step 1 of 6:")


def test_whatsapp_answers_from_the_whatsapp_address(servers):
    url, fake = servers
    patient = f"whatsapp:+44{new_id()}"
    twilio_say(url, patient, "what happens first?")
    sent = twilio_sent(fake, patient)
    assert sent[0]["Body"].startswith("Step 1 of 6:")
    assert {message["From"] for message in sent} == {"whatsapp:" + TWILIO_NUMBER}
    assert "not medical advice" in sent[-1]["Body"] and "1. Next step" in sent[-1]["Body"]


def test_twilio_rejects_an_unsigned_post(servers):
    url, fake = servers
    patient = f"+1555{new_id()}"
    forged = requests.post(f"{url}/webhooks/twilio/webhook", data={"From": patient, "Body": "hello"}, timeout=60)
    assert forged.status_code == 403
    assert twilio_post(url, patient, "hello", auth_token="wrong-token").status_code == 403
    assert twilio_sent(fake, patient) == []


# Messenger

def messenger_event(psid, **event):
    return {"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 0, **event}]}]}


def messenger_post(url, body, secret=APP_SECRET):
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return requests.post(f"{url}/webhooks/facebook/webhook", data=raw, timeout=60,
                         headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def messenger_sent(fake, psid):
    return [call.body["message"] for call in fake.made("facebook", "me/messages")
            if call.body["recipient"]["id"] == psid and "message" in call.body]


def test_messenger_step_answer_with_a_button_template(servers):
    url, fake = servers
    psid = str(new_id())
    reply = messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "what happens first?"}))
    assert reply.status_code == 200
    sent = messenger_sent(fake, psid)
    assert sent[0]["text"].startswith("Step 1 of 6:")
    template = sent[-1]["attachment"]["payload"]
    assert "not medical advice" in template["text"]
    assert [(b["type"], b["title"], b["payload"]) for b in template["buttons"]] == [
        ("postback", "Next step", "/next_step"), ("postback", "All topics", "/help")]

    messenger_post(url, messenger_event(psid, postback={"title": "Next step", "payload": "/next_step"}))
    assert messenger_sent(fake, psid)[len(sent)]["text"].startswith("Step 2 of 6:")


def test_messenger_topics_are_quick_replies(servers):
    url, fake = servers
    psid = str(new_id())
    messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "hello"}))
    quick = [m for m in messenger_sent(fake, psid) if "quick_replies" in m]
    replies = quick[-1]["quick_replies"]
    assert len(replies) == 8 and all(len(r["title"]) <= 20 for r in replies)
    messenger_post(url, messenger_event(psid, message={
        "mid": "m2", "text": replies[1]["title"], "quick_reply": {"payload": replies[1]["payload"]}}))
    assert messenger_sent(fake, psid)[-2]["text"].startswith("Step 1 of 6:")


@pytest.mark.parametrize("header", ["X-Hub-Signature-256", "X-Hub-Signature", None])
def test_messenger_rejects_a_bad_signature(servers, header):
    url, fake = servers
    psid = str(new_id())
    raw = json.dumps(messenger_event(psid, message={"mid": "m1", "text": "hello"})).encode()
    headers = {"Content-Type": "application/json"}
    if header:
        algorithm = hashlib.sha256 if header.endswith("256") else hashlib.sha1
        headers[header] = f"{algorithm().name}=" + hmac.new(b"wrong-secret", raw, algorithm).hexdigest()
    reply = requests.post(f"{url}/webhooks/facebook/webhook", data=raw, headers=headers, timeout=60)
    assert reply.status_code == 403
    assert not [call for call in fake.made("facebook", "me/messages") if call.body["recipient"]["id"] == psid]


def test_messenger_webhook_verification(servers):
    url, _ = servers
    params = {"hub.mode": "subscribe", "hub.challenge": "4242"}
    ok = requests.get(f"{url}/webhooks/facebook/webhook", params={**params, "hub.verify_token": "test-verify-token"})
    assert ok.status_code == 200 and ok.text == "4242"
    bad = requests.get(f"{url}/webhooks/facebook/webhook", params={**params, "hub.verify_token": "nope"})
    assert bad.status_code == 403
