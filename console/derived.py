"""The console's own table of patient messages with how each was answered, in CONSOLE_DB, kept up to
date from the conversation store by the store's primary key.

The store is only read, and its `events` table has no index on time, so reading a period from it
means reading every event. The console instead keeps, in its own SQLite file (indexed by time),
one row per user message (id, sender_id, timestamp, text, channel, the names of the responses that
answered it, their category and topic: console.messages) and the id of every stored event it has
read. Before each page it brings them up to date (``Derived.sync``):

- new events: those with an id above the highest id read so far (one read of the primary key); each
  bot event's response is added to the conversation's latest user message;
- deleted events ("forget me", ``make purge``), events committed late under a lower id, and ids given
  again (SQLite reuses the highest ids once they are deleted): first, the count and sum of the store's
  ids up to that highest id, and the event stored under it, are compared with the console's own (reads
  of the primary key). When they differ, the count and sum of each conversation's ids are compared
  (the store's sender_id index holds both), and each conversation that differs is read again from the
  store (by sender_id, indexed) or, if it is no longer stored, dropped.

So a page never shows a deleted message nor misses a stored one. The first sync (an empty
CONSOLE_DB) reads the whole store once, in steps of at most ``limit`` events (``sync(store, limit)``,
console.sync runs them in the background and says how far it has got: ``Derived.progress``).

The file also holds, for the not-understood messages, their sentence embedding (console.similar, table
``embeddings`` by message id): it is deleted with its message, and when its message is read again.
"""
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from console import messages
from console.store import ConversationStore

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS seen (id INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, timestamp REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS seen_sender ON seen (sender_id)",
    """CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, timestamp REAL NOT NULL, text TEXT NOT NULL,
        channel TEXT NOT NULL, answers TEXT NOT NULL, category TEXT NOT NULL, topic TEXT)""",
    "CREATE INDEX IF NOT EXISTS messages_timestamp ON messages (timestamp)",
    "CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender_id, id)",
    # a message's sentence embedding (console.similar), apart so the overview's rows stay small
    "CREATE TABLE IF NOT EXISTS embeddings (id INTEGER PRIMARY KEY, vector BLOB NOT NULL)",
]
CHUNK = 500
SEPARATOR = ","


@dataclass(frozen=True)
class Synced:
    """What one sync did: the events read above the last id, the conversations read again or dropped."""
    read: int
    redone: int


def answers_of(text: str) -> List[str]:
    return text.split(SEPARATOR) if text else []


class Derived:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self.connect()) as connection, connection:
            connection.execute("PRAGMA journal_mode=WAL")  # pages read while the background sync writes
            for statement in SCHEMA:
                connection.execute(statement)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def sync(self, store: ConversationStore, limit: Optional[int] = None) -> Synced:
        """Bring the console's rows up to date with the store: deleted or changed ids first, then new ids
        (at most `limit` of them: `read == limit` means there may be more)."""
        with closing(self.connect()) as connection, connection:
            last = self.last_read(connection)
            redone = 0
            if last and not _unchanged(connection, store, last):
                redone = _reconcile(connection, store, last[0])
            new = store.light_rows_after(last[0] if last else 0, limit)
            _apply(connection, new)
            return Synced(read=len(new), redone=redone)

    @staticmethod
    def last_read(connection: sqlite3.Connection) -> Optional[Tuple[int, str, float]]:
        """(id, sender_id, timestamp) of the highest stored event read so far."""
        return connection.execute("SELECT id, sender_id, timestamp FROM seen ORDER BY id DESC LIMIT 1").fetchone()

    def progress(self) -> Tuple[int, int]:
        """(how many events read, the highest id read)."""
        with closing(self.connect()) as connection:
            count, top = connection.execute("SELECT count(*), coalesce(max(id), 0) FROM seen").fetchone()
        return int(count), int(top)


def _unchanged(connection: sqlite3.Connection, store: ConversationStore, top: Sequence) -> bool:
    """Whether the store still holds exactly the ids the console has read (up to the highest one, `top`):
    the same count and sum of ids, and the same event at the highest (SQLite gives the highest ids again
    after they are deleted)."""
    held = connection.execute("SELECT count(id), coalesce(sum(id), 0) FROM seen").fetchone()
    return store.id_checksum(top[0]) == tuple(held) and store.event_key(top[0]) == tuple(top[1:])


def _reconcile(connection: sqlite3.Connection, store: ConversationStore, last: int) -> int:
    """Read again (or drop) every conversation whose events up to id `last` differ from the console's;
    how many. Conversations are compared by the count and sum of their ids (the store's sender_id index
    holds both); if none differs, the same ids were given again to the same conversation, and every event's
    (id, sender_id, timestamp) is compared."""
    stored = {sender_id: (count, total) for sender_id, count, total in store.sender_checksums(last)}
    held = {sender_id: (count, total) for sender_id, count, total in connection.execute(
        "SELECT sender_id, count(id), sum(id) FROM seen GROUP BY sender_id")}
    senders = {sender_id for sender_id in stored.keys() | held.keys() if stored.get(sender_id) != held.get(sender_id)}
    if not senders:
        events = set(store.event_keys_up_to(last)) ^ set(connection.execute("SELECT id, sender_id, timestamp FROM seen"))
        senders = {sender_id for _, sender_id, _ in events}
    _redo(connection, store, senders, last)
    return len(senders)


def _redo(connection: sqlite3.Connection, store: ConversationStore, senders: Set[str], last: int) -> None:
    """Drop these conversations' rows and read each again from the store (up to id last), if still stored."""
    senders = sorted(senders)
    for first in range(0, len(senders), CHUNK):
        chunk = [(sender,) for sender in senders[first:first + CHUNK]]
        connection.executemany("DELETE FROM seen WHERE sender_id = ?", chunk)
        connection.executemany("DELETE FROM embeddings WHERE id IN (SELECT id FROM messages WHERE sender_id = ?)", chunk)
        connection.executemany("DELETE FROM messages WHERE sender_id = ?", chunk)
    _apply(connection, [row for row in store.light_rows_of_senders(senders) if row[0] <= last])


def _answered(answers: List[str]) -> Tuple[str, str, Optional[str]]:
    """The answers, category and topic columns of a message."""
    return SEPARATOR.join(answers), messages.category(answers), messages.topic(answers)


def _latest(connection: sqlite3.Connection, sender_id: str) -> Optional[Tuple[int, List[str]]]:
    found = connection.execute("SELECT id, answers FROM messages WHERE sender_id = ? ORDER BY id DESC LIMIT 1",
                               (sender_id,)).fetchone()
    return (found[0], answers_of(found[1])) if found else None


def _apply(connection: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    """Add light rows (console.store, in id order): each user event a message, each bot event's response
    an answer of its conversation's latest message."""
    seen, added = [], []
    latest: Dict[str, Optional[Tuple[int, List[str]]]] = {}
    answered: Dict[int, List[str]] = {}
    for id_, sender_id, type_name, timestamp, text, channel, utter_action in rows:
        seen.append((id_, sender_id, timestamp))
        if type_name == "user":
            latest[sender_id] = (id_, [])
            added.append([id_, sender_id, timestamp, text or "", messages.channel(sender_id, channel)])
        elif type_name == "bot" and utter_action:
            if sender_id not in latest:
                latest[sender_id] = _latest(connection, sender_id)
            if latest[sender_id] is not None:
                message_id, answers = latest[sender_id]
                answers.append(utter_action)
                answered[message_id] = answers
    connection.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?, ?)", seen)
    connection.executemany("DELETE FROM embeddings WHERE id = ?", [(row[0],) for row in added])  # an id given again
    connection.executemany("INSERT OR REPLACE INTO messages (id, sender_id, timestamp, text, channel, answers, category, topic) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(*row, *_answered(answered.pop(row[0], []))) for row in added])
    connection.executemany("UPDATE messages SET answers = ?, category = ?, topic = ? WHERE id = ?",
                           [(*_answered(answers), id_) for id_, answers in answered.items()])
