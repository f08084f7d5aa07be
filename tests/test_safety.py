"""The red-flag patterns: every symptom family is caught; ordinary questions are not."""
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from actions.safety import is_red_flag, red_flag
from tests.conftest import ROOT

# Written for these tests, one or more per symptom family.
RED_FLAGS = [
    ("chest pain", "I've got a crushing feeling in my chest"),
    ("chest pain", "there's a pressure in my chest since this morning"),
    ("breathing", "she can't catch her breath"),
    ("breathing", "I'm really short of breath"),
    ("coughing blood", "he coughed up some blood just now"),
    ("heavy bleeding", "blood is soaking through the bandage on my groin"),
    ("heavy bleeding", "the needle spot keeps bleeding"),
    ("fainting", "mum just passed out in the kitchen"),
    ("cold or blue limb", "my toes have gone purple and icy"),
    ("cold or blue limb", "I can't feel my foot"),
    ("stroke signs", "his speech is slurred and one side of his face has dropped"),
    ("stroke signs", "she can't lift her arm"),
    ("racing heart or dizziness", "my heart is racing and I feel dizzy"),
    ("sudden swelling or severe pain", "my leg suddenly swelled up"),
    ("sudden swelling or severe pain", "the pain in my calf is excruciating"),
    ("explicit emergency", "call an ambulance"),
]

ORDINARY = [
    "will my leg be numb from the local anaesthetic?",
    "how do they check that blood flows through the vein again?",
    "do I need blood tests before the procedure?",
    "should I keep taking my blood thinners?",
    "can you help me understand the stent part?",
    "I'm confused about step 3",
    "what is a closure device",
    "how long does it take",
    "what is the emergency number of the clinic",
    "",
]


@pytest.mark.parametrize("family, text", RED_FLAGS)
def test_each_symptom_family_is_caught(family, text):
    assert red_flag(text) is not None, family


def test_case_and_curly_apostrophes_do_not_hide_a_red_flag():
    assert is_red_flag("I CAN\u2019T BREATHE")


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_are_not_red_flags(text):
    assert red_flag(text) is None


def _examples(path):
    return load_data(str(path)).training_examples


def test_every_emergency_training_example_is_caught():
    emergency = [e.get("text") for e in _examples(ROOT / "data" / "nlu") if e.get("intent") == "emergency"]
    assert emergency
    assert [text for text in emergency if not is_red_flag(text)] == []


def test_no_other_training_example_is_taken_for_an_emergency():
    other = [e.get("text") for e in _examples(ROOT / "data" / "nlu") if e.get("intent") != "emergency"]
    assert [text for text in other if is_red_flag(text)] == []
