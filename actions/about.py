"""About this information: where the facts come from, who at the clinic reviewed the texts, and the full disclaimer.

The source (its kind, its maker and its date) is said by ``utter_about_information``, its date
taken from the claims table (content/claims.yml, ``source: published``): the one place the
source is described. The review comes from configuration (CONTENT_REVIEWED_BY and
CONTENT_REVIEWED_ON, actions/config.py); without both, ``utter_about_review_unset`` says
plainly that the clinic has not reviewed the texts yet. The answer ends with the full
disclaimer (asked for, so never the short line) and the topic buttons.
"""
from typing import Any, Dict, List, Text

from actions import config, responses
from actions.base import SafeAction
from actions.disclaimer import utter_disclaimer
from content.table import source_date

Events = List[Dict[Text, Any]]


class ActionExplainInformation(SafeAction):
    def name(self) -> Text:
        return "action_explain_information"

    def answer(self, dispatcher, tracker, domain) -> Events:
        dispatcher.utter_message(response=responses.ABOUT_INFORMATION, source_date=source_date())
        review = config.content_review()
        if review is None:
            dispatcher.utter_message(response=responses.ABOUT_REVIEW_UNSET)
        else:
            dispatcher.utter_message(response=responses.ABOUT_REVIEW, content_reviewed_by=review.reviewed_by,
                                     content_reviewed_on=review.reviewed_on)
        utter_disclaimer(dispatcher, responses.topic_buttons(domain), disclaimer=responses.DISCLAIMER)
        return []
