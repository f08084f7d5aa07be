"""Telegram, Twilio (SMS and WhatsApp) and Messenger with the real Rasa and
action servers: webhooks in each provider's own format go in, and the answers
(text, disclaimer, buttons or numbered choices) reach a fake provider API on
loopback, for the same sender.

Every door as strong as the front door: an attack test posted forged, unsigned
Telegram updates (stored in the chat id's conversation and answered to a chat id
of its choosing), /restart over Telegram, GET /webhooks/telegram/set_webhook, and
badly shaped JSON (a list, a string, no message, a string chat id: 500s). Each is
kept here as a test. "Nothing stored" counts every row of the events table, never
rows looked up by sender id (the store may key conversations by a hash of it).
"""
import hashlib
import hmac
import html
import json
import os
import random
import re
import sqlite3
from collections import Counter
from contextlib import closing

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from scripts import credentials as builder
from tests.conftest import ROOT
from tests.e2e.fake_providers import BOT_USERNAME, fake_providers
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

TWILIO_NUMBER = "+15550001111"
TWILIO_AUTH_TOKEN = "test-auth-token"
# the public URL Twilio posts to (behind a proxy), which it signs
TWILIO_WEBHOOK_URL = "https://bot.example.org/webhooks/twilio/webhook"
APP_SECRET = "test-app-secret"
TELEGRAM_SECRET = "test-secret_token-0123456789"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_WEBHOOK_URL = "https://bot.example.org/webhooks/telegram/webhook"
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
# the disclaimer ends each procedure answer's own message: the full wording once, at the start, then the short line
FULL, SHORT = RESPONSES["utter_disclaimer"][0]["text"], RESPONSES["utter_disclaimer_short"][0]["text"]
EMERGENCY_NUMBER = "999"
# a message for every kind of procedure answer: steps, topics, terms, declined advice, about this information
PROCEDURE_QUESTIONS = ["/ask_venography", "/ask_completion", "/ask_stent", "/ask_duration", "what is a guidewire?",
                       "should I stop my blood thinners?", "/ask_about_information"]


def ends_with_disclaimer(text, question):
    """The disclaimer is the last line of the answer's text, followed by nothing but numbered choices."""
    expected = FULL if question == "/ask_about_information" else SHORT
    _, found, after = text.rpartition(f"\n{expected}")
    return bool(found) and re.fullmatch(r"(\n\d+\. [^\n]+)*", after) is not None


def channel_env(fake):
    return {
        "TELEGRAM_ACCESS_TOKEN": "123456789:TEST-token_for-the-fake-api-0000000",
        "TELEGRAM_BOT_USERNAME": BOT_USERNAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
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
        "EMERGENCY_NUMBER": EMERGENCY_NUMBER,
    }


@pytest.fixture(scope="module")
def events_db(tmp_path_factory):
    """The SQLite file the Rasa server of this module stores conversations in."""
    return tmp_path_factory.mktemp("var") / "conversations.db"


@pytest.fixture(scope="module")
def processes():
    """The running "rasa" and "actions" processes of this module (to read the logs)."""
    return {}


@pytest.fixture(scope="module")
def servers(tmp_path_factory, events_db, processes):
    """(Rasa URL, fake providers), with all three channels on, built as `make run` builds them."""
    with fake_providers() as fake:
        env = channel_env(fake)
        credentials = tmp_path_factory.mktemp("channels") / "credentials.yml"
        assert builder.main(["--out", str(credentials)], environ={**os.environ, **env}) == 0
        with running_assistant(trained_model(), env, credentials=credentials, tracker_db=events_db,
                               processes=processes) as url:
            yield url, fake


def new_id():
    return random.randrange(10**8, 10**9)


def stored_input_channels(db):
    """Each stored user message's input_channel, and how many."""
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT json_extract(data, '$.input_channel') FROM events WHERE type_name = 'user'")
        return Counter(channel for (channel,) in rows)


def stored_rows(db):
    """Every row of the events table, of every conversation."""
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]


class NothingHappens:
    """Asserts that, inside the block, no row was stored and no provider API was called to send."""

    SENDING = (("telegram", "sendMessage"), ("twilio", "Messages.json"), ("facebook", "me/messages"))

    def __init__(self, db, fake):
        self.db, self.fake = db, fake

    def counts(self):
        return stored_rows(self.db), {method: len(self.fake.made(*method)) for method in self.SENDING}

    def __enter__(self):
        self.before = self.counts()
        return self

    def __exit__(self, kind, *_):
        if kind is None:
            assert self.counts() == self.before


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


def telegram_post(url, body=None, secret=TELEGRAM_SECRET, raw=None, path="/webhooks/telegram/webhook"):
    """POST an update (or raw bytes) as Telegram does, with the secret token header unless secret is None."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(url + path, data=data, headers=headers, timeout=60)


def telegram_say(url, chat_id, text=None, callback_data=None):
    assert telegram_post(url, telegram_update(chat_id, text, callback_data)).status_code == 200


def telegram_sent(fake, chat_id):
    """What the bot sent this chat, each text as the patient sees it: Telegram renders it as HTML."""
    sent = [call.body for call in fake.made("telegram", "sendMessage") if call.body.get("chat_id") == str(chat_id)]
    assert all(body.get("parse_mode") == "HTML" for body in sent), sent
    return [{**body, "html": body["text"], "text": html.unescape(re.sub(r"</?b>", "", body["text"]))} for body in sent]


def callback_data(sent_message):
    keyboard = json.loads(sent_message["reply_markup"])["inline_keyboard"]
    return [button["callback_data"] for row in keyboard for button in row]


def test_telegram_registers_its_webhook_with_the_secret_token_at_start(servers):
    _, fake = servers
    (call,) = fake.made("telegram", "setWebhook")
    assert call.body["url"] == TELEGRAM_WEBHOOK_URL
    assert call.body["secret_token"] == TELEGRAM_SECRET
    # only the kinds of update the assistant reads
    assert json.loads(call.body["allowed_updates"]) == ["message", "callback_query"]


def test_telegram_step_answer_with_inline_buttons(servers):
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "what happens first?")
    sent = telegram_sent(fake, chat)
    assert len(sent) == 1 and sent[0]["text"].startswith("Step 1 of 6:")
    heading, body = sent[0]["html"].split("\n", 1)
    assert heading.startswith("<b>Step 1 of 6:") and heading.endswith("</b>") and "<b>" not in body  # bold heading
    assert sent[0]["text"].endswith(f"\n{FULL}")  # the disclaimer, in the same message
    assert callback_data(sent[-1]) == ["/next_step", "/help"]

    # pressing "Next step"
    telegram_say(url, chat, callback_data="/next_step")
    after = telegram_sent(fake, chat)[len(sent):]
    assert len(after) == 1 and after[0]["text"].startswith("Step 2 of 6:") and after[0]["text"].endswith(f"\n{SHORT}")
    assert callback_data(after[-1]) == ["/next_step", "/previous_step", "/help"]


@pytest.mark.parametrize("question", PROCEDURE_QUESTIONS)
def test_telegram_every_procedure_answer_carries_the_disclaimer(servers, question):
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "/ask_overview")
    before = len(telegram_sent(fake, chat))
    telegram_say(url, chat, question)
    answer = telegram_sent(fake, chat)[before:]
    assert ends_with_disclaimer(answer[-1]["text"], question) and "reply_markup" in answer[-1], answer
    assert not any(m["text"] in (FULL, SHORT) for m in answer)


def test_telegram_emergency_answer_says_the_number_alone(servers):
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "my leg went cold and blue and I can't feel my foot")
    [sent] = telegram_sent(fake, chat)
    assert f"Call {EMERGENCY_NUMBER} now" in sent["text"] and "Do not drive yourself." in sent["text"]
    assert "reply_markup" not in sent and "not medical advice" not in sent["text"]


def test_telegram_topics_are_one_button_per_row(servers):
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "hello")
    with_keyboard = [m for m in telegram_sent(fake, chat) if "reply_markup" in m]
    keyboard = json.loads(with_keyboard[-1]["reply_markup"])["inline_keyboard"]
    assert len(keyboard) == 9 and all(len(row) == 1 for row in keyboard)
    assert keyboard[-1][0]["callback_data"] == "/ask_about_information"
    assert keyboard[0][0]["callback_data"] == "/ask_overview"


@pytest.mark.parametrize("start", ["/start", "/start@" + BOT_USERNAME, "/start from-a-link"])
def test_telegram_start_is_a_greeting(servers, start):
    """Telegram sends /start when a patient first opens the bot."""
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, start)
    assert telegram_sent(fake, chat)[0]["text"] == RESPONSES["utter_greet"][0]["text"]


def test_telegram_checks_the_bot_once_at_start_not_for_every_message(servers):
    url, fake = servers
    calls = len(fake.made("telegram", "getMe"))
    telegram_say(url, new_id(), "hello")
    assert len(fake.made("telegram", "getMe")) == calls <= 1


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET[:-1], TELEGRAM_SECRET + "0",
                                    TELEGRAM_SECRET.upper(), "Bearer " + TELEGRAM_SECRET, "sécret"],
                         ids=["no header", "empty", "wrong", "prefix", "longer", "upper case", "bearer", "not ascii"])
def test_telegram_refuses_an_update_without_the_secret_token(servers, events_db, secret):
    """A forged update (for the chat id of a real conversation) is neither stored nor answered."""
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "what happens first?")
    with NothingHappens(events_db, fake):
        for update in (telegram_update(chat, "hello"), telegram_update(chat, callback_data="/next_step"),
                       telegram_update(chat, "/restart"), telegram_update(new_id(), "what happens first?")):
            assert telegram_post(url, update, secret=secret).status_code == 403
    # the real conversation goes on where it was
    before = len(telegram_sent(fake, chat))
    telegram_say(url, chat, callback_data="/next_step")
    assert telegram_sent(fake, chat)[before]["text"].startswith("Step 2 of 6:")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_set_webhook_route_is_gone(servers, method):
    url, fake = servers
    for secret in (None, TELEGRAM_SECRET):
        headers = {SECRET_HEADER: secret} if secret else {}
        reply = requests.request(method, f"{url}/webhooks/telegram/set_webhook", headers=headers, timeout=60)
        assert reply.status_code == 404
    assert len(fake.made("telegram", "setWebhook")) == 1  # the one at start


def test_telegram_webhook_answers_only_post(servers):
    url, _ = servers
    reply = requests.get(f"{url}/webhooks/telegram/webhook", headers={SECRET_HEADER: TELEGRAM_SECRET}, timeout=60)
    assert reply.status_code == 405  # Rasa's handler returned nothing for GET: a 500


def telegram_message(**changes):
    """A private-chat text message from chat 424242, with keys changed (None: removed)."""
    message = {"message_id": 7, "date": 0, "chat": {"id": 424242, "type": "private"},
               "from": {"id": 424242, "is_bot": False, "first_name": "Pat"}, "text": "hello"}
    message.update(changes)
    return {key: value for key, value in message.items() if value is not None}


TELEGRAM_WRONG_SHAPES = {
    "a list": [{"update_id": 1, "message": telegram_message()}],
    "a string": "hello",
    "an update as a JSON string": json.dumps({"update_id": 1, "message": telegram_message()}),
    "a number": 42,
    "null": None,
    "an empty object": {},
    "no update_id": {"message": telegram_message()},
    "update_id a string": {"update_id": "1", "message": telegram_message()},
    "no message": {"update_id": 1},
    "message a string": {"update_id": 1, "message": "hello"},
    "message and callback_query": {"update_id": 1, "message": telegram_message(),
                                   "callback_query": {"id": "1", "data": "/help", "message": telegram_message()}},
    "no chat": {"update_id": 1, "message": telegram_message(chat=None)},
    "chat a number": {"update_id": 1, "message": telegram_message(chat=424242)},
    "chat id a string": {"update_id": 1, "message": telegram_message(chat={"id": "424242", "type": "private"})},
    "chat id a name": {"update_id": 1, "message": telegram_message(chat={"id": "@someone", "type": "private"})},
    "chat id missing": {"update_id": 1, "message": telegram_message(chat={"type": "private"})},
    "chat id true": {"update_id": 1, "message": telegram_message(chat={"id": True, "type": "private"})},
    "chat id a fraction": {"update_id": 1, "message": telegram_message(chat={"id": 4.5, "type": "private"})},
    "text a number": {"update_id": 1, "message": telegram_message(text=42)},
    "text a list": {"update_id": 1, "message": telegram_message(text=["hello"])},
    "text an object": {"update_id": 1, "message": telegram_message(text={"text": "hello"})},
    "callback_query a string": {"update_id": 1, "callback_query": "/help"},
    "callback_query without message": {"update_id": 1, "callback_query": {"id": "1", "data": "/help"}},
    "callback data a number": {"update_id": 1, "callback_query": {"id": "1", "data": 5, "message": telegram_message()}},
    "callback chat id a string": {"update_id": 1, "callback_query": {
        "id": "1", "data": "/help", "message": telegram_message(chat={"id": "424242", "type": "private"})}},
    "edited_message a string": {"update_id": 1, "edited_message": "hello"},
}
TELEGRAM_NOT_JSON = {"not JSON": b"{not json", "not UTF-8": b'{"update_id": 1, "text": "\xff"}', "empty": b"",
                     "nested too deep": b"[" * 100_000}


@pytest.mark.parametrize("body", list(TELEGRAM_WRONG_SHAPES.values()), ids=list(TELEGRAM_WRONG_SHAPES))
def test_telegram_wrong_shapes_get_400_and_nothing_happens(servers, events_db, body):
    url, fake = servers
    with NothingHappens(events_db, fake):
        reply = telegram_post(url, body)
        assert reply.status_code == 400, reply.text
        assert reply.json()["status"] == "failure" and reply.json()["reason"]
    chat = new_id()
    telegram_say(url, chat, "what happens first?")  # the server carries on
    assert telegram_sent(fake, chat)[0]["text"].startswith("Step 1 of 6:")


@pytest.mark.parametrize("raw", list(TELEGRAM_NOT_JSON.values()), ids=list(TELEGRAM_NOT_JSON))
def test_telegram_bodies_that_are_not_json_get_400(servers, events_db, raw):
    url, fake = servers
    with NothingHappens(events_db, fake):
        assert telegram_post(url, raw=raw).status_code == 400


TELEGRAM_WITHOUT_TEXT = {
    "a sticker": {"message": telegram_message(text=None, sticker={"file_id": "x", "file_unique_id": "y",
                                                                   "width": 512, "height": 512, "is_animated": False})},
    "a photo": {"message": telegram_message(text=None, photo=[{"file_id": "x", "file_unique_id": "y",
                                                                "width": 90, "height": 90}])},
    "a photo with a caption": {"message": telegram_message(text=None, caption="my leg", photo=[
        {"file_id": "x", "file_unique_id": "y", "width": 90, "height": 90}])},
    "a location": {"message": telegram_message(text=None, location={"latitude": 51.5, "longitude": -0.1})},
    "a voice message": {"message": telegram_message(text=None, voice={"file_id": "x", "file_unique_id": "y",
                                                                       "duration": 3})},
    "an edited message": {"edited_message": telegram_message(edit_date=1)},
    "a channel post": {"channel_post": telegram_message(chat={"id": -100123, "type": "channel"}, **{"from": None})},
    "an edited channel post": {"edited_channel_post": telegram_message(chat={"id": -100123, "type": "channel"})},
    "a group message": {"message": telegram_message(chat={"id": -4242, "type": "group", "title": "family"})},
    "the bot added to a chat": {"my_chat_member": {"chat": {"id": 424242, "type": "private"}, "date": 0}},
    "a kind of update not known yet": {"something_new": {"id": 1}},
}


@pytest.mark.parametrize("update", list(TELEGRAM_WITHOUT_TEXT.values()), ids=list(TELEGRAM_WITHOUT_TEXT))
def test_telegram_updates_without_a_patients_text_are_accepted_and_ignored(servers, events_db, update):
    url, fake = servers
    with NothingHappens(events_db, fake):
        assert telegram_post(url, {"update_id": new_id(), **update}).status_code == 200


def test_the_log_names_each_refusal_never_its_content(servers, processes):
    url, _ = servers
    assert telegram_post(url, telegram_update(new_id(), "my swollen left calf zqx-calf"), secret="forged").status_code == 403
    wrong = {"update_id": 1, "message": telegram_message(chat={"id": "zqx-patient", "type": "private"})}
    assert telegram_post(url, wrong).status_code == 400
    assert messenger_post(url, messenger_entry(messenger_message("zqx-psid", message={"text": ["zqx-text"]}))).status_code == 400
    log = processes["rasa"].output(limit=10**8)
    assert "telegram: refused an update without the webhook's secret token" in log
    assert "telegram: refused a post of the wrong shape (NotAnInteger: message.chat.id must be a whole number" in log
    assert "facebook: refused a post of the wrong shape (NotText: entry[0].messaging[0].message.text" in log
    for content in ("zqx-calf", "zqx-patient", "zqx-psid", "zqx-text"):
        assert content not in log


def test_a_30000_character_telegram_message_gets_the_too_long_notice_only(servers, events_db):
    url, fake = servers
    chat = new_id()
    rows, sent = stored_rows(events_db), len(fake.made("telegram", "sendMessage"))
    telegram_say(url, chat, ("what happens first? " * 1500)[:30_000])
    # the channel's own notice says the configured emergency number too (channels/notices.py, channels/nlg.py)
    notice = RESPONSES["utter_message_too_long"][0]["text"].replace("your local emergency number", EMERGENCY_NUMBER)
    assert [message["text"] for message in telegram_sent(fake, chat)] == [notice]
    assert len(fake.made("telegram", "sendMessage")) == sent + 1
    assert stored_rows(events_db) == rows


def test_restart_over_telegram_is_not_processed(servers, events_db):
    url, fake = servers
    chat = new_id()
    telegram_say(url, chat, "what happens first?")
    telegram_say(url, chat, callback_data="/next_step")
    with NothingHappens(events_db, fake):
        for text in ("/restart", " /restart ", "/restart@" + BOT_USERNAME, "/session_start", "/back"):
            telegram_say(url, chat, text)
        telegram_say(url, chat, callback_data="/restart")
    before = len(telegram_sent(fake, chat))
    telegram_say(url, chat, "next")
    assert telegram_sent(fake, chat)[before]["text"].startswith("Step 3 of 6:")  # where it was


# Twilio: SMS and WhatsApp

def twilio_post(url, sender, text, auth_token=TWILIO_AUTH_TOKEN):
    return twilio_post_form(url, {"From": sender, "Body": text, "To": TWILIO_NUMBER}, auth_token)


def twilio_post_form(url, form, auth_token=TWILIO_AUTH_TOKEN):
    """POST this form as Twilio does, signed over the public webhook URL."""
    signature = RequestValidator(auth_token).compute_signature(TWILIO_WEBHOOK_URL, form)
    return requests.post(f"{url}/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature},
                         timeout=60)


def twilio_say(url, sender, text):
    assert twilio_post(url, sender, text).status_code in (200, 204)


def twilio_sent(fake, recipient):
    return [call.body for call in fake.made("twilio", "Messages.json") if call.body["To"] == recipient]


def test_sms_step_answer_with_numbered_choices_and_a_reply_of_1(servers, events_db):
    url, fake = servers
    patient = f"+1555{new_id()}"
    before = stored_input_channels(events_db)
    twilio_say(url, patient, "what happens first?")
    assert stored_input_channels(events_db) - before == Counter({"twilio": 1})
    first = twilio_sent(fake, patient)
    assert len(first) == 1 and first[0]["Body"].startswith("Step 1 of 6:")
    assert all(message["From"] == TWILIO_NUMBER for message in first)
    # one SMS: the answer, its disclaimer as the last line, then the choices
    assert first[-1]["Body"].endswith(f"\n{FULL}\n1. Next step\n2. All topics")

    twilio_say(url, patient, "1")
    second = twilio_sent(fake, patient)[len(first):]
    assert second[0]["Body"].startswith("Step 2 of 6:")
    assert second[-1]["Body"].endswith(f"\n{SHORT}\n1. Next step\n2. Previous step\n3. All topics")

    twilio_say(url, patient, "previous step")
    third = twilio_sent(fake, patient)[len(first) + len(second):]
    assert third[0]["Body"].startswith("Step 1 of 6:")


def test_whatsapp_answers_from_the_whatsapp_address(servers, events_db):
    url, fake = servers
    patient = f"whatsapp:+44{new_id()}"
    before = stored_input_channels(events_db)
    twilio_say(url, patient, "what happens first?")
    # stored as WhatsApp, not SMS (the staff console counts them apart)
    assert stored_input_channels(events_db) - before == Counter({"twilio_whatsapp": 1})
    sent = twilio_sent(fake, patient)
    assert sent[0]["Body"].startswith("Step 1 of 6:")
    assert {message["From"] for message in sent} == {"whatsapp:" + TWILIO_NUMBER}
    assert f"\n{FULL}\n1. Next step" in sent[-1]["Body"]


@pytest.mark.parametrize("patient_prefix", ["+1555", "whatsapp:+44"])
@pytest.mark.parametrize("question", PROCEDURE_QUESTIONS)
def test_sms_and_whatsapp_every_procedure_answer_carries_the_disclaimer(servers, question, patient_prefix):
    url, fake = servers
    patient = f"{patient_prefix}{new_id()}"
    twilio_say(url, patient, "/ask_overview")
    before = len(twilio_sent(fake, patient))
    twilio_say(url, patient, question)
    answer = twilio_sent(fake, patient)[before:]
    assert ends_with_disclaimer(answer[-1]["Body"], question), answer
    assert not any(m["Body"] in (FULL, SHORT) for m in answer)


def test_sms_emergency_answer_says_the_number_alone(servers):
    url, fake = servers
    patient = f"+1555{new_id()}"
    twilio_say(url, patient, "I'm bleeding heavily from the groin and it won't stop")
    [sent] = twilio_sent(fake, patient)
    assert f"Call {EMERGENCY_NUMBER} now" in sent["Body"] and "Do not drive yourself." in sent["Body"]
    assert "1. " not in sent["Body"] and "not medical advice" not in sent["Body"]


def test_twilio_rejects_an_unsigned_post(servers):
    url, fake = servers
    patient = f"+1555{new_id()}"
    forged = requests.post(f"{url}/webhooks/twilio/webhook", data={"From": patient, "Body": "hello"}, timeout=60)
    assert forged.status_code == 403
    assert twilio_post(url, patient, "hello", auth_token="wrong-token").status_code == 403
    assert twilio_sent(fake, patient) == []


TWILIO_WRONG_SHAPES = {
    "an empty form": {},
    "no From": {"Body": "hello", "To": TWILIO_NUMBER},
    "no Body": {"From": "+15550002222", "To": TWILIO_NUMBER},
    "an empty From": {"From": "", "Body": "hello", "To": TWILIO_NUMBER},
}


@pytest.mark.parametrize("form", list(TWILIO_WRONG_SHAPES.values()), ids=list(TWILIO_WRONG_SHAPES))
def test_twilio_wrong_shapes_get_400_and_nothing_happens(servers, events_db, form):
    url, fake = servers
    with NothingHappens(events_db, fake):
        reply = twilio_post_form(url, form)
        assert reply.status_code == 400, reply.text
        assert reply.json()["status"] == "failure"
    patient = f"+1555{new_id()}"
    twilio_say(url, patient, "what happens first?")  # the server carries on
    assert twilio_sent(fake, patient)[0]["Body"].startswith("Step 1 of 6:")


@pytest.mark.parametrize("form", [
    {"Body": "", "NumMedia": "1", "MediaUrl0": "https://api.twilio.com/media/1", "MediaContentType0": "image/jpeg"},
    {"Body": "", "Latitude": "51.5", "Longitude": "-0.1"},
], ids=["a photo", "a location"])
def test_twilio_messages_without_text_are_accepted_and_not_answered(servers, events_db, form):
    url, fake = servers
    with NothingHappens(events_db, fake):
        assert twilio_post_form(url, {"From": f"+1555{new_id()}", "To": TWILIO_NUMBER, **form}).status_code in (200, 204)


# Messenger

def messenger_event(psid, **event):
    return {"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": [
        {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 0, **event}]}]}


def messenger_post(url, body, secret=APP_SECRET):
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return requests.post(f"{url}/webhooks/facebook/webhook", data=raw, timeout=60,
                         headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def messenger_entry(*events):
    return {"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": list(events)}]}


def messenger_message(psid="424242", **changes):
    event = {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": 0,
             "message": {"mid": "m1", "text": "hello"}}
    event.update(changes)
    return {key: value for key, value in event.items() if value is not None}


MESSENGER_WRONG_SHAPES = {
    "a list": [messenger_entry(messenger_message())],
    "a string": "hello",
    "a number": 42,
    "null": None,
    "an empty object": {},
    "no entry": {"object": "page"},
    "entry an object": {"object": "page", "entry": {"messaging": [messenger_message()]}},
    "entry a list of strings": {"object": "page", "entry": ["hello"]},
    "an entry without messaging": {"object": "page", "entry": [{"id": "PAGE", "time": 0}]},
    "messaging an object": {"object": "page", "entry": [{"id": "PAGE", "messaging": messenger_message()}]},
    "an event a string": messenger_entry("hello"),
    "no sender": messenger_entry(messenger_message(sender=None)),
    "sender a string": messenger_entry(messenger_message(sender="424242")),
    "sender id a number": messenger_entry(messenger_message(sender={"id": 424242})),
    "sender id missing": messenger_entry(messenger_message(sender={})),
    "no message or postback": messenger_entry(messenger_message(message=None)),
    "message a string": messenger_entry(messenger_message(message="hello")),
    "text a number": messenger_entry(messenger_message(message={"mid": "m1", "text": 42})),
    "text a list": messenger_entry(messenger_message(message={"mid": "m1", "text": ["hello"]})),
    "quick reply payload a number": messenger_entry(messenger_message(
        message={"mid": "m1", "text": "Next", "quick_reply": {"payload": 5}})),
    "postback a string": messenger_entry(messenger_message(message=None, postback="/next_step")),
    "postback payload missing": messenger_entry(messenger_message(message=None, postback={"title": "Next"})),
    "one good event, one wrong": messenger_entry(messenger_message(), messenger_message(sender={"id": 1})),
}


@pytest.mark.parametrize("body", list(MESSENGER_WRONG_SHAPES.values()), ids=list(MESSENGER_WRONG_SHAPES))
def test_messenger_wrong_shapes_get_400_and_nothing_happens(servers, events_db, body):
    url, fake = servers
    with NothingHappens(events_db, fake):
        reply = messenger_post(url, body)
        assert reply.status_code == 400, reply.text
        assert reply.json()["status"] == "failure"
    assert not [call for call in fake.made("facebook", "me/messages") if call.body.get("recipient", {}).get("id") == "424242"]
    psid = str(new_id())
    messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "what happens first?"}))
    assert messenger_sent(fake, psid)[0]["text"].startswith("Step 1 of 6:")  # the server carries on


@pytest.mark.parametrize("raw", [b"{not json", b"[" * 100_000, b'{"object": "page", "entry": "\xff"}'],
                         ids=["not JSON", "nested too deep", "not UTF-8"])
def test_messenger_body_that_is_not_json_gets_400(servers, events_db, raw):
    url, fake = servers
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    with NothingHappens(events_db, fake):
        reply = requests.post(f"{url}/webhooks/facebook/webhook", data=raw, timeout=60,
                              headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        assert reply.status_code == 400


MESSENGER_WITHOUT_TEXT = {
    "a delivery receipt": messenger_message(message=None, delivery={"mids": ["m1"], "watermark": 1}),
    "a read receipt": messenger_message(message=None, read={"watermark": 1}),
    "the page's own message (echo)": messenger_message(message={"mid": "m1", "text": "hello", "is_echo": True}),
    "a photo": messenger_message(message={"mid": "m1", "attachments": [
        {"type": "image", "payload": {"url": "https://example.org/photo.jpg"}}]}),
    "a reaction": messenger_message(message=None, reaction={"mid": "m1", "action": "react", "emoji": "x"}),
}


@pytest.mark.parametrize("event", list(MESSENGER_WITHOUT_TEXT.values()), ids=list(MESSENGER_WITHOUT_TEXT))
def test_messenger_events_without_a_patients_text_are_accepted_and_ignored(servers, events_db, event):
    url, fake = servers
    with NothingHappens(events_db, fake):
        assert messenger_post(url, messenger_entry(event)).status_code == 200


def test_messenger_answers_every_event_of_a_batch(servers):
    """Facebook may send several events in one post; Rasa's handler answered only the first."""
    url, fake = servers
    first, second = str(new_id()), str(new_id())
    messenger_post(url, messenger_entry(messenger_message(first, message={"mid": "m1", "text": "what happens first?"}),
                                        messenger_message(second, message={"mid": "m2", "text": "what happens first?"})))
    assert messenger_sent(fake, first)[0]["text"].startswith("Step 1 of 6:")
    assert messenger_sent(fake, second)[0]["text"].startswith("Step 1 of 6:")


def messenger_sent(fake, psid):
    return [call.body["message"] for call in fake.made("facebook", "me/messages")
            if call.body["recipient"]["id"] == psid and "message" in call.body]


def test_messenger_step_answer_with_a_button_template(servers):
    url, fake = servers
    psid = str(new_id())
    reply = messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "what happens first?"}))
    assert reply.status_code == 200
    [sent] = messenger_sent(fake, psid)
    # one message: the answer with its disclaimer (over a template's 640 characters, so quick replies)
    assert sent["text"].startswith("Step 1 of 6:") and sent["text"].endswith(f"\n{FULL}")
    assert [(r["title"], r["payload"]) for r in sent["quick_replies"]] == [
        ("Next step", "/next_step"), ("All topics", "/help")]

    messenger_post(url, messenger_event(psid, postback={"title": "Next step", "payload": "/next_step"}))
    [second] = messenger_sent(fake, psid)[1:]
    template = second["attachment"]["payload"]  # short enough for a button template, whose buttons stay usable
    assert template["text"].startswith("Step 2 of 6:") and template["text"].endswith(f"\n{SHORT}")
    assert [(b["type"], b["title"], b["payload"]) for b in template["buttons"]] == [
        ("postback", "Next step", "/next_step"), ("postback", "Previous step", "/previous_step"),
        ("postback", "All topics", "/help")]


def messenger_text(message):
    return message.get("text") or message["attachment"]["payload"]["text"]


@pytest.mark.parametrize("question", PROCEDURE_QUESTIONS)
def test_messenger_every_procedure_answer_carries_the_disclaimer(servers, question):
    url, fake = servers
    psid = str(new_id())
    messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "/ask_overview"}))
    before = len(messenger_sent(fake, psid))
    messenger_post(url, messenger_event(psid, message={"mid": "m2", "text": question}))
    answer = messenger_sent(fake, psid)[before:]
    assert ends_with_disclaimer(messenger_text(answer[-1]), question), answer
    assert not any(messenger_text(m) in (FULL, SHORT) for m in answer)


def test_messenger_topics_are_quick_replies(servers):
    url, fake = servers
    psid = str(new_id())
    messenger_post(url, messenger_event(psid, message={"mid": "m1", "text": "hello"}))
    quick = [m for m in messenger_sent(fake, psid) if "quick_replies" in m]
    replies = quick[-1]["quick_replies"]
    assert len(replies) == 9 and all(len(r["title"]) <= 20 for r in replies)
    messenger_post(url, messenger_event(psid, message={
        "mid": "m2", "text": replies[1]["title"], "quick_reply": {"payload": replies[1]["payload"]}}))
    assert messenger_text(messenger_sent(fake, psid)[-1]).startswith("Step 1 of 6:")


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


def test_messenger_rejects_a_signature_that_is_not_ascii(servers):
    url, _ = servers
    raw = json.dumps(messenger_event(str(new_id()), message={"mid": "m1", "text": "hello"})).encode()
    reply = requests.post(f"{url}/webhooks/facebook/webhook", data=raw, timeout=60, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": "sha256=\u00e9".encode("latin-1")})
    assert reply.status_code == 403  # was 500: hmac.compare_digest refuses text that is not ASCII


def test_messenger_webhook_verification(servers):
    url, _ = servers
    params = {"hub.mode": "subscribe", "hub.challenge": "4242"}
    ok = requests.get(f"{url}/webhooks/facebook/webhook", params={**params, "hub.verify_token": "test-verify-token"})
    assert ok.status_code == 200 and ok.text == "4242"
    bad = requests.get(f"{url}/webhooks/facebook/webhook", params={**params, "hub.verify_token": "nope"})
    assert bad.status_code == 403
