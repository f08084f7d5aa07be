"""Reaching the care team, and declining personal medical advice."""
from typing import Any, Dict, List, Text

from rasa_sdk.executor import CollectingDispatcher

from actions import config, responses, selector
from actions.base import SafeAction
from actions.explain import current_position, explain_terms, follow_up_buttons, utter_disclaimer

Events = List[Dict[Text, Any]]


def utter_contact(dispatcher: CollectingDispatcher) -> None:
    """The clinic's contact details from configuration, or the 'not set' text; then what to do
    out of hours, when the clinic has said (nothing is invented when it has not)."""
    contact = config.clinic_contact()
    if contact is None:
        dispatcher.utter_message(response=responses.CARE_TEAM_CONTACT_UNSET)
    else:
        dispatcher.utter_message(
            response=responses.CARE_TEAM_CONTACT,
            clinic_name=contact.name,
            clinic_phone=contact.phone,
        )
        if contact.hours:
            dispatcher.utter_message(
                response=responses.CARE_TEAM_HOURS, clinic_hours=contact.hours
            )
    out_of_hours = config.out_of_hours()
    if out_of_hours:
        dispatcher.utter_message(
            response=responses.CARE_TEAM_OUT_OF_HOURS, clinic_out_of_hours=out_of_hours
        )


class ActionContactCareTeam(SafeAction):
    def name(self) -> Text:
        return "action_contact_care_team"

    def answer(self, dispatcher, tracker, domain) -> Events:
        utter_contact(dispatcher)
        return []


class ActionDeclineMedicalAdvice(SafeAction):
    """No personal advice: a kind refusal, the general facts that apply, who to ask, and when not to wait.

    Symptom questions ("is it normal that my leg is still swollen?") are ask_medical_advice
    too: never the procedure text, always the care team and the signs to call the emergency
    number for. A general question on what the guide does not cover (risks, after going home:
    data/topics/uncovered.yml) opens with that topic's answer instead of the refusal
    (actions/selector.py); the rest stays the same.
    """

    def name(self) -> Text:
        return "action_decline_medical_advice"

    def answer(self, dispatcher, tracker, domain) -> Events:
        opening = selector.selected_response(tracker, domain) or responses.MEDICAL_ADVICE_DECLINED
        dispatcher.utter_message(response=opening)
        explain_terms(dispatcher, tracker, domain)
        utter_contact(dispatcher)
        dispatcher.utter_message(response=responses.EMERGENCY_SIGNS)
        utter_disclaimer(dispatcher, follow_up_buttons(domain, current_position(tracker)))
        return []
