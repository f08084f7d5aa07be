"""The frozen set on what the guide does not cover (tests/nlu/blind/uncovered.yml), asked end to end.

Written by someone who saw no training data; frozen like the blind set (only a wrong label is
ever fixed, named in the commit). Its intents name the four topics, not intents of the model:
each message should get that topic's answer. A message counts as answered when one of the
replies the patient gets (Rasa's Agent with the real action server: the whole NLU pipeline, the
topic selector, the rules and the custom actions) contains the topic answer's text.

Only aggregates leave this module (a share per topic): a list of the misses invites tuning the
training data to them, and a set tuned to stops measuring anything.

Used by the gate in tests/test_uncovered_answers.py.
"""
import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig

import settings
from benchmarks.blind import BLIND, examples
from cluster.assistant import running_actions
from components.topic_selector import TopicSelector, read_topics, topics_path

UNCOVERED = BLIND / "uncovered.yml"
# the set's label ("uncovered_risks") -> the response that answers it, as data/topics/uncovered.yml names it
TOPIC_ANSWERS = {f"uncovered_{topic.name}": topic.response
                 for topic in read_topics(topics_path(TopicSelector.get_default_config()))}


@dataclass
class TopicFigures:
    messages: Dict[str, int] = field(default_factory=dict)
    answered: Dict[str, int] = field(default_factory=dict)

    def share(self, topic: str) -> float:
        return self.answered[topic] / self.messages[topic]

    @property
    def overall(self) -> float:
        return sum(self.answered.values()) / sum(self.messages.values())


def _answer_texts(responses: Dict[str, List[Dict[str, str]]]) -> Dict[str, str]:
    return {topic: responses[name][0]["text"] for topic, name in TOPIC_ANSWERS.items()}


async def _measure(agent: Agent, answers: Dict[str, str]) -> TopicFigures:
    figures = TopicFigures()
    for number, (text, topic) in enumerate(examples(UNCOVERED)):
        replies = await agent.handle_text(text, sender_id=f"uncovered-{number}")
        figures.messages[topic] = figures.messages.get(topic, 0) + 1
        got = any(answers[topic] in (reply.get("text") or "") for reply in replies)
        figures.answered[topic] = figures.answered.get(topic, 0) + got
    return figures


def measure(model: Path, responses: Dict[str, List[Dict[str, str]]]) -> TopicFigures:
    """Each topic's share of messages that got its answer, from this model and domain.yml's responses."""
    with running_actions({**os.environ, **settings.makefile_defaults()}) as webhook:
        agent = Agent.load(str(model), action_endpoint=EndpointConfig(url=webhook))
        return asyncio.run(_measure(agent, _answer_texts(responses)))
