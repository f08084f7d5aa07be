"""components/unknown_words.py: trained, saved and loaded with Rasa's own model storage."""
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.unknown_words import UnknownWordsFallback


def message(text, intent=None, lemmas=None):
    tokens, start = [], 0
    for index, word in enumerate(text.split()):
        tokens.append(Token(word, start, lemma=(lemmas or {}).get(word, word)))
        start += len(word) + 1
    data = {TEXT: text, TOKENS_NAMES[TEXT]: tokens}
    if intent:
        data[INTENT] = {"name": intent, "confidence": 0.66}
        data[INTENT_RANKING_KEY] = [{"name": intent, "confidence": 0.66}, {"name": "nlu_fallback", "confidence": 0.3}]
    return Message(data=data)


def trained(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("unknown_words")
    context = ExecutionContext(GraphSchema({}), "test")
    component = UnknownWordsFallback.create({}, storage, resource, context)
    examples = [message("how is the clot removed", lemmas={"removed": "remove"}), message("yes please")]
    component.train(TrainingData(examples))
    return UnknownWordsFallback.load({}, storage, resource, context)


def intent_of(component, msg):
    component.process([msg])
    return msg.get(INTENT)["name"], [entry["name"] for entry in msg.get(INTENT_RANKING_KEY)]


def test_a_message_with_no_known_word_falls_back(tmp_path):
    component = trained(tmp_path)
    name, ranking = intent_of(component, message("血栓是怎么取出的", intent="affirm"))
    assert name == "nlu_fallback"
    assert ranking == ["nlu_fallback", "affirm"]
    assert intent_of(component, message("🙂 🙂 123", intent="affirm"))[0] == "nlu_fallback"


def test_one_known_word_or_lemma_keeps_the_classifier_s_intent(tmp_path):
    component = trained(tmp_path)
    assert intent_of(component, message("ok removing the clot", intent="ask_clot_removal"))[0] == "ask_clot_removal"
    assert intent_of(component, message("YES", intent="affirm"))[0] == "affirm"
    assert intent_of(component, message("removes", intent="ask_clot_removal",
                                        lemmas={"removes": "remove"}))[0] == "ask_clot_removal"


def test_the_known_words_are_kept_in_the_model(tmp_path):
    component = trained(tmp_path)
    assert {"clot", "remove", "removed", "yes", "please"} <= component.known
