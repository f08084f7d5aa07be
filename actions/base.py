"""The base for every custom action: a red-flag message always wins."""
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import red_flags
from actions import responses


class SafeAction(Action, ABC):
    """Runs ``answer`` unless the patient's message describes red-flag symptoms.

    The NLU safety net already forces the ``emergency`` intent for such
    messages; this second check makes sure no other answer is ever given even
    if a rule or a button sends the conversation here.
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
        return self.answer(dispatcher, tracker, domain)

    @abstractmethod
    def answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[Dict[Text, Any]]:
        """The answer when there is no red flag; returns the events."""
