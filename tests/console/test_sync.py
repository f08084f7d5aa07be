"""console/sync.py: the console's table filled in steps in the background, pages told how far it has got,
and a deleted conversation (its copy of the text, its marks) dropped without any page view."""
import sqlite3

import pytest

from console.derived import Derived
from console.derived_reads import messages_answered, overview
from console.intents import intents
from console.marks import Marks
from console.messages import NOT_UNDERSTOOD
from console.period import Period
from console.store import ConversationStore, StoreConfig
from console.sync import Syncer
from tests.console.conversations import FALLBACK, GREET, STEP, Turn, eventually, forget, save
from tests.console.test_derived import DAY1, PERIOD


@pytest.fixture
def store_and_table(tmp_path):
    db = tmp_path / "conversations.db"
    for n in range(4):
        save(db, f"rest:{n}", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP),
                               Turn(f"can I fly {n}", "nlu_fallback", FALLBACK)], DAY1 + n * 100)
    return db, ConversationStore.open(StoreConfig(db=str(db))), Derived(tmp_path / "console.db")


def events_in(db):
    return sqlite3.connect(db).execute("SELECT count(*) FROM events").fetchone()[0]


def copied_texts(derived):
    return {text for text, in sqlite3.connect(derived.path).execute("SELECT text FROM messages")}


def test_the_first_fill_goes_in_steps_and_says_how_far_it_has_got(store_and_table):
    db, store, derived = store_and_table
    syncer = Syncer(derived, store, interval=60, fill_step=10)
    first = syncer.refresh()  # before any step: nothing read, and a page does not wait
    assert not first.complete and first.read == 0
    partial = syncer.step()
    assert not partial.complete and partial.read == 10 and 0 < partial.percent < 100
    assert syncer.refresh().read == 10  # a page during the fill does not sync: the thread does
    steps = 1
    while not syncer.step().complete:
        steps += 1
    assert derived.progress()[0] == events_in(db) and syncer.status().percent == 100 and steps == events_in(db) // 10
    assert overview(derived, PERIOD).totals == {"conversations": 4, "messages": 12}


def test_once_complete_each_page_brings_the_table_up_to_date(store_and_table):
    db, store, derived = store_and_table
    syncer = Syncer(derived, store, interval=60)
    assert syncer.step().complete
    save(db, "rest:new", [Turn("the vein bit", "nlu_fallback", FALLBACK)], DAY1 + 900)
    assert syncer.refresh().complete and derived.progress()[0] == events_in(db)
    assert "the vein bit" in {m.text for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD)}


def test_the_thread_drops_a_deleted_conversation_and_its_marks_without_a_page_view(store_and_table):
    db, store, derived = store_and_table
    marks = Marks(derived.path)
    syncer = Syncer(derived, store, interval=0.1, staff_marks=marks)
    syncer.step()
    (key,) = [m.key for m in messages_answered(derived, PERIOD, NOT_UNDERSTOOD) if m.text == "can I fly 2"]
    marks.put(key, "intent", "ask_recovery", "alice", intents())
    syncer.start()
    try:
        forget(db, "rest:2")  # "forget me"
        assert eventually(lambda: "can I fly 2" not in copied_texts(derived))
        assert "can I fly 1" in copied_texts(derived)
        assert eventually(lambda: marks.all() == [])
    finally:
        syncer.stop()
    assert overview(derived, Period(PERIOD.first, PERIOD.last)).totals == {"conversations": 3, "messages": 9}


def test_a_store_that_cannot_be_read_is_said_and_the_thread_goes_on(tmp_path, store_and_table):
    db, store, derived = store_and_table
    gone = tmp_path / "moved.db"
    broken = ConversationStore.open(StoreConfig(db=str(db)))
    db.rename(gone)
    syncer = Syncer(derived, broken, interval=60)
    with pytest.raises(Exception, match="cannot be read"):
        syncer.step()
    assert syncer.status().error and not syncer.status().complete
    gone.rename(db)
    assert syncer.step().complete and syncer.status().error is None
