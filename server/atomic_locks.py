"""Redis lock store whose tickets are issued and returned atomically, across Rasa servers.

Rasa 3.6's RedisLockStore keeps one patient's messages in order with a ticket lock
stored in Redis, but changes it by read-modify-write: read the lock, add (or remove)
a ticket, write it back. Two Rasa servers taking two messages of one patient at the
same moment can both read the same lock and hand out the same ticket; both messages
are then processed at once, and the tracker store keeps only one of them (seen in
tests/e2e/test_cluster.py: of five simultaneous messages, one was answered but never
stored). Here each change of a lock is one Redis transaction (WATCH, then MULTI/EXEC,
tried again if another server changed the lock meanwhile), so every ticket is unique
and no ticket is lost.

endpoints.yml names it by class path, as Rasa 3.6 allows for a custom lock store
(`lock_store: type: server.atomic_locks.AtomicRedisLockStore`); server/start.py turns
LOCK_STORE_TYPE=redis into that path, so `redis` never means Rasa's own store here.
"""
import json
from typing import Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore where issuing, expiring and returning tickets are atomic."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        """From endpoints.yml's lock_store section (Rasa passes it as endpoint_config), or RedisLockStore's own
        arguments (host, port, db, password, ...)."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]) -> Result:
        """Apply change to the stored lock in one transaction; None from change deletes the lock."""
        from redis.exceptions import WatchError

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another server changed this lock meanwhile: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def remove_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, remove_expired)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)

