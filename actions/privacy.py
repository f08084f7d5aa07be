"""'Forget me': the patient confirmed, so the conversation is deleted.

The action server cannot delete the conversation itself: the Rasa server saves
the tracker after every message and would store it again. So the action sets the
``data_deletion_requested`` slot, and the project's tracker store
(``privacy/tracker_store.py``) deletes every stored event of this conversation
when it sees that slot set, instead of saving it.
"""
from typing import Any, Dict, List, Text

from rasa_sdk.events import SlotSet

from actions import responses
from actions.base import SafeAction
from privacy import DELETION_SLOT


class ActionDeleteConversation(SafeAction):
    def name(self) -> Text:
        return "action_delete_conversation"

    def answer(self, dispatcher, tracker, domain) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response=responses.DATA_DELETED)
        return [SlotSet(DELETION_SLOT, True)]
