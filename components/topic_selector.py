"""Within an intent, a topic the guide does not cover: risks, getting ready, what you may feel, after going home.

The intent classifier keeps the intent it gives today ("what are the risks?" is
``ask_medical_advice``, as the blind set labels it), and never sees this component's examples:
its training data, and so the blind figures, are the same with or without it. Afterwards this
component asks, for a message of an intent that has topics: is it nearer in meaning to one
topic's examples (data/topics/uncovered.yml) than to the intent's own examples (data/nlu/)?

How: the sentence embedding of the message (components/sentence_encoder.py, unit length) and of
every example of that intent, each example labelled with its topic or with "the intent's own
answer". The K nearest examples by cosine vote, each with its cosine; the label with the most
votes wins. When a topic wins, the message gets ``uncovered_topic`` in its parse data::

    {"name": "risks", "within": "ask_medical_advice", "response": "utter_uncovered_risks", "votes": 0.62}

(``votes``: the winner's share of the K cosines). The custom actions answer with that response
(actions/selector.py). Nothing else changes: not the intent, not the ranking, so the fallback
and RedFlagOverride (after this in config.yml) decide as before. A button payload
("/out_of_scope") gets no topic.

Nothing trains for long: the examples are embedded once at training time (a few seconds) and
kept in the model with their labels. The topics file is part of the training fingerprint, so
editing it retrains this component. Config::

    - name: components.topic_selector.TopicSelector
      topics: data/topics/uncovered.yml   # default; relative to the project folder
      neighbours: 5                       # K
"""
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import InvalidConfigException, YamlException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml_file

from components.sentence_encoder import SentenceEncoderFeaturizer, encoder, sentence_embedding

ROOT = Path(__file__).resolve().parent.parent
TOPIC_KEY = "uncovered_topic"
TOPICS = "topics"
NEIGHBOURS = "neighbours"
OWN_ANSWER = ""  # the label of an intent's own examples
INDEX_FILE = "topics.json"
VECTORS_FILE = "vectors.npy"
BUTTON_PREFIX = "/"


@dataclass(frozen=True)
class Topic:
    name: Text
    within: Text
    response: Text
    examples: List[Text]


def topics_path(config: Dict[Text, Any]) -> Path:
    path = Path(config[TOPICS])
    return path if path.is_absolute() else ROOT / path


def read_topics(path: Path) -> List[Topic]:
    """The topics file, checked: a clear error names what is wrong."""
    try:
        entries = (read_yaml_file(path) or {}).get(TOPICS)
    except (OSError, YamlException) as error:
        raise InvalidConfigException(f"TopicSelector: cannot read {path}: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise InvalidConfigException(f"TopicSelector: {path} has no `{TOPICS}:` list")
    topics = []
    for entry in entries:
        missing = [key for key in ("topic", "within", "response", "examples") if not entry.get(key)]
        if missing:
            raise InvalidConfigException(f"TopicSelector: a topic in {path} has no {', '.join(missing)}")
        lines = [line.strip() for line in str(entry["examples"]).splitlines()]
        examples = [line[2:].strip() for line in lines if line.startswith("- ") and line[2:].strip()]
        topics.append(Topic(str(entry["topic"]), str(entry["within"]), str(entry["response"]), examples))
    names = [topic.name for topic in topics]
    if len(set(names)) != len(names):
        raise InvalidConfigException(f"TopicSelector: a topic is named twice in {path}")
    return topics


def by_intent(stacked: np.ndarray, labels: Dict[Text, List[Text]]) -> Dict[Text, np.ndarray]:
    """The rows of ``stacked`` for each intent, in the order (and numbers) of ``labels``."""
    vectors, start = {}, 0
    for intent, intent_labels in labels.items():
        vectors[intent] = stacked[start:start + len(intent_labels)]
        start += len(intent_labels)
    return vectors


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicSelector(GraphComponent):
    """Sets ``uncovered_topic`` on a message nearer to a topic's examples; see the module docstring."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SentenceEncoderFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {TOPICS: "data/topics/uncovered.yml", NEIGHBOURS: 5}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not isinstance(config.get(NEIGHBOURS), int) or config[NEIGHBOURS] < 1:
            raise InvalidConfigException(f"{cls.__name__}: `{NEIGHBOURS}` must be a positive integer")
        if not topics_path(config).is_file():
            raise InvalidConfigException(f"{cls.__name__}: no topics file at {topics_path(config)}")

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The examples live outside Rasa's training data: their file's content is part of the
        # fingerprint, so that an edit retrains this component.
        path = topics_path(config)
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 topics: Optional[List[Dict[Text, Text]]] = None, labels: Optional[Dict[Text, List[Text]]] = None,
                 vectors: Optional[Dict[Text, np.ndarray]] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.topics = {topic["name"]: topic for topic in topics or []}
        self.labels = labels or {}      # intent -> the label of each of its examples
        self.vectors = vectors or {}    # intent -> (examples, 384), unit rows

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TopicSelector":
        cls.validate_config({**cls.get_default_config(), **config})
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TopicSelector":
        with model_storage.read_from(resource) as directory:
            index = json.loads((directory / INDEX_FILE).read_text(encoding="utf-8"))
            stacked = np.load(directory / VECTORS_FILE)
        return cls(config, model_storage, resource, index["topics"], index["labels"], by_intent(stacked, index["labels"]))

    def train(self, training_data: TrainingData) -> Resource:
        topics = read_topics(topics_path(self._config))
        texts: List[Text] = []
        for intent in sorted({topic.within for topic in topics}):
            claimed = {example: topic.name for topic in topics if topic.within == intent for example in topic.examples}
            own = [example.get(TEXT) for example in training_data.intent_examples
                   if example.get(INTENT) == intent and example.get(TEXT) not in claimed]
            if not own:
                raise InvalidConfigException(f"TopicSelector: no examples of intent `{intent}` in the training data")
            self.labels[intent] = [*claimed.values(), *[OWN_ANSWER] * len(own)]
            texts += [*claimed, *own]
        self.topics = {topic.name: {"name": topic.name, "within": topic.within, "response": topic.response}
                       for topic in topics}
        stacked = encoder().encode(texts).astype(np.float32)
        self.vectors = by_intent(stacked, self.labels)
        with self._model_storage.write_to(self._resource) as directory:
            index = {"topics": list(self.topics.values()), "labels": self.labels}
            (directory / INDEX_FILE).write_text(json.dumps(index), encoding="utf-8")
            np.save(directory / VECTORS_FILE, stacked)
        return self._resource

    def nearest_topic(self, intent: Text, vector: np.ndarray) -> Optional[Dict[Text, Any]]:
        """The topic the nearest examples of ``intent`` vote for, or None for the intent's own answer."""
        similarities = self.vectors[intent] @ vector
        nearest = np.argsort(-similarities, kind="stable")[:self._config[NEIGHBOURS]]
        votes: Dict[Text, float] = {}
        for index in nearest:
            label = self.labels[intent][index]
            votes[label] = votes.get(label, 0.0) + max(float(similarities[index]), 0.0)
        winner = max(votes, key=lambda label: (votes[label], label == OWN_ANSWER))
        total = sum(votes.values())
        if winner == OWN_ANSWER or total <= 0:
            return None
        return {**self.topics[winner], "votes": round(votes[winner] / total, 3)}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            text = message.get(TEXT) or ""
            if intent not in self.vectors or text.startswith(BUTTON_PREFIX):
                continue
            vector = sentence_embedding(message)
            if vector is None:
                continue
            topic = self.nearest_topic(intent, vector)
            if topic is not None:
                message.set(TOPIC_KEY, topic, add_to_output=True)
        return messages
