"""Names of the domain responses the actions use, and buttons built from them.

The texts themselves live in ``domain.yml`` (one place for clinic editors);
this module only knows their names.
"""
import re
from typing import Any, Dict, List, Optional

from actions import walkthrough

# the full disclaimer (once a session, and with the answer about this information) and its short line
DISCLAIMER = "utter_disclaimer"
DISCLAIMER_SHORT = "utter_disclaimer_short"
DISCLAIMERS = (DISCLAIMER, DISCLAIMER_SHORT)
EMERGENCY = "utter_emergency"
TOPICS = "utter_topics"
TERM_UNKNOWN = "utter_term_unknown"
WALKTHROUGH_END = "utter_walkthrough_end"
MEDICAL_ADVICE_DECLINED = "utter_medical_advice_declined"
CARE_TEAM_CONTACT = "utter_care_team_contact"
CARE_TEAM_CONTACT_UNSET = "utter_care_team_contact_unset"
CARE_TEAM_HOURS = "utter_care_team_hours"
CARE_TEAM_OUT_OF_HOURS = "utter_care_team_out_of_hours"
ABOUT_INFORMATION = "utter_about_information"
ABOUT_REVIEW = "utter_about_review"
ABOUT_REVIEW_UNSET = "utter_about_review_unset"
DATA_DELETED = "utter_data_deleted"
# said by the Rasa server itself when the action server cannot be reached
SERVICE_UNAVAILABLE = "utter_service_unavailable"
# said by the channels before a message reaches the assistant (channels/screening.py)
MESSAGE_TOO_LONG = "utter_message_too_long"
MESSAGE_UNREADABLE = "utter_message_unreadable"
RATE_LIMITED = "utter_rate_limited"

LABEL_NEXT_STEP = "utter_button_next_step"
LABEL_PREVIOUS_STEP = "utter_button_previous_step"
LABEL_TOPICS = "utter_button_topics"
LABEL_WALKTHROUGH = "utter_button_walkthrough"
LABEL_SOMETHING_ELSE = "utter_button_something_else"
OUT_OF_SCOPE = "utter_out_of_scope"
DID_YOU_MEAN = "utter_did_you_mean"
EMERGENCY_SIGNS = "utter_emergency_signs"

Button = Dict[str, str]


def step_response(step: str) -> str:
    return f"utter_step_{step}"


def topic_response(topic: str) -> str:
    return f"utter_topic_{topic}"


def position_response(position: str) -> str:
    """The answer for a walkthrough position: a step, or the afterwards topic."""
    if position in walkthrough.STEPS:
        return step_response(position)
    return topic_response(position)


def term_response(term: str) -> str:
    """``utter_term_<key>`` for an entity value such as "introducer sheath"."""
    key = re.sub(r"[^a-z0-9]+", "_", term.lower()).strip("_")
    return f"utter_term_{key}"


def has_response(domain: Dict[str, Any], name: str) -> bool:
    return bool(domain.get("responses", {}).get(name))


def topic_for_intent(intent: Optional[str], domain: Dict[str, Any]) -> Optional[str]:
    """The topic an ``ask_<topic>`` intent asks about, if the domain has its answer."""
    if not intent or not intent.startswith("ask_"):
        return None
    topic = intent[len("ask_"):]
    return topic if has_response(domain, topic_response(topic)) else None


def label(domain: Dict[str, Any], name: str) -> str:
    """A button label, taken from the first variation of its response."""
    return domain["responses"][name][0]["text"]


def _button(domain: Dict[str, Any], label_name: str, intent: str) -> Button:
    return {"title": label(domain, label_name), "payload": f"/{intent}"}


def intent_label(intent: str) -> str:
    """The response whose text labels a button that asks this intent: ``utter_button_<intent>``."""
    return f"utter_button_{intent}"


def intent_button(domain: Dict[str, Any], intent: str, label_name: Optional[str] = None) -> Button:
    """A button that sends this intent, labelled by ``label_name`` or the intent's own label."""
    return _button(domain, label_name or intent_label(intent), intent)


def navigation_buttons(domain: Dict[str, Any], position: str) -> List[Button]:
    """Next / previous / all topics, as far as they make sense at this position."""
    buttons = []
    if walkthrough.has_next(position):
        buttons.append(_button(domain, LABEL_NEXT_STEP, "next_step"))
    if walkthrough.has_previous(position):
        buttons.append(_button(domain, LABEL_PREVIOUS_STEP, "previous_step"))
    buttons.append(_button(domain, LABEL_TOPICS, "help"))
    return buttons


def topic_buttons(domain: Dict[str, Any]) -> List[Button]:
    """After a topic answer: start the walkthrough at step 1, or see all topics."""
    return [
        _button(domain, LABEL_WALKTHROUGH, f"ask_{walkthrough.STEPS[0]}"),
        _button(domain, LABEL_TOPICS, "help"),
    ]
