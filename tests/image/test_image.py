"""The image, built and run with podman: the action server, the Rasa server and the staff console from it,
a REST conversation through the published port, a staff login, non-root processes, the health checks,
bad settings, and nothing secret in the image."""
import re
import time
import uuid

import pytest
import requests
import yaml

from cluster.processes import free_port
from tests.conftest import ROOT
from tests.image.podman import image_under_test, podman, removed_afterwards, unique_name

pytestmark = pytest.mark.image

TEXTS = {name: variations[0]["text"] for name, variations in
         yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].items()}
FULL, SHORT = TEXTS["utter_disclaimer"], TEXTS["utter_disclaimer_short"]
IMAGE_USER = "10001"
SETTINGS = {"SESSION_SECRET": "session-secret-for-the-image-test-0123456789",
            "SENDER_ID_KEY": "sender-id-key-for-the-image-test-0123456789",
            "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
            "CORS_ORIGINS": "https://clinic.example", "EMERGENCY_NUMBER": "112"}


def env_args(settings):
    return [arg for name, value in settings.items() for arg in ("--env", f"{name}={value}")]


def wait_until_up(url, containers, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in containers:
            state = podman("inspect", "--format", "{{.State.Status}}", name).stdout.strip()
            assert state == "running", f"{name} is {state}"
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


STAFF_PASSWORD = "a long staff password for the image test"


def password_hash(image):
    return podman("run", "--rm", "--interactive", image, "console", "hash-password", stdin=STAFF_PASSWORD + "\n").stdout.strip()


@pytest.fixture(scope="module")
def assistant():
    """The action server's container publishing the three ports on loopback; the Rasa server and the staff
    console in its network, the console reading the Rasa server's conversations (its /app/var)."""
    image = image_under_test()
    actions, rasa, console = unique_name("test-actions"), unique_name("test-rasa"), unique_name("test-console")
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    with removed_afterwards([actions, rasa, console]) as containers:
        podman("run", "--detach", "--name", actions, "--publish", f"127.0.0.1:{rasa_port}:5005",
               "--publish", f"127.0.0.1:{action_port}:5055", "--publish", f"127.0.0.1:{console_port}:8010",
               image, "actions")
        podman("run", "--detach", "--name", rasa, "--network", f"container:{actions}", *env_args(SETTINGS), image, "rasa")
        url = f"http://127.0.0.1:{rasa_port}"
        wait_until_up(f"{url}/", containers[:2])
        wait_until_up(f"http://127.0.0.1:{action_port}/health", containers[:2])
        staff = {"CONSOLE_USERS": f"nurse:{password_hash(image)}", "CONSOLE_SECRET": "console-secret-for-the-image-test-0123",
                 "SENDER_ID_KEY": SETTINGS["SENDER_ID_KEY"]}
        podman("run", "--detach", "--name", console, "--network", f"container:{actions}", "--volumes-from", rasa,
               *env_args(staff), image, "console")
        console_url = f"http://127.0.0.1:{console_port}"
        wait_until_up(f"{console_url}/login", containers)
        yield {"url": url, "console_url": console_url, "actions": actions, "rasa": rasa, "console": console}


def say(url, sender, text):
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def test_a_patient_gets_step_one_then_the_next_step_each_with_the_disclaimer(assistant):
    patient = str(uuid.uuid4())
    [first] = say(assistant["url"], patient, "what happens first?")
    assert first["text"].startswith("Step 1 of 6:") and first["text"].endswith(f"\n{FULL}")
    [second] = say(assistant["url"], patient, "/next_step")
    assert second["text"].startswith("Step 2 of 6:") and second["text"].endswith(f"\n{SHORT}")


def test_a_red_flag_gets_the_emergency_instruction(assistant):
    [reply] = say(assistant["url"], str(uuid.uuid4()), "what is a stent? also my chest feels really tight")
    assert reply["text"] == TEXTS["utter_emergency"].replace("your local emergency number", "112")


def test_the_http_api_is_off(assistant):
    assert requests.get(f"{assistant['url']}/status", timeout=10).status_code in (401, 403, 404)


@pytest.mark.parametrize("role", ["actions", "rasa", "console"])
def test_every_process_runs_as_the_non_root_user(assistant, role):
    users = podman("top", assistant[role], "huser", "user", "args").stdout.splitlines()[1:]
    assert users, "no processes"
    for line in users:
        host_user, user, _ = line.split(maxsplit=2)
        assert user == "assistant" and host_user == IMAGE_USER, line


@pytest.mark.parametrize("role", ["actions", "rasa", "console"])
def test_the_images_health_check_passes_on_both_servers(assistant, role):
    assert podman("healthcheck", "run", assistant[role], check=False).returncode == 0


def test_staff_log_in_to_the_console_from_the_same_image_and_see_the_overview(assistant):
    say(assistant["url"], str(uuid.uuid4()), "what happens first?")
    staff = requests.Session()
    form = staff.get(f"{assistant['console_url']}/login", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    wrong = staff.post(f"{assistant['console_url']}/login", timeout=10,
                       data={"csrf": csrf, "user": "nurse", "password": "not the password at all"})
    assert wrong.status_code == 401
    csrf = re.search(r'name="csrf" value="([^"]+)"', wrong.text).group(1)
    overview = staff.post(f"{assistant['console_url']}/login", timeout=30,
                          data={"csrf": csrf, "user": "nurse", "password": STAFF_PASSWORD})
    assert overview.status_code == 200 and overview.url.endswith("/overview")


def test_the_health_check_fails_when_the_server_is_stopped(assistant):
    probe = unique_name("test-probe")
    with removed_afterwards([probe]):
        podman("run", "--detach", "--name", probe, "--entrypoint", "sleep", image_under_test(), "600")
        assert podman("healthcheck", "run", probe, check=False).returncode != 0


def test_without_its_secrets_the_rasa_server_says_which_and_stops():
    result = podman("run", "--rm", "--env", "ACTION_SERVER_URL=http://actions:5055/webhook",
                    "--env", "CORS_ORIGINS=https://clinic.example", image_under_test(), "rasa", check=False)
    assert result.returncode == 2
    assert "set SESSION_SECRET, SENDER_ID_KEY in the environment" in result.stderr


def test_no_secret_or_local_state_is_baked_into_the_image():
    image = image_under_test()
    config = podman("image", "inspect", "--format", "{{json .Config.Env}} {{.Config.User}}", image).stdout
    for secret in ("SECRET", "SENDER_ID_KEY", "PASSWORD", "TOKEN"):
        assert secret not in config
    assert config.split()[-1] == "assistant"
    found = podman("run", "--rm", "--entrypoint", "find", image, "/app", "(", "-path", "/app/var/*", "-o", "-name", "*.db",
                   "-o", "-name", ".git", "-o", "-name", ".venv", "-o", "-name", "*secret*", ")", "-print").stdout
    assert found == ""
