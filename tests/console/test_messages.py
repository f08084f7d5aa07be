"""console/messages.py: each stored user message with how it was answered."""
import pytest

from console.messages import category, channel, messages
from console.store import ConversationStore, StoreConfig
from tests.console.conversations import ADVICE, CLARIFY, EMERGENCY, FALLBACK, GREET, STENT, STEP, Turn, save


@pytest.mark.parametrize("answers, expected", [
    (STEP, "topic"), (STENT, "topic"), (["utter_term_stent", "utter_term_ivus"], "topic"),
    (FALLBACK, "fallback"), (["utter_term_unknown"], "fallback"), (CLARIFY, "clarification"),
    (ADVICE, "medical_advice"), (EMERGENCY, "emergency"), (GREET, "other"), ([], "other"),
])
def test_the_answer_category(answers, expected):
    assert category(answers) == expected


def test_channels_from_the_stored_id_or_the_input_channel():
    assert channel("web:ab12", "socketio") == "web" and channel("rest:ab12", "rest") == "rest"
    assert channel("ab12", "telegram") == "telegram" and channel("ab12", "facebook") == "messenger"
    assert channel("ab12", "twilio") == "sms" and channel("ab12", "twilio_whatsapp") == "whatsapp"
    assert channel("ab12", None) == "unknown"


def test_messages_from_a_real_store(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET), Turn("sky on mars", "nlu_fallback", FALLBACK,
                                                            [("nlu_fallback", 1.0), ("ask_stent", 0.3)])], 1000)
    save(db, "2222", [Turn("I have chest pain", "emergency", EMERGENCY)], 2000, channel="telegram")
    found = messages(ConversationStore.open(StoreConfig(db=str(db))).events_between(0, 10 ** 10))
    by_text = {m.text: m for m in found}
    assert [by_text[t].category for t in ("hello", "sky on mars", "I have chest pain")] == ["other", "fallback", "emergency"]
    assert by_text["sky on mars"].ranking == [("ask_stent", 0.3)]
    assert by_text["sky on mars"].answer_texts == ["Heading of utter_out_of_scope", "Heading of utter_topics"]
    assert by_text["I have chest pain"].channel == "telegram" and by_text["hello"].channel == "rest"
