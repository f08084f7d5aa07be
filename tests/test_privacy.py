"""Personal data: redaction patterns, the tracker store on a real SQLite file, retention."""
import json
import sqlite3
import subprocess
import sys
import time

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.privacy import ActionDeleteConversation
from privacy.redact import contains_identifier, redact
from privacy.tracker_store import DELETION_SLOT, PrivateSQLTrackerStore
from tests.conftest import ROOT, make_tracker, response_names


@pytest.mark.parametrize("text, kept", [
    ("my number is 07700 900123, what happens first?", "my number is [phone], what happens first?"),
    ("call me on +44 7700 900123", "call me on [phone]"),
    ("my phone is (555) 123-4567", "my phone is [phone]"),
    ("it's 555-123-4567", "it's [phone]"),
    ("email jo.bloggs+vein@example.org please", "email [email] please"),
    ("JOHN_SMITH@clinic.co.uk", "[email]"),
    ("I was born 12/03/1980", "I was born [date]"),
    ("dob 1980-03-12", "dob [date]"),
    ("born on the 12th of March 1980", "born on the [date]"),
    ("DOB: March 12, 1980", "DOB: [date]"),
    ("my hospital number is MRN1234567", "my hospital number is [number]"),
    ("record 123456", "record [number]"),
    ("nhs number 943 476 5919", "nhs number [phone]"),
])
def test_identifiers_are_redacted_and_the_rest_kept(text, kept):
    assert redact(text) == kept
    assert contains_identifier(text)


@pytest.mark.parametrize("text", [
    "what happens in step 3?", "go to step 2 of 6", "call 911", "should I call 999 or 112?",
    "I am 45 years old", "what is a stent?", "", "my leg is cold and blue",
])
def test_ordinary_messages_are_left_alone(text):
    assert redact(text) == text
    assert not contains_identifier(text)


def test_non_text_passes_through():
    assert redact(None) is None
    assert redact(3) == 3


@pytest.fixture
def store_domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def store(tmp_path, store_domain):
    return PrivateSQLTrackerStore(domain=store_domain, dialect="sqlite", host="", port="",
                                  db=str(tmp_path / "var" / "conversations.db"))


def rows(db_path):
    with sqlite3.connect(db_path) as connection:
        return connection.execute("SELECT sender_id, type_name, timestamp, data FROM events").fetchall()


def user_uttered(text, intent="ask_access"):
    return UserUttered(text, {"name": intent, "confidence": 1.0},
                       [{"entity": "medical_term", "value": text, "start": 0, "end": len(text)}],
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []})


def tracker_with(store_domain, sender, *events):
    start = min(event.timestamp for event in events) - 1  # the session starts before its events
    return DialogueStateTracker.from_events(
        sender, [SessionStarted(timestamp=start), ActionExecuted("action_listen", timestamp=start), *events],
        slots=store_domain.slots)


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


async def test_a_deletion_request_deletes_every_event_of_that_conversation(store, store_domain, tmp_path):
    keep = tracker_with(store_domain, "someone-else", user_uttered("hello", "greet"))
    await store.save(keep)
    tracker = tracker_with(store_domain, "patient-2", user_uttered("what happens first?"))
    await store.save(tracker)
    assert {row[0] for row in rows(tmp_path / "var" / "conversations.db")} == {"someone-else", "patient-2"}
    tracker.update(user_uttered("yes", "affirm"))
    tracker.update(ActionExecuted("action_delete_conversation"))
    tracker.update(SlotSet(DELETION_SLOT, True))
    await store.save(tracker)
    assert {row[0] for row in rows(tmp_path / "var" / "conversations.db")} == {"someone-else"}
    assert await store.retrieve("patient-2") is None


async def test_the_delete_action_says_so_and_sets_the_slot(dispatcher, domain):
    events = await ActionDeleteConversation().run(dispatcher, make_tracker("yes", "affirm"), domain)
    assert response_names(dispatcher) == ["utter_data_deleted"]
    assert events == [{"event": "slot", "timestamp": None, "name": DELETION_SLOT, "value": True}]


async def test_the_delete_action_still_puts_an_emergency_first(dispatcher, domain):
    events = await ActionDeleteConversation().run(dispatcher, make_tracker("I can't breathe", "affirm"), domain)
    assert response_names(dispatcher) == ["utter_emergency"]
    assert events == []


def age(db_path, sender, days):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * 86400, sender))


async def test_purge_deletes_only_conversations_idle_longer_than_n_days(store, store_domain, tmp_path):
    db = tmp_path / "var" / "conversations.db"
    for sender in ("old", "recent", "old-but-active"):
        await store.save(tracker_with(store_domain, sender, user_uttered("hello", "greet")))
    age(db, "old", 40)
    age(db, "recent", 10)
    age(db, "old-but-active", 40)
    active = await store.retrieve("old-but-active")
    active.update(user_uttered("next", "next_step"))
    await store.save(active)  # its last event is new

    env = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": str(db), "RETENTION_DAYS": "30",
           "PATH": "/usr/bin:/bin", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation(s)" in result.stdout
    assert {row[0] for row in rows(db)} == {"recent", "old-but-active"}

    result = subprocess.run([sys.executable, "scripts/purge_conversations.py", "--older-than-days", "5"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {row[0] for row in rows(db)} == {"old-but-active"}


def test_purge_needs_a_number_of_days(tmp_path):
    env = {"TRACKER_DB": str(tmp_path / "c.db"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "RETENTION_DAYS" in result.stderr


def test_generated_identifiers_in_many_formats_leave_no_digits_behind():
    import random
    import re

    rng = random.Random(5)
    formats = ("{a}{b}", "{a} {b}", "+44 {a} {b}", "({a}) {b}", "{a}-{b}", "{a}.{b}", "0{a}{b}",
               "MRN{a}{b}", "record #{a}{b}", "{d}/{m}/{y}", "{y}-{m}-{d}", "{d}.{m}.{y}")
    for _ in range(300):
        value = rng.choice(formats).format(
            a=rng.randint(100, 99999), b=rng.randint(1000, 999999),
            d=rng.randint(1, 28), m=rng.randint(1, 12), y=rng.randint(1920, 2025))
        text = f"hi, {value}, what happens first?"
        redacted = redact(text)
        assert not re.search(r"\d{3}", redacted), (text, redacted)
        assert redacted.endswith(", what happens first?")
        assert redact(redacted) == redacted  # stable


def test_the_nlu_component_redacts_training_examples_and_messages():
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.redact_identifiers import RedactIdentifiers

    component = RedactIdentifiers()
    message = Message(data={TEXT: "my number is 07700 900123, what happens first?"})
    plain = Message(data={TEXT: "what happens in step 3?"})
    component.process([message, plain])
    assert message.get(TEXT) == "my number is [phone], what happens first?"
    assert plain.get(TEXT) == "what happens in step 3?"
    example = Message(data={TEXT: "email me at a@b.org", "intent": "request_human"})
    component.process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "email me at [email]"
