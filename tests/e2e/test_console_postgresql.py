"""The staff console against a real PostgreSQL (cluster/postgres.py, Debian's server on loopback), as its
own read-only role: the numbers, a mark, the export, "forget me" taking the mark and the console's copy of the
conversation with it (without a page view), and no writes."""
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from cluster.console import csrf_of, logged_in, running_console
from cluster.postgres import PostgresServer
from cluster.processes import free_port
from console.store import StoreConfig, engine
from privacy.tracker_store import PrivateSQLTrackerStore
from tests.console.conversations import EMERGENCY, FALLBACK, GREET, KEY, STEP, Turn, eventually, forget, save

pytestmark = pytest.mark.model

READER, READER_PASSWORD = "console_reader", secrets.token_urlsafe(16)
TODAY = datetime.now(timezone.utc).date().isoformat()


@pytest.fixture(scope="module")
def database():
    scratch = Path(tempfile.mkdtemp(prefix="console-pg-"))
    scratch.chmod(0o711)  # PostgreSQL's account must reach its data folder inside (as in cluster/local.py)
    server = PostgresServer(scratch / "data", free_port(), secrets.token_urlsafe(16), log_dir=scratch)
    try:
        server.start()
        rasa_store = PrivateSQLTrackerStore(dialect="postgresql", host="127.0.0.1", port=server.port, db=server.database,
                                            username=server.user, password=server.password, sender_id_key=KEY,
                                            keep_metadata=frozenset())
        start = time.time() - 600
        save(rasa_store, "rest:a", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP),
                                    Turn("what is the capital of france", "nlu_fallback", FALLBACK)], start)
        save(rasa_store, "rest:b", [Turn("I have chest pain", "emergency", EMERGENCY)], start + 60)
        save(rasa_store, "rest:c", [Turn("who won the football", "nlu_fallback", FALLBACK)], start + 120)
        server._psql(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}'; "
                     f'GRANT CONNECT ON DATABASE "{server.database}" TO {READER}; '
                     f"GRANT USAGE ON SCHEMA public TO {READER}; GRANT SELECT ON events TO {READER};",
                     database=server.database)
        yield server, rasa_store, scratch
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def test_the_console_reads_postgresql_as_its_read_only_role(database):
    server, rasa_store, scratch = database
    environ = {"TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(server.port),
               "CONSOLE_STORE_USER": READER, "CONSOLE_STORE_PASSWORD": READER_PASSWORD, "CONSOLE_SYNC_SECONDS": "0.5"}
    with running_console(server.database, scratch, environ) as base:
        client = logged_in(base)
        page = client.get(f"{base}/overview?from={TODAY}&to={TODAY}").text
        assert re.search(r'id="total-conversations">3<', page) and re.search(r'id="total-messages">5<', page)
        assert "I have chest pain" in client.get(f"{base}/safety?from={TODAY}&to={TODAY}").text
        page = client.get(f"{base}/not-understood?from={TODAY}&to={TODAY}").text
        forms = re.findall(r'name="sender" value="([^"]+)">\s*<input type="hidden" name="timestamp" value="([^"]+)"', page)
        assert len(forms) == 2
        for sender, timestamp in forms:
            reply = client.post(f"{base}/marks", data={"csrf": csrf_of(page), "sender": sender, "timestamp": timestamp,
                                                       "kind": "intent", "intent": "out_of_scope"}, allow_redirects=False)
            assert reply.status_code == 303, reply.text
        texts = lambda: sorted(m.get("text") for m in RasaYAMLReader().reads(client.get(f"{base}/export.yml").text)  # noqa: E731
                               .intent_examples)
        assert texts() == ["what is the capital of france", "who won the football"]
        copied = lambda: {text for text, in sqlite3.connect(scratch / "console.db").execute(  # noqa: E731
            "SELECT text FROM messages")}
        assert "who won the football" in copied()
        forget(rasa_store, "rest:c")  # "forget me": the console's copy goes with no page viewed
        assert eventually(lambda: "who won the football" not in copied())
        assert "what is the capital of france" in copied()
        assert texts() == ["what is the capital of france"]


def test_neither_the_role_nor_the_consoles_connections_can_write(database):
    server = database[0]
    for user, password in ((READER, READER_PASSWORD), (server.user, server.password)):
        console_engine = engine(StoreConfig(dialect="postgresql", db=server.database, host="127.0.0.1",
                                            port=str(server.port), user=user, password=password))
        with pytest.raises(sa.exc.DBAPIError, match="permission denied|read-only transaction"):
            with console_engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM events"))
        console_engine.dispose()
    with sa.create_engine(server.url()).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() > 0
