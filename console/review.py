"""The messages the assistant could not place (fallback or "did you mean ...?"), grouped, with
the conversation around each, and the marks staff gave them.

Grouping is by meaning: the messages that have a sentence embedding (cached by the background sync,
console.similar) are grouped by cosine similarity; those that have none yet (just stored, or the encoder
files missing) by the normalised text (lower case, punctuation and extra spaces dropped), and their group
says so (``Group.by_meaning`` false).
"""
import re
from dataclasses import dataclass, field
from typing import AbstractSet, Dict, List, Mapping, Optional, Sequence

import numpy as np

from console.marks import Key, Mark
from console.messages import NOT_UNDERSTOOD, Message
from console.similar import groups_by_similarity

TURNS_AROUND = 2
# the newest not-understood messages a page shows (with their conversations read in full)
SHOWN = 200


@dataclass
class Reviewed:
    message: Message
    before: List[Message]
    after: List[Message]
    mark: Optional[Mark]


@dataclass
class Group:
    text: str
    items: List[Reviewed] = field(default_factory=list)
    by_meaning: bool = False

    @property
    def newest(self) -> float:
        return max(item.message.timestamp for item in self.items)


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\[\]\s]", " ", text.lower()).split())


def is_not_understood(message: Message) -> bool:
    """Answered with the fallback or a clarification; button payloads (/intent) left out."""
    return message.category in NOT_UNDERSTOOD and not message.text.startswith("/")


def newest(messages: Sequence[Message], start: float, end: float, limit: int = SHOWN) -> List[Message]:
    """The newest `limit` not-understood messages between start and end, newest first."""
    found = [m for m in messages if is_not_understood(m) and start <= m.timestamp < end]
    return sorted(found, key=lambda m: -m.timestamp)[:limit]


def groups(messages: Sequence[Message], marks: Dict[Key, Mark], start: float, end: float,
           only: Optional[AbstractSet[Key]] = None, vectors: Optional[Mapping[Key, np.ndarray]] = None) -> List[Group]:
    """The not-understood messages between start and end (those in `only`, if given), grouped,
    newest group and message first: by similarity those with a vector in `vectors`, the others by wording.

    messages: each conversation's messages in order (console.messages.messages), for the turns around.
    """
    vectors = vectors or {}
    by_sender: Dict[str, List[Message]] = {}
    for message in messages:
        by_sender.setdefault(message.sender_id, []).append(message)
    items: List[Reviewed] = []
    for conversation in by_sender.values():
        for index, message in enumerate(conversation):
            if is_not_understood(message) and start <= message.timestamp < end and (only is None or message.key in only):
                items.append(Reviewed(message, conversation[max(0, index - TURNS_AROUND):index],
                                      conversation[index + 1:index + 1 + TURNS_AROUND], marks.get(message.key)))
    items.sort(key=lambda item: -item.message.timestamp)
    embedded = [item for item in items if item.message.key in vectors]
    found = [Group(text=embedded[members[0]].message.text, items=[embedded[i] for i in members], by_meaning=True)
             for members in groups_by_similarity([vectors[item.message.key] for item in embedded])]
    by_wording: Dict[str, Group] = {}
    for item in items:
        if item.message.key not in vectors:
            by_wording.setdefault(normalised(item.message.text), Group(text=item.message.text)).items.append(item)
    return sorted(found + list(by_wording.values()), key=lambda group: -group.newest)
