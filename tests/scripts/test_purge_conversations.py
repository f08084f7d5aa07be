"""scripts/purge_conversations.py: conversations idle longer than the retention period deleted, its settings required."""
import sqlite3
import subprocess
import sys

from tests.conftest import ROOT
from tests.privacy.helpers import KEY, rows, stored, tracker_with, user_uttered


def age(db_path, sender, days):
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
                           (days * 86400, stored(sender)))


async def test_purge_deletes_only_conversations_idle_longer_than_n_days(store, store_domain, tmp_path):
    db = tmp_path / "var" / "conversations.db"
    for sender in ("old", "recent", "old-but-active"):
        await store.save(tracker_with(store_domain, sender, user_uttered("hello", "greet")))
    age(db, "old", 40)
    age(db, "recent", 10)
    age(db, "old-but-active", 40)
    active = await store.retrieve("old-but-active")
    active.update(user_uttered("next", "next_step"))
    await store.save(active)  # its last event is new

    env = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": str(db), "RETENTION_DAYS": "30", "SENDER_ID_KEY": KEY,
           "PATH": "/usr/bin:/bin", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation(s)" in result.stdout
    assert {row[0] for row in rows(db)} == {stored("recent"), stored("old-but-active")}

    result = subprocess.run([sys.executable, "scripts/purge_conversations.py", "--older-than-days", "5"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {row[0] for row in rows(db)} == {stored("old-but-active")}


def test_purge_needs_a_number_of_days(tmp_path):
    env = {"TRACKER_DB": str(tmp_path / "c.db"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "RETENTION_DAYS" in result.stderr


def test_purge_needs_the_sender_id_key(tmp_path):
    env = {"TRACKER_DB": str(tmp_path / "c.db"), "RETENTION_DAYS": "30", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "scripts/purge_conversations.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "SENDER_ID_KEY is not set" in result.stderr and "Traceback" not in result.stderr
