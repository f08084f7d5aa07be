"""The image's entry point (python -m container): each role's command, its settings, and the health check."""
import http.server
import threading

import pytest

from container import __main__ as entry
from container import roles

SECRETS = {"SESSION_SECRET": "s" * 40, "SENDER_ID_KEY": "k" * 40}
SERVER = {**SECRETS, "ACTION_SERVER_URL": "http://actions:5055/webhook", "CORS_ORIGINS": "https://clinic.example"}


def test_an_unset_setting_gets_the_makefile_default_and_a_set_one_wins():
    env = roles.environment({"CORS_ORIGINS": "https://clinic.example"})
    assert env["CORS_ORIGINS"] == "https://clinic.example"
    assert env["TRACKER_DB_DIALECT"] == "sqlite" and env["LOCK_STORE_TYPE"] == "in_memory"


def test_the_console_listens_on_the_containers_addresses_whatever_the_environment_says():
    assert roles.environment({"CONSOLE_HOST": "127.0.0.1"})["CONSOLE_HOST"] == "0.0.0.0"


def test_the_action_server_listens_on_all_addresses_on_its_port():
    env = roles.environment({})
    command = roles.command("actions", env)
    assert command[1:] == ["-m", "rasa", "run", "actions", "--port", "5055", "--actions", "actions"]
    assert env["SANIC_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("missing", sorted(SERVER))
def test_the_rasa_server_does_not_start_without_its_secrets_and_addresses(missing):
    env = roles.environment({name: value for name, value in SERVER.items() if name != missing})
    with pytest.raises(roles.MissingSetting, match=missing):
        roles.command("rasa", env)


def test_the_rasa_server_is_the_hardened_one_with_credentials_written_from_the_environment(tmp_path, monkeypatch):
    credentials = tmp_path / "credentials.yml"
    monkeypatch.setattr(roles, "CREDENTIALS", str(credentials))
    env = roles.environment({**SERVER, "CORS_ORIGINS": "https://a.example https://b.example"})
    command = roles.command("rasa", env, ["--response-timeout", "30"])
    assert command[1:3] == ["-m", "server"]
    assert command[command.index("--credentials") + 1] == str(credentials) and credentials.exists()
    assert command[command.index("--interface") + 1] == "0.0.0.0"
    assert command[command.index("--cors") + 1:] == ["https://a.example", "https://b.example", "--response-timeout", "30"]


def test_a_half_configured_messaging_app_stops_the_rasa_server(tmp_path, monkeypatch):
    monkeypatch.setattr(roles, "CREDENTIALS", str(tmp_path / "credentials.yml"))
    env = roles.environment({**SERVER, "TELEGRAM_ACCESS_TOKEN": "123:abc"})
    with pytest.raises(roles.MissingSetting, match="messaging apps"):
        roles.command("rasa", env)


def fake_proc(tmp_path, *command_lines):
    for pid, args in enumerate(command_lines, start=1):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cmdline").write_bytes(b"\0".join(arg.encode() for arg in args) + b"\0")
    return tmp_path


@pytest.mark.parametrize("args, role", [
    (["/opt/venv/bin/python", "-m", "server", "--model", "m"], "rasa"),
    (["/opt/venv/bin/python", "-m", "rasa", "run", "actions", "--port", "5055"], "actions"),
    (["/opt/venv/bin/python", "-m", "console"], "console"),
    (["/bin/sh", "-c", "sleep 1"], None),
])
def test_the_health_check_finds_which_server_runs_from_the_process_table(tmp_path, args, role):
    assert roles.running_role(fake_proc(tmp_path, ["python", "-m", "container", "health"], args)) == role


class Answer(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def action_server_on(monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(roles, "ACTION_PORT", server.server_address[1])
    yield Answer
    server.shutdown()


def test_healthy_only_when_the_running_server_answers_200(action_server_on, monkeypatch):
    assert roles.healthy("actions", {})
    monkeypatch.setattr(action_server_on, "status", 503)
    assert not roles.healthy("actions", {})
    assert not roles.healthy(None, {})


def test_health_urls_are_each_servers_own_page():
    assert roles.health_url("rasa", {}) == "http://127.0.0.1:5005/"
    assert roles.health_url("actions", {}) == "http://127.0.0.1:5055/health"
    assert roles.health_url("console", {"CONSOLE_PORT": "9000"}) == "http://127.0.0.1:9000/login"


@pytest.mark.parametrize("argv", [[], ["train"]])
def test_no_role_or_an_unknown_one_prints_the_roles_and_exits_2(argv, capsys):
    assert entry.main(argv, environ={}) == 2
    assert "rasa" in capsys.readouterr().err


def test_a_missing_secret_is_named_and_nothing_starts(capsys):
    assert entry.main(["rasa"], environ={"SENDER_ID_KEY": "k" * 40}) == 2
    assert "SESSION_SECRET" in capsys.readouterr().err
