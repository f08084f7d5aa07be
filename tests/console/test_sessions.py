"""console/sessions.py and console/signing.py: signed session ids, CSRF tokens, expiry, logout."""
from console.sessions import Sessions
from console.signing import sign, unsign

SECRET = b"s" * 40


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_session_is_found_by_its_cookie_until_it_expires():
    clock = Clock()
    sessions = Sessions(SECRET, 60, clock)
    cookie = sessions.start("alice")
    assert sessions.get(cookie).user == "alice"
    clock.now += 59
    assert sessions.get(cookie) is not None
    clock.now += 1
    assert sessions.get(cookie) is None


def test_a_forged_or_tampered_cookie_is_no_session():
    sessions = Sessions(SECRET, 60)
    cookie = sessions.start("alice")
    session_id = unsign(SECRET, cookie)
    assert sessions.get(session_id) is None
    assert sessions.get(cookie[:-1] + ("0" if cookie[-1] != "0" else "1")) is None
    assert sessions.get(sign(b"o" * 40, session_id)) is None
    assert sessions.get(None) is None and sessions.get("") is None


def test_logout_ends_the_session():
    sessions = Sessions(SECRET, 60)
    cookie = sessions.start("alice")
    sessions.end(cookie)
    assert sessions.get(cookie) is None


def test_the_csrf_token_is_the_sessions_own():
    sessions = Sessions(SECRET, 60)
    alice, bob = sessions.get(sessions.start("alice")), sessions.get(sessions.start("bob"))
    assert alice.csrf_ok(alice.csrf)
    assert not alice.csrf_ok(bob.csrf) and not alice.csrf_ok("") and not alice.csrf_ok(None)
