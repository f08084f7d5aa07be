"""Several Rasa servers behind nginx, sharing a PostgreSQL tracker store and a Redis lock
store: the real programs from Debian's packages, started on loopback by cluster.local
(what `make cluster` starts)."""
import asyncio
import json
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import List, Tuple

import aiohttp
import pytest
import requests
import sqlalchemy as sa

from cluster.local import local_cluster
from privacy.pseudonyms import stored_sender_id
from tests.e2e.servers import SENDER_ID_KEY
from tests.e2e.webchat_client import WebChat, walkthroughs
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

REST = "/webhooks/rest/webhook"
APOLOGY = "Sorry, I can't answer right now"
CLINIC_PAGE = "https://www.example-clinic.org"

# Questions the burst asks, each with how its own answer begins.
STEP_QUESTIONS = (
    ("how does the doctor get into the vein?", "Step 1 of 6"),
    ("why do you use dye and x-rays?", "Step 2 of 6"),
    ("how do you take the clot out?", "Step 4 of 6"),
    ("why would i need a stent?", "About stents"),
    ("what happens at the very end?", "Step 6 of 6"),
)


@pytest.fixture(scope="module")
def cluster():
    base = Path(tempfile.mkdtemp(prefix="cluster-"))
    try:
        with local_cluster(trained_model(), base, replicas=2, cors_origins=[CLINIC_PAGE],
                           # one test client talks for many patients: no per-client rate limit
                           extra_env={"SENDER_ID_KEY": SENDER_ID_KEY, "RATE_LIMIT_CLIENT_PER_MINUTE": "0"}) as running:
            yield running
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def database(cluster):
    engine = sa.create_engine(cluster.postgres.url(), pool_pre_ping=True)  # PostgreSQL restarts in these tests
    yield engine
    engine.dispose()


def say(url: str, sender: str, text: str) -> List[dict]:
    reply = requests.post(url + REST, json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()


def first_text(replies: List[dict]) -> str:
    return next(r["text"] for r in replies if r.get("text"))


def stored_id(sender: str) -> str:
    """The id a REST sender's conversation is stored under: the pseudonym of rest:<sender>
    (channels/rest.py, privacy/pseudonyms.py), with the key every replica has."""
    return stored_sender_id(f"rest:{sender}", SENDER_ID_KEY)


def stored_events(database, sender: str) -> List[Tuple[str, dict]]:
    """The stored events of a REST sender's conversation."""
    with database.connect() as connection:
        rows = connection.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": stored_id(sender)}).all()
    return [(kind, json.loads(data)) for kind, data in rows]


def turns(database, sender: str) -> List[Tuple[str, List[str]]]:
    """The stored conversation as (patient's text, bot texts that followed it), in stored order."""
    result: List[Tuple[str, List[str]]] = []
    for kind, data in stored_events(database, sender):
        if kind == "user":
            result.append((data["text"], []))
        elif kind == "bot" and result:
            result[-1][1].append(data.get("text") or "")
    return result


def upstreams(cluster, path_prefix: str) -> List[str]:
    """The replica address nginx sent each logged request under path_prefix to, in order."""
    lines = cluster.nginx.access_log.read_text().splitlines()
    return [line.split()[4] for line in lines if line.split()[2].startswith(path_prefix)]


def test_a_conversation_alternating_between_replicas_keeps_its_step(cluster, database):
    patient = f"alternating-{uuid.uuid4()}"
    first, second = cluster.replica_urls
    assert first_text(say(first, patient, "what happens first?")).startswith("Step 1 of 6")
    assert first_text(say(second, patient, "next")).startswith("Step 2 of 6")
    assert first_text(say(first, patient, "next")).startswith("Step 3 of 6")
    assert first_text(say(second, patient, "go back")).startswith("Step 2 of 6")
    assert [text for text, _ in turns(database, patient)] == ["what happens first?", "next", "next", "go back"]


def test_rest_messages_spread_over_both_replicas(cluster):
    before = len(upstreams(cluster, REST))
    for _ in range(6):
        say(cluster.url, f"spread-{uuid.uuid4()}", "hello")
    used = upstreams(cluster, REST)[before:]
    assert len(used) == 6
    assert len(set(used)) == 2, used


async def _rest_burst(url: str, patient: str) -> List[List[dict]]:
    """Every question from one patient over REST at the same moment, through nginx (both replicas)."""
    async with aiohttp.ClientSession() as session:
        async def send(text: str) -> List[dict]:
            async with session.post(url + REST, json={"sender": patient, "message": text},
                                    timeout=aiohttp.ClientTimeout(total=120)) as reply:
                assert reply.status == 200
                return await reply.json()
        return await asyncio.gather(*(send(question) for question, _ in STEP_QUESTIONS))


def test_simultaneous_messages_from_one_patient_are_taken_one_at_a_time(cluster, database):
    patient = f"burst-{uuid.uuid4()}"
    replies = asyncio.run(_rest_burst(cluster.url, patient))
    # each request got the answer to its own question
    for (question, start), reply in zip(STEP_QUESTIONS, replies):
        assert first_text(reply).startswith(start), (question, reply)
    # two replicas, one conversation: the Redis lock lets one message in at a time, so every
    # message is stored once, with its own answers right after it (none lost, none interleaved)
    stored = turns(database, patient)
    assert sorted(text for text, _ in stored) == sorted(question for question, _ in STEP_QUESTIONS)
    answer_start = dict(STEP_QUESTIONS)
    for text, answers in stored:
        assert answers and answers[0].startswith(answer_start[text]), (text, answers)


async def _web_chat_burst(url: str) -> List[str]:
    """A web chat sends every question at once; the texts of the answers, in the order received."""
    starts = tuple(start for _, start in STEP_QUESTIONS)
    chat = await WebChat(url, CLINIC_PAGE).connect()
    try:
        await chat.request_session()
        for question, _ in STEP_QUESTIONS:
            await chat.send(question)
        for _ in range(600):
            answers = [m["text"] for m in chat.received if m.get("text", "").startswith(starts)]
            if len(answers) >= len(STEP_QUESTIONS):
                break
            await asyncio.sleep(0.2)
        return answers
    finally:
        await chat.close()


def test_a_burst_from_one_web_chat_is_answered_in_the_order_sent(cluster):
    answers = asyncio.run(_web_chat_burst(cluster.url))
    assert [next(s for _, s in STEP_QUESTIONS if a.startswith(s)) for a in answers] == \
        [start for _, start in STEP_QUESTIONS]


async def _patient(session: aiohttp.ClientSession, url: str, sender: str, messages: List[str]) -> List[str]:
    answers = []
    for text in messages:
        async with session.post(url + REST, json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=180)) as reply:
            assert reply.status == 200, await reply.text()
            body = await reply.json()
            answers.append(first_text(body))
    return answers


async def _patients(url: str, conversations: dict) -> dict:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:
        results = await asyncio.gather(*(_patient(session, url, sender, messages)
                                         for sender, messages in conversations.items()))
    return dict(zip(conversations, results))


CONVERSATION = ("hello", "what happens first?", "next", "next", "what is a guidewire?",
                "next", "go back", "why might i need a stent?", "thanks", "bye")


def test_fifty_patients_ten_messages_each_through_nginx_none_lost(cluster, database):
    run = uuid.uuid4().hex[:8]
    conversations = {f"load-{run}-{n}": [f"{text}" for text in CONVERSATION] for n in range(50)}
    answers = asyncio.run(_patients(cluster.url, conversations))
    assert all(len(a) == 10 and all(a) for a in answers.values())

    with database.connect() as connection:
        senders = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    assert {stored_id(sender) for sender in conversations} <= senders  # every replica keys them alike
    assert not any(run in sender for sender in senders)  # stored under pseudonyms only
    for sender, messages in conversations.items():
        stored = turns(database, sender)
        assert [text for text, _ in stored] == messages, sender
        # every message's answer is stored after it, and it is the answer the patient got
        assert [bots[0] if bots else None for _, bots in stored] == answers[sender], sender
    used = {address for address in upstreams(cluster, REST)}
    assert len(used) == 2


def test_a_replica_restarted_mid_conversation_loses_nothing(cluster, database):
    patient = f"restart-{uuid.uuid4()}"
    assert first_text(say(cluster.url, patient, "what happens first?")).startswith("Step 1 of 6")
    assert first_text(say(cluster.url, patient, "next")).startswith("Step 2 of 6")
    cluster.replicas[0].stop()
    # nginx sends everything to the other replica meanwhile
    assert first_text(say(cluster.url, patient, "next")).startswith("Step 3 of 6")
    cluster.replicas[0].start()
    cluster.replicas[0].wait_until_up(cluster.replica_urls[0] + "/")
    assert first_text(say(cluster.replica_urls[0], patient, "next")).startswith("Step 4 of 6")
    assert [text for text, _ in turns(database, patient)] == ["what happens first?", "next", "next", "next"]


def test_postgresql_restarting_the_replicas_recover_by_themselves(cluster, database):
    patient = f"pg-restart-{uuid.uuid4()}"
    assert first_text(say(cluster.url, patient, "what happens first?")).startswith("Step 1 of 6")
    cluster.postgres.restart()
    # the pooled connections died with the old server: the next messages still work, on both replicas
    assert first_text(say(cluster.replica_urls[0], patient, "next")).startswith("Step 2 of 6")
    assert first_text(say(cluster.replica_urls[1], patient, "next")).startswith("Step 3 of 6")


@pytest.mark.parametrize("store, logged", [("postgres", "The conversation store cannot be read"),
                                           ("redis", "The lock store cannot be used")])
def test_while_a_store_is_down_patients_are_told_to_try_again_and_nothing_is_lost(cluster, database, store, logged):
    patient = f"{store}-down-{uuid.uuid4()}"
    assert first_text(say(cluster.url, patient, "what happens first?")).startswith("Step 1 of 6")
    server = getattr(cluster, store)
    server.stop()
    try:
        for replica in cluster.replica_urls:
            assert first_text(say(replica, patient, "what comes next, zebedee?")).startswith(APOLOGY)
    finally:
        server.start()
    # the conversation carries on where it was, without restarting anything
    assert first_text(say(cluster.url, patient, "next")).startswith("Step 2 of 6")
    assert [text for text, _ in turns(database, patient)] == ["what happens first?", "next"]
    # the error is logged, the patient's words are not
    for replica in cluster.replicas:
        log = replica.output(limit=10**7)
        assert logged in log and "zebedee" not in log


def test_identifiers_never_reach_postgresql_and_forget_me_deletes_the_conversation(cluster, database):
    patient = f"private-{uuid.uuid4()}"
    assert first_text(say(cluster.url, patient, "my number is 07700 900123, what happens first?")).startswith(
        "Step 1 of 6")
    stored = json.dumps(stored_events(database, patient))
    assert "900123" not in stored and "[phone]" in stored
    say(cluster.url, patient, "forget me")
    say(cluster.url, patient, "/affirm")
    assert stored_events(database, patient) == []


def test_web_chats_stay_on_their_replica_while_sessions_spread_over_both(cluster):
    # Long-polling: every answer arrives over a new HTTP request, which nginx must send to the
    # replica holding the Socket.IO session (it names itself in the session id).
    chats = asyncio.run(walkthroughs(cluster.url, CLINIC_PAGE, 4))
    for answers, _ in chats:
        assert [a.split("\n")[0][:11] for a in answers] == ["Step 1 of 6", "Step 2 of 6", "Step 3 of 6"]
    holders = {sid.split("-")[0] for _, sid in chats}
    assert holders == {"r1", "r2"}


def test_a_socketio_session_is_unknown_to_the_other_replica(cluster):
    """Why the routing matters: a replica refuses another replica's Socket.IO session."""
    handshake = requests.get(cluster.replica_urls[0] + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                             headers={"Origin": CLINIC_PAGE}, timeout=30)
    assert handshake.status_code == 200
    sid = json.loads(handshake.text[handshake.text.index("{"):])["sid"]
    assert sid.startswith("r1-")
    elsewhere = requests.get(cluster.replica_urls[1] + "/socket.io/",
                             params={"EIO": "4", "transport": "polling", "sid": sid},
                             headers={"Origin": CLINIC_PAGE}, timeout=30)
    assert elsewhere.status_code == 400
    through_nginx = requests.get(cluster.url + "/socket.io/", params={"EIO": "4", "transport": "polling", "sid": sid},
                                 headers={"Origin": CLINIC_PAGE}, timeout=30)
    assert through_nginx.status_code == 200
