"""actions/privacy.py: the deletion action confirms, sets the slot, and still puts an emergency first."""
from actions.privacy import ActionDeleteConversation
from privacy.tracker_store import DELETION_SLOT
from tests.conftest import make_tracker, response_names


async def test_the_delete_action_says_so_and_sets_the_slot(dispatcher, domain):
    events = await ActionDeleteConversation().run(dispatcher, make_tracker("yes", "affirm"), domain)
    assert response_names(dispatcher) == ["utter_data_deleted"]
    assert events == [{"event": "slot", "timestamp": None, "name": DELETION_SLOT, "value": True}]


async def test_the_delete_action_still_puts_an_emergency_first(dispatcher, domain):
    events = await ActionDeleteConversation().run(dispatcher, make_tracker("I can't breathe", "affirm"), domain)
    assert response_names(dispatcher) == ["utter_emergency"]
    assert events == []
