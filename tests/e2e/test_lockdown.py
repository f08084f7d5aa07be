"""The Rasa server with its HTTP API switched on: token required, no model changes, CORS only as configured."""
import uuid

import pytest
import requests

from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

TOKEN = "test-" + uuid.uuid4().hex
CLINIC_PAGE = "https://www.example-clinic.org"
FOREIGN_PAGE = "https://attacker.example.net"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    processes = {}
    env = {"ENABLE_API": "1", "RASA_API_TOKEN": TOKEN}
    with running_assistant(trained_model(), env, rasa_args=["--cors", CLINIC_PAGE], processes=processes) as url:
        yield url, processes


def test_the_api_needs_the_token(api):
    url, _ = api
    assert requests.get(f"{url}/status", timeout=30).status_code == 401
    assert requests.get(f"{url}/status", params={"token": "wrong"}, timeout=30).status_code == 401
    assert requests.get(f"{url}/status", params={"token": TOKEN}, timeout=30).status_code == 200


def test_the_token_never_shows_in_the_process_list(api):
    _, processes = api
    with open(f"/proc/{processes['rasa'].popen.pid}/cmdline", "rb") as cmdline:
        assert TOKEN.encode() not in cmdline.read()


def test_a_model_cannot_be_loaded_replaced_or_trained_over_http_even_with_the_token(api):
    url, _ = api
    params = {"token": TOKEN}
    loaded = requests.put(f"{url}/model", params=params, json={"model_file": "/tmp/evil.tar.gz"}, timeout=30)
    assert loaded.status_code == 403
    assert requests.delete(f"{url}/model", params=params, timeout=30).status_code == 403
    assert requests.post(f"{url}/model/train", params=params, data="{}", timeout=30).status_code == 403
    # the model is still there and answers
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "p", "message": "what happens first?"},
                          timeout=60).json()
    assert reply[0]["text"].startswith("Step 1 of 6:")


def test_cors_only_for_the_configured_origin(api):
    url, _ = api
    for method in ("OPTIONS", "POST"):
        kwargs = {"json": {"sender": "c", "message": "hello"}} if method == "POST" else {
            "headers": {"Access-Control-Request-Method": "POST"}}
        headers = {**kwargs.pop("headers", {}), "Origin": FOREIGN_PAGE}
        foreign = requests.request(method, f"{url}/webhooks/rest/webhook", headers=headers, timeout=60, **kwargs)
        assert "Access-Control-Allow-Origin" not in foreign.headers
    ours = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": "c", "message": "hello"},
                         headers={"Origin": CLINIC_PAGE}, timeout=60)
    assert ours.headers.get("Access-Control-Allow-Origin") == CLINIC_PAGE


def listening_addresses(port):
    """Local addresses (hex, as in /proc/net/tcp*) in LISTEN state on this port."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def test_the_action_server_listens_on_loopback_only(api):
    _, processes = api
    port = int(processes["actions"].args[processes["actions"].args.index("--port") + 1])
    addresses = listening_addresses(port)
    assert addresses, "the action server is not listening"
    assert set(addresses) == {"0100007F"}  # 127.0.0.1, not 0.0.0.0 or ::
