"""The NLU safety net: concept matcher OR semantic check OR classifier makes an emergency."""
import zlib

import numpy as np
import pytest
import yaml
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from components.red_flag_override import RedFlagOverride
from red_flags import CONTENT_FILE, assess
from red_flags.semantic import DEFAULT_THRESHOLD, SemanticCheck
from tests.conftest import ROOT

LIMB = "cold, pale, blue, purple or hugely swollen leg or arm"
DIMENSION = 64


def toy_embed(texts):
    """A small deterministic stand-in for the sentence encoder: hashed bag of words, unit length."""
    vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().replace("?", " ").replace(",", " ").split():
            vectors[row, zlib.crc32(word.encode()) % DIMENSION] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


TOY_EXEMPLARS = [("elephant", "an elephant is standing on my ribs"), ("drowning", "I am drowning on dry land")]
TOY_ANCHORS = ["what is an elephant doing on the ward"]


def toy_check(threshold=0.6, anchors=()):
    return SemanticCheck(toy_embed, TOY_EXEMPLARS, threshold=threshold, anchors=anchors)


def classified(text, intent, confidence, emergency_confidence=0.01):
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence},
                                   {"name": "emergency", "confidence": emergency_confidence}])
    return message


def override(check=None, **config):
    component = RedFlagOverride({"semantic": False, **config})
    component.semantic = check
    return component


# --- the concept matcher ---------------------------------------------------------------

@pytest.mark.parametrize("intent", ["ask_stent", "nlu_fallback", "out_of_scope", "greet"])
def test_a_red_flag_becomes_an_emergency_whatever_was_classified(intent):
    [message] = override().process([classified("my leg is cold and blue, is that the stent?", intent, 0.97)])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    ranking = [entry["name"] for entry in message.get("intent_ranking")]
    assert ranking == ["emergency", intent]
    assert message.get("red_flag") == LIMB
    assert message.get("red_flag_by") == "concepts"
    assert message.get("red_flag_detail") == {"form": "{limb} ... {colour}"}


def test_an_ordinary_question_keeps_its_classification():
    [message] = override().process([classified("what is a stent?", "ask_term", 0.9)])
    assert message.get("intent") == {"name": "ask_term", "confidence": 0.9}
    assert message.get("red_flag") is None


def test_a_question_about_warning_signs_keeps_its_classification():
    [message] = override().process([classified("what signs should make me call 911?", "ask_medical_advice", 0.8)])
    assert message.get("intent")["name"] == "ask_medical_advice"


# --- the classifier ----------------------------------------------------------------------

def test_the_classifier_unsure_about_an_emergency_makes_it_one():
    [message] = override(classifier_threshold=0.4).process([classified("mum is not herself", "nlu_fallback", 0.5, 0.45)])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert message.get("red_flag") == "emergency"
    assert message.get("red_flag_by") == "classifier"
    assert message.get("red_flag_detail") == {"confidence": 0.45}


def test_the_classifier_below_its_threshold_changes_nothing():
    [message] = override(classifier_threshold=0.4).process([classified("mum is not herself", "greet", 0.6, 0.39)])
    assert message.get("intent")["name"] == "greet" and message.get("red_flag") is None


def test_an_emergency_the_classifier_chose_stands_below_the_threshold():
    [message] = override(classifier_threshold=0.9).process([classified("hm", "emergency", 0.35)])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert message.get("red_flag_by") == "classifier"


def ranked(text, *ranking):
    message = Message(data={"text": text})
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set("intent_ranking", [{"name": name, "confidence": confidence} for name, confidence in ranking])
    return message


def test_the_classifier_defers_to_a_context_rule_that_discounted_every_red_flag_word():
    [message] = override().process([ranked("what if I start bleeding heavily at home?",
                                           ("emergency", 0.6), ("ask_medical_advice", 0.35))])
    assert message.get("intent") == {"name": "ask_medical_advice", "confidence": 0.35}
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["ask_medical_advice"]
    assert message.get("red_flag") is None
    assert message.get("red_flag_overruled") == {
        "classifier_confidence": 0.6, "rule": "hypothetical",
        "concept": "bleeding that will not stop, or a growing lump at the puncture site"}


def test_an_overruled_emergency_with_no_likely_intent_becomes_the_fallback():
    [message] = override().process([ranked("there's no bleeding at the site", ("emergency", 0.99),
                                           ("ask_recovery", 0.005))])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 0.3}
    assert message.get("red_flag_overruled")["rule"] == "negation"


def test_with_deferring_off_the_classifiers_emergency_always_stands():
    [message] = override(classifier_defers_to_context=False).process(
        [ranked("there's no bleeding at the site", ("emergency", 0.99), ("ask_recovery", 0.005))])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert message.get("red_flag_by") == "classifier"


def test_the_classifier_does_not_defer_when_the_matcher_discounted_nothing():
    [message] = override().process([ranked("mum is not herself", ("emergency", 0.35), ("greet", 0.3))])
    assert message.get("intent")["name"] == "emergency"
    assert message.get("red_flag_overruled") is None


def test_a_red_flag_beside_a_discounted_one_is_still_an_emergency():
    [message] = override().process([ranked("no chest pain but my leg has gone blue", ("ask_recovery", 0.9))])
    assert message.get("intent")["name"] == "emergency" and message.get("red_flag") == LIMB


# --- the semantic check ------------------------------------------------------------------

def test_the_semantic_check_finds_the_nearest_exemplar():
    hit = toy_check().nearest(toy_embed(["an elephant is standing on my chest"]))
    assert (hit.concept, hit.exemplar) == TOY_EXEMPLARS[0]
    assert 0.6 < hit.similarity < 1.0


def test_the_semantic_check_flags_at_or_above_its_threshold_only():
    assert toy_check(threshold=0.6).check_texts(["an elephant is standing on my ribs"]).concept == "elephant"
    assert toy_check(threshold=0.6).check_texts(["how long does the procedure take"]) is None
    assert toy_check(threshold=1.01).check_texts(["an elephant is standing on my ribs"]) is None


def test_a_message_nearer_to_an_anchor_than_to_every_exemplar_is_not_flagged():
    text = "what is an elephant doing on the ward"
    assert toy_check(threshold=0.1).check_texts([text]) is not None
    assert toy_check(threshold=0.1, anchors=TOY_ANCHORS).check_texts([text]) is None


def test_the_semantic_check_makes_an_emergency_and_says_why():
    [message] = override(toy_check()).process([classified("an elephant is standing on my ribs", "ask_term", 0.9)])
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert message.get("red_flag") == "elephant"
    assert message.get("red_flag_by") == "semantic"
    assert message.get("red_flag_detail")["exemplar"] == TOY_EXEMPLARS[0][1]


def test_the_semantic_check_uses_the_embedding_in_the_dense_features():
    message = classified("a sentence for the toy embedding", "ask_term", 0.9)
    vector = toy_embed([TOY_EXEMPLARS[1][1]])
    message.add_features(Features(vector, "sentence", TEXT, "sentence_encoder"))
    [message] = override(toy_check()).process([message])
    assert message.get("red_flag") == "drowning"


def test_the_semantic_check_reads_each_sentence_of_a_long_story():
    story = "we had the procedure on monday. we went home on tuesday. an elephant is standing on my ribs"
    assert toy_check().check_assessment(assess(story), story).concept == "elephant"


def test_the_semantic_check_leaves_what_the_matcher_read_in_context_alone():
    # the matcher found the words and discounted them, or found a context cue: no second opinion
    for text in ["what if an elephant is standing on my ribs", "last year an elephant was standing on my ribs",
                 "no chest pain, an elephant is standing on my ribs"]:
        assessment = assess(text)
        assert assessment.discounted or assessment.context_cues, text
        assert toy_check(threshold=0.1).check_assessment(assessment, text) is None


def test_the_semantic_check_comes_from_the_content_file():
    check = SemanticCheck.from_content(toy_embed)
    raw = yaml.safe_load((ROOT / "red_flags" / "red_flags.yml").read_text(encoding="utf-8"))
    assert len(check.exemplars) == sum(len(concept["exemplars"]) for concept in raw["concepts"])
    assert check.anchors == raw["not_emergencies"]
    assert check.threshold == DEFAULT_THRESHOLD
    assert check.vectors.shape == (len(check.exemplars), DIMENSION)


def test_without_an_encoder_the_semantic_check_is_off_and_the_rest_still_works():
    component = RedFlagOverride({}, embed_factory=lambda: None)
    assert component.semantic is None
    [message] = component.process([classified("I can't breathe", "greet", 0.9)])
    assert message.get("intent")["name"] == "emergency"


def test_the_override_is_last_in_the_pipeline():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"][-1]["name"] == "components.red_flag_override.RedFlagOverride"


# --- with the real encoder -----------------------------------------------------------------

ENCODER = ROOT / "build" / "encoder"
needs_encoder = pytest.mark.skipif(not (ENCODER / "model.safetensors").exists(),
                                   reason="no sentence encoder in build/encoder (make encoder)")


@pytest.fixture(scope="module")
def real_override():
    return RedFlagOverride({})


@needs_encoder
@pytest.mark.parametrize("text", [
    "it feels like an elephant is standing on me",
    "he is talking to people who are not there and is burning hot",
    "I feel a tight band squeezing around my ribs",
])
def test_with_the_real_encoder_a_paraphrase_no_form_foresaw_is_an_emergency(real_override, text):
    assert not assess(text).red_flag  # the matcher alone misses it
    [message] = real_override.process([classified(text, "nlu_fallback", 0.3)])
    assert message.get("intent")["name"] == "emergency", message.get("red_flag_detail")
    assert message.get("red_flag_by") == "semantic"


@needs_encoder
@pytest.mark.parametrize("text", [
    "what happens first?", "how long does the procedure take?", "why did I get a clot?",
    "can I drive home afterwards?", "what is a stent?", "thanks, bye",
])
def test_with_the_real_encoder_ordinary_questions_keep_their_classification(real_override, text):
    [message] = real_override.process([classified(text, "ask_overview", 0.8)])
    assert message.get("intent")["name"] == "ask_overview", message.get("red_flag_detail")


def test_the_content_file_path_is_next_to_the_code():
    assert CONTENT_FILE.resolve() == ROOT / "red_flags" / "red_flags.yml"
    assert CONTENT_FILE.is_file()
