"""The blind test set (tests/nlu/blind/), asked of a trained model: what a patient would get.

The set was written by someone who saw neither the training data nor the red-flag rules,
from the intent catalogue only, and is frozen (later changes only fix a wrong label, named
in the commit). Three files:

- nlu.yml: questions over every intent but emergency; intent accuracy (a fallback counts
  as a miss);
- red_flags.yml: red-flag messages; each must end in the emergency answer, end to end
  (Rasa's Agent: the whole NLU pipeline, the safety net and the rules);
- near_misses.yml: alarming words that are not an emergency now (questions about warning
  signs, past or hypothetical symptoms, ordinary senses, negations); a false alarm is a
  message classified `emergency`.

Used by `make evaluate` (docs/evaluation.md) and by the gate in tests/test_nlu_quality.py.
"""
import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

BLIND = Path(__file__).resolve().parent.parent / "tests" / "nlu" / "blind"
QUESTIONS, RED_FLAGS, NEAR_MISSES = BLIND / "nlu.yml", BLIND / "red_flags.yml", BLIND / "near_misses.yml"
EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"


def examples(path: Path) -> List[Tuple[str, str]]:
    return [(e.get("text"), e.get("intent")) for e in load_data(str(path)).training_examples]


@dataclass
class BlindFigures:
    questions: int = 0
    right: int = 0
    fallback: int = 0                      # in-scope or out-of-scope questions given nlu_fallback
    out_of_scope: int = 0
    out_of_scope_answered_honestly: int = 0  # out_of_scope or nlu_fallback for an out-of-scope question
    question_false_alarms: int = 0          # ordinary questions classified emergency
    red_flags: int = 0
    red_flags_missed: List[Tuple[str, List[Optional[str]]]] = field(default_factory=list)
    near_misses: int = 0
    near_miss_false_alarms: List[str] = field(default_factory=list)
    misses: List[Tuple[str, str, str]] = field(default_factory=list)  # expected, predicted, text

    @property
    def accuracy(self) -> float:
        return self.right / self.questions

    @property
    def red_flag_recall(self) -> float:
        return 1 - len(self.red_flags_missed) / self.red_flags

    @property
    def near_miss_false_alarm_rate(self) -> float:
        return len(self.near_miss_false_alarms) / self.near_misses

    @property
    def question_false_alarm_rate(self) -> float:
        return self.question_false_alarms / self.questions

    def misses_by_intent(self) -> Dict[str, int]:
        return dict(Counter(expected for expected, _, _ in self.misses).most_common())


async def _intent(agent: Agent, text: str) -> str:
    return (await agent.parse_message(text))["intent"]["name"]


async def _ends_in_emergency(agent: Agent, text: str, number: int, emergency_text: Optional[str]) -> List[str]:
    """What the patient is told (end to end), or, for an NLU-only model, just the intent."""
    if emergency_text is None:
        intent = await _intent(agent, text)
        return [] if intent == EMERGENCY else [intent]
    replies = [reply.get("text") for reply in await agent.handle_text(text, sender_id=f"blind-red-flag-{number}")]
    return [] if replies and replies[-1] == emergency_text else replies


async def _measure(agent: Agent, emergency_text: Optional[str]) -> BlindFigures:
    figures = BlindFigures()
    for text, expected in examples(QUESTIONS):
        predicted = await _intent(agent, text)
        figures.questions += 1
        figures.right += predicted == expected
        figures.fallback += predicted == FALLBACK
        figures.question_false_alarms += predicted == EMERGENCY
        if expected == "out_of_scope":
            figures.out_of_scope += 1
            figures.out_of_scope_answered_honestly += predicted in ("out_of_scope", FALLBACK)
        if predicted != expected:
            figures.misses.append((expected, predicted, text))
    for number, (text, _) in enumerate(examples(RED_FLAGS)):
        figures.red_flags += 1
        wrong = await _ends_in_emergency(agent, text, number, emergency_text)
        if wrong:
            figures.red_flags_missed.append((text, wrong))
    for text, _ in examples(NEAR_MISSES):
        figures.near_misses += 1
        if await _intent(agent, text) == EMERGENCY:
            figures.near_miss_false_alarms.append(text)
    return figures


def measure(model: Path, emergency_text: Optional[str]) -> BlindFigures:
    """The blind figures of this model (loaded here; no action server is needed for them).

    emergency_text: the emergency answer, for a whole model (red flags checked end to end);
    None for an NLU-only model (stock Rasa's), whose red flags are judged by the intent.
    """
    return asyncio.run(_measure(Agent.load(str(model)), emergency_text))
