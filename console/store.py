"""The conversation store, read-only: the `events` table Rasa's SQLTrackerStore (and the project's
``privacy.tracker_store``) writes.

SQLite is opened with a ``mode=ro`` URI: the console cannot write, create or lock it for writing.
PostgreSQL is reached as the console's own read-only role (CONSOLE_STORE_USER, docs/console.md),
and every transaction is also started read-only (``default_transaction_read_only``).
"""
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import quote

import sqlalchemy as sa

# the events the console reads: what patients typed, and what the assistant answered
EVENT_TYPES = ("user", "bot")
CHUNK = 500


class StoreError(RuntimeError):
    """The conversation store cannot be opened or read."""


@dataclass(frozen=True)
class StoreConfig:
    dialect: str = "sqlite"
    db: str = "var/conversations.db"
    host: Optional[str] = None
    port: Optional[str] = None
    user: Optional[str] = None
    password: Optional[str] = None


@dataclass(frozen=True)
class Event:
    sender_id: str
    type_name: str
    timestamp: float
    data: Dict[str, Any]


def _sqlite_engine(path: Path) -> sa.engine.Engine:
    if not path.is_file():
        raise StoreError(f"no conversation store at {path}: the Rasa server creates it with the first "
                         "conversation, or set TRACKER_DB to the file it uses")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))


def engine(config: StoreConfig) -> sa.engine.Engine:
    if config.dialect == "sqlite":
        return _sqlite_engine(Path(config.db))
    url = sa.engine.URL.create("postgresql", username=config.user, password=config.password, host=config.host,
                               port=int(config.port) if config.port else None, database=config.db)
    return sa.create_engine(url, pool_pre_ping=True,
                            connect_args={"options": "-c default_transaction_read_only=on"})


# the few fields the overview needs, taken out of the JSON by the database, not by Python
JSON_FIELDS = {
    "sqlite": {"text": "json_extract(data, '$.text')", "channel": "json_extract(data, '$.input_channel')",
               "utter_action": "json_extract(data, '$.metadata.utter_action')"},
    "postgresql": {"text": "CAST(data AS json) ->> 'text'", "channel": "CAST(data AS json) ->> 'input_channel'",
                   "utter_action": "CAST(data AS json) -> 'metadata' ->> 'utter_action'"},
}


def light_event(row: Sequence[Any]) -> Event:
    """An event from (sender_id, type_name, timestamp, text, channel, utter_action): the light read."""
    sender_id, type_name, timestamp, text, channel, utter_action = row
    if type_name == "user":
        return Event(sender_id, type_name, timestamp, {"text": text, "input_channel": channel})
    return Event(sender_id, type_name, timestamp, {"metadata": {"utter_action": utter_action}})


def _event(row: Sequence[Any]) -> Event:
    return Event(sender_id=row[0], type_name=row[1], timestamp=row[2], data=json.loads(row[3] or "{}"))


class ConversationStore:
    def __init__(self, engine_: sa.engine.Engine):
        self.engine = engine_

    @classmethod
    def open(cls, config: StoreConfig) -> "ConversationStore":
        return cls(engine(config))

    def _rows(self, query: str, **params: Any) -> List[Sequence[Any]]:
        statement = sa.text(query)
        for name, value in params.items():
            if isinstance(value, (list, tuple)):
                statement = statement.bindparams(sa.bindparam(name, expanding=True))
        try:
            with self.engine.connect() as connection:
                return list(connection.execute(statement, params))
        except sa.exc.SQLAlchemyError as error:
            raise StoreError(f"the conversation store cannot be read: {error.__class__.__name__}") from None

    def events_between(self, start: float, end: float) -> List[Event]:
        """User and bot events with start <= timestamp < end, each conversation's in order."""
        rows = self._rows("SELECT sender_id, type_name, timestamp, data FROM events "
                          "WHERE type_name IN :types AND timestamp >= :start AND timestamp < :end "
                          "ORDER BY sender_id, id", types=list(EVENT_TYPES), start=start, end=end)
        return [_event(row) for row in rows]

    def _light_columns(self) -> str:
        """sender_id, type_name, timestamp, then the text and channel of user events and the utter_action of
        bot events (no parse data, no bot texts)."""
        fields = JSON_FIELDS[self.engine.dialect.name]
        return (f"sender_id, type_name, timestamp, "
                f"CASE WHEN type_name = 'user' THEN {fields['text']} END, "
                f"CASE WHEN type_name = 'user' THEN {fields['channel']} END, "
                f"CASE WHEN type_name = 'bot' THEN {fields['utter_action']} END")

    def answer_events_between(self, start: float, end: float) -> List[Event]:
        """events_between, with only the text and channel of user events and the utter_action of bot events
        (no parse data, no bot texts): what the overview, the safety view and the search for not-understood
        messages need, and much faster on a large store."""
        rows = self._rows(f"SELECT {self._light_columns()} FROM events "
                          "WHERE type_name IN :types AND timestamp >= :start AND timestamp < :end ORDER BY id",
                          types=list(EVENT_TYPES), start=start, end=end)
        return [light_event(row) for row in rows]

    # Reads by the primary key (`id`, increasing, the one index besides sender_id's) for console.derived:
    # each light row is (id, sender_id, type_name, timestamp, text, channel, utter_action), every event type.

    def light_rows_after(self, last_id: int, limit: Optional[int] = None) -> List[Sequence[Any]]:
        """The light row of every event with id > last_id (the first `limit` of them), in id order."""
        query = f"SELECT id, {self._light_columns()} FROM events WHERE id > :last ORDER BY id"
        if limit is None:
            return self._rows(query, last=last_id)
        return self._rows(query + " LIMIT :limit", last=last_id, limit=limit)

    def top_id(self) -> int:
        """The highest stored id (0 for an empty store)."""
        (top,), = self._rows("SELECT coalesce(max(id), 0) FROM events")
        return int(top)

    def light_rows_of_senders(self, sender_ids: Iterable[str]) -> List[Sequence[Any]]:
        """The light rows of every stored event of these conversations, in id order."""
        senders = sorted(set(sender_ids))
        rows = [row for first in range(0, len(senders), CHUNK)
                for row in self._rows(f"SELECT id, {self._light_columns()} FROM events WHERE sender_id IN :senders",
                                      senders=senders[first:first + CHUNK])]
        return sorted(rows, key=lambda row: row[0])

    def id_checksum(self, last_id: int) -> Tuple[int, int]:
        """(how many, sum) of the stored ids up to last_id: it changes when any of them is deleted or added."""
        (count, total), = self._rows("SELECT count(id), coalesce(sum(id), 0) FROM events WHERE id <= :last",
                                     last=last_id)
        return int(count), int(total)

    def sender_checksums(self, last_id: int) -> List[Tuple[str, int, int]]:
        """(sender_id, how many, sum) of the stored ids up to last_id, for each conversation."""
        return [(row[0], int(row[1]), int(row[2])) for row in self._rows(
            "SELECT sender_id, count(id), sum(id) FROM events WHERE id <= :last GROUP BY sender_id", last=last_id)]

    def event_key(self, id_: int) -> Optional[Tuple[str, float]]:
        """(sender_id, timestamp) of the event stored under this id, if any."""
        rows = self._rows("SELECT sender_id, timestamp FROM events WHERE id = :id", id=id_)
        return tuple(rows[0]) if rows else None

    def event_keys_up_to(self, last_id: int) -> List[Tuple[int, str, float]]:
        """(id, sender_id, timestamp) of every stored event up to last_id."""
        return [tuple(row) for row in self._rows("SELECT id, sender_id, timestamp FROM events WHERE id <= :last",
                                                 last=last_id)]

    def events_of(self, sender_ids: Iterable[str]) -> Iterator[Event]:
        """Every user and bot event of these conversations, each conversation's in order."""
        senders = sorted(set(sender_ids))
        for first in range(0, len(senders), CHUNK):
            rows = self._rows("SELECT sender_id, type_name, timestamp, data FROM events "
                              "WHERE type_name IN :types AND sender_id IN :senders ORDER BY sender_id, id",
                              types=list(EVENT_TYPES), senders=senders[first:first + CHUNK])
            yield from (_event(row) for row in rows)

    def user_message_keys(self, sender_ids: Iterable[str]) -> List[Tuple[str, float]]:
        """(sender_id, timestamp) of every stored user message of these conversations."""
        senders = sorted(set(sender_ids))
        keys: List[Tuple[str, float]] = []
        for first in range(0, len(senders), CHUNK):
            keys += [(row[0], row[1]) for row in self._rows(
                "SELECT sender_id, timestamp FROM events WHERE type_name = 'user' AND sender_id IN :senders",
                senders=senders[first:first + CHUNK])]
        return keys
