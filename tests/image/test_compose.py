"""deploy/compose.yaml as a clinic starts it (podman-compose, one command): PostgreSQL, Redis, the action
server, two Rasa replicas and nginx, from the image and the stand-ins for the official images
(deploy/standins/). Through nginx: a REST conversation, a red flag, the conversation in PostgreSQL, and
web chats pinned to the replica named in their session id. Everything is removed afterwards."""
import asyncio
import os
import secrets
import shutil
import subprocess
import time
import uuid

import pytest
import requests

from cluster.processes import free_port
from tests.conftest import ROOT
from tests.e2e.webchat_client import walkthroughs
from tests.image.podman import container_log, image_under_test, podman
from tests.image.test_image import FULL, SHORT, TEXTS, say, wait_until_up

pytestmark = pytest.mark.image

COMPOSE_SH = ROOT / "deploy" / "compose.sh"
STANDINS = ("docker.io/library/postgres:15-bookworm", "docker.io/library/redis:7-bookworm",
            "docker.io/library/nginx:stable-bookworm")
CLINIC_PAGE = "https://clinic.example"
SERVICES = ("postgres", "redis", "actions", "rasa-r1", "rasa-r2", "nginx")


def run_compose_sh(env_file, *args, environ=None, timeout=600):
    """deploy/compose.sh as `make compose` runs it: from this process's environment (under make: every
    setting's local default exported), with the podman-compose of this venv."""
    environ = {**os.environ, **(environ or {}),
               "PODMAN_COMPOSE": shutil.which("podman-compose") or str(ROOT / ".venv/bin/podman-compose")}
    return subprocess.run([str(COMPOSE_SH), str(env_file), *args], capture_output=True, text=True,
                          timeout=timeout, env=environ)


def compose(project, env_file, *args, timeout=600):
    result = run_compose_sh(env_file, "-p", project, *args, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr[-4000:]}"
    return result


def secret_settings():
    return {name: secrets.token_urlsafe(36)
            for name in ("SESSION_SECRET", "SENDER_ID_KEY", "TRACKER_DB_PASSWORD", "LOCK_STORE_PASSWORD")}


def write_env_file(path, settings):
    path.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    return path


def containers_of(project):
    listed = podman("ps", "--all", "--filter", f"label=io.podman.compose.project={project}", "--format", "{{.Names}}")
    return listed.stdout.split()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    for image in (image_under_test(), *STANDINS):
        if podman("image", "exists", image, check=False).returncode != 0:
            pytest.fail(f"{image} is missing: run `make standins` (make test-image does it for you)")
    project = f"assistant-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env_file = write_env_file(tmp_path_factory.mktemp("compose") / "assistant.env",
                              {**secret_settings(), "CORS_ORIGINS": CLINIC_PAGE, "EMERGENCY_NUMBER": "112",
                               "ASSISTANT_PORT": str(port), "ASSISTANT_IMAGE": image_under_test()})
    volumes_before = set(podman("volume", "ls", "--format", "{{.Name}}").stdout.split())
    try:
        compose(project, env_file, "up", "-d")
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/", [f"{project}_{service}_1" for service in SERVICES])
        # nginx answers once one replica does: wait until the image's health check passes on every server
        for service in ("actions", "rasa-r1", "rasa-r2"):
            wait_until_healthy(f"{project}_{service}_1")
        yield {"url": url, "project": project}
    finally:
        for service in SERVICES:
            print(f"--- {service}\n{container_log(f'{project}_{service}_1', 40, 4000)}")
        compose(project, env_file, "down", "-v", "-t", "5")
        assert containers_of(project) == []
        assert set(podman("volume", "ls", "--format", "{{.Name}}").stdout.split()) == volumes_before


def wait_until_healthy(container, timeout=300):
    deadline = time.monotonic() + timeout
    while podman("healthcheck", "run", container, check=False).returncode != 0:
        assert time.monotonic() < deadline, f"{container} not healthy within {timeout} s"
        time.sleep(2)


def stored_user_messages(project):
    counted = podman("exec", f"{project}_postgres_1", "psql", "-U", "rasa", "-d", "rasa", "-tAc",
                     "SELECT count(*) FROM events WHERE type_name = 'user'")
    return int(counted.stdout.strip())


def test_a_patient_walks_through_the_steps_through_nginx_and_both_replicas(stack):
    patient = str(uuid.uuid4())
    [first] = say(stack["url"], patient, "what happens first?")
    assert first["text"].startswith("Step 1 of 6:") and first["text"].endswith(f"\n{FULL}")
    for _ in range(2):  # round robin: the next two messages reach both replicas
        [step] = say(stack["url"], patient, "/next_step")
        assert step["text"].endswith(f"\n{SHORT}")
    assert step["text"].startswith("Step 3 of 6:")


def test_a_red_flag_gets_the_emergency_instruction(stack):
    [reply] = say(stack["url"], str(uuid.uuid4()), "my leg is swollen and I suddenly can't breathe")
    assert reply["text"] == TEXTS["utter_emergency"].replace("your local emergency number", "112")


def test_conversations_are_stored_in_postgresql(stack):
    before = stored_user_messages(stack["project"])
    say(stack["url"], str(uuid.uuid4()), "what is a stent?")
    assert stored_user_messages(stack["project"]) == before + 1


def test_web_chats_stay_on_their_replica_while_sessions_spread_over_both(stack):
    holders = set()
    for _ in range(3):
        chats = asyncio.run(walkthroughs(stack["url"], CLINIC_PAGE, 4))
        for answers, _ in chats:
            assert [answer.split("\n")[0][:11] for answer in answers] == ["Step 1 of 6", "Step 2 of 6", "Step 3 of 6"]
        holders |= {sid.split("-")[0] for _, sid in chats}
        if holders == {"r1", "r2"}:
            break
        # one failed request takes a replica out of nginx's round robin for 5 s (max_fails=1, fail_timeout=5s)
        time.sleep(6)
    nginx = f"{stack['project']}_nginx_1"
    assert holders == {"r1", "r2"}, f"every session on {holders}; nginx:\n{container_log(nginx, 80, 3000)}"


def test_a_session_is_refused_by_the_replica_that_did_not_make_it(stack):
    """Why nginx's routing matters: asked directly inside the stack, the other replica refuses the session."""
    handshake = requests.get(f"{stack['url']}/socket.io/", params={"EIO": "4", "transport": "polling"},
                             headers={"Origin": CLINIC_PAGE}, timeout=30)
    sid = handshake.text[handshake.text.index('"sid":"') + 7:].split('"')[0]
    other = "rasa-r2" if sid.startswith("r1-") else "rasa-r1"
    asked = podman("exec", f"{stack['project']}_{other}_1", "python", "-c",
                   "import sys, urllib.request, urllib.error\n"
                   "try: urllib.request.urlopen(sys.argv[1], timeout=10)\n"
                   "except urllib.error.HTTPError as e: print(e.code)\n"
                   "else: print(200)",
                   f"http://127.0.0.1:5005/socket.io/?EIO=4&transport=polling&sid={sid}")
    assert asked.stdout.strip() == "400"


def test_the_env_file_wins_over_the_defaults_make_exports(tmp_path):
    """`make compose` runs with settings.mk's local defaults exported (TRACKER_DB_PASSWORD empty, CORS for
    localhost); compose would let them replace the env file's values. deploy/compose.sh keeps them out."""
    settings = {**secret_settings(), "CORS_ORIGINS": CLINIC_PAGE}
    env_file = write_env_file(tmp_path / "assistant.env", settings)
    result = run_compose_sh(env_file, "config", environ={"TRACKER_DB_PASSWORD": "", "LOCK_STORE_PASSWORD": "",
                                                         "CORS_ORIGINS": "http://localhost:8000"})
    assert result.returncode == 0, result.stderr[-4000:]
    for value in settings.values():
        assert value in result.stdout
    assert "http://localhost:8000" not in result.stdout


def test_a_missing_env_file_or_secret_stops_compose_before_anything_starts(tmp_path):
    missing = run_compose_sh(tmp_path / "assistant.env", "up", "-d")
    assert missing.returncode == 1 and "copy deploy/assistant.env.example" in missing.stderr
    settings = {**secret_settings(), "CORS_ORIGINS": CLINIC_PAGE}
    del settings["TRACKER_DB_PASSWORD"]
    without_password = run_compose_sh(write_env_file(tmp_path / "assistant.env", settings), "config",
                                      environ={"TRACKER_DB_PASSWORD": "from-the-shell"})
    assert without_password.returncode != 0
    assert "set TRACKER_DB_PASSWORD in the env file" in without_password.stderr
