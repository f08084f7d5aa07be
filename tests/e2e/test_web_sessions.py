"""The web chat's sessions with the real servers: one browser cannot continue another's conversation.

A real python-socketio client talks to the real Rasa server (channels/socketio.py); what
is stored is read from the server's SQLite tracker store.
"""
import asyncio
import re
import sqlite3
import time
import uuid

import pytest
import requests
import socketio
import websockets

from channels.session_ids import SessionIds
from privacy.pseudonyms import stored_sender_id
from tests.e2e.servers import SENDER_ID_KEY, running_assistant
from tests.e2e.webchat_client import WebChat
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

CLINIC_PAGE = "https://www.example-clinic.org"
FOREIGN_PAGE = "https://attacker.example.net"
SESSION_SECRET = "test-session-secret-" + uuid.uuid4().hex
SIGNED_ID = re.compile(r"^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$")
REPLICA = "r7"
QUIET_SECONDS = 4  # long enough for a reply that should not come (replies here take well under a second)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("var") / "conversations.db"
    processes = {}
    env = {"SESSION_SECRET": SESSION_SECRET, "SOCKETIO_REPLICA": REPLICA}
    with running_assistant(trained_model(), env, rasa_args=["--cors", CLINIC_PAGE],
                           processes=processes, tracker_db=db) as url:
        yield {"url": url, "db": db, "rasa": processes["rasa"]}


def stored(sender_id):
    """The id the conversation of sender_id (web:<random>, rest:<sender>) is stored under."""
    return stored_sender_id(sender_id, SENDER_ID_KEY)


def stored_rows(db, sender_id):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT type_name, data FROM events WHERE sender_id = ?",
                                  (stored(sender_id),)).fetchall()


def all_sender_ids(db):
    """The stored ids (pseudonyms) of every conversation."""
    with sqlite3.connect(db) as connection:
        return {sender for (sender,) in connection.execute("SELECT DISTINCT sender_id FROM events")}


def settled_rows(db, sender_id, quiet=1.0, timeout=30):
    """The conversation's rows once nothing more has been written for `quiet` seconds."""
    rows, since, deadline = stored_rows(db, sender_id), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = stored_rows(db, sender_id)
        if now != rows:
            rows, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return rows
    raise AssertionError(f"{sender_id} is still being written after {timeout}s")


def sender_of(session_id):
    return SessionIds(SESSION_SECRET).sender_id(session_id)


async def browser(server, session_id=None):
    """A connected client from the clinic's page that has asked for a session (with this stored id)."""
    chat = await WebChat(server["url"], CLINIC_PAGE).connect()
    await chat.request_session(session_id)
    return chat


async def patient_at_step_2(server):
    """Patient A: a conversation at step 2 of the walkthrough; A's client, still connected."""
    a = await browser(server)
    await a.say("what happens first?", "Step 1 of 6")
    await a.say("next", "Step 2 of 6")
    await a.settle()
    return a


async def test_a_new_browser_gets_a_signed_id_and_is_stored_as_web_random_part(server):
    chat = await browser(server)
    try:
        assert SIGNED_ID.match(chat.session_id)
        await chat.say("what happens first?", "Step 1 of 6")
    finally:
        await chat.close()
    random_part, signature = chat.session_id.split(".")
    assert settled_rows(server["db"], "web:" + random_part)
    assert stored("web:" + random_part) in all_sender_ids(server["db"])
    # the store holds neither the signature, nor the whole session id, nor its random part
    with open(server["db"], "rb") as db_file:
        contents = db_file.read()
    for part in (signature, chat.session_id, random_part):
        assert part.encode() not in contents


async def test_answers_arrive_with_their_heading_in_markdown_bold(server):
    """The widget renders Markdown: the heading line bold, the rest exactly as written (channels/formatting.py)."""
    chat = await browser(server)
    try:
        await chat.say("what happens first?", "Step 1 of 6")
    finally:
        await chat.close()
    step = next(m for m in chat.received if m["text"].startswith("Step 1 of 6"))
    heading, body = step["markdown"].split("\n", 1)
    assert heading.startswith("**Step 1 of 6:") and heading.endswith("**") and "**" not in body


async def test_reconnecting_with_its_own_id_continues_the_conversation_also_after_a_restart(server):
    a = await patient_at_step_2(server)
    await a.close()

    again = await browser(server, a.session_id)
    try:
        assert again.session_id == a.session_id
        await again.say("next", "Step 3 of 6")
    finally:
        await again.close()

    server["rasa"].restart()  # same SESSION_SECRET: ids issued before the restart stay valid
    server["rasa"].wait_until_up(server["url"] + "/")
    after_restart = await browser(server, a.session_id)
    try:
        assert after_restart.session_id == a.session_id
        await after_restart.say("next", "Step 4 of 6")
    finally:
        await after_restart.close()


def forged_ids(a_session_id):
    """What another browser could send in place of A's session id, without having it."""
    random_part, signature = a_session_id.split(".")
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return {
        "A's sender id": "web:" + random_part,
        "A's stored id": stored("web:" + random_part),
        "A's random part alone": random_part,
        "a wrong signature": f"{random_part}.{tampered}",
        "an id signed with another secret": SessionIds("another-deployment-" + "x" * 40).issue(),
        "a made-up id": "patient-1",
        "a uuid as Rasa's channel makes": uuid.uuid4().hex,
    }


async def test_another_browser_sending_a_forged_id_gets_a_new_session_and_a_is_untouched(server):
    a = await patient_at_step_2(server)
    a_sender = sender_of(a.session_id)
    try:
        before = settled_rows(server["db"], a_sender)
        for what, forged in forged_ids(a.session_id).items():
            b = await browser(server, forged)
            try:
                assert b.session_id != forged and SIGNED_ID.match(b.session_id), what
                assert sender_of(b.session_id) != a_sender, what
                # a fresh conversation: "next" starts at the beginning, not at A's step 3
                await b.say("next", "Step 1 of 6")
            finally:
                await b.close()
            assert settled_rows(server["db"], a_sender) == before, what
        # A carries on where it was
        await a.say("next", "Step 3 of 6")
    finally:
        await a.close()
    log = server["rasa"].output(limit=10**7)
    assert "asked for a session this server did not issue: it gets a new one" in log


async def test_a_rest_conversation_cannot_be_reached_from_the_web_chat(server):
    patient = "rest-patient-" + uuid.uuid4().hex
    reply = requests.post(f"{server['url']}/webhooks/rest/webhook",
                          json={"sender": patient, "message": "what happens first?"}, timeout=60).json()
    assert reply[0]["text"].startswith("Step 1 of 6") and reply[0]["recipient_id"] == "rest:" + patient
    before = settled_rows(server["db"], "rest:" + patient)
    assert before
    for forged in (patient, "rest:" + patient):
        b = await browser(server, forged)
        try:
            assert sender_of(b.session_id) not in (patient, "rest:" + patient)
            await b.say("next", "Step 1 of 6")
        finally:
            await b.close()
    assert settled_rows(server["db"], "rest:" + patient) == before


async def test_a_rest_caller_cannot_write_into_a_web_conversation(server):
    a = await patient_at_step_2(server)
    a_sender = sender_of(a.session_id)
    try:
        before, a_seen = settled_rows(server["db"], a_sender), len(a.received)
        reply = requests.post(f"{server['url']}/webhooks/rest/webhook",
                              json={"sender": a_sender, "message": "next"}, timeout=60).json()
        assert reply[0]["text"].startswith("Step 1 of 6")  # a new conversation of its own
        assert stored("rest:" + a_sender) in all_sender_ids(server["db"])
        assert settled_rows(server["db"], a_sender) == before
        await asyncio.sleep(QUIET_SECONDS)
        assert a.received[a_seen:] == []  # the REST reply did not go to A's browser either
    finally:
        await a.close()


async def test_a_message_into_another_session_is_refused_and_replies_go_to_their_session_only(server):
    a = await patient_at_step_2(server)
    a_sender = sender_of(a.session_id)
    b = await browser(server)
    secret_text = "refused-" + uuid.uuid4().hex
    try:
        before = settled_rows(server["db"], a_sender)
        # B names A's conversation, even with A's whole session id: B's connection is bound to B's session
        for other in (a.session_id, a_sender, None):
            await b.client.emit("user_uttered", {"message": f"{secret_text} what is a stent?", "session_id": other})
        await asyncio.sleep(QUIET_SECONDS)
        assert b.received == []
        assert settled_rows(server["db"], a_sender) == before
        with open(server["db"], "rb") as db_file:
            assert secret_text.encode() not in db_file.read()

        # A's replies reach A only, B's reach B only
        a_seen, b_seen = len(a.received), len(b.received)
        await a.say("next", "Step 3 of 6")
        await b.say("what happens first?", "Step 1 of 6")
        await asyncio.sleep(1)
        assert not any("Step 3 of 6" in message.get("text", "") for message in b.received[b_seen:])
        assert not any("Step 1 of 6" in message.get("text", "") for message in a.received[a_seen:])
    finally:
        await a.close()
        await b.close()
    log = server["rasa"].output(limit=10**7)
    assert "refused a message naming a session its connection was not confirmed for" in log
    assert secret_text not in log


async def test_a_message_before_any_session_is_refused(server):
    chat = await WebChat(server["url"], CLINIC_PAGE).connect()
    try:
        await chat.send("what happens first?", session_id="patient-1")
        await asyncio.sleep(QUIET_SECONDS)
        assert chat.received == []
    finally:
        await chat.close()
    assert not {stored("web:patient-1"), stored("patient-1")} & all_sender_ids(server["db"])


async def test_a_foreign_page_cannot_connect_and_the_clinic_page_can(server):
    with pytest.raises(socketio.exceptions.ConnectionError, match="400"):
        await WebChat(server["url"], FOREIGN_PAGE).connect()

    ws_url = server["url"].replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websockets.exceptions.InvalidStatusCode) as refused:
        async with websockets.connect(ws_url, origin=FOREIGN_PAGE, open_timeout=30):
            pass
    assert refused.value.status_code == 400
    async with websockets.connect(ws_url, origin=CLINIC_PAGE, open_timeout=30) as socket:
        opening = await asyncio.wait_for(socket.recv(), 30)
        assert opening.startswith("0{") and '"sid"' in opening  # Engine.IO's open packet

    # long-polling from the clinic page: CORS headers once (sanic_cors's, not a second set from Engine.IO)
    polled = requests.get(server["url"] + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                          headers={"Origin": CLINIC_PAGE}, timeout=30)
    assert polled.status_code == 200
    assert '"sid":"%s-' % REPLICA in polled.text.replace(" ", "")  # named after the replica, for nginx
    assert polled.raw.headers.getlist("Access-Control-Allow-Origin") == [CLINIC_PAGE]
    foreign = requests.get(server["url"] + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                           headers={"Origin": FOREIGN_PAGE}, timeout=30)
    assert foreign.status_code == 400 and "Access-Control-Allow-Origin" not in foreign.headers


async def test_a_connection_that_asks_again_is_bound_to_the_new_session_only(server):
    chat = await browser(server)
    first = chat.session_id
    try:
        second = await chat.request_session(None)
        assert second != first
        # the first session, continued from another connection: its replies no longer reach this one
        other = await browser(server, first)
        try:
            seen = len(chat.received)
            await other.say("what happens first?", "Step 1 of 6")
            await asyncio.sleep(1)
            assert chat.received[seen:] == []
            # and this connection can no longer send into the first session
            await chat.send("next", session_id=first)
            await asyncio.sleep(QUIET_SECONDS)
            assert chat.received[seen:] == []
            await other.say("next", "Step 2 of 6")  # "next" from this connection did not move it on
        finally:
            await other.close()
        await chat.say("what happens first?", "Step 1 of 6")
    finally:
        await chat.close()


async def test_a_binary_message_is_refused_and_the_client_disconnected(server):
    chat = await browser(server)
    try:
        await chat.client.emit("user_uttered", {"message": b"what happens first?", "session_id": chat.session_id})
        for _ in range(QUIET_SECONDS * 5):
            if not chat.client.connected:
                break
            await asyncio.sleep(0.2)
        assert not chat.client.connected
        assert chat.received == []
    finally:
        await chat.close()
    assert "sent a binary Socket.IO message: refused and disconnected" in server["rasa"].output(limit=10**7)
