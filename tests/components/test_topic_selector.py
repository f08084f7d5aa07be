"""components/topic_selector.py: the topics file, and a topic chosen within an intent by the nearest examples.

Uses the real sentence encoder (build/encoder, `make encoder`) and Rasa's own model storage.
"""
import textwrap

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.sentence_encoder import SentenceEncoderFeaturizer
from components.topic_selector import TOPIC_KEY, TopicSelector, read_topics, topics_path

CONTEXT = ExecutionContext(GraphSchema({}), "test")
TOPICS_FILE = """\
topics:
  - topic: before
    within: out_of_scope
    response: utter_uncovered_before
    examples: |
      - do i need to stop eating before the procedure
      - can i drink water on the morning of it
      - what should i bring with me on the day
      - should i take my usual tablets that morning
      - how early do i have to arrive at the hospital
      - how much does it cost
"""
# out_of_scope's own examples; "how much does it cost" is also claimed by the topic above
OWN = ["how much does it cost", "is there parking at the hospital", "what is the weather tomorrow",
       "can you book me a taxi", "who won the football", "do you sell insurance", "tell me a joke"]
OTHER = ["what happens first", "how is the clot removed", "why do they use dye"]


def featurized(texts, intent=None):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = SentenceEncoderFeaturizer.create(SentenceEncoderFeaturizer.get_default_config(),
                                                  None, None, CONTEXT)
    messages = [Message(data={TEXT: text, **({INTENT: intent} if intent else {})}) for text in texts]
    tokenizer.process(messages)
    featurizer.process(messages)
    return messages


def parsed(text, intent):
    message = featurized([text])[0]
    message.set(INTENT, {"name": intent, "confidence": 0.9}, add_to_output=True)
    return message


@pytest.fixture
def topics_file(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text(TOPICS_FILE, encoding="utf-8")
    return path


@pytest.fixture
def selector(tmp_path, topics_file):
    (tmp_path / "model").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("topic_selector")
    config = {**TopicSelector.get_default_config(), "topics": str(topics_file), "neighbours": 3}
    training = TrainingData(featurized(OWN, "out_of_scope") + featurized(OTHER, "ask_overview"))
    TopicSelector.create(config, storage, resource, CONTEXT).train(training)
    return TopicSelector.load(config, storage, resource, CONTEXT)


def topic_of(selector, text, intent="out_of_scope"):
    message = parsed(text, intent)
    selector.process([message])
    return (message.get(TOPIC_KEY) or {}).get("name"), message


def test_a_message_nearer_to_the_topic_gets_it_and_keeps_its_intent(selector):
    name, message = topic_of(selector, "am I allowed to eat breakfast before my procedure?")
    assert name == "before"
    assert message.get(INTENT)["name"] == "out_of_scope"
    assert message.get(TOPIC_KEY)["response"] == "utter_uncovered_before"
    assert message.get(TOPIC_KEY)["within"] == "out_of_scope"
    assert 0.5 < message.get(TOPIC_KEY)["votes"] <= 1.0
    assert TOPIC_KEY in message.as_dict(only_output_properties=True)


def test_a_message_nearer_to_the_intents_own_examples_gets_no_topic(selector):
    assert topic_of(selector, "will there be somewhere to park my car")[0] is None
    assert topic_of(selector, "can you tell me a funny joke")[0] is None


def test_an_example_the_topic_claims_counts_for_the_topic_only(selector):
    # the topic's 6 examples, then out_of_scope's own less the one the topic claims
    assert selector.labels["out_of_scope"] == ["before"] * 6 + [""] * (len(OWN) - 1)
    assert len(selector.vectors["out_of_scope"]) == 6 + len(OWN) - 1
    assert "ask_overview" not in selector.labels


def test_another_intent_a_button_payload_or_no_features_get_no_topic(selector):
    assert topic_of(selector, "do i need to stop eating before the procedure", intent="ask_overview")[0] is None
    assert topic_of(selector, "/out_of_scope")[0] is None
    bare = Message(data={TEXT: "do i need to stop eating before it", INTENT: {"name": "out_of_scope"}})
    selector.process([bare])
    assert bare.get(TOPIC_KEY) is None


def test_editing_the_topics_file_changes_the_fingerprint(topics_file):
    config = {"topics": str(topics_file)}
    before = TopicSelector.fingerprint_addon(config)
    topics_file.write_text(TOPICS_FILE + "      - when should i stop my blood thinner\n", encoding="utf-8")
    assert TopicSelector.fingerprint_addon(config) != before


@pytest.mark.parametrize("content, problem", [
    ("nothing: here\n", "no `topics:` list"),
    ("topics:\n  - topic: before\n    within: out_of_scope\n    examples: |\n      - a\n", "no response"),
    ("topics:\n" + textwrap.indent("- {topic: a, within: b, response: c, examples: '- x'}\n", "  ") * 2, "named twice"),
])
def test_a_broken_topics_file_is_refused_with_what_is_wrong(tmp_path, content, problem):
    path = tmp_path / "topics.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidConfigException, match=problem):
        read_topics(path)


def test_a_missing_topics_file_or_bad_neighbours_stop_training():
    with pytest.raises(InvalidConfigException, match="no topics file"):
        TopicSelector.validate_config({"topics": "data/topics/missing.yml", "neighbours": 5})
    with pytest.raises(InvalidConfigException, match="neighbours"):
        TopicSelector.validate_config({**TopicSelector.get_default_config(), "neighbours": 0})


def test_the_projects_topics_each_answer_with_a_response_of_the_domain_within_an_intent(domain):
    topics = read_topics(topics_path(TopicSelector.get_default_config()))
    assert {topic.name for topic in topics} == {"risks", "after_home", "before", "feel"}
    for topic in topics:
        assert topic.within in domain["intents"], topic.name
        assert topic.response in domain["responses"], topic.name
        assert len(topic.examples) >= 20 and len(set(topic.examples)) == len(topic.examples), topic.name
