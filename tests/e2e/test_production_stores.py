"""Opt-in: the production settings (PostgreSQL tracker store, Redis lock store) with real servers.

Skipped unless TEST_POSTGRES_HOST is set (no database server in `make test`). Run with
a PostgreSQL database and a Redis server you started yourself, e.g.:

    TEST_POSTGRES_HOST=127.0.0.1 TEST_POSTGRES_PORT=5432 TEST_POSTGRES_DB=assistant \\
    TEST_POSTGRES_USER=rasa TEST_POSTGRES_PASSWORD=... \\
    TEST_REDIS_HOST=127.0.0.1 TEST_REDIS_PORT=6379 TEST_REDIS_PASSWORD=... \\
    .venv/bin/python -m pytest -m model tests/e2e/test_production_stores.py
"""
import json
import os
import uuid

import pytest
import requests

from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_HOST"), reason="TEST_POSTGRES_HOST not set"),
]


def say(url, sender, text):
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def test_postgresql_and_redis_keep_the_conversation_redacted_across_a_restart():
    import sqlalchemy as sa

    e = os.environ
    env = {
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": e["TEST_POSTGRES_HOST"],
        "TRACKER_DB_PORT": e.get("TEST_POSTGRES_PORT", "5432"), "TRACKER_DB": e["TEST_POSTGRES_DB"],
        "TRACKER_DB_USER": e["TEST_POSTGRES_USER"], "TRACKER_DB_PASSWORD": e.get("TEST_POSTGRES_PASSWORD", ""),
        "LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": e.get("TEST_REDIS_HOST", "127.0.0.1"),
        "LOCK_STORE_PORT": e.get("TEST_REDIS_PORT", "6379"), "LOCK_STORE_PASSWORD": e.get("TEST_REDIS_PASSWORD", ""),
    }
    patient = str(uuid.uuid4())
    stored_as = f"rest:{patient}"  # channels/rest.py namespaces REST conversations
    processes = {}
    with running_assistant(trained_model(), env, processes=processes) as url:
        assert say(url, patient, "my number is 07700 900123, what happens first?")[0]["text"].startswith("Step 1")
        processes["rasa"].restart()
        processes["rasa"].wait_until_up(url + "/")
        assert say(url, patient, "next")[0]["text"].startswith("Step 2")
        engine = sa.create_engine(sa.engine.url.URL.create(
            "postgresql", env["TRACKER_DB_USER"], env["TRACKER_DB_PASSWORD"], env["TRACKER_DB_HOST"],
            int(env["TRACKER_DB_PORT"]), env["TRACKER_DB"]))
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": stored_as}).all()
        assert rows
        assert "900123" not in json.dumps([row[0] for row in rows])
        say(url, patient, "forget me")
        say(url, patient, "/affirm")
        with engine.connect() as connection:
            count = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": stored_as})
            assert count.scalar() == 0
