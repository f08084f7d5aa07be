"""Small conversation stores for the console's tests: real Rasa events saved by the project's own
tracker store (privacy.tracker_store) into a SQLite file, so the rows are exactly what the Rasa
server writes (redacted text, pseudonymous sender ids, bot metadata with utter_action)."""
import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Sequence, Tuple, Union

from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.pseudonyms import stored_sender_id
from privacy.tracker_store import PrivateSQLTrackerStore

KEY = "k" * 40
DAY = 24 * 60 * 60


@dataclass
class Turn:
    text: str
    intent: str
    answers: Sequence[str]
    ranking: List[Tuple[str, float]] = field(default_factory=list)


def events(turns: Iterable[Turn], start: float, channel: str = "rest") -> list:
    """A session start, then each turn: the user's message, each answer as an action and a bot event."""
    clock = start
    found = [ActionExecuted("action_session_start", timestamp=clock), SessionStarted(timestamp=clock),
             ActionExecuted("action_listen", timestamp=clock)]
    for turn in turns:
        clock += 10
        ranking = [{"name": name, "confidence": confidence} for name, confidence in turn.ranking]
        found.append(UserUttered(turn.text, intent={"name": turn.intent, "confidence": 0.9},
                                 parse_data={"intent": {"name": turn.intent, "confidence": 0.9}, "entities": [],
                                             "text": turn.text, "intent_ranking": ranking},
                                 input_channel=channel, timestamp=clock))
        for answer in turn.answers:
            clock += 0.001
            found.append(ActionExecuted(answer, timestamp=clock))
            found.append(BotUttered(f"Heading of {answer}\nBody text.", metadata={"utter_action": answer},
                                    timestamp=clock))
        found.append(ActionExecuted("action_listen", timestamp=clock + 0.001))
    return found


def store(db: Path) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(db=str(db), sender_id_key=KEY, keep_metadata=frozenset())


def save(db: Union[Path, PrivateSQLTrackerStore], sender_id: str, turns: Iterable[Turn], start: float,
         channel: str = "rest") -> str:
    """Save a conversation into a SQLite file (or a tracker store given); the id it is stored under."""
    tracker = DialogueStateTracker.from_events(sender_id, events(turns, start, channel))
    asyncio.run((store(db) if isinstance(db, Path) else db).save(tracker))
    return stored_sender_id(sender_id, KEY)


def forget(db: Union[Path, PrivateSQLTrackerStore], sender_id: str) -> int:
    """Delete a conversation as "forget me" does."""
    return asyncio.run((store(db) if isinstance(db, Path) else db).delete(sender_id))


def eventually(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Whether check() comes true within timeout seconds (asked every 0.05 s): for what the console's
    background sync does by itself."""
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)
    return check()


FALLBACK = ["utter_out_of_scope", "utter_topics"]
STEP = ["utter_step_access"]  # its disclaimer is the last line of the same message
STENT = ["utter_topic_stent"]
EMERGENCY = ["utter_emergency"]
ADVICE = ["utter_medical_advice_declined", "utter_care_team_contact_unset", "utter_emergency_signs"]
CLARIFY = ["utter_did_you_mean"]
GREET = ["utter_greet", "utter_topics"]
