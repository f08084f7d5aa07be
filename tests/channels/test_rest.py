"""channels/rest.py: every REST conversation is stored as rest:<sender>, within the tracker store's column."""
import pytest

from channels.rest import rest_sender_id


@pytest.mark.parametrize("sender, stored", [
    ("me", "rest:me"), ("+15550001111", "rest:+15550001111"), ("web:abc", "rest:web:abc"),
    (12345, "rest:12345"), (None, "rest:default"),
])
def test_rest_conversations_are_namespaced(sender, stored):
    assert rest_sender_id(sender) == stored


def test_the_longest_rest_sender_still_fits_the_tracker_stores_column():
    from rasa.core.tracker_store import SQLTrackerStore

    from channels.input_policy import MAX_SENDER_CHARS

    column = SQLTrackerStore.SQLEvent.__table__.columns["sender_id"].type.length
    assert len(rest_sender_id("s" * MAX_SENDER_CHARS)) == column == 255
