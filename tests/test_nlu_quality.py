"""Understanding: the blind set (tests/nlu/blind/, frozen, written by someone who saw neither the
training data nor the red-flag rules) and the older held-out sets.

Gates on the blind set. Met goals of issue 10 are gates at the goal: no red flag missed, fewer
than 3% of ordinary questions given the emergency answer. Goals not met yet are ratchets at the
level measured when they were set (docs/evaluation.md), so understanding cannot quietly get
worse; raise them as it gets better, never lower them to pass:

- intent accuracy: goal 95%, measured 86.4% (ratchet 85%);
- near-misses given the emergency answer: goal at most 5%, measured 16.0% (ratchet 18%), then
  13.0% after the red-flag rules were tuned on a fourth development batch (ratchet 14%).

Only aggregate figures are printed: a list of the blind misses invites tuning to them, and a
set tuned to stops measuring anything. A missed red flag is named, because it is a safety fault.
"""
from collections import Counter

import pytest
from rasa.core.agent import Agent

from benchmarks import blind
from tests.conftest import ROOT
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

TEST_SET = ROOT / "tests" / "nlu" / "test_nlu.yml"
RED_FLAGS = ROOT / "tests" / "nlu" / "red_flags.yml"
MIN_ACCURACY = 0.95
BLIND_ACCURACY_GOAL = 0.95
MIN_BLIND_ACCURACY = 0.85                # ratchet, see the module docstring
NEAR_MISS_FALSE_ALARMS_GOAL = 0.05
MAX_NEAR_MISS_FALSE_ALARMS = 0.14        # ratchet, see the module docstring
MAX_QUESTION_FALSE_ALARMS = 0.03


@pytest.fixture(scope="module")
def agent():
    return Agent.load(str(trained_model()))


@pytest.fixture(scope="module")
def blind_figures(domain):
    return blind.measure(trained_model(), domain["responses"]["utter_emergency"][0]["text"])


def test_the_blind_set_is_big_enough_and_covers_every_kind():
    questions = blind.examples(blind.QUESTIONS)
    assert len(questions) >= 400
    assert sum(intent == "out_of_scope" for _, intent in questions) >= 100
    assert len(blind.examples(blind.RED_FLAGS)) >= 150
    assert {intent for _, intent in blind.examples(blind.RED_FLAGS)} == {"emergency"}
    assert len(blind.examples(blind.NEAR_MISSES)) >= 100


def test_intent_accuracy_on_the_blind_set(blind_figures):
    print(f"\nblind intent accuracy {blind_figures.accuracy:.3f} on {blind_figures.questions} questions"
          f" (goal {BLIND_ACCURACY_GOAL}); misses by intent {blind_figures.misses_by_intent()}")
    assert blind_figures.accuracy >= MIN_BLIND_ACCURACY


def test_every_blind_red_flag_ends_in_the_emergency_answer(blind_figures):
    assert blind_figures.red_flags == len(blind.examples(blind.RED_FLAGS))
    assert blind_figures.red_flags_missed == []


def test_few_ordinary_questions_get_the_emergency_answer(blind_figures):
    print(f"\nordinary questions classified emergency: {blind_figures.question_false_alarms}"
          f" of {blind_figures.questions}")
    assert blind_figures.question_false_alarm_rate < MAX_QUESTION_FALSE_ALARMS


def test_near_misses_given_the_emergency_answer_do_not_increase(blind_figures):
    print(f"\nnear-misses classified emergency: {len(blind_figures.near_miss_false_alarms)}"
          f" of {blind_figures.near_misses} (goal at most {NEAR_MISS_FALSE_ALARMS_GOAL:.0%})")
    assert blind_figures.near_miss_false_alarm_rate <= MAX_NEAR_MISS_FALSE_ALARMS


def test_the_held_out_sets_are_big_enough():
    assert len(blind.examples(TEST_SET)) >= 150
    assert len(blind.examples(RED_FLAGS)) >= 40
    assert {intent for _, intent in blind.examples(RED_FLAGS)} == {"emergency"}


async def test_intent_accuracy_on_the_held_out_set(agent):
    misses = []
    test_set = blind.examples(TEST_SET)
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
    for number, (text, _) in enumerate(blind.examples(RED_FLAGS)):
        replies = await agent.handle_text(text, sender_id=f"red-flag-{number}")
        texts = [reply.get("text") for reply in replies]
        if texts != [emergency]:
            wrong[text] = texts
    assert wrong == {}
