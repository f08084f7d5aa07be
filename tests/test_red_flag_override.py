"""The NLU safety net overrides the classifier and the fallback."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from components.red_flag_override import RedFlagOverride


def classified(text, intent, confidence):
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence},
                                   {"name": "emergency", "confidence": 0.01}])
    return message


@pytest.mark.parametrize("intent", ["ask_stent", "nlu_fallback", "out_of_scope", "greet"])
def test_a_red_flag_becomes_an_emergency_whatever_was_classified(intent):
    [message] = RedFlagOverride().process([classified("my leg is cold and blue, is that the stent?", intent, 0.97)])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = [entry["name"] for entry in message.get("intent_ranking")]
    assert ranking == ["emergency", intent]
    assert message.get("red_flag") == "cold or blue limb"


def test_an_ordinary_question_keeps_its_classification():
    [message] = RedFlagOverride().process([classified("what is a stent?", "ask_term", 0.9)])
    assert message.get("intent") == {"name": "ask_term", "confidence": 0.9}
    assert message.get("red_flag") is None
