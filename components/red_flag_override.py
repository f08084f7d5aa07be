"""NLU safety net: a message that describes red-flag symptoms is an emergency.

Runs last in the pipeline, after the classifier and the fallback classifier,
and overrides whatever they decided. The patterns live in ``actions.safety``,
shared with the custom actions.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions import safety

EMERGENCY_INTENT = "emergency"
RED_FLAG_KEY = "red_flag"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            flag = safety.red_flag(message.get(TEXT))
            if flag is None:
                continue
            emergency = {"name": EMERGENCY_INTENT, "confidence": 1.0}
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") != EMERGENCY_INTENT
            ]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency] + ranking, add_to_output=True)
            message.set(RED_FLAG_KEY, flag, add_to_output=True)
        return messages
