"""benchmarks/closeness.py on small NLU files, with the project's spaCy pipeline."""
import math

from benchmarks.closeness import accuracy_on, measure
from tests.conftest import ROOT

PIPELINE = ROOT / "build" / "spacy_pipeline"


def nlu_file(path, intents):
    lines = ['version: "3.1"', "nlu:"]
    for intent, examples in intents.items():
        lines += [f"  - intent: {intent}", "    examples: |"] + [f"      - {e}" for e in examples]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_wording_shared_with_the_training_data_is_found(tmp_path):
    training = nlu_file(tmp_path / "train.yml", {
        "ask_access": ["how do you get into the vein", "where does the tube go in"],
        "greet": ["hello there", "good morning"],
    })
    held_out = nlu_file(tmp_path / "test.yml", {
        "ask_access": ["How do you get into the vein?", "which blood vessel do they enter through"],
        "greet": ["good morning!"],
    })
    near = measure(training, held_out, PIPELINE)
    assert near.texts == ["How do you get into the vein?", "which blood vessel do they enter through", "good morning!"]
    assert near.same_words == ["How do you get into the vein?", "good morning!"]
    assert near.new_wording == ["which blood vessel do they enter through"]
    assert 0 < near.training_nearest_mean < near.nearest_mean <= 1


def test_accuracy_on_a_subset_counts_its_errors_only():
    errors = [{"text": "b"}, {"text": "z"}]
    assert accuracy_on(["a", "b", "c", "d"], errors) == (0.75, 4)
    accuracy, count = accuracy_on([], errors)
    assert count == 0 and math.isnan(accuracy)
