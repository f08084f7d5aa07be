"""A short conversation with the real action server and Rasa server, over REST."""
import uuid

import pytest
import requests
import yaml

from server.patches import PATCHES
from tests.conftest import ROOT
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model


PROCESSES = {}
TEXTS = {name: variations[0]["text"] for name, variations in
         yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].items()}
FULL, SHORT = TEXTS["utter_disclaimer"], TEXTS["utter_disclaimer_short"]
SETTINGS = {"CLINIC_NAME": "Test Vein Clinic", "CLINIC_PHONE": "0100 000 000", "EMERGENCY_NUMBER": "112",
            "CLINIC_OUT_OF_HOURS": "call the ward on 0100 000 001"}
# a message for every kind of procedure answer: the steps, the topics, terms, declined advice, about this information
PROCEDURE_QUESTIONS = ["/ask_access", "/ask_venography", "/ask_catheter_advance", "/ask_clot_removal",
                       "/ask_underlying_cause", "/ask_completion", "/ask_overview", "/ask_stent", "/ask_recovery",
                       "/ask_device", "/ask_anesthesia", "/ask_duration", "what is a guidewire?",
                       "should I stop my blood thinners?", "/ask_about_information"]


@pytest.fixture(scope="module")
def rasa_url():
    with running_assistant(trained_model(), SETTINGS, processes=PROCESSES) as url:
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

    # one message: the answer, its disclaimer as the last line (the full wording the first time), its buttons
    [first] = say(rasa_url, patient, "what happens first?")
    assert first["text"].startswith("Step 1 of 6:") and first["text"].endswith(f"\n{FULL}")
    assert payloads([first]) == ["/next_step", "/help"]

    [second] = say(rasa_url, patient, "/next_step")
    assert second["text"].startswith("Step 2 of 6:") and second["text"].endswith(f"\n{SHORT}")

    third = say(rasa_url, patient, "ok and what comes after that?")
    assert third[0]["text"].startswith("Step 3 of 6:")

    term = say(rasa_url, patient, "sorry, what's a guidewire?")
    assert term[0]["text"].startswith('What "guidewire" means')
    assert payloads(term) == ["/next_step", "/previous_step", "/help"]

    contact = say(rasa_url, patient, "can I talk to a nurse")
    assert "Test Vein Clinic" in contact[0]["text"] and "0100 000 000" in contact[0]["text"]
    assert "In an emergency, call 112." in contact[0]["text"]
    assert contact[-1]["text"] == "Out of hours: call the ward on 0100 000 001"


@pytest.mark.parametrize("question", PROCEDURE_QUESTIONS)
def test_every_procedure_answer_carries_the_disclaimer_in_its_own_message(rasa_url, question):
    patient = str(uuid.uuid4())
    say(rasa_url, patient, "/ask_overview")  # the full wording is said once, at the start
    replies = say(rasa_url, patient, question)
    expected = FULL if question == "/ask_about_information" else SHORT
    assert replies[-1]["text"].endswith(f"\n{expected}"), replies
    assert replies[-1]["buttons"]
    assert not any(reply["text"] in (FULL, SHORT) for reply in replies)  # never a bubble of its own


def test_about_this_information_names_the_source_and_says_nobody_has_reviewed_it_yet(rasa_url):
    about, review = say(rasa_url, str(uuid.uuid4()), "where does this information come from?")
    assert about["text"].startswith("About this information\n") and "dated 11 February 2022" in about["text"]
    assert "INVAMED" in about["text"] and "{" not in about["text"]
    assert review["text"].startswith(TEXTS["utter_about_review_unset"]) and review["text"].endswith(FULL)


def test_a_red_flag_gets_only_the_emergency_instruction(rasa_url):
    replies = say(rasa_url, str(uuid.uuid4()), "what is a stent? also my chest feels really tight")
    assert len(replies) == 1 and "buttons" not in replies[0]
    assert replies[0]["text"] == TEXTS["utter_emergency"].replace("your local emergency number", "112")
    assert "Call 112 now" in replies[0]["text"] and "Do not drive yourself." in replies[0]["text"]


def test_the_server_logs_each_patch_it_installs_once(rasa_url):
    log = PROCESSES["rasa"].output(limit=200_000)
    for patch in PATCHES:
        assert log.count(patch.why) == 1, patch.name
