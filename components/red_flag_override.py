"""NLU safety net: a message that describes red-flag symptoms is an emergency.

Runs last in the pipeline, after the classifier and the fallbacks, and sets the
``emergency`` intent (confidence 1.0, first in the ranking) when any one of three says so:

1. the concept matcher (``red_flags``: the forms of red_flags.yml, in their context);
2. the semantic check (``red_flags.semantic``): the message means what a red-flag
   exemplar means (cosine similarity at least ``semantic_threshold``);
3. the classifier: ``emergency`` has at least ``classifier_threshold`` confidence in the
   ranking, even if another intent or the fallback came first.

What fired goes into the parse data: ``red_flag`` (the concept's name, or ``emergency``
for the classifier), ``red_flag_by`` (``concepts``, ``semantic`` or ``classifier``) and
``red_flag_detail`` (the form, the nearest exemplar and its similarity, or the confidence).

One exception, ``classifier_defers_to_context`` (on by default): when the matcher found
red-flag words in the message and a context rule discounted every one of them ("no
bleeding at the site", "what if I start bleeding at home?", "I had a PE last year"), the
classifier's ``emergency`` is not taken: the message gets the next intent of the ranking
(or ``nlu_fallback`` when that is below ``fallback_threshold``), and
``red_flag_overruled`` in the parse data names the rule and the classifier's confidence.
The classifier is trained with every symptom word under ``emergency`` and reads no
context: measured with a model trained on data/nlu, it put 39 of the 229 development
near-misses in ``emergency`` by itself (e.g. "there's no bleeding at the site", 0.99), and
none of the 333 development red flags depended on it. The cost: a red flag that a context
rule wrongly discounts is no longer saved by the classifier. Set it to false to let the
classifier's emergency always stand.

The message's embedding is read from its dense sentence features when the pipeline has
``components.sentence_encoder.SentenceEncoderFeaturizer`` (alias ``sentence_encoder``);
otherwise it is computed with the same encoder. Without the encoder's files
(``build/encoder``, ``make encoder``) the semantic check is off and an error is logged; the
matcher and the classifier still work.

Config (defaults in ``get_default_config``)::

    - name: components.red_flag_override.RedFlagOverride
      classifier_threshold: 0.4
      classifier_defers_to_context: true
      fallback_threshold: 0.3    # as the FallbackClassifier's
      semantic_threshold: 0.50   # red_flags.semantic.DEFAULT_THRESHOLD
      semantic: true
      encoder_alias: sentence_encoder
"""
import logging
from typing import Any, Callable, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

import red_flags
from red_flags.semantic import DEFAULT_THRESHOLD, Embed, SemanticCheck

logger = logging.getLogger(__name__)

EMERGENCY_INTENT = "emergency"
RED_FLAG_KEY = "red_flag"
RED_FLAG_BY_KEY = "red_flag_by"
RED_FLAG_DETAIL_KEY = "red_flag_detail"
RED_FLAG_OVERRULED_KEY = "red_flag_overruled"
FALLBACK_INTENT = "nlu_fallback"
CLASSIFIER_THRESHOLD = "classifier_threshold"
CLASSIFIER_DEFERS = "classifier_defers_to_context"
FALLBACK_THRESHOLD = "fallback_threshold"
SEMANTIC_THRESHOLD = "semantic_threshold"
SEMANTIC = "semantic"
ENCODER_ALIAS = "encoder_alias"
# Chosen for recall: a message the classifier gives 40% to emergency is one it is unsure
# about, and unsure about an emergency is an emergency (a false alarm costs a moment).
DEFAULT_CLASSIFIER_THRESHOLD = 0.4


def default_embed() -> Optional[Embed]:
    """The project's sentence encoder as an embedding function, or None if it cannot load."""
    try:
        from components.sentence_encoder import encoder

        model = encoder()
    except Exception as error:  # missing files, a wrong hash, a missing package
        logger.error(f"Red-flag semantic check off: the sentence encoder cannot be loaded ({error}). "
                     f"The concept matcher and the classifier still catch red flags.")
        return None
    return lambda texts: model.encode(list(texts))


def message_embedding(message: Message, alias: Text) -> Optional[np.ndarray]:
    """The message's sentence embedding from its dense features, if the pipeline made one."""
    try:
        sentence = message.get_dense_features(TEXT, [alias])[1]
    except Exception:  # no features of that name
        return None
    return None if sentence is None else np.asarray(sentence.features).reshape(-1)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagOverride(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            CLASSIFIER_THRESHOLD: DEFAULT_CLASSIFIER_THRESHOLD,
            CLASSIFIER_DEFERS: True,
            FALLBACK_THRESHOLD: 0.3,
            SEMANTIC_THRESHOLD: DEFAULT_THRESHOLD,
            SEMANTIC: True,
            ENCODER_ALIAS: "sentence_encoder",
        }

    def __init__(self, config: Optional[Dict[Text, Any]] = None,
                 embed_factory: Callable[[], Optional[Embed]] = default_embed) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self.classifier_threshold = float(self.config[CLASSIFIER_THRESHOLD])
        self.semantic: Optional[SemanticCheck] = None
        if self.config[SEMANTIC]:
            embed = embed_factory()
            if embed is not None:
                self.semantic = SemanticCheck.from_content(embed, threshold=float(self.config[SEMANTIC_THRESHOLD]))
                self.semantic.prepare()  # the exemplars embedded now, not on the first patient's message

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagOverride":
        return cls(config)

    def decide(self, message: Message) -> Optional[Dict[Text, Any]]:
        """What says this message is an emergency, or None.

        ``{RED_FLAG_OVERRULED_KEY: ...}`` alone: the classifier's emergency is overruled."""
        text = message.get(TEXT)
        assessment = red_flags.assess(text)
        if assessment.red_flag:
            return {RED_FLAG_KEY: assessment.red_flag, RED_FLAG_BY_KEY: "concepts",
                    RED_FLAG_DETAIL_KEY: {"form": assessment.form}}
        if self.semantic is not None and isinstance(text, str):
            hit = self.semantic.check_assessment(
                assessment, text, message_embedding(message, self.config[ENCODER_ALIAS]))
            if hit is not None:
                return {RED_FLAG_KEY: hit.concept, RED_FLAG_BY_KEY: "semantic",
                        RED_FLAG_DETAIL_KEY: {"exemplar": hit.exemplar, "similarity": round(hit.similarity, 3)}}
        confidence = self.classifier_confidence(message)
        chosen = (message.get(INTENT) or {}).get("name") == EMERGENCY_INTENT
        if confidence is None or (confidence < self.classifier_threshold and not chosen):
            return None
        if self.config[CLASSIFIER_DEFERS] and assessment.discounted:
            first = assessment.discounted[0]
            return {RED_FLAG_OVERRULED_KEY: {"classifier_confidence": round(confidence, 3),
                                             "rule": first.discounted_by, "concept": first.concept}}
        return {RED_FLAG_KEY: EMERGENCY_INTENT, RED_FLAG_BY_KEY: "classifier",
                RED_FLAG_DETAIL_KEY: {"confidence": round(confidence, 3)}}

    @staticmethod
    def classifier_confidence(message: Message) -> Optional[float]:
        entries: Sequence[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        entries.append(message.get(INTENT) or {})
        confidences = [float(entry.get("confidence") or 0.0) for entry in entries
                       if entry.get("name") == EMERGENCY_INTENT]
        return max(confidences) if confidences else None

    def overrule(self, message: Message, overruled: Dict[Text, Any]) -> None:
        """The classifier's emergency replaced by its next intent (or the fallback)."""
        ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or []
                   if entry.get("name") not in (EMERGENCY_INTENT, FALLBACK_INTENT)]
        if (message.get(INTENT) or {}).get("name") == EMERGENCY_INTENT:
            best = ranking[0] if ranking else None
            threshold = float(self.config[FALLBACK_THRESHOLD])
            if best is None or float(best.get("confidence") or 0.0) < threshold:
                best = {"name": FALLBACK_INTENT, "confidence": threshold}
                ranking = [best] + ranking
            message.set(INTENT, dict(best), add_to_output=True)
            logger.info(f"Classifier's emergency ({overruled['classifier_confidence']}) overruled: "
                        f"the red-flag words were discounted ({overruled['rule']}).")
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(RED_FLAG_OVERRULED_KEY, overruled, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            decision = self.decide(message)
            if decision is None:
                continue
            if RED_FLAG_OVERRULED_KEY in decision:
                self.overrule(message, decision[RED_FLAG_OVERRULED_KEY])
                continue
            emergency = {"name": EMERGENCY_INTENT, "confidence": 1.0}
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") != EMERGENCY_INTENT
            ]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [emergency] + ranking, add_to_output=True)
            for key, value in decision.items():
                message.set(key, value, add_to_output=True)
        return messages
