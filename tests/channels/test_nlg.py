"""channels/nlg.py: every response with the configured emergency number, and an answer's disclaimer in its message.

The actions run for real (rasa_sdk), their messages go through Rasa's own RemoteAction._utter_responses
with the project's generator, as the Rasa server says them on every channel.
"""
import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import CollectingDispatcher

from actions import responses, walkthrough
from actions.about import ActionExplainInformation
from actions.care_team import ActionDeclineMedicalAdvice
from actions.explain import ActionExplainStep, ActionExplainTerm, ActionExplainTopic
from channels.nlg import ClinicResponses
from channels.phone_links import EMERGENCY_PHRASE
from tests.conftest import ROOT, disclaimer_said, make_tracker, term_entity

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
TEXTS = {name: variations[0]["text"] for name, variations in DOMAIN.responses.items()}
# every procedure answer: the six steps, the topics, terms, declined advice, about this information
PROCEDURE_QUESTIONS = (
    [(ActionExplainStep(), f"ask_{step}", []) for step in walkthrough.STEPS]
    + [(ActionExplainStep(), "next_step", [])]
    + [(ActionExplainTopic(), f"ask_{topic}", [])
       for topic in ("overview", "stent", "recovery", "device", "anesthesia", "duration")]
    + [(ActionExplainTerm(), "ask_term", [term_entity("stent")]),
       (ActionExplainTerm(), "ask_term", [term_entity("guidewire"), term_entity("ivus")]),
       (ActionDeclineMedicalAdvice(), "ask_medical_advice", []),
       (ActionDeclineMedicalAdvice(), "ask_medical_advice", [term_entity("stent")]),
       (ActionExplainInformation(), "ask_about_information", [])]
)


@pytest.fixture
def nlg():
    return ClinicResponses(domain=DOMAIN)


def tracker():
    return DialogueStateTracker("patient", DOMAIN.slots)


async def said(nlg, name, **values):
    return (await nlg.generate(name, tracker(), "rest", **values))["text"]


async def test_endpoints_yml_names_this_generator_so_every_server_and_the_shell_use_it():
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())["nlg"]
    generator = NaturalLanguageGenerator.create(EndpointConfig.from_dict(config), DOMAIN)
    assert type(generator) is ClinicResponses and generator.responses == DOMAIN.responses


@pytest.mark.parametrize("number", ["999", "112", "911", "+1 911"])
async def test_the_emergency_answer_says_the_configured_number(number, nlg, monkeypatch):
    monkeypatch.setenv("EMERGENCY_NUMBER", number)
    text = await said(nlg, responses.EMERGENCY)
    assert f"Call {number} now, or go to the nearest emergency department." in text
    assert "Do not drive yourself." in text and EMERGENCY_PHRASE not in text


@pytest.mark.parametrize("number", ["", "  ", "ask at reception", "999; DROP"])
async def test_without_a_phone_number_it_keeps_the_safe_wording(number, nlg, monkeypatch):
    monkeypatch.setenv("EMERGENCY_NUMBER", number)
    assert await said(nlg, responses.EMERGENCY) == TEXTS[responses.EMERGENCY]
    assert "Call your local emergency number now" in TEXTS[responses.EMERGENCY]


async def test_every_response_that_mentions_the_emergency_number_says_the_configured_one(nlg, monkeypatch):
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")
    mentioning = [name for name, text in TEXTS.items() if EMERGENCY_PHRASE in text]
    assert {responses.EMERGENCY, responses.EMERGENCY_SIGNS, responses.CARE_TEAM_CONTACT,
            responses.CARE_TEAM_CONTACT_UNSET, responses.SERVICE_UNAVAILABLE} <= set(mentioning)
    for name in mentioning:
        text = await said(nlg, name, clinic_name="Vein Clinic", clinic_phone="0100 000 000")
        assert EMERGENCY_PHRASE not in text and "112" in text, name


async def test_a_footer_ends_the_message_on_its_own_line_without_its_heading(nlg):
    text = await said(nlg, responses.TOPICS, footer=responses.ABOUT_REVIEW_UNSET)
    body = TEXTS[responses.ABOUT_REVIEW_UNSET].split("\n", 1)[1]
    assert text == f"{TEXTS[responses.TOPICS]}\n{body}"
    # one paragraph: Rasa's channels send each blank-line-separated paragraph as a message of its own
    assert "\n\n" not in text


async def test_a_footer_that_is_not_a_response_leaves_the_answer_as_it_is(nlg):
    assert await said(nlg, responses.TOPICS, footer="utter_no_such_response") == TEXTS[responses.TOPICS]


async def bot_messages(action, intent, entities, nlg, events=()):
    """The action's messages as the Rasa server says them: BotUttered events, through RemoteAction."""
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("?", intent, entities=entities, events=list(events)),
                     DOMAIN.as_dict())
    return await RemoteAction._utter_responses(dispatcher.messages, CollectingOutputChannel(), nlg, tracker())


@pytest.mark.parametrize("action, intent, entities", PROCEDURE_QUESTIONS,
                         ids=[f"{intent}-{len(entities)}" for _, intent, entities in PROCEDURE_QUESTIONS])
async def test_every_procedure_answer_ends_with_the_disclaimer_in_the_same_message(action, intent, entities, nlg):
    first = await bot_messages(action, intent, entities, nlg)
    later = await bot_messages(action, intent, entities, nlg, [disclaimer_said()])
    full, short = TEXTS[responses.DISCLAIMER], TEXTS[responses.DISCLAIMER_SHORT]
    expected_later = full if intent == "ask_about_information" else short  # asked for: the full wording
    for messages, disclaimer in ((first, full), (later, expected_later)):
        *answers, last = messages
        assert last.text.endswith(f"\n{disclaimer}"), last.text
        assert last.data["buttons"], last.text  # the buttons are under the answer, with its disclaimer
        assert all(not message.text.startswith(TEXTS[responses.DISCLAIMER_SHORT][:20]) for message in messages)
        assert sum(full in m.text or short in m.text for m in messages) == 1
        assert not any(message.data.get("buttons") for message in answers)


async def test_the_disclaimer_said_is_remembered_in_the_bot_event(nlg):
    [message] = await bot_messages(ActionExplainStep(), "ask_access", [], nlg)
    assert message.metadata["footer"] == responses.DISCLAIMER
    event = message.as_dict()
    assert event["metadata"]["footer"] == responses.DISCLAIMER  # what the next action call sees


def test_the_domain_file_is_the_one_the_generator_reads():
    assert yaml.safe_load((ROOT / "domain.yml").read_text())["responses"][responses.DISCLAIMER][0]["text"] == \
        TEXTS[responses.DISCLAIMER]
