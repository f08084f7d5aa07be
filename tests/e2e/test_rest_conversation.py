"""A short conversation with the real action server and Rasa server, over REST."""
import uuid

import pytest
import requests

from server.patches import PATCHES
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model


PROCESSES = {}


@pytest.fixture(scope="module")
def rasa_url():
    with running_assistant(trained_model(), {"CLINIC_NAME": "Test Vein Clinic", "CLINIC_PHONE": "0100 000 000"},
                           processes=PROCESSES) as url:
        yield url


def say(url, sender, text):
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def payloads(messages):
    return [button["payload"] for message in messages for button in message.get("buttons", [])]


def test_a_patient_walks_through_the_first_steps(rasa_url):
    patient = str(uuid.uuid4())

    hello = say(rasa_url, patient, "hello")
    assert "/ask_overview" in payloads(hello)

    first = say(rasa_url, patient, "what happens first?")
    assert first[0]["text"].startswith("Step 1 of 6:")
    assert "not medical advice" in first[-1]["text"]
    assert payloads(first) == ["/next_step", "/help"]

    second = say(rasa_url, patient, "/next_step")
    assert second[0]["text"].startswith("Step 2 of 6:")
    assert "not medical advice" in second[-1]["text"]

    third = say(rasa_url, patient, "ok and what comes after that?")
    assert third[0]["text"].startswith("Step 3 of 6:")

    term = say(rasa_url, patient, "sorry, what's a guidewire?")
    assert term[0]["text"].startswith('What "guidewire" means')
    assert payloads(term) == ["/next_step", "/previous_step", "/help"]

    contact = say(rasa_url, patient, "can I talk to a nurse")
    assert "Test Vein Clinic" in contact[0]["text"] and "0100 000 000" in contact[0]["text"]


def test_a_red_flag_gets_only_the_emergency_instruction(rasa_url):
    replies = say(rasa_url, str(uuid.uuid4()), "what is a stent? also my chest feels really tight")
    assert len(replies) == 1
    assert "emergency number" in replies[0]["text"]


def test_the_server_logs_each_patch_it_installs_once(rasa_url):
    log = PROCESSES["rasa"].output(limit=200_000)
    for patch in PATCHES:
        assert log.count(patch.why) == 1, patch.name
