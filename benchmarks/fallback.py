"""What the fallback does on the held-out set, asked of the trained model itself.

`rasa test nlu` deliberately undoes the FallbackClassifier's `nlu_fallback` (it scores
the intent underneath), so its reports cannot say which messages a patient would see
answered with the fallback. This asks the model (Rasa's own `Agent.parse_message`,
every component of the pipeline, the fallback and the red-flag override included).
"""
import asyncio
from dataclasses import dataclass
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

from benchmarks.nlu_report import FALLBACK, OUT_OF_SCOPE


@dataclass
class FallbackFigures:
    messages: int
    out_of_scope: int
    out_of_scope_answered_with_fallback: int  # predicted nlu_fallback or out_of_scope
    in_scope_given_fallback: int  # in-scope questions that got the fallback, not an answer
    right_with_fallback_counted: int  # predicted intent == expected, a fallback counting as a miss

    @property
    def fallback_rate(self) -> float:
        return self.out_of_scope_answered_with_fallback / self.out_of_scope if self.out_of_scope else float("nan")

    @property
    def accuracy_as_served(self) -> float:
        return self.right_with_fallback_counted / self.messages


async def _measure(model: Path, test_set: Path) -> FallbackFigures:
    agent = Agent.load(str(model))
    examples = [(e.get("text"), e.get("intent")) for e in load_data(str(test_set)).training_examples]
    oos = answered = in_scope_fallback = right = 0
    for text, expected in examples:
        predicted = (await agent.parse_message(text))["intent"]["name"]
        right += predicted == expected
        if expected == OUT_OF_SCOPE:
            oos += 1
            answered += predicted in (FALLBACK, OUT_OF_SCOPE)
        elif predicted == FALLBACK:
            in_scope_fallback += 1
    return FallbackFigures(len(examples), oos, answered, in_scope_fallback, right)


def measure(model: Path, test_set: Path) -> FallbackFigures:
    return asyncio.run(_measure(model, test_set))
