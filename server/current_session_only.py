"""Custom action calls carry the current conversation session only.

Rasa 3.6 sends the action server every event of the tracker it holds. After a patient
comes back later than the session expiry (domain.yml, session_config), that tracker
still holds the previous session as well as the new one. Here the events sent start at
the latest `session_started`: slots carried over to the new session are set again
after it, so the actions see the same state, and a call never carries old history.
"""
import functools
from typing import Any, Dict, List


def events_of_current_session(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events from the latest session start on (all of them if there is none)."""
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    return events[starts[-1]:] if starts else events


def send_current_session_only() -> None:
    """Patch Rasa: the tracker in each action call is cut to the current session."""
    from rasa.core.actions.action import RemoteAction

    action_call_format = RemoteAction._action_call_format

    @functools.wraps(action_call_format)
    def current_session_call_format(self, tracker, domain):
        call = action_call_format(self, tracker, domain)
        call["tracker"]["events"] = events_of_current_session(call["tracker"]["events"])
        return call

    RemoteAction._action_call_format = current_session_call_format
