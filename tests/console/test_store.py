"""console/store.py: the conversation store, opened read-only."""
import sqlite3

import pytest
import sqlalchemy as sa

from console.store import ConversationStore, StoreConfig, StoreError, engine
from tests.console.conversations import GREET, STEP, Turn, save


def test_the_store_is_read_in_order_and_cannot_be_written(tmp_path):
    db = tmp_path / "conversations.db"
    stored = save(db, "rest:jane", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP)], 1000)
    store = ConversationStore.open(StoreConfig(db=str(db)))
    events = store.events_between(0, 10 ** 10)
    assert [e.type_name for e in events] == ["user", "bot", "bot", "user", "bot"]
    assert {e.sender_id for e in events} == {stored} and stored.startswith("rest:") and "jane" not in stored
    assert store.user_message_keys([stored]) == [(stored, e.timestamp) for e in events if e.type_name == "user"]
    assert store.events_between(1015, 10 ** 10)[0].data["text"] == "what happens first"
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        with store.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events"))
    assert sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0] > 6


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    with pytest.raises(StoreError, match="no conversation store at"):
        engine(StoreConfig(db=str(tmp_path / "missing.db")))
    assert not (tmp_path / "missing.db").exists()


def test_postgresql_transactions_are_read_only():
    made = engine(StoreConfig(dialect="postgresql", db="assistant", host="db.internal", port="5432",
                              user="console_reader", password="ro"))
    assert made.url.username == "console_reader" and made.url.database == "assistant" and made.url.port == 5432


def test_the_light_read_has_the_overviews_fields_only(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:jane", [Turn("hello", "greet", GREET)], 1000)
    store = ConversationStore.open(StoreConfig(db=str(db)))
    light = store.answer_events_between(0, 10 ** 10)
    assert [(e.type_name, e.data) for e in light] == [
        ("user", {"text": "hello", "input_channel": "rest"}), ("bot", {"metadata": {"utter_action": "utter_greet"}}),
        ("bot", {"metadata": {"utter_action": "utter_topics"}})]
    assert [(e.sender_id, e.timestamp) for e in light] == [(e.sender_id, e.timestamp) for e in store.events_between(0, 10 ** 10)]
