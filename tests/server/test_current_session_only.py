"""server/current_session_only.py: action calls are cut to the current session, with Rasa's own tracker."""
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from server import patches
from server.current_session_only import events_of_current_session
from tests.conftest import ROOT


def two_sessions(domain: Domain) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("what happens first?"), SlotSet("current_step", "access"), ActionExecuted("action_listen"),
        ActionExecuted("action_session_start"), SessionStarted(), SlotSet("current_step", "access"),
        ActionExecuted("action_listen"), UserUttered("and then?"),
    ]
    return DialogueStateTracker.from_events("patient", events, domain.slots)


def test_events_start_at_the_latest_session_start():
    events = [{"event": "session_started"}, {"event": "user", "text": "old"},
              {"event": "session_started"}, {"event": "user", "text": "new"}]
    assert events_of_current_session(events) == events[2:]
    assert events_of_current_session(events[1:2]) == events[1:2]
    assert events_of_current_session([]) == []


def test_an_action_call_carries_the_current_session_with_its_slots(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_action_call_format", RemoteAction._action_call_format)  # undone after
    domain = Domain.load(str(ROOT / "domain.yml"))
    action = RemoteAction("action_explain_step", EndpointConfig("http://127.0.0.1:1/webhook"))
    tracker = two_sessions(domain)
    before = action._action_call_format(tracker, domain)
    patches.install(patches.named("send_current_session_only"))
    patches.install(patches.named("send_current_session_only"))  # twice changes nothing more
    after = action._action_call_format(tracker, domain)

    texts = [e["text"] for e in after["tracker"]["events"] if e["event"] == "user"]
    assert texts == ["and then?"]
    assert after["tracker"]["events"][0]["event"] == "session_started"
    assert [e["text"] for e in before["tracker"]["events"] if e["event"] == "user"] == ["what happens first?",
                                                                                       "and then?"]
    assert after["tracker"]["slots"] == before["tracker"]["slots"]
    assert after["tracker"]["slots"]["current_step"] == "access"
