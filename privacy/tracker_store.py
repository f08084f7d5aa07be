"""The project's tracker store: Rasa's SQLTrackerStore, with four privacy rules.

1. Pseudonymised sender ids (``privacy.pseudonyms``): a conversation is stored
   under a keyed hash of its sender id (a phone number, a chat id, what a REST
   caller sent), never the id itself. The mapping happens here, at every place
   Rasa's SQLTrackerStore puts a sender id into a query or a row (save,
   ``_event_query`` for retrieve and the save's "what is new", delete), so the
   tracker in memory keeps the real id and replies still reach the patient.
   The key is ``SENDER_ID_KEY``; the store refuses to start without one.
2. Metadata not stored: what a channel sent with a message (REST ``metadata``,
   the web chat's) is dropped from user events, from ``session_started``
   events and from the ``session_started_metadata`` slot before they are
   written, except Rasa's own ``model_id`` / ``assistant_id`` and the keys
   named in ``KEEP_METADATA_KEYS`` (comma-separated, default none).
3. Personal identifiers (``privacy.redact``) are redacted from what patients
   typed before an event is written: the message text, the text in the parse
   data, extracted entity values and text slot values. The bot answers from
   the raw message in memory; only storage sees the redacted one.
4. "Forget me": when the new events set the ``data_deletion_requested`` slot
   (``action_delete_conversation``), every stored event of that conversation is
   deleted and nothing of it is written.

Configured in ``endpoints.yml`` from environment variables (docs/operations.md table):
SQLite (a file under ``var/``) by default, PostgreSQL in production. Empty
values mean "not set", so the Makefile can export empty defaults.
"""
import copy
import json
import logging
import os
from pathlib import Path
from typing import AbstractSet, Any, Dict, FrozenSet, List, Mapping, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.constants import ASSISTANT_ID_KEY
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY, METADATA_MODEL_ID

import settings
from privacy import DELETION_SLOT, pseudonyms
from privacy.redact import redact

logger = logging.getLogger(__name__)

KEEP_METADATA_KEYS = "KEEP_METADATA_KEYS"
# Rasa's own, on every event: which model and assistant handled it (nothing about the patient)
RASA_METADATA_KEYS = frozenset({METADATA_MODEL_ID, ASSISTANT_ID_KEY})


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def keep_metadata_keys(environ: Mapping[str, str] = os.environ) -> FrozenSet[str]:
    """The metadata keys KEEP_METADATA_KEYS names (comma-separated; none by default)."""
    return frozenset(key.strip() for key in settings.value(KEEP_METADATA_KEYS, environ).split(",") if key.strip())


def _kept_metadata(metadata: Any, keep: AbstractSet[str]) -> Dict[Text, Any]:
    """The entries of a metadata dict whose keys are kept, their text values redacted."""
    if not isinstance(metadata, dict):
        return {}
    return {key: redact(value) for key, value in metadata.items() if key in keep}


def redact_event(data: Dict[Text, Any], keep_metadata: AbstractSet[str] = frozenset()) -> Dict[Text, Any]:
    """A copy of a serialised event with personal identifiers redacted and the channel's metadata
    dropped (except Rasa's own keys and those in keep_metadata)."""
    data = copy.deepcopy(data)
    kind = data.get("event")
    if kind in ("user", "session_started") and "metadata" in data:
        data["metadata"] = _kept_metadata(data["metadata"], RASA_METADATA_KEYS | keep_metadata)
    if kind == "user":
        data["text"] = redact(data.get("text"))
        parse_data = data.get("parse_data") or {}
        if "text" in parse_data:
            parse_data["text"] = redact(parse_data["text"])
        if "metadata" in parse_data:
            parse_data["metadata"] = _kept_metadata(parse_data["metadata"], keep_metadata)
        for entity in parse_data.get("entities") or []:
            entity["value"] = redact(entity.get("value"))
    elif kind == "slot" and data.get("name") == SESSION_START_METADATA_SLOT:
        data["value"] = _kept_metadata(data.get("value"), keep_metadata) or None
    elif kind == "slot":
        data["value"] = redact(data.get("value"))
    return data


def deletion_requested(events) -> bool:
    return any(isinstance(e, SlotSet) and e.key == DELETION_SLOT and e.value for e in events)


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores pseudonymised sender ids, drops metadata, redacts identifiers
    and honours "forget me".

    sender_id_key and keep_metadata come from SENDER_ID_KEY and KEEP_METADATA_KEYS when not given;
    without a key (or with one too short) the store refuses to start (SenderIdKeyError).
    Every method takes real sender ids, except what keys() and purge_older_than() return: stored
    ids (pseudonyms), which cannot be turned back into sender ids.
    """

    def __init__(self, domain=None, dialect: Text = "sqlite", host: Optional[Text] = None,
                 port: Optional[Any] = None, db: Text = "var/conversations.db",
                 username: Optional[Text] = None, password: Optional[Text] = None,
                 event_broker=None, login_db: Optional[Text] = None, query: Optional[Dict] = None,
                 sender_id_key: Optional[Text] = None, keep_metadata: Optional[AbstractSet[str]] = None,
                 **kwargs: Any) -> None:
        # checked first: without its key the store must not even connect
        environ = os.environ if sender_id_key is None else {pseudonyms.SENDER_ID_KEY: sender_id_key}
        self._sender_id_key = pseudonyms.sender_id_key(environ).encode("utf-8")
        self._keep_metadata = frozenset(keep_metadata_keys() if keep_metadata is None else keep_metadata)
        dialect = _blank_to_none(dialect) or "sqlite"
        db = _blank_to_none(db) or "var/conversations.db"
        if dialect == "sqlite":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain, dialect=dialect, host=_blank_to_none(host), port=_blank_to_none(port),
            db=db, username=_blank_to_none(username), password=_blank_to_none(password),
            event_broker=event_broker, login_db=_blank_to_none(login_db), query=query, **kwargs,
        )
        if dialect != "sqlite":
            self._check_connections_before_use()

    def _check_connections_before_use(self) -> None:
        """A server database (PostgreSQL) may restart under us: test each pooled connection
        before use, so the first message after a restart does not fail on a dead connection."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def stored_id(self, sender_id: Text) -> Text:
        """The id the conversation of sender_id is stored under (privacy.pseudonyms)."""
        return pseudonyms.stored_sender_id(sender_id, self._sender_id_key)

    def _event_query(self, session: Any, sender_id: Text, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's query for a conversation's events (retrieve, and the save's "what is new"), by stored id."""
        return super()._event_query(session, self.stored_id(sender_id), fetch_events_from_all_sessions)

    def _delete_conversation(self, session: Any, sender_id: Text) -> int:
        """Delete every stored event of a conversation (all sessions); the number deleted."""
        count = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == self.stored_id(sender_id)).delete()
        session.commit()
        return count

    async def delete(self, sender_id: Text) -> int:
        """Delete every stored event of a conversation (all sessions); the number deleted."""
        with self.session_scope() as session:
            return self._delete_conversation(session, sender_id)

    def purge_older_than(self, cutoff: float) -> List[Text]:
        """Delete the conversations whose last event is older than ``cutoff`` (a Unix time).

        Returns the stored ids of the conversations deleted. A conversation still in use keeps all its events.
        """
        import sqlalchemy as sa

        with self.session_scope() as session:
            last_event = sa.func.max(self.SQLEvent.timestamp)
            old = [sender for (sender,) in session.query(self.SQLEvent.sender_id)
                   .group_by(self.SQLEvent.sender_id).having(last_event < cutoff).all()]
            if old:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(old)).delete(
                    synchronize_session=False)
                session.commit()
        return old

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> "PrivateSQLTrackerStore":
        """The store endpoints.yml describes, from the same environment variables."""
        environ = os.environ if environ is None else environ
        return cls(
            dialect=settings.value("TRACKER_DB_DIALECT", environ), host=settings.value("TRACKER_DB_HOST", environ),
            port=settings.value("TRACKER_DB_PORT", environ), db=settings.value("TRACKER_DB", environ),
            username=settings.value("TRACKER_DB_USER", environ), password=settings.value("TRACKER_DB_PASSWORD", environ),
            sender_id_key=settings.value(pseudonyms.SENDER_ID_KEY, environ), keep_metadata=keep_metadata_keys(environ),
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            if deletion_requested(events):
                count = self._delete_conversation(session, tracker.sender_id)
                logger.info(f"Deleted a conversation on the patient's request ({count} events).")
                return
            stored_id = self.stored_id(tracker.sender_id)
            for event in events:
                data = redact_event(event.as_dict(), self._keep_metadata)
                session.add(self.SQLEvent(
                    sender_id=stored_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()
        logger.debug("A conversation's new events were stored.")
