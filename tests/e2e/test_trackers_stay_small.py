"""Trackers stay small: after a quiet spell longer than the session expiry (domain.yml), a
returning patient starts a new session, and the action server is sent that session only,
not months of history."""
import asyncio
import sqlite3
import threading
import uuid
from typing import List

import pytest
import requests
import yaml
from aiohttp import ClientSession, web

from privacy.pseudonyms import stored_sender_id
from tests.conftest import ROOT
from tests.e2e.servers import SENDER_ID_KEY, free_port, running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

NINETY_DAYS = 90 * 24 * 3600


class RecordingRelay:
    """Passes the Rasa server's action calls on to the real action server and keeps each call's body."""

    def __init__(self, target: str):
        self.target, self.calls, self.port = target, [], free_port()
        self._ready = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()
        assert self._ready.wait(30)

    async def _relay(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(body)
        async with ClientSession() as session:
            async with session.post(self.target, json=body) as answer:
                return web.Response(body=await answer.read(), status=answer.status,
                                    content_type="application/json")

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_post("/webhook", self._relay)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._ready.set()
        loop.run_forever()


def say(url: str, sender: str, text: str) -> List[dict]:
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def test_a_session_expiry_is_configured():
    session = yaml.safe_load((ROOT / "domain.yml").read_text())["session_config"]
    assert 0 < session["session_expiration_time"] <= 24 * 60  # minutes


def test_after_a_long_gap_the_action_server_gets_only_the_new_session(tmp_path):
    action_port = free_port()
    relay = RecordingRelay(f"http://127.0.0.1:{action_port}/webhook")
    db = tmp_path / "conversations.db"
    patient = str(uuid.uuid4())
    env = {"ACTION_SERVER_URL": f"http://127.0.0.1:{relay.port}/webhook"}
    with running_assistant(trained_model(), env, tracker_db=db, action_port=action_port) as url:
        old_questions = ["what happens first?", "next", "next", "what is a guidewire?", "next"]
        for text in old_questions:
            say(url, patient, text)
        # three months pass
        with sqlite3.connect(db) as connection:
            connection.execute(
                "UPDATE events SET timestamp = timestamp - :gap, "
                "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - :gap) "
                "WHERE sender_id = :patient",
                {"gap": NINETY_DAYS, "patient": stored_sender_id(f"rest:{patient}", SENDER_ID_KEY)})
        relay.calls.clear()
        assert say(url, patient, "how do you take the clot out?")[0]["text"].startswith("Step 4 of 6")

    assert relay.calls, "the step answer comes from a custom action"
    for call in relay.calls:
        events = call["tracker"]["events"]
        texts = [e.get("text") for e in events if e["event"] == "user"]
        assert texts == ["how do you take the clot out?"]
        assert [e["event"] for e in events].count("session_started") == 1
