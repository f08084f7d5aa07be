"""The answer of a topic the guide does not cover, when the NLU chose one within the message's intent.

components/topic_selector.py sets ``uncovered_topic`` in the parse data of a message of
ask_medical_advice, out_of_scope or ask_anesthesia that is nearer in meaning to a topic's examples
(data/topics/uncovered.yml: risks, after going home, getting ready, what you may feel) than to
the intent's own. The actions then give that topic's response instead of the intent's usual
answer. A button payload ("/out_of_scope"), another intent, or a response not in the domain:
the usual answer.
"""
from typing import Any, Dict, Optional, Text

from rasa_sdk import Tracker

from actions import responses

TOPIC_KEY = "uncovered_topic"  # components/topic_selector.py


def selected_topic(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    """The topic chosen within the message's own intent, e.g. {"name": "before", "within": "out_of_scope", ...}."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    topic = message.get(TOPIC_KEY)
    if not isinstance(topic, dict) or not intent or topic.get("within") != intent:
        return None
    return topic


def selected_response(tracker: Tracker, domain: Dict[Text, Any]) -> Optional[str]:
    """That topic's response when the domain has it, else None."""
    topic = selected_topic(tracker)
    name = str((topic or {}).get("response") or "")
    return name if name and responses.has_response(domain, name) else None
