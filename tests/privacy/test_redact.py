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
from privacy.pseudonyms import SenderIdKeyError, stored_sender_id
from privacy.redact import contains_identifier, redact
from privacy.tracker_store import DELETION_SLOT, PrivateSQLTrackerStore
from tests.conftest import ROOT, make_tracker, response_names

KEY = "test-sender-id-key-" + "k" * 32


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


@pytest.mark.parametrize("text, kept", [
    # names after a cue phrase
    ("my name is Jane Doe, what happens first?", "my name is [name], what happens first?"),
    ("my name is jane doe and i have a question", "my name is [name] and i have a question"),
    ("my name's Jane", "my name's [name]"),
    ("my names Jane O'Brien-Smith", "my names [name]"),
    ("I'm called Will", "I'm called [name]"),
    ("I am called Dr Patel, the nurse said", "I am called [name], the nurse said"),
    ("call me Jane please", "call me [name] please"),
    ("just call me jane", "just call me [name]"),
    ("this is Jane Doe, what happens first?", "this is [name], what happens first?"),
    ("Hi, this is Dr. Patel from ward 4", "Hi, this is [name] from ward 4"),
    ("This is Jane's mum", "This is [name]'s mum"),
    ("Name: Jane Doe", "Name: [name]"),
    # street addresses
    ("I live at 12 Acacia Avenue, is parking free?", "I live at [address], is parking free?"),
    ("221B Baker Street", "[address]"),
    ("1600 Pennsylvania Ave NW, Washington", "[address], Washington"),
    ("Flat 3, 12 High St", "[address]"),
    ("5 high street", "[address]"),
    ("12 St Mary's Road", "[address]"),
    ("12 Acacia Close", "[address]"),
    ("350 5th Ave", "[address]"),
    ("123 N Main St", "[address]"),
    # postcodes and ZIP codes
    ("my postcode is SW1A 1AA", "my postcode is [postcode]"),
    ("M1 1AE", "[postcode]"),
    ("ec1a1bb, is that near?", "[postcode], is that near?"),
    ("Washington, DC 20500", "Washington, DC [postcode]"),
    ("zip 90210", "zip [postcode]"),
    ("my zip code is 90210", "my zip code is [postcode]"),
    ("12345-6789", "[postcode]"),
    # spelled-out e-mail addresses
    ("jane dot doe at example dot com", "[email]"),
    ("mail jane(at)example(dot)com please", "mail [email] please"),
    ("jane [at] nhs [dot] net", "[email]"),
    ("jane.doe at example.co.uk, thanks", "[email], thanks"),
    ("JANE AT EXAMPLE DOT ORG", "[email]"),
    # years of birth
    ("I was born in 1980, what happens first?", "I was born in [year], what happens first?"),
    ("born 1980", "born [year]"),
    ("year of birth 1980", "year of birth [year]"),
    ("DOB 1980", "DOB [year]"),
    ("dob: 1980", "dob: [year]"),
    ("date of birth is 1975", "date of birth is [year]"),
    ("born in March 1980", "born in [year]"),
    ("born in '80", "born in [year]"),
    # all at once
    ("my name is Jane, 12 Acacia Avenue, SW1A 1AA, jane at example dot com, born 1980",
     "my name is [name], [address], [postcode], [email], born [year]"),
])
def test_names_addresses_postcodes_spelled_emails_and_birth_years_are_redacted(text, kept):
    assert redact(text) == kept
    assert redact(kept) == kept  # stable


@pytest.mark.parametrize("text", [
    "this is my first time", "This is Normal", "This is Normal?", "this is normal, right?",
    "Is this Normal?", "This is DVT?", "This is Step 3?", "this is a thrombectomy", "This Is My First Time",
    "I'm called in at 8", "i'm called early", "I am called back tomorrow", "I'm called for surgery at 9",
    "call me back", "can someone call me", "call me on the ward", "please call me later", "call me if it changes",
    "call me, please", "call me tomorrow", "my name is spelt wrong on the letter", "my name is not on the list",
    "2 clots close to the knee", "a 3 hour drive", "it took 20 minutes walk", "the 2 main veins",
    "12 acacia close",  # a lower-case name before an ambiguous street type: not caught (docs/privacy.md)
    "I have 2 stents in the road to recovery", "step 4 lane", "vitamin b12 2nd dose", "MRI at 3pm",
    "I am 45 years old", "in 1980 I had a DVT", "is it 15 minutes?", "she was born in Leeds",
    "look at the leg", "a red dot at the groin", "what is a stent dot", "what happens in step 3 at the end?",
    "10001 things", "NY is far", "I am 12345 steps away",
])
def test_ordinary_sentences_stay_as_they_are(text):
    assert redact(text) == text


def nlu_examples():
    import re

    import yaml

    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted((ROOT / "tests" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:])


def response_texts():
    import yaml

    for variants in yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].values():
        for variant in variants:
            yield variant.get("text") or ""
            for button in variant.get("buttons") or []:
                yield button.get("title") or ""


def test_the_nlu_examples_and_answers_get_a_new_placeholder_only_where_there_is_a_name():
    """Names, addresses, postcodes, spelled-out e-mails and birth years: of every NLU example
    (training, held-out, blind) and every answer, only the one with a name changes. The model
    sees the same training data, and ordinary English stays as it was."""
    texts = list(nlu_examples()) + list(response_texts())
    assert len(texts) > 2500
    changed = {}
    for text in texts:
        redacted = redact(text)
        if any(placeholder in redacted for placeholder in ("[name]", "[address]", "[postcode]", "[year]")):
            changed[text] = redacted
        assert ("[email]" in redacted) == ("@" in text), (text, redacted)
    assert changed == {"hi, my name's Carol": "hi, my name's [name]"}


def test_long_messages_are_redacted_quickly():
    for text in ("a." * 1000, "a dot " * 333, "a(dot)" * 333, "12 acacia " * 200, "my name is " * 180,
                 "call me " * 250, "born " * 400, "SW1 " * 500):
        started = time.perf_counter()
        redact(text[:2000])
        assert time.perf_counter() - started < 0.5, text[:20]


def test_non_text_passes_through():
    assert redact(None) is None
    assert redact(3) == 3


@pytest.fixture
def store_domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def store(tmp_path, store_domain):
    return PrivateSQLTrackerStore(domain=store_domain, dialect="sqlite", host="", port="",
                                  db=str(tmp_path / "var" / "conversations.db"), sender_id_key=KEY)


def stored(sender):
    return stored_sender_id(sender, KEY)


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


@pytest.mark.parametrize("sender, prefix", [
    ("rest:jane.doe@example.com", "rest:"), ("web:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1", "web:"),
    ("+447700900123", ""), ("whatsapp:+447700900123", ""), ("123456789", ""), ("rest:web:abc", "rest:"),
])
def test_a_stored_id_is_the_channel_prefix_and_a_keyed_hash(sender, prefix):
    stored_id = stored_sender_id(sender, KEY)
    assert stored_id.startswith(prefix)
    digest = stored_id[len(prefix):]
    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert stored_id == stored_sender_id(sender, KEY.encode())  # the same for the key as text or bytes
    assert stored_id != stored_sender_id(sender, KEY + "x")  # another key: another id
    assert sender.split(":")[-1] not in stored_id


def test_stored_ids_of_different_senders_differ_also_across_channels():
    senders = ["rest:a", "rest:b", "web:a", "a", "rest:web:a", "web:rest:a"]
    assert len({stored_sender_id(sender, KEY) for sender in senders}) == len(senders)


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
        connection.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
                           (days * 86400, stored(sender)))


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

    env = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": str(db), "RETENTION_DAYS": "30", "SENDER_ID_KEY": KEY,
           "PATH": "/usr/bin:/bin", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation(s)" in result.stdout
    assert {row[0] for row in rows(db)} == {stored("recent"), stored("old-but-active")}

    result = subprocess.run([sys.executable, "scripts/purge_conversations.py", "--older-than-days", "5"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {row[0] for row in rows(db)} == {stored("old-but-active")}


def test_purge_needs_a_number_of_days(tmp_path):
    env = {"TRACKER_DB": str(tmp_path / "c.db"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "RETENTION_DAYS" in result.stderr


def test_purge_needs_the_sender_id_key(tmp_path):
    env = {"TRACKER_DB": str(tmp_path / "c.db"), "RETENTION_DAYS": "30", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "SENDER_ID_KEY is not set" in result.stderr and "Traceback" not in result.stderr


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
    named = Message(data={TEXT: "my name is Jane Doe, I live at 12 Acacia Avenue, what happens first?"})
    component.process([named])
    assert named.get(TEXT) == "my name is [name], I live at [address], what happens first?"
    example = Message(data={TEXT: "email me at a@b.org", "intent": "request_human"})
    component.process_training_data(TrainingData([example]))
    assert example.get(TEXT) == "email me at [email]"
