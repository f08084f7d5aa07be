"""server/start.py (`python -m server`): the HTTP API is off unless switched on with a token."""
import subprocess
import sys

import pytest

from server import patches, start
from tests.conftest import ROOT


def test_the_api_is_off_by_default():
    assert start.rasa_arguments(["--port", "5005"], {}) == ["run", "--port", "5005"]
    assert "--enable-api" not in start.rasa_arguments([], {"ENABLE_API": "0", "RASA_API_TOKEN": "x"})


def test_enable_api_adds_the_token():
    command = start.rasa_arguments([], {"ENABLE_API": "1", "RASA_API_TOKEN": "s3cret"})
    assert command == ["run", "--enable-api", "--auth-token", "s3cret"]


@pytest.mark.parametrize("environ", [{"ENABLE_API": "1"}, {"ENABLE_API": "true", "RASA_API_TOKEN": "  "}])
def test_enable_api_without_a_token_is_refused(environ):
    with pytest.raises(start.StartRefused):
        start.rasa_arguments([], environ)


@pytest.mark.parametrize("args", [["--enable-api"], ["--auth-token", "x"], ["--auth-token=x"]])
def test_the_api_cannot_be_switched_on_from_the_command_line(args):
    with pytest.raises(start.StartRefused):
        start.rasa_arguments(args, {})


def test_the_server_does_not_start_without_a_token():
    result = subprocess.run([sys.executable, "-m", "server", "--port", "1"], cwd=ROOT,
                            env={"ENABLE_API": "1", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "RASA_API_TOKEN" in result.stderr


def test_make_run_starts_the_action_server_on_loopback_and_the_locked_server():
    dry_run = subprocess.run(["make", "-n", "-o", "credentials", "-o", "models/thrombectomy-assistant.tar.gz",
                              "-o", "web", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions" in dry_run
    assert ".venv/bin/python -m server --model models/thrombectomy-assistant.tar.gz --interface 127.0.0.1 " in dry_run
    assert "--enable-api" not in dry_run
    assert ".venv/bin/python -m webpage --port 8000 --dir web" in dry_run  # the demo page, on loopback


def test_make_run_listens_where_rasa_interface_says():
    dry_run = subprocess.run(["make", "-n", "-o", "credentials", "-o", "models/thrombectomy-assistant.tar.gz",
                              "-o", "web", "run", "RASA_INTERFACE=0.0.0.0"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60).stdout
    assert "-m server --model models/thrombectomy-assistant.tar.gz --interface 0.0.0.0 " in dry_run


def test_the_interface_reaches_rasa_run_as_given():
    assert start.rasa_arguments(["--interface", "127.0.0.1", "--port", "5005"], {}) == [
        "run", "--interface", "127.0.0.1", "--port", "5005"]


async def test_an_unreachable_action_server_gets_the_service_unavailable_answer(monkeypatch):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from tests.e2e.servers import free_port

    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)  # undone after the test
    patches.install(patches.named("say_when_actions_fail"))
    patches.install(patches.named("say_when_actions_fail"))  # twice is harmless
    domain = Domain.load(str(ROOT / "domain.yml"))
    action = RemoteAction("action_explain_step", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))
    tracker = DialogueStateTracker.from_events("p", [], slots=domain.slots)
    events = await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses),
                              tracker, domain)
    assert [event.text for event in events] == [domain.responses["utter_service_unavailable"][0]["text"]]


@pytest.mark.parametrize("environ, expected", [
    ({"LOCK_STORE_TYPE": "redis"}, {"LOCK_STORE_TYPE": "server.atomic_locks.AtomicRedisLockStore"}),
    ({"LOCK_STORE_TYPE": " redis "}, {"LOCK_STORE_TYPE": "server.atomic_locks.AtomicRedisLockStore"}),
    ({"LOCK_STORE_TYPE": "in_memory"}, {}), ({}, {}),
    ({"LOCK_STORE_TYPE": "clinic.locks.TheirLockStore"}, {}),
])
def test_the_redis_lock_store_is_the_atomic_one(environ, expected):
    assert start.lock_store_environment(environ) == expected
