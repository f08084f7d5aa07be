"""A message without a single word the assistant was trained on gets the fallback.

DIET still picks an intent for a message made only of words it has never seen: another
language, markup, symbols, emoji. Measured on the model before this component:
"血栓是怎么取出的" came out as `affirm` (0.66), which after a "forget me" question would have
counted as yes. Here such a message becomes `nlu_fallback`, whose answer says the assistant
only answers questions in English about this procedure.

Known words: every token of the training examples and its lemma (lower case), collected
at training time and kept in the model. A token counts as a word if it has a letter in it;
a message with no word at all (emoji, digits, punctuation) also gets the fallback. Runs
after the FallbackClassifier and before RedFlagOverride, which still wins. Messages that
name an intent ("/next_step", from buttons) are set by Rasa after the pipeline, unaffected.
"""
import json
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FALLBACK_INTENT = "nlu_fallback"
# in the parse data of such a message, so that the fallback answer does not offer topics
# (actions/clarify.py): the classifier's ranking means nothing for words it never saw
UNKNOWN_WORDS_KEY = "unknown_words"
VOCABULARY_FILE = "known_words.json"


def words(tokens: Iterable[Any]) -> List[Set[Text]]:
    """For each token with a letter in it: its lower-case text and lemma."""
    return [{token.text.lower(), (token.lemma or token.text).lower()}
            for token in tokens if any(character.isalpha() for character in token.text)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 known: Optional[Set[Text]] = None) -> None:
        self._model_storage, self._resource = model_storage, resource
        self.known = known or set()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "UnknownWordsFallback":
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "UnknownWordsFallback":
        with model_storage.read_from(resource) as directory:
            known = set(json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8")))
        return cls(model_storage, resource, known)

    def train(self, training_data: TrainingData) -> Resource:
        for example in training_data.training_examples:
            for spellings in words(example.get(TOKENS_NAMES[TEXT]) or []):
                self.known |= spellings
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self.known)), encoding="utf-8")
        return self._resource

    def has_known_word(self, message: Message) -> bool:
        return any(spellings & self.known for spellings in words(message.get(TOKENS_NAMES[TEXT]) or []))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.has_known_word(message):
                continue
            fallback = {"name": FALLBACK_INTENT, "confidence": 1.0}
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or []
                       if entry.get("name") != FALLBACK_INTENT]
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)
            message.set(UNKNOWN_WORDS_KEY, True, add_to_output=True)
        return messages
