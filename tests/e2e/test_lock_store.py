"""server/atomic_locks.py against a real Redis server (Debian's, on loopback): tickets for one
conversation taken at the same moment by several Rasa servers are all different, and all returned."""
import secrets
import tempfile
import threading
from pathlib import Path

import pytest
from rasa.core.lock_store import RedisLockStore

from cluster.processes import free_port
from cluster.redis import RedisServer
from server.atomic_locks import AtomicRedisLockStore

pytestmark = pytest.mark.model  # needs Debian's redis-server, installed by `make test-model`

SERVERS, TICKETS_EACH = 4, 150


@pytest.fixture(scope="module")
def redis():
    with tempfile.TemporaryDirectory(prefix="redis-") as folder:
        server = RedisServer(Path(folder), free_port(), secrets.token_urlsafe(24))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def tickets_from_servers(redis, store_class, conversation):
    """SERVERS lock stores (one per Rasa server) each take TICKETS_EACH tickets at the same time."""
    stores = [store_class(host="127.0.0.1", port=redis.port, password=redis.password) for _ in range(SERVERS)]
    issued, start = [], threading.Barrier(SERVERS)

    def take(store):
        start.wait()
        for _ in range(TICKETS_EACH):
            issued.append(store.issue_ticket(conversation))

    threads = [threading.Thread(target=take, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stores, issued


def test_simultaneous_tickets_are_all_different(redis):
    conversation = f"patient-{secrets.token_hex(4)}"
    stores, issued = tickets_from_servers(redis, AtomicRedisLockStore, conversation)
    assert len(issued) == SERVERS * TICKETS_EACH
    assert len(set(issued)) == len(issued)
    # returning every ticket, from whichever server, leaves no lock behind
    for index, ticket in enumerate(issued):
        stores[index % SERVERS].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None


def test_rasas_own_store_can_hand_out_the_same_ticket_twice(redis):
    """Why the atomic store exists: the same race with Rasa 3.6's RedisLockStore."""
    duplicates = 0
    for attempt in range(20):
        _, issued = tickets_from_servers(redis, RedisLockStore, f"patient-{secrets.token_hex(4)}")
        duplicates += len(issued) - len(set(issued))
        if duplicates:
            break
    assert duplicates > 0
