"""The procedure answers: right content, the disclaimer as the answer's last line, navigation, events."""
import pytest
from rasa_sdk.events import SlotSet

from actions import walkthrough
from actions.explain import ActionExplainStep, ActionExplainTerm, ActionExplainTopic
from tests.conftest import disclaimer_said, footers, make_tracker, response_names, term_entity

STEPS = walkthrough.STEPS
TOPICS = ["overview", "stent", "device", "anesthesia", "duration"]


def button_payloads(message):
    return [button["payload"] for button in message.get("buttons") or []]


async def run(action, dispatcher, domain, **tracker_values):
    return await action.run(dispatcher, make_tracker(**tracker_values), domain)


@pytest.mark.parametrize("number, step", enumerate(STEPS, start=1))
async def test_a_step_question_answers_that_step_with_the_disclaimer_in_the_same_message(number, step, dispatcher,
                                                                                          domain):
    events = await run(ActionExplainStep(), dispatcher, domain, text="?", intent=f"ask_{step}",
                       events=[disclaimer_said()])

    assert response_names(dispatcher) == [f"utter_step_{step}"]
    assert footers(dispatcher) == ["utter_disclaimer_short"]
    [answer] = dispatcher.messages
    assert answer["step_number"] == number
    assert answer["step_total"] == 6
    assert events == [SlotSet("current_step", step)]
    expected = ["/previous_step"] if number > 1 else []
    assert button_payloads(answer) == ["/next_step"] + expected + ["/help"]


async def test_the_first_answer_of_a_session_carries_the_full_disclaimer(dispatcher, domain):
    await run(ActionExplainStep(), dispatcher, domain, text="?", intent="ask_access")
    assert footers(dispatcher) == ["utter_disclaimer"]
    # said once: a short line in an answer before does not count, the full one does
    for before, expected in (([disclaimer_said("utter_disclaimer_short")], "utter_disclaimer"),
                             ([disclaimer_said("utter_disclaimer_short"), disclaimer_said()], "utter_disclaimer_short")):
        again = type(dispatcher)()
        await run(ActionExplainStep(), again, domain, text="?", intent="ask_access", events=before)
        assert footers(again) == [expected]


@pytest.mark.parametrize("index", range(len(STEPS) - 1))
async def test_what_happens_next_after_step_k_answers_step_k_plus_one(index, dispatcher, domain):
    events = await run(
        ActionExplainStep(), dispatcher, domain,
        text="what happens next?", intent="next_step", slots={"current_step": STEPS[index]},
    )
    assert response_names(dispatcher)[0] == f"utter_step_{STEPS[index + 1]}"
    assert events == [SlotSet("current_step", STEPS[index + 1])]


async def test_next_with_no_step_yet_starts_at_step_one(dispatcher, domain):
    events = await run(ActionExplainStep(), dispatcher, domain, text="next", intent="next_step")
    assert response_names(dispatcher) == ["utter_step_access"] and footers(dispatcher) == ["utter_disclaimer"]
    assert events == [SlotSet("current_step", "access")]


async def test_next_after_step_six_goes_to_recovery(dispatcher, domain):
    events = await run(
        ActionExplainStep(), dispatcher, domain,
        text="and then?", intent="next_step", slots={"current_step": "completion"},
    )
    assert response_names(dispatcher) == ["utter_topic_recovery"] and footers(dispatcher) == ["utter_disclaimer"]
    assert button_payloads(dispatcher.messages[-1]) == ["/previous_step", "/help"]
    assert events == [SlotSet("current_step", "recovery")]


async def test_next_after_recovery_ends_the_walkthrough(dispatcher, domain):
    events = await run(
        ActionExplainStep(), dispatcher, domain,
        text="next", intent="next_step", slots={"current_step": "recovery"},
    )
    assert response_names(dispatcher) == ["utter_walkthrough_end", "utter_topics"]
    assert events == []


@pytest.mark.parametrize(
    "intent, current, expected",
    [
        ("previous_step", "clot_removal", "catheter_advance"),
        ("previous_step", "access", "access"),
        ("repeat", "underlying_cause", "underlying_cause"),
        ("repeat", None, "access"),
        ("affirm", "venography", "catheter_advance"),
    ],
)
async def test_previous_repeat_and_yes(intent, current, expected, dispatcher, domain):
    events = await run(
        ActionExplainStep(), dispatcher, domain,
        text="...", intent=intent, slots={"current_step": current},
    )
    assert response_names(dispatcher)[0] == f"utter_step_{expected}"
    assert events == [SlotSet("current_step", expected)]


@pytest.mark.parametrize("topic", TOPICS)
async def test_a_topic_question_answers_the_topic_with_the_disclaimer(topic, dispatcher, domain):
    events = await run(ActionExplainTopic(), dispatcher, domain, text="?", intent=f"ask_{topic}")
    assert response_names(dispatcher) == [f"utter_topic_{topic}"] and footers(dispatcher) == ["utter_disclaimer"]
    assert button_payloads(dispatcher.messages[-1]) == ["/ask_access", "/help"]
    assert events == []


async def test_recovery_is_a_topic_and_the_end_of_the_walkthrough(dispatcher, domain):
    events = await run(ActionExplainTopic(), dispatcher, domain, text="after?", intent="ask_recovery")
    assert response_names(dispatcher) == ["utter_topic_recovery"] and footers(dispatcher) == ["utter_disclaimer"]
    assert events == [SlotSet("current_step", "recovery")]


async def test_a_topic_without_an_answer_shows_the_topics(dispatcher, domain):
    await run(ActionExplainTopic(), dispatcher, domain, text="?", intent="ask_something_else")
    assert response_names(dispatcher) == ["utter_topics"]


@pytest.mark.parametrize(
    "value, response",
    [("guidewire", "utter_term_guidewire"), ("introducer sheath", "utter_term_introducer_sheath"),
     ("x-ray", "utter_term_x_ray"), ("IVUS", "utter_term_ivus")],
)
async def test_a_term_gets_its_definition_with_the_disclaimer(value, response, dispatcher, domain):
    await run(ActionExplainTerm(), dispatcher, domain, text=f"what is {value}",
              intent="ask_term", entities=[term_entity(value)])
    assert response_names(dispatcher) == [response] and footers(dispatcher) == ["utter_disclaimer"]
    assert button_payloads(dispatcher.messages[-1]) == ["/ask_access", "/help"]


async def test_a_term_asked_mid_walkthrough_keeps_the_next_step_button(dispatcher, domain):
    await run(ActionExplainTerm(), dispatcher, domain, text="what is a stent", intent="ask_term",
              entities=[term_entity("stent")], slots={"current_step": "underlying_cause"})
    assert button_payloads(dispatcher.messages[-1]) == ["/next_step", "/previous_step", "/help"]


async def test_two_terms_are_both_defined_once(dispatcher, domain):
    entities = [term_entity("stent"), term_entity("ivus"), term_entity("stent")]
    await run(ActionExplainTerm(), dispatcher, domain, text="stent? ivus? stent?",
              intent="ask_term", entities=entities)
    assert response_names(dispatcher) == ["utter_term_stent", "utter_term_ivus"]
    assert footers(dispatcher) == [None, "utter_disclaimer"]


@pytest.mark.parametrize("entities", [[], [term_entity("flux capacitor")]])
async def test_an_unknown_or_missing_term_is_said_honestly(entities, dispatcher, domain):
    await run(ActionExplainTerm(), dispatcher, domain, text="what is that",
              intent="ask_term", entities=entities)
    assert response_names(dispatcher) == ["utter_term_unknown", "utter_topics"]
    assert footers(dispatcher) == [None, None]
