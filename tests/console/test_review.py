"""console/review.py: the not-understood messages, grouped, with the turns around them."""
from console.messages import messages
from console.review import groups, normalised
from console.review import newest as newest_not_understood
from console.store import ConversationStore, StoreConfig
from tests.console.conversations import CLARIFY, FALLBACK, GREET, STEP, Turn, save


def test_grouped_by_wording_newest_first_with_context(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET), Turn("Sky on Mars?", "nlu_fallback", FALLBACK),
                        Turn("what happens first", "ask_access", STEP), Turn("/out_of_scope", "out_of_scope", FALLBACK)],
         1000)
    save(db, "rest:b", [Turn("sky on  mars", "nlu_fallback", FALLBACK), Turn("the vein bit", "nlu_fallback", CLARIFY)],
         5000)
    found = messages(ConversationStore.open(StoreConfig(db=str(db))).events_between(0, 10 ** 10))
    result = groups(found, {}, 0, 10 ** 10)
    assert [(g.text, len(g.items)) for g in result] == [("the vein bit", 1), ("sky on  mars", 2)]
    mars = result[1].items
    assert mars[0].message.sender_id.startswith("rest:") and mars[0].message.timestamp > mars[1].message.timestamp
    assert [t.text for t in mars[1].before] == ["hello"]
    assert [t.text for t in mars[1].after] == ["what happens first", "/out_of_scope"]
    assert groups(found, {}, 0, 4000)[0].text == "Sky on Mars?"


def test_normalised_keeps_placeholders():
    assert normalised("My name is [name], what's next?!") == "my name is [name] what s next"


def test_the_page_shows_the_newest_only(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn(f"question {n}", "nlu_fallback", FALLBACK) for n in range(5)], 1000)
    found = messages(ConversationStore.open(StoreConfig(db=str(db))).answer_events_between(0, 10 ** 10))
    newest = newest_not_understood(found, 0, 10 ** 10, limit=2)
    assert [m.text for m in newest] == ["question 4", "question 3"]
    full = messages(ConversationStore.open(StoreConfig(db=str(db))).events_of({newest[0].sender_id}))
    shown = groups(full, {}, 0, 10 ** 10, {m.key for m in newest})
    assert [g.text for g in shown] == ["question 4", "question 3"] and shown[0].items[0].before[-1].text == "question 3"
