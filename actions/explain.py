"""Answers about the procedure: the six steps, the topics around them, and terms.

Each answer is the matching domain response, with the disclaimer as its last line and the
buttons for what the patient may want next (actions/disclaimer.py), in one message.
"""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import responses, selector, walkthrough
from actions.base import SafeAction
from actions.disclaimer import utter_disclaimer

Events = List[Dict[Text, Any]]


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def current_position(tracker: Tracker) -> Optional[str]:
    position = tracker.get_slot("current_step")
    return position if position in walkthrough.POSITIONS else None


def follow_up_buttons(domain: Dict[Text, Any], position: Optional[str]) -> List[Dict[str, str]]:
    """Inside the walkthrough: next/previous; outside it: start it, or all topics."""
    if position is None:
        return responses.topic_buttons(domain)
    return responses.navigation_buttons(domain, position)


def explain_position(
    dispatcher: CollectingDispatcher, domain: Dict[Text, Any], position: str
) -> Events:
    """Say one walkthrough position (a step, or what happens afterwards)."""
    if position in walkthrough.STEPS:
        dispatcher.utter_message(
            response=responses.step_response(position),
            step_number=walkthrough.step_number(position),
            step_total=len(walkthrough.STEPS),
        )
    else:
        dispatcher.utter_message(response=responses.position_response(position))
    utter_disclaimer(dispatcher, responses.navigation_buttons(domain, position))
    return [SlotSet("current_step", position)]


def mentioned_terms(tracker: Tracker) -> List[str]:
    """The medical terms in the latest message, in order, without repeats."""
    terms: List[str] = []
    for entity in tracker.latest_message.get("entities") or []:
        value = str(entity.get("value") or "").strip()
        if entity.get("entity") == "medical_term" and value and value not in terms:
            terms.append(value)
    return terms


def explain_terms(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[str]:
    """Define every known term in the latest message; return those defined."""
    explained = []
    for term in mentioned_terms(tracker):
        name = responses.term_response(term)
        if responses.has_response(domain, name) and name not in explained:
            dispatcher.utter_message(response=name)
            explained.append(name)
    return explained


class ActionExplainStep(SafeAction):
    """A question about a step, or next / previous / repeat / yes in the walkthrough."""

    def name(self) -> Text:
        return "action_explain_step"

    def answer(self, dispatcher, tracker, domain) -> Events:
        intent = latest_intent(tracker)
        position = walkthrough.step_for_intent(intent)
        if position is None:
            navigation = intent if intent in walkthrough.NAVIGATION_INTENTS else "repeat"
            position = walkthrough.target_position(navigation, current_position(tracker))
        if position == walkthrough.END:
            dispatcher.utter_message(response=responses.WALKTHROUGH_END)
            dispatcher.utter_message(response=responses.TOPICS)
            return []
        return explain_position(dispatcher, domain, position)


class ActionExplainTopic(SafeAction):
    """The overview, stents, numbing, duration, the device, and afterwards.

    Within ask_anesthesia, "what will it feel like" gets the answer of that topic, which the
    guide does not cover (actions/selector.py).
    """

    def name(self) -> Text:
        return "action_explain_topic"

    def answer(self, dispatcher, tracker, domain) -> Events:
        topic = responses.topic_for_intent(latest_intent(tracker), domain)
        if topic is None:
            dispatcher.utter_message(response=responses.TOPICS)
            return []
        if topic in walkthrough.POSITIONS:
            return explain_position(dispatcher, domain, topic)
        answer = selector.selected_response(tracker, domain) or responses.topic_response(topic)
        dispatcher.utter_message(response=answer)
        utter_disclaimer(dispatcher, responses.topic_buttons(domain))
        return []


class ActionExplainTerm(SafeAction):
    """A plain definition of each medical term the patient asked about."""

    def name(self) -> Text:
        return "action_explain_term"

    def answer(self, dispatcher, tracker, domain) -> Events:
        if not explain_terms(dispatcher, tracker, domain):
            dispatcher.utter_message(response=responses.TERM_UNKNOWN)
            dispatcher.utter_message(response=responses.TOPICS)
            return []
        utter_disclaimer(dispatcher, follow_up_buttons(domain, current_position(tracker)))
        return []
