"""privacy/tracker_store.py: the tracker store on a real SQLite file, pseudonyms, redaction, metadata and deletion."""
import json
import time

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.pseudonyms import SenderIdKeyError
from privacy.tracker_store import DELETION_SLOT, PrivateSQLTrackerStore
from tests.privacy.helpers import KEY, rows, stored, tracker_with, user_uttered


async def test_stored_rows_hold_no_raw_identifier(store, store_domain, tmp_path):
    raw = "my number is 07700 900123, mail a.b@example.org, born 12/03/1980, what happens first?"
    tracker = tracker_with(store_domain, "patient-1", user_uttered(raw),
                           SlotSet("current_step", "access"), BotUttered("Step 1 of 6: ..."))
    await store.save(tracker)
    stored = rows(tmp_path / "var" / "conversations.db")
    assert len(stored) == len(tracker.events)
    everything = " ".join(row[3] for row in stored)
    for identifier in ("07700", "900123", "a.b@example.org", "12/03/1980"):
        assert identifier not in everything
    user = next(json.loads(row[3]) for row in stored if row[1] == "user")
    assert user["text"] == "my number is [phone], mail [email], born [date], what happens first?"
    assert user["parse_data"]["text"] == user["text"]
    # the tracker in memory (what the bot answered from) is untouched
    assert tracker.latest_message.text == raw
    retrieved = await store.retrieve("patient-1")
    assert retrieved.get_slot("current_step") == "access"


@pytest.mark.parametrize("environ, message", [
    ({}, "SENDER_ID_KEY is not set"), ({"SENDER_ID_KEY": "   "}, "SENDER_ID_KEY is not set"),
    ({"SENDER_ID_KEY": "short"}, "SENDER_ID_KEY is too short"),
])
def test_the_store_refuses_to_start_without_a_long_key(tmp_path, monkeypatch, environ, message):
    monkeypatch.delenv("SENDER_ID_KEY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SenderIdKeyError, match=message):
        PrivateSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "c.db"))
    assert not (tmp_path / "c.db").exists()  # refused before connecting


def test_the_store_reads_its_key_from_the_environment(tmp_path, monkeypatch, store_domain):
    monkeypatch.setenv("SENDER_ID_KEY", KEY)
    store = PrivateSQLTrackerStore(domain=store_domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    assert store.stored_id("rest:me") == stored("rest:me")


async def test_a_conversation_is_stored_under_its_pseudonym_and_found_by_its_sender_id(
        store, store_domain, tmp_path):
    sender = "rest:jane.doe@example.com"
    tracker = tracker_with(store_domain, sender, user_uttered("what happens first?", "ask_access"),
                           SlotSet("current_step", "access"))
    await store.save(tracker)
    db = tmp_path / "var" / "conversations.db"
    assert {row[0] for row in rows(db)} == {stored(sender)}
    assert "jane" not in (db.read_bytes().decode("latin-1")).lower()  # nowhere in the file, not only the column
    retrieved = await store.retrieve(sender)
    assert retrieved.sender_id == sender  # the tracker in memory has the real id: replies reach the patient
    assert retrieved.get_slot("current_step") == "access"
    retrieved.update(user_uttered("next", "next_step"))
    await store.save(retrieved)  # only the new events are added
    assert len(rows(db)) == len(retrieved.events)
    assert (await store.retrieve_full_tracker(sender)).sender_id == sender
    assert await store.retrieve(stored(sender)) is None  # a stored id is not a way in
    assert await store.delete(sender) == len(retrieved.events)
    assert rows(db) == []


async def test_another_key_finds_nothing(store, store_domain, tmp_path):
    await store.save(tracker_with(store_domain, "+447700900123", user_uttered("hello", "greet")))
    other = PrivateSQLTrackerStore(domain=store_domain, dialect="sqlite",
                                   db=str(tmp_path / "var" / "conversations.db"), sender_id_key=KEY + "-changed")
    assert await other.retrieve("+447700900123") is None
    assert await store.retrieve("+447700900123") is not None


PERSONAL_METADATA = {"name": "Jane Doe", "email": "jane.doe@example.com", "phone": "+44 7700 900123",
                     "clinic": "north"}


def session_with_metadata(store_domain, sender, metadata):
    """What Rasa stores for a first message that came with metadata: the session_started_metadata
    slot, a session_started event carrying it, and the user event with it."""
    start = time.time() - 10
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start", timestamp=start),
        SlotSet("session_started_metadata", metadata, timestamp=start),
        SessionStarted(metadata=metadata, timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
        UserUttered("what happens first?", {"name": "ask_access", "confidence": 1.0}, [],
                    parse_data={"text": "what happens first?", "intent": {"name": "ask_access"}, "entities": []},
                    metadata={**metadata, "model_id": "m1"}, timestamp=start + 1),
    ], slots=store_domain.slots)


async def test_the_channels_metadata_is_not_stored(store, store_domain, tmp_path):
    tracker = session_with_metadata(store_domain, "rest:p", PERSONAL_METADATA)
    await store.save(tracker)
    db = tmp_path / "var" / "conversations.db"
    contents = db.read_bytes().decode("latin-1")
    for value in ("Jane", "jane.doe", "7700", "north"):
        assert value not in contents
    events = {kind: json.loads(data) for _, kind, _, data in rows(db)}
    assert events["user"]["metadata"] == {"model_id": "m1"}  # Rasa's own key stays
    assert events["session_started"].get("metadata", {}) == {}
    slot = next(json.loads(data) for _, kind, _, data in rows(db)
                if kind == "slot" and json.loads(data)["name"] == "session_started_metadata")
    assert slot["value"] is None
    assert tracker.latest_message.metadata["name"] == "Jane Doe"  # the tracker in memory still has it


async def test_keys_named_in_keep_metadata_keys_are_stored_redacted(store_domain, tmp_path, monkeypatch):
    monkeypatch.setenv("SENDER_ID_KEY", KEY)
    monkeypatch.setenv("KEEP_METADATA_KEYS", " clinic , note")
    store = PrivateSQLTrackerStore(domain=store_domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    await store.save(session_with_metadata(store_domain, "rest:p", {**PERSONAL_METADATA,
                                                                    "note": "call 07700 900123"}))
    events = [(kind, json.loads(data)) for _, kind, _, data in rows(tmp_path / "c.db")]
    user = next(data for kind, data in events if kind == "user")
    assert user["metadata"] == {"clinic": "north", "note": "call [phone]", "model_id": "m1"}
    slot = next(data for kind, data in events if kind == "slot" and data["name"] == "session_started_metadata")
    assert slot["value"] == {"clinic": "north", "note": "call [phone]"}
    started = next(data for kind, data in events if kind == "session_started")
    assert started["metadata"] == {"clinic": "north", "note": "call [phone]"}


async def test_a_deletion_request_deletes_every_event_of_that_conversation(store, store_domain, tmp_path):
    keep = tracker_with(store_domain, "someone-else", user_uttered("hello", "greet"))
    await store.save(keep)
    tracker = tracker_with(store_domain, "patient-2", user_uttered("what happens first?"))
    await store.save(tracker)
    assert {row[0] for row in rows(tmp_path / "var" / "conversations.db")} == {stored("someone-else"),
                                                                              stored("patient-2")}
    tracker.update(user_uttered("yes", "affirm"))
    tracker.update(ActionExecuted("action_delete_conversation"))
    tracker.update(SlotSet(DELETION_SLOT, True))
    await store.save(tracker)
    assert {row[0] for row in rows(tmp_path / "var" / "conversations.db")} == {stored("someone-else")}
    assert await store.retrieve("patient-2") is None
