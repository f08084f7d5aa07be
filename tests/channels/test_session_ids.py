"""Web chat session ids: issued and signed by the server; anything else is not a session."""
import pytest

from channels.env import ChannelConfigError, session_secret
from channels.session_ids import SENDER_PREFIX, SessionIds

SECRET = "a-test-secret-that-is-long-enough-0123456789"


@pytest.fixture
def ids():
    return SessionIds(SECRET)


def test_an_issued_id_maps_to_web_and_its_random_part(ids):
    session_id = ids.issue()
    random_part, signature = session_id.split(".")
    assert ids.sender_id(session_id) == SENDER_PREFIX + random_part == "web:" + random_part
    assert signature not in ids.sender_id(session_id)


def test_every_issued_id_is_new(ids):
    issued = {ids.issue() for _ in range(1000)}
    assert len(issued) == 1000
    assert len({session_id.split(".")[0] for session_id in issued}) == 1000


def test_another_server_with_the_same_secret_accepts_it(ids):
    session_id = ids.issue()
    assert SessionIds(SECRET).sender_id(session_id) == ids.sender_id(session_id)


def test_an_id_signed_with_another_secret_is_refused(ids):
    assert ids.sender_id(SessionIds(SECRET + "-other").issue()) is None


def tampered(session_id, position):
    characters = list(session_id)
    characters[position] = "A" if characters[position] != "A" else "B"
    return "".join(characters)


@pytest.mark.parametrize("position", [0, 31, 33, -1], ids=["random start", "random end", "signature start",
                                                             "signature end"])
def test_any_changed_character_is_refused(ids, position):
    session_id = ids.issue()
    assert ids.sender_id(tampered(session_id, position)) is None


@pytest.mark.parametrize("not_issued", [
    None, "", 42, {"session_id": "x"}, "patient-1", "0123456789abcdef0123456789abcdef",
    "web:abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345",
    "abcdefghijklmnopqrstuvwxyz012345.", ".abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
])
def test_what_the_server_did_not_issue_is_refused(ids, not_issued):
    assert ids.sender_id(not_issued) is None


def test_the_stored_sender_id_is_not_a_session_id(ids):
    session_id = ids.issue()
    stored = ids.sender_id(session_id)
    assert ids.sender_id(stored) is None
    assert ids.sender_id(stored[len(SENDER_PREFIX):]) is None


def test_surrounding_text_is_refused(ids):
    session_id = ids.issue()
    assert ids.sender_id(session_id + "\n") is None
    assert ids.sender_id(" " + session_id) is None


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="at least 32"):
        SessionIds("short")


def test_the_secret_comes_from_the_environment():
    assert session_secret({"SESSION_SECRET": f"  {SECRET} "}) == SECRET
    for unset in ({}, {"SESSION_SECRET": "  "}):
        with pytest.raises(ChannelConfigError, match="SESSION_SECRET is not set"):
            session_secret(unset)


def test_the_channel_will_not_start_without_a_usable_secret(monkeypatch):
    from rasa.shared.exceptions import RasaException

    from channels.socketio import SocketIOInput

    monkeypatch.delenv("SESSION_SECRET", raising=False)
    with pytest.raises(RasaException, match="SESSION_SECRET is not set"):
        SocketIOInput.from_credentials({})
    monkeypatch.setenv("SESSION_SECRET", "short")
    with pytest.raises(RasaException, match="SESSION_SECRET: .* at least 32"):
        SocketIOInput.from_credentials({})
    monkeypatch.setenv("SESSION_SECRET", SECRET)
    channel = SocketIOInput.from_credentials({"user_message_evt": "user_uttered"})
    assert channel.name() == "socketio" and channel.session_ids.sender_id(channel.session_ids.issue())
