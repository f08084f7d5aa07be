"""console/app.py and python -m console, as a real process on loopback against a real SQLite store:
nothing without login, CSRF on every POST, rate-limited logins, expiring sessions, logout, the
access log, the pages, marks and exports."""
import re
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
import requests
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from cluster.console import PASSWORD, csrf_of, environment, logged_in, refused_start, running_console
from console.passwords import parse, verify
from console.period import Period
from tests.conftest import ROOT
from tests.console.conversations import EMERGENCY, FALLBACK, GREET, STEP, Turn, eventually, forget, save

NOW = time.time()
TODAY = datetime.now(timezone.utc).date().isoformat()
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("console")
    db = scratch / "conversations.db"
    today = datetime.now(timezone.utc).date()
    start = max(Period(today, today).start, NOW - 3600)  # today, in UTC
    save(db, "rest:jane.doe@example.org", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP),
                                           Turn("my name is [name], can I fly?", "nlu_fallback", FALLBACK,
                                                [("nlu_fallback", 1.0), ("ask_recovery", 0.41)])], start)
    save(db, "rest:bob", [Turn(f"I have chest pain {XSS}", "emergency", EMERGENCY)], start + 60)
    save(db, "rest:carol", [Turn("what colour is the sky", "nlu_fallback", FALLBACK)], start + 120)
    with running_console(db, scratch) as base:
        yield {"url": base, "db": db, "log": scratch / "access.log"}


def test_nothing_but_the_login_page_without_login(site):
    for path in ("/", "/overview", "/overview.csv", "/not-understood", "/safety", "/export.yml", "/static/chart.umd.js"):
        reply = requests.get(site["url"] + path, allow_redirects=False)
        assert reply.status_code == 303 and reply.headers["Location"] == "/login", path
    assert requests.post(site["url"] + "/marks", data={}, allow_redirects=False).status_code == 401
    assert requests.get(site["url"] + "/login").status_code == 200
    assert requests.get(site["url"] + "/static/console.css").status_code == 200


def test_the_session_cookie_is_signed_httponly_strict_and_expires(site):
    client = requests.Session()
    page = client.get(site["url"] + "/login")
    reply = client.post(site["url"] + "/login", data={"csrf": csrf_of(page.text), "user": "alice", "password": PASSWORD},
                        allow_redirects=False)
    cookie = reply.headers["Set-Cookie"]
    session_part = next(part for part in cookie.split(", console_") if "console_session=" in part or part.startswith("session="))
    assert "HttpOnly" in session_part and "SameSite=Strict" in session_part and "Max-Age=1801" in session_part
    assert "Secure" not in session_part
    assert client.get(site["url"] + "/overview").status_code == 200
    forged = requests.get(site["url"] + "/overview", cookies={"console_session": "abc.def"}, allow_redirects=False)
    assert forged.status_code == 303


def test_a_wrong_password_or_name_is_refused(site):
    client = requests.Session()
    for user, password in (("alice", "wrong password!"), ("mallory", PASSWORD)):
        reply = client.post(site["url"] + "/login", data={"csrf": csrf_of(client.get(site["url"] + "/login").text),
                                                          "user": user, "password": password}, allow_redirects=False)
        assert reply.status_code == 401 and "Wrong name or password" in reply.text
        assert "console_session=" not in reply.headers.get("Set-Cookie", "")


def test_a_login_without_its_csrf_token_is_refused(site):
    client = requests.Session()
    client.get(site["url"] + "/login")
    reply = client.post(site["url"] + "/login", data={"user": "alice", "password": PASSWORD}, allow_redirects=False)
    assert reply.status_code == 403
    other = requests.Session()  # a token from another browser's login page, without its cookie
    reply = other.post(site["url"] + "/login", data={"csrf": csrf_of(client.get(site["url"] + "/login").text),
                                                     "user": "alice", "password": PASSWORD}, allow_redirects=False)
    assert reply.status_code == 403


def test_every_post_needs_the_sessions_csrf_token(site):
    client = logged_in(site["url"])
    for data in ({}, {"csrf": "forged"}):
        assert client.post(site["url"] + "/logout", data=data, allow_redirects=False).status_code == 403
        assert client.post(site["url"] + "/marks", data={**data, "kind": "fine"}, allow_redirects=False).status_code == 403
    assert client.get(site["url"] + "/overview").status_code == 200


def test_logout_ends_the_session(site):
    client = logged_in(site["url"])
    token = csrf_of(client.get(site["url"] + "/overview").text)
    cookie = client.cookies["console_session"]
    assert client.post(site["url"] + "/logout", data={"csrf": token}, allow_redirects=False).status_code == 303
    again = requests.get(site["url"] + "/overview", cookies={"console_session": cookie}, allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"] == "/login"


def test_the_overview_csv_and_safety_pages(site):
    client = logged_in(site["url"])
    page = client.get(site["url"] + f"/overview?from={TODAY}&to={TODAY}").text
    assert re.search(r'id="total-conversations">3<', page) and re.search(r'id="total-messages">5<', page)
    assert "https://" not in page and '<script src="/static/chart.umd.js">' in page
    csv_lines = client.get(site["url"] + f"/overview.csv?from={TODAY}&to={TODAY}").text.splitlines()
    assert csv_lines[1] == f"{TODAY},3,5,1,0,2,0,1,1"
    safety = client.get(site["url"] + f"/safety?from={TODAY}&to={TODAY}").text
    assert "I have chest pain &lt;img src=x onerror=alert(1)&gt;" in safety and XSS not in safety
    assert "jane" not in safety
    bad = client.get(site["url"] + "/overview?from=last+week")
    assert bad.status_code == 400 and "must be a date as YYYY-MM-DD" in bad.text


def test_mark_export_and_retention(site):
    client = logged_in(site["url"])
    page = client.get(site["url"] + f"/not-understood?from={TODAY}&to={TODAY}").text
    assert "my name is [name], can I fly?" in page and "ask_recovery (0.41)" in page and "what happens first" in page
    forms = re.findall(r'name="sender" value="([^"]+)">\s*<input type="hidden" name="timestamp" value="([^"]+)"', page)
    assert len(forms) == 2
    token = csrf_of(page)
    for sender, timestamp in forms:
        reply = client.post(site["url"] + "/marks", data={"csrf": token, "sender": sender, "timestamp": timestamp,
                                                          "kind": "intent", "intent": "ask_recovery"},
                            allow_redirects=False)
        assert reply.status_code == 303
    wrong = client.post(site["url"] + "/marks", data={"csrf": token, "sender": forms[0][0], "timestamp": forms[0][1],
                                                      "kind": "intent", "intent": "ask_weather"})
    assert wrong.status_code == 400 and "not an intent of the assistant" in wrong.text
    missing = client.post(site["url"] + "/marks", data={"csrf": token, "sender": "rest:nobody", "timestamp": "1.5",
                                                        "kind": "fine"})
    assert missing.status_code == 404

    exported = RasaYAMLReader().reads(client.get(site["url"] + "/export.yml").text)
    assert sorted(m.get("text") for m in exported.intent_examples) == ["my name is [name], can I fly?",
                                                                       "what colour is the sky"]
    forget(site["db"], "rest:carol")  # "forget me": the mark goes with the message
    exported = RasaYAMLReader().reads(client.get(site["url"] + "/export.yml").text)
    assert [m.get("text") for m in exported.intent_examples] == ["my name is [name], can I fly?"]


def test_the_access_log_says_who_did_what_without_message_text(site):
    logged_in(site["url"]).get(site["url"] + f"/safety?from={TODAY}&to={TODAY}")
    log = site["log"].read_text()
    assert re.search(rf"Z user=alice client=127\.0\.0\.1 action=view page=safety from={TODAY}&to={TODAY}", log)
    assert "action=login-failed" in log and "action=refused-missing-csrf" in log
    for typed in ("chest pain", "can I fly", "sky", PASSWORD, "wrong password"):
        assert typed not in log


def test_logins_are_rate_limited_per_client(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET)], NOW)
    with running_console(db, tmp_path, {"CONSOLE_SESSION_MINUTES": "0.05"}) as base:
        client = logged_in(base)  # an expired session is refused
        assert client.get(base + "/overview").status_code == 200
        time.sleep(3.5)
        expired = client.get(base + "/overview", allow_redirects=False)
        assert expired.status_code == 303 and expired.headers["Location"] == "/login"

        attempt = requests.Session()
        token = csrf_of(attempt.get(base + "/login").text)
        codes = [attempt.post(base + "/login", data={"csrf": token, "user": "alice", "password": "guess %d" % n},
                              allow_redirects=False).status_code for n in range(6)]
        assert codes == [401] * 5 + [429]
        right = attempt.post(base + "/login", data={"csrf": token, "user": "alice", "password": PASSWORD},
                             allow_redirects=False)
        assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0


@pytest.mark.parametrize("change, message", [
    ({"CONSOLE_SECRET": ""}, "CONSOLE_SECRET is not set"),
    ({"CONSOLE_USERS": ""}, "CONSOLE_USERS is not set"),
    ({"TRACKER_DB": "/nonexistent/conversations.db"}, "no conversation store at /nonexistent/conversations.db"),
])
def test_the_console_refuses_to_start_and_says_why(tmp_path, change, message):
    result = refused_start(environment(tmp_path / "conversations.db", tmp_path, change))
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_hash_password_prints_a_hash_that_verifies():
    made = subprocess.run([sys.executable, "-m", "console", "hash-password"], input="a long new password\n", cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0 and verify("a long new password", parse(made.stdout.strip()))
    short = subprocess.run([sys.executable, "-m", "console", "hash-password"], input="short\n", cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert short.returncode == 2 and "at least 12 characters" in short.stderr and short.stdout == ""


def test_forget_me_leaves_the_consoles_copy_without_any_page_view(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:dora", [Turn("my name is [name], can I swim?", "nlu_fallback", FALLBACK)], NOW - 60)
    save(db, "rest:ed", [Turn("what colour is the sky", "nlu_fallback", FALLBACK)], NOW - 30)
    copy = tmp_path / "console.db"
    texts = lambda: {text for text, in sqlite3.connect(copy).execute("SELECT text FROM messages")}  # noqa: E731
    with running_console(db, tmp_path, {"CONSOLE_SYNC_SECONDS": "0.2"}) as base:
        client = logged_in(base)
        page = client.get(f"{base}/not-understood?from={TODAY}&to={TODAY}").text
        sender, timestamp = re.search(r'name="sender" value="([^"]+)">\s*<input type="hidden" name="timestamp" '
                                      r'value="([^"]+)"', page).groups()  # the newest: ed's
        assert client.post(f"{base}/marks", data={"csrf": csrf_of(page), "sender": sender, "timestamp": timestamp,
                                                  "kind": "new_content"}, allow_redirects=False).status_code == 303
        assert texts() == {"my name is [name], can I swim?", "what colour is the sky"}
        assert eventually(lambda: sqlite3.connect(copy).execute(
            "SELECT count(*) FROM embeddings").fetchone()[0] == 2)
        forget(db, "rest:ed")  # "forget me"; nobody opens a page from now on
        assert eventually(lambda: texts() == {"my name is [name], can I swim?"})
        assert eventually(lambda: sqlite3.connect(copy).execute("SELECT count(*) FROM marks").fetchone()[0] == 0)
        assert sqlite3.connect(copy).execute("SELECT count(*) FROM embeddings").fetchone() == (1,)


def test_until_the_store_is_read_whole_every_page_says_it_is_partial(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("I have chest pain", "emergency", EMERGENCY)], NOW - 60)
    lock = sqlite3.connect(db)
    lock.execute("BEGIN EXCLUSIVE")  # the store cannot be read while the console starts (a busy store)
    try:
        with running_console(db, tmp_path, {"CONSOLE_SYNC_SECONDS": "3600"}) as base:
            client = logged_in(base)
            for path in ("/overview", "/not-understood", "/safety"):
                page = client.get(f"{base}{path}?from={TODAY}&to={TODAY}").text
                assert 'id="sync-status" data-complete="false"' in page and "<strong>Partial:</strong>" in page, path
                assert "The last attempt to read it failed (the conversation store cannot be read" in page, path
            assert re.search(r'id="total-messages">0<', client.get(f"{base}/overview?from={TODAY}&to={TODAY}").text)
            csv = client.get(f"{base}/overview.csv?from={TODAY}&to={TODAY}")
            assert csv.status_code == 503 and "still reading the conversation store" in csv.text
    finally:
        lock.close()
