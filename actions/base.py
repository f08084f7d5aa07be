"""The base for every custom action: a red-flag message always wins."""
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import red_flags
from actions import disclaimer, responses


class SafeAction(Action, ABC):
    """Runs ``answer`` unless the patient's message describes red-flag symptoms.

    The NLU safety net already forces the ``emergency`` intent for such
    messages; this second check makes sure no other answer is ever given even
    if a rule or a button sends the conversation here: the emergency answer
    alone, with no disclaimer and no buttons.

    The first disclaimer of a conversation session is the full wording
    (actions/disclaimer.py), whichever action gives it.
    """

    @abstractmethod
    def name(self) -> Text:
        """The action's name in the domain."""

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        if red_flags.is_red_flag(tracker.latest_message.get("text")):
            dispatcher.utter_message(response=responses.EMERGENCY)
            return []
        events = self.answer(dispatcher, tracker, domain)
        disclaimer.full_once_per_session(dispatcher, tracker)
        return events

    @abstractmethod
    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        """The answer when there is no red flag; returns the events."""
