"""server/atomic_locks.py: Rasa builds the atomic Redis lock store from endpoints.yml, by class path.

The tickets themselves are checked against a real Redis in tests/e2e/test_lock_store.py."""
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.utils import read_endpoints_from_path

from server.atomic_locks import AtomicRedisLockStore
from server.start import lock_store_environment
from tests.conftest import ROOT

STORE_ENV = {"ACTION_SERVER_URL": "http://127.0.0.1:1/webhook", "TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": "x.db",
             "TRACKER_DB_HOST": "", "TRACKER_DB_PORT": "", "TRACKER_DB_USER": "", "TRACKER_DB_PASSWORD": "",
             "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": "6390", "LOCK_STORE_DB": "3",
             "LOCK_STORE_PASSWORD": "pw"}


def lock_store_of_endpoints_yml(monkeypatch, lock_store_type: str) -> LockStore:
    for name, value in {**STORE_ENV, "LOCK_STORE_TYPE": lock_store_type}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LOCK_STORE_TYPE", lock_store_environment({"LOCK_STORE_TYPE": lock_store_type}).get(
        "LOCK_STORE_TYPE", lock_store_type))
    return LockStore.create(read_endpoints_from_path(str(ROOT / "endpoints.yml")).lock_store)


def test_lock_store_type_redis_gets_the_atomic_store_with_endpoints_yml_settings(monkeypatch):
    store = lock_store_of_endpoints_yml(monkeypatch, "redis")
    assert type(store) is AtomicRedisLockStore
    connection = store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"], connection["password"]) == \
        ("127.0.0.1", 6390, 3, "pw")


def test_in_memory_stays_rasas_in_memory_store(monkeypatch):
    assert type(lock_store_of_endpoints_yml(monkeypatch, "in_memory")) is InMemoryLockStore


def test_the_store_takes_redis_lock_stores_own_arguments_too():
    store = AtomicRedisLockStore(host="127.0.0.1", port=6391, db=2)
    assert store.red.connection_pool.connection_kwargs["port"] == 6391
