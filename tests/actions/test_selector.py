"""The topic chosen within the message's intent (actions/selector.py) and the actions that use it:
out of scope (actions/out_of_scope.py), topics and declining advice."""
import pytest

import red_flags
from actions.care_team import ActionDeclineMedicalAdvice
from actions.explain import ActionExplainTopic
from actions.out_of_scope import ActionAnswerOutOfScope
from actions.selector import selected_response, selected_topic
from tests.conftest import footers, make_tracker, response_names

WITHIN = {"risks": "ask_medical_advice", "after_home": "ask_medical_advice", "before": "out_of_scope",
          "feel": "ask_anesthesia"}


def selected(text, intent, topic=None, within=None):
    """A tracker whose message components/topic_selector.py gave this topic (or none)."""
    tracker = make_tracker(text, intent)
    if topic:
        tracker.latest_message["uncovered_topic"] = {
            "name": topic, "within": within or WITHIN[topic], "response": f"utter_uncovered_{topic}", "votes": 0.8}
    return tracker


@pytest.fixture
def no_clinic(monkeypatch):
    for key in ("CLINIC_NAME", "CLINIC_PHONE", "CLINIC_HOURS"):
        monkeypatch.delenv(key, raising=False)


def test_a_topic_counts_only_within_the_messages_own_intent(domain):
    assert selected_topic(selected("what can go wrong?", "ask_medical_advice", "risks"))["name"] == "risks"
    assert selected_topic(selected("what can go wrong?", "greet", "risks")) is None
    assert selected_topic(make_tracker("/out_of_scope", "out_of_scope")) is None
    unknown = selected("cost?", "out_of_scope", "parking", within="out_of_scope")
    assert selected_response(unknown, domain) is None


@pytest.mark.parametrize("topic", sorted(WITHIN))
def test_each_uncovered_topic_has_its_answer_in_the_domain(domain, topic):
    assert selected_response(selected("a question", WITHIN[topic], topic), domain) == f"utter_uncovered_{topic}"


async def test_getting_ready_gets_its_answer_and_the_disclaimer(dispatcher, domain):
    tracker = selected("do i need to fast?", "out_of_scope", "before")
    await ActionAnswerOutOfScope().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == ["utter_uncovered_before"]
    assert footers(dispatcher) == ["utter_disclaimer"]
    assert dispatcher.messages[-1]["buttons"]


@pytest.mark.parametrize("tracker", [
    make_tracker("/out_of_scope", "out_of_scope"),
    selected("how much does it cost?", "out_of_scope"),
])
async def test_anything_else_out_of_scope_gets_the_honest_answer_and_the_topics(dispatcher, domain, tracker):
    await ActionAnswerOutOfScope().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == ["utter_out_of_scope", "utter_topics"]


async def test_what_it_feels_like_gets_its_answer_numbing_the_usual_one(dispatcher, domain):
    await ActionExplainTopic().run(dispatcher, selected("what will it feel like?", "ask_anesthesia", "feel"), domain)
    await ActionExplainTopic().run(dispatcher, selected("will i be asleep?", "ask_anesthesia"), domain)
    assert response_names(dispatcher) == ["utter_uncovered_feel", "utter_topic_anesthesia"]
    assert all(footers(dispatcher))


@pytest.mark.parametrize("topic", ["risks", "after_home"])
async def test_risks_and_after_home_open_with_their_answer_then_the_care_team_and_the_emergency_signs(
        no_clinic, dispatcher, domain, topic):
    tracker = selected("what should i watch for?", "ask_medical_advice", topic)
    await ActionDeclineMedicalAdvice().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == [f"utter_uncovered_{topic}", "utter_care_team_contact_unset", "utter_emergency_signs"]
    assert footers(dispatcher) == [None, None, "utter_disclaimer"]


async def test_a_red_flag_still_wins_over_a_selected_answer(dispatcher, domain):
    text = "I have crushing chest pain and can't breathe since I got home"
    assert red_flags.is_red_flag(text)
    tracker = selected(text, "ask_medical_advice", "after_home")
    await ActionDeclineMedicalAdvice().run(dispatcher, tracker, domain)
    assert response_names(dispatcher) == ["utter_emergency"]
