"""The staff console behind nginx and a sign-on check, with the nginx example of docs/console.md as written
(only its addresses, ports, secret and TLS changed for loopback): the user the SSO names reaches the console
and is named in its access log, a browser's own user header is replaced, nobody gets in without the SSO,
and the console refuses the header sent straight to it without the proxy's secret."""
import re
import secrets
import shutil
import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from cluster.console import running_console
from cluster.processes import Process, free_port, port_open
from console.proxy_users import SECRET_HEADER
from tests.conftest import ROOT
from tests.console.conversations import FALLBACK, Turn, save
from tests.console.test_app import NOW, TODAY

pytestmark = pytest.mark.model

SECRET = secrets.token_urlsafe(40)
TOKEN = secrets.token_urlsafe(16)  # the SSO's cookie for alice.b


class FakeSSO(BaseHTTPRequestHandler):
    """The clinic's SSO check as oauth2-proxy answers nginx's auth_request: 202 and the user, or 401."""

    def do_GET(self):  # noqa: N802 - http.server's name
        signed_in = f"sso={TOKEN}" in (self.headers.get("Cookie") or "")
        self.send_response(202 if signed_in and self.path == "/oauth2/auth" else 401)
        if signed_in:
            self.send_header("X-Auth-Request-User", "alice.b")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def documented_server_block() -> str:
    page = (ROOT / "docs" / "console.md").read_text()
    return re.search(r"With nginx and an SSO.*?```nginx\n(.*?)```", page, re.S).group(1)


def configuration(prefix: Path, port: int, sso_port: int, console_port: int) -> str:
    server = documented_server_block()
    for documented, here in (("listen 443 ssl;", f"listen 127.0.0.1:{port};"), ("127.0.0.1:4180", f"127.0.0.1:{sso_port}"),
                             ("127.0.0.1:8010", f"127.0.0.1:{console_port}"),
                             ('"the value of CONSOLE_TRUSTED_PROXY_SECRET"', f'"{SECRET}"')):
        assert documented in server, documented
        server = server.replace(documented, here)
    temp = "\n".join(f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"worker_processes 1;\nerror_log {prefix}/error.log warn;\npid {prefix}/nginx.pid;\n"
            f"events {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n{temp}\n{server}}}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("console-nginx")
    db = scratch / "conversations.db"
    save(db, "rest:a", [Turn("can I fly", "nlu_fallback", FALLBACK)], NOW - 60)
    sso = ThreadingHTTPServer(("127.0.0.1", 0), FakeSSO)
    threading.Thread(target=sso.serve_forever, daemon=True).start()
    console_port, port = free_port(), free_port()
    config = scratch / "nginx.conf"
    config.write_text(configuration(scratch, port, sso.server_address[1], console_port))
    program = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [program, "-p", str(scratch), "-c", str(config), "-e", str(scratch / "error.log")]
    subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
    nginx = Process("nginx", [*command, "-g", "daemon off;"], stop_signal=signal.SIGQUIT)
    try:
        nginx.wait_until(port_open(port), timeout=30)
        with running_console(db, scratch, {"CONSOLE_USERS": "", "CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User",
                                           "CONSOLE_TRUSTED_PROXY_SECRET": SECRET, "CONSOLE_PORT": str(console_port)},
                             ready_headers={"X-Remote-User": "ready", SECRET_HEADER: SECRET}, port=console_port) as base:
            yield {"nginx": f"http://127.0.0.1:{port}", "console": base, "log": scratch / "access.log"}
    finally:
        nginx.stop()
        sso.shutdown()


def test_the_user_the_sso_names_reaches_the_console(site):
    client = requests.Session()
    client.cookies.set("sso", TOKEN)
    page = client.get(f"{site['nginx']}/not-understood?from={TODAY}&to={TODAY}")
    assert page.status_code == 200 and "can I fly" in page.text and "alice.b" in page.text
    assert re.search(rf"user=alice\.b client=127\.0\.0\.1 action=view page=not-understood from={TODAY}",
                     site["log"].read_text())


def test_a_browsers_own_user_header_is_replaced(site):
    page = requests.get(f"{site['nginx']}/overview", cookies={"sso": TOKEN}, headers={"X-Remote-User": "mallory"})
    assert page.status_code == 200 and "alice.b" in page.text and "mallory" not in page.text


def test_nobody_gets_in_without_the_sso(site):
    for headers in ({}, {"X-Remote-User": "alice.b"}, {"X-Remote-User": "alice.b", SECRET_HEADER: "guess"}):
        reply = requests.get(f"{site['nginx']}/overview", headers=headers, allow_redirects=False)
        assert reply.status_code == 401 and "can I fly" not in reply.text


def test_the_header_sent_straight_to_the_console_without_the_secret_is_refused(site):
    reply = requests.get(f"{site['console']}/overview", headers={"X-Remote-User": "alice.b"}, allow_redirects=False)
    assert reply.status_code == 403 and "refused-wrong-proxy-secret" in site["log"].read_text()
