"""Understanding, measured on the held-out set written apart from the training data."""
from collections import Counter

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

from tests.conftest import ROOT
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
RED_FLAGS = ROOT / "tests" / "nlu" / "red_flags.yml"
MIN_ACCURACY = 0.95


@pytest.fixture(scope="module")
def agent():
    return Agent.load(str(trained_model()))


def examples(path):
    return [(e.get("text"), e.get("intent")) for e in load_data(str(path)).training_examples]


def test_the_held_out_sets_are_big_enough():
    assert len(examples(TEST_SET)) >= 150
    assert len(examples(RED_FLAGS)) >= 40
    assert {intent for _, intent in examples(RED_FLAGS)} == {"emergency"}


async def test_intent_accuracy_on_the_held_out_set(agent):
    misses = []
    test_set = examples(TEST_SET)
    for text, expected in test_set:
        predicted = (await agent.parse_message(text))["intent"]["name"]
        if predicted != expected:
            misses.append((expected, predicted, text))
    accuracy = 1 - len(misses) / len(test_set)
    print(f"\nintent accuracy {accuracy:.3f} on {len(test_set)} messages")
    for expected, predicted, text in misses:
        print(f"  expected {expected:22} got {predicted:22} {text!r}")
    print("misses by expected intent:", dict(Counter(m[0] for m in misses)))
    assert accuracy >= MIN_ACCURACY


async def test_every_red_flag_message_ends_in_the_emergency_answer(agent, domain):
    emergency = domain["responses"]["utter_emergency"][0]["text"]
    wrong = {}
    for number, (text, _) in enumerate(examples(RED_FLAGS)):
        replies = await agent.handle_text(text, sender_id=f"red-flag-{number}")
        texts = [reply.get("text") for reply in replies]
        if texts != [emergency]:
            wrong[text] = texts
    assert wrong == {}
