"""Rate limits on the real servers (channels/rate_limits.py): per conversation and per client.

Before: one client opened 10,000 conversations (57 MB of store) in 4 minutes, and nothing
stopped a conversation's flood. Now, over a limit: REST gets 429 with Retry-After, the web chat
a polite notice, a red-flag message always the emergency answer, and nothing is stored.
"""
import asyncio
import sqlite3
import time
import uuid

import pytest
import requests
import yaml

from tests.conftest import ROOT
from tests.e2e.servers import running_assistant
from tests.e2e.webchat_client import WebChat
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

CLINIC_PAGE = "https://www.example-clinic.org"
PER_CONVERSATION, PER_CLIENT = 20, 60
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
EMERGENCY = RESPONSES["utter_emergency"][0]["text"]
RATE_LIMITED = RESPONSES["utter_rate_limited"][0]["text"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("var") / "conversations.db"
    processes = {}
    env = {"RATE_LIMIT_CONVERSATION_PER_MINUTE": str(PER_CONVERSATION), "RATE_LIMIT_CLIENT_PER_MINUTE": str(PER_CLIENT)}
    with running_assistant(trained_model(), env, rasa_args=["--cors", CLINIC_PAGE], processes=processes,
                           tracker_db=db) as url:
        yield {"url": url, "db": db, "rasa": processes["rasa"]}


def post(server, sender, text):
    return requests.post(server["url"] + "/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)


def counts(db):
    """(user messages stored, conversations stored), over the whole store."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT SUM(type_name = 'user'), COUNT(DISTINCT sender_id) FROM events").fetchone()


def test_one_conversation_over_its_limit_gets_429_and_a_red_flag_still_gets_the_emergency_answer(server):
    patient = str(uuid.uuid4())
    started, answered = time.monotonic(), 0
    while (refused := post(server, patient, f"what is a stent {answered}")).status_code == 200:
        answered += 1
        assert answered <= 20 * PER_CONVERSATION, "never refused"
    stored = counts(server["db"])
    # a token bucket: PER_CONVERSATION at once, then one more every 60 / PER_CONVERSATION seconds
    assert PER_CONVERSATION <= answered <= PER_CONVERSATION + (time.monotonic() - started) * PER_CONVERSATION / 60 + 1
    assert refused.status_code == 429
    assert refused.json()["reason"] == "TooManyRequests" and int(refused.headers["Retry-After"]) >= 1
    emergency = post(server, patient, "my chest hurts and I can't breathe")
    assert emergency.status_code == 200 and [reply["text"] for reply in emergency.json()] == [EMERGENCY]
    assert counts(server["db"]) == stored  # neither was stored
    assert post(server, str(uuid.uuid4()), "what is a stent").status_code == 200  # others carry on
    log = server["rasa"].output(limit=200_000)
    assert "Rate limit: conversation" in log and patient not in log and "what is a stent" not in log


def test_one_client_cannot_open_conversations_without_end_and_its_web_chats_are_told_politely(server):
    """A token bucket: PER_CLIENT at once, then one more every 60 / PER_CLIENT seconds. So the
    answers allowed are bounded by the time the requests took, however slow the machine."""
    refill_per_second = PER_CLIENT / 60
    _, conversations_before = counts(server["db"])
    started = time.monotonic()
    statuses = []
    while 429 not in statuses and len(statuses) < 20 * PER_CLIENT:
        statuses.append(post(server, f"new-{uuid.uuid4()}", "hello").status_code)
    took = time.monotonic() - started
    assert 200 in statuses and statuses[-1] == 429
    assert statuses.count(200) <= PER_CLIENT + took * refill_per_second + 1
    # over the limit, the client stays refused until the bucket refills
    started = time.monotonic()
    after = [post(server, f"new-{uuid.uuid4()}", "hello").status_code for _ in range(10)]
    assert after.count(200) <= (time.monotonic() - started) * refill_per_second + 1
    _, conversations_after = counts(server["db"])
    assert conversations_after - conversations_before == statuses.count(200) + after.count(200)
    assert "Rate limit: client" in server["rasa"].output(limit=200_000)

    async def web_chat_from_the_same_client():
        chat = await WebChat(server["url"], CLINIC_PAGE).connect()
        await chat.request_session()
        notice = await chat.say("what happens first?", "Please slow down")
        await chat.close()
        return notice

    assert asyncio.run(web_chat_from_the_same_client()) == RATE_LIMITED
