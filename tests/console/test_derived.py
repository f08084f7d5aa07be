"""console/derived.py and console/derived_reads.py: the console's own table of messages, kept up to date
from the store by its primary key; deleted conversations (and their marks) gone at the next read."""
import json
import sqlite3
from datetime import date

import pytest

from console.derived import Derived
from console.derived_reads import messages_answered, overview
from console.intents import intents
from console.marks import Marks, current
from console.messages import NOT_UNDERSTOOD, messages
from console.period import Period
from console.stats import overview as overview_of_messages
from console.store import ConversationStore, StoreConfig
from tests.console.conversations import ADVICE, CLARIFY, DAY, EMERGENCY, FALLBACK, GREET, STENT, STEP, Turn, forget, save

DAY1 = Period(date(2026, 12, 1), date(2026, 12, 1)).start
PERIOD = Period(date(2026, 11, 30), date(2026, 12, 3))


class CountingStore(ConversationStore):
    """The store, noting which ids each sync asked for."""

    def __init__(self, engine_):
        super().__init__(engine_)
        self.after, self.read = [], 0

    def light_rows_after(self, last_id, limit=None):
        rows = super().light_rows_after(last_id, limit)
        self.after.append(last_id)
        self.read += len(rows)
        return rows


@pytest.fixture
def stored(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP),
                        Turn("sky on mars", "nlu_fallback", FALLBACK)], DAY1)
    save(db, "web:b", [Turn("chest pain", "emergency", EMERGENCY), Turn("stent", "ask_stent", STENT)], DAY1 + 100,
         channel="socketio")
    return db, CountingStore(ConversationStore.open(StoreConfig(db=str(db))).engine), Derived(tmp_path / "console.db")


def max_id(db):
    return sqlite3.connect(db).execute("SELECT max(id) FROM events").fetchone()[0]


def test_the_overview_is_the_one_of_the_stored_messages(stored):
    db, store, derived = stored
    save(db, "3333", [Turn("my pills?", "ask_medical_advice", ADVICE), Turn("vein thing", "nlu_fallback", CLARIFY)],
         DAY1 + DAY, channel="telegram")
    derived.sync(store)
    expected = overview_of_messages(messages(store.answer_events_between(PERIOD.start, PERIOD.end)), PERIOD)
    assert overview(derived, PERIOD) == expected and expected.totals == {"conversations": 3, "messages": 7}
    assert [m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)] == ["sky on mars", "vein thing"]
    assert [m.category for m in messages_answered(derived, PERIOD, ("emergency", "medical_advice"))] == [
        "emergency", "medical_advice"]


def test_a_second_sync_reads_only_the_new_ids_and_new_messages_appear(stored):
    db, store, derived = stored
    assert derived.sync(store).read == store.read == sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0]
    first_last = max_id(db)
    assert derived.sync(store).read == 0 and store.after == [0, first_last]
    save(db, "rest:c", [Turn("the vein bit", "nlu_fallback", CLARIFY)], DAY1 + 200)
    synced = derived.sync(store)
    assert store.after[-1] == first_last and synced.read == max_id(db) - first_last and synced.redone == 0
    assert overview(derived, PERIOD).totals == {"conversations": 3, "messages": 6}
    assert [m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)] == ["sky on mars", "the vein bit"]


def test_answers_stored_after_a_sync_join_their_message(stored):
    db, store, derived = stored
    derived.sync(store)
    with sqlite3.connect(db) as connection:  # the bot's answer to a message arrives in the store later
        sender = connection.execute("SELECT sender_id FROM events WHERE sender_id LIKE 'web:%'").fetchone()[0]
        connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                           (sender, DAY1 + 500, json.dumps({"text": "what is that", "input_channel": "socketio"})))
    derived.sync(store)
    assert [m.text for m in messages_answered(derived, PERIOD, ["other"])] == ["hello", "what is that"]
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'bot', ?, ?)",
                           (sender, DAY1 + 501, json.dumps({"metadata": {"utter_action": "utter_out_of_scope"}})))
    assert derived.sync(store).read == 1
    assert [m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)] == ["sky on mars", "what is that"]


def test_a_deleted_conversation_disappears_with_its_marks(stored):
    db, store, derived = stored
    derived.sync(store)
    marks = Marks(derived.path)
    (key,) = [m.key for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)]
    marks.put(key, "intent", "ask_recovery", "alice", intents())
    forget(db, "rest:a")  # "forget me"
    synced = derived.sync(store)
    assert synced.redone == 1 and synced.read == 0
    assert overview(derived, PERIOD).totals == {"conversations": 1, "messages": 2}
    assert messages_answered(derived, PERIOD, NOT_UNDERSTOOD) == [] and current(marks, store) == {}
    assert derived.sync(store).redone == 0


def test_an_event_stored_late_under_a_lower_id_is_read(stored):
    db, store, derived = stored
    with sqlite3.connect(db) as connection:
        first_of_a = connection.execute("SELECT min(id) FROM events WHERE sender_id LIKE 'rest:%'").fetchone()[0]
    derived.sync(store)
    forget(db, "rest:a")
    with sqlite3.connect(db) as connection:  # a transaction that took a low id committed after the others
        connection.execute("INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES (?, 'rest:e', 'user', ?, ?)",
                           (first_of_a, DAY1 + 400, json.dumps({"text": "late one", "input_channel": "rest"})))
    assert derived.sync(store).redone == 2  # rest:a dropped, rest:e read
    assert [m.text for m in messages_answered(derived, PERIOD, ["other"])] == ["late one"]
    assert overview(derived, PERIOD).totals == {"conversations": 2, "messages": 3}


def test_ids_given_again_after_a_deletion_are_read_again(stored):
    db, store, derived = stored
    derived.sync(store)
    top = max_id(db)
    forget(db, "web:b")  # the newest conversation: SQLite gives its ids to the next events
    save(db, "rest:d", [Turn("what colour is the sky", "nlu_fallback", FALLBACK)] * 2, DAY1 + 300)
    reused = sqlite3.connect(db).execute("SELECT min(id) FROM events WHERE timestamp >= ?", (DAY1 + 300,)).fetchone()[0]
    assert reused <= top < max_id(db)
    synced = derived.sync(store)
    assert synced.redone == 2 and synced.read == max_id(db) - top
    assert [m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)] == [
        "sky on mars", "what colour is the sky", "what colour is the sky"]
    assert messages_answered(derived, PERIOD, ("emergency", "medical_advice")) == []
    assert overview(derived, PERIOD).totals == {"conversations": 2, "messages": 5}


def test_the_same_ids_given_again_to_the_same_conversation_are_read_again(stored):
    db, store, derived = stored
    derived.sync(store)
    ids = sqlite3.connect(db).execute("SELECT sender_id, id FROM events ORDER BY id").fetchall()
    forget(db, "web:b")  # "forget me", then the same patient (the same stored id) writes again at once
    save(db, "web:b", [Turn("can I shower", "nlu_fallback", ["utter_out_of_scope"]), Turn("stent", "ask_stent", STENT)],
         DAY1 + 900, channel="socketio")
    assert sqlite3.connect(db).execute("SELECT sender_id, id FROM events ORDER BY id").fetchall() == ids
    assert derived.sync(store).redone == 1
    assert [m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)] == ["sky on mars", "can I shower"]
    assert messages_answered(derived, PERIOD, ("emergency", "medical_advice")) == []


def test_the_store_is_not_written(stored):
    db, store, derived = stored
    before = sqlite3.connect(db).execute("SELECT count(*), max(id) FROM events").fetchone()
    derived.sync(store)
    assert sqlite3.connect(db).execute("SELECT count(*), max(id) FROM events").fetchone() == before
    assert sqlite3.connect(db).execute("SELECT name FROM sqlite_master").fetchall() == [("events",), ("ix_events_sender_id",)]
