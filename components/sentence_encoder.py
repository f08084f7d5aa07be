"""Dense features from a pretrained sentence encoder (all-MiniLM-L6-v2) for DIET.

``SentenceEncoderFeaturizer`` gives each message's text (and, when present, a response or
action text) two dense features:

- SENTENCE: the sentence embedding, shape (1, 384), unit length (components/minilm.py);
- SEQUENCE (``token_features: true``): one row per Rasa token, the mean of the encoder's
  last hidden states of the wordpieces inside that token's character span, shape
  (number of tokens, 384); a token with no wordpiece (past the 256-wordpiece limit) is zeros.

It goes after the tokenizer, beside the other featurizers. Config::

    - name: components.sentence_encoder.SentenceEncoderFeaturizer
      model_dir: build/encoder   # default; relative to the project folder
      token_features: true
      alias: sentence_encoder    # default: the name other components look the features up by

The model is loaded (and its files' SHA-256 checked) once per process, when the component is
created, and shared with any other component that calls :func:`encoder`; a wrong or missing
file stops training or the server with :class:`EncoderFilesError`. Nothing is written into
the trained model: the weights stay in ``build/encoder`` (``make encoder``) and the server
needs that folder too.

Other components, two ways:

- embed any texts: ``encoder().encode(["text", ...])`` returns an array (n, 384) whose rows
  have length 1, so ``vectors @ vector`` are cosine similarities;
- read the embedding this featurizer put on a message (it must run earlier in the pipeline):
  :func:`sentence_embedding`, i.e. ``message.get_dense_features(TEXT, [alias])[1].features[0]``.
"""
import json
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.minilm import DIMENSION, MODEL_FILES, Encoded, EncoderFilesError, encoder

__all__ = ["SentenceEncoderFeaturizer", "encoder", "sentence_embedding", "EncoderFilesError",
           "ALIAS", "DIMENSION"]

ALIAS = "sentence_encoder"
MODEL_DIR = "model_dir"
TOKEN_FEATURES = "token_features"
BATCH_SIZE = "batch_size"
# Part of the training cache's fingerprint: change it when the features computed change.
FEATURES_VERSION = 1


def sentence_embedding(message: Message, attribute: Text = TEXT, alias: Text = ALIAS) -> Optional[np.ndarray]:
    """The sentence embedding (384,) the featurizer set on ``message``, or None if it has none."""
    sentence = message.get_dense_features(attribute, [alias])[1]
    return None if sentence is None else np.asarray(sentence.features[0])


def token_features(detail: Encoded, tokens: List[Token]) -> np.ndarray:
    """Per Rasa token, the mean hidden state of the wordpieces inside its character span."""
    spans = np.array(detail.offsets, dtype=np.int64).reshape(-1, 2)
    real = ~np.array(detail.special, dtype=bool) & (spans[:, 1] > spans[:, 0])
    token_spans = np.array([(token.start, token.end) for token in tokens], dtype=np.int64).reshape(-1, 2)
    # inside[t, p]: wordpiece p overlaps token t
    inside = ((spans[None, :, 0] < token_spans[:, 1:2]) & (spans[None, :, 1] > token_spans[:, 0:1])
              & real[None, :]).astype(np.float32)
    counts = inside.sum(axis=1, keepdims=True)
    return (inside @ detail.hidden) / np.maximum(counts, 1.0)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """all-MiniLM-L6-v2 sentence (and token) features; see the module docstring."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            FEATURIZER_CLASS_ALIAS: ALIAS,
            MODEL_DIR: "build/encoder",
            TOKEN_FEATURES: True,
            BATCH_SIZE: 32,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not isinstance(config.get(MODEL_DIR), str) or not config[MODEL_DIR]:
            raise InvalidConfigException(f"{cls.__name__}: `{MODEL_DIR}` must name a folder")
        if not isinstance(config.get(BATCH_SIZE), int) or config[BATCH_SIZE] < 1:
            raise InvalidConfigException(f"{cls.__name__}: `{BATCH_SIZE}` must be a positive integer")

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The files are refused unless they have these hashes: the features depend on
        # nothing else outside the config.
        return json.dumps({"files": MODEL_FILES, "features": FEATURES_VERSION}, sort_keys=True)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.model = encoder(self._config[MODEL_DIR])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message]) -> None:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [message for message in messages
                    if isinstance(message.get(attribute), str) and message.get(TOKENS_NAMES[attribute])]
            if not todo:
                continue
            details = self.model.encode_detailed([message.get(attribute) for message in todo],
                                                 batch_size=self._config[BATCH_SIZE])
            for message, detail in zip(todo, details):
                sequence = (token_features(detail, message.get(TOKENS_NAMES[attribute]))
                            if self._config[TOKEN_FEATURES] else None)
                self.add_features_to_message(sequence, detail.embedding[np.newaxis, :].copy(),
                                             attribute, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages
