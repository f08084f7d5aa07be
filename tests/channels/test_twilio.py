"""channels/twilio.py: SMS and WhatsApp posts, signed by Twilio for the registered URL, of Twilio's shape."""
import pytest
from sanic.request import RequestParameters
from twilio.request_validator import RequestValidator

from channels.twilio import input_channel, posted_form, sender_number, signed_by_twilio, twilio_message
from channels.webhooks import WrongShape


def test_whatsapp_and_sms_messages_are_stored_under_their_own_channel():
    assert input_channel("whatsapp:+4470000") == "twilio_whatsapp"
    assert input_channel("+4470000") == "twilio"


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
