"""A conversation store that can be read but not written, with the real servers: an outage.

The SQLite store is made unwritable while it stays readable by another connection holding
SQLite's write lock (BEGIN IMMEDIATE): the tests run as root, so file permissions would
not stop the writes. The Rasa server waits for the lock for pysqlite's default busy timeout
(5 s, not configurable through endpoints.yml) before the write fails, so each message sent
while the store is locked takes a little over 5 s.

What is stored is checked over the whole store (every row, the number of conversations) and
by how the conversation goes on, not by looking a sender id up: the tests do not depend on
how the store keys conversations.
"""
import json
import sqlite3
import time
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import requests

from tests.e2e.servers import running_assistant
from tests.e2e.webchat_client import WebChat
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

APOLOGY = "Sorry, I can't answer right now"
CLINIC_PAGE = "https://www.example-clinic.org"
LOCKED_ANSWER_SECONDS = 30  # the 5 s busy timeout and the answer, with room for a slow machine


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    db = tmp_path_factory.mktemp("var") / "conversations.db"
    processes = {}
    with running_assistant(trained_model(), rasa_args=["--cors", CLINIC_PAGE], processes=processes,
                           tracker_db=db) as url:
        yield SimpleNamespace(url=url, db=db, rasa=processes["rasa"])


@contextmanager
def store_locked(db):
    """Another connection holds the write lock: the store can be read, not written."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def post(url, sender, text, stream=False):
    started = time.monotonic()
    reply = requests.post(f"{url}/webhooks/rest/webhook" + ("?stream=true" if stream else ""),
                          json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    assert time.monotonic() - started < LOCKED_ANSWER_SECONDS
    if stream:
        return [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    return reply.json()


def first_lines(replies):
    return [reply.get("text", "").split("\n")[0] for reply in replies]


def everything_stored(db):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT * FROM events ORDER BY id").fetchall()


def conversations_stored(db):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(DISTINCT sender_id) FROM events").fetchone()[0]


def patient_at_step_2(url):
    patient = f"outage-{uuid.uuid4()}"
    assert first_lines(post(url, patient, "what happens first?"))[0].startswith("Step 1 of 6")
    assert first_lines(post(url, patient, "next"))[0].startswith("Step 2 of 6")
    return patient


def test_next_while_the_store_cannot_be_written_gets_only_the_try_again_answer(assistant):
    patient = patient_at_step_2(assistant.url)
    before = everything_stored(assistant.db)
    with store_locked(assistant.db):
        assert first_lines(post(assistant.url, patient, "next")) == [APOLOGY]
        assert everything_stored(assistant.db) == before  # still readable
    assert everything_stored(assistant.db) == before
    # the conversation is where it was: nothing lost, nothing invented
    assert first_lines(post(assistant.url, patient, "next"))[0].startswith("Step 3 of 6")


def test_a_streamed_answer_waits_for_the_save_too(assistant):
    patient = patient_at_step_2(assistant.url)
    before = everything_stored(assistant.db)
    with store_locked(assistant.db):
        assert first_lines(post(assistant.url, patient, "next", stream=True)) == [APOLOGY]
    assert everything_stored(assistant.db) == before
    streamed = post(assistant.url, patient, "next", stream=True)
    assert first_lines(streamed)[0].startswith("Step 3 of 6")
    assert streamed[0]["recipient_id"] == f"rest:{patient}"


def test_forget_me_is_not_confirmed_while_the_deletion_cannot_be_done(assistant):
    patient = patient_at_step_2(assistant.url)
    assert first_lines(post(assistant.url, patient, "please forget me"))[0].startswith("Deleting this conversation")
    before = everything_stored(assistant.db)
    with store_locked(assistant.db):
        assert first_lines(post(assistant.url, patient, "yes")) == [APOLOGY]
    assert everything_stored(assistant.db) == before
    # still stored, where it was
    assert first_lines(post(assistant.url, patient, "next"))[0].startswith("Step 3 of 6")

    # once the store is back, asking again and confirming deletes it
    assert first_lines(post(assistant.url, patient, "please forget me"))[0].startswith("Deleting this conversation")
    conversations = conversations_stored(assistant.db)
    assert first_lines(post(assistant.url, patient, "yes"))[0].startswith("Your conversation is deleted")
    assert conversations_stored(assistant.db) == conversations - 1
    assert first_lines(post(assistant.url, patient, "next"))[0].startswith("Step 1 of 6")


async def test_the_web_chat_gets_the_try_again_answer_and_no_step(assistant):
    chat = await WebChat(assistant.url, CLINIC_PAGE).connect()
    try:
        await chat.request_session()
        await chat.say("what happens first?", "Step 1 of 6")
        await chat.say("next", "Step 2 of 6")
        await chat.settle()
        before = everything_stored(assistant.db)
        start = len(chat.received)
        with store_locked(assistant.db):
            await chat.say("next", APOLOGY)
            await chat.settle(quiet=2)
        assert first_lines(chat.received[start:]) == [APOLOGY]
        assert everything_stored(assistant.db) == before

        await chat.say("next", "Step 3 of 6")
    finally:
        await chat.close()


def test_the_server_log_names_the_outage_but_not_the_patient(assistant):
    patient = patient_at_step_2(assistant.url)
    with store_locked(assistant.db):
        assert first_lines(post(assistant.url, patient, "what comes next, zebedee?")) == [APOLOGY]
    log = assistant.rasa.output(limit=10**7)
    assert "The conversation store cannot be written, the patient is told to try again: OperationalError" in log
    assert "zebedee" not in log
    assert patient not in log
