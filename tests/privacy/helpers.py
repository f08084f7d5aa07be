"""What the tracker store's and the purge script's tests share: the sender-id key, a store on a SQLite file, its rows."""
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.pseudonyms import stored_sender_id
from privacy.tracker_store import PrivateSQLTrackerStore
from tests.conftest import ROOT

KEY = "test-sender-id-key-" + "k" * 32


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
