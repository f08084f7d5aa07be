"""First in the NLU pipeline: personal identifiers never reach the classifier.

Phone numbers, e-mail addresses (also spelled out), dates, years of birth, record
numbers, postcodes, street addresses and names after a cue phrase ("my name is")
(``privacy.redact``) become placeholders such as ``[phone]`` or ``[name]`` in the
text the pipeline works on, in training and at run time. The parse data (what Rasa logs and stores) then holds
the redacted text, and "my number is 07700 900123, what happens first?" is
classified like "my number is [phone], what happens first?": the training data
has such examples, so the question around the identifier decides the intent.
The raw message text itself is redacted by the tracker store before storage.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from privacy.redact import redact


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class RedactIdentifiers(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RedactIdentifiers":
        return cls()

    @staticmethod
    def _redact(message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            redacted = redact(text)
            if redacted != text:
                message.set(TEXT, redacted)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._redact(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._redact(message)
        return messages
