"""Ask, don't guess: when the classifier is unsure between a few topics, "Did you mean ...?".

The FallbackClassifier turns a message into ``nlu_fallback`` when the best intent is not
confident enough, or the best two are too close to tell apart. Then:

- if some of the intents it ranked highest are topics the assistant can answer, each
  clearly in the running (CANDIDATE_MIN_CONFIDENCE), the patient gets "Did you mean ...?"
  with up to MAX_CANDIDATES of them as buttons plus "Something else" (Rasa's two-stage
  fallback convention). A button sends that topic's intent, so the choice is answered as
  if it had been asked;
- otherwise (out of scope ranked first, no candidate, or a message with no word the
  assistant was trained on: ``unknown_words`` in the parse data) the honest fallback: the
  out-of-scope answer and the topics. "Something else" leads there too.

Each candidate's label is its ``utter_button_<intent>`` response in domain.yml; an intent
without one is never offered.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker

from actions import responses
from actions.base import SafeAction

Events = List[Dict[Text, Any]]

MAX_CANDIDATES = 3
CANDIDATE_MIN_CONFIDENCE = 0.1
# a candidate is offered only if it is at least this share of the best one's confidence
CANDIDATE_MIN_SHARE = 0.3
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"
UNKNOWN_WORDS_KEY = "unknown_words"  # set by components.unknown_words


def candidate_intents(parse_data: Dict[Text, Any], domain: Dict[Text, Any]) -> List[str]:
    """The intents worth offering for this message, best first (empty: the honest fallback)."""
    if parse_data.get(UNKNOWN_WORDS_KEY):
        return []
    ranking = [entry for entry in parse_data.get("intent_ranking") or [] if entry.get("name") != FALLBACK_INTENT]
    if not ranking or ranking[0].get("name") == OUT_OF_SCOPE_INTENT:
        return []
    best = float(ranking[0].get("confidence") or 0.0)
    candidates = []
    for entry in ranking:
        name, confidence = entry.get("name"), float(entry.get("confidence") or 0.0)
        if confidence < max(CANDIDATE_MIN_CONFIDENCE, CANDIDATE_MIN_SHARE * best):
            break
        if responses.has_response(domain, responses.intent_label(name)):
            candidates.append(name)
        if len(candidates) == MAX_CANDIDATES:
            break
    return candidates


class ActionClarify(SafeAction):
    def name(self) -> Text:
        return "action_clarify"

    def answer(self, dispatcher, tracker: Tracker, domain) -> Events:
        candidates = candidate_intents(tracker.latest_message, domain)
        if not candidates:
            dispatcher.utter_message(response=responses.OUT_OF_SCOPE)
            dispatcher.utter_message(response=responses.TOPICS)
            return []
        buttons = [responses.intent_button(domain, intent) for intent in candidates]
        buttons.append(responses.intent_button(domain, OUT_OF_SCOPE_INTENT, responses.LABEL_SOMETHING_ELSE))
        dispatcher.utter_message(response=responses.DID_YOU_MEAN, buttons=buttons)
        return []
