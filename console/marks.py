"""Staff marks on messages, in the console's own SQLite file (CONSOLE_DB), never in the conversation store.

A mark names a message by its conversation's stored id (a pseudonym) and the message's stored
timestamp, and holds no text: the text is read from the store each time. Marks whose message
is no longer stored (deleted by "forget me" or `make purge`) are deleted when the console next
reads them (``keep_only``), so they go with the conversation.
"""
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

KINDS = ("intent", "new_content", "fine")
KIND_LABELS = {"intent": "should have been an intent", "new_content": "needs new content", "fine": "fine as is"}
Key = Tuple[str, float]

SCHEMA = """CREATE TABLE IF NOT EXISTS marks (
    sender_id TEXT NOT NULL, timestamp REAL NOT NULL, kind TEXT NOT NULL, intent TEXT,
    marked_by TEXT NOT NULL, marked_at REAL NOT NULL, PRIMARY KEY (sender_id, timestamp))"""


class BadMark(ValueError):
    """A mark the console does not take; the message says why."""


@dataclass(frozen=True)
class Mark:
    sender_id: str
    timestamp: float
    kind: str
    intent: Optional[str]
    marked_by: str

    @property
    def key(self) -> Key:
        return (self.sender_id, self.timestamp)

    @property
    def label(self) -> str:
        return f"intent {self.intent}" if self.kind == "intent" else KIND_LABELS[self.kind]


class Marks:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)

    def put(self, key: Key, kind: str, intent: Optional[str], user: str, known_intents: Iterable[str]) -> Mark:
        if kind not in KINDS:
            raise BadMark(f"a mark is one of {', '.join(KINDS)}, not {kind[:40]!r}")
        if kind == "intent":
            if not intent:
                raise BadMark("name the intent the message should have had")
            if intent not in set(known_intents):
                raise BadMark(f"{intent[:60]!r} is not an intent of the assistant (domain.yml); "
                              "mark it as needing new content instead")
        else:
            intent = None
        with closing(self._connect()) as connection, connection:
            connection.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?, ?)",
                               (key[0], key[1], kind, intent, user, time.time()))
        return Mark(key[0], key[1], kind, intent, user)

    def all(self) -> List[Mark]:
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT sender_id, timestamp, kind, intent, marked_by FROM marks").fetchall()
        return [Mark(*row) for row in rows]

    def keep_only(self, stored: Iterable[Key]) -> Dict[Key, Mark]:
        """Delete the marks whose message is not among the stored keys; the others by key."""
        stored = set(stored)
        marks = self.all()
        gone = [mark.key for mark in marks if mark.key not in stored]
        if gone:
            with closing(self._connect()) as connection, connection:
                connection.executemany("DELETE FROM marks WHERE sender_id = ? AND timestamp = ?", gone)
        return {mark.key: mark for mark in marks if mark.key in stored}


def current(marks: Marks, store) -> Dict[Key, Mark]:
    """The marks whose message is still stored (store: console.store.ConversationStore); the rest deleted."""
    held = marks.all()
    return marks.keep_only(store.user_message_keys({mark.sender_id for mark in held}) if held else [])
