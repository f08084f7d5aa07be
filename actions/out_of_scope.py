"""A question the assistant cannot answer: the honest answer, or the getting-ready answer.

Within out_of_scope, getting ready for the procedure (fasting, medicines on the day, what to
bring) has an answer of its own that says the guide does not cover it and lists questions for
the care team (actions/selector.py). Anything else gets the out-of-scope
answer and the topics, as before.
"""
from typing import Any, Dict, List, Text

from actions import responses, selector
from actions.base import SafeAction
from actions.disclaimer import utter_disclaimer

Events = List[Dict[Text, Any]]


class ActionAnswerOutOfScope(SafeAction):
    def name(self) -> Text:
        return "action_answer_out_of_scope"

    def answer(self, dispatcher, tracker, domain) -> Events:
        own_answer = selector.selected_response(tracker, domain)
        if own_answer is None:
            dispatcher.utter_message(response=responses.OUT_OF_SCOPE)
            dispatcher.utter_message(response=responses.TOPICS)
            return []
        dispatcher.utter_message(response=own_answer)
        utter_disclaimer(dispatcher, responses.topic_buttons(domain))
        return []
