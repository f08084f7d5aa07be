"""python -m console behind the clinic's sign-on proxy (CONSOLE_TRUSTED_USER_HEADER), as a real process on
loopback: the user the proxy names gets in and is named in the access log; the same header from an address
that is not the proxy's, or without the proxy's secret, is refused; CSRF still applies; no password login."""
import http.client
import re
import secrets

import pytest
import requests

from cluster.console import csrf_of, running_console
from console.proxy_users import SECRET_HEADER
from tests.console.conversations import FALLBACK, GREET, Turn, save
from tests.console.test_app import NOW, TODAY

SECRET = secrets.token_urlsafe(40)
AS_ALICE = {"X-Remote-User": "alice.b", SECRET_HEADER: SECRET}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("console-sso")
    db = scratch / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET), Turn("can I fly", "nlu_fallback", FALLBACK)], NOW - 60)
    with running_console(db, scratch, {"CONSOLE_USERS": "", "CONSOLE_TRUSTED_USER_HEADER": "X-Remote-User",
                                       "CONSOLE_TRUSTED_PROXIES": "127.0.0.1", "CONSOLE_TRUSTED_PROXY_SECRET": SECRET},
                         ready_headers=AS_ALICE) as base:
        yield {"url": base, "log": scratch / "access.log"}


def from_address(base, source, path, headers):
    """GET path with the connection made from another loopback address (source), as another machine would."""
    host, port = base.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.read().decode("utf-8")
    finally:
        connection.close()


def test_the_user_the_proxy_names_gets_in_and_the_log_names_them(site):
    client = requests.Session()
    page = client.get(f"{site['url']}/safety?from={TODAY}&to={TODAY}", headers=AS_ALICE, allow_redirects=False)
    assert page.status_code == 200 and "alice.b" in page.text and "clinic's sign-on" in page.text
    assert "console_session=" in page.headers["Set-Cookie"]
    assert client.get(f"{site['url']}/login", headers=AS_ALICE, allow_redirects=False).headers["Location"] == "/overview"
    log = site["log"].read_text()
    assert "user=alice.b client=127.0.0.1 action=login-sso" in log
    assert re.search(rf"user=alice\.b client=127\.0\.0\.1 action=view page=safety from={TODAY}", log)


def test_a_forged_header_from_another_address_is_refused(site):
    status, text = from_address(site["url"], "127.0.0.2", "/overview", AS_ALICE)
    assert status == 403 and "reached only through the clinic" in text and "can I fly" not in text
    assert "user=- client=127.0.0.2 action=refused-not-from-trusted-proxy /overview" in site["log"].read_text()


@pytest.mark.parametrize("headers", [{"X-Remote-User": "alice.b"}, {**AS_ALICE, SECRET_HEADER: "guess"},
                                     {SECRET_HEADER: SECRET}, {}])
def test_without_the_proxys_secret_or_a_user_nothing_is_served(site, headers):
    for path in ("/overview", "/not-understood", "/export.yml", "/login"):
        reply = requests.get(site["url"] + path, headers=headers, allow_redirects=False)
        assert reply.status_code == 403, path
    assert requests.post(site["url"] + "/login", data={"user": "alice.b", "password": "x"}, headers=headers,
                         allow_redirects=False).status_code == 403


def test_csrf_still_applies_and_a_session_is_the_named_users_only(site):
    client = requests.Session()
    page = client.get(f"{site['url']}/not-understood?from={TODAY}&to={TODAY}", headers=AS_ALICE).text
    sender, timestamp = re.search(r'name="sender" value="([^"]+)">\s*<input type="hidden" name="timestamp" '
                                  r'value="([^"]+)"', page).groups()
    form = {"sender": sender, "timestamp": timestamp, "kind": "fine"}
    assert client.post(site["url"] + "/marks", data=form, headers=AS_ALICE, allow_redirects=False).status_code == 403
    as_bob = {**AS_ALICE, "X-Remote-User": "bob"}  # alice's cookie, but the proxy now names bob: a new session
    assert client.post(site["url"] + "/marks", data={**form, "csrf": csrf_of(page)}, headers=as_bob,
                       allow_redirects=False).status_code == 403
    page = client.get(f"{site['url']}/not-understood?from={TODAY}&to={TODAY}", headers=AS_ALICE).text
    reply = client.post(site["url"] + "/marks", data={**form, "csrf": csrf_of(page)}, headers=AS_ALICE,
                        allow_redirects=False)
    assert reply.status_code == 303
    assert "user=alice.b client=127.0.0.1 action=mark kind=fine" in site["log"].read_text()
