"""What patients typed and how the assistant answered, read from stored events.

Each user event, with the bot events that followed it in its conversation before the next user
event, is one Message. Its answer category comes from the responses the assistant gave (the
``utter_action`` in each bot event's metadata), in this order of precedence:

    emergency       utter_emergency (the red-flag answer)
    medical_advice  utter_medical_advice_declined (the referral to the care team)
    fallback        utter_out_of_scope, utter_term_unknown (not placed; also after "something else")
    clarification   utter_did_you_mean ("did you mean ...?")
    topic           a step, topic or term answer (utter_step_*, utter_topic_*, utter_term_*)
    other           anything else (greetings, contact details, "forget me", ...)
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Optional, Tuple

from console.store import Event

CATEGORIES = ("topic", "clarification", "fallback", "medical_advice", "emergency", "other")
CATEGORY_LABELS = {"topic": "topic answered", "clarification": "clarification asked", "fallback": "fallback",
                   "medical_advice": "medical-advice referral", "emergency": "emergency answer", "other": "other"}
EMERGENCY = "utter_emergency"
MEDICAL_ADVICE = "utter_medical_advice_declined"
FALLBACKS = ("utter_out_of_scope", "utter_term_unknown")
CLARIFICATION = "utter_did_you_mean"
TOPIC_PREFIXES = ("utter_step_", "utter_topic_", "utter_term_")
NOT_UNDERSTOOD = ("fallback", "clarification")
# the channels' names in input_channel; senders prefixed rest: / web: say so themselves
CHANNEL_NAMES = {"socketio": "web", "rest": "rest", "telegram": "telegram", "twilio": "sms", "twilio_whatsapp": "whatsapp",
                 "facebook": "messenger", "cmdline": "shell"}

Key = Tuple[str, float]


@dataclass
class Message:
    sender_id: str
    timestamp: float
    text: str
    channel: str
    intent: Optional[str]
    ranking: List[Tuple[str, float]]
    answers: List[str] = field(default_factory=list)
    answer_texts: List[str] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.sender_id, self.timestamp)

    @property
    def day(self) -> str:
        return datetime.fromtimestamp(self.timestamp, timezone.utc).date().isoformat()

    @property
    def time(self) -> str:
        return datetime.fromtimestamp(self.timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    @property
    def category(self) -> str:
        return category(self.answers)

    @property
    def topic(self) -> Optional[str]:
        """The first step, topic or term answered (its response name without utter_)."""
        return topic(self.answers)


def category(answers: Iterable[str]) -> str:
    answers = list(answers)
    if EMERGENCY in answers:
        return "emergency"
    if MEDICAL_ADVICE in answers:
        return "medical_advice"
    if any(answer in FALLBACKS for answer in answers):
        return "fallback"
    if CLARIFICATION in answers:
        return "clarification"
    if any(answer.startswith(TOPIC_PREFIXES) for answer in answers):
        return "topic"
    return "other"


def topic(answers: Iterable[str]) -> Optional[str]:
    """The first step, topic or term answered (its response name without utter_)."""
    return next((answer[len("utter_"):] for answer in answers
                 if answer.startswith(TOPIC_PREFIXES) and answer not in FALLBACKS), None)


def channel(sender_id: str, input_channel: Optional[str]) -> str:
    if sender_id.startswith("web:"):
        return "web"
    if sender_id.startswith("rest:"):
        return "rest"
    return CHANNEL_NAMES.get(input_channel or "", input_channel or "unknown")


def _ranking(parse_data: Dict) -> List[Tuple[str, float]]:
    ranking = [(entry.get("name"), float(entry.get("confidence") or 0)) for entry in parse_data.get("intent_ranking") or []]
    return [(name, confidence) for name, confidence in ranking if name and name != "nlu_fallback"][:3]


def _first_line(text: Optional[str]) -> str:
    return (text or "").split("\n", 1)[0]


def messages(events: Iterable[Event]) -> List[Message]:
    """The user messages among events (ordered by conversation, then as stored), each with its answers."""
    found: List[Message] = []
    current: Dict[str, Message] = {}
    for event in events:
        if event.type_name == "user":
            parse_data = event.data.get("parse_data") or {}
            message = Message(sender_id=event.sender_id, timestamp=event.timestamp, text=event.data.get("text") or "",
                              channel=channel(event.sender_id, event.data.get("input_channel")),
                              intent=(parse_data.get("intent") or {}).get("name"), ranking=_ranking(parse_data))
            current[event.sender_id] = message
            found.append(message)
        elif event.type_name == "bot" and event.sender_id in current:
            message = current[event.sender_id]
            utter_action = (event.data.get("metadata") or {}).get("utter_action")
            if utter_action:
                message.answers.append(utter_action)
            message.answer_texts.append(_first_line(event.data.get("text")))
    return found
