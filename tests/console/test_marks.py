"""console/marks.py: marks in the console's own file; gone when their message is deleted."""
import sqlite3

import pytest

from console.intents import intents
from console.marks import BadMark, Marks, current
from console.store import ConversationStore, StoreConfig
from tests.console.conversations import FALLBACK, Turn, forget, save


def test_marks_are_kept_apart_and_follow_the_store(tmp_path):
    db, console_db = tmp_path / "conversations.db", tmp_path / "console.db"
    a = save(db, "rest:a", [Turn("sky on mars", "nlu_fallback", FALLBACK)], 1000)
    b = save(db, "rest:b", [Turn("when can I fly", "nlu_fallback", FALLBACK)], 2000)
    store = ConversationStore.open(StoreConfig(db=str(db)))
    (key_a,), (key_b,) = store.user_message_keys([a]), store.user_message_keys([b])
    marks = Marks(console_db)
    marks.put(key_a, "fine", "ignored", "alice", intents())
    marks.put(key_b, "intent", "ask_recovery", "alice", intents())
    assert {m.key: m.label for m in current(marks, store).values()} == {key_a: "fine as is", key_b: "intent ask_recovery"}
    assert sqlite3.connect(db).execute("SELECT name FROM sqlite_master").fetchall() == [("events",), ("ix_events_sender_id",)]

    forget(db, "rest:b")
    assert list(current(marks, store)) == [key_a]
    assert [m.key for m in marks.all()] == [key_a]


@pytest.mark.parametrize("kind, intent, message", [
    ("great", None, "a mark is one of intent, new_content, fine"), ("intent", None, "name the intent"),
    ("intent", "ask_weather", "'ask_weather' is not an intent of the assistant"),
])
def test_a_bad_mark_is_refused(tmp_path, kind, intent, message):
    with pytest.raises(BadMark, match=message):
        Marks(tmp_path / "console.db").put(("rest:x", 1.0), kind, intent, "alice", intents())
