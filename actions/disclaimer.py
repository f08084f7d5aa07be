"""Every procedure answer carries the disclaimer: one line at the end of the answer's own message.

``utter_disclaimer(dispatcher, buttons)`` is called right after an answer is sent: the answer's
message gets the disclaimer as its last line (``footer``, said by channels/nlg.py in the same
bubble) and the buttons, so a patient sees one message, not an answer and then a separate
"please note". The line is ``utter_disclaimer_short``; the first answer of a conversation
session carries the full wording (``utter_disclaimer``) instead (``full_once_per_session``,
called by SafeAction for every action), and so does the answer about this information, on request.

Both texts live in domain.yml. An answer sent as plain text (no response, so no footer can be
said with it) gets the disclaimer as a message of its own, with the buttons: never none.
"""
from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import responses

# the keyword of an action's message naming the response that ends it, read by channels/nlg.py
FOOTER = "footer"
Button = Dict[str, str]


def utter_disclaimer(dispatcher: CollectingDispatcher, buttons: List[Button],
                     disclaimer: str = responses.DISCLAIMER_SHORT) -> None:
    """End the answer just sent with the disclaimer line, and put the buttons under it."""
    answer: Optional[Dict[str, Any]] = dispatcher.messages[-1] if dispatcher.messages else None
    if answer is None or not answer.get("response") or answer.get(FOOTER):
        dispatcher.utter_message(response=disclaimer, buttons=buttons)
        return
    answer[FOOTER] = disclaimer
    answer["buttons"] = [*(answer.get("buttons") or []), *buttons]


def carries_disclaimer(message: Dict[str, Any]) -> Optional[str]:
    """The disclaimer a message (an action's, or a stored bot event's data) carries, if any."""
    if message.get(FOOTER) in responses.DISCLAIMERS:
        return message[FOOTER]
    name = message.get("response") or message.get("utter_action")
    return name if name in responses.DISCLAIMERS else None


def said_in_session(events: Iterable[Dict[str, Any]]) -> bool:
    """Whether the full disclaimer was said in these events (the current session's, as actions get them)."""
    return any(event.get("event") == "bot" and carries_disclaimer(event.get("metadata") or {}) == responses.DISCLAIMER
               for event in events)


def full_once_per_session(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The first disclaimer of a conversation session is the full wording; later ones stay short."""
    if said_in_session(tracker.events):
        return
    for message in dispatcher.messages:
        if message.get(FOOTER) == responses.DISCLAIMER_SHORT:
            message[FOOTER] = responses.DISCLAIMER
            return
        if message.get("response") == responses.DISCLAIMER_SHORT:
            message["response"] = responses.DISCLAIMER
            return
